/* One scan over a run of packed documents, the occurrences of a word given
 * to the documents they start in (see docscan.h).
 *
 * First the sparse walk: the one-text scan (tx_scan, with its fast test
 * and fetch ahead) runs over the whole run and hands each occurrence to a
 * visitor that finds its document (the offsets read in order, 8 a step)
 * and judges it there. A rare or absent word so costs what a search of
 * the run as one text costs. A visit costs some 20 ns, so once the
 * occurrences are many (more than 64 plus one per 2 KB passed) the walk
 * gives up at the document of the occurrence at hand, and the block scan
 * below counts the rest of the run from that document's start.
 *
 * The block scan reads the run 64 bytes at a time: a mask with a bit per
 * start where three probe bytes are the word's (all of a word of up to 3
 * bytes; else its three rarest, as search.c chose them from a sample of
 * the documents); where a stretch has candidates, a word of up to 8 bytes
 * has every byte tested in the mask and a longer one each candidate
 * compared whole. The mask comes from the backend's instruction set
 * (AVX-512, AVX2, SSE2, or the portable eight-bytes-at-a-time twin, chosen
 * with the backend: backend.h); the rest is one body. A word that cannot
 * overlap itself, counted as a substring, is tallied in windows of 4 KB:
 * the masks of the window's blocks and a running count, then each
 * document's count is the difference of two ranks (the starts from which
 * the word would run into the next document left out), so that a frequent
 * word or a single letter costs a popcount per block and two per document,
 * not a step per occurrence (on the books, "e" runs twice as fast as
 * substring_count of the same bytes as one text, "the" at 0.73-0.9 of its
 * speed: benchmarks/test_bench_items.py). The tally's block loop calls no
 * function, so that its vectors stay in registers. Any other query walks
 * its occurrences in order: the greedy non-overlapping count of each
 * document (restarting at each document's start), the token boundaries
 * checked inside the document; stretches without candidates are passed
 * 256 bytes at a time. Words longer than TX_FILTER_MAX have only the
 * sparse walk (tx_scan: memmem, linear whatever the word). */
#include <stdint.h>
#include <string.h>

#include "backend.h"
#include "docscan.h"
#include "rules.h"
#include "space.h"

#ifdef TX_X86
#include <immintrin.h>
#endif

/* The word's three probe bytes and their offsets in it (all below m).
 * `covered`: a block's mask bits are occurrences, either because the
 * probes are all its bytes (m <= 3) or because the mask tests every byte
 * (`full`: m <= TX_TALLY_MAX, as search.c's tally does; the quiet test
 * still takes the probes); else each candidate is compared whole. */
typedef struct {
    unsigned char first, mid, last;
    size_t at_first, at_mid, at_last, m;
    int covered, full;
    int quiet3; /* the quiet test takes all three probes (tx_needle.quiet) */
    const unsigned char *s; /* the word */
} doc_probes;

/* The state of one scan over a run: t[0, n) is documents d0..d1 - 1, the
 * document holding the occurrences seen last being d. */
typedef struct {
    tx_visitor visit; /* for the words tx_scan finds */
    const tx_query *q;
    const unsigned char *t;
    size_t n;
    const size_t *off; /* off[d] - first is document d's start in t */
    size_t first, d, d1;
    size_t end; /* document d's end in t */
    size_t *out; /* out[d0..d] written; the walks add to out[d] */
    size_t next; /* the walk's next place: no occurrence before it counts */
    size_t seen; /* occurrences the sparse walk has met (see on_sparse) */
    size_t dense_at; /* where the sparse walk gave up, or TX_STOP */
} doc_walk;

/* The end (in t) of the document that holds place q (q at or after any
 * place asked before), moving w->d there, the counts of the documents
 * passed set to 0 (empty ones are passed over). The offsets are read in
 * order, a cache line (8 documents) a step where it can: a rare word's
 * occurrences lie many documents apart, and a search that jumps would
 * wait on memory at each step. w->d is always a document that starts at
 * or before q, whatever the offsets. */
