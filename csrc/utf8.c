/* UTF-8 validation with the rules of Python's strict "utf-8" codec: no
 * overlong forms, no surrogates (U+D800-U+DFFF), nothing above U+10FFFF.
 * The offset reported is where Python's decoder reports its first error:
 * the first byte of the sequence that cannot be decoded. */
#include <stdint.h>
#include <string.h>

#include "backend.h"
#include "internal.h"
#include "shares.h"
#include "team.h"
#include "utf8.h"

/* Byte length of the valid character at t[i], or 0 if none starts there. */
static size_t valid_char(const unsigned char *t, size_t n, size_t i)
{
    unsigned c = t[i];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        need = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if (n - i < need || t[i + 1] < lo || t[i + 1] > hi)
        return 0;
    for (size_t k = 2; k < need; k++)
        if ((t[i + k] & 0xC0) != 0x80)
            return 0;
    return need;
}

size_t tx_utf8_from(const unsigned char *t, size_t n, size_t i)
{
    while (i < n) {
        if (n - i >= 16) { /* skip ASCII sixteen bytes at a time */
            uint64_t w[2];
            memcpy(w, t + i, 16);
            if (((w[0] | w[1]) & 0x8080808080808080ULL) == 0) {
                i += 16;
                continue;
            }
        }
        size_t len = valid_char(t, n, i);
        if (len == 0)
            return i;
        i += len;
    }
    return n;
}

size_t tx_utf8_exact(const unsigned char *t, size_t n, size_t i)
{
    /* Blocks before i are clean, so t[0, i) is whole characters but for
     * the last one, which may still be open: start at its first byte. */
    size_t s = i, lo = i > 4 ? i - 4 : 0;
    while (s > lo) {
        s--;
        if ((t[s] & 0xC0) != 0x80)
            break;
    }
    return tx_utf8_from(t, n, s);
}

size_t tx_utf8_portable(const unsigned char *t, size_t n,
                        const volatile int *stop, tx_quiet_map *map)
{
    (void)map; /* its bits stay set */
    /* TX_CHECK_BYTES at a time, as if the text ended there, with a look
     * at the stop flag before each stretch; a character cut by a
     * stretch's end is judged whole. */
    size_t i = 0;
    for (;;) {
        if (TX_STOPPED(stop))
            return n;
        size_t end = n - i > TX_CHECK_BYTES ? i + TX_CHECK_BYTES : n;
        size_t bad = tx_utf8_from(t, end, i);
        if (bad == end) {
            if (end == n)
                return n;
            i = end;
            continue;
        }
        size_t len = valid_char(t, n, bad);
        if (len == 0)
            return bad;
        i = bad + len;
    }
}

/* The first byte at or after i that does not continue a character. */
static size_t char_start(const unsigned char *t, size_t n, size_t i)
{
    while (i < n && (t[i] & 0xC0) == 0x80)
        i++;
    return i;
}

size_t tx_utf8_range(const unsigned char *t, size_t len, size_t a, size_t b,
                     const volatile int *stop, tx_quiet_map *map)
{
    a = a == 0 ? 0 : char_start(t, len, a);
    b = b >= len ? len : char_start(t, len, b);
    if (b < a) /* the text changed under the call */
        b = a;
    if (map != NULL) {
        size_t windows = (b - a + TX_QUIET_WINDOW - 1) / TX_QUIET_WINDOW;
        map->base = t + a;
        map->windows = windows < 64 * TX_QUIET_WORDS ? windows
                                                     : 64 * TX_QUIET_WORDS;
        map->reach = len - a;
        memset(map->bits, 0xFF, sizeof map->bits);
    }
    size_t bad = tx_backend_now()->utf8(t + a, b - a, stop, map);
    return bad == b - a ? len : a + bad;
}

/* The first invalid offset among the characters that start in piece k
 * of `pieces` (each `step` bytes, the last one to len), or len. */
static size_t check_piece(const unsigned char *t, size_t len, size_t k,
                          size_t pieces, size_t step,
                          const volatile int *stop)
{
    return tx_utf8_range(t, len, k * step,
                         k + 1 == pieces ? len : (k + 1) * step, stop, NULL);
}

/* The pieces of a text to check, for a team; first: the lowest offset of
 * an error found so far, or len. They go first to last: a batch counts a
 * text's shares last to first (batch.c), so the count of a file checked
 * just before starts on the bytes the check read last. */
typedef struct {
    const unsigned char *t;
    size_t len, pieces, step;
    const volatile int *stop;
    size_t first;
} check_job;

static void check_pieces(void *arg)
{
    check_job *j = arg;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (size_t k = 0; k < j->pieces; k++) {
        if (TX_STOPPED(j->stop))
            continue;
        size_t bad =
            check_piece(j->t, j->len, k, j->pieces, j->step, j->stop);
        if (bad < j->len) {
#ifdef _OPENMP /* unnamed: a named critical is an exported symbol */
#pragma omp critical
#endif
            if (bad < j->first)
                j->first = bad;
        }
    }
}

size_t textops_utf8_check(const char *text, size_t len, int threads)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t nthreads = tx_resolve_threads(threads);
    const volatile int *stop = tx_stop_flag();
    size_t pieces = tx_share_count(len, nthreads);
    size_t step = len / pieces, first = len;
    if (tx_serial(len, nthreads)) {
        for (size_t k = 0; k < pieces && first == len && !TX_STOPPED(stop); k++)
            first = check_piece(t, len, k, pieces, step, stop);
        return first;
    }
    check_job job = {t, len, pieces, step, stop, len};
    if (!tx_team_parallel(nthreads, check_pieces, &job))
        check_pieces(&job);
    return job.first;
}
