/* The many-word fast path (see wordset.h): the word table, the block
 * classes (portable and AVX2) and the counting kernel over them. */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "rules.h"
#include "table.h"
#include "wordset.h"

#ifdef TX_X86
#include "rules_x86.h"
#include "space_x86.h"
#endif

/* The bits of tx_wslot.word above the word's index: a word whose search
 * starts here lies further on (a search that misses here must go on);
 * the word is 8 bytes long or more (a key equal to its key may be another
 * token's). */
#define WS_PASSED 0x80000000u
#define WS_LONG 0x40000000u
#define WS_INDEX 0x3FFFFFFFu
#define WS_MAX_WORDS WS_INDEX

int tx_wordset_fits(const tx_query *q, size_t nwords, const size_t *word_lens)
{
    if (q->lower || (q->rule == TX_RULE_SPLIT && q->sep != NULL))
        return 0;
    if (nwords >= WS_MAX_WORDS)
        return 0;
    for (size_t j = 0; j < nwords; j++)
        if (word_lens[j] > UINT32_MAX)
            return 0;
    return 1;
}

/* --- the table ---------------------------------------------------------- */

/* The key of a token or word s[0, len), len >= 1, from its first eight
 * bytes w8 (bytes past len zero): the bytes and the length themselves for
 * len < 8 (two short tokens with the same key are the same), a hash of the
 * first eight bytes and the length for longer ones (whose equal keys are
 * then compared whole), never 0 (the key of an empty slot). */
static inline uint64_t ws_key(uint64_t w8, size_t len)
{
    return (w8 ^ (uint64_t)len << 56) | (uint64_t)(len >= 8);
}

/* The key of s[0, len), reading no byte past it. */
static uint64_t ws_key_of(const unsigned char *s, size_t len)
{
    uint64_t w8 = 0;
    for (size_t k = 0; k < 8 && k < len; k++)
        w8 |= (uint64_t)s[k] << (8 * k);
    return ws_key(w8, len);
}

/* The slot where the search for a key starts. */
static inline size_t ws_home(unsigned shift, uint64_t key)
{
    return (size_t)((key * 0xbf58476d1ce4e5b9ULL) >> shift);
}

/* 1 if the word of slot sl, whose key is that of s[0, len), is s[0, len). */
static inline int ws_same(const tx_wordset *ws, const tx_wslot *sl,
                          const unsigned char *s, size_t len)
{
    uint32_t j = sl->word & WS_INDEX;
    if (len < 8 && !(sl->word & WS_LONG))
        return 1;
    return ws->lens[j] == len && memcmp(ws->words[j], s, len) == 0;
}

/* The slot of the word s[0, len) with key `key`, searched from slot i
 * onwards, or NULL. */
static const tx_wslot *ws_probe(const tx_wordset *ws, const unsigned char *s,
                                size_t len, uint64_t key, size_t i)
{
    for (;;) {
        const tx_wslot *sl = &ws->slots[i];
        if (sl->key == 0)
            return NULL;
        if (sl->key == key && ws_same(ws, sl, s, len))
            return sl;
        i = (i + 1) & ws->mask;
    }
}

/* 1 if word w[0, len) can be a token by the set's rule (one of
 * r"\b\w\w+\b" has two code points or more; a word that is not one run of
 * \w, or holds whitespace, simply never equals a token). */
static int ws_may_be_token(const tx_query *q, const unsigned char *w,
                           size_t len)
{
    if (len == 0)
        return 0;
    if (q->rule != TX_RULE_WORDS2)
        return 1;
    size_t cps = 0;
    for (size_t i = 0; i < len && cps < 2; i++)
        cps += q->mode != TEXTOPS_UNICODE || (w[i] & 0xC0) != 0x80;
    return cps >= 2;
}

/* Puts the words' first two bytes into the bucket filter: the distinct
 * first bytes, in order, are cut into 8 runs, one per bucket (near bytes
 * share a high nibble, so a bucket accepts few bytes it does not hold). */
