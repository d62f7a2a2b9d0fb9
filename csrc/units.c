/* Texts held as code units of a fixed width: CPython's own storage of a
 * str (PEP 393: 1, 2 or 4 bytes a code point, native byte order), which
 * textops reads in place rather than asking CPython for the UTF-8 form
 * (that form stays cached on the string, as large as the text).
 *
 * Substring counts search the units as bytes, for the needle written in
 * the same units, and keep the occurrences that start at a unit boundary
 * (tx_count_units). A needle with a code point wider than the text's
 * units occurs nowhere: CPython stores a str in the narrowest width that
 * holds all its code points. */
#define _DEFAULT_SOURCE /* madvise */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "backend.h"
#include "batch.h"
#include "internal.h"
#include "rules.h"
#include "shares.h"
#include "space.h"
#include "ucd.h"
#include "units.h"

/* The code unit at index i of u (width 1, 2 or 4). */
static inline uint32_t unit_at(const unsigned char *u, size_t i, size_t width)
{
    if (width == 1)
        return u[i];
    if (width == 2) {
        uint16_t v;
        memcpy(&v, u + 2 * i, 2);
        return v;
    }
    uint32_t v;
    memcpy(&v, u + 4 * i, 4);
    return v;
}

static inline void unit_put(unsigned char *u, size_t i, size_t width,
                            uint32_t cp)
{
    if (width == 1) {
        u[i] = (unsigned char)cp;
    } else if (width == 2) {
        uint16_t v = (uint16_t)cp;
        memcpy(u + 2 * i, &v, 2);
    } else {
        memcpy(u + 4 * i, &cp, 4);
    }
}

int tx_units_from_utf8(const unsigned char *s, size_t len, size_t width,
                       unsigned char *out, size_t *nunits)
{
    uint32_t most = width == 1 ? 0xFF : width == 2 ? 0xFFFF : 0x10FFFF;
    size_t n = 0, step;
    for (size_t i = 0; i < len; i += step) {
        uint32_t cp = tx_utf8_next(s, len, i, &step);
        if (cp > most)
            return -1;
        unit_put(out, n++, width, cp);
    }
    *nunits = n;
    return 0;
}

/* The occurrences tx_count_units keeps: those at a unit boundary, each
 * passed whole (non-overlapping, as str.count); the scan goes on one byte
 * after one that is not. */
typedef struct {
    tx_visitor v;
    size_t width, m, count;
} units_visit;

static size_t on_unit_match(tx_visitor *self, size_t q)
{
    units_visit *u = (units_visit *)self;
    if (q % u->width != 0)
        return q + 1;
    u->count++;
    return q + u->m;
}

/* 1 when the k units of s overlap themselves (a proper suffix is a
 * prefix): two occurrences may then overlap. */
static int units_overlap(const uint16_t *s, size_t k)
{
    for (size_t d = 1; d < k; d++)
        if (memcmp(s, s + d, (k - d) * sizeof *s) == 0)
            return 1;
    return 0;
}

/* Starts counted in one 16-bit counter (at most one match a start). */
#define SHORT_BLOCK ((size_t)UINT16_MAX)

/* The occurrences of the k <= 4 two-byte units s (which cannot overlap
 * themselves: every occurrence counts) at unit boundaries of t[0, n)
 * units: a comparison of k units at every place, in loops the compiler
 * vectorises, a stretch of TX_CHECK_BYTES at a time between looks at the
 * stop flag. Faster than a scan where the word is frequent, and never
 * slower than memory. */
