/* Token frequencies: Counter(t.split(sep)) over a batch of texts, reading
 * each text once.
 *
 * The tokens (tokens.c) are runs of non-whitespace (Unicode or ASCII
 * whitespace, by mode) for sep == NULL, else the pieces between the
 * separators the greedy left-to-right split takes, empty ones included.
 * A token is a (pointer, length) into the caller's text; nothing is copied
 * until the result is laid out. Each thread counts its texts and shares
 * (batch.c) in hash tables of its own (table.h): the short tokens (up to
 * TX_SHORT bytes: most words) in one of short slots, each token's bytes,
 * count and first occurrence in one slot, the others in a table of
 * entries; the tables are merged at the end, and the distinct tokens of
 * both laid out in the order of their first occurrence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "count.h"
#include "rules.h"
#include "table.h"
#include "tokens.h"

/* Tokens are looked up in batches: the slots of a whole batch are
 * requested from memory at once, so that their cache misses overlap. */
#define TX_BATCH 16

typedef struct {
    tx_sink base;
    tx_table *table;
    size_t text;
    const volatile int *stop;
    /* the text when it is the batch's only one, else NULL: a token that
     * is all of it is the only token of the call */
    const unsigned char *only;
    size_t only_len;
    int lower; /* tokens come lowered, in the tokenizer's buffer */
    size_t nkeys;
    tx_key keys[TX_BATCH];
    /* the table of the short tokens, or NULL (all go to `table`), and
     * the last TX_BATCH short tokens, a ring whose oldest token is
     * counted as each new one comes (its slot asked for from memory
     * TX_BATCH tokens before it is read) */
    tx_short_table *shorts;
    size_t nshort, oldest;
    struct {
        uint64_t word;
        const unsigned char *at;
        uint32_t len;
    } short_keys[TX_BATCH];
} freq_sink;

static int short_count(freq_sink *f, size_t i)
{
    return tx_short_add(f->shorts, f->short_keys[i].word,
                        f->short_keys[i].len, 1, f->short_keys[i].at,
                        (uint32_t)f->text);
}

/* Counts the short tokens of the ring. */
static int short_flush(freq_sink *f)
{
    for (size_t i = 0; i < f->nshort; i++)
        if (short_count(f, i) != 0)
            return -1;
    f->nshort = 0;
    f->oldest = 0;
    return 0;
}

static int freq_flush(freq_sink *f)
{
    for (size_t i = 0; i < f->nkeys; i++)
        tx_table_prefetch(f->table, &f->keys[i], 1);
    for (size_t i = 0; i < f->nkeys; i++)
        if (tx_table_add(f->table, &f->keys[i], 1, f->text) == NULL)
            return -1;
    f->nkeys = 0;
    return 0;
}

/* The key of a token longer than TX_CHECK_BYTES: its hash is taken a
 * stretch at a time, looking at the stop flag between stretches; -1 once
 * it is raised. The only token of the call needs no hash at all: no other
 * token is ever looked up in its table. */
static int long_key(const freq_sink *f, const unsigned char *t, size_t n,
                    tx_key *k)
{
    *k = (tx_key){t, n, 0, {0}, t};
    memcpy(k->head, t, TX_HEAD);
    if (t == f->only && n == f->only_len)
        return 0;
    uint64_t h = tx_hash_start(n);
    size_t done = 0;
    while (n - done >= 8) {
        if (TX_STOPPED(f->stop))
            return -1;
        size_t words = (n - done) / 8, most = TX_CHECK_BYTES / 8;
        words = words < most ? words : most;
        h = tx_hash_words(h, t + done, words);
        done += 8 * words;
    }
    k->hash = tx_hash_end(h, t + done, n - done);
    return 0;
}

static int freq_token(tx_sink *s, const unsigned char *t, size_t n)
{
    freq_sink *f = (freq_sink *)s;
    if (n - 1 < TX_SHORT && f->shorts != NULL) {
        uint64_t w = tx_short_key(t, n, s->end);
        tx_short_prefetch(f->shorts, w, n);
        size_t i = f->oldest;
        if (f->nshort < TX_BATCH) {
            i = f->nshort++;
        } else { /* full: the oldest is counted, the new one takes its place */
            if (short_count(f, i) != 0)
                return -1;
            f->oldest = (i + 1) % TX_BATCH;
        }
        f->short_keys[i].word = w;
        f->short_keys[i].at = f->lower ? s->at : t;
        f->short_keys[i].len = (uint32_t)n;
        return 0;
    }
    tx_key *k = &f->keys[f->nkeys++];
    if (n <= TX_CHECK_BYTES)
        tx_key_init(k, t, n, s->end);
    else if (long_key(f, t, n, k) != 0)
        return 1; /* stopped */
    if (f->lower) {
        k->at = s->at;
        if (n > TX_HEAD) /* its bytes do not outlive this call */
            return freq_flush(f);
    }
    tx_table_prefetch(f->table, k, 0);
    return f->nkeys == TX_BATCH ? freq_flush(f) : 0;
}

