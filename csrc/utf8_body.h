/* The vector UTF-8 kernel, written once and compiled per target
 * (utf8_avx2.c, utf8_avx512.c), after the byte-pair classification of
 * Keiser and Lemire ("Validating UTF-8 in less than one instruction per
 * byte", 2021).
 *
 * Every byte is judged with the one, two and three bytes before it. Three
 * 16-entry tables, looked up by the high nibble of the byte before, its
 * low nibble and the high nibble of the byte itself, give each a set of
 * error classes; a class in all three is an error of the pair. The pair
 * "continuation after continuation" is an error unless the byte two or
 * three back opens a three- or four-byte sequence, which a saturating
 * subtraction tells. An ASCII block ends any sequence: it is an error when
 * the block before ended inside one (`pending`). The text's tail is
 * checked from a copy padded with zeros, so a sequence cut by the end of
 * the text is an error of the last block.
 *
 * The including file defines TX_TARGET, TX_UTF8 (the kernel's name), the
 * vector type tx_v of TX_VW bytes and these operations on it: v_load,
 * v_set1, v_table (a 16-byte table in every 128-bit lane), v_lookup
 * (pshufb), v_high (each byte's high nibble), v_and, v_or, v_xor, v_subs
 * (unsigned saturating), v_prev (the bytes k = 1..3 places back, from
 * the vector before), v_any (a nonzero byte) and v_ascii (no byte above
 * 0x7F); for the quiet map, a type tx_agree of a flag per start, with
 * v_agree(p0, b0, p1, b1) (the starts where the bytes at p0 are b0's and
 * those at p1 b1's), agree_or and agree_none.
 *
 * With a quiet map (utf8.h), each 256-byte block is also tested for the
 * map's two probe bytes at its 256 starts, on the bytes the check has
 * just loaded; a block with no start where both agree has its bit
 * cleared. On 50 MB of Russian UTF-8 (AMD Zen 4, AVX-512, spans of
 * 512 KB) the test adds 25-30% to the check. */

#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "utf8.h"

/* The error classes of a byte pair (first byte, second byte). */
#define U8_TOO_SHORT 0x01   /* lead, then no continuation */
#define U8_TOO_LONG 0x02    /* ASCII, then a continuation */
#define U8_OVERLONG_3 0x04  /* E0, then 80..9F */
#define U8_TOO_LARGE 0x08   /* F4 then 90..BF, or F5..FF */
#define U8_SURROGATE 0x10   /* ED, then A0..BF */
#define U8_OVERLONG_2 0x20  /* C0 or C1 */
#define U8_TOO_LARGE_1000 0x40 /* F5..FF, then 80..8F */
#define U8_OVERLONG_4 0x40  /* F0, then 80..8F */
#define U8_TWO_CONTS 0x80   /* a continuation after a continuation */
#define U8_CARRY (U8_TOO_SHORT | U8_TOO_LONG | U8_TWO_CONTS)

/* By the high nibble of the first byte. */
static const unsigned char u8_first_high[16] = {
    U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG,
    U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG, U8_TOO_LONG,
    U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS, U8_TWO_CONTS,
    U8_TOO_SHORT | U8_OVERLONG_2,
    U8_TOO_SHORT,
    U8_TOO_SHORT | U8_OVERLONG_3 | U8_SURROGATE,
    U8_TOO_SHORT | U8_TOO_LARGE | U8_TOO_LARGE_1000 | U8_OVERLONG_4};

/* By the low nibble of the first byte. */
static const unsigned char u8_first_low[16] = {
    U8_CARRY | U8_OVERLONG_3 | U8_OVERLONG_2 | U8_OVERLONG_4,
    U8_CARRY | U8_OVERLONG_2,
    U8_CARRY,
    U8_CARRY,
    U8_CARRY | U8_TOO_LARGE,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000 | U8_SURROGATE,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000,
    U8_CARRY | U8_TOO_LARGE | U8_TOO_LARGE_1000};

/* By the high nibble of the second byte. */
static const unsigned char u8_second_high[16] = {
    U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT,
    U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT,
    U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_OVERLONG_3 |
        U8_TOO_LARGE_1000 | U8_OVERLONG_4,
    U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_OVERLONG_3 |
        U8_TOO_LARGE,
    U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_SURROGATE |
        U8_TOO_LARGE,
    U8_TOO_LONG | U8_OVERLONG_2 | U8_TWO_CONTS | U8_SURROGATE |
        U8_TOO_LARGE,
    U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT, U8_TOO_SHORT};

/* The steps of the loop, inlined whatever their size: a call would pass
 * the vectors through memory. */
#define U8_INLINE TX_TARGET static inline __attribute__((always_inline))

typedef struct {
    tx_v first_high, first_low, second_high;
    tx_v third, fourth, cont; /* 0xE0 - 0x80, 0xF0 - 0x80, 0x80 */
    tx_v open;                /* the last bytes that leave a sequence open */
} u8_consts;