static inline size_t doc_end(doc_walk *w, size_t q)
{
    if (q < w->end)
        return w->end;
    const size_t *off = w->off, first = w->first, d1 = w->d1;
    size_t d = w->d;
    while (d1 - d > 8 && off[d + 8] - first <= q)
        d += 8;
    while (d + 1 < d1 && off[d + 1] - first <= q)
        d++;
    for (size_t k = w->d + 1; k <= d; k++)
        w->out[k] = 0;
    w->d = d;
    return w->end = off[d + 1] - first;
}

/* After a walk: the documents it did not reach count 0. */
static void zero_rest(doc_walk *w)
{
    for (size_t k = w->d + 1; k < w->d1; k++)
        w->out[k] = 0;
}

/* At an occurrence at q, at or after w->next: counts it for its document
 * when it is whole there (a token by the query's rule, the document's ends
 * being a text's ends); returns where the walk goes on. */
static inline size_t judge(doc_walk *w, size_t q)
{
    const tx_query *q_ = w->q;
    const unsigned char *t = w->t;
    size_t b = doc_end(w, q), m = q_->word_len, sm = q_->sep_len, end = q + m;
    if (b <= q)
        return q + 1; /* offsets out of order: nothing counts */
    size_t a = w->off[w->d] - w->first, len;
    int whole;
    if (end > b)
        return b; /* every start before b runs into the next document */
    switch (q_->plan) {
    case TX_PLAN_WORD: /* as on_word_match, within the document */
        whole = (q == a || !tx_word_before(t, q, q_->mode)) &&
                (end == b || !tx_word_at(t, b, end, q_->mode, &len));
        if (!whole)
            return tx_word_run_end(t, b, end, q_->mode);
        break;
    case TX_PLAN_SPACE:
        whole = (q == a || tx_space_before(t, q, q_->mode)) &&
                (end == b || tx_space_at(t, b, end, q_->mode));
        break;
    case TX_PLAN_SEP_FIND:
        whole = (q == a ||
                 (q - a >= sm && memcmp(t + q - sm, q_->sep, sm) == 0)) &&
                (end == b ||
                 (b - end >= sm && memcmp(t + end, q_->sep, sm) == 0));
        break;
    default: /* TX_PLAN_COUNT */
        whole = 1;
        break;
    }
    if (!whole)
        return q + 1;
    w->out[w->d]++;
    return end;
}

/* The occurrences at base + the bits of `bits`, in order. */
static inline void walk_bits(doc_walk *w, size_t base, uint64_t bits)
{
    while (bits) {
        size_t q = base + (size_t)__builtin_ctzll(bits);
        w->next = judge(w, q);
        size_t skip = w->next - base; /* > q - base */
        bits = skip >= 64 ? 0 : bits & (~(uint64_t)0 << skip);
    }
}

/* The candidates of `bits` (starts in h[0, 64)) where the whole word s[0,
 * m) is: the probes do not cover it. */
static inline uint64_t whole_only(const unsigned char *h,
                                  const unsigned char *s, size_t m,
                                  uint64_t bits)
{
    for (uint64_t c = bits; c; c &= c - 1) {
        size_t j = (size_t)__builtin_ctzll(c);
        if (memcmp(h + j, s, m) != 0)
            bits &= ~((uint64_t)1 << j);
    }
    return bits;
}

/* The bits of the starts q in [base, min(base + 64, n - m + 1)) whose
 * probe bytes are the word's, reading nothing at or past n. */
static inline __attribute__((always_inline)) uint64_t
tail_mask(const unsigned char *t, size_t n, size_t base, const doc_probes *p)
{
    uint64_t bits = 0;
    for (size_t q = base; q < base + 64 && q + p->m <= n; q++) {
        int same = t[q + p->at_first] == p->first &&
                   t[q + p->at_mid] == p->mid && t[q + p->at_last] == p->last;
        for (size_t k = 0; same && p->full && k < p->m; k++)
            same = t[q + k] == p->s[k];
        if (same)
            bits |= (uint64_t)1 << (q - base);
    }
    return bits;
}

/* The mask of a block: bit j set when h[j + at_first], h[j + at_mid] and
 * h[j + at_last] are the probes, for j in [0, 64); reads h[0, 63 + m). */
typedef uint64_t (*doc_mask_fn)(const unsigned char *h, const doc_probes *p);