typedef struct {
    tx_batch b;
    const tx_query *q;
    tx_table *tables; /* one per thread */
    tx_short_table *shorts; /* one per thread, or NULL */
} freq_batch;

/* The tokens of share k of `pieces` of text i (whole when pieces is 0)
 * into the calling thread's table. */
static size_t freq_share(tx_batch *b, size_t tid, size_t i, size_t k,
                         size_t pieces)
{
    freq_batch *fb = (freq_batch *)b;
    const unsigned char *t;
    size_t n;
    int drop_last;
    if (!tx_batch_piece(b, fb->q, i, k, pieces, &t, &n, &drop_last))
        return 0;
    int single = b->ntexts == 1;
    freq_sink sink = {{freq_token, t + n, NULL}, &fb->tables[tid], i, b->stop,
                      single ? (const unsigned char *)b->texts[0] : NULL,
                      single ? b->lens[0] : 0, fb->q->lower, 0, {{0}},
                      fb->shorts != NULL ? &fb->shorts[tid] : NULL, 0,
                      0, {{0, NULL, 0}}};
    if (tx_tokens(fb->q, t, n, drop_last, &sink.base) != 0) {
        if (!TX_STOPPED(b->stop))
            b->failed = 1; /* no memory */
    } else if (freq_flush(&sink) != 0 ||
               (sink.shorts != NULL && short_flush(&sink) != 0)) {
        b->failed = 1;
    }
    return 0;
}

static size_t freq_text(tx_batch *b, size_t tid, size_t i)
{
    return freq_share(b, tid, i, 0, 0);
}

/* A distinct token's first occurrence, sorted without reading its entry
 * (or short slot) again. */
typedef struct {
    size_t text;
    const unsigned char *s;
    const tx_entry *entry;       /* its entry, or NULL: */
    const tx_short_slot *slot;   /* its short slot */
} tx_first;

static int by_first_occurrence(const void *a, const void *b)
{
    const tx_first *x = a, *y = b;
    return tx_earlier(x->text, x->s, y->text, y->s) ? -1
           : tx_earlier(y->text, y->s, x->text, x->s) ? 1 : 0;
}

/* 1 if the entry's token is all of its text, and long: as t.split() gives
 * [t] itself, the caller can take the text for the token, not a copy. */
static int is_whole(const tx_entry *e, const char *const *texts,
                    const size_t *lens)
{
    return e->len >= TEXTOPS_WHOLE_BYTES &&
           e->s == (const unsigned char *)texts[e->text] &&
           e->len == lens[e->text];
}

/* Lays the distinct tokens of tb and st (NULL: none) out as out->data
 * (the tokens end to end) and out->info (byte length, length in
 * characters by mode, count), in the order of their first occurrences,
 * as Counter(t.split()) has them; a long token that is a whole text is
 * not copied (out->whole) when out->keep_whole allows it. */
static int lay_out(const tx_table *tb, const tx_short_table *st, int mode,
                   const char *const *texts, const size_t *lens,
                   textops_tokens *out)
{
    size_t nbytes = 0, nwhole = 0, nshort = st != NULL ? st->used : 0;
    size_t n = tb->used + nshort;
    for (size_t i = 0; i < tb->used; i++) {
        int w = out->keep_whole && is_whole(&tb->entries[i], texts, lens);
        nwhole += (size_t)w;
        nbytes += w ? 0 : tb->entries[i].len;
    }
    for (size_t i = 0; nshort && i <= st->mask; i++)
        nbytes += st->slots[i].len;
    char *data = malloc(nbytes ? nbytes : 1);
    size_t *info = malloc((n ? 3 * n : 1) * sizeof *info);
    tx_first *order = malloc((n ? n : 1) * sizeof *order);
    size_t *whole = nwhole ? calloc(n, sizeof *whole) : NULL;
    if (data == NULL || info == NULL || order == NULL ||
        (nwhole && whole == NULL)) {
        free(data);
        free(info);
        free(order);
        free(whole);
        return -1;
    }
    for (size_t i = 0; i < tb->used; i++)
        order[i] = (tx_first){tb->entries[i].text, tb->entries[i].s,
                              &tb->entries[i], NULL};
    for (size_t i = 0, k = tb->used; nshort && i <= st->mask; i++)
        if (st->slots[i].len != 0)
            order[k++] = (tx_first){st->slots[i].text, st->slots[i].at, NULL,
                                    &st->slots[i]};
    qsort(order, n, sizeof *order, by_first_occurrence);
    char *at = data;
    for (size_t k = 0; k < n; k++) {
        const tx_entry *e = order[k].entry;
        size_t len, value;
        unsigned char word[TX_SHORT];
        const unsigned char *token;
        if (e != NULL) {
            len = e->len;
            value = e->value;
            if (nwhole && is_whole(e, texts, lens)) {
                whole[k] = e->text + 1;
                len = 0;
            }
            /* the head is at hand; the rest is read from the text */
            token = tx_entry_bytes(tb, e);
        } else {
            const tx_short_slot *sl = order[k].slot;
            len = sl->len;
            value = sl->value;
            for (size_t j = 0; j < len; j++)
                word[j] = (unsigned char)(sl->word >> (8 * j));
            token = word;
        }
        size_t chars = len;
        if (mode == TEXTOPS_UNICODE) /* code points: non-continuation bytes */
            for (size_t j = 0; j < len; j++)
                chars -= (token[j] & 0xC0) == 0x80;
        if (len)
            memcpy(at, token, len);
        at += len;
        info[3 * k] = len;
        info[3 * k + 1] = chars;
        info[3 * k + 2] = value;
    }
    free(order);
    out->data = data;
    out->nbytes = nbytes;
    out->info = info;
    out->ntokens = n;
    out->whole = whole;
    return 0;
}

