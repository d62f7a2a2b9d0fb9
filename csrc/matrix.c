/* The document-term matrix of scikit-learn's CountVectorizer: for every
 * document, how often each term occurs in it, a term being a token
 * (tokens.c, by the rule in the mode) or two neighbouring tokens joined by
 * one space ("tok1 tok2"), after stop words are taken out, as
 * CountVectorizer._word_ngrams builds them.
 *
 * Each document is counted whole by one thread (batch.c). A thread keeps
 * its own table of tokens (table.h; the bytes copied into its arena, since
 * a lowered token lives only during the sink's call) and of token pairs,
 * its own numbering of the terms it meets, and the rows of its documents
 * as (term, count) pairs in one growing buffer. At the end the threads'
 * tables are merged into thread 0's (global ids), the tokens sorted by
 * their bytes and the terms by (rank of tok1, rank of tok2 + 1): as no \w
 * byte is below the space, "a b" sorts as the pair does, and a token just
 * before the bigrams that start with it (str order, which for UTF-8 is
 * byte order). Then every row is mapped to the sorted columns, sorted and
 * written to the CSR arrays, in parallel.
 *
 * With a fixed vocabulary (textops_vocab_matrix) the tokens of its terms
 * form one read-only table, and rows hold columns from the start. */
#define _DEFAULT_SOURCE /* madvise */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#ifdef _OPENMP
#include <omp.h>
#endif

#include "batch.h"
#include "count.h"
#include "table.h"
#include "team.h"
#include "tokens.h"

#define MX_NONE 0xFFFFFFFFu

/* --- an arena of token bytes: blocks that never move ------------------ */

typedef struct mx_block {
    struct mx_block *next;
    size_t used, size;
    unsigned char data[];
} mx_block;

typedef struct {
    mx_block *head;
} mx_arena;

#define MX_BLOCK ((size_t)256 << 10)

