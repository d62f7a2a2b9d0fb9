/* The tokenizer: the tokens of t.split(sep), handed to a sink. For
 * split() they are runs of non-whitespace (Unicode or ASCII whitespace, by
 * mode), found by the current backend's split (the portable one is here;
 * the vector ones are split_body.h); for split(sep) the pieces between the
 * separators the greedy left-to-right split takes, empty ones included. A
 * token is a (pointer, length) into the caller's text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "rules.h"
#include "tokens.h"
#include "ucd.h"

/* Byte length of the whitespace character at t[i], or 0. */
static inline size_t space_len(const unsigned char *cls,
                               const unsigned char *t, size_t n, size_t i,
                               int mode)
{
    unsigned c = cls[t[i]];
    return c != TX_CLASS_LEAD ? c : tx_space_at(t, n, i, mode);
}

/* One byte at a time: runs of whitespace are passed, and in a token the
 * bytes of class TX_CLASS_TEXT, in steps of at most TX_CHECK_BYTES between
 * two looks at the stop flag. */
int tx_split_from(const unsigned char *t, size_t n, size_t i, size_t start,
                  int mode, const volatile int *stop, tx_sink *sink)
{
    const unsigned char *cls = tx_space_class[mode == TEXTOPS_UNICODE];
    size_t check = i + TX_CHECK_BYTES;
    for (;;) {
        if (i >= check) {
            if (TX_STOPPED(stop))
                return 0;
            check = i + TX_CHECK_BYTES;
        }
        if (start == TX_NO_TOKEN) {
            size_t sp;
            while (i < n && i < check &&
                   (sp = space_len(cls, t, n, i, mode)) != 0)
                i += sp;
            if (i == n)
                return 0;
            if (i >= check)
                continue;
            start = i++;
        }
        size_t end = n - i > check - i ? check : n; /* check > i here */
        while (i < end && cls[t[i]] == TX_CLASS_TEXT)
            i++;
        if (i == end && end < n)
            continue; /* look at the flag, then go on in the token */
        if (i < n && !space_len(cls, t, n, i, mode)) {
            i++; /* a lead byte that does not start whitespace */
            continue;
        }
        if (sink->token(sink, t + start, i - start))
            return 1;
        start = TX_NO_TOKEN;
        if (i == n)
            return 0;
    }
}

int tx_split_portable(const unsigned char *t, size_t n, int mode,
                      const volatile int *stop, tx_sink *sink)
{
    return tx_split_from(t, n, 0, TX_NO_TOKEN, mode, stop, sink);
}

/* The greedy split(sep) as a visitor (as in split.c): a token ends at
 * each separator the scan reports. */
typedef struct {
    tx_visitor base;
    tx_sink *sink;
    const unsigned char *t;
    size_t start, sep_len;
    int stopped; /* the sink stopped the walk */
} sep_tokens;

static size_t on_sep_token(tx_visitor *v, size_t at)
{
    sep_tokens *s = (sep_tokens *)v;
    if (s->sink->token(s->sink, s->t + s->start, at - s->start)) {
        s->stopped = 1;
        return TX_STOP;
    }
    s->start = at + s->sep_len;
    return s->start;
}

/* The tokens of t.split(sep) (q->sep not NULL), all but the last one when
 * drop_last (a piece of a text that ends just after a separator). */
static int split_sep(const tx_query *q, const unsigned char *t, size_t n,
                     int drop_last, tx_sink *sink)
{
    sep_tokens s = {{on_sep_token, 0}, sink, t, 0, q->sep_len, 0};
    tx_scan(t, n, &q->sep_needle, &s.base);
    if (s.stopped)
        return 1;
    if (drop_last || TX_STOPPED(q->stop))
        return 0;
    return sink->token(sink, t + s.start, n - s.start);
}

/* The buffer lowered tokens are written to: a small one at hand, a
 * larger one from the heap for long tokens. */
typedef struct {
    unsigned char *heap;
    size_t cap;
    unsigned char local[512];
} scratch;

static unsigned char *scratch_room(scratch *sc, size_t need, size_t *cap)
{
    if (need <= sizeof sc->local) {
        *cap = sizeof sc->local;
        return sc->local;
    }
    if (need > sc->cap) {
        free(sc->heap);
        sc->heap = malloc(need);
        sc->cap = sc->heap != NULL ? need : 0;
    }
    *cap = sc->cap;
    return sc->heap;
}

