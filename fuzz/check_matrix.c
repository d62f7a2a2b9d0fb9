/* The check of textops_count_matrix and textops_vocab_matrix (against
 * per-document n-gram counts by linear search), on the texts of a query
 * cut at 0xFE bytes (harness.h), with split() tokens: the query's word, if
 * any, is the one stop word; bit 7 (per_text) asks for ngram_range (1, 2),
 * an explicit separator (unused otherwise) for (2, 2), else (1, 1). */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "textops.h"

/* An n-gram of the reference: its bytes (owned) and its count. */
typedef struct {
    unsigned char *s;
    size_t n, count;
} ref_gram;

/* The bytes the core reads of code points cp[0, n) (UTF-8 for str). */
static size_t to_bytes(const uint32_t *cp, size_t n, int unicode,
                       unsigned char *out)
{
    if (unicode)
        return fz_utf8(cp, n, out);
    for (size_t i = 0; out != NULL && i < n; i++)
        out[i] = (unsigned char)cp[i];
    return n;
}

static int same_bytes(const unsigned char *a, size_t an,
                      const unsigned char *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

/* Adds gram s[0, n) (taken over) to grams[0, *ng), counting it. */
static void add_gram(ref_gram *grams, size_t *ng, unsigned char *s, size_t n)
{
    for (size_t d = 0; d < *ng; d++)
        if (same_bytes(grams[d].s, grams[d].n, s, n)) {
            grams[d].count++;
            free(s);
            return;
        }
    grams[(*ng)++] = (ref_gram){s, n, 1};
}

/* The n-grams of one text and their counts; returns how many. */
static size_t ref_grams(const fz_text *t, const fz_query *q, int lo, int hi,
                        ref_gram *grams)
{
    int unicode = q->mode == TEXTOPS_UNICODE;
    size_t *starts = fz_alloc((t->n + 1) * sizeof *starts);
    size_t *ends = fz_alloc((t->n + 1) * sizeof *ends);
    size_t ntok = fz_ref_split(t->cp, t->n, NULL, 0, unicode, starts, ends);
    unsigned char **tok = fz_alloc((ntok + 1) * sizeof *tok);
    size_t *len = fz_alloc((ntok + 1) * sizeof *len), kept = 0, ng = 0;
    for (size_t k = 0; k < ntok; k++) {
        size_t n = ends[k] - starts[k];
        len[kept] = to_bytes(t->cp + starts[k], n, unicode, NULL);
        tok[kept] = fz_alloc(len[kept] + 1);
        to_bytes(t->cp + starts[k], n, unicode, tok[kept]);
        if (q->word.n != 0 &&
            same_bytes(tok[kept], len[kept], (const unsigned char *)q->word.u,
                       q->word.len))
            free(tok[kept]); /* a stop word */
        else
            kept++;
    }
    for (size_t k = 0; lo == 1 && k < kept; k++) {
        unsigned char *s = fz_alloc(len[k] + 1);
        memcpy(s, tok[k], len[k]);
        add_gram(grams, &ng, s, len[k]);
    }
    for (size_t k = 0; hi == 2 && k + 1 < kept; k++) {
        size_t n = len[k] + 1 + len[k + 1];
        unsigned char *s = fz_alloc(n);
        memcpy(s, tok[k], len[k]);
        s[len[k]] = ' ';
        memcpy(s + len[k] + 1, tok[k + 1], len[k + 1]);
        add_gram(grams, &ng, s, n);
    }
    for (size_t k = 0; k < kept; k++)
        free(tok[k]);
    free(tok);
    free(len);
    free(starts);
    free(ends);
    return ng;
}

static int bytes_less(const unsigned char *a, size_t an,
                      const unsigned char *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    int c = m ? memcmp(a, b, m) : 0;
    return c < 0 || (c == 0 && an < bn);
}

static void free_matrix(textops_matrix *m)
{
    textops_free(m->terms);
    textops_free(m->term_info);
    textops_free(m->indptr);
    textops_free(m->indices);
    textops_free(m->counts);
}

/* Row i of m (columns mapped through col_of, or as they are when NULL)
 * against the text's n-grams: the same terms with the same counts. */
static void check_row(const textops_matrix *m, size_t i,
                      const unsigned char *const *term,
                      const size_t *term_len, const ref_gram *grams,
                      size_t ng, const fz_query *q, int threads)
{
    size_t a = m->indptr[i], b = m->indptr[i + 1];
    if (b - a != ng)
        fz_fail("count_matrix: entries of a row", b - a, ng, q, threads);
    for (size_t r = a; r < b; r++) {
        uint32_t c = m->indices[r];
        if (c >= m->nterms)
            fz_fail("count_matrix: column", c, m->nterms, q, threads);
        size_t d = 0;
        while (d < ng &&
               !same_bytes(grams[d].s, grams[d].n, term[c], term_len[c]))
            d++;
        if (d == ng)
            fz_fail("count_matrix: a term not in the row", c, 0, q, threads);
        if ((size_t)m->counts[r] != grams[d].count)
            fz_fail("count_matrix: count", (size_t)m->counts[r],
                    grams[d].count, q, threads);
        for (size_t s = a; s < r; s++)
            if (m->indices[s] == c)
                fz_fail("count_matrix: a column twice in a row", c, 0, q,
                        threads);
    }
}

void fz_check_matrix(const fz_query *q, int threads)
{
    fz_text t[FZ_MAX_TEXTS];
    const char *p[FZ_MAX_TEXTS];
    size_t lens[FZ_MAX_TEXTS];
    size_t n = fz_pieces(q, q->text_in, q->text_in_len, t);
    for (size_t i = 0; i < n; i++) {
        p[i] = t[i].u;
        lens[i] = t[i].len;
    }
    int lo = q->per_text ? 1 : q->has_sep ? 2 : 1;
    int hi = q->per_text || q->has_sep ? 2 : 1;
    const char *stop[1] = {q->word.u};
    size_t stop_len[1] = {q->word.len}, nstop = q->word.n != 0;
    textops_matrix m;
    memset(&m, 0xA5, sizeof m);
    if (textops_count_matrix(n, p, lens, nstop, stop, stop_len, lo, hi,
                             (textops_mode)q->mode, threads, &m) != 0)
        fz_fail("count_matrix: out of memory", 0, 0, q, threads);
    if (q->raw) { /* crashes only */
        free_matrix(&m);
        for (size_t i = 0; i < n; i++)
            fz_drop(&t[i]);
        return;
    }
    /* the terms, in strictly increasing byte order */
    const unsigned char **term = fz_alloc((m.nterms + 1) * sizeof *term);
    size_t *term_len = fz_alloc((m.nterms + 1) * sizeof *term_len), at = 0;
    for (size_t c = 0; c < m.nterms; c++) {
        term[c] = (const unsigned char *)m.terms + at;
        term_len[c] = m.term_info[2 * c];
        at += term_len[c];
        if (c > 0 && !bytes_less(term[c - 1], term_len[c - 1], term[c],
                                 term_len[c]))
            fz_fail("count_matrix: terms out of order", c, 0, q, threads);
    }
    if (at != m.nbytes)
        fz_fail("count_matrix: bytes of the terms", at, m.nbytes, q, threads);
    if (m.indptr[0] != 0 || m.indptr[n] != m.nnz)
        fz_fail("count_matrix: indptr", m.indptr[n], m.nnz, q, threads);
    /* the same counts against the terms as a fixed vocabulary, columns
     * reversed */
    size_t *columns = fz_alloc((m.nterms + 1) * sizeof *columns);
    const unsigned char **reversed = fz_alloc((m.nterms + 1) * sizeof *term);
    size_t *reversed_len = fz_alloc((m.nterms + 1) * sizeof *term_len);
    for (size_t c = 0; c < m.nterms; c++) {
        columns[c] = m.nterms - 1 - c;
        reversed[m.nterms - 1 - c] = term[c];
        reversed_len[m.nterms - 1 - c] = term_len[c];
    }
    textops_matrix v;
    memset(&v, 0xA5, sizeof v);
    int vocab = m.nterms != 0;
    if (vocab && textops_vocab_matrix(n, p, lens, nstop, stop, stop_len,
                                      m.nterms, (const char *const *)term,
                                      term_len, columns, lo, hi,
                                      (textops_mode)q->mode, threads, &v) != 0)
        fz_fail("vocab_matrix: out of memory", 0, 0, q, threads);
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        ref_gram *grams = fz_alloc((2 * t[i].n + 2) * sizeof *grams);
        size_t ng = ref_grams(&t[i], q, lo, hi, grams);
        distinct += ng;
        check_row(&m, i, term, term_len, grams, ng, q, threads);
        if (vocab) {
            v.nterms = m.nterms;
            check_row(&v, i, reversed, reversed_len, grams, ng, q, threads);
        }
        for (size_t d = 0; d < ng; d++)
            free(grams[d].s);
        free(grams);
    }
    if (m.nterms > distinct)
        fz_fail("count_matrix: terms", m.nterms, distinct, q, threads);
    char *seen = fz_alloc(m.nterms + 1);
    memset(seen, 0, m.nterms + 1);
    for (size_t r = 0; r < m.nnz; r++)
        seen[m.indices[r]] = 1;
    for (size_t c = 0; c < m.nterms; c++)
        if (!seen[c])
            fz_fail("count_matrix: a term in no row", c, 0, q, threads);
    free(seen);
    if (vocab) {
        v.nterms = 0;
        free_matrix(&v);
    }
    free(columns);
    free(reversed);
    free(reversed_len);
    free(term);
    free(term_len);
    free_matrix(&m);
    for (size_t i = 0; i < n; i++)
        fz_drop(&t[i]);
}
