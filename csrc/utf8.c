/* UTF-8 validation with the rules of Python's strict "utf-8" codec: no
 * overlong forms, no surrogates (U+D800-U+DFFF), nothing above U+10FFFF.
 * The offset reported is where Python's decoder reports its first error:
 * the first byte of the sequence that cannot be decoded. */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "shares.h"
#include "team.h"

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

/* The first invalid offset among the characters starting in [a, b) of
 * t[0, n), or n when they are all valid. */
static size_t check_range(const unsigned char *t, size_t n, size_t a,
                          size_t b)
{
    size_t i = a;
    while (i < b) {
        if (b - i >= 8) { /* skip ASCII eight bytes at a time */
            uint64_t w;
            memcpy(&w, t + i, 8);
            if ((w & 0x8080808080808080ULL) == 0) {
                i += 8;
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

/* The first byte at or after i that does not continue a character. */
static size_t char_start(const unsigned char *t, size_t n, size_t i)
{
    while (i < n && (t[i] & 0xC0) == 0x80)
        i++;
    return i;
}

/* The first invalid offset among the characters that start in piece k
 * of `pieces` (each `step` bytes, the last one to len), or len: from the
 * piece's first character start to the next piece's. */
static size_t check_piece(const unsigned char *t, size_t len, size_t k,
                          size_t pieces, size_t step)
{
    size_t a = k == 0 ? 0 : char_start(t, len, k * step);
    size_t b = k + 1 == pieces ? len : char_start(t, len, (k + 1) * step);
    return check_range(t, len, a, b);
}

/* The pieces of a text to check, for a team; first: the lowest offset of
 * an error found so far, or len. */
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
        size_t bad = check_piece(j->t, j->len, k, j->pieces, j->step);
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
            first = check_piece(t, len, k, pieces, step);
        return first;
    }
    check_job job = {t, len, pieces, step, stop, len};
    if (!tx_team_parallel(nthreads, check_pieces, &job))
        check_pieces(&job);
    return job.first;
}
