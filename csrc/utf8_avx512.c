/* The AVX-512 UTF-8 kernel (F and BW): utf8_body.h, 64 bytes a vector. */
#include "utf8.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>

#define TX_TARGET __attribute__((target("avx512f,avx512bw")))
#define TX_UTF8 tx_utf8_avx512
#define TX_VW 64

typedef __m512i tx_v;

TX_TARGET static inline tx_v v_load(const unsigned char *p)
{
    return _mm512_loadu_si512((const void *)p);
}
TX_TARGET static inline tx_v v_set1(int c) { return _mm512_set1_epi8((char)c); }
TX_TARGET static inline tx_v v_table(const unsigned char *t16)
{
    return _mm512_broadcast_i32x4(
        _mm_loadu_si128((const __m128i *)(const void *)t16));
}
TX_TARGET static inline tx_v v_lookup(tx_v table, tx_v idx)
{
    return _mm512_shuffle_epi8(table, idx);
}
TX_TARGET static inline tx_v v_high(tx_v x)
{
    return _mm512_and_si512(_mm512_srli_epi16(x, 4), v_set1(0x0F));
}
TX_TARGET static inline tx_v v_and(tx_v a, tx_v b) { return _mm512_and_si512(a, b); }
TX_TARGET static inline tx_v v_or(tx_v a, tx_v b) { return _mm512_or_si512(a, b); }
TX_TARGET static inline tx_v v_xor(tx_v a, tx_v b) { return _mm512_xor_si512(a, b); }
TX_TARGET static inline tx_v v_subs(tx_v a, tx_v b) { return _mm512_subs_epu8(a, b); }
/* in shifted k bytes toward the end, the last k bytes of prev first: the
 * 128-bit lanes moved one up across the vector (valignd), then each lane
 * joined to the one below it (vpalignr); BW suffices, VBMI is not needed. */
#define v_prev(in, prev, k)                                                   \
    _mm512_alignr_epi8((in), _mm512_alignr_epi32((in), (prev), 12), 16 - (k))
TX_TARGET static inline int v_any(tx_v x) { return _mm512_test_epi8_mask(x, x) != 0; }
TX_TARGET static inline int v_ascii(tx_v x) { return _mm512_movepi8_mask(x) == 0; }

/* the second comparison masked by the first: two instructions a vector */
typedef __mmask64 tx_agree;
TX_TARGET static inline tx_agree v_agree(const unsigned char *p0, tx_v b0,
                                         const unsigned char *p1, tx_v b1)
{
    return _mm512_mask_cmpeq_epi8_mask(_mm512_cmpeq_epi8_mask(v_load(p0), b0),
                                       v_load(p1), b1);
}
TX_TARGET static inline tx_agree agree_or(tx_agree a, tx_agree b) { return a | b; }
TX_TARGET static inline int agree_none(tx_agree a) { return a == 0; }

#include "utf8_body.h"

#endif
