/* Token frequencies and many-word counts, reading each text once.
 *
 * Both walk the tokens of t.split(sep): runs of non-whitespace (Unicode or
 * ASCII whitespace, by mode) for sep == NULL, else the pieces between the
 * separators the greedy left-to-right split takes, empty ones included.
 * A token is a (pointer, length) into the caller's text; nothing is copied
 * until the result is laid out.
 *
 * Frequencies: each thread counts its texts and shares in a hash table of
 * its own; the tables are merged at the end. Many words: the words form
 * one read-only hash table, and each token is looked up in it.
 *
 * Large texts are cut into shares exactly as the other counts are (see
 * parallel.c): just after ASCII whitespace for split(), just after a
 * separator that the greedy split surely takes for split(sep). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "tokens.h"

/* --- hash table of tokens ------------------------------------------------ */

/* Bytes of a token kept in its entry: most words fit, so finding a word
 * does not read the far-away text of its first occurrence. */
#define TX_HEAD 24

/* A distinct token and its value (a count, or a word's index + 1). s is
 * its first occurrence seen so far, in text number `text`; head its first
 * TX_HEAD bytes, zero-padded. One cache line. */
typedef struct {
    const unsigned char *s;
    size_t len;
    size_t value;
    uint64_t hash;
    size_t text;
    unsigned char head[TX_HEAD];
} tx_entry;

/* A token about to be looked up: where it is, its hash and its head. */
typedef struct {
    const unsigned char *s;
    size_t len;
    uint64_t hash;
    unsigned char head[TX_HEAD];
} tx_key;

/* Entries in the order they were added, found through an open-addressing
 * index whose buckets hold the high half of the hash and the entry number
 * + 1 (0: empty). The index is small enough to stay in cache, and the
 * entries of frequent tokens, added early, sit together. */
typedef struct {
    uint64_t *buckets;
    size_t mask; /* buckets - 1, a power of two */
    tx_entry *entries;
    size_t used, capacity;
} tx_table;

static uint64_t mix(uint64_t h)
{
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h;
}

/* A hash of s[0, n), eight bytes at a time. */
static uint64_t hash_bytes(const unsigned char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = mix(h ^ w) * 0xbf58476d1ce4e5b9ULL;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)s[i] << (8 * i);
    return mix(h ^ w ^ ((uint64_t)n << 59));
}

/* The bytes of s[0, n), n < 8, as a little-endian word (what hash_bytes
 * reads), with one load when at least 8 bytes before `end` are readable. */
static inline uint64_t short_word(const unsigned char *s, size_t n,
                                  const unsigned char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (end - s >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        return w & (((uint64_t)1 << (8 * n)) - 1);
    }
#else
    (void)end;
#endif
    uint64_t w = 0;
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)s[i] << (8 * i);
    return w;
}

/* hash_bytes of a token shorter than 8 bytes, from its short_word. */
static inline uint64_t hash_short(uint64_t w, size_t n)
{
    return mix(0x9e3779b97f4a7c15ULL ^ n ^ w ^ ((uint64_t)n << 59));
}

#define TX_EMPTY 0
#define TX_MAX_ENTRIES 0xFFFFFFFEu

/* The key of token s[0, n); bytes up to `end` may be read. */
static tx_key make_key(const unsigned char *s, size_t n,
                       const unsigned char *end)
{
    tx_key k = {s, n, 0, {0}};
    if (n < 8) {
        uint64_t w = short_word(s, n, end);
        k.hash = hash_short(w, n);
        memcpy(k.head, &w, 8);
    } else {
        k.hash = hash_bytes(s, n);
        memcpy(k.head, s, n < TX_HEAD ? n : TX_HEAD);
    }
    return k;
}

/* 0 on success, -1 when memory runs out (the table is then empty). */
static int table_init(tx_table *tb, size_t nbuckets)
{
    tb->buckets = calloc(nbuckets, sizeof *tb->buckets);
    tb->entries = malloc(nbuckets / 2 * sizeof *tb->entries);
    tb->mask = nbuckets - 1;
    tb->used = 0;
    tb->capacity = nbuckets / 2;
    if (tb->buckets == NULL || tb->entries == NULL) {
        free(tb->buckets);
        free(tb->entries);
        tb->buckets = NULL;
        tb->entries = NULL;
        return -1;
    }
    return 0;
}

static void table_free(tx_table *tb)
{
    free(tb->buckets);
    free(tb->entries);
}

