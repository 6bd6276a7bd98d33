/*
 * nofp.c - a test program built without frame pointers (-O2
 * -fomit-frame-pointer), for the libunwind unwinder: worker threads go
 * through a distinctive chain of callers, nofp_route -> nofp_dispatch ->
 * nofp_hot_{red,blue}, and the two hot functions, picked at random 60% and
 * 40% of the time, measure what each really took (truth.h). Without frame
 * pointers a frame-pointer walk loses the chain; libunwind must find it.
 *
 *   nofp [-t SECONDS] [-threads N] [-truth FILE] [-addr HOST:PORT]
 *        [-unwind fp|libunwind]
 *
 * Used unmodified under LD_PRELOAD (FLAMEKIT_UNWIND picks the unwinder),
 * and built with -DFK_LINKED to serve the endpoint itself with the
 * unwinder set through fk_prof_serve_options (prints "listening on
 * 127.0.0.1:PORT").
 */
#include "truth.h"

#ifdef FK_LINKED
#include "flamekit/prof.h"
#endif

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* No inlining, cloning or tail calls: every function of the chain keeps
 * its own frame and name. */
#if defined(__clang__)
#define KEEP __attribute__((noinline))
#else
#define KEEP __attribute__((noipa))
#endif

#define UNIT 40000

static _Thread_local volatile uint64_t sink; /* per thread: no data race */
static _Atomic int stop;
static int id_red, id_blue;

/* Enough live values that the compiler uses every register, rbp included. */
#define HOT(name)                                                                                  \
    KEEP uint64_t name(unsigned units, uint64_t seed);                                             \
    KEEP uint64_t name(unsigned units, uint64_t seed)                                              \
    {                                                                                              \
        uint64_t a = seed, b = seed ^ 0x1234, c = seed + 7, d = seed * 3, e = ~seed;               \
        for (unsigned long i = 0; i < (unsigned long)units * UNIT; i++) {                          \
            a = a * 6364136223846793005ull + 1442695040888963407ull;                               \
            b ^= a >> 7;                                                                           \
            c += b * 31;                                                                           \
            d ^= c << 3;                                                                           \
            e += d ^ a;                                                                            \
            __asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(e));                    \
        }                                                                                          \
        return a ^ b ^ c ^ d ^ e;                                                                  \
    }

HOT(nofp_hot_red)
HOT(nofp_hot_blue)

static uint64_t measured(uint64_t (*fn)(unsigned, uint64_t), unsigned units, int id, uint64_t s)
{
    uint64_t t0 = truth_thread_ns();
    uint64_t r = fn(units, s);
    truth_add(id, truth_thread_ns() - t0);
    return r;
}

KEEP uint64_t nofp_dispatch(unsigned pick, unsigned units, uint64_t seed);
KEEP uint64_t nofp_dispatch(unsigned pick, unsigned units, uint64_t seed)
{
    uint64_t r = pick < 6 ? measured(nofp_hot_red, units, id_red, seed)
                          : measured(nofp_hot_blue, units, id_blue, seed);
    return r + 1; /* not a tail call */
}

KEEP uint64_t nofp_route(uint64_t r);
KEEP uint64_t nofp_route(uint64_t r)
{
    unsigned pick = (unsigned)(r % 10), units = 1 + (unsigned)((r >> 8) % 4);
    return nofp_dispatch(pick, units, r) ^ 1; /* not a tail call */
}

KEEP void *nofp_worker(void *arg);
KEEP void *nofp_worker(void *arg)
{
    uint64_t r = 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)arg;
    while (!atomic_load(&stop)) {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        sink += nofp_route(r);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    double seconds = 60;
    int nthreads = 2;
    const char *truth = NULL, *addr = NULL, *unwind = "fp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "-threads") == 0 && i + 1 < argc)
            nthreads = atoi(argv[++i]);
        else if (strcmp(argv[i], "-truth") == 0 && i + 1 < argc)
            truth = argv[++i];
        else if (strcmp(argv[i], "-addr") == 0 && i + 1 < argc)
            addr = argv[++i];
        else if (strcmp(argv[i], "-unwind") == 0 && i + 1 < argc)
            unwind = argv[++i];
    }
    id_red = truth_add_name("nofp_hot_red");
    id_blue = truth_add_name("nofp_hot_blue");
#ifdef FK_LINKED
    if (addr != NULL) {
        fk_prof_serve_options o = FK_PROF_SERVE_OPTIONS_INIT;
        o.prof.unwind =
            strcmp(unwind, "libunwind") == 0 ? FK_PROF_UNWIND_LIBUNWIND : FK_PROF_UNWIND_FP;
        if (fk_prof_serve(addr, &o) < 0) {
            fprintf(stderr, "nofp: %s\n", fk_prof_error_last()->message);
            return 1;
        }
        printf("listening on 127.0.0.1:%d\n", fk_prof_serve_port());
        fflush(stdout);
    }
#else
    (void)addr;
    (void)unwind;
#endif
    if (nthreads < 1 || nthreads > 64)
        nthreads = 2;
    pthread_t th[64];
    for (int i = 0; i < nthreads; i++)
        pthread_create(&th[i], NULL, nofp_worker, (void *)(uintptr_t)(i + 1));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct timespec ts = {0, 200000000}, now;
        nanosleep(&ts, NULL);
        truth_write(truth);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9 >= seconds)
            break;
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < nthreads; i++)
        pthread_join(th[i], NULL);
    truth_write(truth);
    return 0;
}
