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

#endif
