/* textops: count words and substrings exactly like Python's str and bytes
 * methods, on every core.
 *
 * Every text is a pointer plus a length in bytes; no function reads past
 * the length or needs a terminating NUL. A `str` is passed as its UTF-8
 * encoding (lone surrogates encoded with "surrogatepass"), with `mode`
 * TEXTOPS_UNICODE; anything else is raw bytes, with mode TEXTOPS_BYTES.
 *
 * `threads` <= 0 means the OpenMP default of the calling thread
 * (omp_get_max_threads(), which threadpoolctl controls). Inputs smaller than
 * the minimum chunk run on the calling thread without starting a team. In a
 * child created by fork() every call runs on the calling thread only, since
 * GNU libgomp hangs there once the parent has used a thread team.
 *
 * At most one OpenMP team runs at a time in the process, always started by
 * one textops thread (the leader): a call that finds the team busy runs on
 * its calling thread, so many calling threads never multiply the number of
 * OS threads (see team.c). A call with threads == 1 starts no team.
 *
 * No function keeps a pointer after it returns; all are safe to call from
 * several threads at once.
 */
#ifndef TEXTOPS_H
#define TEXTOPS_H

#include <stddef.h>
#include <stdint.h>

/* How a text is read: as bytes (ASCII whitespace, \n \r \r\n line breaks)
 * or as the UTF-8 of a str (Unicode whitespace and line breaks, lengths in
 * code points). The word functions (the ones taking a separator) also take
 * a token rule or'ed into the mode:
 *   TEXTOPS_WORD_CHARS   tokens are re.findall(r"\w+", text) (the same as
 *                        r"\b\w+\b"; bytes: rb"\w+", ASCII \w), and sep is
 *                        ignored;
 *   TEXTOPS_TWO_OR_MORE  with TEXTOPS_WORD_CHARS: r"\b\w\w+\b", tokens of
 *                        two code points (bytes) or more;
 *   TEXTOPS_LOWER        the rule is applied to text.lower() (words to look
 *                        for are compared as given).
 * \w and str.lower() are the ones of the Python textops was built for
 * (ucd.h). */
typedef enum {
    TEXTOPS_BYTES = 0,
    TEXTOPS_UNICODE = 1,
    TEXTOPS_WORD_CHARS = 2,
    TEXTOPS_TWO_OR_MORE = 4,
    TEXTOPS_LOWER = 8
} textops_mode;

/* The parameters come in one order: the text or texts, the word (or
 * substring) or words, the separator, the mode, the thread count, then the
 * outputs. A text is (text, len); a batch is (ntexts, texts, lens) and
 * its words (nwords, words, word_lens), nwords being ntexts or 1 (one word
 * for every text); a packed corpus is (ndocs, buf, offsets), document i
 * being buf[offsets[i], offsets[i + 1]) (offsets has ndocs + 1 entries,
 * never decreasing). sep == NULL splits on runs of whitespace (Unicode or
 * ASCII, by mode) and drops empty tokens; otherwise sep (sep_len >= 1) is
 * matched greedily left to right and empty tokens are kept, as
 * str.split(sep) does. Functions returning int return 0, or -1 with
 * nothing allocated when memory runs out. */

/* Non-overlapping occurrences of sub in text, scanning left to right:
 * text.count(sub). An empty sub counts the positions between characters:
 * len + 1, where len is in code points for TEXTOPS_UNICODE. */
size_t textops_substring_count(const char *text, size_t len,
                               const char *sub, size_t sub_len,
                               textops_mode mode, int threads);

/* Tokens of text equal to word: text.split(sep).count(word). */
size_t textops_word_count(const char *text, size_t len,
                          const char *word, size_t word_len,
                          const char *sep, size_t sep_len,
                          textops_mode mode, int threads);

/* For each line of text.splitlines(), line.split(sep).count(word): stores
 * a malloc'd array of *nlines counts in *counts (free it with
 * textops_free; NULL when there are no lines). */
int textops_line_word_counts(const char *text, size_t len,
                             const char *word, size_t word_len,
                             const char *sep, size_t sep_len,
                             textops_mode mode, int threads,
                             size_t **counts, size_t *nlines);

