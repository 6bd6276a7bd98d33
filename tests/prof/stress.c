/*
 * stress.c - everything that could upset a profiler at once, for as long as
 * asked: 64 threads at a time starting and exiting, dlopen/dlclose of a
 * library in a loop, fork (children that exit, children that exec), while
 * the main thread and workers burn CPU. Exits 0 after -t SECONDS.
 *
 *   stress [-t SECONDS] [-stop FILE] [-lib PATH] [-addr HOST:PORT]
 *
 * It stops after SECONDS or as soon as FILE exists. The linked build serves
 * the endpoint on -addr.
 */
#ifdef FK_LINKED
#include "flamekit/prof.h"
#endif

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static _Thread_local volatile uint64_t sink; /* per thread: no data race */
static _Atomic int stop;
static _Atomic unsigned long threads_done, forks_done, dlopens_done;

__attribute__((noinline)) static void burn(unsigned long n)
{
    uint64_t x = sink;
    for (unsigned long i = 0; i < n; i++) {
        x = x * 6364136223846793005ull + 1;
        __asm__ volatile("" : "+r"(x));
    }
    sink = x;
}

static void *short_thread(void *arg)
{
    burn((unsigned long)(uintptr_t)arg);
    atomic_fetch_add(&threads_done, 1);
    return NULL;
}

static void *spawner(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop)) {
        pthread_t th[64];
        int n = 0;
        for (; n < 64; n++)
            if (pthread_create(&th[n], NULL, short_thread, (void *)(uintptr_t)(20000 + n * 500)))
                break;
        for (int i = 0; i < n; i++)
            pthread_join(th[i], NULL);
    }
    return NULL;
}

static void *loader(void *arg)
{
    const char *lib = arg;
    while (!atomic_load(&stop)) {
        void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
        if (h != NULL) {
            unsigned long (*fn)(unsigned long, const unsigned char *, unsigned) =
                (unsigned long (*)(unsigned long, const unsigned char *, unsigned))(uintptr_t)dlsym(
                    h, "crc32");
            if (fn != NULL) {
                unsigned char buf[4096] = {0};
                for (int i = 0; i < 200; i++)
                    sink += fn(0, buf, sizeof buf);
            }
            dlclose(h);
            atomic_fetch_add(&dlopens_done, 1);
        }
    }
    return NULL;
}

static void *forker(void *arg)
{
    (void)arg;
    int k = 0;
    while (!atomic_load(&stop)) {
        pid_t p = fork();
        if (p == 0) {
            if (k % 2 == 0) {
                burn(100000);
                _exit(0);
            }
            execl("/bin/true", "true", (char *)NULL);
            _exit(127);
        }
        if (p > 0) {
            int st;
            waitpid(p, &st, 0);
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                fprintf(stderr, "stress: child %d ended badly (status %#x)\n", (int)p, st);
                exit(3);
            }
            atomic_fetch_add(&forks_done, 1);
        }
        k++;
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    double seconds = 5;
    const char *lib = "libz.so.1", *addr = NULL, *stop_file = NULL;
    int nofork = 0, nodlopen = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            seconds = atof(argv[++i]);
        else if (strcmp(argv[i], "-stop") == 0 && i + 1 < argc)
            stop_file = argv[++i];
        else if (strcmp(argv[i], "-lib") == 0 && i + 1 < argc)
            lib = argv[++i];
        else if (strcmp(argv[i], "-addr") == 0 && i + 1 < argc)
            addr = argv[++i];
        else if (strcmp(argv[i], "-nofork") == 0)
            nofork = 1;
        else if (strcmp(argv[i], "-nodlopen") == 0)
            nodlopen = 1;
    }
#ifdef FK_LINKED
    if (addr != NULL) {
        if (fk_prof_serve(addr, NULL) < 0) {
            fprintf(stderr, "stress: %s\n", fk_prof_error_last()->message);
            return 1;
        }
        printf("listening on 127.0.0.1:%d\n", fk_prof_serve_port());
        fflush(stdout);
    }
#else
    (void)addr;
#endif
    pthread_t sp, ld, fk;
    pthread_create(&sp, NULL, spawner, NULL);
    if (!nodlopen)
        pthread_create(&ld, NULL, loader, (void *)lib);
    if (!nofork)
        pthread_create(&fk, NULL, forker, NULL);
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    do {
        burn(1000000);
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while ((double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9 <
                 seconds &&
             (stop_file == NULL || access(stop_file, F_OK) != 0));
    atomic_store(&stop, 1);
    pthread_join(sp, NULL);
    if (!nodlopen)
        pthread_join(ld, NULL);
    if (!nofork)
        pthread_join(fk, NULL);
    printf("threads %lu forks %lu dlopens %lu\n", atomic_load(&threads_done),
           atomic_load(&forks_done), atomic_load(&dlopens_done));
    return 0;
}
