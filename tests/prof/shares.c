/*
 * shares.c - a CPU-bound test program with known shares: worker threads
 * call three functions that run the same code, picked at random 50%, 30%
 * and 20% of the time, and measure what each one
 * really took (truth.h). Used unmodified under LD_PRELOAD, and built with
 * -DFK_LINKED to link libflamekit-prof and serve the endpoint itself.
 *
 *   shares [-t SECONDS] [-threads N] [-truth FILE] [-addr HOST:PORT]
 *          [-write-timeout S] [-fork]
 *
 * Prints "listening on 127.0.0.1:PORT" when it serves (linked build), and
 * the address of spin_alpha ("spin_alpha 0x...") for symbol tests.
 */
#include "truth.h"

#ifdef FK_LINKED
#include "flamekit/prof.h"
#endif

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define UNIT 50000

static _Thread_local volatile uint64_t sink; /* per thread: no data race */
static _Atomic int stop;
static int id_alpha, id_beta, id_gamma;

#define SPIN(name)                                                                                 \
    __attribute__((noinline)) void name(unsigned units);                                           \
    __attribute__((noinline)) void name(unsigned units)                                            \
    {                                                                                              \
        uint64_t x = sink;                                                                         \
        for (unsigned long i = 0; i < (unsigned long)units * UNIT; i++) {                          \
            x = x * 6364136223846793005ull + 1442695040888963407ull;                               \
            __asm__ volatile("" : "+r"(x));                                                        \
        }                                                                                          \
        sink = x;                                                                                  \
    }

SPIN(spin_alpha)
SPIN(spin_beta)
SPIN(spin_gamma)

static void measured(void (*fn)(unsigned), unsigned units, int id)
{
    uint64_t t0 = truth_thread_ns();
    fn(units);
    truth_add(id, truth_thread_ns() - t0);
}

/* Random order and sizes: a fixed cycle could alias with the kernel tick
 * that drives the CPU timers and bias the shares. */
__attribute__((noinline)) static void *worker_main(void *arg)
{
    uint64_t r = 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)arg;
    while (!atomic_load(&stop)) {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        unsigned pick = (unsigned)(r % 10), units = 1 + (unsigned)((r >> 8) % 4);
        if (pick < 5)
            measured(spin_alpha, units, id_alpha);
        else if (pick < 8)
            measured(spin_beta, units, id_beta);
        else
            measured(spin_gamma, units, id_gamma);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    double seconds = 60;
    int nthreads = 2, do_fork = 0;
    const char *truth = NULL, *addr = NULL;
    double write_timeout = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "-threads") == 0 && i + 1 < argc)
            nthreads = atoi(argv[++i]);
        else if (strcmp(argv[i], "-truth") == 0 && i + 1 < argc)
            truth = argv[++i];
        else if (strcmp(argv[i], "-addr") == 0 && i + 1 < argc)
            addr = argv[++i];
        else if (strcmp(argv[i], "-write-timeout") == 0 && i + 1 < argc)
            write_timeout = atof(argv[++i]);
        else if (strcmp(argv[i], "-fork") == 0)
            do_fork = 1;
    }
    id_alpha = truth_add_name("spin_alpha");
    id_beta = truth_add_name("spin_beta");
    id_gamma = truth_add_name("spin_gamma");
#ifdef FK_LINKED
    if (addr != NULL) {
        fk_prof_serve_options o = FK_PROF_SERVE_OPTIONS_INIT;
        o.write_timeout = write_timeout;
        if (fk_prof_serve(addr, &o) < 0) {
            fprintf(stderr, "shares: %s\n", fk_prof_error_last()->message);
            return 1;
        }
        printf("listening on 127.0.0.1:%d\n", fk_prof_serve_port());
    }
#else
    (void)addr;
    (void)write_timeout;
#endif
    printf("spin_alpha %p\n", (void *)(uintptr_t)spin_alpha);
    fflush(stdout);
    if (nthreads > 64)
        nthreads = 64;
    pthread_t th[64];
    for (int i = 0; i < nthreads; i++)
        pthread_create(&th[i], NULL, worker_main, (void *)(uintptr_t)(i + 1));
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct timespec ts = {0, 200000000}, now;
        nanosleep(&ts, NULL);
        truth_write(truth);
        if (do_fork) { /* a child that exits at once must not disturb anything */
            pid_t p = fork();
            if (p == 0)
                _exit(0);
            if (p > 0)
                waitpid(p, NULL, 0);
        }
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
