/* The AVX2 UTF-8 kernel: utf8_body.h, 32 bytes a vector. */
#include "utf8.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>

#define TX_TARGET __attribute__((target("avx2")))
#define TX_UTF8 tx_utf8_avx2
#define TX_VW 32

typedef __m256i tx_v;

TX_TARGET static inline tx_v v_load(const unsigned char *p)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)p);
}
TX_TARGET static inline tx_v v_set1(int c) { return _mm256_set1_epi8((char)c); }
TX_TARGET static inline tx_v v_table(const unsigned char *t16)
{
    return _mm256_broadcastsi128_si256(
        _mm_loadu_si128((const __m128i *)(const void *)t16));
}
TX_TARGET static inline tx_v v_lookup(tx_v table, tx_v idx)
{
    return _mm256_shuffle_epi8(table, idx);
}
TX_TARGET static inline tx_v v_high(tx_v x)
{
    return _mm256_and_si256(_mm256_srli_epi16(x, 4), v_set1(0x0F));
}
TX_TARGET static inline tx_v v_and(tx_v a, tx_v b) { return _mm256_and_si256(a, b); }
TX_TARGET static inline tx_v v_or(tx_v a, tx_v b) { return _mm256_or_si256(a, b); }
TX_TARGET static inline tx_v v_xor(tx_v a, tx_v b) { return _mm256_xor_si256(a, b); }
TX_TARGET static inline tx_v v_subs(tx_v a, tx_v b) { return _mm256_subs_epu8(a, b); }
/* in shifted k bytes toward the end, the last k bytes of prev first. */
#define v_prev(in, prev, k)                                                   \
    _mm256_alignr_epi8((in), _mm256_permute2x128_si256((prev), (in), 0x21),   \
                       16 - (k))
TX_TARGET static inline int v_any(tx_v x) { return !_mm256_testz_si256(x, x); }
TX_TARGET static inline int v_ascii(tx_v x) { return _mm256_movemask_epi8(x) == 0; }

typedef __m256i tx_agree;
TX_TARGET static inline tx_agree v_agree(const unsigned char *p0, tx_v b0,
                                         const unsigned char *p1, tx_v b1)
{
    return _mm256_and_si256(_mm256_cmpeq_epi8(v_load(p0), b0),
                            _mm256_cmpeq_epi8(v_load(p1), b1));
}
TX_TARGET static inline tx_agree agree_or(tx_agree a, tx_agree b) { return v_or(a, b); }
TX_TARGET static inline int agree_none(tx_agree a) { return _mm256_testz_si256(a, a); }

#include "utf8_body.h"

#endif
