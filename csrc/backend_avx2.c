/* The AVX2 backend: scan_body.h and split_body.h, 32 bytes at a time. */
#include "backend.h"

#ifdef TX_X86
#include "rules_x86.h"
#include "space_x86.h"

#define TX_TARGET __attribute__((target("avx2")))
#define TX_W 32
#define TX_SCAN tx_scan_avx2
#define TX_TALLY tx_tally_avx2
#define TX_NARROWER tx_scan_sse2
#define TX_SKIP tx_skip_avx2
#define TX_LINE tx_line_avx2

typedef unsigned tx_mask;

typedef struct {
    __m256i byte[TX_PROBES];
    size_t at[TX_PROBES];
} tx_probes;

TX_TARGET static inline tx_probes probes_init(const tx_needle *nd)
{
    tx_probes v;
    for (int k = 0; k < TX_PROBES; k++) {
        v.at[k] = nd->at[k];
        v.byte[k] = _mm256_set1_epi8((char)nd->s[nd->at[k]]);
    }
    return v;
}

/* 0xFF at each start of h[0, 32) where probe k agrees. */
TX_TARGET static inline __m256i probe_eq(const tx_probes *v, const unsigned char *h,
                                      int k)
{
    return _mm256_cmpeq_epi8(
        _mm256_loadu_si256((const __m256i *)(const void *)(h + v->at[k])), v->byte[k]);
}

TX_TARGET static inline tx_mask probe_mask(const tx_probes *v,
                                           const unsigned char *h)
{
    const __m256i two = _mm256_and_si256(probe_eq(v, h, 0), probe_eq(v, h, 1));
    const __m256i all =
        _mm256_and_si256(two, _mm256_and_si256(probe_eq(v, h, 2), probe_eq(v, h, 3)));
    return (unsigned)_mm256_movemask_epi8(all);
}

/* 0xFF at each start of h[0, 32) where the first `quiet` probes agree. */
TX_TARGET static inline __m256i probe_hits(const tx_probes *v,
                                        const unsigned char *h, int quiet)
{
    const __m256i two = _mm256_and_si256(probe_eq(v, h, 0), probe_eq(v, h, 1));
    return quiet == 3 ? _mm256_and_si256(two, probe_eq(v, h, 2)) : two;
}

TX_TARGET static inline int probe_quiet4(const tx_probes *v,
                                         const unsigned char *h, int quiet)
{
    const __m256i any = _mm256_or_si256(
        _mm256_or_si256(probe_hits(v, h, quiet), probe_hits(v, h + 32, quiet)),
        _mm256_or_si256(probe_hits(v, h + 64, quiet),
                      probe_hits(v, h + 96, quiet)));
    return _mm256_movemask_epi8(any) == 0;
}

typedef __m256i tx_vec;

TX_TARGET static inline tx_vec vec_set1(unsigned char c)
{
    return _mm256_set1_epi8((char)c);
}

/* The bytes of h[0, W) equal to b's. */
TX_TARGET static inline tx_mask eq_mask(const unsigned char *h, tx_vec b)
{
    return (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
        _mm256_loadu_si256((const __m256i *)(const void *)h), b));
}

TX_TARGET static inline tx_mask edge_mask(const unsigned char *a,
                                          const unsigned char *b,
                                          tx_mask *sure)
{
    const __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)a);
    const __m256i y = _mm256_loadu_si256((const __m256i *)(const void *)b);
    *sure = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(
        tx_space_avx2(x, TEXTOPS_BYTES), tx_space_avx2(y, TEXTOPS_BYTES)));
    return (unsigned)_mm256_movemask_epi8(
        _mm256_and_si256(tx_maybe_space_avx2(x), tx_maybe_space_avx2(y)));
}

/* As in backend_sse2.c. */
TX_TARGET static inline tx_mask word_edge_mask(const unsigned char *a,
                                               const unsigned char *b,
                                               tx_mask *sure)
{
    const __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)a);
    const __m256i y = _mm256_loadu_si256((const __m256i *)(const void *)b);
    const __m256i wx = tx_word_avx2(x), wy = tx_word_avx2(y);
    *sure = (unsigned)_mm256_movemask_epi8(
        _mm256_and_si256(_mm256_andnot_si256(wx, tx_ascii_avx2(x)),
                         _mm256_andnot_si256(wy, tx_ascii_avx2(y))));
    return ~(unsigned)_mm256_movemask_epi8(_mm256_or_si256(wx, wy));
}

static inline int mask_ctz(tx_mask x) { return __builtin_ctz(x); }
static inline int mask_popcount(tx_mask x) { return __builtin_popcount(x); }

TX_TARGET static inline uint64_t space_mask64(const unsigned char *t,
                                              int mode, uint64_t *lead)
{
    const __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)t);
    const __m256i y =
        _mm256_loadu_si256((const __m256i *)(const void *)(t + 32));
    uint64_t ws =
        (uint64_t)(unsigned)_mm256_movemask_epi8(tx_space_avx2(x, mode)) |
        (uint64_t)(unsigned)_mm256_movemask_epi8(tx_space_avx2(y, mode)) << 32;
    *lead = mode != TEXTOPS_UNICODE
                ? 0
                : (uint64_t)(unsigned)_mm256_movemask_epi8(tx_lead_avx2(x)) |
                      (uint64_t)(unsigned)_mm256_movemask_epi8(tx_lead_avx2(y))
                          << 32;
    return ws;
}

TX_TARGET static inline uint64_t line_mask64(const unsigned char *t,
                                             int mode)
{
    const __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)t);
    const __m256i y =
        _mm256_loadu_si256((const __m256i *)(const void *)(t + 32));
    return (uint64_t)(unsigned)_mm256_movemask_epi8(tx_break_avx2(x, mode)) |
           (uint64_t)(unsigned)_mm256_movemask_epi8(tx_break_avx2(y, mode))
               << 32;
}

#include "scan_body.h"
#include "split_body.h"

#endif /* TX_X86 */
