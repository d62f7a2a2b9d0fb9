/* The fuzz harness: decodes an input (see harness.h), runs the entry point
 * under test on every configuration the input asks for, and compares with
 * the references of reference.c. The one-text and batch checks are here;
 * the others have a file each (check_*.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "batch.h" /* tx_between_passes */
#include "textops.h"

/* The code points that input bytes 0x80-0xFF stand for in str mode:
 * Unicode whitespace and line breaks, characters that share their first
 * UTF-8 bytes (near misses), surrogates, astral and boundary code points;
 * then (from 0xB0) those of the \w rules and of str.lower(): "İ" (lowers
 * to two code points), the Kelvin sign, capital, final and small sigma,
 * combining marks and other case-ignorable ones, a cased letter, another
 * script's digit, an astral capital, letters whose lowercase is shorter or
 * longer in UTF-8, a cased symbol that is not \w. */
static const uint32_t ODD[] = {
    0x85,   0xA0,   0x1680, 0x2000, 0x2005, 0x200A, 0x2028, 0x2029,
    0x202F, 0x205F, 0x3000, 0x84,   0x86,   0x9F,   0xA1,   0xE9,
    0xDF,   0x167F, 0x1681, 0x200B, 0x2027, 0x202A, 0x2030, 0x205E,
    0x2060, 0x3001, 0x4E16, 0x2080, 0xD800, 0xDBFF, 0xDC00, 0xDFFF,
    0xD83D, 0xDE00, 0x1F600, 0x10FFFF, 0x80, 0x7FF, 0x800, 0xFFFF,
    0x10000, 0xC2,  0xE2,   0xE3,   0xE1,   0x2081, 0x2029, 0x3000,
    0x130,  0x212A, 0x3A3,  0x3C2,  0x3C3,  0x301,  0x307,  0xB7,
    0x2019, 0x391,  0x660,  0x10400, 0x1E9E, 0x23A, 0x24B6, 0xAD,
};
#define NODD (sizeof ODD / sizeof ODD[0])

void *fz_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        abort();
    return p;
}

