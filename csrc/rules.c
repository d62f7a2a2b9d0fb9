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

/* Eight ASCII bytes lowered at once: 0x20 added to each of A-Z. */
static inline uint64_t lower8(uint64_t w)
{
    return w | (tx_upper_lanes(w) >> 2);
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

/* What lowering does to a byte, by mode (bytes, str): its lowercase when
 * lowering maps it on its own (ASCII but NUL, every byte in bytes mode,
 * continuation bytes, and the lead bytes of two- and three-byte
 * characters none of which lowering changes: Hebrew, Arabic script,
 * U+0800-U+0FFF (Devanagari and the other Indic scripts, Thai...),
 * U+3000-U+9FFF (kana, CJK)...), or 0: the character takes the general
 * way (NUL too, which lowers to itself). Made from the tables of ucd.h
 * when the library loads. */
static unsigned char lower_byte[2][256];

/* The UTF-8 of the lowercase of each two-byte code point (by cp: index
 * cp, below 0x800), when it is two bytes too and not a capital sigma's
 * (which depends on its neighbours); else zeroes. Made with lower_byte. */
static unsigned char lower2[0x800][2];

/* 1 if no code point from lo to hi (inclusive) changes when lowered. */
static int inert(unsigned lo, unsigned hi)
{
    for (unsigned cp = lo; cp <= hi; cp++) {
        const tx_ucd_record *r = tx_ucd(cp);
        if (r->delta != 0 || (r->flags & TX_UCD_SPECIAL) || cp == TX_SIGMA)
            return 0;
    }
    return 1;
}

__attribute__((constructor)) static void tx_init_lower_bytes(void)
{
    for (unsigned cp = 0x80; cp < 0x800; cp++) {
        const tx_ucd_record *r = tx_ucd(cp);
        unsigned low = (unsigned)((int)cp + r->delta);
        if (!(r->flags & TX_UCD_SPECIAL) && cp != TX_SIGMA && low >= 0x80 &&
            low < 0x800)
            tx_utf8_put(low, lower2[cp]);
    }
    for (unsigned c = 1; c < 256; c++) {
        unsigned char low = (unsigned char)(c - 'A' < 26u ? c + 0x20 : c);
        lower_byte[0][c] = low;
        if (c < 0xC0) /* ASCII, and continuation bytes after an inert lead */
            lower_byte[1][c] = low;
        else if (c >= 0xC2 && c < 0xE0 &&
                 inert((c & 0x1Fu) << 6, (c & 0x1Fu) << 6 | 0x3F))
            lower_byte[1][c] = (unsigned char)c;
        else if (c >= 0xE0 && c < 0xF0 &&
                 inert(c == 0xE0 ? 0x800 : (c & 0x0Fu) << 12,
                       (c & 0x0Fu) << 12 | 0xFFF))
            lower_byte[1][c] = (unsigned char)c;
    }
}

/* The common characters of other scripts the short way: a two-byte
 * character whose lowercase is one too (Cyrillic, Greek, Latin letters...)
 * but a capital sigma (lower2), or a three-byte one that lowering leaves
 * alone (where lower_byte does not say so for its whole lead byte), when
 * it is UTF-8 and fits in room:
 * writes its lowercase at out and returns its byte length (the same as
 * the lowercase's); else returns 0 (lower_char decides). */
static inline size_t lower_short(const unsigned char *t, size_t i, size_t to,
                                 unsigned char *out, size_t room)
{
    unsigned char c = t[i];
    if (c >= 0xC2 && c < 0xE0 && to - i >= 2 && room >= 2 &&
        (t[i + 1] & 0xC0) == 0x80) {
        const unsigned char *low = lower2[(c & 0x1Fu) << 6 | (t[i + 1] & 0x3Fu)];
        if (low[0] == 0)
            return 0;
        out[0] = low[0];
        out[1] = low[1];
        return 2;
    }
    if (c >= 0xE0 && c < 0xF0 && to - i >= 3 && room >= 3 &&
        (t[i + 1] & 0xC0) == 0x80 && (t[i + 2] & 0xC0) == 0x80) {
        unsigned cp = (c & 0x0Fu) << 12 | (t[i + 1] & 0x3Fu) << 6 |
                      (t[i + 2] & 0x3Fu);
        const tx_ucd_record *r = tx_ucd(cp);
        if (cp < 0x800 || r->delta != 0 || (r->flags & TX_UCD_SPECIAL))
            return 0;
        memcpy(out, t + i, 3);
        return 3;
    }
    return 0;
}

size_t tx_lower(const unsigned char *t, size_t n, size_t from, size_t to,
                int mode, unsigned char *out, size_t cap, size_t *done)
{
    const unsigned char *map = lower_byte[mode == TEXTOPS_UNICODE];
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
        /* a byte that lowers on its own: ASCII, every byte in bytes mode,
         * the lead byte of a character lowering leaves alone (and then its
         * continuation bytes) */
        unsigned char c = t[i], b = map[c];
        if (b != 0 || c == 0) {
            if (o == cap)
                break;
            out[o++] = b;
            i++;
            continue;
        }
        size_t k = lower_short(t, i, to, out + o, cap - o);
        if (k) { /* two or three bytes, lowered the short way */
            o += k;
            i += k;
            continue;
        }
        unsigned char low[12];
        size_t len;
        k = lower_char(t, n, i, to, &len, low);
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
