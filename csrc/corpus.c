/* Counts per document of a packed corpus: the documents end to end in one
 * buffer, document i being buf[offsets[i], offsets[i + 1]).
 *
 * A query whose occurrences can be checked where they are found (count,
 * split(), the \w rules, and split(sep) with a separator that never
 * overlaps itself) is answered by one scan over a run of documents
 * (docscan.c): each occurrence is given to the document it starts in, and
 * counts only if it ends in that document and its token boundaries hold
 * there (a document's ends are a text's ends, which no run of \w
 * crosses). The documents need no cutting: a thread takes a run of whole
 * documents. Other queries (the greedy walk of a self-overlapping
 * separator, the empty substring, the lowercased rules) count each
 * document on its own. */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "count.h"
#include "docscan.h"
#include "internal.h"

/* Counts documents [d0, d1) into out[d0..d1). */
static void count_run(const tx_query *q, const unsigned char *buf,
                      const size_t *off, size_t d0, size_t d1, size_t *out)
{
    if (q->plan != TX_PLAN_NONE && tx_doc_scan_fits(q)) {
        tx_doc_scan(q, buf, off, d0, d1, out);
        return;
    }
    for (size_t d = d0; d < d1; d++)
        out[d] = q->plan == TX_PLAN_NONE
                     ? 0
                     : tx_words(q, buf + off[d], off[d + 1] - off[d]);
}

/* The first document of run r of `runs`: the first to start at or after
 * r / runs of the bytes. */
static size_t run_start(const size_t *off, size_t ndocs, size_t r,
                        size_t runs)
{
    if (r == 0)
        return 0;
    if (r == runs)
        return ndocs;
    size_t total = off[ndocs] - off[0];
    return tx_lower_bound(off, ndocs, off[0] + total / runs * r);
}

/* A corpus as a batch of one text, the whole buffer, whose shares are
 * runs of whole documents: counts per document (count_runs), or, in two
 * passes, the documents' numbers of lines and then their per-line counts
 * (line_runs). */
typedef struct {
    tx_batch b;
    const tx_query *q;
    const unsigned char *t;
    const size_t *off;
    size_t ndocs;
    const size_t *starts; /* lines: NULL in the first pass */
    size_t *out;
} corpus_batch;

static size_t count_runs(tx_batch *b, size_t tid, size_t i, size_t k,
                         size_t pieces)
{
    const corpus_batch *c = (const corpus_batch *)b;
    (void)tid, (void)i;
    count_run(c->q, c->t, c->off, run_start(c->off, c->ndocs, k, pieces),
              run_start(c->off, c->ndocs, k + 1, pieces), c->out);
    return 0;
}

static size_t count_all(tx_batch *b, size_t tid, size_t i)
{
    return count_runs(b, tid, i, 0, 1);
}

/* Without starts, stores each document's number of lines in out[d];
 * with starts, stores document d's per-line counts at out + starts[d],
 * at most starts[d + 1] - starts[d] of them (what the first pass counted:
 * the documents may have changed since). */
static void lines_of_docs(const corpus_batch *c, size_t d0, size_t d1)
{
    const tx_query *q = c->q;
    for (size_t d = d0; d < d1; d++) {
        const unsigned char *doc = c->t + c->off[d];
        size_t len = c->off[d + 1] - c->off[d];
        if (c->starts == NULL) {
            c->out[d] = TX_STOPPED(q->stop) ? 0
                                            : tx_lines(q, doc, len, NULL, 0);
            continue;
        }
        size_t cap = c->starts[d + 1] - c->starts[d];
        size_t *slots = c->out + c->starts[d];
        size_t got = TX_STOPPED(q->stop) ? 0
                                         : tx_lines(q, doc, len, slots, cap);
        for (size_t s = got; s < cap; s++)
            slots[s] = 0;
    }
}

static size_t line_runs(tx_batch *b, size_t tid, size_t i, size_t k,
                        size_t pieces)
{
    const corpus_batch *c = (const corpus_batch *)b;
    (void)tid, (void)i;
    lines_of_docs(c, run_start(c->off, c->ndocs, k, pieces),
                  run_start(c->off, c->ndocs, k + 1, pieces));
    return 0;
}

