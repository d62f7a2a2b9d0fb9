/* The SSE2 backend: scan_body.h and split_body.h, 16 bytes at a time. */
#include "backend.h"

#ifdef TX_X86
#include "rules_x86.h"
#include "space_x86.h"

#ifdef __SSE2__ /* x86-64: already the baseline */
#define TX_TARGET
#else
#define TX_TARGET __attribute__((target("sse2")))
#endif
#define TX_W 16
#define TX_SCAN tx_scan_sse2
#define TX_TALLY tx_tally_sse2
#define TX_NARROWER tx_scan_portable
#define TX_SKIP tx_skip_sse2
#define TX_SPLIT tx_split_sse2
#define TX_LINE tx_line_sse2

typedef unsigned tx_mask;

typedef struct {
    __m128i byte[TX_PROBES];
    size_t at[TX_PROBES];
} tx_probes;

TX_TARGET static inline tx_probes probes_init(const tx_needle *nd)
{
    tx_probes v;
    for (int k = 0; k < TX_PROBES; k++) {
        v.at[k] = nd->at[k];
        v.byte[k] = _mm_set1_epi8((char)nd->s[nd->at[k]]);
    }
    return v;
}

/* 0xFF at each start of h[0, 16) where probe k agrees. */
TX_TARGET static inline __m128i probe_eq(const tx_probes *v, const unsigned char *h,
                                      int k)
{
    return _mm_cmpeq_epi8(
        _mm_loadu_si128((const __m128i *)(const void *)(h + v->at[k])), v->byte[k]);
}

TX_TARGET static inline tx_mask probe_mask(const tx_probes *v,
                                           const unsigned char *h)
{
    const __m128i two = _mm_and_si128(probe_eq(v, h, 0), probe_eq(v, h, 1));
    const __m128i all =
        _mm_and_si128(two, _mm_and_si128(probe_eq(v, h, 2), probe_eq(v, h, 3)));
    return (unsigned)_mm_movemask_epi8(all);
}

/* 0xFF at each start of h[0, 16) where the first `quiet` probes agree. */
TX_TARGET static inline __m128i probe_hits(const tx_probes *v,
                                        const unsigned char *h, int quiet)
{
    const __m128i two = _mm_and_si128(probe_eq(v, h, 0), probe_eq(v, h, 1));
    return quiet == 3 ? _mm_and_si128(two, probe_eq(v, h, 2)) : two;
}

TX_TARGET static inline int probe_quiet4(const tx_probes *v,
                                         const unsigned char *h, int quiet)
{
    const __m128i any = _mm_or_si128(
        _mm_or_si128(probe_hits(v, h, quiet), probe_hits(v, h + 16, quiet)),
        _mm_or_si128(probe_hits(v, h + 32, quiet),
                      probe_hits(v, h + 48, quiet)));
    return _mm_movemask_epi8(any) == 0;
}

typedef __m128i tx_vec;

TX_TARGET static inline tx_vec vec_set1(unsigned char c)
{
    return _mm_set1_epi8((char)c);
}

/* The bytes of h[0, W) equal to b's. */
TX_TARGET static inline tx_mask eq_mask(const unsigned char *h, tx_vec b)
{
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)h), b));
}

TX_TARGET static inline tx_mask edge_mask(const unsigned char *a,
                                          const unsigned char *b,
                                          tx_mask *sure)
{
    const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)a);
    const __m128i y = _mm_loadu_si128((const __m128i *)(const void *)b);
    *sure = (unsigned)_mm_movemask_epi8(_mm_and_si128(
        tx_space_sse2(x, TEXTOPS_BYTES), tx_space_sse2(y, TEXTOPS_BYTES)));
    return (unsigned)_mm_movemask_epi8(
        _mm_and_si128(tx_maybe_space_sse2(x), tx_maybe_space_sse2(y)));
}

/* The starts whose neighbours a[i] and b[i] are both not ASCII \w (only
 * there may a \w token stand), and in *sure those where both are ASCII
 * and not \w (tokens for certain). */
TX_TARGET static inline tx_mask word_edge_mask(const unsigned char *a,
                                               const unsigned char *b,
                                               tx_mask *sure)
{
    const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)a);
    const __m128i y = _mm_loadu_si128((const __m128i *)(const void *)b);
    const __m128i wx = tx_word_sse2(x), wy = tx_word_sse2(y);
    *sure = (unsigned)_mm_movemask_epi8(
        _mm_and_si128(_mm_andnot_si128(wx, tx_ascii_sse2(x)),
                      _mm_andnot_si128(wy, tx_ascii_sse2(y))));
    return ~(unsigned)_mm_movemask_epi8(_mm_or_si128(wx, wy)) & 0xFFFFu;
}

static inline int mask_ctz(tx_mask x) { return __builtin_ctz(x); }
static inline int mask_popcount(tx_mask x) { return __builtin_popcount(x); }

TX_TARGET static inline uint64_t space_mask64(const unsigned char *t,
                                              int mode, uint64_t *lead)
{
    uint64_t ws = 0, ld = 0;
    for (int k = 0; k < 4; k++) {
        const __m128i x =
            _mm_loadu_si128((const __m128i *)(const void *)(t + 16 * k));
        ws |= (uint64_t)(unsigned)_mm_movemask_epi8(tx_space_sse2(x, mode))
              << (16 * k);
        if (mode == TEXTOPS_UNICODE)
            ld |= (uint64_t)(unsigned)_mm_movemask_epi8(tx_lead_sse2(x))
                  << (16 * k);
    }
    *lead = ld;
    return ws;
}

TX_TARGET static inline uint64_t line_mask64(const unsigned char *t,
                                             int mode)
{
    uint64_t lb = 0;
    for (int k = 0; k < 4; k++) {
        const __m128i x =
            _mm_loadu_si128((const __m128i *)(const void *)(t + 16 * k));
        lb |= (uint64_t)(unsigned)_mm_movemask_epi8(tx_break_sse2(x, mode))
              << (16 * k);
    }
    return lb;
}

#include "scan_body.h"
#include "split_body.h"

/* ASCII \w: the signed compares leave the bytes above 0x7F out. */
TX_TARGET uint64_t tx_word_mask_sse2(const unsigned char *t, uint64_t *high)
{
    uint64_t w = 0, h = 0;
    for (int k = 0; k < 4; k++) {
        const __m128i x =
            _mm_loadu_si128((const __m128i *)(const void *)(t + 16 * k));
        const __m128i l = _mm_or_si128(x, _mm_set1_epi8(0x20));
        const __m128i digit =
            _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                          _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
        const __m128i letter =
            _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)),
                          _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1)));
        const __m128i word =
            _mm_or_si128(_mm_or_si128(digit, letter),
                         _mm_cmpeq_epi8(x, _mm_set1_epi8('_')));
        w |= (uint64_t)(unsigned)_mm_movemask_epi8(word) << (16 * k);
        h |= (uint64_t)(unsigned)_mm_movemask_epi8(x) << (16 * k);
    }
    *high = h;
    return w;
}

#endif /* TX_X86 */