static size_t count_short_units(const unsigned char *t, size_t n,
                                const uint16_t *s, size_t k,
                                const volatile int *stop)
{
    size_t count = 0, step = TX_CHECK_BYTES / 2;
    uint16_t s0 = s[0], s1 = k > 1 ? s[1] : 0, s2 = k > 2 ? s[2] : 0,
             s3 = k > 3 ? s[3] : 0;
    for (size_t a = 0; a + k <= n && !TX_STOPPED(stop); a += step) {
        size_t e = n - k + 1 - a < step ? n - k + 1 : a + step;
        /* blocks of SHORT_BLOCK starts, each counted in 16 bits: the
         * vector loops then add in 16-bit lanes (in size_t ones they ran
         * at 0.7 of the speed: a million short two-byte documents' "the",
         * 91 against 64 ns a document) */
        for (size_t b = a; b < e; b += SHORT_BLOCK) {
            size_t be = e - b < SHORT_BLOCK ? e : b + SHORT_BLOCK;
            uint16_t c = 0;
            if (k == 1)
                for (size_t i = b; i < be; i++)
                    c = (uint16_t)(c + (unit_at(t, i, 2) == s0));
            else if (k == 2)
                for (size_t i = b; i < be; i++)
                    c = (uint16_t)(c + ((unit_at(t, i, 2) == s0) &
                                        (unit_at(t, i + 1, 2) == s1)));
            else if (k == 3)
                for (size_t i = b; i < be; i++)
                    c = (uint16_t)(c + ((unit_at(t, i, 2) == s0) &
                                        (unit_at(t, i + 1, 2) == s1) &
                                        (unit_at(t, i + 2, 2) == s2)));
            else
                for (size_t i = b; i < be; i++)
                    c = (uint16_t)(c + (((unit_at(t, i, 2) == s0) &
                                         (unit_at(t, i + 1, 2) == s1)) &
                                        ((unit_at(t, i + 2, 2) == s2) &
                                         (unit_at(t, i + 3, 2) == s3))));
            count += c;
        }
    }
    return count;
}

size_t tx_count_units(const unsigned char *t, size_t n, const tx_needle *nd,
                      size_t width)
{
    if (nd->m == 0)
        return n / width + 1;
    if (width == 2 && nd->m <= 8) {
        uint16_t s[4];
        size_t k = nd->m / 2;
        memcpy(s, nd->s, nd->m);
        if (!units_overlap(s, k))
            return count_short_units(t, n / 2, s, k, nd->stop);
    }
    units_visit u = {{on_unit_match, 0}, width, nd->m, 0};
    tx_scan(t, n, nd, &u.v);
    return u.count;
}

/* UTF-8 bytes of the code point c. */
static inline size_t utf8_len(uint32_t c)
{
    return 1 + (c >= 0x80) + (c >= 0x800) + (c >= 0x10000);
}

/* The most UTF-8 bytes a unit of `width` bytes takes. */
static size_t utf8_per_unit(size_t width)
{
    return width == 1 ? 2 : width == 2 ? 3 : 4;
}

/* Units a block of the size pass takes: the count of each lane fits in
 * 16 bits (at most two a unit), so the compiler's vector loop keeps eight
 * or sixteen counts to a register, not two. */
#define TX_SIZE_BLOCK 16384

/* UTF-8 bytes of units [a, b) of u: n + count(u >= 0x80) + count(u >=
 * 0x800) (+ count(u >= 0x10000)), loops the compiler vectorises, counted
 * in narrow lanes a block at a time. */
static size_t utf8_size(const unsigned char *u, size_t a, size_t b,
                        size_t width)
{
    size_t size = b - a;
    for (size_t i = a; i < b;) {
        size_t e = b - i > TX_SIZE_BLOCK ? i + TX_SIZE_BLOCK : b;
        if (width == 1) {
            uint16_t c = 0;
            for (; i < e; i++)
                c = (uint16_t)(c + (u[i] >> 7));
            size += c;
        } else if (width == 2) {
            uint16_t c = 0;
            for (; i < e; i++) {
                uint16_t v;
                memcpy(&v, u + 2 * i, 2);
                c = (uint16_t)(c + (v >= 0x80) + (v >= 0x800));
            }
            size += c;
        } else {
            uint32_t c = 0;
            for (; i < e; i++) {
                uint32_t v;
                memcpy(&v, u + 4 * i, 4);
                c += (uint32_t)(v >= 0x80) + (v >= 0x800) + (v >= 0x10000);
            }
            size += c;
        }
    }
    return size;
}

/* 1 when the four two-byte units at p (native order) are all below 0x800
 * (one or two UTF-8 bytes each: ASCII, Latin, Greek, Cyrillic, Hebrew,
 * Arabic...), else 0. */
static inline int four_short_units(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return (v & 0xF800F800F800F800u) == 0;
}

/* Writes the UTF-8 of v < 0x800 at out (room for two bytes) and returns
 * its length: both bytes are written, the second kept only for v >= 0x80,
 * and the lead byte is selected by a mask, with no branch on the mix of
 * ASCII and two-byte letters. */