static size_t lines_all(tx_batch *b, size_t tid, size_t i)
{
    return line_runs(b, tid, i, 0, 1);
}

/* The corpus batch for q over buf; total is set to its byte count. */
static corpus_batch corpus_of(const tx_query *q, const char *buf,
                              const size_t *offsets, size_t ndocs,
                              size_t *total, int lines)
{
    *total = ndocs ? offsets[ndocs] - offsets[0] : 0;
    corpus_batch c = {{lines ? lines_all : count_all,
                       lines ? line_runs : count_runs, 1, NULL, total,
                       q->stop, NULL, 0, 0, 0, NULL},
                      q, (const unsigned char *)buf, offsets, ndocs, NULL,
                      NULL};
    return c;
}

/* out[d] = the query's count in document d; the word's probes are
 * chosen from a sample of the documents first. */
static void corpus_count(tx_query *q, size_t ndocs, const char *buf,
                         const size_t *offsets, int threads, size_t *out)
{
    size_t total;
    corpus_batch c = corpus_of(q, buf, offsets, ndocs, &total, 0);
    const char *start = buf + (ndocs ? offsets[0] : 0);
    tx_needle_tune(&q->word_needle, 1, &start, &total);
    c.out = out;
    tx_batch_plan(&c.b, threads);
    tx_batch_run(&c.b);
}

void textops_corpus_word_count(size_t ndocs, const char *buf,
                               const size_t *offsets, const char *word,
                               size_t word_len, const char *sep,
                               size_t sep_len, textops_mode mode,
                               int threads, size_t *out)
{
    tx_query q = tx_make_query(TX_WORDS, word, word_len, sep, sep_len, mode);
    corpus_count(&q, ndocs, buf, offsets, threads, out);
}

void textops_corpus_substring_count(size_t ndocs, const char *buf,
                                    const size_t *offsets, const char *sub,
                                    size_t sub_len, textops_mode mode,
                                    int threads, size_t *out)
{
    tx_query q = tx_make_query(TX_COUNT, sub, sub_len, NULL, 0, mode);
    corpus_count(&q, ndocs, buf, offsets, threads, out);
}

int textops_corpus_line_word_counts(size_t ndocs, const char *buf,
                                    const size_t *offsets, const char *word,
                                    size_t word_len, const char *sep,
                                    size_t sep_len, textops_mode mode,
                                    int threads, size_t **counts,
                                    size_t *nlines)
{
    tx_query q = tx_make_query(TX_LINES, word, word_len, sep, sep_len, mode);
    size_t total;
    corpus_batch c = corpus_of(&q, buf, offsets, ndocs, &total, 1);
    /* lines per document (in starts, memory of our own: the second pass
     * trusts nothing another thread can write), then each document's
     * counts in its place */
    size_t *starts = calloc(ndocs + 1, sizeof *starts);
    if (starts == NULL)
        return -1;
    c.out = starts + 1;
    tx_batch_plan(&c.b, threads);
    tx_batch_run(&c.b);
    for (size_t d = 0; d < ndocs; d++)
        starts[d + 1] += starts[d];
    size_t *all = malloc((starts[ndocs] ? starts[ndocs] : 1) * sizeof *all);
    if (all == NULL) {
        free(starts);
        return -1;
    }
    if (tx_between_passes != NULL)
        tx_between_passes();
    c.starts = starts;
    c.out = all;
    tx_batch_run(&c.b);
    for (size_t d = 0; d < ndocs; d++)
        nlines[d] = starts[d + 1] - starts[d];
    free(starts);
    *counts = all;
    return 0;
}

void textops_gather(size_t ntexts, const char *const *texts,
                    const size_t *lens, char *out)
{
    for (size_t i = 0; i < ntexts; i++) {
        if (lens[i])
            memcpy(out, texts[i], lens[i]);
        out += lens[i];
    }
}