static unsigned char *arena_copy(mx_arena *a, const unsigned char *s,
                                 size_t n)
{
    mx_block *b = a->head;
    if (b == NULL || b->size - b->used < n) {
        size_t size = n > MX_BLOCK ? n : MX_BLOCK;
        mx_block *nb = malloc(sizeof *nb + size);
        if (nb == NULL)
            return NULL;
        nb->used = 0;
        nb->size = size;
        if (b != NULL && n > MX_BLOCK) { /* a big one: keep filling head */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    unsigned char *at = b->data + b->used;
    if (n)
        memcpy(at, s, n);
    b->used += n;
    return at;
}

static void arena_free(mx_arena *a)
{
    for (mx_block *b = a->head, *next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    a->head = NULL;
}

/* --- a table of token pairs: (tok1 << 32 | tok2) -> term id ------------ */

typedef struct {
    uint64_t key; /* UINT64_MAX: empty */
    uint32_t value;
} mx_slot;

typedef struct {
    mx_slot *slots;
    size_t mask, used;
} mx_pairs;

static int pairs_init(mx_pairs *p, size_t n)
{
    p->slots = malloc(n * sizeof *p->slots);
    p->mask = n - 1;
    p->used = 0;
    if (p->slots == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        p->slots[i].key = UINT64_MAX;
    return 0;
}

static inline size_t pair_hash(uint64_t key)
{
    return (size_t)tx_mix(key * 0x9e3779b97f4a7c15ULL);
}

/* The slot of key: its own, or the empty one where it goes. */
static inline mx_slot *pairs_find(const mx_pairs *p, uint64_t key)
{
    size_t i = pair_hash(key) & p->mask;
    for (;;) {
        mx_slot *s = &p->slots[i];
        if (s->key == key || s->key == UINT64_MAX)
            return s;
        i = (i + 1) & p->mask;
    }
}

static int pairs_grow(mx_pairs *p)
{
    mx_pairs bigger;
    if (pairs_init(&bigger, 2 * (p->mask + 1)) != 0)
        return -1;
    for (size_t i = 0; i <= p->mask; i++)
        if (p->slots[i].key != UINT64_MAX)
            *pairs_find(&bigger, p->slots[i].key) = p->slots[i];
    bigger.used = p->used;
    free(p->slots);
    *p = bigger;
    return 0;
}

/* The slot of key, inserted with `value` if new; NULL without memory. */
static inline mx_slot *pairs_add(mx_pairs *p, uint64_t key, uint32_t value,
                                 int *added)
{
    mx_slot *s = pairs_find(p, key);
    *added = s->key == UINT64_MAX;
    if (!*added)
        return s;
    if (2 * (p->used + 1) > p->mask + 1) {
        if (pairs_grow(p) != 0)
            return NULL;
        s = pairs_find(p, key);
    }
    s->key = key;
    s->value = value;
    p->used++;
    return s;
}

/* --- one thread's state ------------------------------------------------ */

/* A slot of the current row's table of terms: its term, the term's
 * place in the row, and the row it was filled for (a stamp: a slot of an
 * earlier row is empty). The table is small and stays in cache. */
typedef struct {
    uint32_t stamp, term, at;
} mx_local;

#define MX_LOCAL_START 256

typedef struct {
    tx_table tokens; /* value: unigram term id + 1 (0: none yet); text: 1
                        for a stop word */
    mx_arena arena;
    mx_pairs pairs;
    uint64_t *terms; /* per term: tok1 << 32 | tok2 (MX_NONE: a unigram) */
    size_t nterms, cap_terms;
    mx_local *local; /* the current row's terms */
    size_t local_mask, local_used;
    uint32_t *rows; /* (term or column, count) pairs, row after row */
    size_t nrows, cap_rows; /* in pairs */
    uint32_t stamp;
    int failed;
} mx_thread;

typedef struct {
    tx_batch b;
    const tx_query *q;
    int unigrams, bigrams;
    const tx_table *stop; /* fit: the stop words, or NULL */
    /* fixed vocabulary: the tokens of its terms (value: token id + 1,
     * text: 1 for a stop word), the column of each token as a unigram
     * (MX_NONE: none) and the pairs' columns */
    const tx_table *vocab;
    const uint32_t *uni_cols;
    const mx_pairs *pair_cols;
    mx_thread *threads;
    size_t *where;  /* per document: row start << 8 | thread */
    size_t *indptr; /* per document i: its row's length at i + 1 */
    /* set when a large document was counted after the thread's small
     * ones (a thread's rows are then not in document order) */
    volatile int out_of_order;
} mx_batch;

static int grow_terms(mx_thread *th, size_t need)
{
    if (need <= th->cap_terms)
        return 0;
    size_t cap = th->cap_terms ? 2 * th->cap_terms : 1024;
    while (cap < need)
        cap *= 2;
    uint64_t *terms = realloc(th->terms, cap * sizeof *terms);
    if (terms == NULL)
        return -1;
    th->terms = terms;
    th->cap_terms = cap;
    return 0;
}

static inline size_t local_hash(uint32_t f)
{
    return (size_t)((f * 0x9e3779b97f4a7c15ULL) >> 40);
}

/* A fresh (zeroed: every slot empty) table of 2^k >= n slots. */
static int local_make(mx_thread *th, size_t n)
{
    free(th->local);
    th->local = calloc(n, sizeof *th->local);
    th->local_mask = n - 1;
    return th->local != NULL ? 0 : -1;
}

/* Doubles the current row's table, putting its terms back. */
static int local_grow(mx_thread *th, size_t row_start)
{
    if (local_make(th, 2 * (th->local_mask + 1)) != 0)
        return -1;
    for (size_t r = row_start; r < th->nrows; r++) {
        uint32_t f = th->rows[2 * r];
        size_t i = local_hash(f) & th->local_mask;
        while (th->local[i].stamp == th->stamp)
            i = (i + 1) & th->local_mask;
        th->local[i] = (mx_local){th->stamp, f, (uint32_t)(r - row_start)};
    }
    return 0;
}

/* Counts term (or column) f once more in the current row. */
static inline int row_add(mx_thread *th, size_t row_start, uint32_t f)
{
    size_t i = local_hash(f) & th->local_mask;
    for (;;) {
        mx_local *e = &th->local[i];
        if (e->stamp != th->stamp)
            break;
        if (e->term == f) {
            th->rows[2 * (row_start + e->at) + 1]++;
            return 0;
        }
        i = (i + 1) & th->local_mask;
    }
    if (th->nrows == th->cap_rows) {
        size_t cap = th->cap_rows ? 2 * th->cap_rows : 4096;
        uint32_t *rows = realloc(th->rows, 2 * cap * sizeof *rows);
        if (rows == NULL)
            return -1;
        th->rows = rows;
        th->cap_rows = cap;
    }
    th->local[i] = (mx_local){th->stamp, f, (uint32_t)(th->nrows - row_start)};
    th->rows[2 * th->nrows] = f;
    th->rows[2 * th->nrows + 1] = 1;
    th->nrows++;
    if (2 * ++th->local_used > th->local_mask + 1)
        return local_grow(th, row_start);
    return 0;
}

/* Tokens are looked up in batches: what finding a whole batch reads is
 * requested from memory at once, so that the cache misses overlap. */
#define MX_BATCH 16

typedef struct {
    tx_sink base;
    mx_batch *mb;
    mx_thread *th;
    size_t row_start;
    uint32_t prev; /* the token before, stop words taken out */
    int lower;     /* tokens come lowered, in the tokenizer's buffer */
    size_t nkeys;
    tx_key keys[MX_BATCH];
} mx_sink;

/* A new term of the thread: its id, or MX_NONE without memory. */
static uint32_t new_term(mx_thread *th, uint64_t key)
{
    if (th->nterms >= MX_NONE - 1 || grow_terms(th, th->nterms + 1) != 0)
        return MX_NONE;
    th->terms[th->nterms] = key;
    return (uint32_t)th->nterms++;
}

static int is_stop(const tx_table *stop, const tx_key *k)
{
    size_t bucket;
    return stop != NULL && tx_table_find(stop, k, &bucket) != NULL;
}

/* The thread's token of key k (found, or added: copied, and checked
 * against the stop words), or NULL without memory. */
static tx_entry *fit_entry(mx_sink *ms, tx_key *k)
{
    mx_thread *th = ms->th;
    size_t bucket;
    tx_entry *e = tx_table_find(&th->tokens, k, &bucket);
    if (e != NULL)
        return e;
    int stop = is_stop(ms->mb->stop, k);
    /* a short token's bytes are its head (a lowered one's copy is gone) */
    k->s = k->at = arena_copy(&th->arena, k->len <= TX_HEAD ? k->head : k->s,
                              k->len);
    if (k->s == NULL || (e = tx_table_add(&th->tokens, k, 0, 0)) == NULL)
        return NULL;
    e->text = (size_t)stop;
    return e;
}

/* The batch's tokens into the row: their unigram and bigram terms. */
static int fit_flush(mx_sink *ms)
{
    mx_thread *th = ms->th;
    const mx_batch *mb = ms->mb;
    size_t n = ms->nkeys;
    uint32_t toks[MX_BATCH];
    uint64_t pair_keys[MX_BATCH];
    ms->nkeys = 0;
    for (size_t i = 0; i < n; i++)
        tx_table_prefetch(&th->tokens, &ms->keys[i], 1);
    uint32_t prev = ms->prev;
    for (size_t i = 0; i < n; i++) {
        tx_entry *e = fit_entry(ms, &ms->keys[i]);
        if (e == NULL)
            return -1;
        toks[i] = e->text ? MX_NONE : (uint32_t)(e - th->tokens.entries);
        if (mb->bigrams && toks[i] != MX_NONE) {
            pair_keys[i] = (uint64_t)prev << 32 | toks[i];
            if (prev != MX_NONE)
                __builtin_prefetch(
                    &th->pairs.slots[pair_hash(pair_keys[i]) & th->pairs.mask]);
            prev = toks[i];
        }
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t tok = toks[i];
        if (tok == MX_NONE)
            continue; /* a stop word: as if it were not there */
        if (mb->unigrams) {
            tx_entry *e = &th->tokens.entries[tok];
            if (e->value == 0) {
                uint32_t f = new_term(th, (uint64_t)tok << 32 | MX_NONE);
                if (f == MX_NONE)
                    return -1;
                e->value = (size_t)f + 1;
            }
            if (row_add(th, ms->row_start, (uint32_t)(e->value - 1)) != 0)
                return -1;
        }
        if (mb->bigrams && ms->prev != MX_NONE) {
            int added;
            mx_slot *slot = pairs_add(&th->pairs, pair_keys[i],
                                      (uint32_t)th->nterms, &added);
            if (slot == NULL)
                return -1;
            uint32_t f = slot->value;
            if (added && new_term(th, pair_keys[i]) == MX_NONE)
                return -1;
            if (row_add(th, ms->row_start, f) != 0)
                return -1;
        }
        ms->prev = tok;
    }
    return 0;
}

/* A token of a document counted for fit, into the batch. */
static int fit_token(tx_sink *s, const unsigned char *t, size_t n)
{
    mx_sink *ms = (mx_sink *)s;
    tx_key *k = &ms->keys[ms->nkeys++];
    tx_key_init(k, t, n, s->end); /* in place: no store-forwarding stall */
    tx_table_prefetch(&ms->th->tokens, k, 0);
    /* a long lowered token's bytes do not outlive this call */
    if (ms->nkeys == MX_BATCH || (ms->lower && n > TX_HEAD)) {
        if (fit_flush(ms) != 0) {
            ms->th->failed = 1;
            return 1;
        }
    }
    return 0;
}

/* A token of a document counted against a fixed vocabulary. */
static int vocab_token(tx_sink *s, const unsigned char *t, size_t n)
{
    mx_sink *ms = (mx_sink *)s;
    const mx_batch *mb = ms->mb;
    tx_key k = tx_make_key(t, n, s->end);
    size_t bucket;
    const tx_entry *e = tx_table_find(mb->vocab, &k, &bucket);
    uint32_t tok = MX_NONE;
    if (e != NULL) {
        if (e->text)
            return 0; /* a stop word */
        tok = (uint32_t)(e->value - 1);
        if (mb->unigrams && mb->uni_cols[tok] != MX_NONE &&
            row_add(ms->th, ms->row_start, mb->uni_cols[tok]) != 0)
            goto failed;
    }
    if (mb->bigrams && ms->prev != MX_NONE && tok != MX_NONE) {
        const mx_slot *slot =
            pairs_find(mb->pair_cols, (uint64_t)ms->prev << 32 | tok);
        if (slot->key != UINT64_MAX &&
            row_add(ms->th, ms->row_start, slot->value) != 0)
            goto failed;
    }
    ms->prev = tok;
    return 0;
failed:
    ms->th->failed = 1;
    return 1;
}

/* Document i, whole, into the calling thread's rows. */
static size_t mx_text(tx_batch *b, size_t tid, size_t i)
{
    mx_batch *mb = (mx_batch *)b;
    mx_thread *th = &mb->threads[tid];
    const unsigned char *t = (const unsigned char *)b->texts[i];
    size_t n = b->lens[i];
    th->local_used = 0;
    if (th->local_mask + 1 > 16 * MX_LOCAL_START || ++th->stamp == 0) {
        /* after a large document, or once the stamps wrap: a fresh table */
        th->stamp = 1;
        if (local_make(th, MX_LOCAL_START) != 0) {
            b->failed = 1;
            return 0;
        }
    }
    mx_sink sink; /* its keys are written before they are read */
    sink.base = (tx_sink){mb->vocab ? vocab_token : fit_token, t + n, t};
    sink.mb = mb;
    sink.th = th;
    sink.row_start = th->nrows;
    sink.prev = MX_NONE;
    sink.lower = mb->q->lower;
    sink.nkeys = 0;
    int rc = tx_tokens(mb->q, t, n, 0, &sink.base);
    if (rc == 0 && sink.nkeys != 0 && fit_flush(&sink) != 0) {
        th->failed = 1;
        rc = 1;
    }
    if (rc != 0) {
        if (th->failed || !TX_STOPPED(b->stop))
            b->failed = 1; /* no memory (here or in the tokenizer) */
        th->nrows = sink.row_start;
    }
    mb->where[i] = sink.row_start << 8 | tid;
    mb->indptr[i + 1] = th->nrows - sink.row_start;
    return 0;
}

/* A share of a large document: the document is counted whole, by the
 * thread that gets its first share (its rows are one thread's). */
static size_t mx_share(tx_batch *b, size_t tid, size_t i, size_t k,
                       size_t pieces)
{
    (void)pieces;
    if (k != 0)
        return 0;
    ((mx_batch *)b)->out_of_order = 1;
    return mx_text(b, tid, i);
}

/* --- the merge and the order of the terms ------------------------------ */

/* Byte order of two tokens (the head first: zero padding orders a prefix
 * first, as memcmp of the whole would). */
static int token_cmp(const tx_entry *a, const tx_entry *b)
{
    int c = memcmp(a->head, b->head, TX_HEAD);
    if (c != 0)
        return c;
    size_t m = a->len < b->len ? a->len : b->len;
    if (m > TX_HEAD && (c = memcmp(a->s + TX_HEAD, b->s + TX_HEAD,
                                   m - TX_HEAD)) != 0)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* qsort has no context argument: what it sorts, per calling thread */
static _Thread_local const tx_entry *sort_entries;

static int by_token(const void *x, const void *y)
{
    return token_cmp(&sort_entries[*(const uint32_t *)x],
                     &sort_entries[*(const uint32_t *)y]);
}

/* The bytes of term key: one token, or two with a space between. */
typedef struct {
    const unsigned char *s[2];
    size_t n[2];
    int parts;
} mx_term;

static mx_term term_of(const tx_entry *tokens, uint64_t key)
{
    const tx_entry *a = &tokens[key >> 32];
    mx_term t = {{a->s, NULL}, {a->len, 0}, 1};
    if ((uint32_t)key != MX_NONE) {
        t.s[1] = tokens[(uint32_t)key].s;
        t.n[1] = tokens[(uint32_t)key].len;
        t.parts = 2;
    }
    return t;
}

/* Byte j of a term (j below its length). */
static unsigned char term_byte(const mx_term *t, size_t j)
{
    if (j < t->n[0])
        return t->s[0][j];
    return j == t->n[0] ? ' ' : t->s[1][j - t->n[0] - 1];
}

static size_t term_len(const mx_term *t)
{
    return t->parts == 1 ? t->n[0] : t->n[0] + 1 + t->n[1];
}

typedef struct {
    uint64_t key; /* rank of tok1 * (tokens + 1) + rank of tok2 + 1 (or 0) */
    uint32_t term;
} mx_order;

/* Sorts v[0, n) by key (all keys <= max): least significant digit first,
 * 11 bits a pass, stable. 0, or -1 without memory. */
static int radix_sort(mx_order *v, size_t n, uint64_t max)
{
    mx_order *tmp = malloc((n ? n : 1) * sizeof *tmp), *from = v, *to = tmp;
    if (tmp == NULL)
        return -1;
    for (unsigned shift = 0; shift < 64 && (max >> shift) != 0; shift += 11) {
        size_t count[2048] = {0};
        for (size_t i = 0; i < n; i++)
            count[(from[i].key >> shift) & 2047]++;
        size_t at = 0;
        for (size_t d = 0; d < 2048; d++) {
            size_t c = count[d];
            count[d] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++)
            to[count[(from[i].key >> shift) & 2047]++] = from[i];
        mx_order *swap = from;
        from = to;
        to = swap;
    }
    if (from != v)
        memcpy(v, from, n * sizeof *v);
    free(tmp);
    return 0;
}

static _Thread_local const uint64_t *sort_terms;

/* Byte order of two terms, whatever bytes the tokens hold (split()
 * tokens may hold bytes below the space). */
static int by_term_bytes(const void *x, const void *y)
{
    mx_term a = term_of(sort_entries, sort_terms[((const mx_order *)x)->term]);
    mx_term b = term_of(sort_entries, sort_terms[((const mx_order *)y)->term]);
    size_t na = term_len(&a), nb = term_len(&b), m = na < nb ? na : nb;
    for (size_t j = 0; j < m; j++) {
        unsigned char ca = term_byte(&a, j), cb = term_byte(&b, j);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return (na > nb) - (na < nb);
}

/* Merges thread j's tokens and terms into thread 0's; map[f] receives
 * the global id of thread j's term f. */
static int merge_thread(mx_thread *g, mx_thread *th, uint32_t *map,
                        int unigrams)
{
    size_t nt = th->tokens.used;
    uint32_t *tok_map = malloc((nt ? nt : 1) * sizeof *tok_map);
    if (tok_map == NULL)
        return -1;
    for (size_t i = 0; i < nt; i++) {
        const tx_entry *e = &th->tokens.entries[i];
        if (e->text) {
            tok_map[i] = MX_NONE;
            continue;
        }
        tx_key k = tx_entry_key(&th->tokens, e);
        size_t bucket;
        tx_entry *ge = tx_table_find(&g->tokens, &k, &bucket);
        if (ge == NULL && (ge = tx_table_add(&g->tokens, &k, 0, 0)) == NULL)
            goto failed;
        tok_map[i] = (uint32_t)(ge - g->tokens.entries);
    }
    for (size_t f = 0; f < th->nterms; f++) {
        uint64_t key = th->terms[f];
        uint32_t a = tok_map[key >> 32], b = (uint32_t)key;
        if (b == MX_NONE && unigrams) {
            tx_entry *ge = &g->tokens.entries[a];
            if (ge->value == 0) {
                uint32_t id = new_term(g, (uint64_t)a << 32 | MX_NONE);
                if (id == MX_NONE)
                    goto failed;
                ge = &g->tokens.entries[a];
                ge->value = (size_t)id + 1;
            }
            map[f] = (uint32_t)(ge->value - 1);
        } else {
            int added;
            uint64_t gkey = (uint64_t)a << 32 | tok_map[b];
            mx_slot *slot = pairs_add(&g->pairs, gkey, (uint32_t)g->nterms,
                                      &added);
            if (slot == NULL || (added && new_term(g, gkey) == MX_NONE))
                goto failed;
            map[f] = slot->value;
        }
    }
    free(tok_map);
    return 0;
failed:
    free(tok_map);
    return -1;
}

/* The tokens entries[0, nt) in byte order, as indices into by_bytes: by
 * their first eight bytes (big-endian, the head's zero padding sorting a
 * prefix first) with the radix sort, then each run of equal first bytes
 * by the whole tokens. 0, or -1 without memory. */
static int sort_tokens(const tx_entry *entries, size_t nt, uint32_t *by_bytes)
{
    mx_order *v = malloc((nt ? nt : 1) * sizeof *v);
    if (v == NULL)
        return -1;
    uint64_t max = 0;
    for (size_t i = 0; i < nt; i++) {
        uint64_t key = 0;
        for (int b = 0; b < 8; b++)
            key = key << 8 | entries[i].head[b];
        v[i] = (mx_order){key, (uint32_t)i};
        max = key > max ? key : max;
    }
    if (radix_sort(v, nt, max) != 0) {
        free(v);
        return -1;
    }
    for (size_t i = 0; i < nt; i++)
        by_bytes[i] = v[i].term;
    sort_entries = entries;
    for (size_t i = 0, j; i < nt; i = j) {
        for (j = i + 1; j < nt && v[j].key == v[i].key; j++)
            ;
        if (j - i > 1)
            qsort(by_bytes + i, j - i, sizeof *by_bytes, by_token);
    }
    free(v);
    return 0;
}

/* Sorts the global terms of g: col[f] receives term f's column, and
 * order[c] the term of column c (.term) and its key in g->terms (.key). */
static int sort_columns(const mx_thread *g, int split_rule, uint32_t *col,
                        mx_order *order)
{
    size_t nt = g->tokens.used;
    uint32_t *by_bytes = malloc((nt ? nt : 1) * sizeof *by_bytes);
    uint32_t *rank = malloc((nt ? nt : 1) * sizeof *rank);
    if (by_bytes == NULL || rank == NULL) {
        free(by_bytes);
        free(rank);
        return -1;
    }
    if (sort_tokens(g->tokens.entries, nt, by_bytes) != 0) {
        free(by_bytes);
        free(rank);
        return -1;
    }
    for (size_t r = 0; r < nt; r++)
        rank[by_bytes[r]] = (uint32_t)r;
    uint64_t max = 0;
    for (size_t f = 0; f < g->nterms; f++) {
        uint64_t key = g->terms[f];
        uint32_t b = (uint32_t)key;
        order[f].key = (uint64_t)rank[key >> 32] * ((uint64_t)nt + 1) +
                       (b == MX_NONE ? 0 : (uint64_t)rank[b] + 1);
        order[f].term = (uint32_t)f;
        max = order[f].key > max ? order[f].key : max;
    }
    int rc = 0;
    if (split_rule) {
        sort_terms = g->terms;
        qsort(order, g->nterms, sizeof *order, by_term_bytes);
    } else {
        rc = radix_sort(order, g->nterms, max);
    }
    /* from here on, order[c].key is the term key of column c, read in
     * column order: the tokens back from the ranks (by_bytes is small),
     * not a random gather from g->terms */
    for (size_t c = 0; c < g->nterms; c++) {
        col[order[c].term] = (uint32_t)c;
        if (split_rule) {
            order[c].key = g->terms[order[c].term];
        } else {
            uint64_t r2 = order[c].key % ((uint64_t)nt + 1);
            order[c].key =
                (uint64_t)by_bytes[order[c].key / ((uint64_t)nt + 1)] << 32 |
                (r2 == 0 ? MX_NONE : by_bytes[r2 - 1]);
        }
    }
    free(by_bytes);
    free(rank);
    return rc;
}

typedef struct {
    const mx_thread *g;
    const mx_order *order; /* order[c].key: the key of column c's term */
    int mode;
    char *data;   /* the terms' bytes (NULL in the first pass) */
    size_t *info; /* per column: its length, and its start, then its
                     length in characters */
} layout_job;

/* A pass of the layout, a body for tx_team_parallel: without data, each
 * column's length; with it, each term written at its start, its length
 * in characters (code points by mode) put in the start's place. */
static void layout_pass(void *arg)
{
    const layout_job *j = arg;
    size_t n = j->g->nterms;
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (size_t c = 0; c < n; c++) {
        mx_term t = term_of(j->g->tokens.entries, j->order[c].key);
        if (j->data == NULL) {
            j->info[2 * c] = term_len(&t);
            continue;
        }
        char *start = j->data + j->info[2 * c + 1], *at = start;
        for (int p = 0; p < t.parts; p++) {
            if (p)
                *at++ = ' ';
            memcpy(at, t.s[p], t.n[p]);
            at += t.n[p];
        }
        size_t len = (size_t)(at - start), chars = len;
        if (j->mode == TEXTOPS_UNICODE)
            for (size_t b = 0; b < len; b++)
                chars -= ((unsigned char)start[b] & 0xC0) == 0x80;
        j->info[2 * c + 1] = chars;
    }
}

/* Below this many terms they are laid out on one thread. */
#define MX_LAYOUT_PARALLEL ((size_t)1 << 14)

/* Runs body(job) on `threads` threads, or on the calling thread alone
 * for fewer than `least` items or when the team is busy. */
static void run_body(size_t threads, size_t items, size_t least,
                     void (*body)(void *), void *job)
{
    if (threads < 2 || items < least || !tx_team_parallel(threads, body, job))
        body(job);
}

/* The terms laid out in column order (order[c].key: the key of column
 * c's term) on `threads` threads: bytes end to end, and per term its
 * length in bytes and in characters (code points by mode). */
static int lay_out_terms(const mx_thread *g, const mx_order *order,
                         int mode, size_t threads, textops_matrix *out)
{
    size_t n = g->nterms, nbytes = 0;
    size_t *info = malloc((n ? 2 * n : 1) * sizeof *info);
    if (info == NULL)
        return -1;
    layout_job job = {g, order, mode, NULL, info};
    run_body(threads, n, MX_LAYOUT_PARALLEL, layout_pass, &job);
    for (size_t c = 0; c < n; c++) {
        info[2 * c + 1] = nbytes;
        nbytes += info[2 * c];
    }
    job.data = malloc(nbytes ? nbytes : 1);
    if (job.data == NULL) {
        free(info);
        return -1;
    }
    run_body(threads, n, MX_LAYOUT_PARALLEL, layout_pass, &job);
    out->terms = job.data;
    out->nbytes = nbytes;
    out->term_info = info;
    out->nterms = n;
    return 0;
}

/* --- the CSR arrays ---------------------------------------------------- */

typedef struct {
    const mx_batch *mb;
    uint32_t *const *cols; /* per thread: term -> column (NULL: as is) */
    textops_matrix *out;
} fill_job;

/* Row i: its (term, count) pairs mapped to columns and written, in the
 * order the terms first occur in the document. */
static void fill_row(const fill_job *j, size_t i)
{
    const mx_batch *mb = j->mb;
    size_t where = mb->where[i], tid = where & 0xFF;
    size_t start = where >> 8, n = mb->indptr[i + 1] - mb->indptr[i];
    if (n == 0)
        return; /* the thread may have no rows at all */
    const uint32_t *pairs = mb->threads[tid].rows + 2 * start;
    const uint32_t *col = j->cols[tid];
    uint32_t *indices = j->out->indices + mb->indptr[i];
    int64_t *counts = j->out->counts + mb->indptr[i];
    for (size_t r = 0; r < n; r++) {
        indices[r] = col != NULL ? col[pairs[2 * r]] : pairs[2 * r];
        counts[r] = pairs[2 * r + 1];
    }
}

static void fill_body(void *arg)
{
    const fill_job *j = arg;
    size_t ndocs = j->mb->b.ntexts;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 256)
#endif
    for (size_t i = 0; i < ndocs; i++)
        if (!TX_STOPPED(j->mb->b.stop))
            fill_row(j, i);
}

/* Gives the memory of thread th's rows before pair `upto` back to the
 * system once a few MB of them are laid out (*released: the bytes given
 * back so far; the rows are never read there again). */
static void release_rows(const mx_thread *th, size_t upto, size_t *released)
{
#if (defined(__unix__) || defined(__APPLE__)) && defined(MADV_DONTNEED)
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t base = (uintptr_t)th->rows;
    uintptr_t from = (base + *released + page - 1) / page * page;
    uintptr_t to = (base + 2 * upto * sizeof *th->rows) / page * page;
    if (to > from && to - from >= ((uintptr_t)4 << 20)) {
        madvise((void *)from, to - from, MADV_DONTNEED);
        *released = to - base;
    }
#else
    (void)th, (void)upto, (void)released;
#endif
}

/* Documents [lo, hi) laid out one after another: each thread's rows are
 * then read front to back (its documents are in order), and what is read
 * is given back, from the first row the range reads, so that the rows and
 * the matrix are not both held whole. */
static void fill_range(const fill_job *j, size_t lo, size_t hi)
{
    const mx_batch *mb = j->mb;
    size_t released[TEXTOPS_MAX_THREADS];
    unsigned char seen[TEXTOPS_MAX_THREADS] = {0};
    for (size_t i = lo; i < hi; i++) {
        if (((i - lo) & 1023) == 0 && TX_STOPPED(mb->b.stop))
            return;
        fill_row(j, i);
        size_t where = mb->where[i], tid = where & 0xFF;
        if (!seen[tid]) {
            seen[tid] = 1;
            released[tid] = 2 * (where >> 8) * sizeof *mb->threads[tid].rows;
        }
        if (((i - lo) & 255) == 0 || i + 1 == hi)
            release_rows(&mb->threads[tid],
                         (where >> 8) + mb->indptr[i + 1] - mb->indptr[i],
                         &released[tid]);
    }
}

/* A body for tx_team_parallel: the documents cut into one range per
 * thread of about the same number of entries, each laid out in order. */
static void fill_in_order(void *arg)
{
    const fill_job *j = arg;
    size_t ndocs = j->mb->b.ntexts, nnz = j->out->nnz, k = 0, nk = 1;
#ifdef _OPENMP
    k = (size_t)omp_get_thread_num();
    nk = (size_t)omp_get_num_threads();
#endif
    const size_t *indptr = j->mb->indptr;
    size_t lo = tx_lower_bound(indptr, ndocs, nnz / nk * k); /* first row at or after */
    size_t hi = k + 1 == nk ? ndocs : tx_lower_bound(indptr, ndocs, nnz / nk * (k + 1));
    fill_range(j, lo, hi);
}

/* Below this many entries the rows are laid out on one thread. */
#define MX_FILL_PARALLEL ((size_t)1 << 16)

/* Lays the rows out as CSR (indptr, indices, counts) in out. */
static int fill_matrix(mx_batch *mb, uint32_t *const *cols,
                       textops_matrix *out)
{
    size_t ndocs = mb->b.ntexts;
    mb->indptr[0] = 0;
    for (size_t i = 0; i < ndocs; i++)
        mb->indptr[i + 1] += mb->indptr[i];
    size_t nnz = mb->indptr[ndocs];
    out->indices = malloc((nnz ? nnz : 1) * sizeof *out->indices);
    out->counts = malloc((nnz ? nnz : 1) * sizeof *out->counts);
    if (out->indices == NULL || out->counts == NULL) {
        free(out->indices);
        free(out->counts);
        out->indices = NULL;
        out->counts = NULL;
        return -1;
    }
    out->nnz = nnz;
    fill_job job = {mb, cols, out};
    run_body(mb->b.nthreads, nnz, MX_FILL_PARALLEL,
             mb->out_of_order ? fill_body : fill_in_order, &job);
    return 0;
}

/* --- the calls --------------------------------------------------------- */

#define MX_TABLE_START 1024

static void free_threads(mx_thread *threads, size_t n)
{
    for (size_t i = 0; threads != NULL && i < n; i++) {
        tx_table_free(&threads[i].tokens);
        arena_free(&threads[i].arena);
        free(threads[i].pairs.slots);
        free(threads[i].terms);
        free(threads[i].local);
        free(threads[i].rows);
    }
    free(threads);
}

/* A table of the words (value: index + 1 of the first copy; text: 0). */
static int word_table(tx_table *tb, size_t nwords, const char *const *words,
                      const size_t *lens)
{
    size_t cap = 16;
    while (cap < 2 * nwords + 2)
        cap *= 2;
    if (tx_table_init(tb, cap) != 0)
        return -1;
    for (size_t j = 0; j < nwords; j++) {
        const unsigned char *w = (const unsigned char *)words[j];
        tx_key k = tx_make_key(w, lens[j], w + lens[j]);
        size_t bucket;
        if (tx_table_find(tb, &k, &bucket) == NULL &&
            tx_table_add(tb, &k, tb->used + 1, 0) == NULL) {
            tx_table_free(tb);
            return -1;
        }
    }
    return 0;
}

/* Sets up the batch and its threads, counts every document; 0, or -1
 * without memory. */
static int count_rows(mx_batch *mb, size_t ntexts, const char *const *texts,
                      const size_t *lens, int threads)
{
    mb->b = (tx_batch){mx_text, mx_share, ntexts, texts, lens, mb->q->stop,
                       NULL, 0, 0, 0, NULL};
    size_t nthreads = tx_batch_plan(&mb->b, threads);
    mb->threads = calloc(nthreads, sizeof *mb->threads);
    /* zeros: a document a stopped call never reached has an empty row */
    mb->where = calloc(ntexts ? ntexts : 1, sizeof *mb->where);
    mb->indptr = calloc(ntexts + 1, sizeof *mb->indptr);
    if (mb->threads == NULL || mb->where == NULL || mb->indptr == NULL)
        return -1;
    for (size_t i = 0; i < nthreads; i++) {
        mx_thread *th = &mb->threads[i];
        if (mb->vocab == NULL &&
            (tx_table_init(&th->tokens, MX_TABLE_START) != 0 ||
             pairs_init(&th->pairs, MX_TABLE_START) != 0))
            return -1;
        if (local_make(th, MX_LOCAL_START) != 0)
            return -1;
    }
    return tx_batch_run(&mb->b);
}

static void out_clear(textops_matrix *out)
{
    *out = (textops_matrix){NULL, 0, NULL, 0, NULL, NULL, NULL, 0};
}

static void out_free(textops_matrix *out)
{
    free(out->terms);
    free(out->term_info);
    free(out->indptr);
    free(out->indices);
    free(out->counts);
    out_clear(out);
}

int textops_count_matrix(size_t ntexts, const char *const *texts,
                         const size_t *lens, size_t nstop,
                         const char *const *stop, const size_t *stop_lens,
                         int ngram_min, int ngram_max, textops_mode mode,
                         int threads, textops_matrix *out)
{
    tx_query q = tx_make_query(TX_WORDS, NULL, 0, NULL, 0, mode);
    tx_table stops;
    int have_stops = nstop != 0;
    mx_batch mb = {.q = &q, .unigrams = ngram_min <= 1,
                   .bigrams = ngram_max >= 2};
    out_clear(out);
    if (have_stops && word_table(&stops, nstop, stop, stop_lens) != 0)
        return -1;
    mb.stop = have_stops ? &stops : NULL;
    int rc = count_rows(&mb, ntexts, texts, lens, threads);
    size_t nthreads = mb.b.nthreads;
    if (rc == 0 && TX_STOPPED(q.stop)) {
        /* stopped: the result is of no use; make it empty at once */
        for (size_t j = 0; j < nthreads; j++)
            mb.threads[j].nterms = mb.threads[j].tokens.used = 0;
        memset(mb.indptr, 0, (ntexts + 1) * sizeof *mb.indptr);
    }
    uint32_t **cols = rc == 0 ? calloc(nthreads, sizeof *cols) : NULL;
    mx_order *order = NULL;
    if (rc == 0 && cols == NULL)
        rc = -1;
    mx_thread *g = mb.threads;
    for (size_t j = 1; rc == 0 && j < nthreads; j++) {
        size_t n = mb.threads[j].nterms;
        cols[j] = malloc((n ? n : 1) * sizeof **cols);
        if (cols[j] == NULL ||
            merge_thread(g, &mb.threads[j], cols[j], mb.unigrams) != 0)
            rc = -1;
    }
    if (rc == 0) {
        size_t n = g->nterms;
        cols[0] = malloc((n ? n : 1) * sizeof **cols);
        order = malloc((n ? n : 1) * sizeof *order);
        if (cols[0] == NULL || order == NULL ||
            sort_columns(g, q.rule == TX_RULE_SPLIT, cols[0], order) != 0 ||
            lay_out_terms(g, order, q.mode, nthreads, out) != 0)
            rc = -1;
    }
    for (size_t j = 1; rc == 0 && j < nthreads; j++) /* term -> column */
        for (size_t f = 0; f < mb.threads[j].nterms; f++)
            cols[j][f] = cols[0][cols[j][f]];
    if (rc == 0)
        rc = fill_matrix(&mb, cols, out);
    if (rc == 0) {
        out->indptr = mb.indptr;
        mb.indptr = NULL;
    } else {
        out_free(out);
    }
    for (size_t j = 0; cols != NULL && j < nthreads; j++)
        free(cols[j]);
    free(cols);
    free(order);
    free(mb.where);
    free(mb.indptr);
    free_threads(mb.threads, nthreads);
    if (have_stops)
        tx_table_free(&stops);
    return rc;
}

int textops_vocab_matrix(size_t ntexts, const char *const *texts,
                         const size_t *lens, size_t nstop,
                         const char *const *stop, const size_t *stop_lens,
                         size_t nterms, const char *const *terms,
                         const size_t *term_lens, const size_t *columns,
                         int ngram_min, int ngram_max, textops_mode mode,
                         int threads, textops_matrix *out)
{
    tx_query q = tx_make_query(TX_WORDS, NULL, 0, NULL, 0, mode);
    mx_batch mb = {.q = &q, .unigrams = ngram_min <= 1,
                   .bigrams = ngram_max >= 2};
    tx_table vocab;
    mx_pairs pair_cols = {NULL, 0, 0};
    uint32_t *uni_cols = NULL;
    out_clear(out);
    size_t cap = 16;
    while (cap < 4 * (nterms + nstop) + 2)
        cap *= 2;
    if (tx_table_init(&vocab, cap) != 0)
        return -1;
    int rc = pairs_init(&pair_cols, cap);
    /* every token of a term (a term with one space is a pair), then the
     * stop words, flagged: the value of a token is its id + 1 */
    uni_cols = malloc(cap * sizeof *uni_cols);
    if (uni_cols == NULL)
        rc = -1;
    for (size_t j = 0; rc == 0 && j < nterms + nstop; j++) {
        int is_stopword = j >= nterms;
        const unsigned char *w = (const unsigned char *)(
            is_stopword ? stop[j - nterms] : terms[j]);
        size_t n = is_stopword ? stop_lens[j - nterms] : term_lens[j];
        const unsigned char *space = is_stopword ? NULL : memchr(w, ' ', n);
        size_t parts = space != NULL ? 2 : 1;
        size_t ids[2];
        for (size_t p = 0; p < parts && rc == 0; p++) {
            const unsigned char *s = p == 0 ? w : space + 1;
            size_t len = p == 0 ? (space != NULL ? (size_t)(space - w) : n)
                                : n - (size_t)(space + 1 - w);
            tx_key k = tx_make_key(s, len, s + len);
            size_t bucket;
            tx_entry *e = tx_table_find(&vocab, &k, &bucket);
            if (e == NULL) {
                if ((e = tx_table_add(&vocab, &k, vocab.used + 1, 0)) ==
                    NULL) {
                    rc = -1;
                    break;
                }
                uni_cols[e->value - 1] = MX_NONE;
            }
            if (is_stopword)
                e->text = 1;
            ids[p] = e->value - 1;
        }
        if (rc != 0 || is_stopword)
            continue;
        if (parts == 1) {
            uni_cols[ids[0]] = (uint32_t)columns[j];
        } else {
            int added;
            if (pairs_add(&pair_cols, (uint64_t)ids[0] << 32 | ids[1],
                          (uint32_t)columns[j], &added) == NULL)
                rc = -1;
        }
    }
    mb.vocab = &vocab;
    mb.uni_cols = uni_cols;
    mb.pair_cols = &pair_cols;
    if (rc == 0)
        rc = count_rows(&mb, ntexts, texts, lens, threads);
    size_t nthreads = mb.b.nthreads;
    uint32_t *none[TEXTOPS_MAX_THREADS] = {NULL};
    if (rc == 0)
        rc = fill_matrix(&mb, none, out);
    if (rc == 0) {
        out->indptr = mb.indptr;
        mb.indptr = NULL;
    } else {
        out_free(out);
    }
    free(mb.where);
    free(mb.indptr);
    free_threads(mb.threads, nthreads);
    tx_table_free(&vocab);
    free(pair_cols.slots);
    free(uni_cols);
    return rc;
}