/* The batch forms: out[i] = texts[i].split(sep).count(words[i]) and
 * out[i] = texts[i].count(subs[i]) for i < ntexts. Small texts are shared
 * out among the threads whole; a text that is large against the total is
 * split into chunks itself, so one big text does not leave the other
 * threads idle. */
void textops_batch_word_count(size_t ntexts, const char *const *texts,
                              const size_t *lens, size_t nwords,
                              const char *const *words,
                              const size_t *word_lens,
                              const char *sep, size_t sep_len,
                              textops_mode mode, int threads, size_t *out);
void textops_batch_substring_count(size_t ntexts, const char *const *texts,
                                   const size_t *lens, size_t nsubs,
                                   const char *const *subs,
                                   const size_t *sub_lens,
                                   textops_mode mode, int threads,
                                   size_t *out);

/* The batch forms on UTF-8 texts with str semantics (mode gets
 * TEXTOPS_UNICODE), each text checked to be valid UTF-8 in the same pass
 * as it is counted (block by block, each block checked then counted while
 * it is in cache): bad[i] = the offset of the first byte of texts[i] that
 * Python's strict "utf-8" codec cannot decode (as textops_utf8_check), or
 * lens[i] when it is all valid; out[i] is the count only then. */
void textops_batch_word_count_utf8(size_t ntexts, const char *const *texts,
                                   const size_t *lens, size_t nwords,
                                   const char *const *words,
                                   const size_t *word_lens, const char *sep,
                                   size_t sep_len, textops_mode mode,
                                   int threads, size_t *out, size_t *bad);
void textops_batch_substring_count_utf8(size_t ntexts,
                                        const char *const *texts,
                                        const size_t *lens, size_t nsubs,
                                        const char *const *subs,
                                        const size_t *sub_lens, int threads,
                                        size_t *out, size_t *bad);

/* text.count(sub) for a str held in CPython's own storage (PEP 393): len
 * bytes of code units `width` bytes wide (1, 2 or 4, native byte order;
 * len a multiple of width), sub its UTF-8 (lone surrogates as three-byte
 * sequences, as "surrogatepass" writes them). Only occurrences at a unit
 * boundary count; a sub with a code point too wide for the units occurs
 * nowhere, and an empty sub counts len / width + 1. Stores the count in
 * *count and returns 0, or returns -1 when memory runs out (for a long
 * sub). The batch form stores texts[i].count(subs[i]) (or subs[0]) in
 * out[i], text i having widths[i]. */
int textops_units_count(const char *text, size_t len, int width,
                        const char *sub, size_t sub_len, int threads,
                        size_t *count);
int textops_batch_units_count(size_t ntexts, const char *const *texts,
                              const size_t *lens,
                              const unsigned char *widths, size_t nsubs,
                              const char *const *subs,
                              const size_t *sub_lens, int threads,
                              size_t *out);

/* The word counts of a str held in its own storage, as textops_units_count
 * takes it (word and sep UTF-8): text.split(sep).count(word) by the token
 * rule of mode (which has TEXTOPS_UNICODE), and its batch form, where a
 * width of 0 marks a text given as UTF-8. The text goes block by block
 * through a UTF-8 buffer of the call (blocks cut where no token spans
 * them), so no UTF-8 form of the whole text is made. Return 0, or -1 when
 * memory runs out. */
int textops_units_word_count(const char *text, size_t len, int width,
                             const char *word, size_t word_len,
                             const char *sep, size_t sep_len,
                             textops_mode mode, int threads, size_t *count);
int textops_batch_units_word_count(size_t ntexts, const char *const *texts,
                                   const size_t *lens,
                                   const unsigned char *widths,
                                   size_t nwords, const char *const *words,
                                   const size_t *word_lens, const char *sep,
                                   size_t sep_len, textops_mode mode,
                                   int threads, size_t *out);

