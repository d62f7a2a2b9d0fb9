/* The check of textops_utf8_check against a decoder written from Python's
 * strict "utf-8" rules (fz_ref_utf8), and of the check fused with a count
 * (textops_batch_substring_count_utf8: the same offset, and when the text
 * is valid, the count of a plain left-to-right search). Layout: [0] bits 2-3 thread count
 * - 1, bits 4-5 the backend id (textops_set_search_backend; the portable
 * one when the CPU lacks it), [1] minimum chunk - 1 (tiny chunks cut the
 * text inside characters), then the text, raw bytes. */
#include <string.h>

#include "harness.h"
#include "textops.h"

/* Non-overlapping occurrences of s[0, m) in t[0, n), m > 0, left to right:
 * on valid UTF-8 (a valid needle) what str.count gives. */
static size_t naive_count(const char *t, size_t n, const char *s, size_t m)
{
    size_t c = 0;
    for (size_t i = 0; i + m <= n;)
        if (memcmp(t + i, s, m) == 0) {
            c++;
            i += m;
        } else {
            i++;
        }
    return c;
}

/* The fused check and count of text[0, len) on `threads` threads. */
static void check_fused(const char *text, size_t len, size_t want,
                        const fz_query *q, int threads)
{
    static const char *const subs[] = {"\xd0\xb6", "a", "\xe2\x82\xac a"};
    for (size_t k = 0; k < sizeof subs / sizeof subs[0]; k++) {
        size_t m = strlen(subs[k]), count = 0, bad = 0;
        textops_batch_substring_count_utf8(1, &text, &len, 1, &subs[k], &m,
                                           threads, &count, &bad);
        if (bad != want)
            fz_fail("textops_batch_substring_count_utf8 (offset)", bad, want,
                    q, threads);
        if (want == len && count != naive_count(text, len, subs[k], m))
            fz_fail("textops_batch_substring_count_utf8 (count)", count,
                    naive_count(text, len, subs[k], m), q, threads);
    }
}

void fz_check_utf8(const uint8_t *data, size_t size)
{
    uint8_t head[2] = {0, 0};
    size_t off = size < 2 ? size : 2;
    if (off)
        memcpy(head, data, off);
    fz_query q; /* for the failure message */
    memset(&q, 0, sizeof q);
    q.min_chunk = (size_t)head[1] + 1;
    q.backend = head[0] >> 4 & 3;
    const char *text = (const char *)data + off;
    size_t len = size - off, want = fz_ref_utf8(data + off, len);
    size_t old_chunk = textops_set_min_chunk(q.min_chunk);
    int old_backend = textops_set_search_backend(q.backend);
    if (old_backend < 0) {
        q.backend = 0;
        old_backend = textops_set_search_backend(0);
    }
    int counts[2] = {1, (head[0] >> 2 & 3) + 1};
    for (int k = 0; k < 2; k++) {
        size_t got = textops_utf8_check(text, len, counts[k]);
        if (got != want)
            fz_fail("textops_utf8_check", got, want, &q, counts[k]);
        check_fused(text, len, want, &q, counts[k]);
    }
    textops_set_search_backend(old_backend);
    textops_set_min_chunk(old_chunk);
}
