/* Substring search and non-overlapping counts, on one thread.
 *
 * The vector backends test up to three bytes of the needle (its first, its
 * last and the rarest one between them, by a table of byte frequencies in
 * text) at 16, 32 or 64 consecutive positions at once, and compare the
 * whole needle only where all three agree. The portable backend jumps with
 * memchr to the rarest byte and compares there. Every backend gives the
 * same answer; tx_set_backend lets the tests run each one.
 *
 * Needles longer than TX_FILTER_MAX go to memmem, whose two-way algorithm
 * keeps the worst case linear: with a long self-similar needle, comparing
 * at every candidate could otherwise cost text length times needle length. */
#define _GNU_SOURCE /* memmem */
#include <string.h>

#include "internal.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define TX_X86 1
#include <immintrin.h>
#endif

#define TX_FILTER_MAX 64

/* How common each byte is in text, 0 (rare) to 255 (common): English
 * letters by frequency, space and lower case highest; UTF-8 continuation
 * bytes are common in non-English text. Only the order matters. */
static unsigned char byte_rank(unsigned char c)
{
    static const char by_freq[] = " etaoinsrhldcumfpgwyb,.vkTISAHMWBC\n";
    const char *at = memchr(by_freq, c, sizeof by_freq - 1);
    if (at != NULL)
        return (unsigned char)(255 - (at - by_freq));
    if (c >= 0x80 && c < 0xC0)
        return 200; /* continuation byte */
    if (c >= 'a' && c <= 'z')
        return 190;
    if (c >= 'A' && c <= 'Z')
        return 120;
    if (c >= 0xC0)
        return 150; /* lead byte */
    return 100; /* digits, punctuation, controls */
}

void tx_needle_init(tx_needle *nd, const unsigned char *s, size_t m)
{
    nd->s = s;
    nd->m = m;
    nd->mid = m > 2 ? 1 : 0;
    nd->edges = 0;
    if (m == 0)
        return;
    for (size_t i = 2; i + 1 < m; i++)
        if (byte_rank(s[i]) < byte_rank(s[nd->mid]))
            nd->mid = i;
}

/* --- portable backend ---------------------------------------------------- */

/* The offset of the rarest byte of the needle (memchr jumps to it). */
static size_t rarest(const tx_needle *nd)
{
    size_t best = 0;
    if (byte_rank(nd->s[nd->m - 1]) < byte_rank(nd->s[best]))
        best = nd->m - 1;
    if (byte_rank(nd->s[nd->mid]) < byte_rank(nd->s[best]))
        best = nd->mid;
    return best;
}

/* The contract of every backend: with visit == NULL, count the
 * non-overlapping occurrences of the needle (m >= 2) in h[0, n); otherwise
 * call visit->match at each occurrence at or after the place it last
 * returned (0 at first), until it returns TX_STOP. */
static size_t scan_portable(const unsigned char *h, size_t n,
                            const tx_needle *nd, tx_visitor *visit)
{
    size_t m = nd->m, off = rarest(nd), count = 0, p = 0;
    if (m > n)
        return 0;
    unsigned char c = nd->s[off];
    while (p <= n - m) {
        const unsigned char *hit = memchr(h + p + off, c, n - m - p + 1);
        if (hit == NULL)
            break;
        size_t q = (size_t)(hit - h) - off;
        if (memcmp(h + q, nd->s, m) != 0) {
            p = q + 1;
            continue;
        }
        p = visit == NULL ? (count++, q + m) : visit->match(visit, q);
        if (p == TX_STOP)
            break;
    }
    return count;
}

/* --- vector backends ----------------------------------------------------- */

/* 1 if the needle is at h, given that its first, last and mid bytes are:
 * the probes cover a needle of up to 3 bytes whole. */
static inline int same_inside(const unsigned char *h, const tx_needle *nd)
{
    return nd->m <= 3 || memcmp(h + 1, nd->s + 1, nd->m - 2) == 0;
}

