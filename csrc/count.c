/* The public counts: substring_count, word_count, their batch forms and
 * line_word_counts, as batches (batch.c) over the serial kernels of
 * search.c and split.c. Also the prepared query every entry point starts
 * from, and textops_free. */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "batch.h"
#include "count.h"
#include "internal.h"
#include "rules.h"
#include "shares.h"
#include "tally.h"
#include "team.h"
#include "units.h"
#include "utf8.h"

static size_t count_share(const tx_query *q, const unsigned char *t,
                          size_t n, size_t k, size_t pieces, size_t *cuts)
{
    if (q->plan == TX_PLAN_NONE)
        return 0;
    size_t a, b;
    if (q->kind == TX_COUNT && q->word_len == 0 && q->unit > 1)
        return k == 0 ? n / q->unit + 1 : 0; /* code units (units.c) */
    if (q->kind == TX_COUNT && q->word_len == 0) {
        /* len + 1 (in code points: the bytes that continue no character),
         * which adds up over shares of any bytes: the + 1 is share 0's */
        tx_share_bytes(n, k, pieces, &a, &b);
        return tx_words(q, t + a, b - a) - (k != 0);
    }
    if (!tx_share_piece(q, t, n, k, pieces, cuts, &a, &b))
        return 0;
    size_t c = tx_words(q, t + a, b - a);
    if (q->kind == TX_WORDS && q->sep != NULL && q->word_len == 0 && b < n)
        c--;
    return c;
}

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
                  .mode = mode & TEXTOPS_UNICODE,
                  .rule = !(mode & TEXTOPS_WORD_CHARS) ? TX_RULE_SPLIT
                          : (mode & TEXTOPS_TWO_OR_MORE) ? TX_RULE_WORDS2
                                                         : TX_RULE_WORDS,
                  .lower = (mode & TEXTOPS_LOWER) != 0,
                  .stop = tx_stop_flag()};
    if (q.rule != TX_RULE_SPLIT) {
        q.sep = NULL; /* a pattern has no separator */
        q.sep_len = 0;
    }
    tx_prepare(&q);
    return q;
}