/* 1 when no start of h[0, 256) has the probes; reads h[0, 255 + m). */
typedef int (*doc_quiet_fn)(const unsigned char *h, const doc_probes *p);

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* 0x80 in each byte of x that is zero, 0 elsewhere. */
static inline uint64_t zero_bytes(uint64_t x)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
    return ~(((x & low7) + low7) | x | low7);
}

/* The high bits of the bytes of x as eight bits, byte i to bit i. */
static inline uint64_t high_bits(uint64_t x)
{
    return ((x >> 7) * 0x0102040810204080ULL) >> 56;
}

static inline uint64_t load8(const unsigned char *h)
{
    uint64_t w;
    memcpy(&w, h, 8);
    return w;
}
#endif

/* The portable twin: eight bytes at a time in a 64-bit word. The probes'
 * mask: */
static inline uint64_t probes_portable(const unsigned char *h,
                                       const doc_probes *p)
{
    uint64_t bits = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ULL, f = ones * p->first,
                   md = ones * p->mid, l = ones * p->last;
    for (size_t j = 0; j < 64; j += 8) {
        uint64_t e = zero_bytes(load8(h + j + p->at_first) ^ f) &
                     zero_bytes(load8(h + j + p->at_mid) ^ md) &
                     zero_bytes(load8(h + j + p->at_last) ^ l);
        bits |= high_bits(e) << j;
    }
#else
    for (size_t j = 0; j < 64; j++)
        if (h[j + p->at_first] == p->first && h[j + p->at_mid] == p->mid &&
            h[j + p->at_last] == p->last)
            bits |= (uint64_t)1 << j;
#endif
    return bits;
}

/* ... and a block's mask when p->full: every byte of the word tested. */
static inline uint64_t full_portable(const unsigned char *h,
                                     const doc_probes *p)
{
    uint64_t bits = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ULL;
    for (size_t j = 0; j < 64; j += 8) {
        uint64_t e = ~(uint64_t)0;
        for (size_t k = 0; k < p->m; k++)
            e &= zero_bytes(load8(h + j + k) ^ (ones * p->s[k]));
        bits |= high_bits(e) << j;
    }
#else
    for (size_t j = 0; j < 64; j++)
        if (memcmp(h + j, p->s, p->m) == 0)
            bits |= (uint64_t)1 << j;
#endif
    return bits;
}

/* The quiet test takes the first two probes (the rarest two of a word of
 * 4 bytes or more: a cheaper filter, over two streams of the text), or
 * all three when those two often agree by chance (quiet3). */
static inline int quiet_portable(const unsigned char *h, const doc_probes *p)
{
    if (p->quiet3)
        return (probes_portable(h, p) | probes_portable(h + 64, p) |
                probes_portable(h + 128, p) | probes_portable(h + 192, p)) == 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones = 0x0101010101010101ULL, f = ones * p->first,
                   md = ones * p->mid;
    uint64_t any = 0;
    for (size_t j = 0; j < 256; j += 8)
        any |= zero_bytes(load8(h + j + p->at_first) ^ f) &
               zero_bytes(load8(h + j + p->at_mid) ^ md);
    return any == 0;
#else
    for (size_t j = 0; j < 256; j++)
        if (h[j + p->at_first] == p->first && h[j + p->at_mid] == p->mid)
            return 0;
    return 1;
#endif
}

/* The scan of t[0, n) with mask and quiet, every word of at most
 * TX_FILTER_MAX bytes; inlined into each target's function below. A
 * stretch without candidates is passed 256 bytes at a time. */
