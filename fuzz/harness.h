/* Differential fuzz harness for the public C entry points of textops.
 *
 * Each target (fuzz_*.c) turns the fuzzer's bytes into a query with
 * fz_decode, calls one entry point of textops.h on several thread counts,
 * search backends and chunk sizes, and compares every answer with a plain
 * reference written from Python's definitions (reference.c): str.count,
 * str.split(sep).count(word), str.splitlines(). Any difference aborts, as
 * do the sanitizers on any memory or undefined-behaviour error.
 *
 * Input layout (every field optional; missing bytes read as 0):
 *   [0] flags: bit 0 str semantics (TEXTOPS_UNICODE), bit 1 explicit sep,
 *       bits 2-3 thread count - 1, bits 4-5 search backend id, bit 6 raw
 *       text (str semantics on arbitrary bytes: checked for crashes only),
 *       bit 7 one word per text in a batch
 *   [1] minimum chunk size - 1
 *   [2] word length, [3] separator length (in input bytes)
 *   then the word, the separator and the text. In str mode every input
 *   byte below 0x80 is that ASCII character and every other byte is one
 *   of a table of code points chosen for their UTF-8 forms (whitespace,
 *   line breaks, near misses, surrogates, astral), so the texts are the
 *   UTF-8 (surrogatepass) of real Python strings. A batch cuts the text
 *   (and, with bit 7, the word) into pieces at each 0xFE byte.
 */
#ifndef TEXTOPS_FUZZ_HARNESS_H
#define TEXTOPS_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    FZ_SUBSTRING_COUNT,
    FZ_WORD_COUNT,
    FZ_LINE_WORD_COUNTS,
    FZ_BATCH,
    FZ_MUTATE /* the text changes between the passes: sanity checks only */
} fz_target;

/* Runs one input against one target; aborts on any wrong answer. */
void fz_run(fz_target target, const uint8_t *data, size_t size);

/* --- reference.c: the plain references, on code points ------------------ */

/* text.count(sub) on code units (bytes or code points). */
size_t fz_ref_count(const uint32_t *t, size_t n, const uint32_t *s, size_t m);

/* text.split(sep).count(word); sep == NULL splits on whitespace runs,
 * Unicode's when unicode is set, else ASCII's. */
size_t fz_ref_words(const uint32_t *t, size_t n, const uint32_t *w,
                    size_t wn, const uint32_t *sep, size_t sn, int unicode);

/* Number of lines of text.splitlines(); when out is not NULL, stores
 * line.split(sep).count(word) of each line there. */
size_t fz_ref_lines(const uint32_t *t, size_t n, const uint32_t *w,
                    size_t wn, const uint32_t *sep, size_t sn, int unicode,
                    size_t *out);

#endif
