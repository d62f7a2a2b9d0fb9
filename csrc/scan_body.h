/* The substring scan of the vector backends, written once and compiled
 * once per target: backend_sse2.c, backend_avx2.c and backend_avx512.c
 * each define, for W = TX_W bytes at a time under the attribute TX_TARGET,
 *   tx_mask               an integer with a bit per start (W bits);
 *   tx_vec, vec_set1(c), eq_mask(h, b)  a vector of W bytes, W bytes c, the
 *                         starts of h[0, W) whose byte is that of b;
 *   tx_probes             the needle's probe bytes, broadcast, and offsets;
 *   probes_init(nd)       those of needle nd (its at[], see tx_needle);
 *   probe_mask(v, h)      the starts h[0, W) where all TX_PROBES agree;
 *   probe_quiet4(v, h, quiet)  1 when none of the starts h[0, 4W) has
 *                         the first `quiet` probes (2 or 3) agree;
 *   edge_mask(a, b, &sure)     see below, for the W bytes at a and at b;
 *   word_edge_mask(a, b, &sure) the same for the \w rules;
 *   mask_ctz, mask_popcount    on a tx_mask;
 * and the names TX_SCAN (the function made here) and TX_NARROWER (the scan
 * of the next narrower backend, for a text with fewer than W starts).
 *
 * A stretch of 4W starts where the rarest two (or three) probes never
 * agree is passed at once (the fast test); otherwise its blocks are tested
 * with all the probes, one by one, and the whole needle is compared only
 * where they all agree, in order, skipping those before `next`. Where the
 * fast test keeps failing (text dense with candidates), it runs only every
 * 8, 16, then 32 blocks (busy_from). With no visitor, every match is
 * counted and the next search starts after it; otherwise the visitor says
 * where to go on from, or TX_STOP. The last block is moved back to end at
 * the last start, its done starts masked off. A count of a needle of up
 * to TX_TALLY_MAX bytes that cannot overlap itself needs no comparison:
 * TX_TALLY tests all its bytes and adds up the bits. A needle with a map
 * (tx_quiet_map: text just read by the UTF-8 check) passes the map's quiet
 * windows without a test, and asks for nothing ahead: the text is in
 * cache.
 *
 * For a needle with `edges` set (see tx_scan), where both neighbours of
 * every start of the block lie in the text, edge_mask(h + p - 1, h + p + m)
 * gives the starts q where bytes q - 1 and q + m may both be (part of)
 * whitespace (tx_maybe_space_*: only there can whitespace end just before
 * q and start at q + m), and sets in `sure` the starts with ASCII
 * whitespace of both modes on both sides: those are tokens for certain.
 * For edges TX_EDGES_WORD (a word of the \w rules), word_edge_mask gives
 * the starts where neither neighbour is ASCII \w (a \w neighbour puts the
 * occurrence inside a longer run), and sets in `sure` those where both are
 * ASCII and not \w. A needle of up to TX_PROBES bytes is matched whole by
 * the probes (`covered`), so its sure tokens are counted at once. */

#include <stdint.h>
#include <string.h>

_Static_assert((TX_CHECK_BYTES & (TX_CHECK_BYTES - 1)) == 0,
               "the scan's stop check needs a power of two");

#ifndef TX_SCAN_HELPERS
#define TX_SCAN_HELPERS
/* 1 if the needle is at h, given that its probes agree there: the probes
 * cover a needle of up to TX_PROBES bytes whole; up to 16 bytes are
 * compared as two words that overlap, the rest by memcmp. */
static inline int same_rest(const unsigned char *h, const tx_needle *nd)
{
    const size_t m = nd->m;
    if (nd->covered)
        return 1;
    if (m <= 8) {
        uint32_t a, b, c, d;
        memcpy(&a, h, 4);
        memcpy(&b, nd->s, 4);
        memcpy(&c, h + m - 4, 4);
        memcpy(&d, nd->s + m - 4, 4);
        return ((a ^ b) | (c ^ d)) == 0;
    }
    if (m <= 16) {
        uint64_t a, b, c, d;
        memcpy(&a, h, 8);
        memcpy(&b, nd->s, 8);
        memcpy(&c, h + m - 8, 8);
        memcpy(&d, nd->s + m - 8, 8);
        return ((a ^ b) | (c ^ d)) == 0;
    }
    return memcmp(h, nd->s, m) == 0;
}

#endif