static inline __attribute__((always_inline)) void
scan_blocks(doc_walk *w, const doc_probes *probes, doc_mask_fn mask,
            doc_quiet_fn quiet)
{
    const doc_probes p = *probes;
    const unsigned char *t = w->t, *s = w->q->word;
    const size_t n = w->n, m = p.m;
    const volatile int *stop = w->q->stop;
    if (n < m)
        return;
    size_t last = n - m, check = TX_CHECK_BYTES, base = 0;
    int calm = 2; /* blocks without candidates in a row, up to 2 */
    while (base <= last) {
        if (w->next >= base + 64)
            base = w->next & ~(size_t)63;
        /* after two blocks without candidates, look for a quiet stretch
         * (a dense word has none: looking would only cost) */
        while (calm >= 2 && base + 255 + m <= n && w->next <= base &&
               base < check && quiet(t + base, &p))
            base += 256;
        if (base > last)
            break;
        uint64_t bits = base + 63 + m <= n ? mask(t + base, &p)
                                           : tail_mask(t, n, base, &p);
        if (w->next > base)
            bits &= ~(uint64_t)0 << (w->next - base);
        if (!p.covered)
            bits = whole_only(t + base, s, m, bits);
        calm = bits != 0 ? 0 : calm < 2 ? calm + 1 : 2;
        if (bits)
            walk_bits(w, base, bits);
        base += 64;
        if (base >= check) {
            if (TX_STOPPED(stop))
                return;
            check = base + TX_CHECK_BYTES;
        }
    }
}

/* Blocks per window of the tally: 4 KB of text. */
#define TALLY_BLOCKS 64

/* The most occurrences in a window whose documents are passed in strides
 * up to each occurrence (more, and the strides seldom pass anything). */
#define TALLY_SPARSE 4

/* The first start at or after a (a place of the window at wbase, whose
 * blocks' occurrences are masks[]) where an occurrence is, or the
 * window's end. */
static inline size_t next_start(const uint64_t *masks, size_t wbase,
                                size_t a)
{
    size_t i = (a - wbase) >> 6;
    uint64_t bits = masks[i] & (~(uint64_t)0 << (a & 63));
    while (bits == 0) {
        if (++i == TALLY_BLOCKS)
            return wbase + 64 * TALLY_BLOCKS;
        bits = masks[i];
    }
    return wbase + 64 * i + (size_t)__builtin_ctzll(bits);
}

/* The count of a word that cannot overlap itself (so that every
 * occurrence is one of the greedy count's), window by window: the masks
 * of a window's blocks and the occurrences before each block, then per
 * document the occurrences that start in [a, b - m] (those starting later
 * run into the next document), two ranks apart. No step per occurrence,
 * no branch that depends on the text; a window without occurrences passes
 * its documents with one comparison each. The documents' ends are
 * clamped into the run, so that offsets out of order cost only answers. */
