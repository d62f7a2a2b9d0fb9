/* One scan over a run of packed documents, its occurrences given to the
 * documents (docscan.c). */
#ifndef TEXTOPS_DOCSCAN_H
#define TEXTOPS_DOCSCAN_H

#include <stddef.h>

#include "internal.h"

/* 1 if tx_doc_scan answers query q: plans COUNT, SPACE, WORD and SEP_FIND
 * with a word of at least one byte, not lowered (the others count each
 * document on its own). */
int tx_doc_scan_fits(const tx_query *q);

/* For a query that tx_doc_scan_fits: out[d] = q's count in document d,
 * for d in [d0, d1), document d being buf[off[d], off[d + 1]) (offsets
 * non-decreasing). One pass over buf[off[d0], off[d1]) finds the word's
 * occurrences; each is given to the document it starts in and counts
 * there only if it ends in that document and its token boundaries hold
 * there (a document's ends are a text's ends). An occurrence that runs
 * into the next document does not count, and the search goes on at that
 * document's start, as a search of that document alone would. Reads no
 * byte outside the run, whatever the bytes; looks at q's stop flag every
 * TX_CHECK_BYTES. */
void tx_doc_scan(const tx_query *q, const unsigned char *buf,
                 const size_t *off, size_t d0, size_t d1, size_t *out);

#endif
