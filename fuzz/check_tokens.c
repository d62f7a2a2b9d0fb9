/* The checks of textops_word_frequencies (against a naive counter) and
 * textops_word_counts (against per-word counts), on the texts of a query
 * cut at 0xFE bytes, by the query's token rule (harness.h). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "textops.h"

/* The texts of a query and their pointers and lengths, for a call. */
typedef struct {
    fz_text t[FZ_MAX_TEXTS];
    const char *p[FZ_MAX_TEXTS];
    size_t len[FZ_MAX_TEXTS];
    size_t n;
} fz_texts;

static void texts_make(fz_texts *ts, const fz_query *q, const uint8_t *in,
                       size_t k)
{
    ts->n = fz_pieces(q, in, k, ts->t);
    for (size_t i = 0; i < ts->n; i++) {
        ts->p[i] = ts->t[i].u;
        ts->len[i] = ts->t[i].len;
    }
}

static void texts_drop(fz_texts *ts)
{
    for (size_t i = 0; i < ts->n; i++)
        fz_drop(&ts->t[i]);
}

/* A distinct token of the naive counter: where it first occurs, its
 * length in code points and its count. */
typedef struct {
    const uint32_t *cp;
    size_t n, count;
} ref_token;

/* Counter of the tokens by the query's rule (t.split(sep), the \w runs,
 * of t.lower()) summed over the texts, in first-occurrence order, by
 * linear search; returns the number of distinct tokens. The tokens lie
 * in the texts or in lowered copies, kept in low[] (to free). */
static size_t ref_counter(const fz_texts *ts, const fz_query *q,
                          ref_token *out, uint32_t **low)
{
    size_t distinct = 0;
    int unicode = q->mode == TEXTOPS_UNICODE;
    for (size_t i = 0; i < ts->n; i++) {
        const fz_text *t = &ts->t[i];
        size_t room = 3 * t->n + 1; /* lowering makes up to 3 of one */
        size_t *starts = fz_alloc(room * sizeof *starts);
        size_t *ends = fz_alloc(room * sizeof *ends);
        size_t tokens = fz_ref_rule_tokens(t->cp, t->n,
                                           q->has_sep ? q->sep.cp : NULL,
                                           q->sep.n, unicode, q->rule,
                                           &low[i], starts, ends);
        const uint32_t *base = low[i] != NULL ? low[i] : t->cp;
        for (size_t k = 0; k < tokens; k++) {
            const uint32_t *cp = base + starts[k];
            size_t n = ends[k] - starts[k], d = 0;
            while (d < distinct &&
                   !(out[d].n == n &&
                     (n == 0 || memcmp(out[d].cp, cp, n * sizeof *cp) == 0)))
                d++;
            if (d == distinct)
                out[distinct++] = (ref_token){cp, n, 0};
            out[d].count++;
        }
        free(starts);
        free(ends);
    }
    return distinct;
}