static void ws_buckets(tx_wordset *ws, size_t nwords,
                       const char *const *words, const size_t *word_lens,
                       const unsigned char *in)
{
    unsigned char rank[256];
    size_t distinct = 0;
    int seen[256] = {0};
    for (size_t j = 0; j < nwords; j++)
        if (in[j])
            seen[(unsigned char)words[j][0]] = 1;
    for (unsigned c = 0; c < 256; c++)
        if (seen[c])
            rank[c] = (unsigned char)distinct++;
    for (size_t j = 0; j < nwords; j++) {
        if (!in[j])
            continue;
        const unsigned char *w = (const unsigned char *)words[j];
        unsigned bit = 1u << (rank[w[0]] * 8 / distinct);
        ws->lo1[w[0] & 15] |= (unsigned char)bit;
        ws->hi1[w[0] >> 4] |= (unsigned char)bit;
        if (word_lens[j] >= 2) {
            ws->lo2[w[1] & 15] |= (unsigned char)bit;
            ws->hi2[w[1] >> 4] |= (unsigned char)bit;
        } else { /* any byte may follow a word of one byte */
            for (unsigned k = 0; k < 16; k++) {
                ws->lo2[k] |= (unsigned char)bit;
                ws->hi2[k] |= (unsigned char)bit;
            }
        }
    }
}

/* 1 if the bucket filter keeps less than 3/4 of the pairs of printable
 * ASCII bytes (what most tokens start with): else it would cost more than
 * it saves. */
static int ws_selective(const tx_wordset *ws)
{
    size_t kept = 0, pairs = 0;
    for (unsigned a = 0x21; a < 0x7F; a++) {
        unsigned first = ws->lo1[a & 15] & ws->hi1[a >> 4];
        for (unsigned b = 0x21; b < 0x7F; b++)
            kept += (first & ws->lo2[b & 15] & ws->hi2[b >> 4]) != 0;
        pairs += 0x7F - 0x21;
    }
    return 4 * kept < 3 * pairs;
}

int tx_wordset_init(tx_wordset *ws, const tx_query *q, size_t nwords,
                    const char *const *words, const size_t *word_lens,
                    size_t *first)
{
    memset(ws, 0, sizeof *ws);
    ws->words = words;
    ws->lens = word_lens;
    ws->words_rule = q->rule != TX_RULE_SPLIT;
    ws->mode = q->mode;
    size_t nslots = 16;
    unsigned bits = 4;
    while (nslots < 4 * nwords) { /* most searches end at their first slot */
        nslots *= 2;
        bits++;
    }
    ws->slots = calloc(nslots, sizeof *ws->slots);
    unsigned char *in = malloc(nwords ? nwords : 1);
    if (ws->slots == NULL || in == NULL) {
        free(ws->slots);
        free(in);
        ws->slots = NULL;
        return -1;
    }
    ws->mask = nslots - 1;
    ws->shift = 64 - bits;
    for (size_t j = 0; j < nwords; j++) {
        const unsigned char *w = (const unsigned char *)words[j];
        size_t len = word_lens[j];
        first[j] = j;
        in[j] = 0;
        if (!ws_may_be_token(q, w, len))
            continue;
        uint64_t key = ws_key_of(w, len);
        size_t i = ws_home(ws->shift, key);
        const tx_wslot *same = ws_probe(ws, w, len, key, i);
        if (same != NULL) {
            first[j] = same->word & WS_INDEX;
            continue;
        }
        for (; ws->slots[i].key != 0; i = (i + 1) & ws->mask)
            ws->slots[i].word |= WS_PASSED;
        ws->slots[i].key = key;
        ws->slots[i].word |= (uint32_t)j | (len >= 8 ? WS_LONG : 0);
        ws->used++;
        in[j] = 1;
    }
    /* a token is counted in the row cell of its slot's word, 0 added when
     * it is no word: empty slots name words too, different ones, so that
     * those additions do not wait for each other */
    uint32_t last = 0;
    for (size_t i = 0; i <= ws->mask; i++)
        if (ws->slots[i].key != 0)
            last = ws->slots[i].word & WS_INDEX;
    for (size_t i = 0; i <= ws->mask; i++) {
        if (ws->slots[i].key != 0)
            last = ws->slots[i].word & WS_INDEX;
        else
            ws->slots[i].word = last;
    }
    if (ws->used > 0 && ws->used <= TX_WORDSET_BUCKETS_MAX) {
        ws_buckets(ws, nwords, words, word_lens, in);
        ws->buckets = ws_selective(ws);
    }
    free(in);
    return 0;
}