static inline __attribute__((always_inline)) void
tally_windows(doc_walk *w, const doc_probes *probes, doc_mask_fn mask,
              doc_quiet_fn quiet, int compare)
{
    const doc_probes p = *probes;
    const unsigned char *t = w->t, *s = w->q->word;
    const size_t n = w->n, m = p.m, first = w->first, d1 = w->d1;
    const size_t *off = w->off;
    const volatile int *stop = w->q->stop;
    uint64_t masks[TALLY_BLOCKS];
    size_t cum[TALLY_BLOCKS + 1];
    size_t d = w->d, a = 0, lo_rank = 0, check = TX_CHECK_BYTES;
    int have_lo = 0; /* lo_rank is document d's rank at a */
    int calm = 1; /* the last 4 blocks held no occurrence */
    cum[TALLY_BLOCKS] = 0;
    for (size_t wbase = 0; d < d1; wbase += 64 * TALLY_BLOCKS) {
        const size_t wend = wbase + 64 * TALLY_BLOCKS;
        /* the running count stays in a register: read back from cum[],
         * it waited on the store just made */
        size_t run = cum[TALLY_BLOCKS];
        cum[0] = run;
        for (size_t k = 0; k < TALLY_BLOCKS; k += 4) {
            const size_t group = wbase + 64 * k;
            /* after 4 blocks without occurrences, 4 blocks where the
             * probes never agree are passed with one test */
            if (calm && group + 255 + m <= n && quiet(t + group, &p)) {
                masks[k] = masks[k + 1] = masks[k + 2] = masks[k + 3] = 0;
                cum[k + 1] = cum[k + 2] = cum[k + 3] = cum[k + 4] = run;
                continue;
            }
            const size_t before = run;
            for (size_t i = k; i < k + 4; i++) {
                size_t base = wbase + 64 * i;
                uint64_t bits = base + 63 + m <= n ? mask(t + base, &p)
                                : base + m <= n    ? tail_mask(t, n, base, &p)
                                                   : 0;
                if (compare && !p.covered)
                    bits = whole_only(t + base, s, m, bits);
                masks[i] = bits;
                run += (size_t)__builtin_popcountll(bits);
                cum[i + 1] = run;
            }
            calm = run == before;
        }
        const int none = run == cum[0];
#define RANK(x)                                                             \
    (cum[((x) - wbase) >> 6] +                                              \
     (size_t)__builtin_popcountll(masks[((x) - wbase) >> 6] &               \
                                  (((uint64_t)1 << ((x) & 63)) - 1)))
        /* no occurrence starts in [a, z), once known (a document that
         * began in an earlier window may still be open here); a window
         * with few occurrences passes the documents before each in
         * strides, a dense one takes them one by one */
        const int sparse = run - cum[0] <= TALLY_SPARSE;
        size_t z = wend;
        int known = none;
        while (d < d1) {
            if (!have_lo) {
                if (a >= wend)
                    break;
                if (sparse && (!known || z < a)) {
                    z = next_start(masks, wbase, a);
                    known = 1;
                }
                /* documents that end before z count 0: passed in strides
                 * of up to 32, their counts written 0 */
                for (size_t step = sparse ? 32 : 0; step > 0; step /= 2)
                    while (d + step <= d1) {
                        size_t e = off[d + step] - first;
                        e = e < a ? a : e > n ? n : e;
                        if (e >= z)
                            break;
                        for (size_t k = d; k < d + step; k++) {
                            w->out[k] = 0;
                            __asm__ volatile(""); /* no memset call here */
                        }
                        a = e;
                        d += step;
                    }
                if (d == d1)
                    break;
                lo_rank = RANK(a);
                have_lo = 1;
            }
            size_t b = off[d + 1] - first;
            b = b < a ? a : b > n ? n : b;
            size_t hi = b - a >= m ? b + 1 - m : a;
            if (hi >= wend)
                break;
            w->out[d] = RANK(hi) - lo_rank;
            have_lo = 0;
            a = b;
            d++;
        }
#undef RANK
        if (wend >= check) {
            if (TX_STOPPED(stop))
                return;
            check = wend + TX_CHECK_BYTES;
        }
    }
}

static void scan_portable(doc_walk *w, const doc_probes *p, int tally)
{
    if (tally && p->full)
        tally_windows(w, p, full_portable, quiet_portable, 0);
    else if (tally && p->covered)
        tally_windows(w, p, probes_portable, quiet_portable, 0);
    else if (tally)
        tally_windows(w, p, probes_portable, quiet_portable, 1);
    else if (p->full)
        scan_blocks(w, p, full_portable, quiet_portable);
    else
        scan_blocks(w, p, probes_portable, quiet_portable);
}

#ifdef TX_X86
#define SSE2 __attribute__((target("sse2")))
#define AVX2 __attribute__((target("avx2,popcnt")))
#define AVX512 __attribute__((target("avx512f,avx512bw,popcnt")))

SSE2 static inline uint64_t probes_sse2(const unsigned char *h,
                                        const doc_probes *p)
{
    const __m128i f = _mm_set1_epi8((char)p->first),
                  md = _mm_set1_epi8((char)p->mid),
                  l = _mm_set1_epi8((char)p->last);
    uint64_t bits = 0;
    for (size_t j = 0; j < 64; j += 16) {
        const unsigned char *at = h + j;
        __m128i a = _mm_loadu_si128(
            (const __m128i *)(const void *)(at + p->at_first));
        __m128i b = _mm_loadu_si128(
            (const __m128i *)(const void *)(at + p->at_mid));
        __m128i c =
            _mm_loadu_si128((const __m128i *)(const void *)(at + p->at_last));
        __m128i e = _mm_and_si128(
            _mm_and_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(b, md)),
            _mm_cmpeq_epi8(c, l));
        bits |= (uint64_t)(unsigned)_mm_movemask_epi8(e) << j;
    }
    return bits;
}

