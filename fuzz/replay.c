/* Replays fuzz inputs without libFuzzer (any C compiler): for the tests,
 * valgrind and reproducing a crash. fuzz/build.sh links it with one target
 * (fuzz_TARGET.c), whose LLVMFuzzerTestOneInput it calls:
 *
 *   fuzz_TARGET FILE...
 *
 * Runs every file through the target's check; aborts on the first wrong
 * answer, else prints how many inputs passed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        size_t size;
        unsigned char *data = read_all(argv[i], &size);
        /* an exact-size copy, so that reads past the input are caught */
        unsigned char *exact = malloc(size ? size : 1);
        if (exact == NULL)
            return 2;
        if (size)
            memcpy(exact, data, size);
        free(data);
        LLVMFuzzerTestOneInput(exact, size);
        free(exact);
    }
    const char *name = strrchr(argv[0], '/');
    printf("%s: %d inputs passed\n", name ? name + 1 : argv[0], argc - 1);
    return 0;
}
