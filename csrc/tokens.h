/* The tokens of a text, as t.split(sep) has them, handed one by one to a
 * sink: the tokenizer of word_frequencies and word_counts. */
#ifndef TEXTOPS_TOKENS_H
#define TEXTOPS_TOKENS_H

#include <stddef.h>

#include "internal.h"

/* Receives the tokens of a text; returns nonzero to stop the walk. */
typedef struct tx_sink {
    int (*token)(struct tx_sink *self, const unsigned char *s, size_t n);
    const unsigned char *end; /* of the text: tokens may be read up to it */
} tx_sink;

/* Hands the tokens of t.split(q->sep) to sink in order (for split(sep),
 * all but the last one when drop_last: a piece of a text that ends just
 * after a separator). Returns nonzero when the sink stopped the walk. */
int tx_tokens(const tx_query *q, const unsigned char *t, size_t n,
              int drop_last, tx_sink *sink);

#endif
