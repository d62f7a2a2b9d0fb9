/* The types every part of the core shares (queries, needles, visitors,
 * the stop flag), and the serial kernels of search.c and split.c. Each
 * other .c file declares what it exports inside the core in a header of
 * its own (team.h, shares.h, batch.h, count.h, table.h, tokens.h).
 * Nothing here is exported from the extension; public names are in
 * textops.h. Every function takes a text as pointer plus length and treats
 * it as a whole text of its own: the driver passes sub-ranges of a larger
 * text only where they start and end at places that make this exact. */
#ifndef TEXTOPS_INTERNAL_H
#define TEXTOPS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "space.h"
#include "textops.h"

/* What to count in a text: `word` occurrences (TX_COUNT), tokens equal to
 * `word` (TX_WORDS), or tokens equal to `word` per line (TX_LINES). */
typedef enum { TX_COUNT, TX_WORDS, TX_LINES } tx_kind;

/* The probes of a needle: how many offsets a vector filter tests. */
#define TX_PROBES 4

/* A count of a needle of up to this many bytes that cannot overlap itself
 * tests all its bytes at every start (scan_body.h: TX_TALLY). */
#define TX_TALLY_MAX 8

/* Where a stretch of text is known to hold no start of a needle: bit j
 * of bits[] (j < windows) is clear when no start in [base + j * W,
 * base + (j + 1) * W) (W = TX_QUIET_WINDOW) has byte b0 at offset a0 and
 * b1 at a1, two bytes of the needle at their offsets (so no occurrence
 * starts there either). The UTF-8 check of a file fills it as it reads
 * (utf8.h: tx_utf8_range) and the count that follows passes the clear
 * windows untested (tx_quiet_skip), so that a rare word costs the check
 * and little more. Set bits say nothing. */
#define TX_QUIET_WINDOW ((size_t)256) /* the check's block (utf8_body.h) */
#define TX_QUIET_WORDS 64 /* room for 4,096 windows: 1 MB */
typedef struct {
    unsigned char b0, b1;
    size_t a0, a1;
    const unsigned char *base; /* these three set by tx_utf8_range */
    size_t windows;
    size_t reach; /* bytes from base that the test may read */
    uint64_t bits[TX_QUIET_WORDS];
} tx_quiet_map;

/* A needle prepared for search: the bytes to probe before comparing.
 * at[0] and at[1] are two different offsets of the rarest bytes (a
 * stretch where they never agree is passed at once); all TX_PROBES are
 * tested where they do (at[2], at[3] the next rarest, repeated for a
 * needle shorter than 4). The rarest bytes are those of a sample of the
 * text searched (tx_needle_tune), else of a fixed table. at[2] joins
 * the fast test when `quiet` is 3. */
typedef struct {
    const unsigned char *s;
    size_t m;
    size_t at[TX_PROBES];
    int quiet;   /* how many probes the fast test of a stretch uses (2, or
                  * 3 when the rarest two often agree by chance) */
    int covered; /* the probes test every byte of the needle (m <= 4) */
    int tuned;   /* at[] chosen from a text: tx_scan and tx_count keep it */
    int overlaps; /* two occurrences may overlap (worked out for m <=
                   * TX_TALLY_MAX; 1 for longer needles) */
    int edges;  /* TX_EDGES_SPACE: a token of split() (no whitespace in
                 * it); TX_EDGES_WORD: one of the \w rules (all \w); see
                 * tx_scan */
    const volatile int *stop; /* the stop flag searches watch, or NULL */
    const tx_quiet_map *map;  /* NULL, or stretches without a start */
} tx_needle;

/* How many starts from h on the scan of a needle with map `map` may pass
 * untested: those up to the next window the map does not say is quiet
 * (or the end of the 64 windows of h's word of bits), 0 when h's own is
 * not. */
