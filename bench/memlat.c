/*
 * memlat.c - how long a random read takes on this machine, by working-set
 * size, with and without a software prefetch a few reads ahead. The perf
 * reader's tables are 1-3 MB and probed at random, so this says what a
 * cache miss costs here (docs/performance.md).
 *
 *   cc -O2 -o memlat bench/memlat.c && ./memlat
 *
 * Each read is followed by a little arithmetic that depends on it, as a
 * parser's use of a table slot would be.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ns per read of n random u64s of an array of `bytes`, prefetching `ahead`
 * reads ahead (0: none). */
static double probe(size_t bytes, size_t ahead, const uint32_t *order, size_t n)
{
    size_t words = bytes / 8;
    uint64_t *a = malloc(words * sizeof *a);
    if (a == NULL)
        exit(1);
    for (size_t i = 0; i < words; i++)
        a[i] = i * 2654435761u;
    uint64_t sum = 0;
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        if (ahead && i + ahead < n)
            __builtin_prefetch(&a[order[i + ahead] % words]);
        sum += a[order[i] % words];
        for (int k = 0; k < 20; k++)
            sum = sum * 31 + (uint64_t)k;
    }
    double ns = (now() - t0) / (double)n * 1e9;
    free(a);
    if (sum == 42) /* keep the loop */
        puts("");
    return ns;
}

int main(void)
{
    const size_t n = 4000000;
    uint32_t *order = malloc(n * sizeof *order);
    if (order == NULL)
        return 1;
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order[i] = (uint32_t)x;
    }
    static const size_t sizes[] = {32 << 10, 256 << 10, 1 << 20, 3 << 20, 16 << 20, 64 << 20};
    printf("%10s %14s %14s\n", "working set", "ns/read", "prefetched");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        printf("%9zuK %14.1f %14.1f\n", sizes[i] >> 10, probe(sizes[i], 0, order, n),
               probe(sizes[i], 8, order, n));
    free(order);
    return 0;
}
