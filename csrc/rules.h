/* The character tests of the \w token rules and the lowering of a text
 * (rules.c), as every kernel of the rules uses them: re's \w at a place
 * of a text (Unicode's for str, ASCII's for bytes) and str.lower() /
 * bytes.lower() of a range of a text, capital sigma judged in the whole
 * text. */
#ifndef TEXTOPS_RULES_H
#define TEXTOPS_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "textops.h"
#include "ucd.h"

/* ASCII \w: a letter (c | TX_WORD_FOLD in a-z), a digit or "_"; the
 * vector tests (rules_x86.h) use the same constants. */
#define TX_WORD_FOLD 0x20
#define TX_WORD_LETTER_LO 'a'
#define TX_WORD_LETTER_HI 'z'
#define TX_WORD_DIGIT_LO '0'
#define TX_WORD_DIGIT_HI '9'
#define TX_WORD_UNDERSCORE '_'

/* The lanes (bit 7 of each byte) of the eight bytes x that are ASCII
 * upper-case letters: y + 63 reaches bit 7 from 'A' on, y + 37 from
 * '[' on, and no lane carries into the next. */
static inline uint64_t tx_upper_lanes(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ULL, y = x & 0x7F * ones;
    return (y + 63 * ones) & ~(y + 37 * ones) & ~x & 0x80 * ones;
}

/* 1 if byte c is ASCII \w (no byte from 0x80 up is). */
static inline int tx_ascii_word(unsigned char c)
{
    return (unsigned)((c | TX_WORD_FOLD) - TX_WORD_LETTER_LO) <=
               (unsigned)(TX_WORD_LETTER_HI - TX_WORD_LETTER_LO) ||
           (unsigned)(c - TX_WORD_DIGIT_LO) <=
               (unsigned)(TX_WORD_DIGIT_HI - TX_WORD_DIGIT_LO) ||
           c == TX_WORD_UNDERSCORE;
}

/* 1 if the character starting at t[i] (i < n) is \w, its byte length in
 * *len (never past n). Bytes mode: ASCII \w, one byte. */
static inline int tx_word_at(const unsigned char *t, size_t n, size_t i,
                             int mode, size_t *len)
{
    unsigned char c = t[i];
    if (c < 0x80 || mode != TEXTOPS_UNICODE) {
        *len = 1;
        return c < 0x80 && tx_ascii_word(c);
    }
    return (tx_ucd(tx_utf8_next(t, n, i, len))->flags & TX_UCD_WORD) != 0;
}

/* 1 if the character ending just before t[i] (0 < i) is \w; reads back to
 * its start at most. */
static inline int tx_word_before(const unsigned char *t, size_t i, int mode)
{
    unsigned char c = t[i - 1];
    size_t len;
    if (c < 0x80 || mode != TEXTOPS_UNICODE)
        return c < 0x80 && tx_ascii_word(c);
    return tx_word_at(t, i, tx_utf8_prev(t, i), mode, &len);
}

/* The end of the run of \w characters starting at t[i]: the first j >= i
 * where a character that is not \w starts, or n. */
size_t tx_word_run_end(const unsigned char *t, size_t n, size_t i, int mode);

/* Most bytes tx_lower writes for `len` bytes of text (str.lower() grows
 * UTF-8 by at most 1.5x, checked by build_ucd.py). */
#define TX_LOWER_CAP(len) ((len) + (len) / 2 + 4)

/* Writes t[from, to).lower() to out (bytes.lower() in bytes mode) and
 * returns its byte length, exactly that part of t[0, n).lower(): a
 * capital sigma is judged by its neighbours in all of t[0, n). Bytes that
 * are not UTF-8 are copied as they are. Writes at most cap bytes: stops
 * before the first character that would not fit (cap >=
 * TX_LOWER_CAP(to - from) always fits); *done is set to where it
 * stopped in t (to when all fit). from and to are character starts. */
size_t tx_lower(const unsigned char *t, size_t n, size_t from, size_t to,
                int mode, unsigned char *out, size_t cap, size_t *done);

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