/* A batch counted slice by slice from items the caller reads itself (the
 * binding glue's Python objects, read while it holds the GIL): a query
 * prepared once for every slice, the word (and sep) copied, with its probes
 * chosen once from a sample of the first slice's texts.
 * textops_prepare_count returns it (NULL when out of memory):
 * text.split(sep).count(word) by the rule of mode when words, else
 * text.count(word); word and sep are UTF-8 in mode TEXTOPS_UNICODE.
 *
 * The reader gives the text of item: its bytes at *data (*len bytes) as
 * code units *width bytes wide (1, 2 or 4, as textops_units_count takes
 * them), or as UTF-8 (str) or bytes (width 0); it returns 1, or 0 or -1
 * when the item is not to be counted here. It is called from the team's
 * threads, so it may only read memory that nothing changes meanwhile.
 *
 * textops_items_count counts items[0, n) on the team (or on the calling
 * thread: see tx_team_parallel), each into out[i], until an item the
 * reader declines, or until a thread has read `budget` bytes: it returns
 * the number of items counted (always the first ones), or (size_t)-1 when
 * memory runs out. */
typedef struct textops_prepared textops_prepared;
typedef int (*textops_reader)(const void *item, int words, int mode,
                              const char **data, size_t *len,
                              unsigned char *width);
textops_prepared *textops_prepare_count(int words, const char *word,
                                        size_t word_len, const char *sep,
                                        size_t sep_len, textops_mode mode);
size_t textops_items_count(textops_prepared *p, size_t n,
                           const void *const *items, textops_reader read,
                           size_t budget, int threads, size_t *out);
void textops_prepared_free(textops_prepared *p);

/* textops_line_word_counts of a str held in its own storage (on the
 * calling thread, block by block as above). */
int textops_units_line_word_counts(const char *text, size_t len, int width,
                                   const char *word, size_t word_len,
                                   const char *sep, size_t sep_len,
                                   textops_mode mode, size_t **counts,
                                   size_t *nlines);

/* The UTF-8 of n code units `width` bytes wide (as textops_units_count
 * takes them; lone surrogates as three-byte sequences), written at out, at
 * most cap bytes (2n, 3n or 4n for widths 1, 2 and 4 always suffice);
 * returns the bytes written (with out NULL: the bytes the UTF-8 takes,
 * written nowhere). For the calls that read a whole text as
 * UTF-8 (frequencies, many words, matrices, corpora): the caller owns the
 * copy and frees it after the call, so none is left on the string. */
size_t textops_units_to_utf8(const char *units, size_t n, int width,
                             char *out, size_t cap, int threads);

/* The same UTF-8 in memory malloc'd to its exact size, which the caller
 * frees; its length in *size. Each share's size is taken once, on every
 * thread (`threads` as above), then its bytes written. NULL without
 * memory. */
char *textops_units_utf8_copy(const char *units, size_t n, int width,
                              int threads, size_t *size);

/* The distinct tokens of a text, as textops_word_frequencies returns them:
 * `data` holds the tokens end to end (nbytes bytes); info[3*i],
 * info[3*i+1] and info[3*i+2] are token i's length in bytes, its length in
 * characters (code points for TEXTOPS_UNICODE, bytes otherwise) and its
 * count. When the caller sets keep_whole (the one field it sets: it holds
 * the texts as objects it can give for their tokens), a long token that
 * is a whole text (at least TEXTOPS_WHOLE_BYTES, as in t.split() == [t])
 * is not copied: whole[i] is then 1 + the number of that text, and its two
 * lengths in info are 0; whole[i] is 0 for the tokens in data, and whole
 * is NULL when every token is. Free data, info and whole with
 * textops_free. */
#define TEXTOPS_WHOLE_BYTES 4096
typedef struct {
    char *data;
    size_t nbytes;
    size_t *info;
    size_t ntokens;
    size_t *whole;
    int keep_whole;
} textops_tokens;

/* Counter(t.split(sep)) summed over texts[0..ntexts): every distinct token
 * and how often it occurs, in the order of first occurrence (as the
 * Counter has them), in *out. */
int textops_word_frequencies(size_t ntexts, const char *const *texts,
                             const size_t *lens, const char *sep,
                             size_t sep_len, textops_mode mode, int threads,
                             textops_tokens *out);

