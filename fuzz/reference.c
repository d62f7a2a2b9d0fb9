/* Plain references for the fuzz targets: Python's definitions, on arrays
 * of code units (bytes, or code points for str), with no search tricks and
 * no knowledge of UTF-8. Quadratic in places; inputs are small. What is
 * \w and how str.lower() maps a code point are the tables of csrc/ucd.h
 * (generated from Python by build_ucd.py), read one code point at a time. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "textops.h"
#include "ucd.h"

static int same(const uint32_t *a, const uint32_t *b, size_t n)
{
    return n == 0 || memcmp(a, b, n * sizeof *a) == 0;
}

size_t fz_ref_count(const uint32_t *t, size_t n, const uint32_t *s, size_t m)
{
    size_t count = 0, i = 0;
    if (m == 0)
        return n + 1;
    while (i + m <= n) {
        if (same(t + i, s, m)) {
            count++;
            i += m;
        } else {
            i++;
        }
    }
    return count;
}

/* Py_UNICODE_ISSPACE, or the ASCII whitespace of bytes.split(). */
static int is_space(uint32_t c, int unicode)
{
    if (c == ' ' || (c >= 0x09 && c <= 0x0D))
        return 1;
    if (!unicode)
        return 0;
    return (c >= 0x1C && c <= 0x1F) || c == 0x85 || c == 0xA0 ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
           c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

size_t fz_ref_split(const uint32_t *t, size_t n, const uint32_t *sep,
                    size_t sn, int unicode, size_t *starts, size_t *ends)
{
    size_t count = 0, start = 0, i = 0;
    if (sep == NULL) {
        for (;;) {
            while (i < n && is_space(t[i], unicode))
                i++;
            if (i == n)
                return count;
            start = i;
            while (i < n && !is_space(t[i], unicode))
                i++;
            starts[count] = start;
            ends[count++] = i;
        }
    }
    /* greedy, left to right; empty tokens count */
    while (i + sn <= n) {
        if (same(t + i, sep, sn)) {
            starts[count] = start;
            ends[count++] = i;
            i += sn;
            start = i;
        } else {
            i++;
        }
    }
    starts[count] = start;
    ends[count++] = n;
    return count;
}

size_t fz_ref_words(const uint32_t *t, size_t n, const uint32_t *w,
                    size_t wn, const uint32_t *sep, size_t sn, int unicode)
{
    size_t *starts = fz_alloc((n + 1) * sizeof *starts);
    size_t *ends = fz_alloc((n + 1) * sizeof *ends);
    size_t tokens = fz_ref_split(t, n, sep, sn, unicode, starts, ends);
    size_t count = 0;
    for (size_t k = 0; k < tokens; k++)
        count += ends[k] - starts[k] == wn && same(t + starts[k], w, wn);
    free(starts);
    free(ends);
    return count;
}

/* re's \w: str.isalnum() or "_" for str, ASCII letters, digits and "_"
 * for bytes. */
static int is_word(uint32_t c, int unicode)
{
    if (unicode)
        return (tx_ucd(c)->flags & TX_UCD_WORD) != 0;
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* The flags of t[j], for the capital sigma rule. */
static unsigned sigma_flags(const uint32_t *t, size_t j)
{
    return tx_ucd(t[j])->flags & (TX_UCD_CASED | TX_UCD_IGNORABLE);
}

/* str.lower()'s choice for the capital sigma t[i]: final sigma when a
 * cased letter comes before it and none after it, case-ignorable code
 * points skipped both ways. */
static int final_sigma(const uint32_t *t, size_t n, size_t i)
{
    size_t j = i;
    while (j > 0 && sigma_flags(t, j - 1) == TX_UCD_IGNORABLE)
        j--;
    if (j == 0 || sigma_flags(t, j - 1) != TX_UCD_CASED)
        return 0;
    j = i + 1;
    while (j < n && sigma_flags(t, j) == TX_UCD_IGNORABLE)
        j++;
    return j == n || sigma_flags(t, j) != TX_UCD_CASED;
}

uint32_t *fz_ref_lower(const uint32_t *t, size_t n, int unicode,
                       size_t *out_n)
{
    uint32_t *out = fz_alloc(3 * n * sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = t[i];
        const tx_ucd_record *r = tx_ucd(c);
        if (!unicode)
            out[k++] = c >= 'A' && c <= 'Z' ? c + 32 : c;
        else if (c == TX_SIGMA)
            out[k++] = final_sigma(t, n, i) ? TX_SIGMA_FINAL : TX_SIGMA_SMALL;
        else if (r->flags & TX_UCD_SPECIAL)
            for (size_t j = 0; j < 3 && tx_ucd_specials[r->delta][j]; j++)
                out[k++] = tx_ucd_specials[r->delta][j];
        else
            out[k++] = (uint32_t)((int)c + r->delta);
    }
    *out_n = k;
    return out;
}

/* re.findall(r"\w+", text).count(word), or with two set
 * re.findall(r"\b\w\w+\b", text).count(word): the maximal runs of \w
 * (of at least two code units). */
static size_t word_runs(const uint32_t *t, size_t n, const uint32_t *w,
                        size_t wn, int unicode, int two)
{
    size_t count = 0, i = 0;
    while (i < n) {
        if (!is_word(t[i], unicode)) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < n && is_word(t[i], unicode))
            i++;
        count += i - start >= (two ? 2u : 1u) && i - start == wn &&
                 same(t + start, w, wn);
    }
    return count;
}

size_t fz_ref_rule_tokens(const uint32_t *t, size_t n, const uint32_t *sep,
                          size_t sn, int unicode, int rule, uint32_t **low,
                          size_t *starts, size_t *ends)
{
    size_t ln = n, count = 0, i = 0;
    *low = NULL;
    if (rule & TEXTOPS_LOWER)
        t = *low = fz_ref_lower(t, n, unicode, &ln);
    if (!(rule & TEXTOPS_WORD_CHARS))
        return fz_ref_split(t, ln, sep, sn, unicode, starts, ends);
    while (i < ln) {
        if (!is_word(t[i], unicode)) {
            i++;
            continue;
        }
        size_t start = i;
        while (i < ln && is_word(t[i], unicode))
            i++;
        if (i - start >= (rule & TEXTOPS_TWO_OR_MORE ? 2u : 1u)) {
            starts[count] = start;
            ends[count++] = i;
        }
    }
    return count;
}

size_t fz_ref_rule_words(const uint32_t *t, size_t n, const uint32_t *w,
                         size_t wn, const uint32_t *sep, size_t sn,
                         int unicode, int rule)
{
    size_t ln = n, count;
    uint32_t *low = NULL;
    if (rule & TEXTOPS_LOWER)
        t = low = fz_ref_lower(t, n, unicode, &ln);
    if (rule & TEXTOPS_WORD_CHARS)
        count = word_runs(t, ln, w, wn, unicode, (rule & TEXTOPS_TWO_OR_MORE) != 0);
    else
        count = fz_ref_words(t, ln, w, wn, sep, sn, unicode);
    free(low);
    return count;
}

/* Length of the line break at t[i], or 0 (str.splitlines / bytes'). */
static size_t line_break(const uint32_t *t, size_t n, size_t i, int unicode)
{
    uint32_t c = t[i];
    if (c == '\r')
        return i + 1 < n && t[i + 1] == '\n' ? 2 : 1;
    if (c == '\n')
        return 1;
    if (!unicode)
        return 0;
    return c == 0x0B || c == 0x0C || c == 0x1C || c == 0x1D || c == 0x1E ||
           c == 0x85 || c == 0x2028 || c == 0x2029;
}

size_t fz_ref_lines(const uint32_t *t, size_t n, const uint32_t *w,
                    size_t wn, const uint32_t *sep, size_t sn, int unicode,
                    int rule, size_t *out)
{
    size_t lines = 0, start = 0, i = 0;
    uint32_t *low = NULL;
    if (rule & TEXTOPS_LOWER) /* the lines of text.lower() */
        t = low = fz_ref_lower(t, n, unicode, &n);
    rule &= ~TEXTOPS_LOWER;
    while (i < n) {
        size_t br = line_break(t, n, i, unicode);
        if (br == 0) {
            i++;
            continue;
        }
        if (out != NULL)
            out[lines] = fz_ref_rule_words(t + start, i - start, w, wn, sep,
                                           sn, unicode, rule);
        lines++;
        i += br;
        start = i;
    }
    if (start < n) {
        if (out != NULL)
            out[lines] = fz_ref_rule_words(t + start, n - start, w, wn, sep,
                                           sn, unicode, rule);
        lines++;
    }
    free(low);
    return lines;
}

/* Python's strict "utf-8" decoder, character by character: the lead byte
 * says how many bytes follow, each must be a continuation byte, and the
 * code point they spell must use no more bytes than it needs, lie in
 * U+0000-U+10FFFF and not be a surrogate. The first character that breaks
 * a rule is where the decoder reports the error. */
size_t fz_ref_utf8(const uint8_t *t, size_t n)
{
    static const uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t i = 0;
    while (i < n) {
        uint8_t c = t[i];
        size_t need;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            need = 2;
            cp = c & 0x1Fu;
        } else if ((c & 0xF0) == 0xE0) {
            need = 3;
            cp = c & 0x0Fu;
        } else if ((c & 0xF8) == 0xF0) {
            need = 4;
            cp = c & 0x07u;
        } else {
            return i; /* a continuation byte or 0xF8-0xFF */
        }
        if (n - i < need)
            return i;
        for (size_t k = 1; k < need; k++) {
            if ((t[i + k] & 0xC0) != 0x80)
                return i;
            cp = cp << 6 | (t[i + k] & 0x3Fu);
        }
        if (cp < least[need] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += need;
    }
    return n;
}