static inline size_t put_short(uint32_t v, unsigned char *out)
{
    uint32_t two = (v + 0x780) >> 11; /* 1 for v in [0x80, 0x800) */
    uint32_t lead = v ^ ((v ^ (0xC0 | v >> 6)) & (0u - two));
    out[0] = (unsigned char)lead;
    out[1] = (unsigned char)(0x80 | (v & 0x3F));
    return 1 + two;
}

/* The four low bytes of the two-byte units in v. */
static inline uint64_t low_bytes(uint64_t v)
{
    return (v & 0xFF) | (v >> 8 & 0xFF00) | (v >> 16 & 0xFF0000) |
           (v >> 24 & 0xFF000000);
}

/* When the eight two-byte units at p are ASCII, writes them at out (eight
 * bytes) and returns 1; else returns 0. */
static inline int ascii_units8(const unsigned char *p, unsigned char *out)
{
    uint64_t v0, v1;
    memcpy(&v0, p, 8);
    memcpy(&v1, p + 8, 8);
    if (((v0 | v1) & 0xFF80FF80FF80FF80u) != 0)
        return 0;
    uint64_t packed = low_bytes(v0) | low_bytes(v1) << 32;
    memcpy(out, &packed, 8);
    return 1;
}

/* When the 32 two-byte units at p are ASCII, writes them at out (32
 * bytes) and returns 1; else returns 0. A test of eight words, then a
 * narrowing loop the compiler vectorises. */
static inline int ascii_units32(const unsigned char *p, unsigned char *out)
{
    uint64_t any = 0;
    for (size_t j = 0; j < 8; j++) {
        uint64_t v;
        memcpy(&v, p + 8 * j, 8);
        any |= v;
    }
    if ((any & 0xFF80FF80FF80FF80u) != 0)
        return 0;
    for (size_t j = 0; j < 32; j++) {
        uint16_t v;
        memcpy(&v, p + 2 * j, 2);
        out[j] = (unsigned char)v;
    }
    return 1;
}

/* Writes the UTF-8 of units [a, b) of u at out, at most cap bytes (a
 * character that does not fit ends the writing); returns the bytes
 * written. Runs of ASCII, and of short characters in two-byte units, go
 * several units at a time. */
static size_t utf8_write(const unsigned char *u, size_t a, size_t b,
                         size_t width, unsigned char *out, size_t cap)
{
    size_t o = 0, i = a;
    tx_units_utf8_fn vector = tx_backend_now()->units_utf8;
    if (vector != NULL && width <= 2)
        o = vector(u, &i, b, width, out, 0, cap);
    while (i < b) {
        if (width == 2 && b - i >= 8 && cap - o >= 8 &&
            ascii_units8(u + 2 * i, out + o)) {
            o += 8;
            i += 8;
            /* in a run of ASCII: on 32 at a time (tried only here, where
             * it mostly succeeds) */
            while (b - i >= 32 && cap - o >= 32 &&
                   ascii_units32(u + 2 * i, out + o)) {
                o += 32;
                i += 32;
            }
            continue;
        }
        if (width == 2 && b - i >= 4 && cap - o >= 8 &&
            four_short_units(u + 2 * i)) {
            for (size_t j = 0; j < 4; j++)
                o += put_short(unit_at(u, i + j, 2), out + o);
            i += 4;
            continue;
        }
        if (width == 1 && b - i >= 8 && cap - o >= 8) {
            uint64_t w;
            memcpy(&w, u + i, 8);
            if ((w & 0x8080808080808080u) == 0) {
                memcpy(out + o, &w, 8);
                o += 8;
                i += 8;
                continue;
            }
        }
        uint32_t v = unit_at(u, i, width);
        if (v < 0x800 && cap - o >= 2) { /* every Latin-1 unit */
            o += put_short(v, out + o);
        } else if (cap - o >= utf8_len(v)) {
            o += tx_utf8_put(v, out + o);
        } else {
            break;
        }
        i++;
    }
    return o;
}

/* The UTF-8 of one text of units, in two passes over the same shares:
 * each share's size (into starts[k + 1]), then, once the shares are laid
 * end to end, each share's bytes. */