static inline size_t tx_quiet_skip(const tx_quiet_map *map,
                                   const unsigned char *h)
{
    uintptr_t at = (uintptr_t)h, base = (uintptr_t)map->base;
    size_t off = (size_t)(at - base), j = off / TX_QUIET_WINDOW;
    if (at < base || j >= map->windows)
        return 0;
    uint64_t rest = map->bits[j / 64] >> (j % 64);
    size_t quiet = rest != 0 ? (size_t)__builtin_ctzll(rest) : 64 - j % 64;
    return quiet == 0 ? 0
                      : quiet * TX_QUIET_WINDOW - off % TX_QUIET_WINDOW;
}

/* The edges of a needle (0: none). */
#define TX_EDGES_SPACE 1
#define TX_EDGES_WORD 2

/* How tx_words counts, chosen once per query by tx_prepare. */
typedef enum {
    TX_PLAN_NONE,     /* the answer is 0 whatever the text */
    TX_PLAN_SPACE,    /* split() on whitespace: find word, check both sides */
    TX_PLAN_SEP_FIND, /* split(sep), sep never overlaps itself: find word */
    TX_PLAN_SEP_WALK, /* split(sep), general: walk the greedy separators */
    TX_PLAN_WORD,     /* runs of \w: find word, check that no \w is beside */
    TX_PLAN_COUNT     /* plain count(word), for TX_COUNT queries */
} tx_plan;

/* The token rule of a word query: t.split(sep), re.findall(r"\w+", t),
 * or re.findall(r"\b\w\w+\b", t). */
typedef enum { TX_RULE_SPLIT, TX_RULE_WORDS, TX_RULE_WORDS2 } tx_rule;

typedef struct {
    tx_kind kind;
    tx_plan plan; /* set by tx_prepare, with the needles */
    const unsigned char *word;
    size_t word_len;
    const unsigned char *sep; /* NULL: split on whitespace */
    size_t sep_len;
    int mode; /* TEXTOPS_BYTES or TEXTOPS_UNICODE */
    tx_rule rule; /* which tokens: split(sep), or runs of \w */
    int lower;    /* the tokens of text.lower(): tx_words lowers the text
                   * in blocks and runs the plan on them */
    size_t unit;  /* a TX_COUNT in a text of code units of this many bytes
                   * (2 or 4, units.c; 0: bytes, or UTF-8 by mode): only
                   * occurrences at a unit boundary count */
    tx_needle word_needle, sep_needle;
    const volatile int *stop; /* the caller's stop flag (textops_watch) */
} tx_query;

/* 1 once the stop flag p (may be NULL) is raised: the call then skips the
 * work it has not started; its results are meaningless. */
#define TX_STOPPED(p) ((p) != NULL && *(p) != 0)

/* Most bytes a call counts on one thread between two looks at its stop
 * flag: a few milliseconds of work. */
#define TX_CHECK_BYTES ((size_t)8 << 20)