#ifdef TX_X86
/* The body shared by the vector backends. MASK(p) yields a bit mask of the
 * starts p .. p+W-1 whose three probe bytes match, and QUIET4(p) is true
 * when none of the 4W starts from p does (the fast path through text
 * without candidates); the candidates are then
 * compared in full, in order, skipping those before `next`. With no
 * visitor, every match is counted and the next search starts after it;
 * otherwise the visitor says where to go on from, or TX_STOP. The last
 * block is moved back to end at the last start, its done starts masked
 * off; a text with fewer than W starts goes to the NARROWER backend.
 * For a needle with `edges` set (see tx_scan), where both neighbours of
 * every start of the block lie in the text, EDGES(p, sure) drops the starts
 * q where byte q - 1 or byte q + m is not below 33 as a signed char (ASCII
 * whitespace is below 33 and every byte of a multi-byte UTF-8 character is
 * negative, so only there can whitespace end just before q and start at
 * q + m), and sets in `sure` the starts with ASCII whitespace on both
 * sides: those are tokens for certain. A needle of up to 3 bytes is
 * matched whole by the probes, so its sure tokens are counted at once. */
#define TX_SCAN_BODY(W, MASK_T, CTZ, POPCOUNT, MASK, QUIET4, EDGES, NARROWER) \
    size_t m = nd->m, mid = nd->mid, count = 0, p = 0, next = 0;             \
    if (m > n)                                                                \
        return 0;                                                             \
    size_t last = n - m; /* the last start */                                 \
    /* a count of a needle matched whole by the probes that cannot overlap  \
     * itself: every candidate counts */                                     \
    const int tally = visit == NULL && m <= 3 && nd->s[0] != nd->s[m - 1];   \
    if (last + 1 < (W))                                                       \
        return NARROWER(h, n, nd, visit);                                     \
    for (;;) {                                                                \
        while (p + 4 * (W) <= last + 1 && QUIET4(p))                          \
            p += 4 * (W);                                                     \
        MASK_T mask, sure = 0;                                                \
        size_t base = p;                                                      \
        if (p + (W) <= last + 1) {                                            \
            mask = MASK(p);                                                   \
            if (mask && nd->edges && visit && p > 0 && p + (W) + m <= n) {    \
                mask = EDGES(p, &sure) & mask;                                \
                sure &= mask;                                                 \
                if (m <= 3) {                                                 \
                    visit->tokens += (size_t)POPCOUNT(sure);                  \
                    mask &= ~sure;                                            \
                }                                                             \
            }                                                                 \
        } else if (p <= last) { /* the last W starts, less those done */      \
            base = last + 1 - (W);                                            \
            mask = MASK(base) & ((MASK_T)~(MASK_T)0 << (p - base));           \
        } else {                                                              \
            return count;                                                     \
        }                                                                     \
        if (tally) {                                                          \
            count += (size_t)POPCOUNT(mask);                                  \
            mask = 0;                                                         \
        }                                                                     \
        while (mask) {                                                        \
            size_t q = base + (size_t)CTZ(mask);                              \
            MASK_T bit = mask & (MASK_T)(~mask + 1);                          \
            mask &= mask - 1;                                                 \
            if (q < next || !same_inside(h + q, nd))                          \
                continue;                                                     \
            if (sure & bit) {                                                 \
                visit->tokens++;                                              \
                next = q + m;                                                 \
                continue;                                                     \
            }                                                                 \
            next = visit == NULL ? (count++, q + m) : visit->match(visit, q); \
            if (next == TX_STOP)                                              \
                return count;                                                 \
        }                                                                     \
        p = next > base + (W) ? next : base + (W);                            \
    }

/* The EDGES tests of W bytes before (a) and after (b) W starts: returns
 * the starts whose two neighbours are both below 33 as signed chars, and
 * stores in *sure those whose two neighbours are both \t-\r or space. */
