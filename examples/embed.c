/*
 * embed.c - the smallest use of libflamekit-prof: serve /debug/pprof/ on
 * loopback and keep working; or, with an output path, profile the work
 * into a file.
 *
 *   cc -O2 -fno-omit-frame-pointer embed.c -lflamekit-prof -o embed
 *   ./embed                       # then: go tool pprof -top \
 *                                 #   http://127.0.0.1:6060/debug/pprof/profile?seconds=5
 *   ./embed cpu.pb.gz             # writes cpu.pb.gz after 3 seconds of work
 */
#define _POSIX_C_SOURCE 200809L

#include "flamekit/prof.h"

#include <stdint.h>
#include <stdio.h>
#include <time.h>

static volatile uint64_t sink;

__attribute__((noinline)) static void work(void)
{
    uint64_t x = sink;
    for (int i = 0; i < 1000000; i++)
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    sink = x;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc > 1) { /* to a file, like gperftools' ProfilerStart/Stop */
        if (fk_prof_start(argv[1], NULL) < 0) {
            fprintf(stderr, "embed: %s\n", fk_prof_error_last()->message);
            return 1;
        }
        for (double t0 = now(); now() - t0 < 3;)
            work();
        if (fk_prof_stop() < 0) {
            fprintf(stderr, "embed: %s\n", fk_prof_error_last()->message);
            return 1;
        }
        return 0;
    }
    if (fk_prof_serve("127.0.0.1:6060", NULL) < 0) {
        fprintf(stderr, "embed: %s\n", fk_prof_error_last()->message);
        return 1;
    }
    printf("serving http://127.0.0.1:%d/debug/pprof/\n", fk_prof_serve_port());
    fflush(stdout);
    for (;;)
        work();
}
