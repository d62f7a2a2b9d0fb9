/* The vector part of writing a str's code units as UTF-8 (units.c's
 * utf8_write, tx_units_utf8_fn in backend.h), for units of one or two
 * bytes: every such unit is below 0x10000, so its UTF-8 (surrogates as
 * the three bytes "surrogatepass" writes) is one, two or three bytes,
 * decided by the unit alone.
 *
 * AVX-512 (F, BW, VBMI2), 32 units a step: ASCII ones narrowed in one
 * instruction; otherwise each unit's bytes built in a 32-bit lane (all
 * three forms, blended by two compares), and the bytes kept compressed
 * together (vpcompressb), with no branch on the mix of lengths.
 * AVX2, 16 units a step: ASCII ones narrowed, the others one by one.
 * Without VBMI2 the AVX-512 backend takes the AVX2 kernel. */
#include <string.h>

#include "backend.h"
#include "ucd.h"

#ifdef TX_X86
#include <immintrin.h>

/* Room a step may write: 3 bytes a unit, plus the 64-byte stores of the
 * last 16 units. */
#define STEP_ROOM 128

/* Units [i, i + 16) of u at out: their number of UTF-8 bytes. */
__attribute__((target("avx2"))) static inline size_t
step_avx2(const unsigned char *u, size_t i, size_t width, unsigned char *out)
{
    __m128i packed;
    int ascii;
    if (width == 2) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)(u + 2 * i));
        ascii = _mm256_testz_si256(x, _mm256_set1_epi16((short)0xFF80));
        packed = _mm_packus_epi16(_mm256_castsi256_si128(x),
                                  _mm256_extracti128_si256(x, 1));
    } else {
        packed = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
        ascii = _mm_movemask_epi8(packed) == 0;
    }
    if (ascii) {
        _mm_storeu_si128((__m128i *)(void *)out, packed);
        return 16;
    }
    size_t o = 0;
    for (size_t j = i; j < i + 16; j++) {
        uint16_t v = u[j];
        if (width == 2)
            memcpy(&v, u + 2 * j, 2);
        o += tx_utf8_put(v, out + o);
    }
    return o;
}

__attribute__((target("avx2"))) size_t
tx_units_utf8_avx2(const unsigned char *u, size_t *at, size_t b, size_t width,
                   unsigned char *out, size_t o, size_t cap)
{
    size_t i = *at;
    while (b - i >= 16 && cap - o >= STEP_ROOM) {
        o += step_avx2(u, i, width, out + o);
        i += 16;
    }
    *at = i;
    return o;
}

#define TX_VBMI2 __attribute__((target("avx512f,avx512bw,avx512vbmi2")))

/* The UTF-8 of the 16 units in the 32-bit lanes of v, stored at out (64
 * bytes written, the rest of them zero); returns its length. */
TX_VBMI2 static inline size_t lanes_utf8(__m512i v, unsigned char *out)
{
    const __m512i low6 = _mm512_set1_epi32(0x3F), cont = _mm512_set1_epi32(0x80);
    __m512i last = _mm512_or_si512(_mm512_and_si512(v, low6), cont);
    __m512i mid = _mm512_or_si512(
        _mm512_and_si512(_mm512_srli_epi32(v, 6), low6), cont);
    __m512i two = _mm512_or_si512(
        _mm512_or_si512(_mm512_srli_epi32(v, 6), _mm512_set1_epi32(0xC0)),
        _mm512_slli_epi32(last, 8));
    __m512i three = _mm512_or_si512(
        _mm512_or_si512(_mm512_srli_epi32(v, 12), _mm512_set1_epi32(0xE0)),
        _mm512_or_si512(_mm512_slli_epi32(mid, 8),
                        _mm512_slli_epi32(last, 16)));
    __mmask16 ge80 = _mm512_cmpge_epu32_mask(v, _mm512_set1_epi32(0x80));
    __mmask16 ge800 = _mm512_cmpge_epu32_mask(v, _mm512_set1_epi32(0x800));
    __m512i bytes = _mm512_mask_mov_epi32(v, ge80, two);
    bytes = _mm512_mask_mov_epi32(bytes, ge800, three);
    /* a nonzero byte for each byte a lane keeps */
    __m512i keep = _mm512_set1_epi32(1);
    keep = _mm512_mask_or_epi32(keep, ge80, keep, _mm512_set1_epi32(0x100));
    keep = _mm512_mask_or_epi32(keep, ge800, keep, _mm512_set1_epi32(0x10000));
    __mmask64 kept = _mm512_test_epi8_mask(keep, keep);
    _mm512_storeu_si512((void *)out, _mm512_maskz_compress_epi8(kept, bytes));
    return (size_t)__builtin_popcountll(kept);
}

TX_VBMI2 size_t tx_units_utf8_avx512(const unsigned char *u, size_t *at,
                                     size_t b, size_t width,
                                     unsigned char *out, size_t o, size_t cap)
{
    if (!__builtin_cpu_supports("avx512vbmi2"))
        return tx_units_utf8_avx2(u, at, b, width, out, o, cap);
    size_t i = *at;
    while (b - i >= 32 && cap - o >= STEP_ROOM) {
        __m512i x = width == 2
                        ? _mm512_loadu_si512((const void *)(u + 2 * i))
                        : _mm512_cvtepu8_epi16(_mm256_loadu_si256(
                              (const __m256i *)(const void *)(u + i)));
        if (_mm512_cmpge_epu16_mask(x, _mm512_set1_epi16(0x80)) == 0) {
            _mm256_storeu_si256((__m256i *)(void *)(out + o),
                                _mm512_cvtepi16_epi8(x));
            o += 32;
        } else {
            o += lanes_utf8(_mm512_cvtepu16_epi32(_mm512_castsi512_si256(x)),
                            out + o);
            o += lanes_utf8(
                _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(x, 1)),
                out + o);
        }
        i += 32;
    }
    *at = i;
    return o;
}
#endif
