/* Replays fuzz inputs without libFuzzer (any C compiler): for the tests
 * and for reproducing a crash.
 *
 *   replay TARGET FILE...   TARGET: substring_count, word_count,
 *                           line_word_counts, batch or mutate
 *
 * Runs every file through the target's differential check; aborts on the
 * first wrong answer, else prints how many inputs passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static const char *const NAMES[] = {"substring_count", "word_count",
                                    "line_word_counts", "batch", "mutate"};
#define NTARGETS (sizeof NAMES / sizeof NAMES[0])

static unsigned char *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    size_t cap = 4096, n = 0, got;
    unsigned char *buf = malloc(cap);
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *bigger = realloc(buf, cap *= 2);
            if (bigger == NULL)
                free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    if (buf == NULL) {
        fprintf(stderr, "%s: out of memory\n", path);
        exit(2);
    }
    *size = n;
    return buf;
}

int main(int argc, char **argv)
{
    int target = -1;
    for (int i = 0; argc > 1 && i < (int)NTARGETS; i++)
        if (strcmp(argv[1], NAMES[i]) == 0)
            target = i;
    if (target < 0) {
        fprintf(stderr, "usage: replay substring_count|word_count|"
                        "line_word_counts|batch|mutate FILE...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        size_t size;
        unsigned char *data = read_all(argv[i], &size);
        /* an exact-size copy, so that reads past the input are caught */
        unsigned char *exact = malloc(size ? size : 1);
        if (exact == NULL)
            return 2;
        memcpy(exact, data, size);
        free(data);
        fz_run((fz_target)target, exact, size);
        free(exact);
    }
    printf("%s: %d inputs passed\n", NAMES[target], argc - 2);
    return 0;
}