/* out[j] = sum(t.split(sep).count(words[j]) for t in texts), for every
 * j < nwords (words may repeat), in one pass over each text. widths is
 * NULL (every text UTF-8, or bytes), or text i is a str held in its own
 * storage when widths[i] is 1, 2 or 4 (as textops_units_count takes it;
 * its tokens go block by block through a UTF-8 buffer of the call, no
 * UTF-8 form of the whole text is made), UTF-8 when 0; a lowered
 * split(sep) takes UTF-8 texts only (-1 with widths). On -1 out is
 * incomplete. */
int textops_word_counts(size_t ntexts, const char *const *texts,
                        const size_t *lens, const unsigned char *widths,
                        size_t nwords,
                        const char *const *words, const size_t *word_lens,
                        const char *sep, size_t sep_len, textops_mode mode,
                        int threads, size_t *out);

/* The texts x words matrix of the same counts: out[i * nwords + j] =
 * texts[i].split(sep).count(words[j]), widths as above. On -1 out is
 * incomplete. */
int textops_term_matrix(size_t ntexts, const char *const *texts,
                        const size_t *lens, const unsigned char *widths,
                        size_t nwords,
                        const char *const *words, const size_t *word_lens,
                        const char *sep, size_t sep_len, textops_mode mode,
                        int threads, size_t *out);

/* A document-term matrix, as scikit-learn's CountVectorizer makes it: the
 * terms in sorted order (byte order, which for UTF-8 is str order), `terms`
 * holding them end to end (nbytes bytes), term_info[2*c] and
 * term_info[2*c+1] the byte length and the length in characters (code
 * points for TEXTOPS_UNICODE) of the term of column c; and the counts in
 * CSR form: the row of document i is indices[indptr[i], indptr[i+1])
 * (columns, in the order their terms first occur in the document, as
 * unsorted as CountVectorizer's) with counts[...] (how often the column's
 * term occurs in the document), nnz = indptr[ntexts] entries. terms and
 * term_info are NULL for textops_vocab_matrix. Free the five arrays with
 * textops_free. */
typedef struct {
    char *terms;
    size_t nbytes;
    size_t *term_info;
    size_t nterms;
    size_t *indptr;
    uint32_t *indices;
    int64_t *counts;
    size_t nnz;
} textops_matrix;

/* The terms of each document, counted: the tokens of the rule in mode
 * (TEXTOPS_WORD_CHARS, with TEXTOPS_TWO_OR_MORE and TEXTOPS_LOWER as
 * wanted; without it, split()), the tokens equal to one of the nstop stop
 * words taken out, then the n-grams for ngram_min <= n <= ngram_max
 * (1 <= ngram_min <= ngram_max <= 2): a token, or two neighbouring tokens
 * joined by one space, as CountVectorizer(ngram_range=(ngram_min,
 * ngram_max)) has them. The vocabulary is every term that occurs. Each
 * document is counted by one thread; the documents share the threads. On
 * -1 (no memory) out holds nothing. */
int textops_count_matrix(size_t ntexts, const char *const *texts,
                         const size_t *lens, size_t nstop,
                         const char *const *stop, const size_t *stop_lens,
                         int ngram_min, int ngram_max, textops_mode mode,
                         int threads, textops_matrix *out);

/* The same counts against a fixed vocabulary: term j (terms, term_lens;
 * distinct) is column columns[j], and the terms not in it are not
 * counted (CountVectorizer(vocabulary=...) and its transform). A term
 * holding a space is a pair of tokens. out->terms stays NULL. */
int textops_vocab_matrix(size_t ntexts, const char *const *texts,
                         const size_t *lens, size_t nstop,
                         const char *const *stop, const size_t *stop_lens,
                         size_t nterms, const char *const *terms,
                         const size_t *term_lens, const size_t *columns,
                         int ngram_min, int ngram_max, textops_mode mode,
                         int threads, textops_matrix *out);

/* Per document of a packed corpus: out[i] = doc.split(sep).count(word),
 * and out[i] = doc.count(sub). Occurrences are found in one scan over the
 * buffer where the query allows, with runs of whole documents shared out
 * among the threads. */
void textops_corpus_word_count(size_t ndocs, const char *buf,
                               const size_t *offsets, const char *word,
                               size_t word_len, const char *sep,
                               size_t sep_len, textops_mode mode,
                               int threads, size_t *out);
