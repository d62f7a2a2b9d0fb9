/* The memory ceiling behind rows 3, 4 and 7: glibc's memchr for an absent
 * byte over 100 MB, on 1 thread and then split over 2 threads (one half
 * each), 21 times, then the medians. No counting algorithm reading the text once can beat
 * these figures, so they bound the speed-up two threads can give on rare
 * words.
 *
 *   gcc -O2 -pthread benchmarks/bandwidth.c -o /tmp/bandwidth && /tmp/bandwidth
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIZE ((size_t)100 << 20)
#define RUNS 21

static char *text;

/* memchr over half `arg` (0 or 1) of the text; returns what it found. */
static void *half(void *arg)
{
    size_t k = (size_t)arg;
    return memchr(text + k * (SIZE / 2), 1, SIZE / 2);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void)
{
    text = malloc(SIZE);
    if (text == NULL)
        return 1;
    memset(text, 'a', SIZE);
    size_t found = 0;
    double one[RUNS], two[RUNS], ratio[RUNS];
    for (int run = 0; run < RUNS; run++) {
        double t0 = now();
        found += memchr(text, 1, SIZE) != NULL;
        double t1 = now();
        pthread_t threads[2];
        for (size_t k = 0; k < 2; k++)
            pthread_create(&threads[k], NULL, half, (void *)k);
        for (size_t k = 0; k < 2; k++) {
            void *hit;
            pthread_join(threads[k], &hit);
            found += hit != NULL;
        }
        double t2 = now();
        one[run] = (double)SIZE / (t1 - t0) / 1e9;
        two[run] = (double)SIZE / (t2 - t1) / 1e9;
        ratio[run] = (t1 - t0) / (t2 - t1);
    }
    qsort(one, RUNS, sizeof one[0], by_value);
    qsort(two, RUNS, sizeof two[0], by_value);
    qsort(ratio, RUNS, sizeof ratio[0], by_value);
    printf("memchr over 100 MB, medians of %d runs: 1 thread %.1f GB/s, "
           "2 threads %.1f GB/s, speed-up %.2fx (runs %.2fx to %.2fx)\n",
           RUNS, one[RUNS / 2], two[RUNS / 2], ratio[RUNS / 2], ratio[0],
           ratio[RUNS - 1]);
    free(text);
    return found != 0; /* never: the byte is absent */
}
