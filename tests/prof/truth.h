/*
 * truth.h - the test programs' own account of where their CPU time goes,
 * to compare the profiler's shares with: each measured call adds its
 * thread-CPU-time to a named counter, and a file with every counter
 * ("NAME<tab>NANOSECONDS" lines) is rewritten every 200 ms.
 */
#ifndef FK_TESTS_PROF_TRUTH_H
#define FK_TESTS_PROF_TRUTH_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define TRUTH_MAX 8

static const char *truth_names[TRUTH_MAX];
static uint64_t truth_ns[TRUTH_MAX]; /* updated atomically */
static int truth_count;

static inline uint64_t truth_thread_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void truth_add(int id, uint64_t ns)
{
    __atomic_fetch_add(&truth_ns[id], ns, __ATOMIC_RELAXED);
}

static inline int truth_add_name(const char *name)
{
    truth_names[truth_count] = name;
    return truth_count++;
}

/* Write the counters to `path` (whole: a temporary renamed into place). */
static inline void truth_write(const char *path)
{
    if (path == NULL)
        return;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return;
    for (int i = 0; i < truth_count; i++)
        fprintf(f, "%s\t%llu\n", truth_names[i],
                (unsigned long long)__atomic_load_n(&truth_ns[i], __ATOMIC_RELAXED));
    fclose(f);
    rename(tmp, path);
}

#endif
