/* Exact shares of one large text.
 *
 * A large text is divided into even shares, a few per thread, taken by
 * whichever thread is free (so a thread slowed by other work on its core
 * does not hold the rest back). Each share's piece starts at a cut: the
 * first place in the share where the serial kernel, run on the piece as a
 * text of its own, gives exactly its part of the answer:
 *   count(sub)    a place that no occurrence of sub straddles (in a text
 *                 of code units, units.c, at a unit boundary);
 *   split()       just after an ASCII whitespace byte; also for the
 *                 \w rules (whitespace is never \w, cased or
 *                 case-ignorable: a piece is an exact text of its own, in
 *                 t.lower() too, capital sigmas' contexts included);
 *   split(sep)    just after an occurrence of sep that no earlier
 *                 occurrence overlaps, so the greedy split surely takes it
 *                 (with lowercasing none: the separators of t.lower() are
 *                 not those of t; the counts cut a lowered copy instead,
 *                 and a text goes whole only without memory for one);
 *   splitlines()  just after \n, or after \r not followed by \n.
 * A piece ends at the next share's cut; a share without one joins the
 * piece before it. Pieces are counted independently and their counts added
 * up (or, for lines, laid end to end).
 *
 * Also here: how many bytes are worth a thread (the minimum chunk). */
#include "internal.h"
#include "shares.h"
#include "space.h"

static size_t tx_min_chunk = (size_t)1 << 18;

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

size_t tx_min_chunk_bytes(void) { return tx_min_chunk; }

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

/* b rounded up to a multiple of unit (0 or 1: b). */
static size_t round_up(size_t b, size_t unit)
{
    return unit > 1 ? (b + unit - 1) / unit * unit : b;
}

/* Smallest b in [lo, hi), a multiple of unit, that no occurrence of s
 * straddles (none starts in (b - m, b)), or TX_NONE (also when tx_may_try
 * says stop). */
static size_t cut_unstraddled(const unsigned char *t, size_t n,
                              const tx_needle *s, size_t unit, size_t lo,
                              size_t hi)
{
    size_t b = round_up(lo, unit), m = s->m;
    for (int tries = 0; b < hi && tx_may_try(tries, m, hi - lo); tries++) {
        size_t from = b >= m - 1 ? b - (m - 1) : 0;
        size_t to = n - b >= m - 1 ? b + (m - 1) : n;
        const unsigned char *p = tx_find(t + from, to - from, s);
        if (p == NULL)
            return b;
        /* every place before is straddled by p */
        b = round_up((size_t)(p - t) + m, unit);
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

/* The cuts of split() and splitlines(): vector searches (space.c) that
 * stop at hi, or once the stop flag is raised. */
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
        return cut_unstraddled(t, n, &q->word_needle, q->unit, lo, hi);
    case TX_WORDS: /* the \w rules have no sep (tx_make_query) */
        if (q->sep != NULL && q->lower)
            return TX_NONE;
        return q->sep ? cut_after_sep(t, &q->sep_needle, lo, hi)
                      : cut_after_space(t, lo, hi, q);
    case TX_LINES:
        return cut_after_line(t, lo, hi, q);
    }
    return TX_NONE;
}

void tx_share_bytes(size_t n, size_t k, size_t pieces, size_t *lo,
                    size_t *hi)
{
    *lo = k * (n / pieces);
    *hi = k + 1 == pieces ? n : (k + 1) * (n / pieces);
}

size_t tx_share_cut(const tx_query *q, const unsigned char *t, size_t n,
                    size_t k, size_t pieces)
{
    size_t lo, hi;
    if (k == 0)
        return 0;
    tx_share_bytes(n, k, pieces, &lo, &hi);
    return find_cut(q, t, n, lo, hi);
}

/* tx_share_cut, kept in cuts[k] (when cuts is not NULL) for every thread:
 * a cut depends only on the text, so threads that race for a slot write
 * the same value. A search cut short by the stop flag is not kept. */
static size_t kept_cut(const tx_query *q, const unsigned char *t, size_t n,
                       size_t k, size_t pieces, size_t *cuts)
{
    if (cuts == NULL)
        return tx_share_cut(q, t, n, k, pieces);
    size_t c = __atomic_load_n(&cuts[k], __ATOMIC_RELAXED);
    if (c == TX_UNKNOWN) {
        c = tx_share_cut(q, t, n, k, pieces);
        if (!TX_STOPPED(q->stop))
            __atomic_store_n(&cuts[k], c, __ATOMIC_RELAXED);
    }
    return c;
}

int tx_share_piece(const tx_query *q, const unsigned char *t, size_t n,
                   size_t k, size_t pieces, size_t *cuts, size_t *start,
                   size_t *end)
{
    size_t a = kept_cut(q, t, n, k, pieces, cuts);
    if (a == TX_NONE)
        return 0;
    size_t b = TX_NONE;
    for (size_t j = k + 1; j < pieces && b == TX_NONE && !TX_STOPPED(q->stop);
         j++)
        b = kept_cut(q, t, n, j, pieces, cuts);
    *start = a;
    *end = b == TX_NONE ? n : b;
    return 1;
}
