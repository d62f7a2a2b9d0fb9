/* The public functions: thread policy, chunking of one large text, and
 * batches of texts, over the serial kernels of search.c and split.c.
 *
 * A large text is divided into even shares, a few per thread, taken by
 * whichever thread is free (so a thread slowed by other work on its core
 * does not hold the rest back). Each share's piece starts at a cut: the
 * first place in the share where the serial kernel, run on the piece as a
 * text of its own, gives exactly its part of the answer:
 *   count(sub)    a place that no occurrence of sub straddles;
 *   split()       just after an ASCII whitespace byte;
 *   split(sep)    just after an occurrence of sep that no earlier
 *                 occurrence overlaps, so the greedy split surely takes it;
 *   splitlines()  just after \n, or after \r not followed by \n.
 * A piece ends at the next share's cut; a share without one joins the
 * piece before it. Pieces are counted independently and their counts added
 * up (or, for lines, laid end to end).
 *
 * Threads. GNU libgomp keeps a pool of worker threads for every thread that
 * has ever started a team, so if each calling Python thread started its
 * own, 16 callers asking for 8 threads would leave 16 x 7 workers behind.
 * textops therefore runs at most one team at a time in the whole process,
 * always started by the same thread (the leader, made on the first parallel
 * call): a call that wants a team takes it if it is free and has the leader
 * run its parallel region, waiting meanwhile; a call that finds the team
 * busy runs on its own calling thread, as a call with threads=1 does. The
 * process then holds at most its calling threads + 1 leader + (the largest
 * team asked for - 1) threads for textops, however many threads call, plus
 * for a moment the workers libgomp ends when a team shrinks. */
#define _POSIX_C_SOURCE 200809L /* pthread_sigmask, sigfillset */
#include <stdlib.h>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#include <signal.h>
#define TX_HAVE_FORK 1
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

#include "internal.h"

#define TX_NONE ((size_t)-1)

static size_t tx_min_chunk = (size_t)1 << 18;

/* Set in a child created by fork(): GNU libgomp's thread pool does not
 * survive fork and a team started there can hang (GCC bug 52303). */
static volatile int tx_forked;

#ifdef TX_HAVE_FORK
static void tx_on_fork_child(void) { tx_forked = 1; }

__attribute__((constructor)) static void tx_register_fork_handler(void)
{
    pthread_atfork(NULL, NULL, tx_on_fork_child);
}
#endif

/* --- the one team -------------------------------------------------------- */

typedef void (*tx_region_fn)(void *job);

#if defined(_OPENMP) && defined(TX_HAVE_FORK)
#define TX_LEADER 1

/* 1 while a call owns the team; taken by compare-and-swap, never waited for. */
static int tx_team_busy;

static pthread_mutex_t tx_leader_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tx_leader_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t tx_leader_done = PTHREAD_COND_INITIALIZER;
static int tx_leader_started;            /* under tx_leader_lock */
static tx_region_fn tx_posted_fn;        /* under tx_leader_lock: the job, */
static void *tx_posted_job;              /* NULL fn when there is none */
static int tx_posted_finished;           /* under tx_leader_lock */

static void *tx_leader_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&tx_leader_lock);
    for (;;) {
        while (tx_posted_fn == NULL || tx_posted_finished)
            pthread_cond_wait(&tx_leader_wake, &tx_leader_lock);
        tx_region_fn fn = tx_posted_fn;
        void *job = tx_posted_job;
        pthread_mutex_unlock(&tx_leader_lock);
        fn(job);
        pthread_mutex_lock(&tx_leader_lock);
        tx_posted_finished = 1;
        pthread_cond_signal(&tx_leader_done);
    }
    return NULL;
}

/* Starts the leader with every signal blocked (its OpenMP workers inherit
 * the mask), so signals keep going to the Python threads. Call with
 * tx_leader_lock held; returns 0 on success. */
static int tx_start_leader(void)
{
    pthread_attr_t attr;
    pthread_t leader;
    sigset_t all, old;
    if (pthread_attr_init(&attr) != 0)
        return -1;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&leader, &attr, tx_leader_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    return rc;
}
#endif

