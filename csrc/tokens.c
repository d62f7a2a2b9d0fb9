/* The tokenizer: the tokens of t.split(sep), handed to a sink. For
 * split() they are runs of non-whitespace (Unicode or ASCII whitespace, by
 * mode), else the pieces between the separators the greedy left-to-right
 * split takes, empty ones included. A token is a (pointer, length) into
 * the caller's text. */
#include <stdint.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "tokens.h"

/* What a byte may be in split(), per mode: 0 never whitespace, 1 ASCII
 * whitespace, 2 the lead byte of a multi-byte character that may be. */
static unsigned char byte_class[2][256];

static void init_byte_classes(void)
{
    for (int mode = 0; mode < 2; mode++)
        for (unsigned c = 0; c < 256; c++)
            byte_class[mode][c] =
                c < 0x80 ? (unsigned char)tx_ascii_space((unsigned char)c, mode)
                : (mode == TEXTOPS_UNICODE &&
                   (c == 0xC2 || c - 0xE1u <= 2u)) ? 2 : 0;
}

/* Byte length of the whitespace character at t[i], or 0. */
static inline size_t space_len(const unsigned char *cls,
                               const unsigned char *t, size_t n, size_t i,
                               int mode)
{
    unsigned c = cls[t[i]];
    return c < 2 ? c : tx_space_at(t, n, i, mode);
}

/* The tokens of t.split(): runs of non-whitespace, one byte at a time
 * (the portable path, and the tail of the vector one). */
static int split_space_bytes(const unsigned char *t, size_t n, int mode,
                             tx_sink *sink)
{
    const unsigned char *cls = byte_class[mode == TEXTOPS_UNICODE];
    size_t i = 0;
    while (i < n) {
        size_t sp = space_len(cls, t, n, i, mode);
        if (sp) {
            i += sp;
            continue;
        }
        size_t start = i++;
        for (;;) {
            while (i < n && cls[t[i]] == 0)
                i++;
            if (i == n || space_len(cls, t, n, i, mode))
                break;
            i++; /* a lead byte that does not start whitespace */
        }
        if (sink->token(sink, t + start, i - start))
            return 1;
    }
    return 0;
}

#ifdef __SSE2__
/* Bits of the bytes of t[0, 16) that are ASCII whitespace in this mode,
 * and (in *lead) of those that may start multi-byte whitespace. */
static unsigned space_bits16(const unsigned char *t, int mode, unsigned *lead)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)t);
    __m128i ctl = _mm_sub_epi8(x, _mm_set1_epi8(9)); /* \t..\r: 0..4 */
    __m128i sp = _mm_or_si128(
        _mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
        _mm_cmpeq_epi8(_mm_min_epu8(ctl, _mm_set1_epi8(4)), ctl));
    if (mode == TEXTOPS_UNICODE) {
        __m128i sep = _mm_sub_epi8(x, _mm_set1_epi8(0x1C)); /* 0x1C..0x1F */
        __m128i hi = _mm_sub_epi8(x, _mm_set1_epi8((char)0xE1));
        sp = _mm_or_si128(
            sp, _mm_cmpeq_epi8(_mm_min_epu8(sep, _mm_set1_epi8(3)), sep));
        *lead = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(x, _mm_set1_epi8((char)0xC2)),
            _mm_cmpeq_epi8(_mm_min_epu8(hi, _mm_set1_epi8(2)), hi)));
    } else {
        *lead = 0;
    }
    return (unsigned)_mm_movemask_epi8(sp);
}

/* split() 64 bytes at a time: a mask of the whitespace bytes of each block
 * gives where tokens start and end without a branch per byte. */
static int split_space(const unsigned char *t, size_t n, int mode,
                       tx_sink *sink)
{
    size_t base = 0, start = 0;
    int in_token = 0;
    uint64_t carry = 0; /* whitespace bytes of the next block, found early */
    for (; n - base >= 64; base += 64) {
        uint64_t ws = carry, lead = 0;
        for (int k = 0; k < 4; k++) {
            unsigned l;
            ws |= (uint64_t)space_bits16(t + base + 16 * k, mode, &l)
                  << (16 * k);
            lead |= (uint64_t)l << (16 * k);
        }
        carry = 0;
        while (lead) { /* rare: U+0085, U+00A0, U+1680, U+2000... */
            unsigned p = (unsigned)__builtin_ctzll(lead);
            lead &= lead - 1;
            size_t len = tx_space_at(t, n, base + p, mode);
            for (size_t j = p; j < p + len; j++) {
                if (j < 64)
                    ws |= (uint64_t)1 << j;
                else
                    carry |= (uint64_t)1 << (j - 64);
            }
        }
        uint64_t ahead = ~(uint64_t)0; /* the positions not yet passed */
        for (;;) {
            uint64_t next = (in_token ? ws : ~ws) & ahead;
            if (next == 0)
                break;
            unsigned p = (unsigned)__builtin_ctzll(next);
            if (in_token && sink->token(sink, t + start, base + p - start))
                return 1;
            start = base + p;
            in_token = !in_token;
            ahead = ~(uint64_t)0 << p;
        }
    }
    /* The tail, or the token still open, on the byte path. The carry is
     * the rest of a whitespace character (never inside a token). */
    size_t from = in_token ? start
                           : base + (size_t)__builtin_popcountll(carry);
    return split_space_bytes(t + from, n - from, mode, sink);
}
#else
#define split_space split_space_bytes
#endif

/* The tokens of t.split(sep) (q->sep not NULL), all but the last one when
 * drop_last (a piece of a text that ends just after a separator). */
static int split_sep(const tx_query *q, const unsigned char *t, size_t n,
                     int drop_last, tx_sink *sink)
{
    size_t start = 0;
    for (;;) {
        const unsigned char *p = tx_find(t + start, n - start,
                                         &q->sep_needle);
        if (p == NULL && drop_last)
            return 0;
        size_t end = p ? (size_t)(p - t) : n;
        if (sink->token(sink, t + start, end - start))
            return 1;
        if (p == NULL)
            return 0;
        start = end + q->sep_len;
    }
}

int tx_tokens(const tx_query *q, const unsigned char *t, size_t n,
              int drop_last, tx_sink *sink)
{
    return q->sep == NULL ? split_space(t, n, q->mode, sink)
                          : split_sep(q, t, n, drop_last, sink);
}

__attribute__((constructor)) static void tx_init_tokens(void)
{
    init_byte_classes();
}
