/* What units.c shares inside the core: texts held as fixed-width code
 * units (CPython's str storage). */
#ifndef TEXTOPS_UNITS_H
#define TEXTOPS_UNITS_H

#include <stddef.h>

#include "internal.h"

/* Writes the UTF-8 s[0, len) (surrogates as three-byte sequences) as code
 * units of `width` bytes (1, 2 or 4) at out (room for len units), their
 * number in *nunits; returns 0, or -1 when a code point does not fit the
 * width (the needle then occurs in no text of that width). */
int tx_units_from_utf8(const unsigned char *s, size_t len, size_t width,
                       unsigned char *out, size_t *nunits);

/* t.count(needle) for t[0, n) and the needle in units of `width` bytes
 * (2 or 4; n a multiple of it): the non-overlapping occurrences that
 * start at a unit boundary. An empty needle counts n / width + 1. */
size_t tx_count_units(const unsigned char *t, size_t n, const tx_needle *nd,
                      size_t width);

/* The longest separator (in units) the cuts look for: a longer one cuts
 * nothing, and its text goes in one block. */
#define TX_UNITS_SEP_MAX 64

/* A text of n units `width` bytes wide, and the query's separator in the
 * same units (sep_units 0: the cuts look for none). */
typedef struct {
    const unsigned char *u;
    size_t n, width;
    unsigned char sep[4 * TX_UNITS_SEP_MAX];
    size_t sep_units;
    /* NULL, or the query's word written in these units and prepared (a
     * batch's, made once): the word counts that find it in the units use
     * it instead of making their own */
    const tx_needle *word;
} tx_units_text;

/* Fills *x for the text of units u[0, nbytes) and query q. */
void tx_units_text_init(tx_units_text *x, const tx_query *q,
                        const unsigned char *u, size_t nbytes, size_t width);

/* The first b in [lo, hi) (0 < b <= n) where q's text of units may be cut
 * exactly, as shares.c cuts UTF-8: after ASCII whitespace (split() and
 * the \w rules), after a separator no earlier one overlaps (split(sep),
 * not lowered), after \n or a \r not before \n (lines); or TX_NONE. */
size_t tx_units_cut(const tx_query *q, const tx_units_text *x, size_t lo,
                    size_t hi);

/* The piece [*start, *end) (in units) of share k of `pieces`, as
 * tx_share_piece; returns 0 when the share holds none. */
int tx_units_piece(const tx_query *q, const tx_units_text *x, size_t k,
                   size_t pieces, size_t *start, size_t *end);

/* tx_words of units [a, e) of x (a and e cuts, or the text's ends), block
 * by block through a UTF-8 buffer of its own; sets *failed when out of
 * memory. */
size_t tx_units_words(const tx_query *q, const tx_units_text *x, size_t a,
                      size_t e, int *failed);

/* Hands units [a, e) of x (a and e cuts, or the text's ends) to each()
 * block by block, each block written as UTF-8 into a buffer of the call
 * and ending at a cut (as tx_units_cut finds them), with drop_last 1 when
 * it ends before the text (as tx_batch_piece sets it). Stops early when
 * q's stop flag is set. Returns 0, or -1 when memory runs out. */
typedef void (*tx_units_each)(void *ctx, const unsigned char *s, size_t len,
                              int drop_last);
int tx_units_blocks(const tx_query *q, const tx_units_text *x, size_t a,
                    size_t e, tx_units_each each, void *ctx);

/* The line counts of x (a TX_LINES query), as textops_line_word_counts
 * stores them; returns 0, or -1 out of memory. */
int tx_units_lines(const tx_query *q, const tx_units_text *x,
                   size_t **counts, size_t *nlines);

#endif