/* A token s[0, n) that starts at `at` in the text: lowered ones are in a
 * buffer whose end the sink may read up to. */
static int deliver(tx_sink *sink, const unsigned char *s, size_t n,
                   const unsigned char *at, const unsigned char *buf_end)
{
    const unsigned char *end = sink->end;
    sink->end = buf_end;
    sink->at = at;
    int rc = sink->token(sink, s, n);
    sink->end = end;
    return rc;
}

/* The tokenizer's state over one text (or piece) t[0, n). */
typedef struct {
    const tx_query *q;
    const unsigned char *t;
    size_t n;
    tx_sink *sink;
    scratch sc;
} walk;

/* Hands the lowercase form of t[start, end) (code point boundaries) to
 * the sink as one token. */
static int lowered_token(walk *w, size_t start, size_t end)
{
    size_t cap, done;
    unsigned char *buf = scratch_room(&w->sc, TX_LOWER_CAP(end - start), &cap);
    if (buf == NULL)
        return -1;
    size_t len = tx_lower(w->t, w->n, start, end, w->q->mode, buf, cap,
                          &done);
    return deliver(w->sink, buf, len, w->t + start, buf + cap);
}

/* The \w tokens of the lowercase form of the run t[start, end), which
 * holds a character that lowers to several ("İ" -> "i" + U+0307, not \w):
 * lowered a character at a time, a token ending at each lowered code
 * point that is not \w. */
static int lowered_run_split(walk *w, size_t start, size_t end,
                             size_t min_cps)
{
    size_t cap;
    unsigned char *buf = scratch_room(&w->sc, TX_LOWER_CAP(end - start),
                                      &cap);
    if (buf == NULL)
        return -1;
    size_t o = 0, tok = 0, cps = 0;
    const unsigned char *origin = NULL;
    for (size_t i = start, len; i < end; i += len) {
        unsigned char low[16];
        size_t done;
        tx_utf8_next(w->t, w->n, i, &len);
        size_t m = tx_lower(w->t, w->n, i, i + len, w->q->mode, low,
                            sizeof low, &done);
        for (size_t j = 0, k; j < m; j += k) {
            unsigned cp = tx_utf8_next(low, m, j, &k);
            if (tx_ucd(cp)->flags & TX_UCD_WORD) {
                if (origin == NULL) {
                    origin = w->t + i;
                    tok = o;
                    cps = 0;
                }
                if (o + k <= cap) {
                    memcpy(buf + o, low + j, k);
                    o += k;
                }
                cps++;
            } else if (origin != NULL) {
                if (cps >= min_cps &&
                    deliver(w->sink, buf + tok, o - tok, origin, buf + cap))
                    return 1;
                origin = NULL;
            }
        }
    }
    if (origin != NULL && cps >= min_cps)
        return deliver(w->sink, buf + tok, o - tok, origin, buf + cap);
    return 0;
}

uint64_t tx_word_mask_portable(const unsigned char *t, uint64_t *high)
{
    uint64_t w = 0, h = 0;
    for (unsigned k = 0; k < 64; k++) {
        w |= (uint64_t)tx_ascii_word(t[k]) << k;
        h |= (uint64_t)(t[k] >> 7) << k;
    }
    *high = h;
    return w;
}

/* Where the \w walk stands: in a run since `start` or not; the run's
 * code points up to `seg` (a run's ASCII bytes after seg are counted when
 * it ends) and the ucd flags of its non-ASCII characters. */
typedef struct {
    int in_run;
    size_t start, cps, seg;
    unsigned flags;
} run_state;

/* 1 if s[0, n) has an ASCII upper-case letter; bytes up to end may be
 * read (eight at a time: no branch per byte, which would be mispredicted
 * at the end of most words). */
static int has_upper(const unsigned char *s, size_t n,
                     const unsigned char *end)
{
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (tx_upper_lanes(x))
            return 1;
    }
    if (i == n)
        return 0;
    if (end - (s + i) >= 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        uint64_t lanes = tx_upper_lanes(x);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        return (lanes & ((((uint64_t)1 << (8 * (n - i))) - 1))) != 0;
#else
        (void)lanes;
#endif
    }
    for (; i < n; i++)
        if (s[i] >= 'A' && s[i] <= 'Z')
            return 1;
    return 0;
}