/* quiet_from for a needle with a map (tx_quiet_map): the map's quiet
 * windows passed untested, the others by the fast test. */
TX_TARGET static inline size_t quiet_mapped(const unsigned char *h, size_t a,
                                            size_t last, const tx_probes *v,
                                            int quiet, const tx_quiet_map *map)
{
    while (a + 4 * TX_W <= last + 1) {
        size_t skip = tx_quiet_skip(map, h + a);
        if (skip == 0 && !probe_quiet4(v, h + a, quiet))
            break;
        a += skip != 0 ? skip : 4 * TX_W;
    }
    return a;
}

/* The first start at or after p that may begin a stretch of 4W starts
 * where the fast test finds something (or the end). The test runs where
 * the rarest probe's loads are aligned: from up to W - 1 starts before p
 * (a filter may test done starts again; the blocks then start at p). */
TX_TARGET static inline size_t quiet_from(const unsigned char *h, size_t p,
                                          size_t last, const tx_probes *v,
                                          int quiet, const tx_quiet_map *map)
{
    size_t a = p - ((uintptr_t)(h + p + v->at[0]) & (TX_W - 1));
    if (a > p)
        a = p;
    if (map != NULL) {
        a = quiet_mapped(h, a, last, v, quiet, map);
        return a > p ? a : p;
    }
    const int far = last >= TX_FETCH_FROM;
    while (a + 4 * TX_W <= last + 1 && probe_quiet4(v, h + a, quiet)) {
        for (size_t k = 0; far && k < 4 * TX_W; k += 64)
            TX_FETCH(h + a + k);
        a += 4 * TX_W;
    }
    return a > p ? a : p;
}

/* Most blocks tested one by one before the fast test runs again. */
#define TX_BUSY_BLOCKS 32

/* The fast test at p, when p has reached *group: p moves to where it
 * finds something, and the blocks up to the new *group are tested one by
 * one: 4 after a stretch it passed, twice as many as the last time (up to
 * TX_BUSY_BLOCKS) when it passed none, as in text dense with candidates,
 * where the test costs more than it saves. */
TX_TARGET static inline size_t busy_from(const unsigned char *h, size_t p,
                                         size_t last, const tx_probes *v,
                                         int quiet, const tx_quiet_map *map,
                                         size_t *group, size_t *blocks)
{
    size_t a = quiet_from(h, p, last, v, quiet, map);
    *blocks = a > p ? 4 : *blocks < TX_BUSY_BLOCKS ? 2 * *blocks : *blocks;
    *group = a + *blocks * TX_W;
    return a;
}

/* The count of a needle of m <= TX_TALLY_MAX bytes that cannot overlap
 * itself (see TX_SCAN): where the fast test finds something, every byte
 * of the needle is tested at each start (the probes, then up to four
 * others), so that every candidate counts and no branch depends on where
 * they are. */
TX_TARGET __attribute__((noinline)) static size_t TX_TALLY(const unsigned char *h, size_t last,
                                 const tx_needle *nd, const tx_probes *v,
                                 int quiet)
{
    size_t m = nd->m, count = 0, p = 0, group = 0, blocks = 2;
    size_t rest[4], k = 0; /* the offsets the probes leave out */
    const int far = last >= TX_FETCH_FROM && nd->map == NULL; /* mapped: hot */
    for (size_t i = 0; i < m && m > TX_PROBES; i++)
        if (i != v->at[0] && i != v->at[1] && i != v->at[2] && i != v->at[3])
            rest[k++] = i;
    for (; k < 4; k++)
        rest[k] = v->at[0];
    const tx_vec b0 = vec_set1(nd->s[rest[0]]), b1 = vec_set1(nd->s[rest[1]]),
                 b2 = vec_set1(nd->s[rest[2]]), b3 = vec_set1(nd->s[rest[3]]);
    const size_t more = m - TX_PROBES; /* 2 or 4 of them when m > 4 */
#define TX_ALL_AGREE(at)                                                      \
    (probe_mask(v, at) &                                                      \
     (m <= TX_PROBES ? (tx_mask) ~(tx_mask)0                                  \
      : more <= 2    ? eq_mask(at + rest[0], b0) & eq_mask(at + rest[1], b1)  \
                     : (eq_mask(at + rest[0], b0) &                           \
                        eq_mask(at + rest[1], b1)) &                          \
                           (eq_mask(at + rest[2], b2) &                       \
                            eq_mask(at + rest[3], b3))))
    for (;;) {
        if (p >= group)
            p = busy_from(h, p, last, v, quiet, nd->map, &group, &blocks);
        if (p + TX_W > last + 1)
            break;
        if (far && (p & 63) < TX_W) /* once a cache line */
            TX_FETCH(h + p);
        count += (size_t)mask_popcount(TX_ALL_AGREE(h + p));
        p += TX_W;
        if ((p & (TX_CHECK_BYTES - 1)) < TX_W && TX_STOPPED(nd->stop))
            return count;
    }
    if (p <= last) { /* the last W starts, less those done */
        size_t base = last + 1 - TX_W;
        count += (size_t)mask_popcount(TX_ALL_AGREE(h + base) &
                                       ((tx_mask) ~(tx_mask)0 << (p - base)));
    }
#undef TX_ALL_AGREE
    return count;
}

