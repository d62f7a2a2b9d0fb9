/* The tokens of a text, as t.split(sep) has them, handed one by one to a
 * sink: the tokenizer of word_frequencies and word_counts. */
#ifndef TEXTOPS_TOKENS_H
#define TEXTOPS_TOKENS_H

#include <stddef.h>

#include "internal.h"

/* Receives the tokens of a text; returns nonzero to stop the walk. A
 * token s[0, n) lies in the text, which may be read up to `end`; for a
 * query that lowers (q->lower), s is the tokenizer's own copy, valid
 * during the call, and the tokenizer sets `end` to the end of that copy's
 * buffer and `at` to where the token starts in the text (its place in the
 * texts' order). */
typedef struct tx_sink {
    int (*token)(struct tx_sink *self, const unsigned char *s, size_t n);
    const unsigned char *end;
    const unsigned char *at;
} tx_sink;

/* Hands the tokens of the query's rule to sink in order: t.split(sep)
 * (for split(sep), all but the last one when drop_last: a piece of a text
 * that ends just after a separator), or the runs of \w of
 * re.findall(r"\w+") / r"\b\w\w+\b"; of t.lower() when q->lower (never
 * with a separator: callers lower such texts first, tx_lower_texts).
 * Returns nonzero when the sink stopped the walk or memory ran out. */
int tx_tokens(const tx_query *q, const unsigned char *t, size_t n,
              int drop_last, tx_sink *sink);

#endif
