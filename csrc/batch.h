/* The one driver of every call that works through texts: counts, line
 * counts, frequencies, many-word counts, corpora (see batch.c). */
#ifndef TEXTOPS_BATCH_H
#define TEXTOPS_BATCH_H

#include <stddef.h>

#include "internal.h"

/* A batch of texts and what to do with each. The caller fills the fields
 * above `nthreads` (a struct embedding this one first may carry more),
 * then calls tx_batch_plan and tx_batch_run. */
typedef struct tx_batch {
    /* Works on text i whole, on thread tid (below nthreads); returns the
     * text's value (see out). */
    size_t (*text)(struct tx_batch *self, size_t tid, size_t i);
    /* Works on share k of the `pieces` shares of text i (finding its piece
     * itself, e.g. with tx_share_piece); returns the share's part of the
     * text's value. */
    size_t (*share)(struct tx_batch *self, size_t tid, size_t i, size_t k,
                    size_t pieces);
    size_t ntexts;
    const char *const *texts; /* texts[i] is prefetched ahead; may be NULL */
    const size_t *lens;
    const volatile int *stop; /* the caller's stop flag, or NULL */
    /* NULL, or out[i] receives text i's value: text()'s, or the sum of
     * its shares' values. */
    size_t *out;
    /* Set by a callback (to 1) to end the batch early: no text or share
     * starts after that, and tx_batch_run returns -1. */
    volatile int failed;
    /* Set by tx_batch_plan. */
    size_t nthreads, total;
    /* Set by tx_batch_run: the cuts found so far (tx_batch_cuts). */
    struct tx_kept_cuts *kept;
} tx_batch;

/* Sets b->total (the bytes of all texts, saturating: texts may repeat) and
 * b->nthreads, the thread count for a call that asks for `threads` (<= 0:
 * the default), 1 when the batch is too small to share; returns it. */
size_t tx_batch_plan(tx_batch *b, int threads);

/* How tx_batch_run works through text i: 0 whole, else in that many
 * shares. Small texts go whole; on one thread a text of more than
 * TX_CHECK_BYTES is cut (so that the stop flag is seen between shares);
 * on several, a text that is large against the total. The callbacks get
 * exactly this, except for a batch of more than TX_LOCAL_SHARES shares
 * when memory runs out: its texts then all go whole. */
size_t tx_batch_pieces(const tx_batch *b, size_t i);

/* The piece a callback works on: text i whole when pieces is 0, else the
 * piece of share k of `pieces` for query q (tx_share_piece). Sets *t, *n
 * and *drop_last (1 when the piece ends before the text: for split(sep),
 * its last, empty token belongs to the next piece) and returns 1, or
 * returns 0 when the share holds no piece. */
/* The cuts found so far of text i's shares, shared by every thread (see
 * tx_share_piece), or NULL. */
size_t *tx_batch_cuts(const tx_batch *b, size_t i);

int tx_batch_piece(const tx_batch *b, const tx_query *q, size_t i, size_t k,
                   size_t pieces, const unsigned char **t, size_t *n,
                   int *drop_last);

/* A run of items whose texts are read only as they are counted (a slice
 * of a list of Python objects, read by the binding glue's reader while the
 * caller holds the GIL): no sizes are known beforehand, and the run ends at
 * the first item the callback declines, or after the item that takes a
 * thread past `budget` bytes. Items are handed out in chunks of `chunk`, in
 * order, to whichever thread is free, so the items counted are always the
 * first `end` (tx_prefix_run). */
typedef struct tx_prefix {
    /* Counts items [a, e) in order on thread tid, until one it declines or
     * one that uses up *budget (the bytes the thread may still read, which
     * it lowers by each item's); returns the end of the items it counted:
     * e, or the first item it declined or left. */
    size_t (*run)(struct tx_prefix *self, size_t tid, size_t a, size_t e,
                  size_t *budget);
    size_t n, budget, chunk;
    volatile int failed; /* set by a callback (to 1) to end the run */
    size_t next, end;    /* the next chunk; the end (tx_prefix_run) */
} tx_prefix;

/* Runs p's items on `threads` threads of the team (on the calling thread
 * when threads is 1 or the team is busy) and returns the end of the run:
 * items [0, end) are counted, item end (if end < n) is not; or
 * (size_t)-1 when a callback set `failed`. */
size_t tx_prefix_run(tx_prefix *p, size_t threads);

/* A test hook (NULL outside tests): called by the functions that read
 * their texts in two passes (the line counts, frequencies) between the
 * passes, so that a fuzz target can change the texts there and check that
 * no pass trusts what an earlier one saw (fuzz/fuzz_mutate.c). */
extern void (*tx_between_passes)(void);

/* Shares a batch lays out without allocating: every batch of one text. */
#define TX_LOCAL_SHARES 256

/* Works through the batch: small texts go whole to whichever thread is
 * free, shares of the large ones join the same pool (the last share of a
 * text first, so that an earlier share finds the cuts it needs kept), all in one parallel
 * region of the one team (tx_team_parallel); when the team is busy, or the
 * batch is small, on the calling thread, looking at the stop flag between
 * texts and shares. Returns 0, or -1 when a callback set `failed`. */
int tx_batch_run(tx_batch *b);

#endif
