/* Substring search and non-overlapping counts, on one thread.
 *
 * The vector backends (scan_body.h) test two bytes of the needle, the
 * rarest two, at 4 x 16, 32 or 64 consecutive positions at once; where
 * both agree somewhere, they test four (the next rarest two too) block by
 * block, and compare the whole needle only where all four agree. The
 * portable backend, here, jumps with memchr to the rarest byte and
 * compares there. Every backend gives the same answer; backend.h says how
 * one is chosen.
 *
 * Which bytes are rare is learnt from the text searched: a histogram of a
 * sample of it (tx_needle_tune), a few KB spread evenly over it, so that
 * the choice is cheap against the search and the same for the same bytes.
 * A tiny text, where the sample would cost more than it saves, keeps the
 * choice of a fixed table (byte_rank). The probe choice is about speed
 * only: any choice gives the same answers, even if the text changes
 * between the sample and the search.
 *
 * Needles longer than TX_FILTER_MAX go to memmem, whose two-way algorithm
 * keeps the worst case linear: with a long self-similar needle, comparing
 * at every candidate could otherwise cost text length times needle length. */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <string.h>

#include "backend.h"

/* How common each byte is in text, 0 (rare) to 255 (common): English
 * letters by frequency, space and lower case highest; in non-English UTF-8
 * text a script's few lead bytes are commoner than its continuation bytes
 * (one per letter). Only the order matters. */
static unsigned char byte_rank(unsigned char c)
{
    static const char by_freq[] = " etaoinsrhldcumfpgwyb,.vkTISAHMWBC\n";
    const char *at = memchr(by_freq, c, sizeof by_freq - 1);
    if (at != NULL)
        return (unsigned char)(255 - (at - by_freq));
    if (c >= 0xC0)
        return 210; /* lead byte */
    if (c >= 0x80)
        return 200; /* continuation byte */
    if (c >= 'a' && c <= 'z')
        return 190;
    if (c >= 'A' && c <= 'Z')
        return 120;
    return 100; /* digits, punctuation, controls */
}

/* Sets the probes of nd from key[i], how common byte i of the needle is
 * (lower: rarer): at[0], at[1], ... the offsets by increasing key, ties
 * to the first; a needle shorter than TX_PROBES repeats its offsets. */
static void choose_probes(tx_needle *nd, const uint32_t *key)
{
    size_t m = nd->m, k = 0;
    unsigned char taken[TX_FILTER_MAX] = {0};
    for (; k < TX_PROBES && k < m; k++) {
        size_t best = m;
        for (size_t i = 0; i < m; i++)
            if (!taken[i] && (best == m || key[i] < key[best]))
                best = i;
        taken[best] = 1;
        nd->at[k] = best;
    }
    for (; k < TX_PROBES; k++)
        nd->at[k] = nd->at[k - m];
    nd->covered = m <= TX_PROBES;
}

/* 1 if two occurrences of s[0, m) may overlap (a proper prefix is also
 * a suffix), for m <= TX_TALLY_MAX; 1 for longer needles (not worked
 * out: only tallies need it). */
static int self_overlaps(const unsigned char *s, size_t m)
{
    if (m > TX_TALLY_MAX)
        return 1;
    for (size_t k = 1; k < m; k++) {
        size_t i = 0;
        while (i < k && s[i] == s[m - k + i])
            i++;
        if (i == k)
            return 1;
    }
    return 0;
}

void tx_needle_init(tx_needle *nd, const unsigned char *s, size_t m)
{
    nd->s = s;
    nd->m = m;
    nd->edges = 0;
    nd->stop = NULL;
    nd->map = NULL;
    nd->tuned = 0;
    nd->overlaps = self_overlaps(s, m);
    nd->covered = m <= TX_PROBES;
    nd->quiet = 3;
    for (size_t k = 0; k < TX_PROBES; k++)
        nd->at[k] = 0;
    if (m < 2 || m > TX_FILTER_MAX) /* memchr or memmem: no probe */
        return;
    uint32_t key[TX_FILTER_MAX];
    for (size_t i = 0; i < m; i++)
        key[i] = byte_rank(s[i]);
    choose_probes(nd, key);
}

/* The sample: up to TUNE_SLICES stretches spread evenly over the bytes,
 * in all about 1/512 of them and at most TUNE_BYTES. */
#define TUNE_SLICES 16
#define TUNE_BYTES 4096

/* See tx_needle_tune. */
#define QUIET3 4096

/* Adds the bytes t[0, n) to the histograms h (four, used in turn, so that
 * a run of one byte does not wait on one counter). */
static void add_bytes(uint16_t h[4][256], const unsigned char *t, size_t n)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        h[0][t[i]]++;
        h[1][t[i + 1]]++;
        h[2][t[i + 2]]++;
        h[3][t[i + 3]]++;
    }
    for (; i < n; i++)
        h[0][t[i]]++;
}

