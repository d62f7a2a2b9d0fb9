/* Many-word counts: t.split(sep).count(w) for every word w of a list, in
 * one pass over each text, summed over the texts or per text (a term
 * matrix). split() on whitespace and the \w rules of text that is not
 * lowered take the fast path of wordset.c (token starts from vector
 * classes, filtered, then a compact table of the words); the other rules
 * hand each token of the tokenizer (tokens.c) to a lookup in one
 * read-only hash table of the words (table.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "count.h"
#include "rules.h"
#include "table.h"
#include "tokens.h"
#include "units.h"
#include "wordset.h"

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
    uint64_t w = n < 8 ? tx_short_word(t, n, end) : 0;
    uint64_t h = n < 8 ? tx_hash_short(w, n) : tx_hash_bytes(t, n);
    uint64_t tag = h >> 32;
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
    const tx_wordset *fast; /* the fast path's words, or NULL */
    size_t *out;    /* per text: ntexts rows of nwords, else NULL */
    size_t *totals; /* else one row of nwords per thread */
    /* NULL, or text i is held in code units of widths[i] bytes (1, 2 or
     * 4; units.c), 0 for UTF-8 */
    const unsigned char *widths;
} words_batch;

/* Where the tokens of a piece are counted: a row, and whether other
 * threads add to it. */
typedef struct {
    const words_batch *wb;
    size_t *row;
    int atomic;
} words_row;

/* The tokens of t[0, n) (a text, or a piece of one cut exactly; drop_last
 * as tx_batch_piece sets it) looked up in the words, counted in the row. */
static void count_piece(void *ctx, const unsigned char *t, size_t n,
                        int drop_last)
{
    const words_row *r = ctx;
    const words_batch *wb = r->wb;
    if (wb->fast != NULL) {
        tx_wordset_count(wb->fast, wb->q, t, n, r->row, r->atomic);
        return;
    }
    words_sink sink = {{words_token, t + n, NULL}, wb->words, wb->shapes,
                       r->row, r->atomic};
    tx_tokens(wb->q, t, n, drop_last, &sink.base);
}

/* The tokens of share k of `pieces` of text i (whole when pieces is 0)
 * looked up in the words: counted in text i's row of the matrix (shared
 * with the threads counting its other shares), or in the calling thread's
 * row of sums. A text of units goes block by block through a UTF-8 buffer
 * (units.c), so no UTF-8 copy of the whole text is made. */
static size_t words_share(tx_batch *b, size_t tid, size_t i, size_t k,
                          size_t pieces)
{
    words_batch *wb = (words_batch *)b;
    words_row r = {wb, NULL, 0};
    if (wb->out != NULL) {
        r.row = wb->out + i * wb->nwords;
        r.atomic = pieces != 0;
    } else {
        r.row = wb->totals + tid * wb->nwords;
    }
    size_t w = wb->widths != NULL ? wb->widths[i] : 0;
    if (w != 0) {
        tx_units_text x;
        size_t a = 0, e;
        tx_units_text_init(&x, wb->q, (const unsigned char *)b->texts[i],
                           b->lens[i], w);
        e = x.n;
        if ((pieces == 0 || tx_units_piece(wb->q, &x, k, pieces, &a, &e)) &&
            tx_units_blocks(wb->q, &x, a, e, count_piece, &r) != 0)
            b->failed = 1;
        return 0;
    }
    const unsigned char *t;
    size_t n;
    int drop_last;
    if (tx_batch_piece(b, wb->q, i, k, pieces, &t, &n, &drop_last))
        count_piece(&r, t, n, drop_last);
    return 0;
}

