/* str.lower() and bytes.lower(), for the token rules: of one token in its
 * text (a capital sigma looks at its neighbours), or of whole texts. */
#ifndef TEXTOPS_LOWER_H
#define TEXTOPS_LOWER_H

#include <stddef.h>

#include "internal.h"

/* Room tx_lower needs for n bytes: lowering grows valid UTF-8 by at most
 * 1.5x (build_ucd.py checks it), and a text that changed under the call
 * by at most 2x. */
#define TX_LOWER_ROOM(n) (2 * (n) + 8)

/* Writes the lowercase form of s[0, n), a part of the text t[0, tn) that
 * starts and ends at code point boundaries, to out[0, cap): in
 * TEXTOPS_UNICODE mode str.lower() (code point by code point, a capital
 * sigma final or not by the text around it, as str.lower judges it on the
 * whole text), else bytes.lower(). Returns the bytes written, never more
 * than cap (cap >= TX_LOWER_ROOM(n) always holds all of it). */
size_t tx_lower(const unsigned char *t, size_t tn, const unsigned char *s,
                size_t n, int mode, unsigned char *out, size_t cap);

/* The lowercase forms of texts[0..ntexts), each lowered as a whole text
 * (text.lower()), laid end to end in one malloc'd buffer *buf; (*low)[i]
 * and (*low_lens)[i] give text i's. The three arrays are malloc'd; free
 * them with free(). Once *stop (may be NULL) is raised the forms are
 * cut short. Returns 0, or -1 with nothing allocated. */
int tx_lower_texts(size_t ntexts, const char *const *texts,
                   const size_t *lens, int mode, const volatile int *stop,
                   unsigned char **buf, const char ***low,
                   size_t **low_lens);

/* A query that lowers texts split by an explicit separator runs on
 * lowered copies of them: sep is matched in text.lower(). */
typedef struct {
    unsigned char *buf;
    const char **texts;
    size_t *lens;
} tx_lowered;

/* For such a query (q->lower with q->sep), lowers texts[0..ntexts) into
 * *copy (tx_lower_texts), points *texts and *lens at the copies, and
 * makes q a query that does not lower; otherwise only zeroes *copy.
 * Returns 0, or -1 without memory (nothing changed). Free the copies with
 * tx_lowered_free once the query is done. */
int tx_lower_for_sep(tx_query *q, size_t ntexts,
                     const char *const **texts, const size_t **lens,
                     tx_lowered *copy);

void tx_lowered_free(tx_lowered *copy);

#endif