AVX2 static inline uint64_t probes_avx2(const unsigned char *h,
                                        const doc_probes *p)
{
    const __m256i f = _mm256_set1_epi8((char)p->first),
                  md = _mm256_set1_epi8((char)p->mid),
                  l = _mm256_set1_epi8((char)p->last);
    uint64_t bits = 0;
    for (size_t j = 0; j < 64; j += 32) {
        const unsigned char *at = h + j;
        __m256i a = _mm256_loadu_si256(
            (const __m256i *)(const void *)(at + p->at_first));
        __m256i b = _mm256_loadu_si256(
            (const __m256i *)(const void *)(at + p->at_mid));
        __m256i c = _mm256_loadu_si256(
            (const __m256i *)(const void *)(at + p->at_last));
        __m256i e = _mm256_and_si256(
            _mm256_and_si256(_mm256_cmpeq_epi8(a, f),
                             _mm256_cmpeq_epi8(b, md)),
            _mm256_cmpeq_epi8(c, l));
        bits |= (uint64_t)(unsigned)_mm256_movemask_epi8(e) << j;
    }
    return bits;
}

AVX512 static inline uint64_t probes_avx512(const unsigned char *h,
                                            const doc_probes *p)
{
    __m512i a = _mm512_loadu_si512((const void *)(h + p->at_first));
    __m512i b = _mm512_loadu_si512((const void *)(h + p->at_mid));
    __m512i c = _mm512_loadu_si512((const void *)(h + p->at_last));
    return _mm512_cmpeq_epi8_mask(a, _mm512_set1_epi8((char)p->first)) &
           _mm512_cmpeq_epi8_mask(b, _mm512_set1_epi8((char)p->mid)) &
           _mm512_cmpeq_epi8_mask(c, _mm512_set1_epi8((char)p->last));
}

/* The masks of every byte of the word (p->full). */
SSE2 static inline uint64_t full_sse2(const unsigned char *h,
                                      const doc_probes *p)
{
    uint64_t bits = 0;
    for (size_t j = 0; j < 64; j += 16) {
        __m128i e = _mm_set1_epi8(-1);
        for (size_t k = 0; k < p->m; k++)
            e = _mm_and_si128(
                e, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(h + j + k)),
                                  _mm_set1_epi8((char)p->s[k])));
        bits |= (uint64_t)(unsigned)_mm_movemask_epi8(e) << j;
    }
    return bits;
}

AVX2 static inline uint64_t full_avx2(const unsigned char *h,
                                      const doc_probes *p)
{
    uint64_t bits = 0;
    for (size_t j = 0; j < 64; j += 32) {
        __m256i e = _mm256_set1_epi8(-1);
        for (size_t k = 0; k < p->m; k++)
            e = _mm256_and_si256(
                e, _mm256_cmpeq_epi8(
                       _mm256_loadu_si256((const __m256i *)(const void *)(h + j + k)),
                       _mm256_set1_epi8((char)p->s[k])));
        bits |= (uint64_t)(unsigned)_mm256_movemask_epi8(e) << j;
    }
    return bits;
}

AVX512 static inline uint64_t full_avx512(const unsigned char *h,
                                          const doc_probes *p)
{
    __mmask64 e = ~(__mmask64)0;
    for (size_t k = 0; k < p->m; k++)
        e &= _mm512_cmpeq_epi8_mask(_mm512_loadu_si512((const void *)(h + k)),
                                    _mm512_set1_epi8((char)p->s[k]));
    return e;
}

SSE2 static inline int quiet_sse2(const unsigned char *h, const doc_probes *p)
{
    if (p->quiet3)
        return (probes_sse2(h, p) | probes_sse2(h + 64, p) | probes_sse2(h + 128, p) |
                probes_sse2(h + 192, p)) == 0;
    const __m128i f = _mm_set1_epi8((char)p->first),
                  md = _mm_set1_epi8((char)p->mid);
    __m128i any = _mm_setzero_si128();
    for (size_t j = 0; j < 256; j += 16) {
        const unsigned char *at = h + j;
        __m128i a = _mm_loadu_si128(
            (const __m128i *)(const void *)(at + p->at_first));
        __m128i b = _mm_loadu_si128(
            (const __m128i *)(const void *)(at + p->at_mid));
        any = _mm_or_si128(
            any, _mm_and_si128(_mm_cmpeq_epi8(a, f), _mm_cmpeq_epi8(b, md)));
    }
    return _mm_movemask_epi8(any) == 0;
}