static inline unsigned edges_sse2(const unsigned char *a,
                                  const unsigned char *b, unsigned *sure)
{
    const __m128i x = _mm_loadu_si128((const __m128i *)a);
    const __m128i y = _mm_loadu_si128((const __m128i *)b);
    const __m128i lim = _mm_set1_epi8(33), tab = _mm_set1_epi8('\t');
    const __m128i four = _mm_set1_epi8(4), space = _mm_set1_epi8(' ');
    const __m128i xt = _mm_sub_epi8(x, tab), yt = _mm_sub_epi8(y, tab);
    const __m128i xs = _mm_or_si128(
        _mm_cmpeq_epi8(x, space), _mm_cmpeq_epi8(_mm_min_epu8(xt, four), xt));
    const __m128i ys = _mm_or_si128(
        _mm_cmpeq_epi8(y, space), _mm_cmpeq_epi8(_mm_min_epu8(yt, four), yt));
    *sure = (unsigned)_mm_movemask_epi8(_mm_and_si128(xs, ys));
    return (unsigned)_mm_movemask_epi8(
        _mm_and_si128(_mm_cmpgt_epi8(lim, x), _mm_cmpgt_epi8(lim, y)));
}

__attribute__((target("avx2"))) static inline unsigned
edges_avx2(const unsigned char *a, const unsigned char *b, unsigned *sure)
{
    const __m256i x = _mm256_loadu_si256((const __m256i *)a);
    const __m256i y = _mm256_loadu_si256((const __m256i *)b);
    const __m256i lim = _mm256_set1_epi8(33), tab = _mm256_set1_epi8('\t');
    const __m256i four = _mm256_set1_epi8(4), space = _mm256_set1_epi8(' ');
    const __m256i xt = _mm256_sub_epi8(x, tab), yt = _mm256_sub_epi8(y, tab);
    const __m256i xs =
        _mm256_or_si256(_mm256_cmpeq_epi8(x, space),
                        _mm256_cmpeq_epi8(_mm256_min_epu8(xt, four), xt));
    const __m256i ys =
        _mm256_or_si256(_mm256_cmpeq_epi8(y, space),
                        _mm256_cmpeq_epi8(_mm256_min_epu8(yt, four), yt));
    *sure = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(xs, ys));
    return (unsigned)_mm256_movemask_epi8(_mm256_and_si256(
        _mm256_cmpgt_epi8(lim, x), _mm256_cmpgt_epi8(lim, y)));
}

__attribute__((target("avx512f,avx512bw"))) static inline unsigned long long
edges_avx512(const unsigned char *a, const unsigned char *b,
             unsigned long long *sure)
{
    const __m512i x = _mm512_loadu_si512(a), y = _mm512_loadu_si512(b);
    const __m512i lim = _mm512_set1_epi8(33), tab = _mm512_set1_epi8('\t');
    const __m512i four = _mm512_set1_epi8(4), space = _mm512_set1_epi8(' ');
    const __mmask64 xs = _mm512_cmpeq_epi8_mask(x, space) |
                         _mm512_cmple_epu8_mask(_mm512_sub_epi8(x, tab), four);
    const __mmask64 ys = _mm512_cmpeq_epi8_mask(y, space) |
                         _mm512_cmple_epu8_mask(_mm512_sub_epi8(y, tab), four);
    *sure = xs & ys;
    return _mm512_cmplt_epi8_mask(x, lim) & _mm512_cmplt_epi8_mask(y, lim);
}

static size_t scan_sse2(const unsigned char *h, size_t n, const tx_needle *nd,
                        tx_visitor *visit)
{
    const __m128i v0 = _mm_set1_epi8((char)nd->s[0]);
    const __m128i v1 = _mm_set1_epi8((char)nd->s[nd->mid]);
    const __m128i v2 = _mm_set1_epi8((char)nd->s[nd->m ? nd->m - 1 : 0]);
#define SSE2_HITS(p)                                                          \
    _mm_and_si128(                                                            \
        _mm_and_si128(                                                        \
            _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(h + (p))), v0),  \
            _mm_cmpeq_epi8(                                                   \
                _mm_loadu_si128((const __m128i *)(h + (p) + mid)), v1)),      \
        _mm_cmpeq_epi8(                                                       \
            _mm_loadu_si128((const __m128i *)(h + (p) + m - 1)), v2))
