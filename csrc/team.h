/* The one OpenMP team of the process and the thread policy (team.c). */
#ifndef TEXTOPS_TEAM_H
#define TEXTOPS_TEAM_H

#include <stddef.h>

/* The stop flag the calling thread watches (textops_watch), or NULL. */
const volatile int *tx_stop_flag(void);

/* The thread count for a call that asks for `requested` (<= 0: default). */
size_t tx_resolve_threads(int requested);

/* Runs body(job) as a parallel region of `threads` threads on the one team
 * of the process (see team.c) and returns 1; returns 0, running nothing,
 * when another call has the team. The caller then runs body(job) itself:
 * its worksharing loops (orphaned `omp for`) run whole on the calling
 * thread. */
int tx_team_parallel(size_t threads, void (*body)(void *job), void *job);

#endif