AVX2 static inline int quiet_avx2(const unsigned char *h, const doc_probes *p)
{
    if (p->quiet3)
        return (probes_avx2(h, p) | probes_avx2(h + 64, p) | probes_avx2(h + 128, p) |
                probes_avx2(h + 192, p)) == 0;
    const __m256i f = _mm256_set1_epi8((char)p->first),
                  md = _mm256_set1_epi8((char)p->mid);
    __m256i any = _mm256_setzero_si256();
    for (size_t j = 0; j < 256; j += 32) {
        const unsigned char *at = h + j;
        __m256i a = _mm256_loadu_si256(
            (const __m256i *)(const void *)(at + p->at_first));
        __m256i b = _mm256_loadu_si256(
            (const __m256i *)(const void *)(at + p->at_mid));
        any = _mm256_or_si256(any, _mm256_and_si256(_mm256_cmpeq_epi8(a, f),
                                                    _mm256_cmpeq_epi8(b, md)));
    }
    return _mm256_testz_si256(any, any);
}

AVX512 static inline int quiet_avx512(const unsigned char *h,
                                      const doc_probes *p)
{
    if (p->quiet3)
        return (probes_avx512(h, p) | probes_avx512(h + 64, p) |
                probes_avx512(h + 128, p) | probes_avx512(h + 192, p)) == 0;
    const __m512i f = _mm512_set1_epi8((char)p->first),
                  md = _mm512_set1_epi8((char)p->mid);
    __mmask64 any = 0;
    for (size_t j = 0; j < 256; j += 64)
        any |= _mm512_cmpeq_epi8_mask(
                   _mm512_loadu_si512((const void *)(h + j + p->at_first)), f) &
               _mm512_cmpeq_epi8_mask(
                   _mm512_loadu_si512((const void *)(h + j + p->at_mid)), md);
    return any == 0;
}

SSE2 static void scan_sse2(doc_walk *w, const doc_probes *p, int tally)
{
    if (tally && p->full)
        tally_windows(w, p, full_sse2, quiet_sse2, 0);
    else if (tally && p->covered)
        tally_windows(w, p, probes_sse2, quiet_sse2, 0);
    else if (tally)
        tally_windows(w, p, probes_sse2, quiet_sse2, 1);
    else if (p->full)
        scan_blocks(w, p, full_sse2, quiet_sse2);
    else
        scan_blocks(w, p, probes_sse2, quiet_sse2);
}

AVX2 static void scan_avx2(doc_walk *w, const doc_probes *p, int tally)
{
    if (tally && p->full)
        tally_windows(w, p, full_avx2, quiet_avx2, 0);
    else if (tally && p->covered)
        tally_windows(w, p, probes_avx2, quiet_avx2, 0);
    else if (tally)
        tally_windows(w, p, probes_avx2, quiet_avx2, 1);
    else if (p->full)
        scan_blocks(w, p, full_avx2, quiet_avx2);
    else
        scan_blocks(w, p, probes_avx2, quiet_avx2);
}

AVX512 static void scan_avx512(doc_walk *w, const doc_probes *p, int tally)
{
    if (tally && p->full)
        tally_windows(w, p, full_avx512, quiet_avx512, 0);
    else if (tally && p->covered)
        tally_windows(w, p, probes_avx512, quiet_avx512, 0);
    else if (tally)
        tally_windows(w, p, probes_avx512, quiet_avx512, 1);
    else if (p->full)
        scan_blocks(w, p, full_avx512, quiet_avx512);
    else
        scan_blocks(w, p, probes_avx512, quiet_avx512);
}
#endif

/* The words tx_scan finds (longer than TX_FILTER_MAX). */
static size_t on_long_match(tx_visitor *v, size_t q)
{
    return judge((doc_walk *)v, q);
}

/* The sparse walk: the one-text scan (tx_scan, at its own speed) hands
 * over the occurrences of the whole run, each judged for its document.
 * A visit costs some 20 ns, a block of the tally below a few, so once
 * the occurrences outnumber SPARSE_FREE plus one per 2^SPARSE_SHIFT bytes
 * passed, the walk gives up at the document of the occurrence at hand and
 * the block scan takes the rest of the run from that document's start. */
