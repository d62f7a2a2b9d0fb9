/* Substring search and non-overlapping counts, on one thread.
 *
 * The vector backends (scan_body.h) test up to three bytes of the needle
 * (its first, its last and the rarest one between them, by a table of byte
 * frequencies in text) at 16, 32 or 64 consecutive positions at once, and
 * compare the whole needle only where all three agree. The portable
 * backend, here, jumps with memchr to the rarest byte and compares there.
 * Every backend gives the same answer; backend.h says how one is chosen.
 *
 * Needles longer than TX_FILTER_MAX go to memmem, whose two-way algorithm
 * keeps the worst case linear: with a long self-similar needle, comparing
 * at every candidate could otherwise cost text length times needle length. */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <string.h>

#include "backend.h"

/* How common each byte is in text, 0 (rare) to 255 (common): English
 * letters by frequency, space and lower case highest; UTF-8 continuation
 * bytes are common in non-English text. Only the order matters. */
static unsigned char byte_rank(unsigned char c)
{
    static const char by_freq[] = " etaoinsrhldcumfpgwyb,.vkTISAHMWBC\n";
    const char *at = memchr(by_freq, c, sizeof by_freq - 1);
    if (at != NULL)
        return (unsigned char)(255 - (at - by_freq));
    if (c >= 0x80 && c < 0xC0)
        return 200; /* continuation byte */
    if (c >= 'a' && c <= 'z')
        return 190;
    if (c >= 'A' && c <= 'Z')
        return 120;
    if (c >= 0xC0)
        return 150; /* lead byte */
    return 100; /* digits, punctuation, controls */
}

void tx_needle_init(tx_needle *nd, const unsigned char *s, size_t m)
{
    nd->s = s;
    nd->m = m;
    nd->mid = m > 2 ? 1 : 0;
    nd->edges = 0;
    nd->stop = NULL;
    if (m == 0 || m > TX_FILTER_MAX) /* memmem needs no probe */
        return;
    for (size_t i = 2; i + 1 < m; i++)
        if (byte_rank(s[i]) < byte_rank(s[nd->mid]))
            nd->mid = i;
}

/* --- portable backend ---------------------------------------------------- */

/* The offset of the rarest byte of the needle (memchr jumps to it). */
static size_t rarest(const tx_needle *nd)
{
    size_t best = 0;
    if (byte_rank(nd->s[nd->m - 1]) < byte_rank(nd->s[best]))
        best = nd->m - 1;
    if (byte_rank(nd->s[nd->mid]) < byte_rank(nd->s[best]))
        best = nd->mid;
    return best;
}

/* The scan of the portable backend (see tx_scan_fn). */
size_t tx_scan_portable(const unsigned char *h, size_t n, const tx_needle *nd,
                        tx_visitor *visit)
{
    size_t m = nd->m, off = rarest(nd), count = 0, p = 0;
    size_t check = TX_CHECK_BYTES; /* where the stop flag is looked at next */
    if (m > n)
        return 0;
    unsigned char c = nd->s[off];
    while (p <= n - m) {
        if (p >= check) {
            if (TX_STOPPED(nd->stop))
                break;
            check = p + TX_CHECK_BYTES;
        }
        const unsigned char *hit = memchr(h + p + off, c, n - m - p + 1);
        if (hit == NULL)
            break;
        size_t q = (size_t)(hit - h) - off;
        if (memcmp(h + q, nd->s, m) != 0) {
            p = q + 1;
            continue;
        }
        p = visit == NULL ? (count++, q + m) : visit->match(visit, q);
        if (p == TX_STOP)
            break;
    }
    return count;
}

/* --- the searches -------------------------------------------------------- */

typedef struct {
    tx_visitor base;
    size_t at;
} first_match;

static size_t stop_at_first(tx_visitor *v, size_t q)
{
    ((first_match *)v)->at = q;
    return TX_STOP;
}

const unsigned char *tx_find(const unsigned char *h, size_t n,
                             const tx_needle *nd)
{
    if (nd->m > n)
        return NULL;
    if (nd->m == 1)
        return memchr(h, nd->s[0], n);
    if (nd->m == n) /* one place: no search needs preparing */
        return memcmp(h, nd->s, n) == 0 ? h : NULL;
    if (nd->m > TX_FILTER_MAX)
        return memmem(h, n, nd->s, nd->m);
    first_match v = {{stop_at_first, 0}, TX_STOP};
    tx_backend_now()->scan(h, n, nd, &v.base);
    return v.at == TX_STOP ? NULL : h + v.at;
}