typedef struct {
    tx_batch b;
    const unsigned char *u;
    size_t n, width, cap;
    int fill;
    size_t starts[TX_LOCAL_SHARES + 1];
    unsigned char *out;
} utf8_batch;

static size_t utf8_share(tx_batch *b, size_t tid, size_t i, size_t k,
                         size_t pieces)
{
    utf8_batch *ub = (utf8_batch *)b;
    size_t a = k * (ub->n / pieces);
    size_t e = k + 1 == pieces ? ub->n : (k + 1) * (ub->n / pieces);
    (void)tid;
    (void)i;
    if (!ub->fill) {
        ub->starts[k + 1] = utf8_size(ub->u, a, e, ub->width);
        return 0;
    }
    size_t at = ub->starts[k], end = ub->starts[k + 1];
    if (end > ub->cap)
        end = ub->cap;
    return at < end ? utf8_write(ub->u, a, e, ub->width, ub->out + at,
                                 end - at)
                    : 0;
}

static size_t utf8_text(tx_batch *b, size_t tid, size_t i)
{
    utf8_batch *ub = (utf8_batch *)b;
    (void)tid;
    (void)i;
    return utf8_write(ub->u, 0, ub->n, ub->width, ub->out, ub->cap);
}

/* Memory for a UTF-8 copy of `size` bytes, written once from end to end:
 * past TX_HUGE_COPY bytes the 2 MB-aligned stretches inside are asked to
 * be huge pages (where the system has them), so that writing the copy
 * takes one page fault per 2 MB rather than per 4 KB. */
#define TX_HUGE_COPY ((size_t)8 << 20)
#define TX_HUGE_PAGE ((size_t)2 << 20)

static unsigned char *copy_room(size_t size)
{
    unsigned char *p = malloc(size ? size : 1);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (p != NULL && size >= TX_HUGE_COPY) {
        uintptr_t a = ((uintptr_t)p + TX_HUGE_PAGE - 1) & ~(TX_HUGE_PAGE - 1);
        uintptr_t e = ((uintptr_t)p + size) & ~(TX_HUGE_PAGE - 1);
        if (e > a)
            madvise((void *)a, e - a, MADV_HUGEPAGE); /* a hint only */
    }
#endif
    return p;
}

/* The UTF-8 of the units into out (cap bytes), or, with out NULL, into
 * a buffer of the exact size malloc'd here (*copy; NULL without memory):
 * the shares' sizes in one parallel pass, their bytes in a second.
 * Returns the bytes written (with out and copy NULL: the bytes the UTF-8
 * takes). */
static size_t units_utf8(const char *units, size_t n, size_t w, char *out,
                         size_t cap, int threads, char **copy)
{
    const char *texts[1] = {units};
    size_t lens[1] = {n * w}, written = 0;
    utf8_batch ub = {{utf8_text, utf8_share, 1, texts, lens, NULL, &written,
                      0, 0, 0, NULL},
                     (const unsigned char *)units, n, w, cap, 0, {0},
                     (unsigned char *)out};
    tx_batch_plan(&ub.b, threads);
    size_t pieces = tx_batch_pieces(&ub.b, 0);
    if (pieces == 0 || pieces > TX_LOCAL_SHARES) { /* whole, in one pass */
        if (out == NULL) {
            ub.cap = utf8_size(ub.u, 0, n, w);
            if (copy == NULL)
                return ub.cap;
            ub.out = copy_room(ub.cap);
        *copy = (char *)ub.out;
            if (ub.out == NULL)
                return 0;
        }
        return utf8_text(&ub.b, 0, 0);
    }
    tx_batch_run(&ub.b); /* the sizes */
    for (size_t k = 0; k < pieces; k++)
        ub.starts[k + 1] += ub.starts[k];
    if (out == NULL) {
        ub.cap = ub.starts[pieces];
        if (copy == NULL)
            return ub.cap;
        ub.out = copy_room(ub.cap);
        *copy = (char *)ub.out;
        if (ub.out == NULL)
            return 0;
    }
    ub.fill = 1;
    tx_batch_run(&ub.b); /* the bytes: `written` sums the shares' */
    return written;
}

