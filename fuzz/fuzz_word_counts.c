/* libFuzzer target: textops_word_counts (sums and the texts x words
 * matrix) against per-word counts (harness.h); then the same text against
 * word sets of every size the many-word paths tell apart (wordset.c: a
 * first-two-byte filter when the words leave it selective, then a table
 * of the words only): the
 * text's own tokens by the rule (repeats included), each one's prefix and
 * the token with the character after it, the empty word, and 0, 40, 70 or
 * 1,100 made-up words (input byte [2], bits 0-1; made-up words of many
 * first two bytes turn the filter off). The header bytes mean
 * what harness.h says (mode, threads, backend, minimum chunk, rule); the
 * text is the input from byte 4 on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "textops.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A word both ways: code points for the reference, bytes for textops. */
typedef struct {
    uint32_t *cp;
    size_t n;
    char *u;
    size_t len;
} fz_word;

static void word_set(fz_word *w, const uint32_t *cp, size_t n, int unicode)
{
    w->cp = fz_alloc((n ? n : 1) * sizeof *w->cp);
    if (n)
        memcpy(w->cp, cp, n * sizeof *cp);
    w->n = n;
    w->len = unicode ? fz_utf8(cp, n, NULL) : n;
    w->u = fz_alloc(w->len ? w->len : 1);
    if (unicode)
        fz_utf8(cp, n, (unsigned char *)w->u);
    else
        for (size_t k = 0; k < n; k++)
            w->u[k] = (char)cp[k];
}

static void sets_fail(const char *what, size_t word, size_t got, size_t want,
                      int threads)
{
    fprintf(stderr,
            "textops fuzz: %s of word %zu gave %zu, the reference %zu "
            "(threads %d)\n",
            what, word, got, want, threads);
    abort();
}

static void check_word_sets(const uint8_t *data, size_t size)
{
    static const size_t fillers[4] = {0, 40, 70, 1100};
    static const int rules[4] = {0, TEXTOPS_WORD_CHARS,
                                 TEXTOPS_WORD_CHARS | TEXTOPS_TWO_OR_MORE,
                                 TEXTOPS_WORD_CHARS};
    if (size < 4)
        return;
    int unicode = data[0] & 1;
    int mode = unicode ? TEXTOPS_UNICODE : TEXTOPS_BYTES;
    int threads = (data[0] >> 2 & 3) + 1;
    int rule = rules[data[1] >> 5 & 3];
    size_t filler = fillers[data[2] & 3];
    fz_text text = fz_decode(data + 4, size - 4, unicode, 0);
    size_t *starts = fz_alloc((text.n + 1) * sizeof *starts);
    size_t *ends = fz_alloc((text.n + 1) * sizeof *ends);
    uint32_t *low;
    size_t ntok = fz_ref_rule_tokens(text.cp, text.n, NULL, 0, unicode, rule,
                                     &low, starts, ends);
    size_t nw = 0, most = 3 * ntok + filler + 1;
    fz_word *ws = fz_alloc(most * sizeof *ws);
    word_set(&ws[nw++], text.cp, 0, unicode); /* the empty word */
    for (size_t k = 0; k < ntok; k++) {
        const uint32_t *tok = text.cp + starts[k];
        size_t n = ends[k] - starts[k];
        word_set(&ws[nw++], tok, n, unicode);
        if (n > 1)
            word_set(&ws[nw++], tok, n - 1, unicode);
        if (ends[k] < text.n)
            word_set(&ws[nw++], tok, n + 1, unicode);
    }
    for (size_t f = 0; f < filler; f++) {
        uint32_t cp[24];
        char name[24];
        /* first two bytes of every kind: many of them turn the filter off */
        int n = snprintf(name, sizeof name, "%c%c%zu", (char)(0x21 + f % 94),
                         (char)(0x21 + f * 37 % 94), f);
        for (int k = 0; k < n; k++)
            cp[k] = (uint32_t)(unsigned char)name[k];
        word_set(&ws[nw++], cp, (size_t)n, unicode);
    }
    const char **p = fz_alloc(nw * sizeof *p);
    size_t *lens = fz_alloc(nw * sizeof *lens);
    size_t *want = fz_alloc(nw * sizeof *want);
    size_t *out = fz_alloc(2 * nw * sizeof *out);
    for (size_t j = 0; j < nw; j++) {
        p[j] = ws[j].u;
        lens[j] = ws[j].len;
        want[j] = fz_ref_rule_words(text.cp, text.n, ws[j].cp, ws[j].n, NULL,
                                    0, unicode, rule);
    }
    int backend = textops_set_search_backend(data[0] >> 4 & 3);
    if (backend < 0)
        backend = textops_set_search_backend(0);
    size_t old_chunk = textops_set_min_chunk((size_t)(data[1] & 31) + 1);
    const char *texts[2] = {text.u, text.u};
    size_t text_lens[2] = {text.len, text.len};
    int counts[2] = {1, threads};
    for (int c = 0; c < 2; c++) {
        if (textops_word_counts(2, texts, text_lens, NULL, nw, p, lens, NULL, 0,
                                mode | rule, counts[c], out) != 0)
            abort(); /* out of memory on a small input */
        for (size_t j = 0; j < nw; j++)
            if (out[j] != 2 * want[j])
                sets_fail("textops_word_counts (two copies)", j, out[j],
                          2 * want[j], counts[c]);
        if (textops_term_matrix(2, texts, text_lens, NULL, nw, p, lens, NULL, 0,
                                mode | rule, counts[c], out) != 0)
            abort();
        for (size_t j = 0; j < 2 * nw; j++)
            if (out[j] != want[j % nw])
                sets_fail("textops_term_matrix", j % nw, out[j], want[j % nw],
                          counts[c]);
    }
    textops_set_min_chunk(old_chunk);
    textops_set_search_backend(backend);
    for (size_t j = 0; j < nw; j++) {
        free(ws[j].cp);
        free(ws[j].u);
    }
    free(ws);
    free(p);
    free(lens);
    free(want);
    free(out);
    free(starts);
    free(ends);
    free(low);
    fz_drop(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_run(FZ_WORD_COUNTS, data, size);
    check_word_sets(data, size);
    return 0;
}