void tx_scan(const unsigned char *h, size_t n, const tx_needle *nd,
             tx_visitor *visit)
{
    if (nd->m >= 2 && nd->m <= TX_FILTER_MAX) {
        tx_backend_now()->scan(h, n, nd, visit);
        return;
    }
    size_t p = 0, check = TX_CHECK_BYTES;
    const unsigned char *hit;
    while (p <= n && (hit = tx_find(h + p, n - p, nd)) != NULL) {
        p = visit->match(visit, (size_t)(hit - h));
        if (p == TX_STOP)
            return;
        if (p >= check) {
            if (TX_STOPPED(nd->stop))
                return;
            check = p + TX_CHECK_BYTES;
        }
    }
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

/* The end of the run of byte c that starts at or before t[i]: the first
 * j >= i with t[j] != c, or n; eight bytes at a time. */
static size_t run_end(const unsigned char *t, size_t i, size_t n,
                      unsigned char c)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t cc = 0x0101010101010101ULL * c;
    while (n - i >= 8) {
        uint64_t w;
        memcpy(&w, t + i, 8);
        if ((w ^= cc) != 0)
            return i + (size_t)__builtin_ctzll(w) / 8;
        i += 8;
    }
#endif
    while (i < n && t[i] == c)
        i++;
    return i;
}

/* 1 if the needle is one byte repeated (m >= 2), the text is long (64 KB)
 * and that byte is at least a quarter of its first 4 KB: then the count is
 * best taken run by run (a text dense with overlapping candidates, "aaa"
 * in "aaaa..."). */
static int dense_run(const unsigned char *t, size_t n, const tx_needle *nd)
{
    const unsigned char c = nd->s[0];
    if (n < (1 << 16) || nd->s[nd->m - 1] != c || nd->s[nd->mid] != c ||
        memcmp(nd->s, nd->s + 1, nd->m - 1) != 0)
        return 0;
    size_t k = n < 4096 ? n : 4096, same = 0;
    for (size_t i = 0; i < k; i++)
        same += t[i] == c;
    return 4 * same >= k;
}

/* t.count(c * m) for a needle of one repeated byte: in each maximal run
 * of c, floor(length / m) occurrences (runs never share one). */
static size_t count_runs(const unsigned char *t, size_t n,
                         const tx_needle *nd)
{
    const unsigned char c = nd->s[0];
    size_t m = nd->m, count = 0, i = 0, check = TX_CHECK_BYTES;
    while (i < n) {
        const unsigned char *at = memchr(t + i, c, n - i);
        if (at == NULL)
            break;
        size_t start = (size_t)(at - t);
        i = run_end(t, start, n, c);
        count += (i - start) / m;
        if (i >= check) {
            if (TX_STOPPED(nd->stop))
                break;
            check = i + TX_CHECK_BYTES;
        }
    }
    return count;
}

size_t tx_count(const unsigned char *t, size_t n, const tx_needle *nd,
                int mode)
{
    size_t m = nd->m;
    if (m == 0)
        return (mode == TEXTOPS_UNICODE ? count_code_points(t, n) : n) + 1;
    if (m == 1)
        return count_byte(t, n, nd->s[0]);
    if (m <= n && dense_run(t, n, nd))
        return count_runs(t, n, nd);
    if (m <= TX_FILTER_MAX)
        return tx_backend_now()->scan(t, n, nd, NULL);
    size_t count = 0, check = TX_CHECK_BYTES;
    const unsigned char *p = t, *end = t + n;
    while ((p = tx_find(p, (size_t)(end - p), nd)) != NULL) {
        count++;
        p += m;
        /* occurrences end to end (a periodic text) without a memmem each:
         * a comparison of m bytes per m bytes passed */
        while ((size_t)(end - p) >= m && (size_t)(p - t) < check &&
               memcmp(p, nd->s, m) == 0) {
            count++;
            p += m;
        }
        if ((size_t)(p - t) >= check) {
            if (TX_STOPPED(nd->stop))
                break;
            check = (size_t)(p - t) + TX_CHECK_BYTES;
        }
    }
    return count;
}