static int same_token(const tx_entry *e, const tx_key *k)
{
    return e->len == k->len && memcmp(e->head, k->head, TX_HEAD) == 0 &&
           (k->len <= TX_HEAD ||
            memcmp(e->s + TX_HEAD, k->s + TX_HEAD, k->len - TX_HEAD) == 0);
}

/* The entry holding the key's token, or NULL; *bucket is set to its
 * bucket, or to the empty bucket where it would go. */
static tx_entry *table_find(const tx_table *tb, const tx_key *k,
                            size_t *bucket)
{
    uint64_t tag = k->hash >> 32;
    size_t i = (size_t)k->hash & tb->mask;
    for (;;) {
        uint64_t b = tb->buckets[i];
        if (b == TX_EMPTY) {
            *bucket = i;
            return NULL;
        }
        if (b >> 32 == tag) {
            tx_entry *e = &tb->entries[(b & 0xFFFFFFFFu) - 1];
            if (same_token(e, k)) {
                *bucket = i;
                return e;
            }
        }
        i = (i + 1) & tb->mask;
    }
}

/* Hints the processor to fetch what finding the key will read. */
static void table_prefetch(const tx_table *tb, const tx_key *k, int entry)
{
#if defined(__GNUC__)
    const uint64_t *b = &tb->buckets[(size_t)k->hash & tb->mask];
    if (!entry)
        __builtin_prefetch(b);
    else if (*b != TX_EMPTY)
        __builtin_prefetch(&tb->entries[(*b & 0xFFFFFFFFu) - 1]);
#else
    (void)tb, (void)k, (void)entry;
#endif
}

/* Makes room for one more entry; 0 on success, -1 (table unchanged)
 * without memory. */
static int table_reserve(tx_table *tb)
{
    if (tb->used == TX_MAX_ENTRIES)
        return -1;
    if (tb->used == tb->capacity) {
        tx_entry *more = realloc(tb->entries,
                                 2 * tb->capacity * sizeof *more);
        if (more == NULL)
            return -1;
        tb->entries = more;
        tb->capacity *= 2;
    }
    if (2 * (tb->used + 1) <= tb->mask + 1) /* keep the load under 1/2 */
        return 0;
    size_t nbuckets = 2 * (tb->mask + 1);
    uint64_t *buckets = calloc(nbuckets, sizeof *buckets);
    if (buckets == NULL)
        return -1;
    for (size_t j = 0; j < tb->used; j++) {
        uint64_t h = tb->entries[j].hash;
        size_t i = (size_t)h & (nbuckets - 1);
        while (buckets[i] != TX_EMPTY)
            i = (i + 1) & (nbuckets - 1);
        buckets[i] = (h >> 32) << 32 | (uint64_t)(j + 1);
    }
    free(tb->buckets);
    tb->buckets = buckets;
    tb->mask = nbuckets - 1;
    return 0;
}

/* 1 if occurrence (a, at) comes before (b, bt) in the texts' order. */
static int earlier(size_t at, const unsigned char *a, size_t bt,
                   const unsigned char *b)
{
    return at < bt || (at == bt && a < b);
}

/* Adds `value` to the token's value, inserting it if new, and keeps its
 * earliest occurrence; returns the entry, or NULL when memory runs out. */
static tx_entry *table_add(tx_table *tb, const tx_key *k, size_t value,
                           size_t text)
{
    size_t bucket;
    tx_entry *e = table_find(tb, k, &bucket);
    if (e != NULL) {
        e->value += value;
        if (earlier(text, k->s, e->text, e->s)) {
            e->s = k->s;
            e->text = text;
        }
        return e;
    }
    if (2 * (tb->used + 1) > tb->mask + 1 || tb->used == tb->capacity) {
        if (table_reserve(tb) != 0)
            return NULL;
        table_find(tb, k, &bucket);
    }
    e = &tb->entries[tb->used++];
    e->s = k->s;
    e->len = k->len;
    e->value = value;
    e->hash = k->hash;
    e->text = text;
    memcpy(e->head, k->head, TX_HEAD);
    tb->buckets[bucket] = (k->hash >> 32) << 32 | (uint64_t)tb->used;
    return e;
}

/* A key for the token an entry holds. */
static tx_key entry_key(const tx_entry *e)
{
    tx_key k = {e->s, e->len, e->hash, {0}};
    memcpy(k.head, e->head, TX_HEAD);
    return k;
}

/* --- pieces of a batch ---------------------------------------------------- */

