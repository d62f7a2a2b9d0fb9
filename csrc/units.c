/* Texts held as code units of a fixed width: CPython's own storage of a
 * str (PEP 393: 1, 2 or 4 bytes a code point, native byte order), which
 * textops reads in place rather than asking CPython for the UTF-8 form
 * (that form stays cached on the string, as large as the text).
 *
 * Substring counts search the units as bytes, for the needle written in
 * the same units, and keep the occurrences that start at a unit boundary
 * (tx_count_units). A needle with a code point wider than the text's
 * units occurs nowhere: CPython stores a str in the narrowest width that
 * holds all its code points. */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "ucd.h"
#include "units.h"

/* The code unit at index i of u (width 1, 2 or 4). */
static inline uint32_t unit_at(const unsigned char *u, size_t i, size_t width)
{
    if (width == 1)
        return u[i];
    if (width == 2) {
        uint16_t v;
        memcpy(&v, u + 2 * i, 2);
        return v;
    }
    uint32_t v;
    memcpy(&v, u + 4 * i, 4);
    return v;
}

static inline void unit_put(unsigned char *u, size_t i, size_t width,
                            uint32_t cp)
{
    if (width == 1) {
        u[i] = (unsigned char)cp;
    } else if (width == 2) {
        uint16_t v = (uint16_t)cp;
        memcpy(u + 2 * i, &v, 2);
    } else {
        memcpy(u + 4 * i, &cp, 4);
    }
}

int tx_units_from_utf8(const unsigned char *s, size_t len, size_t width,
                       unsigned char *out, size_t *nunits)
{
    uint32_t most = width == 1 ? 0xFF : width == 2 ? 0xFFFF : 0x10FFFF;
    size_t n = 0, step;
    for (size_t i = 0; i < len; i += step) {
        uint32_t cp = tx_utf8_next(s, len, i, &step);
        if (cp > most)
            return -1;
        unit_put(out, n++, width, cp);
    }
    *nunits = n;
    return 0;
}

/* The occurrences tx_count_units keeps: those at a unit boundary, each
 * passed whole (non-overlapping, as str.count); the scan goes on one byte
 * after one that is not. */
typedef struct {
    tx_visitor v;
    size_t width, m, count;
} units_visit;

static size_t on_unit_match(tx_visitor *self, size_t q)
{
    units_visit *u = (units_visit *)self;
    if (q % u->width != 0)
        return q + 1;
    u->count++;
    return q + u->m;
}

size_t tx_count_units(const unsigned char *t, size_t n, const tx_needle *nd,
                      size_t width)
{
    if (nd->m == 0)
        return n / width + 1;
    units_visit u = {{on_unit_match, 0}, width, nd->m, 0};
    tx_scan(t, n, nd, &u.v);
    return u.count;
}
