/* Exact shares of one large text, and how many bytes are worth a thread
 * (shares.c). */
#ifndef TEXTOPS_SHARES_H
#define TEXTOPS_SHARES_H

#include <stddef.h>

#include "internal.h"

/* No cut: the share's bytes belong to an earlier piece. */
#define TX_NONE ((size_t)-1)

/* Shares per thread for one large text: enough to even out the load. */
#define TX_SHARES_PER_THREAD 4

/* The minimum chunk (textops_set_min_chunk): the bytes worth a thread. */
size_t tx_min_chunk_bytes(void);

/* 1 when `total` bytes are best counted on the calling thread alone. */
int tx_serial(size_t total, size_t threads);

/* Texts of a batch of `total` bytes at least this long are cut in shares. */
size_t tx_big_text(size_t total, size_t threads);

/* How many shares to cut n bytes into: `per_thread` per thread, each at
 * least the minimum chunk, at most TEXTOPS_MAX_THREADS. */
size_t tx_plan_pieces(size_t n, size_t threads, size_t per_thread);

/* How many shares to cut a text of n bytes into for `threads` threads:
 * TX_SHARES_PER_THREAD per thread, more for a large text so that no share
 * is much above TX_CHECK_BYTES, within the limits of tx_plan_pieces. */
size_t tx_share_count(size_t n, size_t threads);

/* The bytes [*lo, *hi) of share k of `pieces` of n bytes: even shares,
 * the last one to n. */
void tx_share_bytes(size_t n, size_t k, size_t pieces, size_t *lo,
                    size_t *hi);

/* The cut owned by share k of `pieces` of t for query q (0 for share 0),
 * or TX_NONE when the share holds none. */
size_t tx_share_cut(const tx_query *q, const unsigned char *t, size_t n,
                    size_t k, size_t pieces);

/* A cut not searched for yet, in the cuts a call keeps (tx_share_piece). */
#define TX_UNKNOWN ((size_t)-2)

/* The piece of share k of `pieces` of t for query q: sets [*start, *end)
 * and returns 1, or returns 0 when the share holds no cut (its bytes belong
 * to an earlier piece). The piece runs from the share's cut to the first
 * cut of a later share, or to n; each share finds the cuts it needs
 * itself, so shares need no order and no barrier. `cuts` (NULL, or one
 * slot per share, TX_UNKNOWN until found) keeps the cuts found, shared by
 * every thread: each is searched for once, not again by each earlier
 * share (text that nothing cuts would be searched over twice). For
 * split(sep) a piece that ends before n ends just after a separator: its
 * last, empty token belongs to the next piece. */
int tx_share_piece(const tx_query *q, const unsigned char *t, size_t n,
                   size_t k, size_t pieces, size_t *cuts, size_t *start,
                   size_t *end);

#endif
