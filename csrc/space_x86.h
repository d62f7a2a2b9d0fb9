/* The whitespace and line break tests of space.h on 16, 32 and 64 bytes
 * at once, for the
 * vector backends (backend_sse2.c, backend_avx2.c, backend_avx512.c): the
 * same constants, one function per width. A byte range lo..hi is tested as
 * (x - lo) <= hi - lo, unsigned. Include after backend.h on x86 only. */
#ifndef TEXTOPS_SPACE_X86_H
#define TEXTOPS_SPACE_X86_H

#include <immintrin.h>
#include <stdint.h>

#include "space.h"

/* --- SSE2: a byte mask per vector (0xFF where the test holds) ------------ */

static inline __m128i tx_in_range_sse2(__m128i x, int lo, int hi)
{
    const __m128i d = _mm_sub_epi8(x, _mm_set1_epi8((char)lo));
    return _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8((char)(hi - lo))), d);
}

/* The bytes that are ASCII whitespace in this mode. */
static inline __m128i tx_space_sse2(__m128i x, int mode)
{
    __m128i sp = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(TX_WS_SPACE)),
                              tx_in_range_sse2(x, TX_WS_CTL_LO, TX_WS_CTL_HI));
    if (mode == TEXTOPS_UNICODE)
        sp = _mm_or_si128(sp, tx_in_range_sse2(x, TX_WS_SEP_LO, TX_WS_SEP_HI));
    return sp;
}

/* The lead bytes of multi-byte whitespace (str mode). */
static inline __m128i tx_lead_sse2(__m128i x)
{
    return _mm_or_si128(
        _mm_cmpeq_epi8(x, _mm_set1_epi8((char)TX_WS_LEAD2)),
        tx_in_range_sse2(x, TX_WS_LEAD3_LO, TX_WS_LEAD3_HI));
}

/* The bytes that may start a line break in this mode. */
static inline __m128i tx_break_sse2(__m128i x, int mode)
{
    if (mode != TEXTOPS_UNICODE)
        return _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(TX_LB_LF)),
                            _mm_cmpeq_epi8(x, _mm_set1_epi8(TX_LB_CR)));
    return _mm_or_si128(
        _mm_or_si128(tx_in_range_sse2(x, TX_LB_CTL_LO, TX_LB_CTL_HI),
                     tx_in_range_sse2(x, TX_LB_SEP_LO, TX_LB_SEP_HI)),
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8((char)TX_LB_LEAD2)),
                     _mm_cmpeq_epi8(x, _mm_set1_epi8((char)TX_LB_LEAD3))));
}

/* The bytes that may be, or be part of, whitespace in either mode: at most
 * TX_WS_ASCII_MAX as signed chars (every byte of a multi-byte UTF-8
 * character is negative). */
static inline __m128i tx_maybe_space_sse2(__m128i x)
{
    return _mm_cmpgt_epi8(_mm_set1_epi8(TX_WS_ASCII_MAX + 1), x);
}

/* --- AVX2 ------------------------------------------------------------- */

__attribute__((target("avx2"))) static inline __m256i
tx_in_range_avx2(__m256i x, int lo, int hi)
{
    const __m256i d = _mm256_sub_epi8(x, _mm256_set1_epi8((char)lo));
    return _mm256_cmpeq_epi8(
        _mm256_min_epu8(d, _mm256_set1_epi8((char)(hi - lo))), d);
}

__attribute__((target("avx2"))) static inline __m256i
tx_space_avx2(__m256i x, int mode)
{
    __m256i sp =
        _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8(TX_WS_SPACE)),
                        tx_in_range_avx2(x, TX_WS_CTL_LO, TX_WS_CTL_HI));
    if (mode == TEXTOPS_UNICODE)
        sp = _mm256_or_si256(sp,
                             tx_in_range_avx2(x, TX_WS_SEP_LO, TX_WS_SEP_HI));
    return sp;
}

__attribute__((target("avx2"))) static inline __m256i
tx_lead_avx2(__m256i x)
{
    return _mm256_or_si256(
        _mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)TX_WS_LEAD2)),
        tx_in_range_avx2(x, TX_WS_LEAD3_LO, TX_WS_LEAD3_HI));
}

__attribute__((target("avx2"))) static inline __m256i
tx_break_avx2(__m256i x, int mode)
{
    if (mode != TEXTOPS_UNICODE)
        return _mm256_or_si256(
            _mm256_cmpeq_epi8(x, _mm256_set1_epi8(TX_LB_LF)),
            _mm256_cmpeq_epi8(x, _mm256_set1_epi8(TX_LB_CR)));
    return _mm256_or_si256(
        _mm256_or_si256(tx_in_range_avx2(x, TX_LB_CTL_LO, TX_LB_CTL_HI),
                        tx_in_range_avx2(x, TX_LB_SEP_LO, TX_LB_SEP_HI)),
        _mm256_or_si256(
            _mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)TX_LB_LEAD2)),
            _mm256_cmpeq_epi8(x, _mm256_set1_epi8((char)TX_LB_LEAD3))));
}

__attribute__((target("avx2"))) static inline __m256i
tx_maybe_space_avx2(__m256i x)
{
    return _mm256_cmpgt_epi8(_mm256_set1_epi8(TX_WS_ASCII_MAX + 1), x);
}

/* --- AVX-512: a bit mask per vector ------------------------------------- */

__attribute__((target("avx512f,avx512bw"))) static inline __mmask64
tx_in_range_avx512(__m512i x, int lo, int hi)
{
    return _mm512_cmple_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8((char)lo)),
                                  _mm512_set1_epi8((char)(hi - lo)));
}

__attribute__((target("avx512f,avx512bw"))) static inline __mmask64
tx_space_avx512(__m512i x, int mode)
{
    __mmask64 sp = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(TX_WS_SPACE)) |
                   tx_in_range_avx512(x, TX_WS_CTL_LO, TX_WS_CTL_HI);
    if (mode == TEXTOPS_UNICODE)
        sp |= tx_in_range_avx512(x, TX_WS_SEP_LO, TX_WS_SEP_HI);
    return sp;
}

__attribute__((target("avx512f,avx512bw"))) static inline __mmask64
tx_lead_avx512(__m512i x)
{
    return _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8((char)TX_WS_LEAD2)) |
           tx_in_range_avx512(x, TX_WS_LEAD3_LO, TX_WS_LEAD3_HI);
}

__attribute__((target("avx512f,avx512bw"))) static inline __mmask64
tx_break_avx512(__m512i x, int mode)
{
    if (mode != TEXTOPS_UNICODE)
        return _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(TX_LB_LF)) |
               _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(TX_LB_CR));
    return tx_in_range_avx512(x, TX_LB_CTL_LO, TX_LB_CTL_HI) |
           tx_in_range_avx512(x, TX_LB_SEP_LO, TX_LB_SEP_HI) |
           _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8((char)TX_LB_LEAD2)) |
           _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8((char)TX_LB_LEAD3));
}

__attribute__((target("avx512f,avx512bw"))) static inline __mmask64
tx_maybe_space_avx512(__m512i x)
{
    return _mm512_cmplt_epi8_mask(x, _mm512_set1_epi8(TX_WS_ASCII_MAX + 1));
}

#endif
