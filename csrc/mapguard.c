/* Guarded file mappings: reading a mapped file that shrinks never kills
 * the process.
 *
 * When a file is truncated while it is mapped, a read of a page past its
 * new end raises SIGBUS, which by default ends the process. While a range
 * is guarded, textops' SIGBUS handler looks at the faulting address: if it
 * lies in a guarded range, the handler maps zero pages over the range from
 * the faulting page to its end (the file has none there any more), marks
 * the range as faulted and returns, so the read goes on and reads zeros.
 * The caller then sees the mark and raises instead of returning the count.
 * A fault anywhere else goes to the handler that was there before (Python's
 * faulthandler, for one), or to the default action.
 *
 * The handler calls only mmap and atomic loads and stores. mmap is not on
 * POSIX's list of async-signal-safe functions, but on Linux and the BSDs
 * it is a plain system call, which is what the handler relies on. The
 * handler is installed while at least one range is guarded and the
 * previous one restored when none is. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stddef.h>
#include <stdint.h>

#include "textops.h"

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Ranges guarded at once: a call maps at most 64 files, and a few calls
 * may run at the same time; past that a range is simply not guarded. */
#define TX_GUARDS 1024

typedef struct {
    uintptr_t base; /* 0: the slot is free */
    size_t len;
    int faulted;
} tx_guard;

static tx_guard tx_guards[TX_GUARDS];

static pthread_mutex_t tx_guard_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t tx_guarded;             /* under tx_guard_lock */
static struct sigaction tx_previous;  /* under tx_guard_lock */
static uintptr_t tx_page_mask;

/* Hands a fault that is not in a guarded range to the previous handler. */
static void tx_chain(int sig, siginfo_t *info, void *context)
{
    if (tx_previous.sa_flags & SA_SIGINFO) {
        tx_previous.sa_sigaction(sig, info, context);
    } else if (tx_previous.sa_handler != SIG_DFL &&
               tx_previous.sa_handler != SIG_IGN) {
        tx_previous.sa_handler(sig);
    } else {
        /* the default action: the faulting read runs again and ends the
         * process as it would have without textops */
        signal(sig, SIG_DFL);
    }
}

static void tx_on_sigbus(int sig, siginfo_t *info, void *context)
{
    uintptr_t at = (uintptr_t)info->si_addr;
    for (size_t i = 0; i < TX_GUARDS; i++) {
        uintptr_t base = __atomic_load_n(&tx_guards[i].base, __ATOMIC_ACQUIRE);
        size_t len = __atomic_load_n(&tx_guards[i].len, __ATOMIC_RELAXED);
        if (base == 0 || at - base >= len)
            continue;
        uintptr_t page = at & tx_page_mask, end = base + len;
        if (mmap((void *)page, end - page, PROT_READ,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
            MAP_FAILED)
            break; /* cannot mend it: fail as without a guard */
        __atomic_store_n(&tx_guards[i].faulted, 1, __ATOMIC_RELEASE);
        return;
    }
    tx_chain(sig, info, context);
}

int textops_guard_begin(const char *addr, size_t len)
{
    if (addr == NULL || len == 0)
        return -1;
    int slot = -1;
    pthread_mutex_lock(&tx_guard_lock);
    for (int i = 0; i < TX_GUARDS && slot < 0; i++)
        if (tx_guards[i].base == 0)
            slot = i;
    if (slot >= 0 && tx_guarded == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_sigaction = tx_on_sigbus;
        action.sa_flags = SA_SIGINFO | SA_NODEFER;
        sigemptyset(&action.sa_mask);
        tx_page_mask = ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
        if (sigaction(SIGBUS, &action, &tx_previous) != 0)
            slot = -1;
    }
    if (slot >= 0) {
        tx_guarded++;
        tx_guards[slot].faulted = 0;
        __atomic_store_n(&tx_guards[slot].len, len, __ATOMIC_RELAXED);
        __atomic_store_n(&tx_guards[slot].base, (uintptr_t)addr,
                         __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&tx_guard_lock);
    return slot;
}

int textops_guard_end(int slot)
{
    if (slot < 0 || slot >= TX_GUARDS)
        return 0;
    pthread_mutex_lock(&tx_guard_lock);
    int faulted = __atomic_load_n(&tx_guards[slot].faulted, __ATOMIC_ACQUIRE);
    __atomic_store_n(&tx_guards[slot].base, 0, __ATOMIC_RELEASE);
    struct sigaction current;
    if (--tx_guarded == 0 && sigaction(SIGBUS, NULL, &current) == 0 &&
        (current.sa_flags & SA_SIGINFO) &&
        current.sa_sigaction == tx_on_sigbus) /* else someone replaced it */
        sigaction(SIGBUS, &tx_previous, NULL);
    pthread_mutex_unlock(&tx_guard_lock);
    return faulted;
}

#else /* no SIGBUS here: nothing to guard */

int textops_guard_begin(const char *addr, size_t len)
{
    (void)addr, (void)len;
    return -1;
}

int textops_guard_end(int slot)
{
    (void)slot;
    return 0;
}

#endif