/* Hands the lowercase form of the run t[start, end) of ASCII bytes to
 * the sink (the run itself when it has no upper-case letter): each
 * upper-case letter given its 0x20 bit, eight bytes at a time. */
static int ascii_lowered_token(walk *w, size_t start, size_t end)
{
    const unsigned char *s = w->t + start, *text_end = w->t + w->n;
    size_t n = end - start;
    if (n <= 8 && text_end - s >= 8) { /* most words: one load */
        uint64_t x, up;
        memcpy(&x, s, 8);
        up = tx_upper_lanes(x);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (n < 8)
            up &= ((uint64_t)1 << (8 * n)) - 1;
        if (up == 0)
            return deliver(w->sink, s, n, s, text_end);
        x |= up >> 2;
        memcpy(w->sc.local, &x, 8);
        return deliver(w->sink, w->sc.local, n, s,
                       w->sc.local + sizeof w->sc.local);
#else
        (void)up;
#endif
    }
    if (!has_upper(s, n, text_end))
        return deliver(w->sink, s, n, s, text_end);
    size_t cap, i = 0;
    unsigned char *buf = scratch_room(&w->sc, n, &cap);
    if (buf == NULL)
        return -1;
    for (; n - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        x |= tx_upper_lanes(x) >> 2;
        memcpy(buf + i, &x, 8);
    }
    for (; i < n; i++)
        buf[i] = (unsigned char)(s[i] | ((unsigned)(s[i] - 'A') < 26u) << 5);
    return deliver(w->sink, buf, n, s, buf + cap);
}

/* Hands the run t[start, end) of `cps` code points to the sink as a
 * token of at least min_cps code points, lowered if the query lowers
 * (and the run changes when lowered: else it is given as it is). */
static int run_token(walk *w, size_t start, size_t end, size_t cps,
                     unsigned flags, size_t min_cps)
{
    const unsigned char *s = w->t + start;
    if (!w->q->lower)
        return cps < min_cps ? 0 : w->sink->token(w->sink, s, end - start);
    if (flags & TX_UCD_SPECIAL)
        return lowered_run_split(w, start, end, min_cps);
    if (cps < min_cps)
        return 0;
    if (flags == 0) /* a run of the word mask alone: ASCII */
        return ascii_lowered_token(w, start, end);
    if (flags & TX_UCD_LOWERS || has_upper(s, end - start, w->t + w->n))
        return lowered_token(w, start, end);
    return deliver(w->sink, s, end - start, s, w->t + w->n);
}

/* The \w walk a character at a time over t[r->seg or i, lim) (one past
 * lim for a character that starts before it): the path of non-ASCII text
 * and of the tail. Returns where it stopped, or TX_STOP when the sink
 * stopped the walk or memory ran out. */
static size_t chars_until(walk *w, run_state *r, size_t i, size_t lim,
                          size_t min_cps)
{
    const unsigned char *t = w->t;
    size_t n = w->n, len;
    int uni = w->q->mode == TEXTOPS_UNICODE;
    if (r->in_run) { /* count the ASCII bytes of the run so far */
        r->cps += i - r->seg;
        r->seg = i;
    }
    while (i < lim) {
        unsigned char c = t[i];
        unsigned f;
        if (c < 0x80) {
            f = tx_ascii_word(c) ? TX_UCD_WORD : 0;
            len = 1;
        } else if (uni) {
            f = tx_ucd(tx_utf8_next(t, n, i, &len))->flags;
        } else {
            f = 0;
            len = 1;
        }
        if (f & TX_UCD_WORD) {
            if (!r->in_run)
                *r = (run_state){1, i, 0, i, 0};
            r->flags |= f;
            r->cps++;
            r->seg = i + len;
        } else if (r->in_run) {
            r->in_run = 0;
            if (run_token(w, r->start, i, r->cps, r->flags, min_cps))
                return TX_STOP;
        }
        i += len;
    }
    return i;
}

/* A block with at most this many bytes above 0x7F goes by the word mask
 * between them, each of its non-ASCII characters judged on its own;
 * denser ones a character at a time. */
