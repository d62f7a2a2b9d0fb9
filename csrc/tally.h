/* The substring or split() word count of one short text of a GIL-held
 * batch by a vector tally (tally.c). */
#ifndef TEXTOPS_TALLY_H
#define TEXTOPS_TALLY_H

#include <stddef.h>
#include <stdint.h>

/* The most units of a needle a tally tests. */
#define TX_TALLY_UNITS 8

/* The longest text (in bytes) a tally counts; longer ones take the scan. */
#define TX_TALLY_TEXT 4096

/* A needle of k code units of `width` bytes (1: bytes or UTF-8, 2, 4)
 * that cannot overlap itself, so that its count is the number of unit
 * starts where all its units agree. k is 0 when the needle does not fit
 * (empty, longer than TX_TALLY_UNITS units, or overlapping). */
typedef struct {
    uint32_t u[TX_TALLY_UNITS]; /* the units, in the order tested: the
                                 * rarest two first */
    size_t at[TX_TALLY_UNITS];  /* where each is in the needle */
    size_t k, width;
    int space; /* 0: a substring; else a token of split(), whitespace
                * being TX_SPACE_BYTES, TX_SPACE_UTF8 or TX_SPACE_UNITS */
    int dense; /* a token tested in every block, not only in those with a
                * match (set by the caller: a frequent word) */
} tx_tally;

/* What a token tally takes for whitespace beside an occurrence: bytes'
 * (ASCII), a str's in UTF-8 (ASCII; a neighbour of 0x80 or more leaves
 * the text to the scan), a str's in its units (every code point
 * str.split() splits on; space.h). */
enum { TX_SPACE_BYTES = 1, TX_SPACE_UTF8, TX_SPACE_UNITS };

/* What a token tally returns for a text it leaves to the scan. */
#define TX_TALLY_UNSURE ((size_t)-1)

/* Sets *t for the needle s[0, m) in units of `width` bytes (m a multiple
 * of it), the units holding byte offsets at0 and at1 (the needle's two
 * rarest bytes) tested first; as a substring (space 0: only a needle that
 * cannot overlap itself), or as a token of split() (the needle holds no
 * whitespace: the caller's plan says so). */
void tx_tally_init(tx_tally *t, const unsigned char *s, size_t m,
                   size_t width, size_t at0, size_t at1, int space);

/* The count of t's needle in the short text h[0, n) (n bytes, read as
 * n / width units: the occurrences at unit boundaries; for a token, those
 * with whitespace or an end of the text on each side), or
 * TX_TALLY_UNSURE. */
typedef size_t (*tx_tally_fn)(const tx_tally *t, const unsigned char *h,
                              size_t n);

/* The vector tally of the backend in use (tx_backend_now: AVX-512 or
 * AVX2), or
 * NULL where the backend has none: the caller then counts with the scan,
 * which the tests run against it. */
tx_tally_fn tx_tally_kernel(void);

#endif