#define TX_TABLE_START 1024
#define TX_SHORT_START 1024

int textops_word_frequencies(size_t ntexts, const char *const *texts,
                             const size_t *lens, const char *sep,
                             size_t sep_len, textops_mode mode, int threads,
                             textops_tokens *out)
{
    tx_query q = tx_make_query(TX_WORDS, NULL, 0, sep, sep_len, mode);
    tx_lowered copy;
    if (tx_lower_for_sep(&q, ntexts, &texts, &lens, &copy) != 0)
        return -1;
    if (q.lower || copy.buf != NULL)
        out->keep_whole = 0; /* the tokens are not the texts' own */
    freq_batch fb = {{freq_text, freq_share, ntexts, texts, lens, q.stop,
                      NULL, 0, 0, 0, NULL},
                     &q, NULL, NULL};
    out->whole = NULL;
    size_t nthreads = tx_batch_plan(&fb.b, threads);
    tx_table *tables = calloc(nthreads, sizeof *tables);
    /* a short token's text number is kept in 32 bits */
    tx_short_table *shorts =
        ntexts <= UINT32_MAX ? calloc(nthreads, sizeof *shorts) : NULL;
    int rc = tables == NULL || (ntexts <= UINT32_MAX && shorts == NULL) ? -1
                                                                        : 0;
    for (size_t i = 0; i < nthreads && rc == 0; i++)
        rc = tx_table_init(&tables[i], TX_TABLE_START) != 0 ? -1
             : q.lower ? tx_table_own_bytes(&tables[i])
                       : 0;
    for (size_t i = 0; shorts != NULL && i < nthreads && rc == 0; i++)
        rc = tx_short_init(&shorts[i], TX_SHORT_START);
    fb.tables = tables;
    fb.shorts = shorts;
    if (rc == 0)
        rc = tx_batch_run(&fb.b);
    if (rc == 0 && TX_STOPPED(q.stop)) {
        /* stopped: merging and laying out the tokens (millions, maybe)
         * would only delay the return of a result of no use */
        for (size_t i = 0; i < nthreads; i++)
            tables[i].used = 0;
        shorts = NULL; /* (freed below, from fb.shorts) */
    }
    for (size_t i = 1; i < nthreads && rc == 0; i++) /* merge into 0 */
        for (size_t j = 0; j < tables[i].used && rc == 0; j++) {
            const tx_entry *e = &tables[i].entries[j];
            tx_key k = tx_entry_key(&tables[i], e);
            if (tx_table_add(&tables[0], &k, e->value, e->text) == NULL)
                rc = -1;
        }
    for (size_t i = 1; shorts != NULL && i < nthreads && rc == 0; i++)
        for (size_t j = 0; j <= shorts[i].mask && rc == 0; j++) {
            const tx_short_slot *sl = &shorts[i].slots[j];
            if (sl->len != 0)
                rc = tx_short_add(&shorts[0], sl->word, sl->len, sl->value,
                                  sl->at, sl->text);
        }
    if (rc == 0 && TX_STOPPED(q.stop)) { /* stopped while merging */
        tables[0].used = 0;
        shorts = NULL;
    }
    if (rc == 0 && tx_between_passes != NULL)
        tx_between_passes(); /* lay_out reads long tokens again */
    if (rc == 0)
        rc = lay_out(&tables[0], shorts != NULL ? &shorts[0] : NULL, q.mode,
                     texts, lens, out);
    for (size_t i = 0; tables != NULL && i < nthreads; i++)
        tx_table_free(&tables[i]);
    free(tables);
    for (size_t i = 0; fb.shorts != NULL && i < nthreads; i++)
        tx_short_free(&fb.shorts[i]);
    free(fb.shorts);
    tx_lowered_free(&copy);
    return rc;
}