#define SSE2_MASK(p) (unsigned)_mm_movemask_epi8(SSE2_HITS(p))
#define SSE2_QUIET4(p)                                                        \
    (_mm_movemask_epi8(                                                       \
         _mm_or_si128(_mm_or_si128(SSE2_HITS(p), SSE2_HITS((p) + 16)),        \
                      _mm_or_si128(SSE2_HITS((p) + 32), SSE2_HITS((p) + 48)))) \
     == 0)
#define SSE2_EDGES(p, sure) edges_sse2(h + (p) - 1, h + (p) + m, sure)
    TX_SCAN_BODY(16, unsigned, __builtin_ctz, __builtin_popcount, SSE2_MASK,
                 SSE2_QUIET4, SSE2_EDGES, scan_portable)
#undef SSE2_EDGES
#undef SSE2_QUIET4
#undef SSE2_MASK
#undef SSE2_HITS
}

__attribute__((target("avx2"))) static size_t
scan_avx2(const unsigned char *h, size_t n, const tx_needle *nd,
          tx_visitor *visit)
{
    const __m256i v0 = _mm256_set1_epi8((char)nd->s[0]);
    const __m256i v1 = _mm256_set1_epi8((char)nd->s[nd->mid]);
    const __m256i v2 = _mm256_set1_epi8((char)nd->s[nd->m ? nd->m - 1 : 0]);
#define AVX2_HITS(p)                                                          \
    _mm256_and_si256(                                                         \
        _mm256_and_si256(                                                     \
            _mm256_cmpeq_epi8(                                                \
                _mm256_loadu_si256((const __m256i *)(h + (p))), v0),          \
            _mm256_cmpeq_epi8(                                                \
                _mm256_loadu_si256((const __m256i *)(h + (p) + mid)), v1)),   \
        _mm256_cmpeq_epi8(                                                    \
            _mm256_loadu_si256((const __m256i *)(h + (p) + m - 1)), v2))
#define AVX2_MASK(p) (unsigned)_mm256_movemask_epi8(AVX2_HITS(p))
#define AVX2_QUIET4(p)                                                        \
    (_mm256_movemask_epi8(_mm256_or_si256(                                    \
         _mm256_or_si256(AVX2_HITS(p), AVX2_HITS((p) + 32)),                  \
         _mm256_or_si256(AVX2_HITS((p) + 64), AVX2_HITS((p) + 96)))) == 0)
#define AVX2_EDGES(p, sure) edges_avx2(h + (p) - 1, h + (p) + m, sure)
    TX_SCAN_BODY(32, unsigned, __builtin_ctz, __builtin_popcount, AVX2_MASK,
                 AVX2_QUIET4, AVX2_EDGES, scan_sse2)
#undef AVX2_EDGES
#undef AVX2_QUIET4
#undef AVX2_MASK
#undef AVX2_HITS
}

__attribute__((target("avx512f,avx512bw"))) static size_t
scan_avx512(const unsigned char *h, size_t n, const tx_needle *nd,
            tx_visitor *visit)
{
    const __m512i v0 = _mm512_set1_epi8((char)nd->s[0]);
    const __m512i v1 = _mm512_set1_epi8((char)nd->s[nd->mid]);
    const __m512i v2 = _mm512_set1_epi8((char)nd->s[nd->m ? nd->m - 1 : 0]);
#define AVX512_MASK(p)                                                        \
    (_mm512_cmpeq_epi8_mask(_mm512_loadu_si512(h + (p)), v0) &                \
     _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(h + (p) + mid), v1) &          \
     _mm512_cmpeq_epi8_mask(_mm512_loadu_si512(h + (p) + m - 1), v2))
#define AVX512_QUIET4(p)                                                      \
    ((AVX512_MASK(p) | AVX512_MASK((p) + 64) | AVX512_MASK((p) + 128) |       \
      AVX512_MASK((p) + 192)) == 0)
#define AVX512_EDGES(p, sure) edges_avx512(h + (p) - 1, h + (p) + m, sure)
    TX_SCAN_BODY(64, unsigned long long, __builtin_ctzll, __builtin_popcountll,
                 AVX512_MASK, AVX512_QUIET4, AVX512_EDGES, scan_avx2)
#undef AVX512_EDGES
#undef AVX512_QUIET4
#undef AVX512_MASK
}
#endif /* TX_X86 */

