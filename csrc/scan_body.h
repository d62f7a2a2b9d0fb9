/* The substring scan of the vector backends, written once and compiled
 * once per target: backend_sse2.c, backend_avx2.c and backend_avx512.c
 * each define, for W = TX_W bytes at a time under the attribute TX_TARGET,
 *   tx_mask               an integer with a bit per start (W bits);
 *   tx_probes             the needle's three probe bytes, broadcast;
 *   probes_init(nd)       those of needle nd;
 *   probe_mask(v, h, mid, m)   the starts h[0, W) whose first, mid and
 *                         last bytes are the needle's;
 *   probe_quiet4(v, h, mid, m) 1 when none of the starts h[0, 4W) is;
 *   edge_mask(a, b, &sure)     see below, for the W bytes at a and at b;
 *   word_edge_mask(a, b, &sure) the same for the \w rules;
 *   mask_ctz, mask_popcount    on a tx_mask;
 * and the names TX_SCAN (the function made here) and TX_NARROWER (the scan
 * of the next narrower backend, for a text with fewer than W starts).
 *
 * The probes test up to three bytes of the needle (its first, its last and
 * the rarest one between them) at W consecutive starts at once, and the
 * whole needle is compared only where all three agree, in order, skipping
 * those before `next`. With no visitor, every match is counted and the
 * next search starts after it; otherwise the visitor says where to go on
 * from, or TX_STOP. The last block is moved back to end at the last start,
 * its done starts masked off.
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
 * ASCII and not \w. A needle of up to 3 bytes is matched whole by the
 * probes, so its sure tokens are counted at once. */

#include <string.h>

_Static_assert((TX_CHECK_BYTES & (TX_CHECK_BYTES - 1)) == 0,
               "the scan's stop check needs a power of two");

/* 1 if the needle is at h, given that its first, last and mid bytes are:
 * the probes cover a needle of up to 3 bytes whole. */
static inline int same_inside(const unsigned char *h, const tx_needle *nd)
{
    return nd->m <= 3 || memcmp(h + 1, nd->s + 1, nd->m - 2) == 0;
}


TX_TARGET size_t TX_SCAN(const unsigned char *h, size_t n,
                         const tx_needle *nd, tx_visitor *visit)
{
    size_t m = nd->m, mid = nd->mid, count = 0, p = 0, next = 0;
    if (m > n)
        return 0;
    size_t last = n - m; /* the last start */
    /* a count of a needle matched whole by the probes that cannot overlap
     * itself: every candidate counts */
    const int tally = visit == NULL && m <= 3 && nd->s[0] != nd->s[m - 1];
    if (last + 1 < TX_W)
        return TX_NARROWER(h, n, nd, visit);
    const tx_probes v = probes_init(nd);
    for (;;) {
        while (p + 4 * TX_W <= last + 1 && probe_quiet4(&v, h + p, mid, m))
            p += 4 * TX_W;
        tx_mask mask, sure = 0;
        size_t base = p;
        if (p + TX_W <= last + 1) {
            mask = probe_mask(&v, h + p, mid, m);
            if (mask && nd->edges && visit && p > 0 && p + TX_W + m <= n) {
                mask = (nd->edges == TX_EDGES_WORD
                            ? word_edge_mask(h + p - 1, h + p + m, &sure)
                            : edge_mask(h + p - 1, h + p + m, &sure)) &
                       mask;
                sure &= mask;
                if (m <= 3) {
                    visit->tokens += (size_t)mask_popcount(sure);
                    mask &= ~sure;
                }
            }
        } else if (p <= last) { /* the last W starts, less those done */
            base = last + 1 - TX_W;
            mask = probe_mask(&v, h + base, mid, m) &
                   ((tx_mask) ~(tx_mask)0 << (p - base));
        } else {
            return count;
        }
        if (tally) {
            count += (size_t)mask_popcount(mask);
            mask = 0;
        }
        while (mask) {
            size_t q = base + (size_t)mask_ctz(mask);
            tx_mask bit = mask & (tx_mask)(~mask + 1);
            mask &= mask - 1;
            if (q < next || !same_inside(h + q, nd))
                continue;
            if (sure & bit) {
                visit->tokens++;
                next = q + m;
                continue;
            }
            next = visit == NULL ? (count++, q + m) : visit->match(visit, q);
            if (next == TX_STOP)
                return count;
        }
        p = next > base + TX_W ? next : base + TX_W;
        /* the stop flag, each time p passes a multiple of TX_CHECK_BYTES
         * (a power of two: no counter of its own in the hot loop) */
        if ((p ^ base) >= TX_CHECK_BYTES && TX_STOPPED(nd->stop))
            return count;
    }
}
