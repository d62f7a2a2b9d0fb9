/* str.lower() and bytes.lower() of tokens and texts (lower.h). Code
 * points map one to one through ucd.h's records, but for the few that
 * lower to several ("İ") and for the capital sigma, which str.lower makes
 * final (ς) when a cased letter stands before it and none after it,
 * case-ignorable characters skipped both ways. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "lower.h"
#include "ucd.h"

/* Flags of the code point starting at t[i] (i < n), its length in *len. */
static unsigned flags_at(const unsigned char *t, size_t n, size_t i,
                         size_t *len)
{
    return tx_ucd(tx_utf8_next(t, n, i, len))->flags;
}

/* 1 if the capital sigma at t[i, i + len) lowers to the final form in
 * t[0, n): CPython's handle_capital_sigma on the UTF-8. */
static int final_sigma(const unsigned char *t, size_t n, size_t i,
                       size_t len)
{
    size_t j = i, k;
    unsigned f = 0;
    while (j > 0) {
        j = tx_utf8_prev(t, j);
        f = flags_at(t, n, j, &k);
        if (!(f & TX_UCD_IGNORABLE))
            break;
    }
    if (!(f & TX_UCD_CASED) || (f & TX_UCD_IGNORABLE))
        return 0; /* no cased letter before it (or only skipped ones) */
    for (j = i + len; j < n; j += k) {
        f = flags_at(t, n, j, &k);
        if (!(f & TX_UCD_IGNORABLE))
            return !(f & TX_UCD_CASED);
    }
    return 1;
}

size_t tx_lower(const unsigned char *t, size_t tn, const unsigned char *s,
                size_t n, int mode, unsigned char *out, size_t cap)
{
    size_t o = 0, i = 0;
    while (i < n && o + 4 <= cap) {
        unsigned char c = s[i];
        if (c < 0x80 || mode != TEXTOPS_UNICODE) {
            out[o++] = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            i++;
            continue;
        }
        size_t len;
        unsigned cp = tx_utf8_next(s, n, i, &len);
        const tx_ucd_record *r = tx_ucd(cp);
        if (r->flags & TX_UCD_SPECIAL) {
            const unsigned *low = tx_ucd_specials[r->delta];
            for (size_t j = 0; j < 3 && low[j] != 0 && o + 4 <= cap; j++)
                o += tx_utf8_put(low[j], out + o);
        } else if (cp == TX_SIGMA) {
            size_t at = (size_t)(s - t) + i;
            o += tx_utf8_put(final_sigma(t, tn, at, len) ? TX_SIGMA_FINAL
                                                         : TX_SIGMA_SMALL,
                             out + o);
        } else {
            unsigned low = (unsigned)((int)(cp > 0x10FFFFu ? 0xFFFDu : cp) +
                                      r->delta);
            o += tx_utf8_put(low, out + o);
        }
        i += len;
    }
    return o;
}

int tx_lower_texts(size_t ntexts, const char *const *texts,
                   const size_t *lens, int mode, const volatile int *stop,
                   unsigned char **buf, const char ***low,
                   size_t **low_lens)
{
    size_t room = 0;
    for (size_t i = 0; i < ntexts; i++) {
        size_t r = lens[i] > (SIZE_MAX - 8) / 2 ? SIZE_MAX
                                                : TX_LOWER_ROOM(lens[i]);
        room = room > SIZE_MAX - r ? SIZE_MAX : room + r;
    }
    *buf = room == SIZE_MAX ? NULL : malloc(room ? room : 1);
    *low = malloc((ntexts ? ntexts : 1) * sizeof **low);
    *low_lens = malloc((ntexts ? ntexts : 1) * sizeof **low_lens);
    if (*buf == NULL || *low == NULL || *low_lens == NULL) {
        free(*buf);
        free(*low);
        free(*low_lens);
        return -1;
    }
    size_t at = 0;
    for (size_t i = 0; i < ntexts; i++) {
        const unsigned char *t = (const unsigned char *)texts[i];
        size_t n = lens[i], done = 0, start = at;
        while (done < n && !TX_STOPPED(stop)) {
            /* a stretch at a time, ending at a code point's start */
            size_t end = n - done > TX_CHECK_BYTES ? done + TX_CHECK_BYTES : n;
            while (end < n && end - done < TX_CHECK_BYTES + 3 &&
                   (t[end] & 0xC0) == 0x80)
                end++;
            at += tx_lower(t, n, t + done, end - done, mode, *buf + at,
                           start + TX_LOWER_ROOM(n) - at);
            done = end;
        }
        (*low)[i] = (const char *)*buf + start;
        (*low_lens)[i] = at - start;
    }
    return 0;
}

int tx_lower_for_sep(tx_query *q, size_t ntexts, const char *const **texts,
                     const size_t **lens, tx_lowered *copy)
{
    *copy = (tx_lowered){NULL, NULL, NULL};
    if (!q->lower || q->sep == NULL)
        return 0;
    if (tx_lower_texts(ntexts, *texts, *lens, q->mode, q->stop, &copy->buf,
                       &copy->texts, &copy->lens) != 0)
        return -1;
    *texts = copy->texts;
    *lens = copy->lens;
    q->lower = 0;
    tx_prepare(q);
    return 0;
}

void tx_lowered_free(tx_lowered *copy)
{
    free(copy->buf);
    free(copy->texts);
    free(copy->lens);
}