void tx_wordset_free(tx_wordset *ws)
{
    free(ws->slots);
    ws->slots = NULL;
}

/* --- the classes of a block ------------------------------------------- */

/* The classes of the 64 bytes of a block: d, the ASCII delimiters (bytes
 * mode: every delimiter); lead, the bytes where a non-ASCII character that
 * may be a delimiter starts (str mode); f, the places the bucket filter
 * keeps (all, without it). */
typedef struct {
    uint64_t d, lead, f;
} ws_classes;

/* The classes of b[0, 64); b[64] is readable too (the bucket filter looks
 * at the byte after each place). */
static void classes_portable(const tx_wordset *ws, const unsigned char *b,
                             ws_classes *m)
{
    uint64_t d = 0, lead = 0, f = ws->buckets ? 0 : ~(uint64_t)0;
    int uni = ws->mode == TEXTOPS_UNICODE;
    for (unsigned k = 0; k < 64; k++) {
        unsigned char c = b[k];
        int delim, maybe;
        if (ws->words_rule) {
            delim = !tx_ascii_word(c) && (c < 0x80 || !uni);
            maybe = uni && c >= 0xC0;
        } else {
            delim = tx_ascii_space(c, ws->mode);
            maybe = uni && tx_space_class[1][c] == TX_CLASS_LEAD;
        }
        d |= (uint64_t)delim << k;
        lead |= (uint64_t)maybe << k;
        if (ws->buckets) {
            unsigned char e = b[k + 1];
            unsigned any = ws->lo1[c & 15] & ws->hi1[c >> 4] &
                           ws->lo2[e & 15] & ws->hi2[e >> 4];
            f |= (uint64_t)(any != 0) << k;
        }
    }
    m->d = d;
    m->lead = lead;
    m->f = f;
}

#ifdef TX_X86
__attribute__((target("avx2"))) static inline uint64_t
ws_bits(__m256i lo, __m256i hi)
{
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(lo) |
           (uint64_t)(uint32_t)_mm256_movemask_epi8(hi) << 32;
}

/* The buckets the bytes x may start (first place) or follow (second). */
__attribute__((target("avx2"))) static inline __m256i
ws_nibbles(__m256i x, __m256i lo, __m256i hi)
{
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    return _mm256_and_si256(
        _mm256_shuffle_epi8(lo, _mm256_and_si256(x, low4)),
        _mm256_shuffle_epi8(hi,
                            _mm256_and_si256(_mm256_srli_epi16(x, 4), low4)));
}

/* classes_portable, 32 bytes at a time. */
__attribute__((target("avx2"))) static inline void
classes_avx2(const tx_wordset *ws, const unsigned char *b, ws_classes *m)
{
    __m256i x[2], d[2], lead[2], f[2];
    int uni = ws->mode == TEXTOPS_UNICODE;
    for (int h = 0; h < 2; h++) {
        x[h] = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32 * h));
        if (ws->words_rule) {
            __m256i keep = tx_word_avx2(x[h]);
            if (uni) /* non-ASCII bytes are decided by their character */
                keep = _mm256_or_si256(keep, x[h]);
            d[h] = _mm256_xor_si256(keep, _mm256_set1_epi8(-1));
            lead[h] = _mm256_and_si256(
                x[h], _mm256_cmpgt_epi8(x[h], _mm256_set1_epi8((char)0xBF)));
        } else {
            d[h] = tx_space_avx2(x[h], ws->mode);
            lead[h] = tx_lead_avx2(x[h]);
        }
    }
    m->d = ws_bits(d[0], d[1]);
    m->lead = uni ? ws_bits(lead[0], lead[1]) : 0;
    if (!ws->buckets) {
        m->f = ~(uint64_t)0;
        return;
    }
    const __m256i lo1 = _mm256_broadcastsi128_si256(
        _mm_loadu_si128((const __m128i *)(const void *)ws->lo1));
    const __m256i hi1 = _mm256_broadcastsi128_si256(
        _mm_loadu_si128((const __m128i *)(const void *)ws->hi1));
    const __m256i lo2 = _mm256_broadcastsi128_si256(
        _mm_loadu_si128((const __m128i *)(const void *)ws->lo2));
    const __m256i hi2 = _mm256_broadcastsi128_si256(
        _mm_loadu_si128((const __m128i *)(const void *)ws->hi2));
    for (int h = 0; h < 2; h++) {
        __m256i y =
            _mm256_loadu_si256((const __m256i *)(const void *)(b + 32 * h + 1));
        __m256i both = _mm256_and_si256(ws_nibbles(x[h], lo1, hi1),
                                        ws_nibbles(y, lo2, hi2));
        f[h] = _mm256_cmpeq_epi8(both, _mm256_setzero_si256());
    }
    m->f = ~ws_bits(f[0], f[1]);
}
#endif

