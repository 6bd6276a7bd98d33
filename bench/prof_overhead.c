/*
 * prof_overhead.c - what the profiler costs a CPU-bound program: N threads run
 * a fixed mix of work (integer hashing over a cache-sized table, and
 * calls a few frames deep so unwinding has something to walk) for a fixed
 * time, and the program prints the work done per CPU-second. Run it with
 * and without the profiler (bench/prof-overhead alternates them).
 * With -prof HZ it profiles itself through the library, and prints the
 * handler's cost per sample from the library's counters.
 *
 *   overhead [-t SECONDS] [-threads N] [-prof HZ] [-unwind fp|libunwind]
 */
#define _POSIX_C_SOURCE 200809L

#include "flamekit/prof.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Atomic int stop;
static _Atomic uint64_t done;
static uint64_t table[1 << 14];

__attribute__((noinline)) static uint64_t leaf(uint64_t x)
{
    for (int i = 0; i < 64; i++) {
        x ^= table[x & ((1 << 14) - 1)];
        x = x * 0x9e3779b97f4a7c15ull + 1;
    }
    return x;
}

__attribute__((noinline)) static uint64_t mid(uint64_t x, int depth)
{
    return depth == 0 ? leaf(x) : mid(x + 1, depth - 1) ^ 1;
}

static void *worker(void *arg)
{
    uint64_t x = (uint64_t)(uintptr_t)arg, n = 0;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        for (int i = 0; i < 1000; i++)
            x = mid(x, 8);
        n++;
    }
    atomic_fetch_add(&done, n + (x == 42));
    return NULL;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double seconds = 3;
    int nthreads = 2, hz = 0;
    const char *unwind = "fp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "-threads") == 0 && i + 1 < argc)
            nthreads = atoi(argv[++i]);
        else if (strcmp(argv[i], "-prof") == 0 && i + 1 < argc)
            hz = atoi(argv[++i]);
        else if (strcmp(argv[i], "-unwind") == 0 && i + 1 < argc)
            unwind = argv[++i];
    }
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        table[i] = i * 0x2545f4914f6cdd1dull;
    if (nthreads < 1 || nthreads > 64)
        nthreads = 2;
    if (hz > 0) {
        fk_prof_options o = FK_PROF_OPTIONS_INIT;
        o.hz = hz;
        o.unwind = strcmp(unwind, "libunwind") == 0 ? FK_PROF_UNWIND_LIBUNWIND : FK_PROF_UNWIND_FP;
        if (fk_prof_start("/dev/null", &o) < 0) {
            fprintf(stderr, "overhead: %s\n", fk_prof_error_last()->message);
            return 1;
        }
    }
    pthread_t th[64];
    double c0 = cpu_seconds();
    for (int i = 0; i < nthreads; i++)
        pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)(i + 1));
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
    atomic_store(&stop, 1);
    for (int i = 0; i < nthreads; i++)
        pthread_join(th[i], NULL);
    double cpu = cpu_seconds() - c0;
    printf("work_per_cpu_second %.1f\n", (double)atomic_load(&done) / cpu);
    if (hz > 0) {
        fk_prof_stats st;
        fk_prof_stats_get(&st);
        if (fk_prof_stop() < 0)
            fprintf(stderr, "overhead: %s\n", fk_prof_error_last()->message);
        printf("samples %llu dropped %llu handler_ns_per_sample %.0f\n",
               (unsigned long long)st.samples, (unsigned long long)st.dropped,
               st.samples ? (double)st.handler_ns / (double)st.samples : 0.0);
    }
    return 0;
}