size_t textops_units_to_utf8(const char *units, size_t n, int width,
                             char *out, size_t cap, int threads)
{
    size_t w = width == 1 || width == 2 ? (size_t)width : 4;
    return units_utf8(units, n, w, out, out != NULL ? cap : 0, threads,
                      NULL);
}

char *textops_units_utf8_copy(const char *units, size_t n, int width,
                              int threads, size_t *size)
{
    size_t w = width == 1 || width == 2 ? (size_t)width : 4;
    char *copy = NULL;
    *size = units_utf8(units, n, w, NULL, 0, threads, &copy);
    return copy;
}

/* Word and line counts of a text of units go block by block: each block
 * is written as UTF-8 into a buffer of the call and counted as a text of
 * its own, so it must end where shares.c would cut the UTF-8 text: after
 * whitespace (split() and the \w rules), after a separator the greedy
 * split surely takes (split(sep); none for a lowered one: its separators
 * are those of the lowered text), after a line break (the lines). */

void tx_units_text_init(tx_units_text *x, const tx_query *q,
                        const unsigned char *u, size_t nbytes, size_t width)
{
    x->u = u;
    x->width = width;
    x->n = nbytes / width;
    x->sep_units = 0; /* no cut after a separator */
    x->word = NULL;
    if (q->sep != NULL && !q->lower && q->sep_len <= TX_UNITS_SEP_MAX &&
        tx_units_from_utf8(q->sep, q->sep_len, width, x->sep,
                           &x->sep_units) != 0)
        x->sep_units = 0; /* wider than the units: it is not in the text */
}

/* 1 when units i... of x hold the separator. */
static int sep_at(const tx_units_text *x, size_t i)
{
    size_t m = x->sep_units;
    return i + m <= x->n &&
           memcmp(x->u + i * x->width, x->sep, m * x->width) == 0;
}

/* Whitespace units a cut may follow: ASCII whitespace, as in shares.c. */
static int space_unit(uint32_t c)
{
    return c < 0x80 && tx_ascii_space((unsigned char)c, TEXTOPS_UNICODE);
}

/* How many separator occurrences a cut search steps over (as shares.c). */
#define UNITS_CUT_TRIES 64

size_t tx_units_cut(const tx_query *q, const tx_units_text *x, size_t lo,
                    size_t hi)
{
    const unsigned char *u = x->u;
    size_t w = x->width;
    if (lo == 0)
        lo = 1;
    if (q->kind == TX_LINES) {
        for (size_t b = lo; b < hi && b <= x->n; b++) {
            uint32_t c = unit_at(u, b - 1, w);
            if (c == '\n' || (c == '\r' && (b == x->n || unit_at(u, b, w) != '\n')))
                return b;
        }
        return TX_NONE;
    }
    if (q->sep == NULL) {
        for (size_t b = lo; b < hi && b <= x->n; b++)
            if (space_unit(unit_at(u, b - 1, w)))
                return b;
        return TX_NONE;
    }
    size_t m = x->sep_units;
    if (m == 0)
        return TX_NONE;
    int tries = 0;
    for (size_t p = lo >= m ? lo - m : 0; p + m < hi && tries < UNITS_CUT_TRIES;
         p++) {
        if (!sep_at(x, p))
            continue;
        int clean = 1;
        for (size_t j = p >= m - 1 ? p - (m - 1) : 0; j < p && clean; j++)
            clean = !sep_at(x, j);
        if (clean)
            return p + m;
        tries++;
    }
    return TX_NONE;
}

int tx_units_piece(const tx_query *q, const tx_units_text *x, size_t k,
                   size_t pieces, size_t *start, size_t *end)
{
    size_t n = x->n, share = n / pieces;
    size_t a = k == 0 ? 0
                      : tx_units_cut(q, x, k * share,
                                     k + 1 == pieces ? n : (k + 1) * share);
    if (a == TX_NONE)
        return 0;
    size_t b = TX_NONE;
    for (size_t j = k + 1; j < pieces && b == TX_NONE; j++)
        b = tx_units_cut(q, x, j * share, j + 1 == pieces ? n : (j + 1) * share);
    *start = a;
    *end = b == TX_NONE ? n : b;
    return 1;
}

/* Units a block holds at least (the minimum chunk when smaller: the tests'
 * tiny chunks cut tiny texts into many blocks). */
