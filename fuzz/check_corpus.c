/* The checks of a packed corpus: textops_gather packs the texts of a query
 * (cut at 0xFE bytes, harness.h) end to end, then the per-document counts
 * of textops_corpus_word_count, textops_corpus_substring_count and
 * textops_corpus_line_word_counts (the word counts by the input's token
 * rule) must be each document's own counts. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "textops.h"

void fz_check_corpus(const fz_query *q, int threads)
{
    fz_text docs[FZ_MAX_TEXTS];
    const char *p[FZ_MAX_TEXTS];
    size_t lens[FZ_MAX_TEXTS], offsets[FZ_MAX_TEXTS + 1], out[FZ_MAX_TEXTS];
    size_t ndocs = fz_pieces(q, q->text_in, q->text_in_len, docs);
    int unicode = q->mode == TEXTOPS_UNICODE;
    const char *sep = q->has_sep ? q->sep.u : NULL;
    size_t sep_len = q->has_sep ? q->sep.len : 0;
    const uint32_t *ref_sep = q->has_sep ? q->sep.cp : NULL;
    const fz_text *w = &q->word;
    offsets[0] = 0;
    for (size_t i = 0; i < ndocs; i++) {
        p[i] = docs[i].u;
        lens[i] = docs[i].len;
        offsets[i + 1] = offsets[i] + lens[i];
    }
    /* exactly the packed size, so that the sanitizers see reads past it */
    char *buf = fz_alloc(offsets[ndocs]);
    textops_gather(ndocs, p, lens, buf);
    for (size_t i = 0; i < ndocs; i++)
        if (lens[i] && memcmp(buf + offsets[i], p[i], lens[i]) != 0)
            fz_fail("textops_gather (a document's bytes)", i, i, q, threads);

    for (int words = 0; words < 2; words++) {
        memset(out, 0xA5, sizeof out);
        if (words)
            textops_corpus_word_count(ndocs, buf, offsets, w->u, w->len, sep,
                                      sep_len, q->mode | q->rule, threads,
                                      out);
        else
            textops_corpus_substring_count(ndocs, buf, offsets, w->u, w->len,
                                           q->mode, threads, out);
        for (size_t i = 0; i < ndocs && !q->raw; i++) {
            const fz_text *d = &docs[i];
            size_t want = words ? fz_ref_rule_words(d->cp, d->n, w->cp,
                                                    w->n, ref_sep, q->sep.n,
                                                    unicode, q->rule)
                                : fz_ref_count(d->cp, d->n, w->cp, w->n);
            if (out[i] != want)
                fz_fail(words ? "textops_corpus_word_count"
                              : "textops_corpus_substring_count",
                        out[i], want, q, threads);
        }
    }

    size_t *counts = NULL;
    memset(out, 0xA5, sizeof out);
    if (textops_corpus_line_word_counts(ndocs, buf, offsets, w->u, w->len,
                                        sep, sep_len, q->mode | q->rule,
                                        threads, &counts, out) != 0)
        abort(); /* out of memory on a tiny input */
    for (size_t i = 0, at = 0; i < ndocs && !q->raw; i++) {
        const fz_text *d = &docs[i];
        size_t want = fz_ref_lines(d->cp, d->n, w->cp, w->n, ref_sep,
                                   q->sep.n, unicode, q->rule, NULL);
        if (out[i] != want)
            fz_fail("textops_corpus_line_word_counts (lines)", out[i], want,
                    q, threads);
        size_t *ref = fz_alloc(want * sizeof *ref);
        fz_ref_lines(d->cp, d->n, w->cp, w->n, ref_sep, q->sep.n, unicode,
                     q->rule, ref);
        for (size_t k = 0; k < want; k++, at++)
            if (counts[at] != ref[k])
                fz_fail("textops_corpus_line_word_counts (a line)",
                        counts[at], ref[k], q, threads);
        free(ref);
    }
    textops_free(counts);
    free(buf);
    for (size_t i = 0; i < ndocs; i++)
        fz_drop(&docs[i]);
}