/* Hands the tokens of share k of `pieces` of text i (the whole text when
 * pieces is 0) to piece(self, tid, i, t, n, drop_last, shared), and marks
 * the batch failed when it returns nonzero (no memory). */
typedef int (*tx_piece_fn)(tx_batch *self, size_t tid, size_t text,
                           const unsigned char *t, size_t n, int drop_last,
                           int shared);

static size_t on_piece(tx_batch *b, const tx_query *q, tx_piece_fn piece,
                       size_t tid, size_t i, size_t k, size_t pieces)
{
    const unsigned char *t = (const unsigned char *)b->texts[i];
    size_t n = b->lens[i], a = 0, e = n;
    if (pieces != 0 && !tx_share_piece(q, t, n, k, pieces, &a, &e))
        return 0;
    if (piece(b, tid, i, t + a, e - a, e < n, pieces != 0))
        b->failed = 1;
    return 0;
}

/* --- frequencies --------------------------------------------------------- */

/* Tokens are looked up in batches: the slots of a whole batch are
 * requested from memory at once, so that their cache misses overlap. */
#define TX_BATCH 16

typedef struct {
    tx_sink base;
    tx_table *table;
    size_t text;
    size_t nkeys;
    tx_key keys[TX_BATCH];
} freq_sink;

static int freq_flush(freq_sink *f)
{
    for (size_t i = 0; i < f->nkeys; i++)
        table_prefetch(f->table, &f->keys[i], 1);
    for (size_t i = 0; i < f->nkeys; i++)
        if (table_add(f->table, &f->keys[i], 1, f->text) == NULL)
            return -1;
    f->nkeys = 0;
    return 0;
}

static int freq_token(tx_sink *s, const unsigned char *t, size_t n)
{
    freq_sink *f = (freq_sink *)s;
    tx_key *k = &f->keys[f->nkeys++];
    *k = make_key(t, n, s->end);
    table_prefetch(f->table, k, 0);
    return f->nkeys == TX_BATCH ? freq_flush(f) : 0;
}

typedef struct {
    tx_batch b;
    const tx_query *q;
    tx_table *tables; /* one per thread */
} freq_batch;

static int freq_piece(tx_batch *b, size_t tid, size_t text,
                      const unsigned char *t, size_t n, int drop_last,
                      int shared)
{
    freq_batch *fb = (freq_batch *)b;
    freq_sink sink = {{freq_token, t + n}, &fb->tables[tid], text, 0,
                      {{0}}};
    (void)shared;
    if (tx_tokens(fb->q, t, n, drop_last, &sink.base) != 0)
        return -1;
    return freq_flush(&sink);
}

static size_t freq_text(tx_batch *b, size_t tid, size_t i)
{
    return on_piece(b, ((freq_batch *)b)->q, freq_piece, tid, i, 0, 0);
}

static size_t freq_share(tx_batch *b, size_t tid, size_t i, size_t k,
                         size_t pieces)
{
    return on_piece(b, ((freq_batch *)b)->q, freq_piece, tid, i, k, pieces);
}

/* An entry's first occurrence, sorted without reading the entry again. */
typedef struct {
    size_t text;
    const unsigned char *s;
    const tx_entry *entry;
} tx_first;

static int by_first_occurrence(const void *a, const void *b)
{
    const tx_first *x = a, *y = b;
    return earlier(x->text, x->s, y->text, y->s) ? -1
           : earlier(y->text, y->s, x->text, x->s) ? 1 : 0;
}

/* Lays the distinct tokens of tb out as out->data (the tokens end to end)
 * and out->info (byte length, length in characters by mode, count), in
 * the order of their first occurrences, as Counter(t.split()) has them. */