#define SPARSE_FREE 64
#define SPARSE_SHIFT 11

static size_t on_sparse(tx_visitor *v, size_t q)
{
    doc_walk *w = (doc_walk *)v;
    if (++w->seen > SPARSE_FREE + (q >> SPARSE_SHIFT)) {
        w->dense_at = q;
        return TX_STOP;
    }
    return judge(w, q);
}

/* The probes of a needle of m <= TX_FILTER_MAX bytes: its first, middle
 * and last bytes for m <= 3 (then they are all of it), else its three
 * rarest (search.c chose them: at[0..2] are three different offsets, from
 * a sample of the text when the needle was tuned). */
static doc_probes probes_of(const tx_needle *nd)
{
    const unsigned char *s = nd->s;
    size_t m = nd->m;
    if (m <= 3) {
        size_t mid = m / 2;
        return (doc_probes){s[0], s[mid], s[m - 1], 0, mid, m - 1, m, 1, 0,
                            nd->quiet == 3, s};
    }
    int full = m <= TX_TALLY_MAX;
    return (doc_probes){s[nd->at[0]], s[nd->at[1]], s[nd->at[2]],
                        nd->at[0],    nd->at[1],    nd->at[2],
                        m,            full,         full,
                        nd->quiet == 3, s};
}

/* 1 if s[0, m) can overlap itself: a proper prefix is also a suffix. */
static int has_border(const unsigned char *s, size_t m)
{
    for (size_t k = 1; k < m; k++)
        if (memcmp(s, s + m - k, k) == 0)
            return 1;
    return 0;
}

int tx_doc_scan_fits(const tx_query *q)
{
    return q->word_len >= 1 && !q->lower &&
           (q->plan == TX_PLAN_COUNT || q->plan == TX_PLAN_SPACE ||
            q->plan == TX_PLAN_WORD || q->plan == TX_PLAN_SEP_FIND);
}

/* The walk of documents [d, d1) of buf, none of them counted yet. */
static doc_walk walk_from(const tx_query *q, const unsigned char *buf,
                          const size_t *off, size_t d, size_t d1, size_t *out,
                          size_t (*visit)(tx_visitor *, size_t))
{
    doc_walk w = {{visit, 0}, q, buf + off[d], off[d1] - off[d], off, off[d],
                  d, d1, off[d + 1] - off[d], out, 0, 0, TX_STOP};
    out[d] = 0;
    return w;
}

/* The block scan of w (tally: the windows; else the walk in blocks). */
static void scan_run(doc_walk *w, const doc_probes *p, int tally)
{
#ifdef TX_X86
    tx_scan_fn scan = tx_backend_now()->scan;
    if (scan == tx_scan_avx512)
        scan_avx512(w, p, tally);
    else if (scan == tx_scan_avx2)
        scan_avx2(w, p, tally);
    else if (scan == tx_scan_sse2)
        scan_sse2(w, p, tally);
    else
#endif
        scan_portable(w, p, tally);
}

void tx_doc_scan(const tx_query *q, const unsigned char *buf,
                 const size_t *off, size_t d0, size_t d1, size_t *out)
{
    if (d0 == d1)
        return;
    size_t m = q->word_len;
    /* a document may start or end beside any byte: judge decides every
     * occurrence, none is decided by the scan (see tx_scan) */
    tx_needle nd = q->word_needle;
    nd.edges = 0;
    doc_walk w = walk_from(q, buf, off, d0, d1, out,
                           m > TX_FILTER_MAX ? on_long_match : on_sparse);
    tx_scan(w.t, w.n, &nd, &w.visit);
    if (w.dense_at == TX_STOP) {
        zero_rest(&w);
        return;
    }
    /* dense: the block scan from the document of the occurrence met */
    doc_end(&w, w.dense_at);
    int tally = q->plan == TX_PLAN_COUNT && !has_border(q->word, m);
    doc_probes p = probes_of(&q->word_needle);
    doc_walk rest = walk_from(q, buf, off, w.d, d1, out, on_long_match);
    scan_run(&rest, &p, tally);
    if (!tally)
        zero_rest(&rest);
}
