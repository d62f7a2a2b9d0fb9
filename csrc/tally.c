/* The substring or split() word count of one short text of a GIL-held
 * batch by a vector tally (see tally.h).
 *
 * A million short documents spend most of a scan's time in its setup and
 * its calls (the query's plan, the backend, the probes, a visitor for a
 * str's units): the tally takes a needle of up to TX_TALLY_UNITS units,
 * prepared once per batch, and tests 64 bytes of starts at a time
 * (AVX-512, by masked loads that read only the text's bytes; AVX2 below:
 * 32, its loads kept inside the text): the rarest units first
 * (four without a branch), the others while any start is left, a popcount
 * per block. Units of 2 and 4 bytes are compared as 16- and 32-bit lanes,
 * so only unit boundaries are starts. A substring must not overlap itself
 * (every match is then one of str.count's); a token of split() needs
 * whitespace or an end of the text on each side (tokens never overlap).
 * Measured on a million documents of 40-200 characters (2 threads,
 * AVX-512): "the" 30.6 -> 27.8 ms, "zyzzyva" 23 -> 21 ms; split() words
 * "whale" 26.6 -> 23.1 ms, "the" 43.3 -> 32.0 ms. Each instance of the
 * loop fixes the width, the kind of whitespace and whether the needle has
 * more than TALLY_SURE units, so that no branch of the loop tests them
 * (the test of a fifth unit, placed by the compiler before the test of k,
 * cost substring "the" a mispredicted branch on every other block: 25.5
 * -> 20.4 ms; a fourth test of its first unit, about 0.5-1 ms more); a
 * frequent word's tokens are tested without a branch on the block's
 * matches (t->dense: "the" 29-30 -> 24.7 ms). */
#include <string.h>

#include "backend.h"
#include "space.h"
#include "tally.h"

void tx_tally_init(tx_tally *t, const unsigned char *s, size_t m,
                   size_t width, size_t at0, size_t at1, int space)
{
    size_t k = width != 0 ? m / width : 0;
    uint32_t u[TX_TALLY_UNITS];
    memset(t, 0, sizeof *t);
    t->width = width;
    if (k == 0 || k > TX_TALLY_UNITS || m % width != 0)
        return;
    for (size_t i = 0; i < k; i++) {
        uint32_t v = 0;
        for (size_t b = 0; b < width; b++) /* little-endian units */
            v |= (uint32_t)s[i * width + b] << (8 * b);
        u[i] = v;
    }
    /* a proper suffix that is a prefix: occurrences may overlap, and only
     * tokens (whitespace on each side) never do */
    for (size_t d = 1; d < k && !space; d++)
        if (memcmp(u, u + d, (k - d) * sizeof u[0]) == 0)
            return;
    size_t a = at0 / width < k ? at0 / width : 0;
    size_t b = at1 / width < k && at1 / width != a ? at1 / width
                                                   : (a + 1) % k;
    size_t j = 0;
    t->at[j++] = a;
    if (b != a)
        t->at[j++] = b;
    for (size_t i = 0; i < k; i++)
        if (i != a && i != b)
            t->at[j++] = i;
    for (size_t i = 0; i < k; i++)
        t->u[i] = u[t->at[i]];
    t->space = space;
    t->k = k;
}

#ifdef TX_X86
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,popcnt")))

/* The starts among those in `starts` of the block at unit p of h (units
 * of width 1, 2 or 4) where unit i of the needle is found; loads only the
 * lanes of starts. */
AVX512 static inline uint64_t tally_eq(const unsigned char *h, size_t width,
                                       size_t p, size_t i, uint32_t u,
                                       uint64_t starts)
{
    const void *at = h + (p + i) * width;
    if (width == 1)
        return _mm512_mask_cmpeq_epi8_mask(
            starts, _mm512_maskz_loadu_epi8(starts, at),
            _mm512_set1_epi8((char)u));
    if (width == 2)
        return _mm512_mask_cmpeq_epi16_mask(
            (__mmask32)starts,
            _mm512_maskz_loadu_epi16((__mmask32)starts, at),
            _mm512_set1_epi16((short)u));
    return _mm512_mask_cmpeq_epi32_mask(
        (__mmask16)starts, _mm512_maskz_loadu_epi32((__mmask16)starts, at),
        _mm512_set1_epi32((int)u));
}

