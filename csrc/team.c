/* The one OpenMP team of the process, and the thread policy.
 *
 * GNU libgomp keeps a pool of worker threads for every thread that has
 * ever started a team, so if each calling Python thread started its own,
 * 16 callers asking for 8 threads would leave 16 x 7 workers behind.
 * textops therefore runs at most one team at a time in the whole process,
 * always started by the same thread (the leader, made on the first parallel
 * call): a call that wants a team takes it if it is free and has the leader
 * run its parallel region, waiting meanwhile; a call that finds the team
 * busy runs on its own calling thread, as a call with threads=1 does. The
 * process then holds at most its calling threads + 1 leader + (the largest
 * team asked for - 1) threads for textops, however many threads call, plus
 * for a moment the workers libgomp ends when a team shrinks.
 *
 * Also here: the thread count a call gets, the fork guard (no team in a
 * forked child), and the stop flag each calling thread watches. */
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
#include "team.h"

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

/* Starts the leader with every signal blocked but the synchronous faults
 * (its OpenMP workers inherit the mask), so signals keep going to the
 * Python threads. A fault is delivered to the thread that made it, and a
 * blocked one ends the process: SIGBUS must reach mapguard.c's handler.
 * Call with tx_leader_lock held; returns 0 on success. */
static int tx_start_leader(void)
{
    pthread_attr_t attr;
    pthread_t leader;
    sigset_t all, old;
    if (pthread_attr_init(&attr) != 0)
        return -1;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    sigfillset(&all);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
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