/* --- the kernel --------------------------------------------------------- */

typedef void (*ws_classes_fn)(const tx_wordset *, const unsigned char *,
                              ws_classes *);

/* Makes the delimiters of the block at t[i] exact: each non-ASCII
 * character starting there that is whitespace (split()) or not \w (the \w
 * rules) is a delimiter, all its bytes; the bits of one that goes on past
 * the block are or'ed into *carry, the next block's. */
static void ws_fix_block(const tx_wordset *ws, const unsigned char *t,
                         size_t n, size_t i, ws_classes *m, uint64_t *carry)
{
    for (uint64_t lead = m->lead; lead != 0; lead &= lead - 1) {
        unsigned p = (unsigned)__builtin_ctzll(lead);
        size_t a = i + p, len = 0;
        if (a >= n)
            break;
        if (ws->words_rule) {
            if (tx_word_at(t, n, a, ws->mode, &len))
                continue;
        } else {
            len = tx_space_at(t, n, a, ws->mode);
            if (len == 0)
                continue;
        }
        uint64_t bits = ((uint64_t)1 << len) - 1; /* len <= 4 */
        m->d |= bits << p;
        if (p + len > 64)
            *carry |= bits >> (64 - p);
    }
}

/* The exact classes of the block at t[i] (i < n), the delimiter bits
 * `carry_in` of a character that began before it included; sets *carry to
 * those of the next block. Past n, every byte is a delimiter. */
static inline __attribute__((always_inline)) void
ws_block(const tx_wordset *ws, const unsigned char *t, size_t n, size_t i,
         uint64_t carry_in, ws_classes *m, uint64_t *carry,
         ws_classes_fn classes)
{
    if (n - i > 64) {
        classes(ws, t + i, m);
    } else {
        unsigned char pad[96];
        memset(pad, ' ', sizeof pad);
        memcpy(pad, t + i, n - i);
        classes(ws, pad, m);
    }
    m->d |= carry_in;
    *carry = 0;
    if (m->lead != 0)
        ws_fix_block(ws, t, n, i, m, carry);
}

/* The end of the token that goes on past the block at t[j - 64]: found
 * block by block from t[j] on, carry being the delimiter bits carried into
 * t[j]'s block. */
static size_t ws_long_end(const tx_wordset *ws, const unsigned char *t,
                          size_t n, size_t j, uint64_t carry,
                          const volatile int *stop, ws_classes_fn classes)
{
    size_t check = j + TX_CHECK_BYTES;
    for (; j < n; j += 64) {
        ws_classes m;
        ws_block(ws, t, n, j, carry, &m, &carry, classes);
        if (m.d != 0)
            return j + (size_t)__builtin_ctzll(m.d);
        if (j >= check) {
            if (TX_STOPPED(stop))
                return n;
            check = j + TX_CHECK_BYTES;
        }
    }
    return n;
}

/* Counts the token s[0, len) in row if it is a word; bytes up to `end`
 * may be read. No branch on what the token is in the common case (a short
 * word, or no word, decided at its first slot): 1 or 0 is added to the
 * cell of the slot's word. */
