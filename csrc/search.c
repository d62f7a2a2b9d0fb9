/* Substring search and non-overlapping counts, on one thread. */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "internal.h"

const unsigned char *tx_find(const unsigned char *hay, size_t n,
                             const unsigned char *needle, size_t m)
{
    if (m > n)
        return NULL;
    if (m == 1)
        return memchr(hay, needle[0], n);
    /* glibc's memmem is linear in the worst case (two-way for long needles),
     * so hostile, self-similar needles cannot make a count quadratic. */
    return memmem(hay, n, needle, m);
}

/* Occurrences of byte c in t; a plain loop the compiler vectorises. */
static size_t count_byte(const unsigned char *t, size_t n, unsigned char c)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += t[i] == c;
    return count;
}

/* Code points in UTF-8 text: the bytes that are not continuation bytes. */
static size_t count_code_points(const unsigned char *t, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += (t[i] & 0xC0) != 0x80;
    return count;
}

size_t tx_count(const unsigned char *t, size_t n,
                const unsigned char *sub, size_t m, int mode)
{
    if (m == 0)
        return (mode == TEXTOPS_UNICODE ? count_code_points(t, n) : n) + 1;
    if (m == 1)
        return count_byte(t, n, sub[0]);
    size_t count = 0;
    const unsigned char *p = t, *end = t + n;
    while ((p = tx_find(p, (size_t)(end - p), sub, m)) != NULL) {
        count++;
        p += m;
    }
    return count;
}
