/* The batch driver: how the texts of one call are shared out among the
 * threads. Every call that works through texts (one text is a batch of
 * one) goes through tx_batch_run with a callback for a whole text and one
 * for a share of a large text; the callbacks do the counting, the driver
 * only decides who works on what, and when to stop.
 *
 * A text that is large against the batch is cut into shares (exact pieces,
 * see shares.c), a few per thread, which join the small texts in one pool of
 * work: a single large text keeps every thread busy, and so does a batch of
 * a million short ones. */
#include <stdlib.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "batch.h"
#include "internal.h"
#include "shares.h"
#include "team.h"

void (*tx_between_passes)(void);

/* One share of a large text, as a unit of parallel work. */
typedef struct tx_share {
    size_t text, k, pieces;
} tx_share;

/* The cuts found so far, one slot per share, of the shares in `shares`
 * (NULL: of text `text` alone). */
typedef struct tx_kept_cuts {
    size_t *cuts;
    const tx_share *shares;
    size_t nshares, text;
} tx_kept_cuts;

/* How many texts ahead the pool asks the memory for the next text. */
#define TX_AHEAD 16

/* A batch's pool of work, a body for tx_team_parallel. */
typedef struct {
    tx_batch *b;
    size_t big, nshares;
    const tx_share *shares;
    size_t *sums; /* one per share, when b->out is set */
    int chunk;
} pool_job;

static int stopped(const tx_batch *b)
{
    return b->failed || TX_STOPPED(b->stop);
}

static void pool_body(void *arg)
{
    const pool_job *j = arg;
    tx_batch *b = j->b;
    size_t tid = 0;
    int chunk = j->chunk;
    (void)chunk;
#ifdef _OPENMP
    tid = (size_t)omp_get_thread_num();
#pragma omp for schedule(dynamic, chunk) nowait
#endif
    for (size_t i = 0; i < b->ntexts; i++) {
        if (b->texts != NULL && i + TX_AHEAD < b->ntexts) {
            /* each text is a cache miss */
            __builtin_prefetch(b->texts[i + TX_AHEAD]);
            __builtin_prefetch(b->texts[i + TX_AHEAD] + 64);
        }
        if (b->lens[i] >= j->big || stopped(b))
            continue;
        size_t value = b->text(b, tid, i);
        if (b->out != NULL)
            b->out[i] = value;
    }
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (size_t r = 0; r < j->nshares; r++) {
        /* the last shares first: their cuts are then kept (or being
         * searched for) when the earlier shares look for their ends */
        size_t s = j->nshares - 1 - r;
        const tx_share *sh = &j->shares[s];
        size_t value = stopped(b) ? 0 : b->share(b, tid, sh->text, sh->k,
                                                 sh->pieces);
        if (j->sums != NULL)
            j->sums[s] = value;
    }
}

size_t tx_batch_plan(tx_batch *b, int threads)
{
    size_t total = 0;
    for (size_t i = 0; i < b->ntexts; i++)
        total = total + b->lens[i] < total ? (size_t)-1 : total + b->lens[i];
    b->total = total;
    /* ask OpenMP only where it matters: a short call stays short */
    b->nthreads = tx_serial(total, 2) ? 1 : tx_resolve_threads(threads);
    return b->nthreads;
}

/* The texts at least this long are cut in shares. */
static size_t big_text(const tx_batch *b)
{
    if (tx_serial(b->total, b->nthreads))
        return TX_CHECK_BYTES + 1;
    return tx_big_text(b->total, b->nthreads);
}

static size_t pieces_of(const tx_batch *b, size_t i, size_t big)
{
    if (b->lens[i] < big)
        return 0;
    return tx_share_count(b->lens[i], tx_serial(b->total, b->nthreads)
                                          ? 1 : b->nthreads);
}

size_t tx_batch_pieces(const tx_batch *b, size_t i)
{
    return pieces_of(b, i, big_text(b));
}

/* On the calling thread alone, text by text, share by share. */
static void run_serial(tx_batch *b, size_t big)
{
    size_t cuts[TEXTOPS_MAX_THREADS];
    tx_kept_cuts kept = {cuts, NULL, 0, 0};
    b->kept = &kept;
    for (size_t i = 0; i < b->ntexts && !stopped(b); i++) {
        size_t pieces = pieces_of(b, i, big), value = 0;
        if (pieces == 0)
            value = b->text(b, 0, i);
        kept.text = i;
        for (size_t k = 0; k < pieces; k++)
            cuts[k] = TX_UNKNOWN;
        /* the last share first, as in the pool: each cut searched once */
        for (size_t k = pieces; k-- > 0 && !stopped(b);)
            value += b->share(b, 0, i, k, pieces);
        if (b->out != NULL)
            b->out[i] = value;
    }
    b->kept = NULL;
}

