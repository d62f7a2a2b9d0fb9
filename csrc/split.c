/* Whitespace, separators and lines: str.split(sep).count(word) and
 * str.splitlines() on one thread, without building any token.
 *
 * In TEXTOPS_UNICODE mode the text is UTF-8, and these are the characters
 * str.split() treats as whitespace:
 *   \t \n \v \f \r, \x1c-\x1f, space            one byte
 *   U+0085, U+00A0                              C2 85, C2 A0
 *   U+1680                                      E1 9A 80
 *   U+2000-U+200A, U+2028, U+2029, U+202F       E2 80 80-8A, A8, A9, AF
 *   U+205F                                      E2 81 9F
 *   U+3000                                      E3 80 80
 * Every sequence starts with an ASCII or lead byte, so a match is always a
 * whole character. In TEXTOPS_BYTES mode only \t \n \v \f \r and space are
 * whitespace, and only \n, \r and \r\n end lines. */
#include <string.h>

#include "internal.h"

int tx_ascii_space(unsigned char c, int mode)
{
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    return mode == TEXTOPS_UNICODE && c >= 0x1C && c <= 0x1F;
}

size_t tx_space_at(const unsigned char *t, size_t n, size_t i, int mode)
{
    unsigned char c = t[i];
    if (c < 0x80)
        return (size_t)tx_ascii_space(c, mode);
    if (mode != TEXTOPS_UNICODE || n - i < 2)
        return 0;
    unsigned char c1 = t[i + 1];
    if (c == 0xC2)
        return (c1 == 0x85 || c1 == 0xA0) ? 2 : 0;
    if (n - i < 3)
        return 0;
    unsigned char c2 = t[i + 2];
    int space = (c == 0xE1 && c1 == 0x9A && c2 == 0x80) ||
                (c == 0xE2 && c1 == 0x80 &&
                 ((c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xA8 || c2 == 0xA9 ||
                  c2 == 0xAF)) ||
                (c == 0xE2 && c1 == 0x81 && c2 == 0x9F) ||
                (c == 0xE3 && c1 == 0x80 && c2 == 0x80);
    return space ? 3 : 0;
}

int tx_space_before(const unsigned char *t, size_t i, int mode)
{
    unsigned char c = t[i - 1];
    if (c < 0x80)
        return tx_ascii_space(c, mode);
    if (mode != TEXTOPS_UNICODE)
        return 0;
    if (i >= 2 && t[i - 2] == 0xC2)
        return c == 0x85 || c == 0xA0;
    return i >= 3 && tx_space_at(t, i, i - 3, mode) == 3;
}

static int has_space(const unsigned char *w, size_t len, int mode)
{
    for (size_t i = 0; i < len; i++)
        if (tx_space_at(w, len, i, mode))
            return 1;
    return 0;
}

/* A visitor counting the occurrences of the word that are whole tokens. */
typedef struct {
    tx_visitor base;
    const tx_query *q;
    const unsigned char *t;
    size_t n, count;
} token_counter;

/* Just after the first whitespace character that starts at or after
 * t[i], or TX_STOP if there is none. */
static size_t after_next_space(const unsigned char *t, size_t n, size_t i,
                               int mode)
{
    for (; i < n; i++) {
        size_t k = tx_space_at(t, n, i, mode);
        if (k)
            return i + k;
    }
    return TX_STOP;
}

/* t.split().count(w) at an occurrence of w: whitespace (or an end of the
 * text) must stand on both sides. Otherwise the occurrence lies inside a
 * longer token, and no token starts before the next whitespace: the scan
 * goes on after it, so each byte is passed a bounded number of times
 * however long the word and however often it overlaps itself ("a" * 1000
 * in "a" * 10**8). */
static size_t on_space_match(tx_visitor *v, size_t at)
{
    token_counter *c = (token_counter *)v;
    size_t end = at + c->q->word_len;
    if ((at == 0 || tx_space_before(c->t, at, c->q->mode)) &&
        (end == c->n || tx_space_at(c->t, c->n, end, c->q->mode))) {
        c->count++;
        return end; /* a space, or the end: the word cannot start here */
    }
    return after_next_space(c->t, c->n, at + 1, c->q->mode);
}

/* t.split(sep).count(w) at an occurrence of w, for a separator whose
 * occurrences cannot overlap: every occurrence splits, so sep (or an end of
 * the text) must stand on both sides. */
static size_t on_sep_match(tx_visitor *v, size_t at)
{
    token_counter *c = (token_counter *)v;
    const unsigned char *t = c->t, *sep = c->q->sep;
    size_t m = c->q->sep_len, n = c->n, end = at + c->q->word_len;
    if ((at == 0 || (at >= m && memcmp(t + at - m, sep, m) == 0)) &&
        (end == n || (n - end >= m && memcmp(t + end, sep, m) == 0))) {
        c->count++;
        return end;
    }
    /* The next token starts where the first separator ending after `at`
     * ends (each occurrence splits): go on from there, as for spaces. */
    size_t from = at + 1 >= m ? at + 1 - m : 0;
    const unsigned char *p = tx_find(t + from, n - from, &c->q->sep_needle);
    return p == NULL ? TX_STOP : (size_t)(p - t) + m;
}

static size_t count_tokens(const tx_query *q, const unsigned char *t,
                           size_t n,
                           size_t (*match)(tx_visitor *, size_t))
{
    token_counter c = {{match, 0}, q, t, n, 0};
    tx_scan(t, n, &q->word_needle, &c.base);
    return c.count + c.base.tokens;
}

/* 1 if some proper prefix of s is also its suffix: then occurrences of s
 * can overlap and only the greedy walk tells which ones split the text. */
static int self_overlapping(const unsigned char *s, size_t len)
{
    for (size_t k = 1; k < len; k++)
        if (memcmp(s, s + len - k, k) == 0)
            return 1;
    return 0;
}

/* t.split(sep).count(w) by walking the separators left to right. */
static size_t words_on_sep_walk(const tx_query *q, const unsigned char *t,
                                size_t n)
{
    size_t count = 0, start = 0, len = q->word_len;
    for (;;) {
        const unsigned char *p = tx_find(t + start, n - start,
                                         &q->sep_needle);
        size_t end = p ? (size_t)(p - t) : n;
        if (end - start == len && memcmp(t + start, q->word, len) == 0)
            count++;
        if (p == NULL)
            return count;
        start = end + q->sep_len;
    }
}

/* Longest separator for which the overlap check is worth its O(m^2). */
#define SEP_FIND_MAX 64

void tx_prepare(tx_query *q)
{
    const unsigned char *w = q->word;
    size_t len = q->word_len;
    tx_needle_init(&q->word_needle, w, len);
    if (q->sep != NULL)
        tx_needle_init(&q->sep_needle, q->sep, q->sep_len);
    if (q->kind == TX_COUNT) {
        q->plan = TX_PLAN_COUNT;
    } else if (q->sep == NULL) {
        /* a token is never empty and never holds whitespace */
        q->plan = (len == 0 || has_space(w, len, q->mode)) ? TX_PLAN_NONE
                                                           : TX_PLAN_SPACE;
        q->word_needle.edges = q->plan == TX_PLAN_SPACE;
    } else if (len > 0 && tx_find(w, len, &q->sep_needle) != NULL) {
        q->plan = TX_PLAN_NONE; /* a token never holds the separator */
    } else if (len > 0 && q->sep_len <= SEP_FIND_MAX &&
               !self_overlapping(q->sep, q->sep_len)) {
        q->plan = TX_PLAN_SEP_FIND;
    } else {
        q->plan = TX_PLAN_SEP_WALK;
    }
}

size_t tx_words(const tx_query *q, const unsigned char *t, size_t n)
{
    switch (q->plan) {
    case TX_PLAN_SPACE:
        return count_tokens(q, t, n, on_space_match);
    case TX_PLAN_SEP_FIND:
        return count_tokens(q, t, n, on_sep_match);
    case TX_PLAN_SEP_WALK:
        return words_on_sep_walk(q, t, n);
    case TX_PLAN_COUNT:
        return tx_count(t, n, &q->word_needle, q->mode);
    default:
        return 0;
    }
}

/* Byte length of the line break starting at t[i], or 0. */
static size_t line_break_at(const unsigned char *t, size_t n, size_t i,
                            int mode)
{
    unsigned char c = t[i];
    if (c == '\n')
        return 1;
    if (c == '\r')
        return (n - i >= 2 && t[i + 1] == '\n') ? 2 : 1;
    if (mode != TEXTOPS_UNICODE)
        return 0;
    if (c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E))
        return 1;
    if (c == 0xC2)
        return (n - i >= 2 && t[i + 1] == 0x85) ? 2 : 0;
    if (c == 0xE2 && n - i >= 3 && t[i + 1] == 0x80 &&
        (t[i + 2] == 0xA8 || t[i + 2] == 0xA9))
        return 3;
    return 0;
}

/* Bytes that may start a line break, per mode. */
static int maybe_break(unsigned char c, int mode)
{
    if (c == '\n' || c == '\r')
        return 1;
    return mode == TEXTOPS_UNICODE &&
           (c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E) ||
            c == 0xC2 || c == 0xE2);
}

size_t tx_lines(const tx_query *q, const unsigned char *t, size_t n,
                size_t *out, size_t cap)
{
    size_t lines = 0, start = 0, i = 0;
    while (i < n) {
        size_t br = maybe_break(t[i], q->mode)
                        ? line_break_at(t, n, i, q->mode) : 0;
        if (br == 0) {
            i++;
            continue;
        }
        if (lines < cap)
            out[lines] = tx_words(q, t + start, i - start);
        lines++;
        i += br;
        start = i;
    }
    if (start < n) {
        if (lines < cap)
            out[lines] = tx_words(q, t + start, n - start);
        lines++;
    }
    return lines;
}