/* The lanes of x (units of `width` bytes) below 0x80 that are whitespace
 * as `space` takes it (space.h's constants: \t..\r and space; for a str
 * also \x1c..\x1f, next to space); *high: for a str, the lanes of 0x80 or
 * more, which tally_space_high judges. */
AVX512 static inline uint64_t tally_space_ascii(__m512i x, size_t width,
                                                int space, uint64_t *high)
{
    _Static_assert(TX_WS_SEP_HI + 1 == TX_WS_SPACE,
                   "\\x1c..\\x1f and space are one range");
    const int str = space != TX_SPACE_BYTES;
    const int lo = str ? TX_WS_SEP_LO : TX_WS_SPACE;
    *high = 0;
    if (width == 1) {
        uint64_t ws =
            _mm512_cmple_epu8_mask(
                _mm512_sub_epi8(x, _mm512_set1_epi8(TX_WS_CTL_LO)),
                _mm512_set1_epi8(TX_WS_CTL_HI - TX_WS_CTL_LO)) |
            _mm512_cmple_epu8_mask(
                _mm512_sub_epi8(x, _mm512_set1_epi8((char)lo)),
                _mm512_set1_epi8((char)(TX_WS_SPACE - lo)));
        if (str)
            *high = _mm512_movepi8_mask(x);
        return ws;
    }
    if (width == 2) {
        *high = _mm512_cmpge_epu16_mask(x, _mm512_set1_epi16(0x80));
        return _mm512_cmple_epu16_mask(
                   _mm512_sub_epi16(x, _mm512_set1_epi16(TX_WS_CTL_LO)),
                   _mm512_set1_epi16(TX_WS_CTL_HI - TX_WS_CTL_LO)) |
               _mm512_cmple_epu16_mask(
                   _mm512_sub_epi16(x, _mm512_set1_epi16((short)lo)),
                   _mm512_set1_epi16((short)(TX_WS_SPACE - lo)));
    }
    *high = _mm512_cmpge_epu32_mask(x, _mm512_set1_epi32(0x80));
    return _mm512_cmple_epu32_mask(
               _mm512_sub_epi32(x, _mm512_set1_epi32(TX_WS_CTL_LO)),
               _mm512_set1_epi32(TX_WS_CTL_HI - TX_WS_CTL_LO)) |
           _mm512_cmple_epu32_mask(
               _mm512_sub_epi32(x, _mm512_set1_epi32((int)lo)),
               _mm512_set1_epi32((int)(TX_WS_SPACE - lo)));
}

/* The lanes of x (a str's units of `width` bytes) of 0x80 or more that
 * str.split() splits on (space.h lists them). */
AVX512 static inline uint64_t tally_space_high(__m512i x, size_t width)
{
    static const uint32_t lo[] = {0x2000, 0x2028};
    static const uint32_t span[] = {0x200A - 0x2000, 0x2029 - 0x2028};
    static const uint32_t one[] = {0x85, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000};
    uint64_t ws = 0;
    if (width == 1)
        return _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8((char)0x85)) |
               _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8((char)0xA0));
    if (width == 2) {
        for (size_t i = 0; i < 2; i++)
            ws |= _mm512_cmple_epu16_mask(
                _mm512_sub_epi16(x, _mm512_set1_epi16((short)lo[i])),
                _mm512_set1_epi16((short)span[i]));
        for (size_t i = 0; i < 6; i++)
            ws |= _mm512_cmpeq_epi16_mask(x, _mm512_set1_epi16((short)one[i]));
        return ws;
    }
    for (size_t i = 0; i < 2; i++)
        ws |= _mm512_cmple_epu32_mask(
            _mm512_sub_epi32(x, _mm512_set1_epi32((int)lo[i])),
            _mm512_set1_epi32((int)span[i]));
    for (size_t i = 0; i < 6; i++)
        ws |= _mm512_cmpeq_epi32_mask(x, _mm512_set1_epi32((int)one[i]));
    return ws;
}