int textops_line_word_counts(const char *text, size_t len,
                             const char *word, size_t word_len,
                             const char *sep, size_t sep_len,
                             textops_mode mode, int threads,
                             size_t **counts, size_t *nlines)
{
    tx_query q = tx_make_query(TX_LINES, word, word_len, sep, sep_len, mode);
    lines_batch lb = {{lines_text, lines_share, 1, &text, &len, q.stop,
                       NULL, 0, 0, 0, NULL},
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
    /* malloc, not calloc: a call stopped early leaves most of it untouched
     * (its results are of no use), so it costs no memory */
    lb.out = malloc((total ? total : 1) * sizeof *lb.out);
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
    /* NULL, or text i is held in code units of widths[i] bytes (1, 2 or
     * 4; units.c; 0 in a word count: UTF-8); the words are UTF-8, which a
     * substring count writes in the text's units */
    const unsigned char *widths;
    const tx_query *by_width[5]; /* the prepared queries when nwords is 1 */
    /* NULL, or the texts are UTF-8 checked in the same pass as they are
     * counted (fused_count): bad[i] gets the offset of text i's first
     * invalid byte, or stays lens[i] (out[i] is of no use when not) */
    size_t *bad;
} count_batch;

/* The fused check reads a piece in blocks of about this many bytes, each
 * checked then counted while it is still in the core's L2 cache (measured
 * on the 50 MB books, AMD EPYC with 1 MB of L2 a core: 32 KB blocks cost
 * twice 512 KB ones, 1 MB ones 20% more). */
#define TX_FUSED_BLOCK ((size_t)1 << 19)

/* Lowers *slot to bad, if that is lower; threads may race for it. */
static void note_bad(size_t *slot, size_t bad)
{
    size_t cur = __atomic_load_n(slot, __ATOMIC_RELAXED);
    while (bad < cur && !__atomic_compare_exchange_n(slot, &cur, bad, 1,
                                                     __ATOMIC_RELAXED,
                                                     __ATOMIC_RELAXED)) {
    }
}

/* Checks the characters of t[0, n) that start in [a, b) (tx_utf8_range,
 * filling map unless it is NULL) unless an error before a is known; notes
 * an error in *slot. Returns 1 when *slot holds an error (the count is
 * then of no use). */
static int check_span(const tx_query *q, const unsigned char *t, size_t n,
                      size_t a, size_t b, size_t *slot, tx_quiet_map *map)
{
    if (a < __atomic_load_n(slot, __ATOMIC_RELAXED)) {
        size_t bad = tx_utf8_range(t, n, a, b, q->stop, map);
        if (bad < n)
            note_bad(slot, bad);
    }
    return __atomic_load_n(slot, __ATOMIC_RELAXED) < n;
}

/* 1 for t.lower().split(sep) with an explicit separator: counted on
 * lowered copies of the texts (run_counts), not on the texts themselves. */
static int lowered_sep(const tx_query *q)
{
    return q->kind == TX_WORDS && q->sep != NULL && q->lower;
}

/* 1 when a piece's count is the sum of the counts of its own cuts (as a
 * text of its own, shares.c) with no correction: a word or substring that
 * is not empty, and no separator of a lowered text (which cuts cannot
 * find). */
static int fusable(const tx_query *q)
{
    return q->word_len != 0 && q->plan != TX_PLAN_NONE && !lowered_sep(q);
}

/* 1 when the count of q finds its word with the probe scan (tx_scan, on
 * the text itself), which a quiet map (tx_quiet_map) can speed up: *own
 * is then q with the word's needle given *map, whose probes are the
 * needle's rarest two. */
static int map_query(const tx_query *q, tx_query *own, tx_quiet_map *map)
{
    const tx_needle *nd = &q->word_needle;
    if (nd->m < 2 || nd->m > TX_FILTER_MAX || q->lower || q->unit != 0 ||
        q->plan == TX_PLAN_SEP_WALK)
        return 0;
    *own = *q;
    map->a0 = nd->at[0];
    map->a1 = nd->at[1];
    map->b0 = nd->s[nd->at[0]];
    map->b1 = nd->s[nd->at[1]];
    own->word_needle.map = map;
    return 1;
}

/* 1 when a quarter or more of the map's windows hold candidates: a word
 * that frequent is counted as fast without a map, and making one costs
 * the check 25-30% (utf8_body.h). */
static int busy_map(const tx_quiet_map *map)
{
    size_t set = 0; /* the bits past the windows are set too */
    for (size_t k = 0; k < TX_QUIET_WORDS; k++)
        set += (size_t)__builtin_popcountll(map->bits[k]);
    return 4 * (set - (64 * TX_QUIET_WORDS - map->windows)) >= map->windows;
}

/* tx_words of the piece [a, e) of t[0, n) (a cut, or 0; e a cut, or n),
 * its UTF-8 checked in the same pass: the piece is cut again as a text of
 * its own (tx_share_cut) into blocks of about TX_FUSED_BLOCK (twice the
 * minimum chunk when that is less, so that tests reach every edge), each
 * checked, then counted while it is hot, the windows that the check
 * found without the word's probes passed untested (map_query). A block
 * without a cut joins the next one. Once an error is noted (here or in
 * another share) the count stops (0), the check goes on up to the
 * error. */
static size_t fused_count(const tx_query *q, const unsigned char *t,
                          size_t n, size_t a, size_t e, size_t *slot)
{
    const unsigned char *pt = t + a;
    size_t block = 2 * tx_min_chunk_bytes(); /* tiny in tests: every edge */
    if (block > TX_FUSED_BLOCK)
        block = TX_FUSED_BLOCK;
    size_t pn = e - a, blocks = pn / block, start = 0, c = 0;
    if (blocks == 0)
        blocks = 1;
    tx_query own;
    tx_quiet_map map;
    tx_quiet_map *mp = map_query(q, &own, &map) ? &map : NULL;
    const tx_query *cq = mp != NULL ? &own : q;
    for (size_t j = 0; j < blocks && !TX_STOPPED(q->stop); j++) {
        size_t lo, hi;
        tx_share_bytes(pn, j, blocks, &lo, &hi);
        if (check_span(q, t, n, a + lo, a + hi, slot, mp)) {
            /* no count is of use now; an earlier error may still be here */
            if (a + hi >= __atomic_load_n(slot, __ATOMIC_RELAXED))
                return 0;
            continue;
        }
        if (mp != NULL && busy_map(mp)) { /* the map saves nothing here */
            cq = q;
            mp = NULL;
        }
        size_t next = j + 1 < blocks ? tx_share_cut(q, pt, pn, j + 1, blocks)
                                     : pn;
        if (next == TX_NONE)
            continue;
        if (next < start || next > pn) /* the text changed under the call */
            next = next < start ? start : pn;
        c += tx_words(cq, pt + start, next - start);
        start = next;
    }
    return c;
}

/* Room on the stack for a word written in code units. */
#define UNITS_LOCAL 256

/* A query's own word in code units: on the stack, or malloc'd. */
typedef struct {
    unsigned char local[UNITS_LOCAL];
    unsigned char *heap;
} units_word;

/* Makes *q, a copy of base, the query for the UTF-8 word s[0, len) in
 * code units of width w, written in *buf. Returns 0, or -1 out of
 * memory. */
static int units_query(tx_query *q, const tx_query *base, const char *s,
                       size_t len, size_t w, units_word *buf)
{
    unsigned char *to = buf->local;
    size_t units = 0;
    buf->heap = NULL;
    if (len * w > UNITS_LOCAL && (to = buf->heap = malloc(len * w)) == NULL)
        return -1;
    int fits = tx_units_from_utf8((const unsigned char *)s, len, w, to,
                                  &units) == 0;
    *q = *base;
    q->word = to;
    q->word_len = fits ? units * w : 0;
    q->mode = TEXTOPS_BYTES; /* an empty word counts units */
    q->unit = w > 1 ? w : 0;
    tx_prepare(q);
    if (!fits)
        q->plan = TX_PLAN_NONE;
    return 0;
}

/* The prepared query for text i: `shared` (or by_width) when every text
 * has the same word, else *own, made from base and words[i] (in *buf for
 * texts of code units; NULL when out of memory). */
static const tx_query *query_for(const count_batch *cb, size_t i,
                                 tx_query *own, units_word *buf)
{
    buf->heap = NULL;
    if (cb->widths != NULL && cb->base->kind == TX_COUNT &&
        cb->widths[i] != 0) {
        size_t w = cb->widths[i] == 1 || cb->widths[i] == 2 ? cb->widths[i]
                                                             : 4;
        if (cb->by_width[w] != NULL)
            return cb->by_width[w];
        return units_query(own, cb->base, cb->words[i], cb->word_lens[i], w,
                           buf) == 0
                   ? own
                   : NULL;
    }
    if (cb->shared != NULL)
        return cb->shared;
    *own = *cb->base;
    own->word = (const unsigned char *)cb->words[i];
    own->word_len = cb->word_lens[i];
    tx_prepare(own);
    return own;
}

/* The width of text i's units when its words go through units.c, or 0. */
static size_t word_units(const count_batch *cb, size_t i)
{
    if (cb->widths == NULL || cb->base->kind == TX_COUNT)
        return 0;
    size_t w = cb->widths[i];
    return w == 0 || w == 1 || w == 2 ? w : 4;
}

static size_t count_text(tx_batch *b, size_t tid, size_t i)
{
    count_batch *cb = (count_batch *)b;
    tx_query own;
    units_word buf;
    (void)tid;
    const tx_query *q = query_for(cb, i, &own, &buf);
    if (q == NULL) {
        b->failed = 1;
        return 0;
    }
    size_t c, w = word_units(cb, i);
    const unsigned char *t = (const unsigned char *)b->texts[i];
    if (cb->bad != NULL && fusable(q)) {
        c = fused_count(q, t, b->lens[i], 0, b->lens[i], &cb->bad[i]);
    } else if (cb->bad != NULL) {
        check_span(q, t, b->lens[i], 0, b->lens[i], &cb->bad[i], NULL);
        c = tx_words(q, t, b->lens[i]);
    } else if (w != 0) {
        tx_units_text x;
        int failed = 0;
        tx_units_text_init(&x, q, t, b->lens[i], w);
        c = tx_units_words(q, &x, 0, x.n, &failed);
        if (failed)
            b->failed = 1;
    } else {
        c = tx_words(q, t, b->lens[i]);
    }
    free(buf.heap);
    return c;
}

/* count_share for a text of units (units.c). */
static size_t units_share(const tx_query *q, const unsigned char *t,
                          size_t n, size_t w, size_t k, size_t pieces,
                          int *failed)
{
    tx_units_text x;
    size_t a, e;
    tx_units_text_init(&x, q, t, n, w);
    if (!tx_units_piece(q, &x, k, pieces, &a, &e))
        return 0;
    return tx_units_words(q, &x, a, e, failed);
}

/* count_share with the UTF-8 check (count_batch.bad): fused where the
 * query allows, else the share's bytes checked, then counted. */
static size_t checked_share(const tx_query *q, tx_batch *b, size_t i,
                            size_t k, size_t pieces)
{
    const unsigned char *t = (const unsigned char *)b->texts[i];
    size_t n = b->lens[i], a, e, *slot = &((count_batch *)b)->bad[i];
    if (fusable(q))
        return tx_share_piece(q, t, n, k, pieces, tx_batch_cuts(b, i), &a,
                              &e)
                   ? fused_count(q, t, n, a, e, slot)
                   : 0;
    tx_share_bytes(n, k, pieces, &a, &e);
    check_span(q, t, n, a, e, slot, NULL);
    return count_share(q, t, n, k, pieces, tx_batch_cuts(b, i));
}

static size_t count_piece(tx_batch *b, size_t tid, size_t i, size_t k,
                          size_t pieces)
{
    tx_query own;
    units_word buf;
    (void)tid;
    const tx_query *q = query_for((count_batch *)b, i, &own, &buf);
    if (q == NULL) {
        b->failed = 1;
        return 0;
    }
    size_t w = word_units((count_batch *)b, i);
    int failed = 0;
    size_t c = ((count_batch *)b)->bad != NULL
                   ? checked_share(q, b, i, k, pieces)
               : w != 0 ? units_share(q, (const unsigned char *)b->texts[i],
                                      b->lens[i], w, k, pieces, &failed)
                        : count_share(q, (const unsigned char *)b->texts[i],
                                      b->lens[i], k, pieces,
                                      tx_batch_cuts(b, i));
    if (failed)
        b->failed = 1;
    free(buf.heap);
    return c;
}

/* t.lower().split(sep) (an explicit separator: those of the lowered text,
 * which cuts of t cannot find) is counted on lowered copies of the texts,
 * which the call owns and cuts into shares as usual; without memory for
 * them, each text is counted whole (tx_words lowers it, shares.c gives it
 * no cut). Every other query reads the texts as they are. */
static void run_counts(const tx_query *query, size_t ntexts,
                       const char *const *texts, const size_t *lens,
                       size_t nwords, const char *const *words,
                       const size_t *word_lens, int threads, size_t *out,
                       size_t *bad)
{
    tx_query one, base = *query;
    tx_lowered copy;
    if (bad != NULL) {
        /* lowered copies (below) are not the texts: check those first */
        int before = lowered_sep(&base);
        for (size_t i = 0; i < ntexts; i++)
            bad[i] = before ? textops_utf8_check(texts[i], lens[i], threads)
                            : lens[i];
        if (before)
            bad = NULL;
    }
    if (tx_lower_for_sep(&base, ntexts, &texts, &lens, &copy) != 0)
        copy = (tx_lowered){NULL, NULL, NULL};
    units_word buf;
    count_batch cb = {{count_text, count_piece, ntexts, texts, lens,
                       base.stop, out, 0, 0, 0, NULL},
                      &base, NULL, words, word_lens, NULL, {NULL}, bad};
    if (nwords == 1) {
        /* one choice of probes for every text and share: from the texts */
        cb.shared = query_for(&cb, 0, &one, &buf);
        tx_needle_tune(&one.word_needle, ntexts, texts, lens);
        if (one.sep != NULL)
            tx_needle_tune(&one.sep_needle, ntexts, texts, lens);
    }
    tx_batch_plan(&cb.b, threads);
    tx_batch_run(&cb.b);
    tx_lowered_free(&copy);
}

size_t textops_substring_count(const char *text, size_t len,
                               const char *sub, size_t sub_len,
                               textops_mode mode, int threads)
{
    tx_query base = tx_make_query(TX_COUNT, NULL, 0, NULL, 0, mode);
    size_t out;
    run_counts(&base, 1, &text, &len, 1, &sub, &sub_len, threads, &out,
               NULL);
    return out;
}

size_t textops_word_count(const char *text, size_t len,
                          const char *word, size_t word_len,
                          const char *sep, size_t sep_len,
                          textops_mode mode, int threads)
{
    tx_query base = tx_make_query(TX_WORDS, NULL, 0, sep, sep_len, mode);
    size_t out;
    run_counts(&base, 1, &text, &len, 1, &word, &word_len, threads, &out,
               NULL);
    return out;
}

void textops_batch_word_count(size_t ntexts, const char *const *texts,
                              const size_t *lens, size_t nwords,
                              const char *const *words,
                              const size_t *word_lens,
                              const char *sep, size_t sep_len,
                              textops_mode mode, int threads, size_t *out)
{
    tx_query base = tx_make_query(TX_WORDS, NULL, 0, sep, sep_len, mode);
    run_counts(&base, ntexts, texts, lens, nwords, words, word_lens, threads,
               out, NULL);
}

void textops_batch_substring_count(size_t ntexts, const char *const *texts,
                                   const size_t *lens, size_t nsubs,
                                   const char *const *subs,
                                   const size_t *sub_lens,
                                   textops_mode mode, int threads,
                                   size_t *out)
{
    tx_query base = tx_make_query(TX_COUNT, NULL, 0, NULL, 0, mode);
    run_counts(&base, ntexts, texts, lens, nsubs, subs, sub_lens, threads,
               out, NULL);
}

void textops_batch_word_count_utf8(size_t ntexts, const char *const *texts,
                                   const size_t *lens, size_t nwords,
                                   const char *const *words,
                                   const size_t *word_lens, const char *sep,
                                   size_t sep_len, textops_mode mode,
                                   int threads, size_t *out, size_t *bad)
{
    tx_query base = tx_make_query(TX_WORDS, NULL, 0, sep, sep_len,
                                  mode | TEXTOPS_UNICODE);
    run_counts(&base, ntexts, texts, lens, nwords, words, word_lens, threads,
               out, bad);
}

void textops_batch_substring_count_utf8(size_t ntexts,
                                        const char *const *texts,
                                        const size_t *lens, size_t nsubs,
                                        const char *const *subs,
                                        const size_t *sub_lens, int threads,
                                        size_t *out, size_t *bad)
{
    tx_query base = tx_make_query(TX_COUNT, NULL, 0, NULL, 0,
                                  TEXTOPS_UNICODE);
    run_counts(&base, ntexts, texts, lens, nsubs, subs, sub_lens, threads,
               out, bad);
}

int textops_batch_units_count(size_t ntexts, const char *const *texts,
                              const size_t *lens,
                              const unsigned char *widths, size_t nsubs,
                              const char *const *subs,
                              const size_t *sub_lens, int threads,
                              size_t *out)
{
    tx_query one, base = tx_make_query(TX_COUNT, NULL, 0, NULL, 0,
                                       TEXTOPS_UNICODE);
    tx_query by_width[5];
    units_word bufs[5];
    count_batch cb = {{count_text, count_piece, ntexts, texts, lens,
                       base.stop, out, 0, 0, 0, NULL},
                      &base, NULL, subs, sub_lens, widths, {NULL}, NULL};
    int rc = 0;
    if (nsubs == 1) { /* for the texts given as UTF-8 (width 0) */
        one = base;
        one.word = (const unsigned char *)subs[0];
        one.word_len = sub_lens[0];
        tx_prepare(&one);
        tx_needle_tune(&one.word_needle, ntexts, texts, lens);
        cb.shared = &one;
    }
    for (size_t w = 1; w <= 4; w++) {
        bufs[w].heap = NULL;
        if (nsubs == 1 && (w == 1 || w == 2 || w == 4) && rc == 0) {
            rc = units_query(&by_width[w], &base, subs[0], sub_lens[0], w,
                             &bufs[w]);
            /* probes from the batch's texts, as run_counts chooses them */
            tx_needle_tune(&by_width[w].word_needle, ntexts, texts, lens);
            cb.by_width[w] = &by_width[w];
        }
    }
    if (rc == 0) {
        tx_batch_plan(&cb.b, threads);
        rc = tx_batch_run(&cb.b);
    }
    for (size_t w = 1; w <= 4; w++)
        free(bufs[w].heap);
    return rc;
}

int textops_units_count(const char *text, size_t len, int width,
                        const char *sub, size_t sub_len, int threads,
                        size_t *count)
{
    unsigned char w = (unsigned char)width;
    return textops_batch_units_count(1, &text, &len, &w, 1, &sub, &sub_len,
                                     threads, count);
}

int textops_batch_units_word_count(size_t ntexts, const char *const *texts,
                                   const size_t *lens,
                                   const unsigned char *widths,
                                   size_t nwords, const char *const *words,
                                   const size_t *word_lens, const char *sep,
                                   size_t sep_len, textops_mode mode,
                                   int threads, size_t *out)
{
    /* no lowered copies (run_counts): a lowered split(sep) goes whole */
    tx_query one, base = tx_make_query(TX_WORDS, NULL, 0, sep, sep_len, mode);
    units_word buf;
    count_batch cb = {{count_text, count_piece, ntexts, texts, lens,
                       base.stop, out, 0, 0, 0, NULL},
                      &base, NULL, words, word_lens, widths, {NULL}, NULL};
    if (nwords == 1)
        cb.shared = query_for(&cb, 0, &one, &buf);
    tx_batch_plan(&cb.b, threads);
    return tx_batch_run(&cb.b);
}

int textops_units_word_count(const char *text, size_t len, int width,
                             const char *word, size_t word_len,
                             const char *sep, size_t sep_len,
                             textops_mode mode, int threads, size_t *count)
{
    unsigned char w = (unsigned char)width;
    return textops_batch_units_word_count(1, &text, &len, &w, 1, &word,
                                          &word_len, sep, sep_len, mode,
                                          threads, count);
}

/* --- a batch of items read as they are counted --------------------------- */

/* A query prepared once for every slice of a batch (textops_prepare_count):
 * the word and separator copied, a query per kind of text, and the probes
 * chosen once, from a sample of the first slice's texts. */
struct textops_prepared {
    int words, mode, tuned;
    char *copy;          /* the word, then the separator */
    tx_query base;       /* the separator and mode */
    tx_query q[5];       /* by the width of a text's units (0: UTF-8 or
                          * bytes); a word count has only q[0] */
    units_word bufs[5];  /* the word in those units */
    tx_needle units[5];  /* word counts: the word in those units, for
                          * tx_units_text.word */
    int has_units[5];
    tx_tally tally[5];   /* substring counts: the tally of each query */
    int dense;           /* the sample found the word frequent */
};

/* Tests force the tallies' token test into every block (1), into blocks
 * with a match (0), or leave it to the sample (-1). */
static int tally_dense_forced = -1;

int textops_set_tally_dense(int dense)
{
    int was = tally_dense_forced;
    tally_dense_forced = dense < 0 ? -1 : dense != 0;
    return was;
}

/* The tallies of p's queries, from their needles' probes: substrings in
 * every kind of text; split()'s tokens (not lowered) in bytes, UTF-8 and
 * the units of a str. */
static void prepare_tallies(textops_prepared *p)
{
    const tx_query *q0 = &p->q[0];
    const int tokens = p->words && q0->plan == TX_PLAN_SPACE && !q0->lower;
    for (size_t w = 0; w <= 4; w++) {
        const tx_query *q = &p->q[w];
        const tx_needle *nd = &q->word_needle;
        memset(&p->tally[w], 0, sizeof p->tally[w]);
        if (w == 3)
            continue;
        if (!p->words && q->plan == TX_PLAN_COUNT)
            tx_tally_init(&p->tally[w], nd->s, nd->m, w ? w : 1, nd->at[0],
                          nd->at[1], 0);
        else if (tokens && w == 0)
            tx_tally_init(&p->tally[w], nd->s, nd->m, 1, nd->at[0],
                          nd->at[1],
                          p->mode & TEXTOPS_UNICODE ? TX_SPACE_UTF8
                                                    : TX_SPACE_BYTES);
        else if (tokens && p->has_units[w])
            tx_tally_init(&p->tally[w], p->units[w].s, p->units[w].m, w,
                          p->units[w].at[0], p->units[w].at[1],
                          TX_SPACE_UNITS);
        p->tally[w].dense =
            tally_dense_forced >= 0 ? tally_dense_forced : p->dense;
    }
}

textops_prepared *textops_prepare_count(int words, const char *word,
                                        size_t word_len, const char *sep,
                                        size_t sep_len, textops_mode mode)
{
    textops_prepared *p = calloc(1, sizeof *p);
    size_t nsep = sep != NULL ? sep_len : 0;
    if (p == NULL || (p->copy = malloc(word_len + nsep + 1)) == NULL) {
        free(p);
        return NULL;
    }
    memcpy(p->copy, word, word_len);
    if (sep != NULL)
        memcpy(p->copy + word_len, sep, sep_len);
    p->words = words != 0;
    p->mode = mode;
    p->base = tx_make_query(words ? TX_WORDS : TX_COUNT, NULL, 0,
                            sep != NULL ? p->copy + word_len : NULL, nsep,
                            mode);
    p->q[0] = p->base;
    p->q[0].word = (const unsigned char *)p->copy;
    p->q[0].word_len = word_len;
    tx_prepare(&p->q[0]);
    int rc = 0;
    for (size_t w = 1; w <= 4; w++) {
        p->bufs[w].heap = NULL;
        if (w == 3)
            continue;
        if (words) { /* counted in the units by units.c, or via UTF-8 */
            units_word *b = &p->bufs[w];
            unsigned char *to = b->local;
            size_t units = 0;
            if (word_len * w > UNITS_LOCAL &&
                (to = b->heap = malloc(word_len * w)) == NULL) {
                rc = -1;
            } else if (tx_units_from_utf8((const unsigned char *)p->copy,
                                          word_len, w, to, &units) == 0) {
                /* else a character too wide for the units: units.c finds
                 * it in no text */
                tx_needle_init(&p->units[w], to, units * w);
                p->units[w].stop = p->base.stop;
                p->has_units[w] = 1;
            }
        } else if (mode & TEXTOPS_UNICODE) {
            rc |= units_query(&p->q[w], &p->base, p->copy, word_len, w,
                              &p->bufs[w]);
        }
    }
    if (rc != 0) {
        textops_prepared_free(p);
        return NULL;
    }
    prepare_tallies(p);
    return p;
}

void textops_prepared_free(textops_prepared *p)
{
    if (p == NULL)
        return;
    for (size_t w = 1; w <= 4; w++)
        free(p->bufs[w].heap);
    free(p->copy);
    free(p);
}

/* Items of a sample read for the probes (each up to SAMPLE_BYTES). */
#define SAMPLE_ITEMS 64
#define SAMPLE_BYTES 64

/* A word found once in DENSE_BYTES bytes of the sample or more often is
 * frequent: its tallies test a token's neighbours in every block (a
 * branch on the blocks with a match, a quarter of them or more, then
 * costs more than the test; "the" in English: 30 -> 25 ms on a million
 * short documents, a rare word's 21 ms would be 25 so). */
#define DENSE_BYTES 256

/* The occurrences of p's word in the sampled bytes s[0, n) of a text of
 * kind w (0: bytes or UTF-8, else units of w bytes; at any offset: an
 * estimate). */
static size_t sample_hits(const textops_prepared *p, const unsigned char *s,
                          size_t n, size_t w)
{
    const tx_tally *t = &p->tally[w <= 4 ? w : 0];
    size_t m = t->k * t->width, hits = 0;
    if (!t->space || m == 0 || m > n)
        return 0;
    const unsigned char *word = w == 0 ? p->q[0].word_needle.s
                                       : p->units[w].s;
    for (size_t i = 0; i + m <= n; i++)
        hits += memcmp(s + i, word, m) == 0;
    return hits;
}

/* Chooses the probes of p's needles from a sample of items[0, n): the
 * first bytes of up to SAMPLE_ITEMS items spread over them, each needle
 * from the texts of its own kind (a width's zero bytes are common only in
 * its own texts). Returns the sampled texts' mean length (0: none read). */
static size_t tune_prepared(textops_prepared *p, size_t n,
                            const void *const *items, textops_reader read)
{
    uint32_t h[5][256];
    size_t got[5] = {0}, len = 0, k = 0, hits = 0;
    /* once tuned, a few items for the mean length */
    size_t items_n = p->tuned ? SAMPLE_ITEMS / 8 : SAMPLE_ITEMS;
    memset(h, 0, sizeof h);
    for (size_t j = 0; j < items_n && j < n; j++) {
        const char *data;
        size_t size;
        unsigned char width;
        if (read(items[j * n / (n < items_n ? n : items_n)],
                 p->words, p->mode, &data, &size, &width) != 1)
            continue;
        size_t w = width <= 4 ? width : 0, take = size;
        if (take > SAMPLE_BYTES * (w ? w : 1))
            take = SAMPLE_BYTES * (w ? w : 1);
        for (size_t i = 0; i < take && !p->tuned; i++)
            h[w][(unsigned char)data[i]]++;
        if (!p->tuned)
            hits += sample_hits(p, (const unsigned char *)data, take, w);
        got[w] += take;
        len += size;
        k++;
    }
    if (!p->tuned && k > 0) {
        for (size_t w = 0; w <= 4; w++) {
            /* texts of width 1 and UTF-8 texts hold the same bytes */
            size_t from = got[w] ? w : w <= 1 && got[1 - w] ? 1 - w : 5;
            if (from == 5 || w == 3)
                continue;
            if (w == 0 || !p->words) {
                tx_needle_tune_counts(&p->q[w].word_needle, h[from]);
                if (p->q[w].sep != NULL)
                    tx_needle_tune_counts(&p->q[w].sep_needle, h[from]);
            } else if (p->has_units[w]) {
                tx_needle_tune_counts(&p->units[w], h[from]);
            }
        }
        size_t sampled = got[0] + got[1] + got[2] + got[4];
        p->dense = hits * DENSE_BYTES >= sampled;
        p->tuned = 1;
        prepare_tallies(p);
    }
    return k ? len / k : 0;
}

typedef struct {
    tx_prefix pr;
    const textops_prepared *p;
    const void *const *items;
    textops_reader read;
    tx_tally_fn tally; /* NULL: every text through the scan */
    size_t *out;
} items_job;

/* The count of one text of a prepared query: bytes or UTF-8 (w 0), or
 * code units of w bytes. Sets *failed when out of memory. */
static size_t prepared_count(const textops_prepared *p, tx_tally_fn tally,
                             const unsigned char *t, size_t len, size_t w,
                             int *failed)
{
    if (tally != NULL && p->tally[w].k != 0 && len <= TX_TALLY_TEXT) {
        size_t count = tally(&p->tally[w], t, len);
        if (count != TX_TALLY_UNSURE)
            return count;
    }
    if (!p->words || w == 0)
        return tx_words(&p->q[w], t, len);
    /* a word count in the units: the UTF-8 query, the word in the units */
    tx_units_text x;
    tx_units_text_init(&x, &p->q[0], t, len, w);
    if (p->has_units[w])
        x.word = &p->units[w];
    return tx_units_words(&p->q[0], &x, 0, x.n, failed);
}

/* What the reader gave for an item read ahead. */
typedef struct {
    const char *data;
    size_t len;
    int ok;
    unsigned char width;
} item_read;

/* Items are read NEAR items before they are counted (their texts asked
 * of the memory then), their first two lines asked for 2 * NEAR items
 * before (a str's header and the start of its text): each item is a cache
 * miss or more. RING holds the reads in between. On a million documents
 * of 40-200 characters in random order (AVX-512, substring "zyzzyva"),
 * asking for the second line too: 28.4 -> 25.7 ms on 1 thread, 17.3 ->
 * 14.7 on 2. */
#define NEAR 16
#define RING 32
/* The most of a text asked for ahead; its first AHEAD_LINES lines
 * without a branch (a loop over a short text's 1-4 lines mispredicted its
 * end for most texts: 31.6 -> 28.4 ms on 1 thread, same measure). */
#define AHEAD_BYTES 1024
#define AHEAD_LINES 4

static inline __attribute__((always_inline)) void
read_ahead(const items_job *j, size_t i, item_read *r)
{
    r->ok = j->read(j->items[i], j->p->words, j->p->mode, &r->data, &r->len,
                    &r->width) == 1;
    if (!r->ok)
        return;
    const size_t most = r->len < AHEAD_BYTES ? r->len : AHEAD_BYTES;
    const size_t end = most > 0 ? most - 1 : 0;
    for (size_t at = 0; at < AHEAD_LINES * 64; at += 64)
        __builtin_prefetch(r->data + (at < end ? at : end));
    for (size_t at = AHEAD_LINES * 64; at < most; at += 64)
        __builtin_prefetch(r->data + at);
    __builtin_prefetch(r->data + end);
}

/* The first two lines of an item (a hint never faults, so the second may
 * lie past it). */
static inline void fetch_item(const void *item)
{
    __builtin_prefetch(item);
    __builtin_prefetch((const char *)item + 64);
}

static size_t items_run(tx_prefix *pr, size_t tid, size_t a, size_t e,
                        size_t *budget)
{
    const items_job *j = (const items_job *)pr;
    item_read ring[RING];
    (void)tid;
    for (size_t i = a; i < e && i < a + 2 * NEAR; i++)
        fetch_item(j->items[i]);
    for (size_t i = a; i < e && i < a + NEAR; i++)
        read_ahead(j, i, &ring[i % RING]);
    for (size_t i = a; i < e; i++) {
        if (i + 2 * NEAR < e)
            fetch_item(j->items[i + 2 * NEAR]);
        if (i + NEAR < e)
            read_ahead(j, i + NEAR, &ring[(i + NEAR) % RING]);
        const item_read *r = &ring[i % RING];
        if (!r->ok) /* declined: its width and text were not read */
            return i;
        size_t w = r->width == 1 || r->width == 2 ? r->width
                   : r->width == 0                ? 0
                                                  : 4;
        int failed = 0;
        j->out[i] = prepared_count(j->p, j->tally,
                                   (const unsigned char *)r->data, r->len, w,
                                   &failed);
        if (failed) {
            pr->failed = 1;
            return i;
        }
        if (r->len >= *budget) {
            *budget = 0;
            return i + 1;
        }
        *budget -= r->len;
    }
    return e;
}

size_t textops_items_count(textops_prepared *p, size_t n,
                           const void *const *items, textops_reader read,
                           size_t budget, int threads, size_t *out)
{
    items_job j = {{items_run, n, budget, 1, 0, 0, 0}, p, items, read,
                   tx_tally_kernel(), out};
    size_t mean = tune_prepared(p, n, items, read);
    size_t nthreads = tx_resolve_threads(threads);
    if (tx_serial(mean * n, nthreads))
        nthreads = 1;
    /* a few chunks per thread and each no more than 256 items: the pool
     * stays balanced, the claims few */
    size_t grain = n / (16 * nthreads);
    j.pr.chunk = grain < 1 ? 1 : grain > 256 ? 256 : grain;
    return tx_prefix_run(&j.pr, nthreads);
}

int textops_units_line_word_counts(const char *text, size_t len, int width,
                                   const char *word, size_t word_len,
                                   const char *sep, size_t sep_len,
                                   textops_mode mode, size_t **counts,
                                   size_t *nlines)
{
    tx_query q = tx_make_query(TX_LINES, word, word_len, sep, sep_len, mode);
    tx_units_text x;
    size_t w = width == 1 || width == 2 ? (size_t)width : 4;
    tx_units_text_init(&x, &q, (const unsigned char *)text, len, w);
    return tx_units_lines(&q, &x, counts, nlines);
}

void textops_free(void *p) { free(p); }