/* --- dispatch ------------------------------------------------------------ */

typedef size_t (*scan_fn)(const unsigned char *, size_t, const tx_needle *,
                          tx_visitor *);

static const struct {
    const char *name;
    scan_fn scan;
} backends[] = {
    {"portable", scan_portable},
#ifdef TX_X86
    {"sse2", scan_sse2},
    {"avx2", scan_avx2},
    {"avx512", scan_avx512},
#endif
};

#define TX_NBACKENDS (int)(sizeof backends / sizeof backends[0])

static int backend_supported(int id)
{
    if (id < 0 || id >= TX_NBACKENDS)
        return 0;
#ifdef TX_X86
    __builtin_cpu_init();
    if (backends[id].scan == scan_sse2)
        return __builtin_cpu_supports("sse2");
    if (backends[id].scan == scan_avx2)
        return __builtin_cpu_supports("avx2");
    if (backends[id].scan == scan_avx512)
        return __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw");
#endif
    return 1;
}

/* -1 until the first search picks the best backend the CPU supports. */
static int tx_backend = -1;

static scan_fn current_scan(void)
{
    int id = __atomic_load_n(&tx_backend, __ATOMIC_RELAXED);
    if (id < 0) {
        for (id = TX_NBACKENDS - 1; id > 0 && !backend_supported(id); id--)
            ;
        __atomic_store_n(&tx_backend, id, __ATOMIC_RELAXED);
    }
    return backends[id].scan;
}

const char *textops_search_backend(int id)
{
    return backend_supported(id) ? backends[id].name : NULL;
}

int textops_set_search_backend(int id)
{
    if (!backend_supported(id))
        return -1;
    current_scan();
    return __atomic_exchange_n(&tx_backend, id, __ATOMIC_RELAXED);
}

/* --- the searches -------------------------------------------------------- */

typedef struct {
    tx_visitor base;
    size_t at;
} first_match;

static size_t stop_at_first(tx_visitor *v, size_t q)
{
    ((first_match *)v)->at = q;
    return TX_STOP;
}

const unsigned char *tx_find(const unsigned char *h, size_t n,
                             const tx_needle *nd)
{
    if (nd->m > n)
        return NULL;
    if (nd->m == 1)
        return memchr(h, nd->s[0], n);
    if (nd->m > TX_FILTER_MAX)
        return memmem(h, n, nd->s, nd->m);
    first_match v = {{stop_at_first, 0}, TX_STOP};
    current_scan()(h, n, nd, &v.base);
    return v.at == TX_STOP ? NULL : h + v.at;
}

void tx_scan(const unsigned char *h, size_t n, const tx_needle *nd,
             tx_visitor *visit)
{
    if (nd->m >= 2 && nd->m <= TX_FILTER_MAX) {
        current_scan()(h, n, nd, visit);
        return;
    }
    size_t p = 0;
    const unsigned char *hit;
    while (p <= n && (hit = tx_find(h + p, n - p, nd)) != NULL) {
        p = visit->match(visit, (size_t)(hit - h));
        if (p == TX_STOP)
            return;
    }
}

/* Occurrences of byte c in t; a plain loop the compiler vectorises. */
static size_t count_byte(const unsigned char *t, size_t n, unsigned char c)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += t[i] == c;
    return count;
}

/* Code points in UTF-8 text: the bytes that are not continuation bytes. */
static size_t count_code_points(const unsigned char *t, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += (t[i] & 0xC0) != 0x80;
    return count;
}

size_t tx_count(const unsigned char *t, size_t n, const tx_needle *nd,
                int mode)
{
    size_t m = nd->m;
    if (m == 0)
        return (mode == TEXTOPS_UNICODE ? count_code_points(t, n) : n) + 1;
    if (m == 1)
        return count_byte(t, n, nd->s[0]);
    if (m <= TX_FILTER_MAX)
        return current_scan()(t, n, nd, NULL);
    size_t count = 0;
    const unsigned char *p = t, *end = t + n;
    while ((p = tx_find(p, (size_t)(end - p), nd)) != NULL) {
        count++;
        p += m;
    }
    return count;
}