static size_t words_text(tx_batch *b, size_t tid, size_t i)
{
    return words_share(b, tid, i, 0, 0);
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

/* The table of the words for the tokenizer's path, each distinct word
 * mapped to the index of its first copy (first[j] for word j). 0, or -1
 * without memory (nothing left to free). */
static int word_table(tx_table *set, size_t nwords, const char *const *words,
                      const size_t *word_lens, size_t *first)
{
    size_t capacity = 16;
    while (capacity < 2 * nwords + 2)
        capacity *= 2;
    if (tx_table_init(set, capacity) != 0)
        return -1;
    for (size_t j = 0; j < nwords; j++) {
        const unsigned char *w = (const unsigned char *)words[j];
        tx_key k = tx_make_key(w, word_lens[j], w + word_lens[j]);
        size_t bucket;
        tx_entry *e = tx_table_find(set, &k, &bucket);
        if (e == NULL)
            e = tx_table_add(set, &k, j + 1, 0);
        if (e == NULL) {
            tx_table_free(set);
            return -1;
        }
        first[j] = e->value - 1;
    }
    return 0;
}

/* The counts of textops_word_counts (sums) or textops_term_matrix
 * (per_text). */
static int count_words(size_t ntexts, const char *const *texts,
                       const size_t *lens, const unsigned char *widths,
                       size_t nwords,
                       const char *const *words, const size_t *word_lens,
                       const char *sep, size_t sep_len, textops_mode mode,
                       int threads, int per_text, size_t *out)
{
    tx_query q = tx_make_query(TX_WORDS, NULL, 0, sep, sep_len, mode);
    tx_lowered copy;
    if (widths != NULL && q.lower && q.sep != NULL)
        return -1; /* lowered before it is split: UTF-8 texts only */
    if (tx_lower_for_sep(&q, ntexts, &texts, &lens, &copy) != 0)
        return -1;
    words_batch wb = {{words_text, words_share, ntexts, texts, lens, q.stop,
                       NULL, 0, 0, 0, NULL},
                      &q, NULL, nwords, NULL, NULL, per_text ? out : NULL,
                      NULL, widths};
    size_t nthreads = tx_batch_plan(&wb.b, threads);
    int fast = tx_wordset_fits(&q, nwords, word_lens);
    tx_table set = {NULL, 0, NULL, 0, 0, NULL};
    tx_wordset ws;
    size_t *first = malloc((nwords ? nwords : 1) * sizeof *first);
    size_t *totals = per_text ? NULL
                              : calloc(nthreads * (nwords ? nwords : 1),
                                       sizeof *totals);
    int rc = (first == NULL || (!per_text && totals == NULL)) ? -1 : 0;
    if (rc == 0)
        rc = fast ? tx_wordset_init(&ws, &q, nwords, words, word_lens, first)
                  : word_table(&set, nwords, words, word_lens, first);
    if (rc != 0) {
        free(first);
        free(totals);
        tx_lowered_free(&copy);
        return -1;
    }
    if (per_text)
        memset(out, 0, ntexts * nwords * sizeof *out);
    uint32_t shapes[257];
    word_shapes(nwords, words, word_lens, shapes);
    wb.words = &set;
    wb.shapes = shapes;
    wb.fast = fast ? &ws : NULL;
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
    if (fast)
        tx_wordset_free(&ws);
    else
        tx_table_free(&set);
    free(first);
    free(totals);
    tx_lowered_free(&copy);
    return rc;
}


int textops_word_counts(size_t ntexts, const char *const *texts,
                        const size_t *lens, const unsigned char *widths,
                        size_t nwords,
                        const char *const *words, const size_t *word_lens,
                        const char *sep, size_t sep_len, textops_mode mode,
                        int threads, size_t *out)
{
    return count_words(ntexts, texts, lens, widths, nwords, words, word_lens,
                       sep, sep_len, mode, threads, 0, out);
}

int textops_term_matrix(size_t ntexts, const char *const *texts,
                        const size_t *lens, const unsigned char *widths,
                        size_t nwords,
                        const char *const *words, const size_t *word_lens,
                        const char *sep, size_t sep_len, textops_mode mode,
                        int threads, size_t *out)
{
    return count_words(ntexts, texts, lens, widths, nwords, words, word_lens,
                       sep, sep_len, mode, threads, 1, out);
}