void tx_needle_tune(tx_needle *nd, size_t ntexts, const char *const *texts,
                    const size_t *lens)
{
    size_t m = nd->m, total = 0;
    if (m < 2 || m > TX_FILTER_MAX)
        return;
    for (size_t i = 0; i < ntexts; i++)
        total += lens[i];
    if (total < TX_TUNE_MIN)
        return;
    size_t budget = total / 512 < TUNE_BYTES ? total / 512 : TUNE_BYTES;
    size_t slice = budget / TUNE_SLICES, gap = (total - slice) / (TUNE_SLICES - 1);
    /* counts of at most TUNE_BYTES / 4 + 3 per histogram: 16 bits do */
    uint16_t h[4][256];
    memset(h, 0, sizeof h);
    /* slice j starts at byte j * gap of the texts laid end to end; one
     * walk over the texts, each slice cut at its text's end */
    size_t text = 0, before = 0; /* bytes of the texts before `text` */
    for (size_t j = 0; j < TUNE_SLICES; j++) {
        size_t from = j * gap;
        while (text < ntexts && before + lens[text] <= from)
            before += lens[text++];
        if (text == ntexts)
            break;
        size_t o = from - before, len = lens[text] - o;
        add_bytes(h, (const unsigned char *)texts[text] + o,
                  len < slice ? len : slice);
    }
    uint32_t counts[256];
    for (size_t c = 0; c < 256; c++)
        counts[c] = (uint32_t)h[0][c] + h[1][c] + h[2][c] + h[3][c];
    tx_needle_tune_counts(nd, counts);
}

void tx_needle_tune_counts(tx_needle *nd, const uint32_t counts[256])
{
    size_t m = nd->m;
    if (m < 2 || m > TX_FILTER_MAX)
        return;
    uint32_t key[TX_FILTER_MAX], seen[TX_FILTER_MAX], sampled = 0;
    for (size_t c = 0; c < 256; c++)
        sampled += counts[c];
    for (size_t i = 0; i < m; i++) {
        unsigned char c = nd->s[i];
        seen[i] = counts[c];
        key[i] = seen[i] << 8 | byte_rank(c); /* ties: by the table */
    }
    choose_probes(nd, key);
    /* the rarest two agree by chance at about seen0 * seen1 / sampled^2
     * of the starts: the third probe joins the fast test when that is
     * more than one start in QUIET3 (a stretch of 4 blocks then often
     * needs the slow test) */
    uint64_t pair = (uint64_t)seen[nd->at[0]] * seen[nd->at[1]];
    nd->quiet = m > 2 && pair * QUIET3 > (uint64_t)sampled * sampled ? 3 : 2;
    nd->tuned = 1;
}

/* nd, or when it is untuned and t long enough, *own: a copy of nd tuned
 * to t. */
static const tx_needle *tuned_for(const tx_needle *nd, tx_needle *own,
                                  const unsigned char *t, size_t n)
{
    if (nd->tuned || n < TX_TUNE_MIN || nd->m < 2 || nd->m > TX_FILTER_MAX)
        return nd;
    const char *text = (const char *)t;
    *own = *nd;
    tx_needle_tune(own, 1, &text, &n);
    return own;
}

int textops_probes(const char *text, size_t len, const char *needle,
                   size_t needle_len, size_t *at)
{
    tx_needle nd, own;
    tx_needle_init(&nd, (const unsigned char *)needle, needle_len);
    if (needle_len < 2 || needle_len > TX_FILTER_MAX)
        return 0;
    const tx_needle *use =
        tuned_for(&nd, &own, (const unsigned char *)text, len);
    for (size_t k = 0; k < TX_PROBES; k++)
        at[k] = use->at[k];
    return use->quiet;
}

/* --- portable backend ---------------------------------------------------- */

/* The scan of the portable backend (see tx_scan_fn): memchr to the
 * rarest byte, at[0]. */
size_t tx_scan_portable(const unsigned char *h, size_t n, const tx_needle *nd,
                        tx_visitor *visit)
{
    size_t m = nd->m, off = nd->at[0], count = 0, p = 0;
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

/* The backend's scan of h[0, n) for nd (m from 2 to TX_FILTER_MAX): its
 * short scan on a short text, else its scan, nd tuned to the text. */
static size_t backend_scan(const unsigned char *h, size_t n,
                           const tx_needle *nd, tx_visitor *visit)
{
    const tx_backend *b = tx_backend_now();
    if (n <= TX_SHORT_MAX && b->scan_short != NULL)
        return b->scan_short(h, n, nd, visit);
    tx_needle own;
    return b->scan(h, n, tuned_for(nd, &own, h, n), visit);
}

void tx_scan(const unsigned char *h, size_t n, const tx_needle *nd,
             tx_visitor *visit)
{
    if (nd->m >= 2 && nd->m <= TX_FILTER_MAX) {
        backend_scan(h, n, nd, visit);
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
    if (n < (1 << 16) || memcmp(nd->s, nd->s + 1, nd->m - 1) != 0)
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
    if (m <= TX_FILTER_MAX) {
        return backend_scan(t, n, nd, NULL);
    }
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