void fz_check_frequencies(const fz_query *q, int threads)
{
    fz_texts ts;
    texts_make(&ts, q, q->text_in, q->text_in_len);
    textops_tokens got;
    memset(&got, 0xA5, sizeof got);
    got.keep_whole = 1; /* whole texts may be left out of data */
    if (textops_word_frequencies(ts.n, ts.p, ts.len,
                                 q->has_sep ? q->sep.u : NULL,
                                 q->has_sep ? q->sep.len : 0,
                                 q->mode | q->rule, threads, &got) != 0)
        abort(); /* out of memory on a tiny input */
    /* every token lies in data; the lengths add up */
    size_t at = 0;
    for (size_t i = 0; i < got.ntokens; i++) {
        if (got.info[3 * i] > got.nbytes - at)
            fz_fail("textops_word_frequencies (token bytes)",
                    got.info[3 * i], got.nbytes - at, q, threads);
        at += got.info[3 * i];
    }
    if (at != got.nbytes)
        fz_fail("textops_word_frequencies (nbytes)", got.nbytes, at, q,
                threads);
    if (!q->raw) {
        size_t most = 0;
        for (size_t i = 0; i < ts.n; i++)
            most += 3 * ts.t[i].n + 1;
        ref_token *want = fz_alloc(most * sizeof *want);
        uint32_t *low[FZ_MAX_TEXTS] = {NULL};
        size_t distinct = ref_counter(&ts, q, want, low);
        if (got.ntokens != distinct)
            fz_fail("textops_word_frequencies (distinct tokens)",
                    got.ntokens, distinct, q, threads);
        at = 0;
        for (size_t i = 0; i < distinct; i++) {
            /* the token as textops holds it: UTF-8, or a byte a unit */
            int unicode = q->mode == TEXTOPS_UNICODE;
            size_t nbytes = unicode ? fz_utf8(want[i].cp, want[i].n, NULL)
                                    : want[i].n;
            unsigned char *bytes = fz_alloc(nbytes);
            if (unicode)
                fz_utf8(want[i].cp, want[i].n, bytes);
            else
                for (size_t k = 0; k < want[i].n; k++)
                    bytes[k] = (unsigned char)want[i].cp[k];
            size_t whole = got.whole != NULL ? got.whole[i] : 0;
            if (whole) { /* a whole text, not copied; its lengths are 0 */
                const char *t = ts.p[whole - 1];
                size_t n = ts.len[whole - 1];
                if (whole > ts.n || n != nbytes ||
                    nbytes < TEXTOPS_WHOLE_BYTES ||
                    memcmp(t, bytes, nbytes) != 0 ||
                    got.info[3 * i] != 0 || got.info[3 * i + 1] != 0)
                    fz_fail("textops_word_frequencies (token i: whole text)",
                            n, nbytes, q, threads);
                nbytes = 0;
            } else if (got.info[3 * i] != nbytes ||
                       (nbytes && memcmp(got.data + at, bytes, nbytes) != 0))
                fz_fail("textops_word_frequencies (token i: bytes)",
                        got.info[3 * i], nbytes, q, threads);
            else if (got.info[3 * i + 1] != want[i].n)
                fz_fail("textops_word_frequencies (token i: characters)",
                        got.info[3 * i + 1], want[i].n, q, threads);
            if (got.info[3 * i + 2] != want[i].count)
                fz_fail("textops_word_frequencies (token i: count)",
                        got.info[3 * i + 2], want[i].count, q, threads);
            at += nbytes;
            free(bytes);
        }
        free(want);
        for (size_t i = 0; i < ts.n; i++)
            free(low[i]);
    }
    textops_free(got.data);
    textops_free(got.info);
    textops_free(got.whole);
    texts_drop(&ts);
}

void fz_check_word_counts(const fz_query *q, int threads)
{
    fz_texts ts, ws;
    texts_make(&ts, q, q->text_in, q->text_in_len);
    texts_make(&ws, q, q->word_in, q->word_in_len); /* words may repeat */
    int unicode = q->mode == TEXTOPS_UNICODE, per_text = q->per_text;
    size_t cells = per_text ? ts.n * ws.n : ws.n;
    size_t *out = fz_alloc(cells * sizeof *out);
    memset(out, 0xA5, cells * sizeof *out);
    /* the texts x words matrix, or one row of sums */
    int (*count)(size_t, const char *const *, const size_t *,
                 const unsigned char *, size_t, const char *const *,
                 const size_t *, const char *, size_t, textops_mode, int,
                 size_t *) =
        per_text ? textops_term_matrix : textops_word_counts;
    if (count(ts.n, ts.p, ts.len, NULL, ws.n, ws.p, ws.len,
              q->has_sep ? q->sep.u : NULL, q->has_sep ? q->sep.len : 0,
              q->mode | q->rule, threads, out) != 0)
        abort(); /* out of memory on a tiny input */
    if (!q->raw) {
        for (size_t j = 0; j < ws.n; j++) {
            size_t sum = 0;
            for (size_t i = 0; i < ts.n; i++) {
                const fz_text *t = &ts.t[i], *w = &ws.t[j];
                size_t want = fz_ref_rule_words(
                    t->cp, t->n, w->cp, w->n, q->has_sep ? q->sep.cp : NULL,
                    q->sep.n, unicode, q->rule);
                sum += want;
                if (per_text && out[i * ws.n + j] != want)
                    fz_fail("textops_term_matrix",
                            out[i * ws.n + j], want, q, threads);
            }
            if (!per_text && out[j] != sum)
                fz_fail("textops_word_counts (sum over texts)", out[j], sum,
                        q, threads);
        }
    }
    free(out);
    texts_drop(&ts);
    texts_drop(&ws);
}
