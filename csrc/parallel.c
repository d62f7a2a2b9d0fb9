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

#include "batch.h"
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

/* A table lookup per byte, not a call: a share without whitespace (binary
 * data, long runs of NUL) is scanned to its end, at memory speed. */
static size_t cut_after_space(const unsigned char *t, size_t lo, size_t hi,
                              int mode)
{
    unsigned char space[256];
    for (int c = 0; c < 256; c++)
        space[c] = (unsigned char)tx_ascii_space((unsigned char)c, mode);
    for (size_t b = lo; b < hi; b++)
        if (space[t[b - 1]])
            return b;
    return TX_NONE;
}

static size_t cut_after_line(const unsigned char *t, size_t lo, size_t hi)
{
    for (size_t b = lo; b < hi; b++)
        if (t[b - 1] == '\n' || (t[b - 1] == '\r' && t[b] != '\n'))
            return b;
    return TX_NONE;
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
                      : cut_after_space(t, lo, hi, q->mode);
    case TX_LINES:
        return cut_after_line(t, lo, hi);
    }
    return TX_NONE;
}

/* The end of share k of `pieces` (its last byte + 1). */
static size_t share_end(size_t n, size_t pieces, size_t k)
{
    return k + 1 == pieces ? n : (k + 1) * (n / pieces);
}

/* The count for share k of `pieces` of t: its piece runs from its own cut
 * to the first cut found in a later share (or the end), counted as a text
 * of its own. Each share finds the cuts it needs itself, so shares need no
 * order and no barrier. A piece cut after a separator ends in an empty
 * token that belongs to the next piece. */
size_t tx_share_cut(const tx_query *q, const unsigned char *t, size_t n,
                    size_t k, size_t pieces)
{
    return k == 0 ? 0 : find_cut(q, t, n, k * (n / pieces),
                                 share_end(n, pieces, k));
}