/* The lanes of `lanes` (units of `width` bytes) loaded from at. */
AVX512 static inline __m512i tally_load(const void *at, size_t width,
                                        uint64_t lanes)
{
    if (width == 1)
        return _mm512_maskz_loadu_epi8(lanes, at);
    if (width == 2)
        return _mm512_maskz_loadu_epi16((__mmask32)lanes, at);
    return _mm512_maskz_loadu_epi32((__mmask16)lanes, at);
}

/* The tally in units of `width` bytes, of a substring (space 0) or a
 * token (whitespace as `space` takes it), of a needle of more than
 * TALLY_SURE units (`more` 1), of TALLY_SURE (0) or of fewer (-1: three
 * units tested, as "the" needs): constants where it is inlined, so that
 * each instance tests nothing of them in its loop. The loads of a block
 * depend on no comparison, and the first TALLY_SURE units (the rarest two
 * first; a needle of fewer than three units tests its first again) are
 * tested without a branch: a frequent word's matches of its rarest units
 * are too common to predict. The others are tested only while a start is
 * left. A token's neighbours are tested in a block with a start left, or
 * in every block when the batch's sample finds the word frequent
 * (t->dense: a branch on each block's matches then mispredicts about
 * every other block): below 0x80 first, a neighbour of 0x80 or more
 * beside a match, rare, judged then. */
#define TALLY_SURE 4

/* The first TALLY_SURE units of t's needle and where each is (a needle of
 * fewer tests its first again), for both kernels. */
static inline void tally_sure(const tx_tally *t, size_t *at, uint32_t *u)
{
    for (size_t i = 0; i < TALLY_SURE; i++) {
        at[i] = t->at[i < t->k ? i : 0];
        u[i] = t->u[i < t->k ? i : 0];
    }
}

AVX512 static inline size_t tally_units(const tx_tally *t,
                                        const unsigned char *h, size_t n,
                                        size_t width, int space, int more)
{
    const size_t k = t->k, units = n / width, lanes = 64 / width;
    size_t at[TALLY_SURE];
    uint32_t u[TALLY_SURE];
    size_t count = 0;
    if (k > units)
        return 0;
    tally_sure(t, at, u);
    const size_t last = units - k; /* the last start */
    const uint64_t all = lanes == 64 ? ~(uint64_t)0
                                     : ((uint64_t)1 << lanes) - 1;
    for (size_t p = 0; p <= last; p += lanes) {
        const size_t left = last - p + 1;
        /* start p + j reads units p + j + i <= last + k - 1 < units */
        const uint64_t starts = left >= lanes ? all
                                              : ((uint64_t)1 << left) - 1;
        uint64_t mask = (tally_eq(h, width, p, at[0], u[0], starts) &
                         tally_eq(h, width, p, at[1], u[1], starts)) &
                        tally_eq(h, width, p, at[2], u[2], starts);
        if (more >= 0) /* a fourth unit */
            mask &= tally_eq(h, width, p, at[3], u[3], starts);
        for (size_t i = TALLY_SURE; more > 0 && mask && i < k; i++)
            mask &= tally_eq(h, width, p, t->at[i], t->u[i], starts);
        if (space && (t->dense || mask)) {
            /* a token: whitespace or an end before and after; the unit
             * before start p + j is p + j - 1 (none before the text's
             * first), after it p + j + k (none after its last start) */
            const uint64_t first = p == 0 ? 1 : 0,
                           end = left <= lanes ? (uint64_t)1 << (left - 1)
                                               : 0;
            const uint64_t lanes_b = starts & ~first, lanes_a = starts & ~end;
            const __m512i xb = tally_load(
                (const void *)((uintptr_t)h + (p - 1) * width), width,
                lanes_b);
            const __m512i xa = tally_load(h + (p + k) * width, width, lanes_a);
            uint64_t high_b, high_a;
            uint64_t before = tally_space_ascii(xb, width, space, &high_b);
            uint64_t after = tally_space_ascii(xa, width, space, &high_a);
            if ((high_b & mask & lanes_b) | (high_a & mask & lanes_a)) {
                if (space == TX_SPACE_UTF8)
                    return TX_TALLY_UNSURE;
                before |= tally_space_high(xb, width);
                after |= tally_space_high(xa, width);
            }
            mask &= (before | first) & (after | end);
        }
        count += (size_t)__builtin_popcountll(mask);
    }
    return count;
}

