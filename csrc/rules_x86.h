/* The ASCII \w test of rules.h on 16, 32 and 64 bytes at once, for the
 * vector scans of the \w rules (the word edges of scan_body.h): the same
 * constants, one function per width. A byte is ASCII \w when it is a
 * digit, "_", or a letter (c | 0x20 in a-z: no other byte, ASCII or not,
 * lands there). Include after backend.h on x86 only. */
#ifndef TEXTOPS_RULES_X86_H
#define TEXTOPS_RULES_X86_H

#include <immintrin.h>

#include "rules.h"
#include "space_x86.h"

/* --- SSE2 and AVX2: a byte mask per vector (0xFF where the test holds) --- */

static inline __m128i tx_word_sse2(__m128i x)
{
    const __m128i folded = _mm_or_si128(x, _mm_set1_epi8(TX_WORD_FOLD));
    return _mm_or_si128(
        _mm_or_si128(
            tx_in_range_sse2(folded, TX_WORD_LETTER_LO, TX_WORD_LETTER_HI),
            tx_in_range_sse2(x, TX_WORD_DIGIT_LO, TX_WORD_DIGIT_HI)),
        _mm_cmpeq_epi8(x, _mm_set1_epi8(TX_WORD_UNDERSCORE)));
}

/* The bytes below 0x80. */
static inline __m128i tx_ascii_sse2(__m128i x)
{
    return _mm_cmpgt_epi8(x, _mm_set1_epi8(-1));
}

__attribute__((target("avx2"))) static inline __m256i tx_word_avx2(__m256i x)
{
    const __m256i folded = _mm256_or_si256(x, _mm256_set1_epi8(TX_WORD_FOLD));
    return _mm256_or_si256(
        _mm256_or_si256(
            tx_in_range_avx2(folded, TX_WORD_LETTER_LO, TX_WORD_LETTER_HI),
            tx_in_range_avx2(x, TX_WORD_DIGIT_LO, TX_WORD_DIGIT_HI)),
        _mm256_cmpeq_epi8(x, _mm256_set1_epi8(TX_WORD_UNDERSCORE)));
}

__attribute__((target("avx2"))) static inline __m256i tx_ascii_avx2(__m256i x)
{
    return _mm256_cmpgt_epi8(x, _mm256_set1_epi8(-1));
}

/* --- AVX-512: a bit mask per vector ------------------------------------- */

__attribute__((target("avx512f,avx512bw"))) static inline __mmask64
tx_word_avx512(__m512i x)
{
    const __m512i folded = _mm512_or_si512(x, _mm512_set1_epi8(TX_WORD_FOLD));
    return tx_in_range_avx512(folded, TX_WORD_LETTER_LO, TX_WORD_LETTER_HI) |
           tx_in_range_avx512(x, TX_WORD_DIGIT_LO, TX_WORD_DIGIT_HI) |
           _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(TX_WORD_UNDERSCORE));
}

__attribute__((target("avx512f,avx512bw"))) static inline __mmask64
tx_ascii_avx512(__m512i x)
{
    return _mm512_cmpgt_epi8_mask(x, _mm512_set1_epi8(-1));
}

#endif
