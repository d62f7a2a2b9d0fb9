/* The tokenizer: the tokens of t.split(sep), handed to a sink. For
 * split() they are runs of non-whitespace (Unicode or ASCII whitespace, by
 * mode), found by the current backend's split (the portable one is here;
 * the vector ones are split_body.h); for split(sep) the pieces between the
 * separators the greedy left-to-right split takes, empty ones included. A
 * token is a (pointer, length) into the caller's text. */
#include "backend.h"
#include "tokens.h"

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

int tx_tokens(const tx_query *q, const unsigned char *t, size_t n,
              int drop_last, tx_sink *sink)
{
    return q->sep == NULL
               ? tx_backend_now()->split(t, n, q->mode, q->stop, sink)
               : split_sep(q, t, n, drop_last, sink);
}