static inline __attribute__((always_inline)) void
ws_lookup(const tx_wordset *ws, const tx_wslot *slots, unsigned shift,
          const unsigned char *s, size_t len, const unsigned char *end,
          size_t *row, int atomic)
{
    uint64_t key;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (__builtin_expect(end - s >= 8, 1)) {
        uint64_t w8;
        memcpy(&w8, s, 8);
        key = ws_key(w8 & ~(uint64_t)0 >> (64 - 8 * (len < 8 ? len : 8)), len);
    } else {
        key = ws_key_of(s, len);
    }
#else
    (void)end;
    key = ws_key_of(s, len);
#endif
    size_t i = ws_home(shift, key);
    const tx_wslot *sl = &slots[i];
    uint32_t word = sl->word;
    uint64_t hit = sl->key == key;
    /* the rare cases: a long token or word to compare whole, a miss where
     * the search goes on */
    uint64_t odd = (hit & ((uint64_t)(len >= 8) | (word >> 30 & 1))) |
                   ((hit ^ 1) & word >> 31);
    if (__builtin_expect(odd, 0)) {
        const tx_wslot *found = hit && ws_same(ws, sl, s, len)
                                    ? sl
                                    : ws_probe(ws, s, len, key,
                                               (i + 1) & ws->mask);
        hit = found != NULL;
        if (hit)
            word = found->word;
    }
    size_t *cell = &row[word & WS_INDEX];
    if (atomic) {
        if (hit) {
#ifdef _OPENMP
#pragma omp atomic
#endif
            (*cell)++;
        }
    } else {
        *cell += hit;
    }
}

static inline __attribute__((always_inline)) void
ws_count_body(const tx_wordset *ws, const unsigned char *t, size_t n,
              const volatile int *stop, size_t *row, int atomic,
              ws_classes_fn classes)
{
    if (n == 0 || ws->used == 0)
        return;
    ws_classes cur, next;
    const tx_wslot *slots = ws->slots;
    unsigned shift = ws->shift;
    uint64_t carry, before = 1; /* before the text: a delimiter */
    ws_block(ws, t, n, 0, 0, &cur, &carry, classes);
    size_t check = TX_CHECK_BYTES;
    for (size_t i = 0;; i += 64) {
        size_t j = i + 64;
        uint64_t after = carry; /* carried into the block at j */
        if (j < n)
            ws_block(ws, t, n, j, after, &next, &carry, classes);
        else
            next.d = ~(uint64_t)0;
        uint64_t starts = ~cur.d & (cur.d << 1 | before);
        before = cur.d >> 63;
        for (uint64_t c = starts & cur.f; c != 0; c &= c - 1) {
            unsigned p = (unsigned)__builtin_ctzll(c);
            const unsigned char *s = t + i + p;
            /* the delimiters of the 64 bytes from the start on (no
             * branch on whether the token ends in this block) */
            uint64_t ahead = cur.d >> p | next.d << 1 << (63 - p);
            size_t len;
            if (__builtin_expect(ahead != 0, 1))
                len = (size_t)__builtin_ctzll(ahead);
            else if (next.d != 0) /* a token of 64 bytes or more */
                len = 64 - p + (size_t)__builtin_ctzll(next.d);
            else
                len = ws_long_end(ws, t, n, j + 64, carry, stop, classes) -
                      (i + p);
            ws_lookup(ws, slots, shift, s, len, t + n, row, atomic);
        }
        if (j >= n)
            return;
        cur = next;
        if (j >= check) {
            if (TX_STOPPED(stop))
                return;
            check = j + TX_CHECK_BYTES;
        }
    }
}

static void ws_count_portable(const tx_wordset *ws, const unsigned char *t,
                              size_t n, const volatile int *stop, size_t *row,
                              int atomic)
{
    if (atomic)
        ws_count_body(ws, t, n, stop, row, 1, classes_portable);
    else
        ws_count_body(ws, t, n, stop, row, 0, classes_portable);
}

#ifdef TX_X86
__attribute__((target("avx2"))) static void
ws_count_avx2(const tx_wordset *ws, const unsigned char *t, size_t n,
              const volatile int *stop, size_t *row, int atomic)
{
    if (atomic)
        ws_count_body(ws, t, n, stop, row, 1, classes_avx2);
    else
        ws_count_body(ws, t, n, stop, row, 0, classes_avx2);
}
#endif

void tx_wordset_count(const tx_wordset *ws, const tx_query *q,
                      const unsigned char *t, size_t n, size_t *row,
                      int atomic)
{
#ifdef TX_X86
    const tx_backend *b = tx_backend_now();
    if (b->scan == tx_scan_avx2 || b->scan == tx_scan_avx512) {
        ws_count_avx2(ws, t, n, q->stop, row, atomic);
        return;
    }
#endif
    ws_count_portable(ws, t, n, q->stop, row, atomic);
}