TX_TARGET static inline u8_consts u8_init(void)
{
    unsigned char open[TX_VW];
    memset(open, 0xFF, sizeof open);
    open[TX_VW - 3] = 0xEF; /* a four-byte lead three bytes from the end */
    open[TX_VW - 2] = 0xDF; /* a lead of three or four */
    open[TX_VW - 1] = 0xBF; /* any lead */
    u8_consts c = {v_table(u8_first_high), v_table(u8_first_low),
                   v_table(u8_second_high), v_set1(0xE0 - 0x80),
                   v_set1(0xF0 - 0x80), v_set1(0x80), v_load(open)};
    return c;
}

/* The errors of the pairs that end in the vector `in`, `prev` the vector
 * before it. */
U8_INLINE tx_v u8_errors(const u8_consts *c, tx_v in, tx_v prev)
{
    const tx_v p1 = v_prev(in, prev, 1);
    const tx_v pair =
        v_and(v_and(v_lookup(c->first_high, v_high(p1)),
                    v_lookup(c->first_low, v_and(p1, v_set1(0x0F)))),
              v_lookup(c->second_high, v_high(in)));
    const tx_v deep = v_or(v_subs(v_prev(in, prev, 2), c->third),
                           v_subs(v_prev(in, prev, 3), c->fourth));
    return v_xor(v_and(deep, c->cont), pair);
}

/* A block is 256 bytes: an ASCII test per block keeps its branch
 * predictable in text where a non-ASCII byte comes every few dozen bytes
 * (the full check then costs less than a mispredicted skip). It is also a
 * window of the quiet map. */
#define U8_BLOCK 256
_Static_assert(U8_BLOCK == TX_QUIET_WINDOW, "a block is a map's window");
#define U8_N (U8_BLOCK / TX_VW) /* vectors per block */

/* One block: its errors (with an open sequence of the block
 * before when it is all ASCII); updates prev and pending. */
U8_INLINE tx_v u8_block(const u8_consts *c, const unsigned char *p,
                        tx_v *prev, tx_v *pending)
{
    tx_v v[U8_N], any = v_load(p);
    v[0] = any;
    for (int k = 1; k < U8_N; k++) {
        v[k] = v_load(p + k * TX_VW);
        any = v_or(any, v[k]);
    }
    tx_v err;
    if (v_ascii(any)) {
        err = *pending;
        *pending = v_xor(any, any);
    } else {
        err = u8_errors(c, v[0], *prev);
        for (int k = 1; k < U8_N; k++)
            err = v_or(err, u8_errors(c, v[k], v[k - 1]));
        *pending = v_subs(v[U8_N - 1], c->open);
    }
    *prev = v[U8_N - 1];
    return err;
}

/* 1 when no start of the block at p has the map's probe bytes b0 at
 * offset a0 and b1 at a1 (the starts where both agree: v_agree). */
U8_INLINE int u8_quiet(const unsigned char *p, size_t a0, size_t a1,
                       tx_v b0, tx_v b1)
{
    tx_agree any = v_agree(p + a0, b0, p + a1, b1);
    for (int k = 1; k < U8_N; k++)
        any = agree_or(any, v_agree(p + k * TX_VW + a0, b0,
                                    p + k * TX_VW + a1, b1));
    return agree_none(any);
}

TX_TARGET size_t TX_UTF8(const unsigned char *t, size_t n,
                         const volatile int *stop, tx_quiet_map *map)
{
    const u8_consts c = u8_init();
    tx_v prev = v_set1(0), pending = prev;
    size_t i = 0;
    const int far = n >= TX_FETCH_FROM;
    /* the map's test runs on the blocks that end by `tested`: those of
     * its windows whose probe loads stay within map->reach */
    size_t tested = 0, a0 = 0, a1 = 0;
    tx_v b0 = prev, b1 = prev;
    if (map != NULL) {
        a0 = map->a0;
        a1 = map->a1;
        b0 = v_set1(map->b0);
        b1 = v_set1(map->b1);
        size_t ahead = (a0 > a1 ? a0 : a1) + TX_VW; /* read past a block */
        tested = map->windows * TX_QUIET_WINDOW;
        if (map->reach < ahead + U8_BLOCK)
            tested = 0;
        else if (tested > map->reach - ahead)
            tested = map->reach - ahead;
    }
    for (; n - i >= U8_BLOCK; i += U8_BLOCK) {
        if ((i & (TX_CHECK_BYTES - 1)) == 0 && TX_STOPPED(stop))
            return n;
        for (size_t k = 0; far && k < U8_BLOCK; k += 64)
            TX_FETCH(t + i + k);
        if (v_any(u8_block(&c, t + i, &prev, &pending)))
            return tx_utf8_exact(t, n, i);
        if (i + U8_BLOCK <= tested && u8_quiet(t + i, a0, a1, b0, b1)) {
            size_t j = i / U8_BLOCK;
            map->bits[j / 64] &= ~((uint64_t)1 << (j % 64));
        }
    }
    unsigned char tail[U8_BLOCK] = {0}; /* zeros end an open sequence */
    memcpy(tail, t + i, n - i);
    if (v_any(u8_block(&c, tail, &prev, &pending)))
        return tx_utf8_exact(t, n, i);
    return n;
}
