/* Whitespace, separators, \w runs and lines: str.split(sep).count(word),
 * re.findall(r"\w+", str).count(word) (and r"\b\w\w+\b"), the same on
 * str.lower(), and str.splitlines(), on one thread, without building any
 * token. What is whitespace is space.h's, what is \w and lowering
 * rules.h's; in TEXTOPS_BYTES mode only \n, \r and \r\n end lines. */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "rules.h"
#include "shares.h"
#include "units.h"

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
 * t[i], or TX_STOP if there is none (or once the stop flag is raised):
 * the vector skip jumps to each byte that may start one. */
static size_t after_next_space(const unsigned char *t, size_t n, size_t i,
                               int mode, const volatile int *stop)
{
    while (i < n) {
        i += tx_skip_text(t + i, n - i, mode, 1, stop);
        if (i == n)
            break;
        size_t k = tx_space_at(t, n, i, mode);
        if (k)
            return i + k;
        i++; /* a lead byte that does not start whitespace */
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
    return after_next_space(c->t, c->n, at + 1, c->q->mode, c->q->stop);
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

/* re.findall(r"\w+", t).count(w) at an occurrence of w (all \w): no \w
 * character may stand on either side. Otherwise the occurrence lies inside
 * a longer run of \w, and no token starts before that run ends: the scan
 * goes on there, as on_space_match does after the next whitespace. An
 * occurrence that counts follows a character that is not \w, so no
 * earlier occurrence (all \w) overlaps it: the non-overlapping scan
 * misses none. */
static size_t on_word_match(tx_visitor *v, size_t at)
{
    token_counter *c = (token_counter *)v;
    const unsigned char *t = c->t;
    size_t end = at + c->q->word_len, len;
    int mode = c->q->mode;
    if ((at == 0 || !tx_word_before(t, at, mode)) &&
        (end == c->n || !tx_word_at(t, c->n, end, mode, &len))) {
        c->count++;
        return end;
    }
    return tx_word_run_end(t, c->n, end, mode);
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

/* The greedy left-to-right split(sep) as a visitor: the scan reports the
 * separators the split takes (each one at or after the end of the last),
 * and each token ends at one. */
typedef struct {
    tx_visitor base;
    const tx_query *q;
    const unsigned char *t;
    size_t start, count; /* the token being read; tokens equal to word */
} sep_walker;

static size_t on_sep_walk(tx_visitor *v, size_t at)
{
    sep_walker *w = (sep_walker *)v;
    size_t len = w->q->word_len;
    if (at - w->start == len && memcmp(w->t + w->start, w->q->word, len) == 0)
        w->count++;
    w->start = at + w->q->sep_len;
    return w->start;
}

/* t.split(sep).count(w) by walking the separators left to right. */
static size_t words_on_sep_walk(const tx_query *q, const unsigned char *t,
                                size_t n)
{
    sep_walker w = {{on_sep_walk, 0}, q, t, 0, 0};
    tx_scan(t, n, &q->sep_needle, &w.base);
    size_t len = q->word_len;
    if (n - w.start == len && memcmp(t + w.start, q->word, len) == 0)
        w.count++; /* the last token */
    return w.count;
}

/* Longest separator for which the overlap check is worth its O(m^2). */
#define SEP_FIND_MAX 64

/* 1 if w[0, len) may be a token of the \w rule: every character \w (in
 * bytes mode ASCII \w), and two or more of them for TX_RULE_WORDS2. */
static int word_token(const unsigned char *w, size_t len, tx_rule rule,
                      int mode)
{
    size_t chars = 0, i = 0, step;
    while (i < len) {
        if (!tx_word_at(w, len, i, mode, &step) ||
            (mode == TEXTOPS_UNICODE && w[i] >= 0x80 && step == 1))
            return 0; /* not \w, or not UTF-8: no token of a text */
        i += step;
        chars++;
    }
    return chars >= (rule == TX_RULE_WORDS2 ? 2u : 1u);
}

void tx_prepare(tx_query *q)
{
    const unsigned char *w = q->word;
    size_t len = q->word_len;
    tx_needle_init(&q->word_needle, w, len);
    q->word_needle.stop = q->stop;
    if (q->sep != NULL) {
        tx_needle_init(&q->sep_needle, q->sep, q->sep_len);
        q->sep_needle.stop = q->stop;
    }
    if (q->kind == TX_COUNT) {
        q->plan = TX_PLAN_COUNT;
    } else if (q->rule != TX_RULE_SPLIT) {
        /* a token is a whole run of \w (of the lowered text when lower):
         * the scan checks the characters beside each occurrence */
        q->plan = word_token(w, len, q->rule, q->mode) ? TX_PLAN_WORD
                                                       : TX_PLAN_NONE;
        q->word_needle.edges = TX_EDGES_WORD;
    } else if (q->sep == NULL) {
        /* a token is never empty and never holds whitespace */
        q->plan = (len == 0 || has_space(w, len, q->mode)) ? TX_PLAN_NONE
                                                           : TX_PLAN_SPACE;
        q->word_needle.edges = q->plan == TX_PLAN_SPACE ? TX_EDGES_SPACE : 0;
    } else if (len > 0 && tx_find(w, len, &q->sep_needle) != NULL) {
        q->plan = TX_PLAN_NONE; /* a token never holds the separator */
    } else if (len > 0 && q->sep_len <= SEP_FIND_MAX &&
               !self_overlapping(q->sep, q->sep_len)) {
        q->plan = TX_PLAN_SEP_FIND;
    } else {
        q->plan = TX_PLAN_SEP_WALK;
    }
}

/* tx_words on t as it is. */
static size_t words_plain(const tx_query *q, const unsigned char *t,
                          size_t n)
{
    switch (q->plan) {
    case TX_PLAN_WORD:
        return count_tokens(q, t, n, on_word_match);
    case TX_PLAN_SPACE:
        return count_tokens(q, t, n, on_space_match);
    case TX_PLAN_SEP_FIND:
        return count_tokens(q, t, n, on_sep_match);
    case TX_PLAN_SEP_WALK:
        return words_on_sep_walk(q, t, n);
    case TX_PLAN_COUNT:
        return q->unit > 1 ? tx_count_units(t, n, &q->word_needle, q->unit)
                           : tx_count(t, n, &q->word_needle, q->mode);
    default:
        return 0;
    }
}

/* The lowered counts take the text in blocks of about this many bytes,
 * lowered into a buffer on the stack; or of the minimum chunk when it is
 * smaller (the tests' tiny chunks cut tiny texts into many blocks). */
#define LOWER_BLOCK ((size_t)8 << 10)

/* Where the block of t that starts at a ends, for the lowered counts: the
 * first place at or after a + LOWER_BLOCK (or the minimum chunk) just after a character that no
 * token of the rule spans, whatever stands beside it in t.lower(), or n.
 * For the \w rules that is any character that is not \w (nor lowers to
 * several: only "İ", which is \w), for split() whitespace (lowering
 * keeps both what is and what is not \w or whitespace, build_ucd.py
 * checks it). With an explicit separator the text goes whole: the
 * separators of t.lower() are not those of t (the word counts give this
 * rare case a lowered copy of each text beforehand, count.c; the lines
 * and documents that reach here are lowered whole). The block is lowered with the capital sigmas judged in all
 * of t, so the blocks' tokens are exactly those of t.lower(). */
static size_t block_end(const tx_query *q, const unsigned char *t, size_t n,
                        size_t a)
{
    size_t chunk = tx_min_chunk_bytes();
    size_t block = chunk < LOWER_BLOCK ? chunk : LOWER_BLOCK, len;
    if (q->sep != NULL || n - a <= block)
        return n;
    size_t i = a + block;
    int mode = q->mode;
    if (mode == TEXTOPS_UNICODE)
        while (i < n && (t[i] & 0xC0) == 0x80)
            i++; /* to a character's start */
    while (i < n) {
        if (q->rule == TX_RULE_SPLIT) {
            len = tx_space_at(t, n, i, mode);
            if (len)
                return i + len;
            i++; /* whitespace starts only at ASCII and lead bytes */
        } else if (t[i] < 0x80 || mode != TEXTOPS_UNICODE) {
            if (!tx_ascii_word(t[i]) || t[i] >= 0x80)
                return i + 1;
            i++;
        } else {
            unsigned flags = tx_ucd(tx_utf8_next(t, n, i, &len))->flags;
            i += len;
            if (!(flags & (TX_UCD_WORD | TX_UCD_SPECIAL)))
                return i;
        }
    }
    return n;
}

/* The next place after `from` (a character start) that is one, at most
 * TX_CHECK_BYTES on and at most to. */
static size_t next_step(const unsigned char *t, size_t from, size_t to,
                        int mode)
{
    size_t e = to - from > TX_CHECK_BYTES ? from + TX_CHECK_BYTES : to;
    while (mode == TEXTOPS_UNICODE && e < to && (t[e] & 0xC0) == 0x80)
        e++;
    return e;
}

/* tx_words of t.lower(), block by block (block_end): each block lowered
 * into a buffer the call owns (on the stack, or grown on the heap for a
 * block longer than LOWER_BLOCK), then counted as it is. If memory for a
 * long block runs out, it is lowered and counted in parts cut where the
 * buffer ends: only a token longer than that buffer may then be missed. */
static size_t words_lowered(const tx_query *q, const unsigned char *t,
                            size_t n)
{
    unsigned char stack[TX_LOWER_CAP(LOWER_BLOCK)];
    unsigned char *buf = stack, *heap = NULL;
    size_t cap = sizeof stack, count = 0, a = 0;
    while (a < n && !TX_STOPPED(q->stop)) {
        size_t b = block_end(q, t, n, a), need = TX_LOWER_CAP(b - a);
        if (need > cap) {
            unsigned char *bigger = realloc(heap, need);
            if (bigger != NULL) {
                heap = buf = bigger;
                cap = need;
            }
        }
        /* lowered in steps, so that the stop flag is looked at */
        size_t m = 0, at = a, done = a;
        while (at < b && done == at && !TX_STOPPED(q->stop)) {
            size_t e = next_step(t, at, b, q->mode);
            m += tx_lower(t, n, at, e, q->mode, buf + m, cap - m, &done);
            at = done == e ? e : at;
        }
        count += words_plain(q, buf, m);
        a = done > a ? done : b; /* done stays at a only once stopped */
    }
    free(heap);
    return count;
}

size_t tx_words(const tx_query *q, const unsigned char *t, size_t n)
{
    if (q->lower && q->kind != TX_COUNT && q->plan != TX_PLAN_NONE && n > 0)
        return words_lowered(q, t, n); /* "".lower() is "" */
    return words_plain(q, t, n);
}

/* Byte length of the line break starting at t[i], or 0. */
static size_t line_break_at(const unsigned char *t, size_t n, size_t i,
                            int mode)
{
    unsigned char c = t[i];
    if (c == TX_LB_LF)
        return 1;
    if (c == TX_LB_CR)
        return (n - i >= 2 && t[i + 1] == TX_LB_LF) ? 2 : 1;
    if (mode != TEXTOPS_UNICODE)
        return 0;
    if ((c >= TX_LB_CTL_LO && c <= TX_LB_CTL_HI) ||
        (c >= TX_LB_SEP_LO && c <= TX_LB_SEP_HI))
        return 1; /* \v \f \x1c \x1d \x1e (\n and \r above) */
    if (c == TX_LB_LEAD2)
        return (n - i >= 2 && t[i + 1] == 0x85) ? 2 : 0;
    if (c == TX_LB_LEAD3 && n - i >= 3 && t[i + 1] == 0x80 &&
        (t[i + 2] == 0xA8 || t[i + 2] == 0xA9))
        return 3;
    return 0;
}

size_t tx_lines(const tx_query *q, const unsigned char *t, size_t n,
                size_t *out, size_t cap)
{
    const tx_backend *be = tx_backend_now();
    size_t lines = 0, start = 0, i = 0, check = 0;
    while (i < n) {
        if (i >= check) { /* after stopping, the lines are meaningless */
            if (TX_STOPPED(q->stop))
                return lines;
            check = i + TX_CHECK_BYTES;
        }
        size_t end = n < check ? n : check;
        i += be->line(t + i, end - i, q->mode, NULL);
        if (i == end)
            continue;
        size_t br = line_break_at(t, n, i, q->mode);
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
