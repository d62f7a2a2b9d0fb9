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
 * OS threads (see parallel.c). A call with threads == 1 starts no team.
 *
 * No function keeps a pointer after it returns; all are safe to call from
 * several threads at once.
 */
#ifndef TEXTOPS_H
#define TEXTOPS_H

#include <stddef.h>

#define TEXTOPS_BYTES 0   /* bytes semantics: ASCII whitespace, \n \r \r\n lines */
#define TEXTOPS_UNICODE 1 /* str semantics over UTF-8: Unicode whitespace/lines */

/* Non-overlapping occurrences of sub in text, scanning left to right:
 * text.count(sub). An empty sub counts the positions between characters:
 * len + 1, where len is in code points for TEXTOPS_UNICODE. */
size_t textops_substring_count(const char *text, size_t len,
                               const char *sub, size_t sub_len,
                               int mode, int threads);

/* Tokens of text equal to word: text.split(sep).count(word).
 * sep == NULL splits on runs of whitespace (Unicode or ASCII, by mode) and
 * drops empty tokens; otherwise sep (sep_len >= 1) is matched greedily left
 * to right and empty tokens are kept. */
size_t textops_word_count(const char *text, size_t len,
                          const char *word, size_t word_len,
                          const char *sep, size_t sep_len,
                          int mode, int threads);

/* For each line of text.splitlines(), line.split(sep).count(word).
 * On success stores a malloc'd array of *nlines counts in *counts (free it
 * with textops_free; NULL when there are no lines) and returns 0; returns -1
 * with nothing allocated when memory runs out. */
int textops_line_word_counts(const char *text, size_t len,
                             const char *word, size_t word_len,
                             const char *sep, size_t sep_len,
                             int mode, int threads,
                             size_t **counts, size_t *nlines);

/* The batch forms: out[i] = texts[i].split(sep).count(words[i]) and
 * out[i] = texts[i].count(words[i]) for i < ntexts. nwords is either ntexts
 * or 1 (one word for every text). Small texts are shared out among the
 * threads whole; a text that is large against the total is split into
 * chunks itself, so one big text does not leave the other threads idle. */
void textops_batch_word_count(size_t ntexts, const char *const *texts,
                              const size_t *lens, size_t nwords,
                              const char *const *words,
                              const size_t *word_lens,
                              const char *sep, size_t sep_len,
                              int mode, int threads, size_t *out);
void textops_batch_substring_count(size_t ntexts, const char *const *texts,
                                   const size_t *lens, size_t nwords,
                                   const char *const *words,
                                   const size_t *word_lens,
                                   int mode, int threads, size_t *out);

/* Frees what textops_line_word_counts returned. */
void textops_free(void *p);

/* 1 when the core was compiled with OpenMP, else 0. */
int textops_openmp_enabled(void);

/* The thread count a call with threads <= 0 would ask for: 1 without
 * OpenMP or in a forked child, else omp_get_max_threads(). */
int textops_default_threads(void);

/* The most threads a call uses, whatever it asks for. */
#define TEXTOPS_MAX_THREADS 256

/* Smallest number of bytes handed to one thread (default 256 KiB); returns
 * the previous value. Values below 1 are taken as 1, values above
 * SIZE_MAX / 8 as SIZE_MAX / 8. Tests lower it to
 * split small texts into many chunks. */
size_t textops_set_min_chunk(size_t nbytes);

/* The name of search backend id (0 = portable, then vector widths) if
 * this CPU can run it, else NULL; ids run from 0 while names come back. */
const char *textops_search_backend(int id);

/* Makes every search use backend id; returns the previous id, or -1 (and
 * changes nothing) if the CPU cannot run it. For tests and benchmarks. */
int textops_set_search_backend(int id);

#endif