/* Takes the team for one call: 1 if the caller may run a parallel region
 * (through tx_team_run, then tx_team_release), 0 if it must run on its own
 * thread. Without OpenMP the "region" runs on the calling thread, so the
 * cutting logic is the same in every build. */
static int tx_team_acquire(void)
{
#ifdef TX_LEADER
    int expected = 0;
    if (tx_forked)
        return 0;
    return __atomic_compare_exchange_n(&tx_team_busy, &expected, 1, 0,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
#else
    return 1;
#endif
}

static void tx_team_release(void)
{
#ifdef TX_LEADER
    __atomic_store_n(&tx_team_busy, 0, __ATOMIC_RELEASE);
#endif
}

/* Runs fn(job) on the leader and waits for it; with the team taken. If the
 * leader cannot be started, runs fn(job) here (a team of this thread). */
static void tx_team_run(tx_region_fn fn, void *job)
{
#ifdef TX_LEADER
    pthread_mutex_lock(&tx_leader_lock);
    if (!tx_leader_started && tx_start_leader() == 0)
        tx_leader_started = 1;
    if (!tx_leader_started) {
        pthread_mutex_unlock(&tx_leader_lock);
        fn(job);
        return;
    }
    tx_posted_fn = fn;
    tx_posted_job = job;
    tx_posted_finished = 0;
    pthread_cond_signal(&tx_leader_wake);
    while (!tx_posted_finished)
        pthread_cond_wait(&tx_leader_done, &tx_leader_lock);
    tx_posted_fn = NULL;
    pthread_mutex_unlock(&tx_leader_lock);
#else
    fn(job);
#endif
}

typedef struct {
    void (*body)(void *);
    void *job;
    size_t threads;
} team_job;

static void team_region(void *arg)
{
    team_job *r = arg;
#ifdef _OPENMP
#pragma omp parallel num_threads((int)r->threads)
#endif
    r->body(r->job);
}

int tx_team_parallel(size_t threads, void (*body)(void *job), void *job)
{
    if (!tx_team_acquire())
        return 0;
    team_job r = {body, job, threads};
    tx_team_run(team_region, &r);
    tx_team_release();
    return 1;
}

int textops_openmp_enabled(void)
{
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

int textops_default_threads(void)
{
#ifdef _OPENMP
    if (!tx_forked) {
        int t = omp_get_max_threads();
        return t > TEXTOPS_MAX_THREADS ? TEXTOPS_MAX_THREADS : t;
    }
#endif
    return 1;
}

size_t tx_resolve_threads(int requested)
{
    if (tx_forked || requested <= 0)
        return (size_t)textops_default_threads();
    return requested > TEXTOPS_MAX_THREADS ? TEXTOPS_MAX_THREADS
                                           : (size_t)requested;
}

static _Thread_local const volatile int *tx_watched;

void textops_watch(const volatile int *flag) { tx_watched = flag; }

const volatile int *tx_stop_flag(void) { return tx_watched; }

size_t tx_share_count(size_t n, size_t threads)
{
    size_t per_thread = n / (threads * TX_CHECK_BYTES) + 1;
    if (per_thread < TX_SHARES_PER_THREAD)
        per_thread = TX_SHARES_PER_THREAD;
    return tx_plan_pieces(n, threads, per_thread);
}

size_t textops_set_min_chunk(size_t nbytes)
{
    size_t old = tx_min_chunk, most = (size_t)-1 / 8;
    tx_min_chunk = nbytes < 1 ? 1 : nbytes > most ? most : nbytes;
    return old;
}

int tx_serial(size_t total, size_t threads)
{
    return threads == 1 || total < 2 * tx_min_chunk;
}

size_t tx_big_text(size_t total, size_t threads)
{
    size_t big = total / (4 * threads);
    return big < 2 * tx_min_chunk ? 2 * tx_min_chunk : big;
}

/* How many pieces to cut n bytes into: `per_thread` per thread, each at
 * least tx_min_chunk bytes, at most TEXTOPS_MAX_THREADS. */
size_t tx_plan_pieces(size_t n, size_t threads, size_t per_thread)
{
    size_t pieces = n / tx_min_chunk;
    if (pieces > threads * per_thread)
        pieces = threads * per_thread;
    if (pieces > TEXTOPS_MAX_THREADS)
        pieces = TEXTOPS_MAX_THREADS;
    return pieces ? pieces : 1;
}

/* How many straddling occurrences a cut search steps over before it gives
 * up: in a periodic text ("a" * 10**8 for "a" * 1000) every place is
 * straddled, and each step costs a search of up to 2m bytes. A search
 * also stops once its steps have cost about twice its share, so that all
 * cut searches together stay linear in the text. A share without a cut
 * joins the piece before it: giving up only costs parallelism. */
#define TX_CUT_TRIES 64

/* 1 while a cut search in a share of `len` bytes may take step `tries`
 * for a needle of m bytes. */
static int tx_may_try(int tries, size_t m, size_t len)
{
    return tries < TX_CUT_TRIES && (size_t)tries * m <= len;
}

/* Smallest b in [lo, hi) that no occurrence of s straddles (none starts in
 * (b - m, b)), or TX_NONE (also when tx_may_try says stop). */
static size_t cut_unstraddled(const unsigned char *t, size_t n,
                              const tx_needle *s, size_t lo, size_t hi)
{
    size_t b = lo, m = s->m;
    for (int tries = 0; b < hi && tx_may_try(tries, m, hi - lo); tries++) {
        size_t from = b >= m - 1 ? b - (m - 1) : 0;
        size_t to = n - b >= m - 1 ? b + (m - 1) : n;
        const unsigned char *p = tx_find(t + from, to - from, s);
        if (p == NULL)
            return b;
        b = (size_t)(p - t) + m; /* every place before is straddled by p */
    }
    return TX_NONE;
}

/* Smallest b in [lo, hi) where an occurrence of s ends that no other
 * occurrence overlaps from the left, or TX_NONE (also when tx_may_try
 * says stop). */
static size_t cut_after_sep(const unsigned char *t, const tx_needle *s,
                            size_t lo, size_t hi)
{
    size_t m = s->m, from = lo >= m ? lo - m : 0, end = hi - 1;
    size_t prev = TX_NONE;
    for (int tries = 0; from < end && tx_may_try(tries, m, hi - lo);
         tries++) {
        const unsigned char *p = tx_find(t + from, end - from, s);
        if (p == NULL)
            return TX_NONE;
        size_t q = (size_t)(p - t);
        int clean;
        if (prev == TX_NONE) { /* look behind the search start */
            size_t back = q >= m - 1 ? q - (m - 1) : 0;
            clean = tx_find(t + back, q + m - 1 - back, s) == NULL;
        } else {
            clean = q - prev >= m;
        }
        if (clean)
            return q + m; /* q >= lo - m, so q + m is in [lo, hi) */
        prev = q;
        from = q + 1;
    }
    return TX_NONE;
}

static size_t cut_after_space(const unsigned char *t, size_t lo, size_t hi,
                              const tx_query *q)
{
    size_t b = tx_cut_after_space(t, lo, hi, q->mode, q->stop);
    return b < hi ? b : TX_NONE;
}

static size_t cut_after_line(const unsigned char *t, size_t lo, size_t hi,
                             const tx_query *q)
{
    size_t b = tx_cut_after_line(t, lo, hi, q->stop);
    return b < hi ? b : TX_NONE;
}

/* The cut owned by the share [lo, hi), 0 < lo < hi <= n. */
static size_t find_cut(const tx_query *q, const unsigned char *t, size_t n,
                       size_t lo, size_t hi)
{
    switch (q->kind) {
    case TX_COUNT:
        return cut_unstraddled(t, n, &q->word_needle, lo, hi);
    case TX_WORDS:
        return q->sep ? cut_after_sep(t, &q->sep_needle, lo, hi)
                      : cut_after_space(t, lo, hi, q);
    case TX_LINES:
        return cut_after_line(t, lo, hi, q);
    }
    return TX_NONE;
}

/* The end of share k of `pieces` (its last byte + 1). */
static size_t share_end(size_t n, size_t pieces, size_t k)
{
    return k + 1 == pieces ? n : (k + 1) * (n / pieces);
}

/* The end of piece k: the next cut that was found, or n. */
static size_t piece_end(const size_t *cuts, size_t pieces, size_t k,
                        size_t n)
{
    for (k++; k < pieces; k++)
        if (cuts[k] != TX_NONE)
            return cuts[k];
    return n;
}

/* The count for share k of `pieces` of t: its piece runs from its own cut
 * to the first cut found in a later share (or the end), counted as a text
 * of its own. Each share finds the cuts it needs itself, so shares need no
 * order and no barrier. A piece cut after a separator ends in an empty
 * token that belongs to the next piece. */
int tx_share_piece(const tx_query *q, const unsigned char *t, size_t n,
                   size_t k, size_t pieces, size_t *start, size_t *end)
{
    size_t step = n / pieces;
    size_t a = k == 0 ? 0 : find_cut(q, t, n, k * step,
                                     share_end(n, pieces, k));
    if (a == TX_NONE)
        return 0;
    size_t b = TX_NONE;
    for (size_t j = k + 1; j < pieces && b == TX_NONE && !TX_STOPPED(q->stop);
         j++)
        b = find_cut(q, t, n, j * step, share_end(n, pieces, j));
    *start = a;
    *end = b == TX_NONE ? n : b;
    return 1;
}

static size_t count_share(const tx_query *q, const unsigned char *t,
                          size_t n, size_t k, size_t pieces)
{
    if (q->plan == TX_PLAN_NONE)
        return 0;
    if (q->kind == TX_COUNT && q->word_len == 0) /* not additive */
        return k == 0 ? tx_words(q, t, n) : 0;
    size_t a, b;
    if (!tx_share_piece(q, t, n, k, pieces, &a, &b))
        return 0;
    size_t c = tx_words(q, t + a, b - a);
    if (q->kind == TX_WORDS && q->sep != NULL && q->word_len == 0 && b < n)
        c--;
    return c;
}

/* The count for all of t on the calling thread, in shares of at most
 * about TX_CHECK_BYTES so that the stop flag is seen in time. */
static size_t count_serial(const tx_query *q, const unsigned char *t,
                           size_t n)
{
    if (n <= TX_CHECK_BYTES)
        return tx_words(q, t, n);
    size_t pieces = tx_share_count(n, 1), sum = 0;
    for (size_t k = 0; k < pieces && !TX_STOPPED(q->stop); k++)
        sum += count_share(q, t, n, k, pieces);
    return sum;
}

/* Lines in three steps: find the cuts and count each piece's lines; lay
 * the pieces out in one array; fill each piece's part of it. */
static void line_pieces(const tx_query *q, const unsigned char *t, size_t n,
                        size_t pieces, size_t *cuts, size_t *starts,
                        size_t **out)
{
    size_t step = n / pieces;
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (size_t k = 1; k < pieces; k++)
        cuts[k] = find_cut(q, t, n, k * step, share_end(n, pieces, k));
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (size_t k = 0; k < pieces; k++) {
        size_t a = cuts[k], b = piece_end(cuts, pieces, k, n);
        starts[k + 1] = a == TX_NONE || TX_STOPPED(q->stop)
                            ? 0 : tx_lines(q, t + a, b - a, NULL);
    }
#ifdef _OPENMP
#pragma omp single
#endif
    {
        starts[0] = 0;
        for (size_t k = 0; k < pieces; k++)
            starts[k + 1] += starts[k];
        *out = malloc((starts[pieces] ? starts[pieces] : 1) * sizeof(size_t));
    }
    if (*out == NULL)
        return;
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (size_t k = 0; k < pieces; k++) {
        size_t a = cuts[k], b = piece_end(cuts, pieces, k, n);
        if (a != TX_NONE && !TX_STOPPED(q->stop))
            tx_lines(q, t + a, b - a, *out + starts[k]);
    }
}

/* The arguments of line_pieces, as a body for tx_team_parallel. */
typedef struct {
    const tx_query *q;
    const unsigned char *t;
    size_t n, pieces, *cuts, *starts, **out;
} lines_job;

static void lines_body(void *arg)
{
    lines_job *j = arg;
    line_pieces(j->q, j->t, j->n, j->pieces, j->cuts, j->starts, j->out);
}

tx_query tx_make_query(tx_kind kind, const char *word, size_t word_len,
                           const char *sep, size_t sep_len, int mode)
{
    tx_query q = {.kind = kind,
                  .word = (const unsigned char *)word,
                  .word_len = word_len,
                  .sep = (const unsigned char *)sep,
                  .sep_len = sep_len,
                  .mode = mode,
                  .stop = tx_stop_flag()};
    tx_prepare(&q);
    return q;
}

int textops_line_word_counts(const char *text, size_t len,
                             const char *word, size_t word_len,
                             const char *sep, size_t sep_len,
                             int mode, int threads,
                             size_t **counts, size_t *nlines)
{
    tx_query q = tx_make_query(TX_LINES, word, word_len, sep, sep_len, mode);
    const unsigned char *t = (const unsigned char *)text;
    size_t nthreads = tx_resolve_threads(threads);
    size_t pieces = tx_share_count(len, nthreads);
    size_t cuts[TEXTOPS_MAX_THREADS], starts[TEXTOPS_MAX_THREADS + 1];
    size_t *out = NULL;
    cuts[0] = 0;
    lines_job job = {&q, t, len, pieces, cuts, starts, &out};
    if (pieces == 1 || nthreads == 1 ||
        !tx_team_parallel(pieces < nthreads ? pieces : nthreads, lines_body,
                          &job))
        lines_body(&job); /* the loops run on this thread */
    if (out == NULL)
        return -1;
    if (starts[pieces] == 0) {
        free(out);
        out = NULL;
    }
    *counts = out;
    *nlines = starts[pieces];
    return 0;
}

/* The prepared query for text i of a batch: `shared` when every text has
 * the same word, else *own, made from base and words[i]. */
static const tx_query *query_for(const tx_query *base,
                                 const tx_query *shared,
                                 const char *const *words,
                                 const size_t *word_lens, size_t i,
                                 tx_query *own)
{
    if (shared != NULL)
        return shared;
    *own = *base;
    own->word = (const unsigned char *)words[i];
    own->word_len = word_lens[i];
    tx_prepare(own);
    return own;
}

/* One share of a large text, as a unit of parallel work. */
typedef struct {
    size_t text, k, pieces;
} tx_share;

/* How many texts ahead a batch asks the memory for the next text. */
#define TX_AHEAD 16

/* The arguments of a batch's pool of work, a body for tx_team_parallel. */
typedef struct {
    const tx_query *base, *shared;
    size_t ntexts;
    const char *const *texts;
    const size_t *lens;
    const char *const *words;
    const size_t *word_lens;
    size_t *out;
    size_t nthreads, big, nshares;
    const tx_share *shares;
    size_t *sums;
    int chunk;
} batch_job;

static void batch_body(void *arg)
{
    const batch_job *b = arg;
    int chunk = b->chunk;
    (void)chunk;
    {
#ifdef _OPENMP
#pragma omp for schedule(dynamic, chunk) nowait
#endif
        for (size_t i = 0; i < b->ntexts; i++) {
            if (i + TX_AHEAD < b->ntexts) { /* each text is a cache miss */
                __builtin_prefetch(b->texts[i + TX_AHEAD]);
                __builtin_prefetch(b->texts[i + TX_AHEAD] + 64);
            }
            if (b->lens[i] >= b->big || TX_STOPPED(b->base->stop))
                continue;
            tx_query own;
            const tx_query *q = query_for(b->base, b->shared, b->words,
                                          b->word_lens, i, &own);
            b->out[i] = tx_words(q, (const unsigned char *)b->texts[i],
                                 b->lens[i]);
        }
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
        for (size_t j = 0; j < b->nshares; j++) {
            size_t i = b->shares[j].text;
            b->sums[j] = 0;
            if (TX_STOPPED(b->base->stop))
                continue;
            tx_query own;
            const tx_query *q = query_for(b->base, b->shared, b->words,
                                          b->word_lens, i, &own);
            b->sums[j] = count_share(q, (const unsigned char *)b->texts[i],
                                     b->lens[i], b->shares[j].k,
                                     b->shares[j].pieces);
        }
    }
}

/* Small texts go whole to whichever thread is free; a text that is large
 * against the total (and worth cutting) is cut into shares, which join the
 * same pool of work. One parallel region serves the whole call; when the
 * team is busy (another call has it) the call runs on its own thread. */
static void run_batch(const tx_query *base, size_t ntexts,
                      const char *const *texts, const size_t *lens,
                      size_t nwords, const char *const *words,
                      const size_t *word_lens, int threads, size_t *out)
{
    size_t nthreads = 1, total = 0, nshares = 0;
    tx_query one;
    const tx_query *shared = NULL;
    if (nwords == 1)
        shared = query_for(base, NULL, words, word_lens, 0, &one);
    for (size_t i = 0; i < ntexts; i++) /* saturating: texts may repeat */
        total = total + lens[i] < total ? (size_t)-1 : total + lens[i];
    if (!tx_serial(total, 2)) /* ask OpenMP only where it matters */
        nthreads = tx_resolve_threads(threads);
    if (tx_serial(total, nthreads)) {
        for (size_t i = 0; i < ntexts && !TX_STOPPED(base->stop); i++) {
            tx_query own;
            const tx_query *q =
                query_for(base, shared, words, word_lens, i, &own);
            out[i] = count_serial(q, (const unsigned char *)texts[i],
                                  lens[i]);
        }
        return;
    }
    size_t big = tx_big_text(total, nthreads);
    for (size_t i = 0; i < ntexts; i++)
        if (lens[i] >= big)
            nshares += tx_share_count(lens[i], nthreads);
    tx_share *shares = malloc((nshares ? nshares : 1) * sizeof *shares);
    size_t *sums = malloc((nshares ? nshares : 1) * sizeof *sums);
    if (shares == NULL || sums == NULL) {
        nshares = 0; /* no memory for shares: count every text whole */
        big = TX_NONE;
    }
    for (size_t i = 0, j = 0; i < ntexts && j < nshares; i++) {
        if (lens[i] < big)
            continue;
        size_t pieces = tx_share_count(lens[i], nthreads);
        for (size_t k = 0; k < pieces; k++, j++)
            shares[j] = (tx_share){i, k, pieces};
    }
    size_t grain = ntexts / (16 * nthreads);
    batch_job job = {base, shared, ntexts, texts, lens, words, word_lens,
                     out, nthreads, big, nshares, shares, sums,
                     grain < 1 ? 1 : grain > 64 ? 64 : (int)grain};
    if (!tx_team_parallel(nthreads, batch_body, &job))
        batch_body(&job); /* the team is busy: the pool on this thread */
    for (size_t j = 0; j < nshares; j++)
        out[shares[j].text] = 0;
    for (size_t j = 0; j < nshares; j++)
        out[shares[j].text] += sums[j];
    free(shares);
    free(sums);
}

size_t textops_substring_count(const char *text, size_t len,
                               const char *sub, size_t sub_len,
                               int mode, int threads)
{
    tx_query base = tx_make_query(TX_COUNT, NULL, 0, NULL, 0, mode);
    size_t out;
    run_batch(&base, 1, &text, &len, 1, &sub, &sub_len, threads, &out);
    return out;
}

size_t textops_word_count(const char *text, size_t len,
                          const char *word, size_t word_len,
                          const char *sep, size_t sep_len,
                          int mode, int threads)
{
    tx_query base = tx_make_query(TX_WORDS, NULL, 0, sep, sep_len, mode);
    size_t out;
    run_batch(&base, 1, &text, &len, 1, &word, &word_len, threads, &out);
    return out;
}

void textops_batch_word_count(size_t ntexts, const char *const *texts,
                              const size_t *lens, size_t nwords,
                              const char *const *words,
                              const size_t *word_lens,
                              const char *sep, size_t sep_len,
                              int mode, int threads, size_t *out)
{
    tx_query base = tx_make_query(TX_WORDS, NULL, 0, sep, sep_len, mode);
    run_batch(&base, ntexts, texts, lens, nwords, words, word_lens, threads,
              out);
}

void textops_batch_substring_count(size_t ntexts, const char *const *texts,
                                   const size_t *lens, size_t nwords,
                                   const char *const *words,
                                   const size_t *word_lens,
                                   int mode, int threads, size_t *out)
{
    tx_query base = tx_make_query(TX_COUNT, NULL, 0, NULL, 0, mode);
    run_batch(&base, ntexts, texts, lens, nwords, words, word_lens, threads,
              out);
}

void textops_free(void *p) { free(p); }