static int lay_out(const tx_table *tb, int mode, textops_tokens *out)
{
    size_t nbytes = 0, n = tb->used;
    for (size_t i = 0; i < n; i++)
        nbytes += tb->entries[i].len;
    char *data = malloc(nbytes ? nbytes : 1);
    size_t *info = malloc((n ? 3 * n : 1) * sizeof *info);
    tx_first *order = malloc((n ? n : 1) * sizeof *order);
    if (data == NULL || info == NULL || order == NULL) {
        free(data);
        free(info);
        free(order);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (tx_first){tb->entries[i].text, tb->entries[i].s,
                              &tb->entries[i]};
    qsort(order, n, sizeof *order, by_first_occurrence);
    char *at = data;
    for (size_t k = 0; k < n; k++) {
        const tx_entry *e = order[k].entry;
        size_t chars = e->len;
        /* the head is at hand; the rest is read from the text */
        const unsigned char *token = e->len <= TX_HEAD ? e->head : e->s;
        if (mode == TEXTOPS_UNICODE) /* code points: non-continuation bytes */
            for (size_t j = 0; j < e->len; j++)
                chars -= (token[j] & 0xC0) == 0x80;
        if (e->len)
            memcpy(at, token, e->len);
        at += e->len;
        info[3 * k] = e->len;
        info[3 * k + 1] = chars;
        info[3 * k + 2] = e->value;
    }
    free(order);
    out->data = data;
    out->nbytes = nbytes;
    out->info = info;
    out->ntokens = n;
    return 0;
}

#define TX_TABLE_START 1024

int textops_word_frequencies(size_t ntexts, const char *const *texts,
                             const size_t *lens, const char *sep,
                             size_t sep_len, int mode, int threads,
                             textops_tokens *out)
{
    tx_query q = tx_make_query(TX_WORDS, NULL, 0, sep, sep_len, mode);
    freq_batch fb = {{freq_text, freq_share, ntexts, texts, lens, q.stop,
                      NULL, 0, 0, 0},
                     &q, NULL};
    size_t nthreads = tx_batch_plan(&fb.b, threads);
    tx_table *tables = calloc(nthreads, sizeof *tables);
    int rc = tables == NULL ? -1 : 0;
    for (size_t i = 0; i < nthreads && rc == 0; i++)
        rc = table_init(&tables[i], TX_TABLE_START);
    fb.tables = tables;
    if (rc == 0)
        rc = tx_batch_run(&fb.b);
    for (size_t i = 1; i < nthreads && rc == 0; i++) /* merge into 0 */
        for (size_t j = 0; j < tables[i].used && rc == 0; j++) {
            const tx_entry *e = &tables[i].entries[j];
            tx_key k = entry_key(e);
            if (table_add(&tables[0], &k, e->value, e->text) == NULL)
                rc = -1;
        }
    if (rc == 0 && tx_between_passes != NULL)
        tx_between_passes(); /* lay_out reads long tokens again */
    if (rc == 0)
        rc = lay_out(&tables[0], mode, out);
    for (size_t i = 0; tables != NULL && i < nthreads; i++)
        table_free(&tables[i]);
    free(tables);
    return rc;
}

/* --- many words ---------------------------------------------------------- */

typedef struct {
    tx_sink base;
    const tx_table *words;
    const uint32_t *shapes; /* see word_shapes */
    size_t *row; /* counts, one per distinct word */
    int atomic;  /* other threads add to the same row */
} words_sink;

/* The entry of the word table equal to t[0, n), or NULL (the words are
 * few and in cache: compared whole, without a head). */
static const tx_entry *set_find(const tx_table *tb, const unsigned char *t,
                                size_t n, const unsigned char *end)
{
    uint64_t w = n < 8 ? short_word(t, n, end) : 0;
    uint64_t h = n < 8 ? hash_short(w, n) : hash_bytes(t, n), tag = h >> 32;
    size_t i = (size_t)h & tb->mask;
    for (;;) {
        uint64_t b = tb->buckets[i];
        if (b == TX_EMPTY)
            return NULL;
        if (b >> 32 == tag) {
            const tx_entry *e = &tb->entries[(b & 0xFFFFFFFFu) - 1];
            if (e->len == n && (n < 8 ? memcmp(e->head, &w, 8) == 0
                                      : memcmp(e->s, t, n) == 0))
                return e;
        }
        i = (i + 1) & tb->mask;
    }
}

static int words_token(tx_sink *s, const unsigned char *t, size_t n)
{
    words_sink *ws = (words_sink *)s;
    if (!(ws->shapes[n ? t[0] : 256] >> (n < 31 ? n : 31) & 1))
        return 0; /* no word starts with this byte and has this length */
    const tx_entry *e = set_find(ws->words, t, n, s->end);
    if (e == NULL)
        return 0;
    size_t *cell = &ws->row[e->value - 1];
    if (ws->atomic) {
#ifdef _OPENMP
#pragma omp atomic
#endif
        (*cell)++;
    } else {
        (*cell)++;
    }
    return 0;
}

typedef struct {
    tx_batch b;
    const tx_query *q;
    const tx_table *words;
    size_t nwords;
    const uint32_t *shapes;
    size_t *out;    /* per text: ntexts rows of nwords, else NULL */
    size_t *totals; /* else one row of nwords per thread */
} words_batch;

static int words_piece(tx_batch *b, size_t tid, size_t text,
                       const unsigned char *t, size_t n, int drop_last,
                       int shared)
{
    words_batch *wb = (words_batch *)b;
    words_sink sink = {{words_token, t + n}, wb->words, wb->shapes, NULL,
                       0};
    if (wb->out != NULL) {
        sink.row = wb->out + text * wb->nwords;
        sink.atomic = shared;
    } else {
        sink.row = wb->totals + tid * wb->nwords;
    }
    return tx_tokens(wb->q, t, n, drop_last, &sink.base);
}

static size_t words_text(tx_batch *b, size_t tid, size_t i)
{
    return on_piece(b, ((words_batch *)b)->q, words_piece, tid, i, 0, 0);
}

static size_t words_share(tx_batch *b, size_t tid, size_t i, size_t k,
                          size_t pieces)
{
    return on_piece(b, ((words_batch *)b)->q, words_piece, tid, i, k,
                    pieces);
}

/* A filter that most tokens fail at once: shapes[c] has bit min(len, 31)
 * set for every word of that length that starts with byte c, and
 * shapes[256] bit 0 when a word is empty. */
static void word_shapes(size_t nwords, const char *const *words,
                        const size_t *word_lens, uint32_t *shapes)
{
    memset(shapes, 0, 257 * sizeof *shapes);
    for (size_t j = 0; j < nwords; j++) {
        size_t n = word_lens[j];
        unsigned c = n ? (unsigned char)words[j][0] : 256;
        shapes[c] |= (uint32_t)1 << (n < 31 ? n : 31);
    }
}

int textops_word_counts(size_t ntexts, const char *const *texts,
                        const size_t *lens, size_t nwords,
                        const char *const *words, const size_t *word_lens,
                        const char *sep, size_t sep_len, int mode,
                        int threads, int per_text, size_t *out)
{
    tx_query q = tx_make_query(TX_WORDS, NULL, 0, sep, sep_len, mode);
    words_batch wb = {{words_text, words_share, ntexts, texts, lens, q.stop,
                       NULL, 0, 0, 0},
                      &q, NULL, nwords, NULL, per_text ? out : NULL, NULL};
    size_t nthreads = tx_batch_plan(&wb.b, threads), capacity = 16;
    while (capacity < 2 * nwords + 2)
        capacity *= 2;
    tx_table set;
    size_t *first = malloc((nwords ? nwords : 1) * sizeof *first);
    size_t *totals = per_text ? NULL
                              : calloc(nthreads * (nwords ? nwords : 1),
                                       sizeof *totals);
    int rc = (first == NULL || (!per_text && totals == NULL)) ? -1 : 0;
    if (rc == 0 && table_init(&set, capacity) != 0)
        rc = -1;
    if (rc != 0) {
        free(first);
        free(totals);
        return -1;
    }
    /* the table maps each distinct word to the index of its first copy */
    for (size_t j = 0; j < nwords; j++) {
        const unsigned char *w = (const unsigned char *)words[j];
        tx_key k = make_key(w, word_lens[j], w + word_lens[j]);
        size_t bucket;
        tx_entry *e = table_find(&set, &k, &bucket);
        if (e == NULL)
            e = table_add(&set, &k, j + 1, 0);
        if (e == NULL) {
            rc = -1;
            break;
        }
        first[j] = e->value - 1;
    }
    if (per_text)
        memset(out, 0, ntexts * nwords * sizeof *out);
    uint32_t shapes[257];
    word_shapes(nwords, words, word_lens, shapes);
    wb.words = &set;
    wb.shapes = shapes;
    wb.totals = totals;
    if (rc == 0)
        rc = tx_batch_run(&wb.b);
    if (rc == 0 && !per_text)
        for (size_t j = 0; j < nwords; j++) {
            size_t sum = 0;
            for (size_t k = 0; k < nthreads; k++)
                sum += totals[k * nwords + j];
            out[j] = sum;
        }
    /* a repeated word gets the count of its first copy */
    for (size_t r = 0; rc == 0 && r < (per_text ? ntexts : 1); r++)
        for (size_t j = 0; j < nwords; j++)
            out[r * nwords + j] = out[r * nwords + first[j]];
    table_free(&set);
    free(first);
    free(totals);
    return rc;
}