#define UNITS_BLOCK ((size_t)16 << 10)

/* The block of x from unit a (< e): its end, the first cut at or after
 * a + UNITS_BLOCK, or e. */
static size_t block_end(const tx_query *q, const tx_units_text *x, size_t a,
                        size_t e)
{
    size_t step = tx_min_chunk_bytes() < UNITS_BLOCK ? tx_min_chunk_bytes()
                                                      : UNITS_BLOCK;
    if (e - a <= step)
        return e;
    size_t b = tx_units_cut(q, x, a + step, e);
    return b == TX_NONE ? e : b;
}

/* Writes units [a, b) of x as UTF-8 into *buf (grown as needed, *cap
 * bytes); returns the bytes written, or TX_NONE out of memory. */
static size_t block_utf8(const tx_units_text *x, size_t a, size_t b,
                         unsigned char **buf, size_t *cap)
{
    size_t need = (b - a) * utf8_per_unit(x->width);
    if (need > *cap) {
        unsigned char *bigger = realloc(*buf, need);
        if (bigger == NULL)
            return TX_NONE;
        *buf = bigger;
        *cap = need;
    }
    return utf8_write(x->u, a, b, x->width, *buf, *cap);
}

/* The word counts that need no UTF-8 (split() and the \w rules, not
 * lowered): the word, written in units, searched in them; an occurrence
 * at a unit boundary is a token when the characters beside it end tokens
 * (whitespace, or not \w; the ends of a piece are cuts: ends of tokens). */
typedef struct {
    tx_visitor v;
    const unsigned char *t; /* the piece */
    size_t n, width, m;     /* in bytes */
    int words;              /* the \w rules, else split() */
    size_t count;
} direct_visit;

/* 1 when the code point c ends a token of the rule on its side. */
static int ends_token(uint32_t c, int words)
{
    if (c < 0x80)
        return words ? !tx_ascii_word((unsigned char)c)
                     : tx_ascii_space((unsigned char)c, TEXTOPS_UNICODE);
    unsigned char utf8[4];
    size_t len = tx_utf8_put(c, utf8), step;
    return words ? !tx_word_at(utf8, len, 0, TEXTOPS_UNICODE, &step)
                 : tx_space_at(utf8, len, 0, TEXTOPS_UNICODE) != 0;
}

static size_t on_direct_match(tx_visitor *self, size_t q)
{
    direct_visit *d = (direct_visit *)self;
    size_t w = d->width;
    if (q % w != 0)
        return q + 1;
    if ((q == 0 || ends_token(unit_at(d->t, q / w - 1, w), d->words)) &&
        (q + d->m == d->n ||
         ends_token(unit_at(d->t, (q + d->m) / w, w), d->words))) {
        d->count++;
        return q + d->m;
    }
    return q + w;
}

/* tx_units_words for a query tx_units_direct accepts. */
static size_t units_words_direct(const tx_query *q, const tx_units_text *x,
                                 size_t a, size_t e, int *failed)
{
    unsigned char local[256], *heap = NULL, *to = local;
    size_t w = x->width, units = 0;
    if (x->word != NULL) { /* prepared once for the batch */
        direct_visit d = {{on_direct_match, 0}, x->u + a * w, (e - a) * w, w,
                          x->word->m, q->rule != TX_RULE_SPLIT, 0};
        tx_scan(d.t, d.n, x->word, &d.v);
        return d.count;
    }
    if (q->word_len * w > sizeof local &&
        (to = heap = malloc(q->word_len * w)) == NULL) {
        *failed = 1;
        return 0;
    }
    size_t count = 0;
    if (tx_units_from_utf8(q->word, q->word_len, w, to, &units) == 0) {
        tx_needle nd;
        tx_needle_init(&nd, to, units * w);
        nd.stop = q->stop;
        direct_visit d = {{on_direct_match, 0}, x->u + a * w, (e - a) * w, w,
                          units * w, q->rule != TX_RULE_SPLIT, 0};
        tx_scan(d.t, d.n, &nd, &d.v);
        count = d.count;
    } /* else a character too wide for the units: never in the text */
    free(heap);
    return count;
}

