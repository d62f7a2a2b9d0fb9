/* The AVX-512 backend (F and BW): scan_body.h and split_body.h, 64 bytes
 * at a time. */
#include "backend.h"

#ifdef TX_X86
#include "rules_x86.h"
#include "space_x86.h"

#define TX_TARGET __attribute__((target("avx512f,avx512bw")))
#define TX_W 64
#define TX_SCAN tx_scan_avx512
#define TX_TALLY tx_tally_avx512
#define TX_NARROWER tx_scan_avx2
#define TX_SKIP tx_skip_avx512
#define TX_LINE tx_line_avx512

typedef unsigned long long tx_mask;

typedef struct {
    __m512i byte[TX_PROBES];
    size_t at[TX_PROBES];
} tx_probes;

TX_TARGET static inline tx_probes probes_init(const tx_needle *nd)
{
    tx_probes v;
    for (int k = 0; k < TX_PROBES; k++) {
        v.at[k] = nd->at[k];
        v.byte[k] = _mm512_set1_epi8((char)nd->s[nd->at[k]]);
    }
    return v;
}

TX_TARGET static inline tx_mask probe_eq(const tx_probes *v,
                                         const unsigned char *h, int k)
{
    return _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(h + v->at[k]),
                                  v->byte[k]);
}

TX_TARGET static inline tx_mask probe_mask(const tx_probes *v,
                                           const unsigned char *h)
{
    return (probe_eq(v, h, 0) & probe_eq(v, h, 1)) &
           (probe_eq(v, h, 2) & probe_eq(v, h, 3));
}

/* 0xFF at each start of h[0, 32) where probe k agrees. */
TX_TARGET static inline __m256i probe_eq32(const tx_probes *v,
                                           const unsigned char *h, int k)
{
    const __m256i x =
        _mm256_loadu_si256((const __m256i *)(const void *)(h + v->at[k]));
    return _mm256_cmpeq_epi8(x, _mm512_castsi512_si256(v->byte[k]));
}

TX_TARGET static inline __m256i probe_hits32(const tx_probes *v,
                                             const unsigned char *h, int quiet)
{
    const __m256i two = _mm256_and_si256(probe_eq32(v, h, 0),
                                         probe_eq32(v, h, 1));
    return quiet == 3 ? _mm256_and_si256(two, probe_eq32(v, h, 2)) : two;
}

/* The fast test in 32-byte halves: a 64-byte load at an offset that is
 * not a multiple of 64 reads two cache lines, and on text read from
 * memory (AMD Zen 4, 50 MB, a rare word) this test with 64-byte loads ran
 * at 0.6 of memchr's speed where the halves run at 0.8 (its loads of the
 * rarest probe are aligned: see scan_body.h). */
TX_TARGET static inline int probe_quiet4(const tx_probes *v,
                                         const unsigned char *h, int quiet)
{
    __m256i any = probe_hits32(v, h, quiet);
    for (int k = 1; k < 8; k++)
        any = _mm256_or_si256(any, probe_hits32(v, h + 32 * k, quiet));
    return _mm256_testz_si256(any, any);
}

typedef __m512i tx_vec;

TX_TARGET static inline tx_vec vec_set1(unsigned char c)
{
    return _mm512_set1_epi8((char)c);
}

/* The bytes of h[0, W) equal to b's. */
TX_TARGET static inline tx_mask eq_mask(const unsigned char *h, tx_vec b)
{
    return _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(h), b);
}

TX_TARGET static inline tx_mask edge_mask(const unsigned char *a,
                                          const unsigned char *b,
                                          tx_mask *sure)
{
    const __m512i x = _mm512_loadu_si512(a), y = _mm512_loadu_si512(b);
    *sure = tx_space_avx512(x, TEXTOPS_BYTES) &
            tx_space_avx512(y, TEXTOPS_BYTES);
    return tx_maybe_space_avx512(x) & tx_maybe_space_avx512(y);
}

/* As in backend_sse2.c. */
TX_TARGET static inline tx_mask word_edge_mask(const unsigned char *a,
                                               const unsigned char *b,
                                               tx_mask *sure)
{
    const __m512i x = _mm512_loadu_si512(a), y = _mm512_loadu_si512(b);
    const tx_mask wx = tx_word_avx512(x), wy = tx_word_avx512(y);
    *sure = tx_ascii_avx512(x) & ~wx & tx_ascii_avx512(y) & ~wy;
    return ~(wx | wy);
}

static inline int mask_ctz(tx_mask x) { return __builtin_ctzll(x); }
static inline int mask_popcount(tx_mask x) { return __builtin_popcountll(x); }

TX_TARGET static inline uint64_t space_mask64(const unsigned char *t,
                                              int mode, uint64_t *lead)
{
    const __m512i x = _mm512_loadu_si512(t);
    *lead = mode == TEXTOPS_UNICODE ? tx_lead_avx512(x) : 0;
    return tx_space_avx512(x, mode);
}

TX_TARGET static inline uint64_t line_mask64(const unsigned char *t,
                                             int mode)
{
    return tx_break_avx512(_mm512_loadu_si512(t), mode);
}

#include "scan_body.h"
#include "split_body.h"

#endif /* TX_X86 */