int tx_batch_run(tx_batch *b)
{
    size_t big = big_text(b), nshares = 0;
    b->failed = 0;
    if (tx_serial(b->total, b->nthreads)) {
        run_serial(b, big);
        return b->failed ? -1 : 0;
    }
    for (size_t i = 0; i < b->ntexts; i++)
        nshares += pieces_of(b, i, big);
    tx_share local[TX_LOCAL_SHARES], *shares = local;
    size_t local_sums[TX_LOCAL_SHARES], *sums = local_sums;
    size_t local_cuts[TX_LOCAL_SHARES], *cuts = local_cuts;
    if (nshares > TX_LOCAL_SHARES) {
        shares = malloc(nshares * sizeof *shares);
        sums = malloc(nshares * sizeof *sums);
        cuts = malloc(nshares * sizeof *cuts);
        if (shares == NULL || sums == NULL || cuts == NULL) {
            free(shares);
            free(sums);
            free(cuts);
            shares = local;
            sums = local_sums;
            cuts = local_cuts;
            nshares = 0; /* no memory for shares: every text goes whole */
            big = (size_t)-1;
        }
    }
    for (size_t i = 0, j = 0; j < nshares; i++) {
        size_t pieces = pieces_of(b, i, big);
        for (size_t k = 0; k < pieces; k++, j++) {
            shares[j] = (tx_share){i, k, pieces};
            cuts[j] = TX_UNKNOWN;
        }
    }
    tx_kept_cuts kept = {cuts, shares, nshares, 0};
    b->kept = &kept;
    size_t grain = b->ntexts / (16 * b->nthreads);
    pool_job job = {b, big, nshares, shares, b->out ? sums : NULL,
                    grain < 1 ? 1 : grain > 64 ? 64 : (int)grain};
    if (!tx_team_parallel(b->nthreads, pool_body, &job))
        pool_body(&job); /* the team is busy: the pool on this thread */
    if (b->out != NULL) {
        for (size_t j = 0; j < nshares; j++)
            b->out[shares[j].text] = 0;
        for (size_t j = 0; j < nshares; j++)
            b->out[shares[j].text] += sums[j];
    }
    b->kept = NULL;
    if (shares != local) {
        free(shares);
        free(sums);
        free(cuts);
    }
    return b->failed ? -1 : 0;
}

size_t *tx_batch_cuts(const tx_batch *b, size_t i)
{
    const tx_kept_cuts *kc = b->kept;
    if (kc == NULL)
        return NULL;
    if (kc->shares == NULL)
        return kc->text == i ? kc->cuts : NULL;
    size_t lo = 0, hi = kc->nshares; /* the first share of text i */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (kc->shares[mid].text < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < kc->nshares && kc->shares[lo].text == i ? kc->cuts + lo
                                                        : NULL;
}

int tx_batch_piece(const tx_batch *b, const tx_query *q, size_t i, size_t k,
                   size_t pieces, const unsigned char **t, size_t *n,
                   int *drop_last)
{
    const unsigned char *text = (const unsigned char *)b->texts[i];
    size_t len = b->lens[i], a = 0, e = len;
    if (pieces != 0 && !tx_share_piece(q, text, len, k, pieces,
                                       tx_batch_cuts(b, i), &a, &e))
        return 0;
    *t = text + a;
    *n = e - a;
    *drop_last = e < len;
    return 1;
}

/* Lowers *slot to v, if that is lower; threads may race for it. */
static void lower_to(size_t *slot, size_t v)
{
    size_t cur = __atomic_load_n(slot, __ATOMIC_RELAXED);
    while (v < cur && !__atomic_compare_exchange_n(slot, &cur, v, 1,
                                                   __ATOMIC_RELAXED,
                                                   __ATOMIC_RELAXED)) {
    }
}

static void prefix_body(void *arg)
{
    tx_prefix *p = arg;
    size_t tid = 0, budget = p->budget;
#ifdef _OPENMP
    tid = (size_t)omp_get_thread_num();
#endif
    for (;;) {
        /* chunks are claimed in order: every chunk before `end` is
         * claimed, and counted whole unless it lowers `end` itself */
        size_t a = __atomic_fetch_add(&p->next, p->chunk, __ATOMIC_RELAXED);
        if (a >= __atomic_load_n(&p->end, __ATOMIC_RELAXED) || p->failed)
            return;
        size_t e = p->n - a < p->chunk ? p->n : a + p->chunk;
        size_t got = p->run(p, tid, a, e, &budget);
        if (got < e || budget == 0) {
            lower_to(&p->end, got);
            return;
        }
    }
}

size_t tx_prefix_run(tx_prefix *p, size_t threads)
{
    p->next = 0;
    p->end = p->n;
    p->failed = 0;
    if (p->chunk == 0)
        p->chunk = 1;
    if (threads <= 1 || !tx_team_parallel(threads, prefix_body, p))
        prefix_body(p);
    return p->failed ? (size_t)-1 : p->end;
}