int tx_units_blocks(const tx_query *q, const tx_units_text *x, size_t a,
                    size_t e, tx_units_each each, void *ctx)
{
    unsigned char *buf = NULL;
    size_t cap = 0;
    int rc = 0;
    while (a < e && !TX_STOPPED(q->stop)) {
        size_t b = block_end(q, x, a, e);
        size_t len = block_utf8(x, a, b, &buf, &cap);
        if (len == TX_NONE) {
            rc = -1;
            break;
        }
        each(ctx, buf, len, b < x->n);
        a = b;
    }
    free(buf);
    return rc;
}

typedef struct {
    const tx_query *q;
    size_t count;
} words_blocks;

static void count_block(void *ctx, const unsigned char *s, size_t len,
                        int drop_last)
{
    words_blocks *wb = ctx;
    wb->count += tx_words(wb->q, s, len);
    /* split(sep) counts an empty token at the end of every piece */
    if (wb->q->sep != NULL && wb->q->word_len == 0 && drop_last)
        wb->count--;
}

static size_t units_words_blocks(const tx_query *q, const tx_units_text *x,
                                 size_t a, size_t e, int *failed)
{
    words_blocks wb = {q, 0};
    if (q->plan == TX_PLAN_NONE)
        return 0;
    if (tx_units_blocks(q, x, a, e, count_block, &wb) != 0)
        *failed = 1;
    return wb.count;
}

size_t tx_units_words(const tx_query *q, const tx_units_text *x, size_t a,
                      size_t e, int *failed)
{
    if ((q->plan == TX_PLAN_SPACE || q->plan == TX_PLAN_WORD) && !q->lower &&
        q->sep == NULL)
        return units_words_direct(q, x, a, e, failed);
    return units_words_blocks(q, x, a, e, failed);
}

/* The block of a line count from unit a (< n): up to the first line cut
 * at or after a + step; a line longer than a few blocks (with split() or
 * the \w rules, which a space or tab inside a line cuts exactly) is cut
 * after a space or tab instead, *mid_line set, and its count goes on in
 * the next block. */
static size_t line_block_end(const tx_query *q, const tx_units_text *x,
                             size_t a, int *mid_line)
{
    size_t n = x->n, step = tx_min_chunk_bytes() < UNITS_BLOCK
                                ? tx_min_chunk_bytes()
                                : UNITS_BLOCK;
    *mid_line = 0;
    if (n - a <= step)
        return n;
    size_t far = q->sep == NULL && n - a > 4 * step ? a + 4 * step : n;
    size_t b = tx_units_cut(q, x, a + step, far);
    if (b != TX_NONE)
        return b;
    if (far == n)
        return n;
    for (b = a + step; b < n; b++) {
        uint32_t c = unit_at(x->u, b - 1, x->width);
        if (c == ' ' || c == '\t') {
            *mid_line = 1;
            return b;
        }
    }
    return n;
}

int tx_units_lines(const tx_query *q, const tx_units_text *x,
                   size_t **counts, size_t *nlines)
{
    unsigned char *buf = NULL;
    size_t cap = 0, total = 0, room = 0, a = 0;
    size_t *out = NULL;
    int rc = 0, open = 0; /* open: the last line goes on in this block */
    while (a < x->n && !TX_STOPPED(q->stop)) {
        int mid_line;
        size_t b = line_block_end(q, x, a, &mid_line);
        size_t len = block_utf8(x, a, b, &buf, &cap);
        size_t got = len == TX_NONE ? 0 : tx_lines(q, buf, len, NULL, 0);
        if (len != TX_NONE && total + got > room) {
            size_t more = 2 * (total + got) + 16;
            size_t *bigger = realloc(out, more * sizeof *out);
            if (bigger != NULL) {
                out = bigger;
                room = more;
            }
        }
        if (len == TX_NONE || total + got > room) {
            rc = -1;
            break;
        }
        got = tx_lines(q, buf, len, out + total, got); /* the same block */
        if (open && got > 0) { /* its first line ends the open one */
            out[total - 1] += out[total];
            memmove(out + total, out + total + 1, (got - 1) * sizeof *out);
            got--;
        }
        total += got;
        open = mid_line;
        a = b;
    }
    free(buf);
    if (rc != 0 || total == 0) {
        free(out);
        out = NULL;
        total = rc != 0 ? 0 : total;
    }
    *counts = out;
    *nlines = total;
    return rc;
}
