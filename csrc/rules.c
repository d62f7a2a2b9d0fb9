/* The \w runs and the lowering of the token rules (rules.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

size_t tx_word_run_end(const unsigned char *t, size_t n, size_t i, int mode)
{
    while (i < n) {
        size_t len;
        if (t[i] < 0x80) {
            if (!tx_ascii_word(t[i]))
                return i;
            i++;
        } else if (mode == TEXTOPS_UNICODE && tx_word_at(t, n, i, mode, &len)) {
            i += len;
        } else {
            return i;
        }
    }
    return n;
}

/* The capital sigma at t[at, after) lowers to final sigma: a cased letter
 * before it and none after it, skipping case-ignorable characters both
 * ways, in t[0, n) (CPython's handle_capital_sigma). */
static int final_sigma(const unsigned char *t, size_t n, size_t at,
                       size_t after)
{
    unsigned flags = 0;
    size_t j = at, len;
    while (j > 0) {
        size_t s = tx_utf8_prev(t, j);
        flags = tx_ucd(tx_utf8_next(t, j, s, &len))->flags;
        if (!(flags & TX_UCD_IGNORABLE))
            break;
        j = s;
    }
    if (j == 0 || !(flags & TX_UCD_CASED))
        return 0;
    for (size_t i = after; i < n; i += len) {
        flags = tx_ucd(tx_utf8_next(t, n, i, &len))->flags;
        if (!(flags & TX_UCD_IGNORABLE))
            return !(flags & TX_UCD_CASED);
    }
    return 1;
}

/* Eight ASCII bytes lowered at once: 0x20 added to each of A-Z (every
 * byte below 0x80, so no sum carries into the next byte). */
static inline uint64_t lower8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL;
    uint64_t from_a = w + ones * (0x80 - 'A'), past_z = w + ones * (0x80 - 'Z' - 1);
    return w | ((from_a & ~past_z & ones * 0x80) >> 2);
}

/* The lowercase of the character at t[i] (of byte length len, i + len <=
 * to) written to out (room for 12 bytes); returns its byte length. */
static size_t lower_char(const unsigned char *t, size_t n, size_t i,
                         size_t to, size_t *len, unsigned char *out)
{
    unsigned cp = tx_utf8_next(t, to, i, len);
    unsigned char canon[4];
    if (*len == 1 || cp > 0x10FFFFu || tx_utf8_put(cp, canon) != *len) {
        memcpy(out, t + i, *len); /* not UTF-8: as it is */
        return *len;
    }
    if (cp == TX_SIGMA)
        return tx_utf8_put(final_sigma(t, n, i, i + *len) ? TX_SIGMA_FINAL
                                                          : TX_SIGMA_SMALL,
                           out);
    const tx_ucd_record *r = tx_ucd(cp);
    if (r->flags & TX_UCD_SPECIAL) {
        size_t k = 0;
        for (size_t j = 0; j < 3 && tx_ucd_specials[r->delta][j] != 0; j++)
            k += tx_utf8_put(tx_ucd_specials[r->delta][j], out + k);
        return k;
    }
    return tx_utf8_put((unsigned)((int)cp + r->delta), out);
}

size_t tx_lower(const unsigned char *t, size_t n, size_t from, size_t to,
                int mode, unsigned char *out, size_t cap, size_t *done)
{
    size_t i = from, o = 0;
    while (i < to) {
        if (to - i >= 8 && cap - o >= 8) {
            uint64_t w;
            memcpy(&w, t + i, 8);
            if ((w & 0x8080808080808080ULL) == 0) {
                w = lower8(w);
                memcpy(out + o, &w, 8);
                i += 8;
                o += 8;
                continue;
            }
        }
        unsigned char c = t[i];
        if (c < 0x80 || mode != TEXTOPS_UNICODE) {
            if (o == cap)
                break;
            out[o++] = (unsigned char)((unsigned)(c - 'A') < 26u ? c + 0x20 : c);
            i++;
            continue;
        }
        unsigned char low[12];
        size_t len, k = lower_char(t, n, i, to, &len, low);
        if (cap - o < k)
            break;
        memcpy(out + o, low, k);
        o += k;
        i += len;
    }
    *done = i;
    return o;
}

int tx_lower_texts(size_t ntexts, const char *const *texts,
                   const size_t *lens, int mode, const volatile int *stop,
                   unsigned char **buf, const char ***low,
                   size_t **low_lens)
{
    size_t room = 0;
    for (size_t i = 0; i < ntexts; i++) {
        size_t r = lens[i] > SIZE_MAX / 2 ? SIZE_MAX
                                          : TX_LOWER_CAP(lens[i]);
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
            size_t from = done;
            at += tx_lower(t, n, from, end, mode, *buf + at,
                           start + TX_LOWER_CAP(n) - at, &done);
            if (done != end)
                break; /* no room: only when the text changed meanwhile */
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
