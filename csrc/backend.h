/* The kernels that have vector versions, and the choice among them.
 *
 * A backend is one set of these kernels, all built for one instruction set:
 *   scan   the substring scan of tx_scan / tx_count / tx_find (search.c);
 *   skip   the search for the next whitespace, tx_skip_text (space.c);
 *   line   the search for the next line break, tx_skip_line (space.c);
 *   split  the tokens of t.split(), tx_tokens (tokens.c); the AVX2 and
 *          AVX-512 backends use the SSE2 split: its loop calls the sink at
 *          every token, and from AVX code each call costs a vzeroupper and
 *          the reload of the vector constants (the AVX-512 split was 14%
 *          slower on English bytes);
 *   word_mask  the classes of 64 bytes for the \w tokenizer (tokens.c),
 *          SSE2 in every x86 backend for the same reason;
 *   utf8   strict UTF-8 validation, a quiet map filled on the way
 *          (utf8.h; utf8_body.h compiled by utf8_avx2.c and
 *          utf8_avx512.c), the portable one in the SSE2 backend (SSE2
 *          has no byte shuffle for the tables);
 *   units_utf8  the UTF-8 of a str's units of one or two bytes, the
 *          vector part of units.c's writing (units_x86.c; NULL in the
 *          portable and SSE2 backends, which write it a unit at a time).
 * The portable backend is plain C (search.c, space.c, tokens.c); the x86
 * ones are the bodies scan_body.h and split_body.h compiled once per target
 * by backend_sse2.c, backend_avx2.c and backend_avx512.c. The first call
 * takes the best backend the CPU runs; textops_set_search_backend forces
 * one (the tests run every backend against the portable one). Every
 * backend gives the same answers. */
#ifndef TEXTOPS_BACKEND_H
#define TEXTOPS_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "tokens.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define TX_X86 1
#endif

/* With visit == NULL, the non-overlapping occurrences of the needle
 * (2 <= m <= TX_FILTER_MAX) in h[0, n); otherwise calls visit->match at
 * each occurrence at or after the place it last returned (0 at first),
 * until it returns TX_STOP, as described for tx_scan (the stop flag
 * nd->stop included). */
typedef size_t (*tx_scan_fn)(const unsigned char *h, size_t n,
                             const tx_needle *nd, tx_visitor *visit);

/* As tx_skip_text and tx_skip_line (space.h). */
typedef size_t (*tx_skip_fn)(const unsigned char *t, size_t n, int mode,
                             int leads, const volatile int *stop);
typedef size_t (*tx_line_fn)(const unsigned char *t, size_t n, int mode,
                             const volatile int *stop);

/* Hands the tokens of t.split() to sink, in order; returns nonzero when
 * the sink stopped the walk, 0 at the end or once `stop` is raised. */
typedef int (*tx_split_fn)(const unsigned char *t, size_t n, int mode,
                           const volatile int *stop, tx_sink *sink);

/* A bit per byte of t[0, 64) that is an ASCII word character
 * ([0-9A-Za-z_], re's \w in both modes), and in *high a bit per byte
 * above 0x7F: the classes of the \w tokenizer (tokens.c). */
typedef uint64_t (*tx_word_mask_fn)(const unsigned char *t, uint64_t *high);

/* The first error of strict UTF-8 in t[0, n), or n (utf8.h). */
typedef size_t (*tx_utf8_fn)(const unsigned char *t, size_t n,
                             const volatile int *stop, tx_quiet_map *map);

/* Writes the UTF-8 of units u[*at, b) (`width` 1 or 2 bytes each) at
 * out + o while a whole step of units is left and at least 128 bytes of
 * room before cap; moves *at past the units written and returns the new
 * o. The caller writes what is left. */
typedef size_t (*tx_units_utf8_fn)(const unsigned char *u, size_t *at,
                                   size_t b, size_t width, unsigned char *out,
                                   size_t o, size_t cap);
typedef struct {
    const char *name;
    tx_scan_fn scan;
    tx_skip_fn skip;
    tx_line_fn line;
    tx_split_fn split;
    tx_word_mask_fn word_mask;
    tx_utf8_fn utf8;
    /* NULL, or the scan of a short text (at most TX_SHORT_MAX bytes, a
     * needle of 2 to TX_FILTER_MAX bytes) with less setup than `scan`, the
     * same visits: many short documents spend most of a scan's time in
     * its setup */
    tx_scan_fn scan_short;
    tx_units_utf8_fn units_utf8;
} tx_backend;

/* The longest text tx_backend.scan_short takes. */
#define TX_SHORT_MAX 512

/* The backend every kernel uses now. */
const tx_backend *tx_backend_now(void);

/* Needles longer than this go to memmem (see search.c). */
#define TX_FILTER_MAX 64

/* The portable backend. */
size_t tx_scan_portable(const unsigned char *h, size_t n, const tx_needle *nd,
                        tx_visitor *visit);
int tx_split_portable(const unsigned char *t, size_t n, int mode,
                      const volatile int *stop, tx_sink *sink);
uint64_t tx_word_mask_portable(const unsigned char *t, uint64_t *high);

/* No token is open (see tx_split_from). */
#define TX_NO_TOKEN ((size_t)-1)

/* The portable split from t[i] on, a token open since t[start] (or
 * TX_NO_TOKEN): the tail of the vector splits. */
int tx_split_from(const unsigned char *t, size_t n, size_t i, size_t start,
                  int mode, const volatile int *stop, tx_sink *sink);

#ifdef TX_X86
size_t tx_scan_sse2(const unsigned char *, size_t, const tx_needle *,
                    tx_visitor *);
size_t tx_line_sse2(const unsigned char *, size_t, int, const volatile int *);
size_t tx_skip_sse2(const unsigned char *, size_t, int, int,
                    const volatile int *);
int tx_split_sse2(const unsigned char *, size_t, int, const volatile int *,
                  tx_sink *);
uint64_t tx_word_mask_sse2(const unsigned char *, uint64_t *);
size_t tx_scan_avx2(const unsigned char *, size_t, const tx_needle *,
                    tx_visitor *);
size_t tx_line_avx2(const unsigned char *, size_t, int, const volatile int *);
size_t tx_skip_avx2(const unsigned char *, size_t, int, int,
                    const volatile int *);
size_t tx_scan_avx512(const unsigned char *, size_t, const tx_needle *,
                      tx_visitor *);
size_t tx_scan_short_avx512(const unsigned char *, size_t, const tx_needle *,
                            tx_visitor *);
size_t tx_line_avx512(const unsigned char *, size_t, int, const volatile int *);
size_t tx_skip_avx512(const unsigned char *, size_t, int, int,
                      const volatile int *);
size_t tx_units_utf8_avx2(const unsigned char *, size_t *, size_t, size_t,
                          unsigned char *, size_t, size_t);
size_t tx_units_utf8_avx512(const unsigned char *, size_t *, size_t, size_t,
                            unsigned char *, size_t, size_t);
#endif

#endif