/* Takes the candidates of `mask` (starts base + its bits) in order: each
 * is checked whole (unless `whole`: the mask tested every byte), those at
 * `sure` bits are tokens for sure, the others counted or handed to the
 * visitor; no start before *next counts. Returns 1 when the visitor
 * stops the scan. */
TX_TARGET static inline __attribute__((always_inline)) int
walk_candidates(const unsigned char *h, size_t base, tx_mask mask,
                tx_mask sure, int whole, const tx_needle *nd,
                tx_visitor *visit, size_t *next, size_t *count)
{
    while (mask) {
        size_t q = base + (size_t)mask_ctz(mask);
        tx_mask bit = mask & (tx_mask)(~mask + 1);
        mask &= mask - 1;
        if (q < *next || (!whole && !same_rest(h + q, nd)))
            continue;
        if (sure & bit) {
            visit->tokens++;
            *next = q + nd->m;
            continue;
        }
        *next = visit == NULL ? ((*count)++, q + nd->m) : visit->match(visit, q);
        if (*next == TX_STOP)
            return 1;
    }
    return 0;
}

TX_TARGET size_t TX_SCAN(const unsigned char *h, size_t n,
                         const tx_needle *nd, tx_visitor *visit)
{
    size_t m = nd->m, count = 0, p = 0, next = 0;
    size_t group = 0, blocks = 2; /* see busy_from */
    if (m > n)
        return 0;
    size_t last = n - m; /* the last start */
    if (last + 1 < TX_W)
        return TX_NARROWER(h, n, nd, visit);
    /* a count of a short needle that cannot overlap itself: every start
     * where all its bytes agree counts (tested by the probes when they
     * cover it; by TX_TALLY, over a text of a few blocks or more) */
    const int tally = visit == NULL && m <= TX_TALLY_MAX && !nd->overlaps;
    const tx_probes v = probes_init(nd);
    const int quiet = nd->quiet, edged = nd->edges && visit != NULL;
    if (tally && last >= 4 * TX_W)
        return TX_TALLY(h, last, nd, &v, quiet);
    for (;;) {
        if (p >= group)
            p = busy_from(h, p, last, &v, quiet, nd->map, &group, &blocks);
        tx_mask mask, sure = 0;
        size_t base = p;
        if (p + TX_W <= last + 1) {
            mask = probe_mask(&v, h + p);
            if (edged && mask && p > 0 && p + TX_W + m <= n) {
                mask = (nd->edges == TX_EDGES_WORD
                            ? word_edge_mask(h + p - 1, h + p + m, &sure)
                            : edge_mask(h + p - 1, h + p + m, &sure)) &
                       mask;
                sure &= mask;
                if (nd->covered) {
                    visit->tokens += (size_t)mask_popcount(sure);
                    mask &= ~sure;
                }
            }
        } else if (p <= last) { /* the last W starts, less those done */
            base = last + 1 - TX_W;
            mask = probe_mask(&v, h + base) &
                   ((tx_mask) ~(tx_mask)0 << (p - base));
        } else {
            return count;
        }
        if (tally && nd->covered) {
            count += (size_t)mask_popcount(mask);
            mask = 0;
        }
        if (walk_candidates(h, base, mask, sure, 0, nd, visit, &next, &count))
            return count;
        p = next > base + TX_W ? next : base + TX_W;
        /* the stop flag, each time p passes a multiple of TX_CHECK_BYTES
         * (a power of two: no counter of its own in the hot loop) */
        if ((p ^ base) >= TX_CHECK_BYTES && TX_STOPPED(nd->stop))
            return count;
    }
}