#define TX_FEW_HIGH 16

/* The runs of \w of t[0, n) (bytes: ASCII \w) as tokens of at least
 * min_cps code points, lowered when the query lowers. Blocks of 64 bytes
 * go by the backend's word mask, a token per run of its bits: every block
 * of bytes, and of a str those with no byte above 0x7F, or few (the
 * mask's bits up to each non-ASCII character, the character itself by
 * chars_until, and so on: an English text's quotes and dashes); the
 * other blocks, and the tail, a character at a time. The stop flag is
 * looked at every TX_CHECK_BYTES, in a long run too. */
static int word_runs(walk *w, size_t min_cps)
{
    const unsigned char *t = w->t;
    size_t n = w->n, i = 0, check = TX_CHECK_BYTES;
    int uni = w->q->mode == TEXTOPS_UNICODE;
    tx_word_mask_fn word_mask = tx_backend_now()->word_mask;
    run_state r = {0, 0, 0, 0, 0};
    while (i < n) {
        if (i >= check) {
            if (TX_STOPPED(w->q->stop))
                return 0;
            check = i + TX_CHECK_BYTES;
        }
        uint64_t high = 0, words;
        if (n - i < 64 ||
            ((words = word_mask(t + i, &high)),
             uni && high != 0 && __builtin_popcountll(high) > TX_FEW_HIGH)) {
            size_t lim = n - i < 64 ? n : i + 64;
            i = chars_until(w, &r, i, lim, min_cps);
            if (i == TX_STOP)
                return 1;
            continue;
        }
        if (!uni)
            high = 0;
        uint64_t ahead = ~(uint64_t)0; /* the positions not yet passed */
        for (;;) {
            /* the ASCII bytes before the next non-ASCII one */
            uint64_t before = high & ahead, ascii = ahead;
            if (before != 0)
                ascii &= (before & (0 - before)) - 1;
            uint64_t next = (r.in_run ? ~words : words) & ascii;
            if (next != 0) {
                unsigned p = (unsigned)__builtin_ctzll(next);
                if (r.in_run) {
                    r.in_run = 0;
                    if (run_token(w, r.start, i + p,
                                  r.cps + (i + p - r.seg), r.flags, min_cps))
                        return 1;
                } else {
                    r = (run_state){1, i + p, 0, i + p, 0};
                }
                ahead = ~(uint64_t)0 << p;
                continue;
            }
            if (before == 0)
                break;
            /* the non-ASCII character at p, which may end past the block */
            size_t p = (size_t)__builtin_ctzll(before);
            size_t j = chars_until(w, &r, i + p, i + p + 1, min_cps);
            if (j == TX_STOP)
                return 1;
            if (j - i >= 64) {
                i = j - 64; /* on from j */
                break;
            }
            ahead = ~(uint64_t)0 << (j - i);
        }
        i += 64;
    }
    if (r.in_run)
        return run_token(w, r.start, n, r.cps + (n - r.seg), r.flags,
                         min_cps);
    return 0;
}

/* A sink between split() and the caller's, lowering each token. */
typedef struct {
    tx_sink base;
    walk *w;
} lowering_sink;

static int on_split_token(tx_sink *s, const unsigned char *tok, size_t n)
{
    walk *w = ((lowering_sink *)s)->w;
    return lowered_token(w, (size_t)(tok - w->t), (size_t)(tok - w->t) + n);
}

int tx_tokens(const tx_query *q, const unsigned char *t, size_t n,
              int drop_last, tx_sink *sink)
{
    if (q->rule == TX_RULE_SPLIT && !q->lower)
        return q->sep == NULL
                   ? tx_backend_now()->split(t, n, q->mode, q->stop, sink)
                   : split_sep(q, t, n, drop_last, sink);
    walk w = {q, t, n, sink, {NULL, 0, {0}}};
    int rc;
    if (q->rule == TX_RULE_SPLIT) { /* split() of t.lower(): q->sep is NULL */
        lowering_sink ls = {{on_split_token, t + n, NULL}, &w};
        rc = tx_backend_now()->split(t, n, q->mode, q->stop, &ls.base);
    } else {
        rc = word_runs(&w, q->rule == TX_RULE_WORDS2 ? 2 : 1);
    }
    free(w.sc.heap);
    return rc;
}