static size_t utf8_put(uint32_t c, unsigned char *out)
{
    if (c < 0x80) {
        out[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (unsigned char)(0xC0 | c >> 6);
        out[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) { /* surrogates too, as "surrogatepass" does */
        out[0] = (unsigned char)(0xE0 | c >> 12);
        out[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
        out[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | c >> 18);
    out[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
    out[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
    out[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

size_t fz_utf8(const uint32_t *c, size_t n, unsigned char *out)
{
    unsigned char tmp[4];
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += utf8_put(c[i], out != NULL ? out + len : tmp);
    return len;
}

fz_text fz_decode(const uint8_t *d, size_t k, int unicode, int raw)
{
    fz_text t = {NULL, k, NULL, 0};
    if (!unicode || raw) {
        t.u = fz_alloc(k);
        if (k)
            memcpy(t.u, d, k);
        t.len = k;
        if (raw)
            return t;
        t.cp = fz_alloc(k * sizeof *t.cp);
        for (size_t i = 0; i < k; i++)
            t.cp[i] = d[i];
        return t;
    }
    t.cp = fz_alloc(k * sizeof *t.cp);
    for (size_t i = 0; i < k; i++)
        t.cp[i] = d[i] < 0x80 ? d[i] : ODD[(d[i] - 0x80) % NODD];
    t.len = fz_utf8(t.cp, k, NULL);
    t.u = fz_alloc(t.len);
    fz_utf8(t.cp, k, (unsigned char *)t.u);
    return t;
}

void fz_drop(fz_text *t)
{
    free(t->cp);
    free(t->u);
}

void fz_fail(const char *what, size_t got, size_t want, const fz_query *q,
             int threads)
{
    fprintf(stderr,
            "textops fuzz: %s gave %zu, the reference %zu "
            "(threads %d, min chunk %zu, backend %d)\n",
            what, got, want, threads, q->min_chunk, q->backend);
    abort();
}

static void check_single(fz_target target, const fz_query *q, int threads)
{
    const fz_text *t = &q->text, *w = &q->word, *s = &q->sep;
    const char *sep = q->has_sep ? s->u : NULL;
    size_t sep_len = q->has_sep ? s->len : 0;
    int unicode = q->mode == TEXTOPS_UNICODE;
    const uint32_t *ref_sep = q->has_sep ? s->cp : NULL;
    if (target == FZ_SUBSTRING_COUNT) {
        size_t got = textops_substring_count(t->u, t->len, w->u, w->len,
                                             q->mode, threads);
        if (!q->raw) {
            size_t want = fz_ref_count(t->cp, t->n, w->cp, w->n);
            if (got != want)
                fz_fail("textops_substring_count", got, want, q, threads);
        }
    } else if (target == FZ_WORD_COUNT) {
        size_t got = textops_word_count(t->u, t->len, w->u, w->len, sep,
                                        sep_len, q->mode | q->rule, threads);
        if (!q->raw) {
            size_t want = fz_ref_rule_words(t->cp, t->n, w->cp, w->n,
                                            ref_sep, s->n, unicode, q->rule);
            if (got != want)
                fz_fail("textops_word_count", got, want, q, threads);
        }
    } else {
        size_t *counts = NULL, nlines = 0;
        if (textops_line_word_counts(t->u, t->len, w->u, w->len, sep,
                                     sep_len, q->mode | q->rule, threads,
                                     &counts, &nlines) != 0)
            abort(); /* out of memory on a tiny input */
        if (!q->raw) {
            size_t want = fz_ref_lines(t->cp, t->n, w->cp, w->n, ref_sep,
                                       s->n, unicode, q->rule, NULL);
            if (nlines != want)
                fz_fail("textops_line_word_counts (lines)", nlines, want, q, threads);
            size_t *ref = fz_alloc(want * sizeof *ref);
            fz_ref_lines(t->cp, t->n, w->cp, w->n, ref_sep, s->n, unicode,
                         q->rule, ref);
            for (size_t i = 0; i < want; i++)
                if (counts[i] != ref[i])
                    fz_fail("textops_line_word_counts (a line)", counts[i],
                            ref[i], q, threads);
            free(ref);
        }
        textops_free(counts);
    }
}

/* Decodes piece j of in[0, k) cut at 0xFE bytes; stores in *count how
 * many pieces there are (at most FZ_MAX_TEXTS). */
static fz_text piece(const fz_query *q, const uint8_t *in, size_t k,
                     size_t j, size_t *count)
{
    size_t n = 0, start = 0, a = 0, b = k;
    for (size_t i = 0; i <= k && n < FZ_MAX_TEXTS; i++) {
        if (i == k || in[i] == 0xFE) {
            if (n++ == j) {
                a = start;
                b = i;
            }
            start = i + 1;
        }
    }
    *count = n;
    return fz_decode(in + a, b - a, q->mode == TEXTOPS_UNICODE, q->raw);
}

size_t fz_pieces(const fz_query *q, const uint8_t *in, size_t k,
                 fz_text *out)
{
    size_t count = 1;
    for (size_t j = 0; j < count; j++)
        out[j] = piece(q, in, k, j, &count);
    return count;
}

static void check_batch(const fz_query *q, int threads)
{
    int unicode = q->mode == TEXTOPS_UNICODE;
    fz_text texts[FZ_MAX_TEXTS], words[FZ_MAX_TEXTS];
    const char *tp[FZ_MAX_TEXTS], *wp[FZ_MAX_TEXTS];
    size_t tl[FZ_MAX_TEXTS], wl[FZ_MAX_TEXTS], out[FZ_MAX_TEXTS];
    size_t ntexts = fz_pieces(q, q->text_in, q->text_in_len, texts);
    size_t nwords = q->per_text ? ntexts : 1, nw = 1;
    for (size_t i = 0; i < nwords; i++) /* per text: the pieces in turn */
        words[i] = q->per_text ? piece(q, q->word_in, q->word_in_len, i % nw,
                                       &nw)
                               : fz_decode(q->word_in, q->word_in_len,
                                           unicode, q->raw);
    for (size_t i = 0; i < ntexts; i++) {
        tp[i] = texts[i].u;
        tl[i] = texts[i].len;
    }
    for (size_t i = 0; i < nwords; i++) {
        wp[i] = words[i].u;
        wl[i] = words[i].len;
    }
    for (int kind = 0; kind < 2; kind++) {
        memset(out, 0xA5, sizeof out);
        if (kind == 0)
            textops_batch_word_count(ntexts, tp, tl, nwords, wp, wl,
                                     q->has_sep ? q->sep.u : NULL,
                                     q->has_sep ? q->sep.len : 0,
                                     q->mode | q->rule, threads, out);
        else
            textops_batch_substring_count(ntexts, tp, tl, nwords, wp, wl,
                                          q->mode, threads, out);
        if (q->raw)
            continue;
        for (size_t i = 0; i < ntexts; i++) {
            const fz_text *t = &texts[i], *w = &words[nwords == 1 ? 0 : i];
            size_t want = kind == 0
                              ? fz_ref_rule_words(t->cp, t->n, w->cp, w->n,
                                                  q->has_sep ? q->sep.cp
                                                             : NULL,
                                                  q->sep.n, unicode, q->rule)
                              : fz_ref_count(t->cp, t->n, w->cp, w->n);
            if (out[i] != want)
                fz_fail(kind == 0 ? "textops_batch_word_count"
                                  : "textops_batch_substring_count",
                        out[i], want, q, threads);
        }
    }
    for (size_t i = 0; i < ntexts; i++)
        fz_drop(&texts[i]);
    for (size_t i = 0; i < nwords; i++)
        fz_drop(&words[i]);
}

/* --- FZ_MUTATE: the texts change between two passes of one call ------- */

/* The bytes the hook rewrites, and how: every `every`-th byte from `phase`
 * becomes a line break, the others between become `fill` (a token byte),
 * so the second pass sees more lines and other tokens than the first. */
static unsigned char *fz_mut_text;
static size_t fz_mut_len, fz_mut_every, fz_mut_phase;
static unsigned char fz_mut_fill;
static int fz_mut_calls;

static void fz_mutate(void)
{
    fz_mut_calls++;
    for (size_t i = fz_mut_phase; i < fz_mut_len; i++)
        fz_mut_text[i] = (i - fz_mut_phase) % fz_mut_every == 0
                             ? (unsigned char)'\n' : fz_mut_fill;
}

static void fz_expect(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "textops fuzz (mutate): %s\n", what);
        abort();
    }
}

/* Sane results for a text of n bytes, whatever it held: at most n lines
 * (each holds a byte or a line break), at most n + 1 tokens in a line. */
static void fz_check_lines(const size_t *counts, size_t nlines, size_t n)
{
    fz_expect(nlines <= n, "more lines than bytes");
    for (size_t i = 0; i < nlines; i++)
        fz_expect(counts[i] <= n + 1, "a line count above the bytes + 1");
}

static void check_mutate(const fz_query *q, int threads)
{
    char *u = q->text.u;
    size_t len = q->text.len;
    const char *sep = q->has_sep ? q->sep.u : NULL;
    size_t sep_len = q->has_sep ? q->sep.len : 0;
    fz_mut_len = len;
    fz_mut_every = (size_t)(q->min_chunk % 7) + 1;
    fz_mut_phase = len ? (size_t)q->backend * len / 4 : 0;
    fz_mut_fill = q->word.len ? (unsigned char)q->word.u[0] : 'a';
    /* a copy each call: the hook rewrites it */
    unsigned char *copy = fz_alloc(len);
    tx_between_passes = fz_mutate;

    if (len)
        memcpy(copy, u, len);
    fz_mut_text = copy;
    fz_mut_calls = 0;
    size_t *counts = NULL, nlines = 0;
    fz_expect(textops_line_word_counts((const char *)copy, len, q->word.u,
                                       q->word.len, sep, sep_len,
                                       q->mode | q->rule, threads, &counts,
                                       &nlines) == 0,
              "textops_line_word_counts failed");
    fz_expect(fz_mut_calls == 1, "the line counts did not call the hook");
    fz_check_lines(counts, nlines, len);
    textops_free(counts);

    /* a corpus of the text cut at '\v' (a byte the hook never writes) */
    if (len)
        memcpy(copy, u, len);
    size_t offsets[FZ_MAX_TEXTS + 1], ndocs = 0;
    offsets[0] = 0;
    for (size_t i = 0; i <= len && ndocs < FZ_MAX_TEXTS; i++)
        if (i == len || copy[i] == '\v')
            offsets[++ndocs] = i;
    offsets[ndocs] = len; /* the last document runs to the end */
    size_t per_doc[FZ_MAX_TEXTS];
    counts = NULL;
    fz_mut_calls = 0;
    fz_expect(textops_corpus_line_word_counts(
                  ndocs, (const char *)copy, offsets, q->word.u, q->word.len,
                  sep, sep_len, q->mode | q->rule, threads, &counts,
                  per_doc) == 0,
              "textops_corpus_line_word_counts failed");
    fz_expect(fz_mut_calls == 1, "the corpus line counts did not call the hook");
    size_t at = 0;
    for (size_t d = 0; d < ndocs; d++) {
        size_t n = offsets[d + 1] - offsets[d];
        fz_check_lines(counts + at, per_doc[d], n);
        at += per_doc[d];
    }
    textops_free(counts);

    /* frequencies of the corpus's documents as texts */
    if (len)
        memcpy(copy, u, len);
    const char *texts[FZ_MAX_TEXTS];
    size_t lens[FZ_MAX_TEXTS];
    for (size_t d = 0; d < ndocs; d++) {
        texts[d] = (const char *)copy + offsets[d];
        lens[d] = offsets[d + 1] - offsets[d];
    }
    textops_tokens tokens;
    tokens.keep_whole = 0; /* every token in data: the checks below read it */
    fz_mut_calls = 0;
    fz_expect(textops_word_frequencies(ndocs, texts, lens, sep, sep_len,
                                       q->mode, threads, &tokens) == 0,
              "textops_word_frequencies failed");
    fz_expect(fz_mut_calls == 1, "the frequencies did not call the hook");
    size_t nbytes = 0, total = 0;
    for (size_t k = 0; k < tokens.ntokens; k++) {
        fz_expect(tokens.info[3 * k + 1] <= tokens.info[3 * k],
                  "a token of more characters than bytes");
        nbytes += tokens.info[3 * k];
        total += tokens.info[3 * k + 2];
    }
    fz_expect(nbytes == tokens.nbytes, "token lengths do not add up");
    fz_expect(nbytes <= len, "more token bytes than text");
    fz_expect(total <= len + ndocs, "more tokens than bytes + texts");
    textops_free(tokens.data);
    textops_free(tokens.info);
    textops_free(tokens.whole);

    tx_between_passes = NULL;
    free(copy);
}

void fz_run(fz_target target, const uint8_t *data, size_t size)
{
    if (target == FZ_UTF8) { /* a layout of its own */
        fz_check_utf8(data, size);
        return;
    }
    uint8_t head[4] = {0, 0, 0, 0};
    size_t off = size < 4 ? size : 4;
    memcpy(head, data, off);
    fz_query q;
    memset(&q, 0, sizeof q);
    q.mode = head[0] & 1 ? TEXTOPS_UNICODE : TEXTOPS_BYTES;
    q.has_sep = head[0] >> 1 & 1;
    q.threads = (head[0] >> 2 & 3) + 1;
    q.backend = head[0] >> 4 & 3;
    q.raw = q.mode == TEXTOPS_UNICODE && (head[0] >> 6 & 1);
    q.per_text = head[0] >> 7 & 1;
    q.min_chunk = (size_t)(head[1] & 31) + 1;
    static const int rules[4] = {0, TEXTOPS_WORD_CHARS,
                                 TEXTOPS_WORD_CHARS | TEXTOPS_TWO_OR_MORE,
                                 TEXTOPS_WORD_CHARS};
    q.rule = rules[head[1] >> 5 & 3] | (head[1] >> 7 ? TEXTOPS_LOWER : 0);
    size_t wlen = head[2] < size - off ? head[2] : size - off;
    q.word_in = data + off;
    q.word_in_len = wlen;
    off += wlen;
    size_t slen = head[3] < size - off ? head[3] : size - off;
    const uint8_t *sep_in = data + off;
    off += slen;
    q.text_in = data + off;
    q.text_in_len = size - off;
    if (slen == 0)
        q.has_sep = 0; /* the API requires sep_len >= 1 (Python raises) */
    int unicode = q.mode == TEXTOPS_UNICODE;
    q.word = fz_decode(q.word_in, wlen, unicode, q.raw);
    q.sep = fz_decode(sep_in, slen, unicode, q.raw);
    q.text = fz_decode(q.text_in, q.text_in_len, unicode, q.raw);

    int backend = textops_set_search_backend(q.backend);
    if (backend < 0)
        backend = textops_set_search_backend(0);
    size_t old_chunk = textops_set_min_chunk(q.min_chunk);
    int counts[2] = {1, q.threads};
    for (int k = 0; k < 2; k++) {
        if (target == FZ_BATCH)
            check_batch(&q, counts[k]);
        else if (target == FZ_FREQUENCIES)
            fz_check_frequencies(&q, counts[k]);
        else if (target == FZ_WORD_COUNTS)
            fz_check_word_counts(&q, counts[k]);
        else if (target == FZ_CORPUS)
            fz_check_corpus(&q, counts[k]);
        else if (target == FZ_MATRIX)
            fz_check_matrix(&q, counts[k]);
        else if (target == FZ_MUTATE)
            check_mutate(&q, counts[k]);
        else
            check_single(target, &q, counts[k]);
    }
    textops_set_min_chunk(old_chunk);
    textops_set_search_backend(backend);
    fz_drop(&q.word);
    fz_drop(&q.sep);
    fz_drop(&q.text);
}