/* The first index d of the sorted a[0, n) with a[d] >= x (n if none). */
static inline size_t tx_lower_bound(const size_t *a, size_t n, size_t x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The scans and checks of a text of TX_FETCH_FROM bytes or more ask for
 * the text TX_FETCH_AHEAD bytes ahead of where they read (a hint, which
 * never faults, so it may point past the text's end). On text read from
 * memory the hardware's own prefetch leaves them waiting: on AMD Zen 4, a
 * rare word in 50 MB of UTF-8 went from 0.66-0.79 of memchr's speed to
 * 0.96-1.03 and the UTF-8 check from 30 to 40 GB/s; in cache the hint
 * costs about 3%. A shorter text is not asked for: most of what lies
 * TX_FETCH_AHEAD bytes on belongs to something else (a longer one asks
 * for up to TX_FETCH_AHEAD bytes past its end, a hint that is never
 * read). */
#define TX_FETCH_AHEAD 16384
#define TX_FETCH_FROM (4 * TX_FETCH_AHEAD)
#define TX_FETCH(at)                                                          \
    __builtin_prefetch((const void *)((uintptr_t)(at) + TX_FETCH_AHEAD), 0, 0)

/* search.c */

#define TX_STOP ((size_t)-1)

/* Called by tx_scan at each occurrence q of a needle; returns where the
 * scan goes on (an occurrence is reported only at or after that place),
 * or TX_STOP. Visitors embed this struct first and keep their own state.
 * `tokens` starts at 0; see tx_scan. */
typedef struct tx_visitor {
    size_t (*match)(struct tx_visitor *self, size_t q);
    size_t tokens;
} tx_visitor;

/* Calls visit->match at the occurrences of the needle in h[0, n), in
 * order, as described for tx_visitor. For a needle with `edges` set, the
 * vector backends decide some occurrences themselves: they skip those that
 * cannot stand between whitespace (or the ends of the text), and count in
 * visit->tokens, without calling match, those with an ASCII whitespace
 * byte (\t-\r or space, whitespace in both modes) on both sides; for
 * TX_EDGES_WORD, they skip those beside an ASCII \w byte and count those
 * with an ASCII byte that is not \w on both sides. match must then treat
 * every occurrence the same way: a whole token counts and the scan goes
 * on after it. The scan looks at the needle's stop flag each
 * time it passes a multiple of TX_CHECK_BYTES (between two looks, a stretch
 * without candidates is passed at memory speed) and returns once it is
 * raised. */
void tx_scan(const unsigned char *h, size_t n, const tx_needle *nd,
             tx_visitor *visit);

/* Prepares the needle s[0, m) for tx_find and tx_count, watching no stop
 * flag (tx_prepare gives a query's needles the query's). Its probes come
 * from a fixed table until tx_needle_tune chooses them from a text. */
void tx_needle_init(tx_needle *nd, const unsigned char *s, size_t m);

/* Chooses the probes of nd from a sample of the bytes of texts[0, ntexts)
 * (a few KB spread over them, read within each text's length): the bytes
 * rarest there. Deterministic for given bytes; any choice gives the same
 * answers, a better one only fewer false candidates. A needle searched
 * in one large text needs no call: tx_scan and tx_count tune a copy of
 * an untuned needle themselves (texts of TX_TUNE_MIN bytes or more). Call
 * it once before many tx_find calls on the same text, or to give every
 * text of a batch the choice of the whole batch. */
void tx_needle_tune(tx_needle *nd, size_t ntexts, const char *const *texts,
                    const size_t *lens);

/* tx_needle_tune from a histogram of a sample already taken: counts[c]
 * times byte c (at most 2^24 bytes in all). */
void tx_needle_tune_counts(tx_needle *nd, const uint32_t counts[256]);

/* The shortest text (or batch) whose sample is worth taking. */
#define TX_TUNE_MIN ((size_t)64 << 10)

/* First occurrence of the needle (m >= 1) in hay[0, n), or NULL. */
const unsigned char *tx_find(const unsigned char *hay, size_t n,
                             const tx_needle *nd);

/* Non-overlapping occurrences of the needle in t, left to right:
 * t.count(needle); for an empty needle len + 1 (code points by mode). */
size_t tx_count(const unsigned char *t, size_t n, const tx_needle *nd,
                int mode);

/* split.c */

/* Chooses q->plan from the other fields; call once before tx_words. */
void tx_prepare(tx_query *q);

/* Tokens of t equal to the query's word by its rule: t.split(sep),
 * re.findall(r"\w+", t) or re.findall(r"\b\w\w+\b", t), of t.lower() for
 * a lowered query, .count(word); for a TX_COUNT query, t.count(word). */
size_t tx_words(const tx_query *q, const unsigned char *t, size_t n);

/* Walks the lines of t.splitlines() and stores the tx_words counts of the
 * first `cap` of them in out[0, cap) (out may be NULL when cap is 0).
 * Returns the number of lines, which may differ from what an earlier walk
 * of the same bytes found if another thread wrote to them meanwhile: cap,
 * not that earlier count, bounds the writes. */
size_t tx_lines(const tx_query *q, const unsigned char *t, size_t n,
                size_t *out, size_t cap);

#endif
