/* Strict UTF-8 validation (Python's "utf-8" codec): the kernels of the
 * backends and the scalar rules they all end with.
 *
 * A kernel checks t[0, n) as a text of its own and returns the offset of
 * its first error as UnicodeDecodeError.start gives it, or n when all of
 * it is valid; it returns n at once when `stop` is raised (it looks at the
 * flag every TX_CHECK_BYTES). The vector kernels (utf8_body.h) only learn
 * that a block holds an error; tx_utf8_from finds where, from the start of
 * the last character before that block. Given a map (tx_quiet_map,
 * internal.h), the vector kernels also clear its bits of the windows whose
 * starts they found quiet, reading up to map->reach bytes from t; the
 * portable one leaves them set. */
#ifndef TEXTOPS_UTF8_H
#define TEXTOPS_UTF8_H

#include <stddef.h>

#include "internal.h"

/* The first error of t[0, n) at or after i, which starts a character
 * (t[0, i) being whole valid characters), or n. Plain rules, with an
 * ASCII skip of sixteen bytes at a time. */
size_t tx_utf8_from(const unsigned char *t, size_t n, size_t i);

/* tx_utf8_from once a vector kernel found an error in the block that
 * starts at i, every block before it clean: from the start of the last
 * character before i (at most four bytes back). */
size_t tx_utf8_exact(const unsigned char *t, size_t n, size_t i);

/* The first error of t[0, len) among the characters that start in
 * [a, b), or len: the span from the first character start at or after a
 * (0 when a is 0) to the first at or after b (len when b >= len), checked
 * as a text of its own by the backend's kernel. That is the same answer:
 * both ends start a character, so a character cut at the end is invalid
 * either way. Spans whose ends partition [0, len) check all of it. A map
 * (or NULL) is made the span's: its base the span's start, its bits all
 * set, then cleared by the kernel where it finds windows quiet. */
size_t tx_utf8_range(const unsigned char *t, size_t len, size_t a, size_t b,
                     const volatile int *stop, tx_quiet_map *map);

/* The kernels, one per backend (the SSE2 backend uses the portable one). */
size_t tx_utf8_portable(const unsigned char *t, size_t n,
                        const volatile int *stop, tx_quiet_map *map);
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
size_t tx_utf8_avx2(const unsigned char *t, size_t n,
                    const volatile int *stop, tx_quiet_map *map);
size_t tx_utf8_avx512(const unsigned char *t, size_t n,
                      const volatile int *stop, tx_quiet_map *map);
#endif

#endif