int tx_share_piece(const tx_query *q, const unsigned char *t, size_t n,
                   size_t k, size_t pieces, size_t *start, size_t *end)
{
    size_t a = tx_share_cut(q, t, n, k, pieces);
    if (a == TX_NONE)
        return 0;
    size_t b = TX_NONE;
    for (size_t j = k + 1; j < pieces && b == TX_NONE; j++)
        b = tx_share_cut(q, t, n, j, pieces);
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

void (*tx_between_passes)(void);

/* Counts the lines of t[0, n) into out[0, cap): each slot gets its line's
 * count, or 0 when the text now holds fewer lines than an earlier pass saw
 * (another thread wrote to it: the counts are then of no use, but every
 * slot is written and none past cap). */
static void lines_into(const tx_query *q, const unsigned char *t, size_t n,
                       size_t *out, size_t cap)
{
    size_t got = TX_STOPPED(q->stop) ? 0 : tx_lines(q, t, n, out, cap);
    for (size_t i = got; i < cap; i++)
        out[i] = 0;
}

/* The lines of one text as a batch of one, in three passes over the same
 * pieces: find the cut of each share (so that every later pass sees the
 * same pieces, whatever happens to the text), count each piece's lines
 * (into starts[k + 1]), then, once the pieces are laid out end to end in
 * one array, fill each piece's part of it, never more than the count
 * pass found (the text may have changed meanwhile). */
typedef enum { TX_PASS_CUTS, TX_PASS_COUNT, TX_PASS_FILL } tx_pass;

typedef struct {
    tx_batch b;
    const tx_query *q;
    tx_pass pass;
    size_t cuts[TX_LOCAL_SHARES];       /* TX_NONE: the share has none */
    size_t starts[TX_LOCAL_SHARES + 1]; /* lines before piece k */
    size_t *out;
} lines_batch;

static size_t lines_share(tx_batch *b, size_t tid, size_t i, size_t k,
                          size_t pieces)
{
    lines_batch *lb = (lines_batch *)b;
    const unsigned char *t = (const unsigned char *)b->texts[i];
    size_t n = b->lens[i], a = lb->cuts[k], e = n;
    (void)tid;
    if (lb->pass == TX_PASS_CUTS) {
        lb->cuts[k] = tx_share_cut(lb->q, t, n, k, pieces);
        return 0;
    }
    if (a == TX_NONE) /* its bytes belong to an earlier piece */
        return 0;
    for (size_t j = k + 1; j < pieces && e == n; j++)
        if (lb->cuts[j] != TX_NONE)
            e = lb->cuts[j];
    if (lb->pass == TX_PASS_COUNT)
        lb->starts[k + 1] = tx_lines(lb->q, t + a, e - a, NULL, 0);
    else
        lines_into(lb->q, t + a, e - a, lb->out + lb->starts[k],
                   lb->starts[k + 1] - lb->starts[k]);
    return 0;
}

static size_t lines_text(tx_batch *b, size_t tid, size_t i)
{
    return lines_share(b, tid, i, 0, 1);
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
    lines_batch lb = {{lines_text, lines_share, 1, &text, &len, q.stop,
                       NULL, 0, 0, 0},
                      &q, TX_PASS_CUTS, {0}, {0}, NULL};
    for (size_t k = 1; k < TX_LOCAL_SHARES; k++)
        lb.cuts[k] = TX_NONE; /* until found (a stopped call finds none) */
    tx_batch_plan(&lb.b, threads);
    size_t pieces = tx_batch_pieces(&lb.b, 0);
    if (pieces != 0) /* else the text goes whole, as one piece */
        tx_batch_run(&lb.b);
    else
        pieces = 1;
    lb.pass = TX_PASS_COUNT; /* a share the stop flag skips counts none */
    tx_batch_run(&lb.b);
    for (size_t k = 0; k < pieces; k++)
        lb.starts[k + 1] += lb.starts[k];
    size_t total = lb.starts[pieces];
    lb.out = calloc(total ? total : 1, sizeof *lb.out);
    if (lb.out == NULL)
        return -1;
    if (tx_between_passes != NULL)
        tx_between_passes();
    lb.pass = TX_PASS_FILL;
    tx_batch_run(&lb.b);
    if (total == 0) {
        free(lb.out);
        lb.out = NULL;
    }
    *counts = lb.out;
    *nlines = total;
    return 0;
}

/* A batch of counts: out[i] = the count of text i's word in text i. */
typedef struct {
    tx_batch b;
    const tx_query *base;   /* sep and mode; the word comes from words */
    const tx_query *shared; /* the prepared query when nwords is 1 */
    const char *const *words;
    const size_t *word_lens;
} count_batch;

/* The prepared query for text i: `shared` when every text has the same
 * word, else *own, made from base and words[i]. */
static const tx_query *query_for(const count_batch *cb, size_t i,
                                 tx_query *own)
{
    if (cb->shared != NULL)
        return cb->shared;
    *own = *cb->base;
    own->word = (const unsigned char *)cb->words[i];
    own->word_len = cb->word_lens[i];
    tx_prepare(own);
    return own;
}

static size_t count_text(tx_batch *b, size_t tid, size_t i)
{
    tx_query own;
    (void)tid;
    return tx_words(query_for((count_batch *)b, i, &own),
                    (const unsigned char *)b->texts[i], b->lens[i]);
}

static size_t count_piece(tx_batch *b, size_t tid, size_t i, size_t k,
                          size_t pieces)
{
    tx_query own;
    (void)tid;
    return count_share(query_for((count_batch *)b, i, &own),
                       (const unsigned char *)b->texts[i], b->lens[i], k,
                       pieces);
}

static void run_counts(const tx_query *base, size_t ntexts,
                       const char *const *texts, const size_t *lens,
                       size_t nwords, const char *const *words,
                       const size_t *word_lens, int threads, size_t *out)
{
    tx_query one;
    count_batch cb = {{count_text, count_piece, ntexts, texts, lens,
                       base->stop, out, 0, 0, 0},
                      base, NULL, words, word_lens};
    if (nwords == 1)
        cb.shared = query_for(&cb, 0, &one);
    tx_batch_plan(&cb.b, threads);
    tx_batch_run(&cb.b);
}

size_t textops_substring_count(const char *text, size_t len,
                               const char *sub, size_t sub_len,
                               int mode, int threads)
{
    tx_query base = tx_make_query(TX_COUNT, NULL, 0, NULL, 0, mode);
    size_t out;
    run_counts(&base, 1, &text, &len, 1, &sub, &sub_len, threads, &out);
    return out;
}

size_t textops_word_count(const char *text, size_t len,
                          const char *word, size_t word_len,
                          const char *sep, size_t sep_len,
                          int mode, int threads)
{
    tx_query base = tx_make_query(TX_WORDS, NULL, 0, sep, sep_len, mode);
    size_t out;
    run_counts(&base, 1, &text, &len, 1, &word, &word_len, threads, &out);
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
    run_counts(&base, ntexts, texts, lens, nwords, words, word_lens, threads,
               out);
}

void textops_batch_substring_count(size_t ntexts, const char *const *texts,
                                   const size_t *lens, size_t nwords,
                                   const char *const *words,
                                   const size_t *word_lens,
                                   int mode, int threads, size_t *out)
{
    tx_query base = tx_make_query(TX_COUNT, NULL, 0, NULL, 0, mode);
    run_counts(&base, ntexts, texts, lens, nwords, words, word_lens, threads,
               out);
}

void textops_free(void *p) { free(p); }
