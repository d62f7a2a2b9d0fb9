/* What count.c exports inside the core: the prepared query every public
 * entry point starts from. */
#ifndef TEXTOPS_COUNT_H
#define TEXTOPS_COUNT_H

#include <stddef.h>

#include "internal.h"

/* A prepared query watching the calling thread's stop flag (the word may
 * be NULL in a batch's template; sep NULL splits on whitespace). */
tx_query tx_make_query(tx_kind kind, const char *word, size_t word_len,
                       const char *sep, size_t sep_len, int mode);

#endif