void textops_corpus_substring_count(size_t ndocs, const char *buf,
                                    const size_t *offsets, const char *sub,
                                    size_t sub_len, textops_mode mode,
                                    int threads, size_t *out);

/* For each document of a packed corpus, the counts of
 * textops_line_word_counts: *counts receives a malloc'd array of all the
 * documents' per-line counts end to end (free it with textops_free), and
 * nlines[i] the number of lines of document i. */
int textops_corpus_line_word_counts(size_t ndocs, const char *buf,
                                    const size_t *offsets, const char *word,
                                    size_t word_len, const char *sep,
                                    size_t sep_len, textops_mode mode,
                                    int threads, size_t **counts,
                                    size_t *nlines);

/* Copies texts[0..ntexts) end to end into out, which holds the sum of
 * lens bytes: how a corpus is packed. */
void textops_gather(size_t ntexts, const char *const *texts,
                    const size_t *lens, char *out);

/* The offset of the first byte of text[0, len) that Python's strict
 * "utf-8" codec cannot decode (the start of the bad sequence, as
 * UnicodeDecodeError.start), or len when all of it is valid UTF-8. */
size_t textops_utf8_check(const char *text, size_t len, int threads);

/* Frees what textops_line_word_counts, textops_word_frequencies,
 * textops_count_matrix, textops_vocab_matrix and
 * textops_corpus_line_word_counts returned. */
void textops_free(void *p);

/* 1 when the core was compiled with OpenMP, else 0. */
int textops_openmp_enabled(void);

/* The thread count a call with threads <= 0 would ask for: 1 without
 * OpenMP or in a forked child, else omp_get_max_threads(). */
int textops_default_threads(void);

/* Makes the calling thread's later calls watch *flag (NULL: none): once
 * another thread sets *flag to nonzero, a call in progress stops within a
 * few milliseconds (it looks at the flag between pieces of at most a few
 * MB) and returns normally, with meaningless results; memory it allocated
 * is freed or returned as usual. How Ctrl-C interrupts a long call. */
void textops_watch(const volatile int *flag);

/* The most threads a call uses, whatever it asks for. */
#define TEXTOPS_MAX_THREADS 256

/* Smallest number of bytes handed to one thread (default 256 KiB); returns
 * the previous value. Values below 1 are taken as 1, values above
 * SIZE_MAX / 8 as SIZE_MAX / 8. Tests lower it to
 * split small texts into many chunks. */
size_t textops_set_min_chunk(size_t nbytes);

/* Tests only: a GIL-held batch's token tallies test a word's neighbours
 * in every block (1), in the blocks with a match (0), or as the batch's
 * sample says (-1, the default); returns the previous value. */
int textops_set_tally_dense(int dense);

/* The name of search backend id (0 = portable, then vector widths) if
 * this CPU can run it, else NULL; ids run from 0 while names come back. */
const char *textops_search_backend(int id);

/* Makes every search use backend id; returns the previous id, or -1 (and
 * changes nothing) if the CPU cannot run it. For tests and benchmarks. */
int textops_set_search_backend(int id);

/* The probes a count of needle[0, needle_len) in text[0, len) on one
 * thread tests: their offsets in the needle into at[0, 4), the rarest
 * first, chosen from a sample of the text (or from a fixed table for a
 * text under 64 KB). Returns how many of them the fast test uses (2 or
 * 3), or 0 for a needle that needs none (under 2 or over 64 bytes: at is
 * then left alone). For tests: the choice is the same for the same
 * bytes. */
int textops_probes(const char *text, size_t len, const char *needle,
                   size_t needle_len, size_t *at);

/* Guards the mapped file bytes addr[0, len) until textops_guard_end: if
 * the file shrinks meanwhile, a read past its new end (by textops or by
 * anyone in the process) reads zeros instead of raising SIGBUS. Returns a
 * slot for textops_guard_end, or -1 when nothing is guarded (len 0, no
 * free slot, or no SIGBUS on this system). */
int textops_guard_begin(const char *addr, size_t len);

/* Ends the guard of `slot` (ignored when negative); returns 1 if a read
 * faulted in the range, i.e. the file shrank under it and what was read
 * is not its content, else 0. */
int textops_guard_end(int slot);

#endif