/* The instance of `units` (tally_units, tally2_units) for t's width,
 * space and length. */
#define TALLY_MORE(units, width, space)                                     \
    (t->k > TALLY_SURE    ? units(t, h, n, width, space, 1)                 \
     : t->k == TALLY_SURE ? units(t, h, n, width, space, 0)                 \
                          : units(t, h, n, width, space, -1))

/* A tally kernel `name` (target attribute `attr`) over `units`. */
#define TALLY_KERNEL(name, attr, units)                                     \
    attr static size_t name(const tx_tally *t, const unsigned char *h,      \
                            size_t n)                                       \
    {                                                                       \
        if (t->width == 1) {                                                \
            if (t->space == 0)                                              \
                return TALLY_MORE(units, 1, 0);                             \
            if (t->space == TX_SPACE_BYTES)                                 \
                return TALLY_MORE(units, 1, TX_SPACE_BYTES);                \
            if (t->space == TX_SPACE_UTF8)                                  \
                return TALLY_MORE(units, 1, TX_SPACE_UTF8);                 \
            return TALLY_MORE(units, 1, TX_SPACE_UNITS);                    \
        }                                                                   \
        if (t->width == 2)                                                  \
            return t->space ? TALLY_MORE(units, 2, TX_SPACE_UNITS)          \
                            : TALLY_MORE(units, 2, 0);                      \
        return t->space ? TALLY_MORE(units, 4, TX_SPACE_UNITS)              \
                        : TALLY_MORE(units, 4, 0);                          \
    }

TALLY_KERNEL(tally_avx512, AVX512, tally_units)

/* --- AVX2: 32 bytes of starts a block, byte masks ---------------------
 *
 * AVX2 has no byte-masked load, so a block's loads read 32 whole bytes:
 * a block reads in place while every load lies in the text; the last
 * one, whose loads would run past the text's end, loads the 32 bytes
 * that end there instead and shifts each mask down by as many bytes
 * (every load of the text stays inside it); a text shorter than 32 bytes
 * is copied into a zeroed buffer of the tally's own. The first block of a
 * token takes the whitespace before each start from its own load, moved
 * up one unit. Masks hold a bit per byte, a lane's w bits all set or all
 * clear, and the count takes one bit a lane. Measured on a million
 * documents of 40-200 characters (AVX2, 2 threads, against the scan in
 * the same process, interleaved): substrings "the" 68.6 -> 43.7 ms,
 * "whale" 58.6 -> 41.1, "zyzzyva" 61.1 -> 47.3; split() words "the"
 * 100.6 -> 63.5, "whale" 64.2 -> 54.8. Each instance must be inlined
 * whole (AVX2_INLINE): a tally2_block that gcc left out of line tested
 * its constants in every block, and rare words' tokens took 1.2x the
 * scan's time. */
#define AVX2 __attribute__((target("avx2,popcnt")))
/* inlined in every instance, so that each tests its constants once */
#define AVX2_INLINE AVX2 static inline __attribute__((always_inline))

/* The lanes (units of `width` bytes) of x equal to u, a bit per byte. */
AVX2 static inline uint32_t tally2_eq(__m256i x, size_t width, uint32_t u)
{
    const __m256i e =
        width == 1   ? _mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)u))
        : width == 2 ? _mm256_cmpeq_epi16(x, _mm256_set1_epi16((short)u))
                     : _mm256_cmpeq_epi32(x, _mm256_set1_epi32((int)u));
    return (uint32_t)_mm256_movemask_epi8(e);
}

