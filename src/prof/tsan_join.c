/*
 * tsan_join.c - ThreadSanitizer builds only: pthread_join with SIGPROF
 * blocked, so that a profiled program does not deadlock inside the TSan
 * runtime.
 *
 * TSan (LLVM 14's runtime, and gcc 12's, which is the same one) runs a
 * signal handler at once, not at its next safe point, when the signal
 * lands in a blocking call such as pthread_join. But glibc's pthread_join
 * frees the dead thread's TLS and stack cache with free(), which TSan
 * handles holding the thread's "slot" lock; a SIGPROF that arrives then
 * makes TSan's handler entry take that same lock again: the thread waits on
 * itself, and every thread after it (fork, the epoch reset and thread
 * creation wait for all slots). gdb shows it in tests/prof/stress.c's
 * spawner: pthread_join -> __nptl_free_stacks -> free -> OnUserFree ->
 * [SIGPROF] -> CallUserSignalHandler -> Acquire -> SlotLock.
 *
 * TSan's interceptor in the executable calls the next pthread_join in
 * lookup order, this one (the library is linked or preloaded), which
 * blocks SIGPROF around glibc's: a sample that comes due meanwhile stays
 * pending and is taken as soon as the mask is restored, outside the
 * runtime. Release and ASan builds do not need (or have) this.
 */
#include "prof_int.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

typedef int (*join_fn)(pthread_t, void **);
typedef int (*timedjoin_fn)(pthread_t, void **, const struct timespec *);

static join_fn _Atomic real_join;
static timedjoin_fn _Atomic real_timedjoin;

static void *next(const char *name)
{
    return dlsym(RTLD_NEXT, name);
}

static void block_prof(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGPROF);
    pthread_sigmask(SIG_BLOCK, &s, old);
}

FK_EXTERN int pthread_join(pthread_t th, void **ret);
FK_EXTERN int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abstime);

int pthread_join(pthread_t th, void **ret)
{
    join_fn real = atomic_load(&real_join);
    if (real == NULL) {
        if ((real = (join_fn)(uintptr_t)next("pthread_join")) == NULL)
            return ENOSYS;
        atomic_store(&real_join, real);
    }
    sigset_t old;
    block_prof(&old);
    int rc = real(th, ret);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abstime)
{
    timedjoin_fn real = atomic_load(&real_timedjoin);
    if (real == NULL) {
        if ((real = (timedjoin_fn)(uintptr_t)next("pthread_timedjoin_np")) == NULL)
            return ENOSYS;
        atomic_store(&real_timedjoin, real);
    }
    sigset_t old;
    block_prof(&old);
    int rc = real(th, ret, abstime);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}
