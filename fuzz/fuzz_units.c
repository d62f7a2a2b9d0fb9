/* libFuzzer target: textops_units_count and its batch form (a str counted
 * in CPython's own storage of 1, 2 or 4 bytes a code point) against a
 * plain count over code points.
 *
 * Input layout (missing bytes read as 0):
 *   [0] bits 0-1 unit width (0: 1, 1: 2, else 4), bits 2-3 thread count
 *       - 1, bits 4-5 search backend id
 *   [1] bits 0-4 minimum chunk size - 1
 *   [2] needle length in code points
 *   then one input byte per code point, needle first. The code points are
 *   built from the bytes 0x01, 0x02 and 0x61 in every place of a unit, so
 *   that a needle's bytes often occur straddling two units; a needle byte
 *   >= 0xF0 is a code point too wide for units of 1 or 2 bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t at(const uint8_t *data, size_t size, size_t i)
{
    return i < size ? data[i] : 0;
}

static uint32_t code_point(uint8_t b, size_t width, int needle)
{
    static const uint8_t parts[3] = {0x01, 0x02, 0x61};
    if (needle && b >= 0xF0)
        return 0x10000u + b;
    if (width == 1)
        return b & 1 ? 0xE0u + (b >> 1 & 0x1F) : parts[b % 3];
    uint32_t cp = parts[b % 3] | (uint32_t)parts[b / 3 % 3] << 8;
    return width == 4 && b / 9 % 2 ? cp | 0x10000u : cp;
}

static void put_unit(uint8_t *out, size_t i, size_t width, uint32_t cp)
{
    if (width == 1) {
        out[i] = (uint8_t)cp;
    } else if (width == 2) {
        uint16_t v = (uint16_t)cp;
        memcpy(out + 2 * i, &v, 2);
    } else {
        memcpy(out + 4 * i, &cp, 4);
    }
}

static size_t put_utf8(uint32_t cp, uint8_t *out)
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | cp >> 18);
    out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

/* str.count over code points, written from its definition. */
static size_t reference(const uint32_t *t, size_t n, const uint32_t *s,
                        size_t m)
{
    if (m == 0)
        return n + 1;
    size_t count = 0;
    for (size_t i = 0; i + m <= n;) {
        if (memcmp(t + i, s, m * sizeof *s) == 0) {
            count++;
            i += m;
        } else {
            i++;
        }
    }
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t flags = at(data, size, 0);
    size_t width = (flags & 3) == 0 ? 1 : (flags & 3) == 1 ? 2 : 4;
    int threads = 1 + (flags >> 2 & 3);
    size_t m = at(data, size, 2), body = size > 3 ? size - 3 : 0;
    if (m > body)
        m = body;
    size_t n = body - m;
    uint32_t *cps = malloc((body ? body : 1) * sizeof *cps);
    uint8_t *units = malloc(n * width + 1);
    uint8_t *sub = malloc(4 * m + 1);
    if (cps == NULL || units == NULL || sub == NULL)
        abort();
    size_t sub_len = 0;
    for (size_t i = 0; i < body; i++) {
        cps[i] = code_point(data[3 + i], width, i < m);
        if (i < m)
            sub_len += put_utf8(cps[i], sub + sub_len);
        else
            put_unit(units, i - m, width, cps[i]);
    }
    size_t expected = reference(cps + m, n, cps, m);

    int backend = textops_set_search_backend(flags >> 4 & 3);
    if (backend < 0) /* the CPU lacks it */
        backend = textops_set_search_backend(0);
    size_t old_chunk = textops_set_min_chunk(1 + (at(data, size, 1) & 0x1F));
    size_t got = 0;
    if (textops_units_count((const char *)units, n * width, (int)width,
                            (const char *)sub, sub_len, threads, &got) != 0 ||
        got != expected)
        abort();
    /* a batch: the text, and its first half in the same width */
    const char *texts[2] = {(const char *)units, (const char *)units};
    size_t lens[2] = {n * width, n / 2 * width}, out[2];
    unsigned char widths[2] = {(unsigned char)width, (unsigned char)width};
    const char *subs[1] = {(const char *)sub};
    if (textops_batch_units_count(2, texts, lens, widths, 1, subs, &sub_len,
                                  threads, out) != 0 ||
        out[0] != expected || out[1] != reference(cps + m, n / 2, cps, m))
        abort();
    textops_set_min_chunk(old_chunk);
    textops_set_search_backend(backend);
    free(cps);
    free(units);
    free(sub);
    return 0;
}