/* The lanes of x in lo..lo + span, unsigned, a bit per byte. */
AVX2 static inline uint32_t tally2_in(__m256i x, size_t width, uint32_t lo,
                                      uint32_t span)
{
    __m256i d, e;
    if (width == 1) {
        d = _mm256_sub_epi8(x, _mm256_set1_epi8((char)lo));
        e = _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8((char)span)),
                              d);
    } else if (width == 2) {
        d = _mm256_sub_epi16(x, _mm256_set1_epi16((short)lo));
        e = _mm256_cmpeq_epi16(
            _mm256_min_epu16(d, _mm256_set1_epi16((short)span)), d);
    } else {
        d = _mm256_sub_epi32(x, _mm256_set1_epi32((int)lo));
        e = _mm256_cmpeq_epi32(
            _mm256_min_epu32(d, _mm256_set1_epi32((int)span)), d);
    }
    return (uint32_t)_mm256_movemask_epi8(e);
}

/* tally_space_ascii and tally_space_high in byte masks. */
AVX2 static inline uint32_t tally2_space_ascii(__m256i x, size_t width,
                                               int space, uint32_t *high)
{
    const int str = space != TX_SPACE_BYTES;
    const uint32_t lo = str ? TX_WS_SEP_LO : TX_WS_SPACE;
    *high = !str ? 0
            : width == 1
                ? (uint32_t)_mm256_movemask_epi8(x)
                : ~tally2_in(x, width, 0, 0x7F);
    return tally2_in(x, width, TX_WS_CTL_LO, TX_WS_CTL_HI - TX_WS_CTL_LO) |
           tally2_in(x, width, lo, TX_WS_SPACE - lo);
}

AVX2 static inline uint32_t tally2_space_high(__m256i x, size_t width)
{
    static const uint32_t one[] = {0x85, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000};
    uint32_t ws = tally2_eq(x, width, 0x85) | tally2_eq(x, width, 0xA0);
    if (width == 1)
        return ws;
    ws |= tally2_in(x, width, 0x2000, 0x200A - 0x2000) |
          tally2_in(x, width, 0x2028, 0x2029 - 0x2028);
    for (size_t i = 2; i < 6; i++)
        ws |= tally2_eq(x, width, one[i]);
    return ws;
}

/* The 32 bytes of h at byte offset o, or in the last block (`tail`), those
 * ending at h + lim if o's run past it, *shift then telling how many
 * bytes to move the masks down. */
AVX2 static inline __m256i tally2_load(const unsigned char *h, size_t lim,
                                       size_t o, int tail, size_t *shift)
{
    size_t from = tail && o + 32 > lim ? lim - 32 : o;
    *shift = o - from;
    return _mm256_loadu_si256((const __m256i *)(const void *)(h + from));
}

/* The mask m of a load moved down `shift` bytes (at most 32). */
static inline uint32_t tally2_down(uint32_t m, size_t shift)
{
    return (uint32_t)((uint64_t)m >> shift);
}

/* The lanes of the 32 bytes at byte offset o (tally2_load) equal to u. */
AVX2_INLINE uint32_t tally2_find(const unsigned char *h, size_t lim,
                                        size_t o, int tail, size_t width,
                                        uint32_t u)
{
    size_t shift;
    const __m256i x = tally2_load(h, lim, o, tail, &shift);
    return tally2_down(tally2_eq(x, width, u), shift);
}

/* The count of the block of starts at unit p: `starts` the byte mask of
 * its starts, `end` the lane whose next unit is the text's end (0: none
 * in this block); tally_units' tests, in this block's loads. */
