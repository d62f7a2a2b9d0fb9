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

/* edge_mask of the bytes x before and y after the starts. */
TX_TARGET static inline tx_mask edge_vec(__m512i x, __m512i y, tx_mask *sure)
{
    *sure = tx_space_avx512(x, TEXTOPS_BYTES) &
            tx_space_avx512(y, TEXTOPS_BYTES);
    return tx_maybe_space_avx512(x) & tx_maybe_space_avx512(y);
}

TX_TARGET static inline tx_mask edge_mask(const unsigned char *a,
                                          const unsigned char *b,
                                          tx_mask *sure)
{
    return edge_vec(_mm512_loadu_si512(a), _mm512_loadu_si512(b), sure);
}

/* As in backend_sse2.c. */
TX_TARGET static inline tx_mask word_edge_vec(__m512i x, __m512i y,
                                              tx_mask *sure)
{
    const tx_mask wx = tx_word_avx512(x), wy = tx_word_avx512(y);
    *sure = tx_ascii_avx512(x) & ~wx & tx_ascii_avx512(y) & ~wy;
    return ~(wx | wy);
}

TX_TARGET static inline tx_mask word_edge_mask(const unsigned char *a,
                                               const unsigned char *b,
                                               tx_mask *sure)
{
    return word_edge_vec(_mm512_loadu_si512(a), _mm512_loadu_si512(b), sure);
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

/* The scan of a short text (backend.h: scan_short), 64 starts at a time
 * by masked loads that read only bytes of the text (no block is moved
 * back, none needs 64 starts): a needle of up to TX_TALLY_MAX bytes is
 * matched whole by its bytes, a longer one where its two rarest bytes
 * agree, then compared. A count that cannot overlap adds up the matches;
 * other occurrences are taken in order. The edges of a needle are tested
 * as TX_SCAN tests them, where both neighbours lie in the text. */
TX_TARGET size_t tx_scan_short_avx512(const unsigned char *h, size_t n,
                                      const tx_needle *nd, tx_visitor *visit)
{
    const size_t m = nd->m, a0 = nd->at[0], a1 = nd->at[1];
    size_t count = 0, next = 0;
    if (m > n)
        return 0;
    const size_t last = n - m;
    const int whole = m <= TX_TALLY_MAX, edged = nd->edges && visit != NULL;
    const int tally = visit == NULL && whole && !nd->overlaps;
    const __m512i b0 = _mm512_set1_epi8((char)nd->s[a0]),
                  b1 = _mm512_set1_epi8((char)nd->s[a1]);
    for (size_t p = 0; p <= last; p += TX_W) {
        const size_t k = last - p + 1; /* the starts left */
        const __mmask64 starts = k >= TX_W ? ~(__mmask64)0
                                           : ((__mmask64)1 << k) - 1;
        /* start p + j reads bytes p + j + i < n for j < k, i < m */
        tx_mask mask = _mm512_mask_cmpeq_epi8_mask(
            _mm512_mask_cmpeq_epi8_mask(
                starts, _mm512_maskz_loadu_epi8(starts, h + p + a0), b0),
            _mm512_maskz_loadu_epi8(starts, h + p + a1), b1);
        for (size_t i = 0; whole && mask && i < m; i++)
            if (i != a0 && i != a1)
                mask = _mm512_mask_cmpeq_epi8_mask(
                    mask, _mm512_maskz_loadu_epi8(starts, h + p + i),
                    _mm512_set1_epi8((char)nd->s[i]));
        if (tally) {
            count += (size_t)mask_popcount(mask);
            continue;
        }
        tx_mask sure = 0;
        if (edged && mask) {
            /* the starts with both neighbours in the text; the others are
             * left to the visitor */
            tx_mask inner = p == 0 ? starts & ~(tx_mask)1 : starts;
            if (k <= TX_W)
                inner &= ~((tx_mask)1 << (k - 1));
            const __m512i x = _mm512_maskz_loadu_epi8(
                              inner, (const void *)((uintptr_t)h + p - 1)),
                          y = _mm512_maskz_loadu_epi8(inner, h + p + m);
            tx_mask maybe = nd->edges == TX_EDGES_WORD
                                ? word_edge_vec(x, y, &sure)
                                : edge_vec(x, y, &sure);
            mask &= maybe | ~inner;
            sure &= mask & inner;
            if (whole) {
                visit->tokens += (size_t)mask_popcount(sure);
                mask &= ~sure;
            }
        }
        if (walk_candidates(h, p, mask, sure, whole, nd, visit, &next, &count))
            return count;
    }
    return count;
}

#endif /* TX_X86 */
