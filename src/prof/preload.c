/*
 * preload.c - what makes the shared library work in any program: the
 * pthread_create wrapper and the LD_PRELOAD environment.
 *
 * pthread_create is defined here and exported, so it interposes on libc's
 * both when the library is preloaded and when it is linked (the dynamic
 * linker finds it before libc). The wrapper starts each thread in a
 * trampoline that records where the thread's stack ends (the handler's
 * bound for frame-pointer reads) and arms the thread's timer at once if a
 * profile is running; a thread-specific key's destructor deletes the timer
 * when the thread exits.
 *
 * At load time, FLAMEKIT_PPROF_ADDR serves the endpoint (FLAMEKIT_PPROF_TOKEN
 * and FLAMEKIT_PPROF_HZ apply to it) and FLAMEKIT_CPUPROFILE starts a
 * profile written at exit ("%p" in the path becomes the process id; rate
 * FLAMEKIT_CPUPROFILE_HZ). FLAMEKIT_UNWIND=fp|libunwind picks the unwinder
 * of both. Only this mode prints, one line on stderr, since the host program
 * cannot be asked.
 */
#include "prof_int.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ThreadSanitizer sets up a thread in its own start routine, which runs
 * after ours: instrumented code in our trampoline would find no thread
 * state. Its builds go without the wrapper (new threads are then found by
 * the rescans, with leaf-only stacks). */
#ifndef FK_NO_PTHREAD_WRAP
typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

static create_fn _Atomic real_create;
static pthread_key_t exit_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

typedef struct start {
    void *(*fn)(void *);
    void *arg;
} start;

static void on_thread_exit(void *p)
{
    (void)p;
    fkp_thread_exit();
}

static void make_key(void)
{
    pthread_key_create(&exit_key, on_thread_exit);
}

static void *trampoline(void *p)
{
    start s = *(start *)p;
    free(p);
    pthread_once(&key_once, make_key);
    pthread_setspecific(exit_key, (void *)1);
    fkp_thread_enter();
    return s.fn(s.arg);
}

FK_EXTERN int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
                             void *arg);

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    create_fn real = atomic_load(&real_create);
    if (real == NULL) {
        real = (create_fn)(uintptr_t)dlsym(RTLD_NEXT, "pthread_create");
        if (real == NULL)
            return 11; /* EAGAIN: no libc pthread_create to call */
        atomic_store(&real_create, real);
    }
    start *s = malloc(sizeof *s);
    if (s == NULL)
        return real(th, attr, fn, arg);
    s->fn = fn;
    s->arg = arg;
    int rc = real(th, attr, trampoline, s);
    if (rc != 0)
        free(s);
    return rc;
}

#endif

/* ---- the environment ---------------------------------------------------- */

static int env_hz(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0')
        return 100;
    char *end;
    long hz = strtol(v, &end, 10);
    return *end == '\0' && hz >= 1 && hz <= 1000 ? (int)hz : 100;
}

/* FLAMEKIT_UNWIND: "fp" (or unset) and "libunwind"; anything else is
 * reported and unwinds with frame pointers. */
static int env_unwind(void)
{
    const char *v = getenv("FLAMEKIT_UNWIND");
    if (v == NULL || v[0] == '\0' || strcmp(v, "fp") == 0)
        return FK_PROF_UNWIND_FP;
    if (strcmp(v, "libunwind") == 0)
        return FK_PROF_UNWIND_LIBUNWIND;
    fprintf(stderr, "flamekit-prof: FLAMEKIT_UNWIND=%s is neither fp nor libunwind: using fp\n", v);
    return FK_PROF_UNWIND_FP;
}

static int profiling_to_file;

/* "%p" -> pid; the result is static. */
static const char *expand(const char *path)
{
    static char out[4096];
    size_t n = 0;
    for (const char *p = path; *p && n < sizeof out - 16; p++) {
        if (p[0] == '%' && p[1] == 'p') {
            n += (size_t)snprintf(out + n, sizeof out - n, "%ld", (long)getpid());
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return out;
}

__attribute__((constructor)) static void preload_init(void)
{
    fkp_self_set_stack_from_pthread(); /* loaded by the main thread, normally */
    fkp_main_stack_init();
    const char *addr = getenv("FLAMEKIT_PPROF_ADDR");
    const char *path = getenv("FLAMEKIT_CPUPROFILE");
    int unwind = FK_PROF_UNWIND_FP;
    if ((addr != NULL && addr[0] != '\0') || (path != NULL && path[0] != '\0'))
        unwind = env_unwind();
    if (addr != NULL && addr[0] != '\0') {
        fk_prof_serve_options o = FK_PROF_SERVE_OPTIONS_INIT;
        o.token = getenv("FLAMEKIT_PPROF_TOKEN");
        o.prof.hz = env_hz("FLAMEKIT_PPROF_HZ");
        o.prof.unwind = unwind;
        if (fk_prof_serve(addr, &o) < 0)
            fprintf(stderr, "flamekit-prof: %s\n", fk_prof_error_last()->message);
        else
            fprintf(stderr, "flamekit-prof: serving /debug/pprof/ on %s (port %d)\n", addr,
                    fk_prof_serve_port());
    }
    if (path != NULL && path[0] != '\0') {
        fk_prof_options o = FK_PROF_OPTIONS_INIT;
        o.hz = env_hz("FLAMEKIT_CPUPROFILE_HZ");
        o.unwind = unwind;
        if (fk_prof_start(expand(path), &o) < 0)
            fprintf(stderr, "flamekit-prof: %s\n", fk_prof_error_last()->message);
        else
            profiling_to_file = getpid();
    }
}

__attribute__((destructor)) static void preload_fini(void)
{
    /* Only the process that started it writes the profile: a forked child
     * that exits does not. */
    if (profiling_to_file != 0 && profiling_to_file == getpid() && fk_prof_stop() < 0)
        fprintf(stderr, "flamekit-prof: %s\n", fk_prof_error_last()->message);
}
