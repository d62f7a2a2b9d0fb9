/* Differential fuzz harness for the public C entry points of textops.
 *
 * Each target (fuzz_*.c) turns the fuzzer's bytes into a query with
 * fz_decode, calls entry points of textops.h on several thread counts,
 * search backends and chunk sizes, and compares every answer with a plain
 * reference written from Python's definitions (reference.c): str.count,
 * str.split(sep).count(word), re.findall(r"\w+", str).count(word) (and
 * r"\b\w\w+\b", and both on str.lower()), str.splitlines(),
 * Counter(str.split(sep)),
 * bytes.decode("utf-8"). Any difference aborts, as do the sanitizers on
 * any memory or undefined-behaviour error. harness.c decodes and checks
 * the one-text and batch functions, check_tokens.c the frequencies and
 * many-word counts, check_corpus.c the packed corpus, check_utf8.c the
 * UTF-8 check, check_matrix.c the document-term matrices.
 *
 * Input layout (every field optional; missing bytes read as 0):
 *   [0] flags: bit 0 str semantics (TEXTOPS_UNICODE), bit 1 explicit sep,
 *       bits 2-3 thread count - 1, bits 4-5 search backend id, bit 6 raw
 *       text (str semantics on arbitrary bytes: checked for crashes only),
 *       bit 7 one word per text in a batch
 *   [1] bits 0-4 minimum chunk size - 1; bits 5-7 the token rule of the
 *       word counts (textops_word_count, line_word_counts, the batch word
 *       count, the corpus word and line counts): bits 5-6 0 split(sep),
 *       1 or 3 r"\w+", 2 r"\b\w\w+\b" (sep ignored); bit 7 lowercase
 *   [2] word length, [3] separator length (in input bytes)
 *   then the word, the separator and the text. In str mode every input
 *   byte below 0x80 is that ASCII character and every other byte is one
 *   of a table of code points chosen for their UTF-8 forms (whitespace,
 *   line breaks, near misses, surrogates, astral), so the texts are the
 *   UTF-8 (surrogatepass) of real Python strings. A batch, the
 *   frequencies, many-word counts and corpus cut the text (and, with bit 7
 *   or for many words, the word) into pieces at each 0xFE byte.
 *
 * The UTF-8 target reads [0] (bits 2-3 thread count - 1), [1] minimum
 * chunk - 1, and checks the rest of the input, as raw bytes.
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
    FZ_FREQUENCIES, /* textops_word_frequencies */
    FZ_WORD_COUNTS, /* textops_word_counts, sums and texts x words */
    FZ_CORPUS,      /* textops_gather and the textops_corpus_* functions */
    FZ_UTF8,        /* textops_utf8_check */
    FZ_MATRIX,      /* textops_count_matrix and textops_vocab_matrix */
    FZ_MUTATE /* the text changes between the passes: sanity checks only */
} fz_target;

/* Runs one input against one target; aborts on any wrong answer. */
void fz_run(fz_target target, const uint8_t *data, size_t size);

/* --- harness.c: what the checks share ----------------------------------- */

/* A text both ways: code points for the reference (NULL for a raw text),
 * and the bytes textops reads, in a buffer of exactly that size so that
 * the sanitizers see any read past it. */
typedef struct {
    uint32_t *cp;
    size_t n;
    char *u;
    size_t len;
} fz_text;

/* One decoded query: the options and the word, separator and text. */
typedef struct {
    int mode, raw, threads, backend, per_text;
    int rule; /* TEXTOPS_WORD_CHARS, TEXTOPS_TWO_OR_MORE, TEXTOPS_LOWER */
    size_t min_chunk;
    fz_text word, sep, text;
    const uint8_t *text_in, *word_in;
    size_t text_in_len, word_in_len;
    int has_sep;
} fz_query;

/* The most texts (and words) a batch is cut into. */
#define FZ_MAX_TEXTS 64

void *fz_alloc(size_t n); /* malloc that aborts when memory runs out */

/* The text that input bytes d[0, k) stand for, by mode; fz_drop frees it. */
fz_text fz_decode(const uint8_t *d, size_t k, int unicode, int raw);
void fz_drop(fz_text *t);

