/* Internal interface between the serial kernels and the parallel driver.
 * Nothing here is exported from the extension; public names are in
 * textops.h. Every function takes a text as pointer plus length and treats
 * it as a whole text of its own: the driver passes sub-ranges of a larger
 * text only where they start and end at places that make this exact. */
#ifndef TEXTOPS_INTERNAL_H
#define TEXTOPS_INTERNAL_H

#include <stddef.h>

#include "textops.h"

/* What to count in a text: `word` occurrences (TX_COUNT), tokens equal to
 * `word` (TX_WORDS), or tokens equal to `word` per line (TX_LINES). */
typedef enum { TX_COUNT, TX_WORDS, TX_LINES } tx_kind;

/* How tx_words counts, chosen once per query by tx_prepare. */
typedef enum {
    TX_PLAN_NONE,     /* the answer is 0 whatever the text */
    TX_PLAN_SPACE,    /* split() on whitespace: find word, check both sides */
    TX_PLAN_SEP_FIND, /* split(sep), sep never overlaps itself: find word */
    TX_PLAN_SEP_WALK, /* split(sep), general: walk the greedy separators */
    TX_PLAN_COUNT     /* plain count(word), for TX_COUNT queries */
} tx_plan;

typedef struct {
    tx_kind kind;
    tx_plan plan; /* set by tx_prepare */
    const unsigned char *word;
    size_t word_len;
    const unsigned char *sep; /* NULL: split on whitespace */
    size_t sep_len;
    int mode; /* TEXTOPS_BYTES or TEXTOPS_UNICODE */
} tx_query;

/* search.c */

/* First occurrence of needle (len m >= 1) in hay (len n), or NULL. */
const unsigned char *tx_find(const unsigned char *hay, size_t n,
                             const unsigned char *needle, size_t m);

/* Non-overlapping occurrences of sub in t, left to right: t.count(sub). */
size_t tx_count(const unsigned char *t, size_t n,
                const unsigned char *sub, size_t m, int mode);

/* split.c */

/* Byte length of the whitespace character starting at t[i] (i < n), or 0. */
size_t tx_space_at(const unsigned char *t, size_t n, size_t i, int mode);

/* 1 if byte c is ASCII whitespace in this mode (always a whole character). */
int tx_ascii_space(unsigned char c, int mode);

/* Chooses q->plan from the other fields; call once before tx_words. */
void tx_prepare(tx_query *q);

/* Tokens of t equal to the query's word: t.split(sep).count(word); for a
 * TX_COUNT query, t.count(word). */
size_t tx_words(const tx_query *q, const unsigned char *t, size_t n);

/* Walks the lines of t.splitlines(); when out is not NULL stores each line's
 * tx_words count in out[0..]. Returns the number of lines. */
size_t tx_lines(const tx_query *q, const unsigned char *t, size_t n,
                size_t *out);

#endif