AVX2_INLINE size_t tally2_block(const tx_tally *t,
                                       const unsigned char *h, size_t lim,
                                       size_t p, uint32_t starts,
                                       uint32_t end, size_t width, int space,
                                       int more, int tail, const size_t *at,
                                       const uint32_t *u, int *unsure)
{
    const size_t k = t->k;
#define FIND(a, v) tally2_find(h, lim, (p + (a)) * width, tail, width, (v))
    uint32_t mask = FIND(at[0], u[0]) & FIND(at[1], u[1]) &
                    FIND(at[2], u[2]) & starts;
    if (more >= 0)
        mask &= FIND(at[3], u[3]);
    for (size_t i = TALLY_SURE; more > 0 && mask && i < k; i++)
        mask &= FIND(t->at[i], t->u[i]);
#undef FIND
    if (space && (t->dense || mask)) {
        const uint32_t first = p == 0 ? (1u << width) - 1 : 0;
        size_t sb, sa;
        /* the unit before each start: the block's own, moved up, at the
         * text's first */
        const __m256i xb =
            tally2_load(h, lim, p == 0 ? 0 : (p - 1) * width, tail, &sb);
        const __m256i xa = tally2_load(h, lim, (p + k) * width, tail, &sa);
        uint32_t high_b, high_a;
        uint32_t before =
            tally2_down(tally2_space_ascii(xb, width, space, &high_b), sb);
        uint32_t after =
            tally2_down(tally2_space_ascii(xa, width, space, &high_a), sa);
        high_b = tally2_down(high_b, sb);
        high_a = tally2_down(high_a, sa);
        if (p == 0) {
            before <<= width;
            high_b <<= width;
        }
        if (((high_b & ~first) | (high_a & ~end)) & mask) {
            if (space == TX_SPACE_UTF8) {
                *unsure = 1;
                return 0;
            }
            const uint32_t hb = tally2_down(tally2_space_high(xb, width), sb);
            before |= p == 0 ? hb << width : hb;
            after |= tally2_down(tally2_space_high(xa, width), sa);
        }
        mask &= (before | first) & (after | end);
    }
    const uint32_t lane = width == 1 ? 0xFFFFFFFFu
                          : width == 2 ? 0x55555555u
                                       : 0x11111111u;
    return (size_t)__builtin_popcount(mask & lane);
}

/* tally_units in 32-byte blocks. */
AVX2_INLINE size_t tally2_units(const tx_tally *t,
                                       const unsigned char *h, size_t n,
                                       size_t width, int space, int more)
{
    const size_t k = t->k, units = n / width, lanes = 32 / width;
    size_t at[TALLY_SURE];
    uint32_t u[TALLY_SURE];
    unsigned char small[64]; /* n < 32: every load ends below 64 */
    size_t count = 0, lim = n, p = 0;
    int unsure = 0;
    if (k > units)
        return 0;
    tally_sure(t, at, u);
    if (n < 32) { /* every load inside the zeroed copy */
        memset(small, 0, sizeof small);
        memcpy(small, h, n);
        h = small;
        lim = sizeof small;
    }
    const size_t last = units - k; /* the last start */
    /* in place while the block is not the last: its last load, the
     * unit after its last start, then lies in the text */
    for (; p + lanes <= last && !unsure; p += lanes)
        count += tally2_block(t, h, lim, p, 0xFFFFFFFFu, 0, width, space,
                              more, 0, at, u, &unsure);
    if (p <= last && !unsure) {
        const size_t left = last - p + 1; /* at most lanes */
        const uint32_t starts =
            left * width >= 32 ? 0xFFFFFFFFu
                               : ((uint32_t)1 << (left * width)) - 1;
        const uint32_t end = ((uint32_t)1 << ((left - 1) * width)) *
                             (((uint32_t)1 << width) - 1);
        count += tally2_block(t, h, lim, p, starts, end, width, space, more,
                              1, at, u, &unsure);
    }
    return unsure ? TX_TALLY_UNSURE : count;
}

TALLY_KERNEL(tally_avx2, AVX2, tally2_units)
#endif

tx_tally_fn tx_tally_kernel(void)
{
#ifdef TX_X86
    if (tx_backend_now()->scan == tx_scan_avx512)
        return tally_avx512;
    if (tx_backend_now()->scan == tx_scan_avx2)
        return tally_avx2;
#endif
    return NULL;
}