/* Decodes the pieces of in[0, k) cut at 0xFE bytes (at most FZ_MAX_TEXTS)
 * into out and returns how many there are (at least 1). */
size_t fz_pieces(const fz_query *q, const uint8_t *in, size_t k,
                 fz_text *out);

/* Reports a difference from the reference and aborts. */
void fz_fail(const char *what, size_t got, size_t want, const fz_query *q,
             int threads);

/* UTF-8 bytes of code points c[0, n) ("surrogatepass"), or its length
 * when out is NULL. */
size_t fz_utf8(const uint32_t *c, size_t n, unsigned char *out);

/* The checks of one query on one thread count, one file each. */
void fz_check_frequencies(const fz_query *q, int threads); /* check_tokens.c */
void fz_check_word_counts(const fz_query *q, int threads); /* check_tokens.c */
void fz_check_corpus(const fz_query *q, int threads);      /* check_corpus.c */
void fz_check_utf8(const uint8_t *data, size_t size);      /* check_utf8.c */
void fz_check_matrix(const fz_query *q, int threads);      /* check_matrix.c */

/* --- reference.c: the plain references, on code points ------------------ */

/* text.count(sub) on code units (bytes or code points). */
size_t fz_ref_count(const uint32_t *t, size_t n, const uint32_t *s, size_t m);

/* text.split(sep).count(word); sep == NULL splits on whitespace runs,
 * Unicode's when unicode is set, else ASCII's. */
size_t fz_ref_words(const uint32_t *t, size_t n, const uint32_t *w,
                    size_t wn, const uint32_t *sep, size_t sn, int unicode);

/* text.lower() (str.lower() when unicode, else bytes.lower()), in a new
 * array of *out_n code units (free it). */
uint32_t *fz_ref_lower(const uint32_t *t, size_t n, int unicode,
                       size_t *out_n);

/* The count of word among the tokens of text by rule (the mode bits
 * TEXTOPS_WORD_CHARS, TEXTOPS_TWO_OR_MORE, TEXTOPS_LOWER; 0 is
 * fz_ref_words): re.findall(r"\w+" or r"\b\w\w+\b", text) or
 * text.split(sep), of text.lower() with TEXTOPS_LOWER. */
size_t fz_ref_rule_words(const uint32_t *t, size_t n, const uint32_t *w,
                         size_t wn, const uint32_t *sep, size_t sn,
                         int unicode, int rule);

/* The tokens of text by rule (as fz_ref_rule_words has them): stores
 * where token i starts and ends in starts[i] and ends[i] (room for n + 1
 * each, n being the lowered length when the rule lowers) and returns how
 * many there are; they lie in *low (the lowered text, to free) for a
 * rule with TEXTOPS_LOWER, else in t (*low is then NULL). */
size_t fz_ref_rule_tokens(const uint32_t *t, size_t n, const uint32_t *sep,
                          size_t sn, int unicode, int rule, uint32_t **low,
                          size_t *starts, size_t *ends);

/* Number of lines of text.splitlines() (of text.lower() for a rule with
 * TEXTOPS_LOWER); when out is not NULL, stores the count of word by the
 * rule in each line there (fz_ref_rule_words). */
size_t fz_ref_lines(const uint32_t *t, size_t n, const uint32_t *w,
                    size_t wn, const uint32_t *sep, size_t sn, int unicode,
                    int rule, size_t *out);

/* The tokens of text.split(sep) (sep == NULL: on whitespace runs, as in
 * fz_ref_words): stores where token i starts and ends in starts[i] and
 * ends[i] (room for n + 1 each) and returns how many there are. */
size_t fz_ref_split(const uint32_t *t, size_t n, const uint32_t *sep,
                    size_t sn, int unicode, size_t *starts, size_t *ends);

/* The offset of the first byte that bytes(t[0, n)).decode("utf-8") cannot
 * decode (UnicodeDecodeError.start), or n when it all decodes. */
size_t fz_ref_utf8(const uint8_t *t, size_t n);

#endif
