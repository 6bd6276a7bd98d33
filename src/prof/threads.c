/*
 * threads.c - one CPU-time timer per thread.
 *
 * Each thread gets a POSIX timer on its own CPU clock (the clock id the
 * kernel derives from a thread id), delivering SIGPROF to that very thread
 * (SIGEV_THREAD_ID) with the session number as the signal value. Timers are
 * made with the raw system calls: glibc's wrappers add nothing for
 * SIGEV_THREAD_ID and the kernel's timer id is all we keep.
 *
 * Threads are found three ways: /proc/self/task when a profile starts, the
 * pthread_create wrapper (preload.c) as soon as a thread starts, and a
 * rescan by the drain thread every 200 ms for threads made some other way.
 * A thread's timer is deleted when the thread exits (the wrapper's exit
 * hook) or when a rescan no longer finds it. The registry is a plain array
 * under a mutex that only normal code takes, never the signal handler.
 */
#include "prof_int.h"

#include "util/error.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef struct entry {
    pid_t tid;
    int timer; /* kernel timer id */
    int seen;  /* found by the current rescan */
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry *reg;
static size_t nreg, capreg;
static int armed_gen;
static long armed_period;

/* The CPU clock of thread `tid` (the kernel's MAKE_THREAD_CPUCLOCK with
 * CPUCLOCK_SCHED). */
static clockid_t thread_clock(pid_t tid)
{
    return (clockid_t)((~(unsigned)tid << 3) | 6u);
}

static int timer_for(pid_t tid, int gen, long period_ns, int *out)
{
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = SIGPROF;
    sev.sigev_value.sival_int = gen;
    sev._sigev_un._tid = tid;
    int id = -1;
    if (syscall(SYS_timer_create, thread_clock(tid), &sev, &id) != 0)
        return -1;
    struct itimerspec its;
    its.it_interval.tv_sec = period_ns / 1000000000L;
    its.it_interval.tv_nsec = period_ns % 1000000000L;
    its.it_value = its.it_interval;
    if (syscall(SYS_timer_settime, id, 0, &its, NULL) != 0) {
        syscall(SYS_timer_delete, id);
        return -1;
    }
    atomic_fetch_add_explicit(&fkp_stats.threads, 1, memory_order_relaxed);
    *out = id;
    return 0;
}

static entry *find(pid_t tid)
{
    for (size_t i = 0; i < nreg; i++)
        if (reg[i].tid == tid)
            return &reg[i];
    return NULL;
}

/* Add a timer for tid unless it has one. Lock held. */
static void add(pid_t tid)
{
    entry *e = find(tid);
    if (e != NULL) {
        e->seen = 1;
        return;
    }
    if (nreg == capreg) {
        size_t ncap = capreg ? capreg * 2 : 64;
        entry *n = realloc(reg, ncap * sizeof *n);
        if (n == NULL)
            return; /* this thread goes unsampled; the next rescan retries */
        reg = n;
        capreg = ncap;
    }
    int id;
    if (timer_for(tid, armed_gen, armed_period, &id) == 0)
        reg[nreg++] = (entry){tid, id, 1};
}

static void drop_at(size_t i)
{
    syscall(SYS_timer_delete, reg[i].timer);
    reg[i] = reg[--nreg];
}

size_t fkp_threads_list(pid_t *out, size_t max)
{
    DIR *d = opendir("/proc/self/task");
    if (d == NULL)
        return 0;
    size_t n = 0;
    struct dirent *de;
    while (n < max && (de = readdir(d)) != NULL) {
        char *end;
        long tid = strtol(de->d_name, &end, 10);
        if (*end == '\0' && tid > 0)
            out[n++] = (pid_t)tid;
    }
    closedir(d);
    return n;
}

/* Lock held: mark, add every thread that exists, drop those that do not. */
static int scan(void)
{
    enum { BATCH = 4096 };
    pid_t *tids = malloc(BATCH * sizeof *tids);
    if (tids == NULL)
        return -1;
    size_t n = fkp_threads_list(tids, BATCH);
    if (n == 0) { /* no /proc: at least the calling thread */
        tids[0] = (pid_t)syscall(SYS_gettid);
        n = 1;
    }
    for (size_t i = 0; i < nreg; i++)
        reg[i].seen = 0;
    for (size_t i = 0; i < n; i++)
        add(tids[i]);
    for (size_t i = nreg; i-- > 0;)
        if (!reg[i].seen)
            drop_at(i);
    free(tids);
    return 0;
}

int fkp_threads_arm(int gen, long period_ns)
{
    pthread_mutex_lock(&lock);
    armed_gen = gen;
    armed_period = period_ns;
    scan();
    int err = nreg > 0 ? 0 : FK_EIO;
    pthread_mutex_unlock(&lock);
    if (err < 0)
        return fkx_error_set(FK_EIO, "cannot create CPU timers: %s", strerror(errno));
    return 0;
}

void fkp_threads_disarm(void)
{
    pthread_mutex_lock(&lock);
    while (nreg > 0)
        drop_at(nreg - 1);
    armed_gen = 0;
    pthread_mutex_unlock(&lock);
}

void fkp_threads_rescan(void)
{
    pthread_mutex_lock(&lock);
    if (armed_gen != 0)
        scan();
    pthread_mutex_unlock(&lock);
}

void fkp_thread_enter(void)
{
    fkp_self_set_stack_from_pthread();
    if (atomic_load(&fkp_gen) == 0)
        return;
    pthread_mutex_lock(&lock);
    if (armed_gen != 0)
        add((pid_t)syscall(SYS_gettid));
    pthread_mutex_unlock(&lock);
}

void fkp_thread_exit(void)
{
    pthread_mutex_lock(&lock);
    pid_t tid = (pid_t)syscall(SYS_gettid);
    for (size_t i = 0; i < nreg; i++) {
        if (reg[i].tid == tid) {
            drop_at(i);
            break;
        }
    }
    pthread_mutex_unlock(&lock);
}

void fkp_threads_atfork_prepare(void)
{
    pthread_mutex_lock(&lock);
}

void fkp_threads_atfork_parent(void)
{
    pthread_mutex_unlock(&lock);
}

/* The child has no timers (fork does not copy them) and one thread. */
void fkp_threads_atfork_child(void)
{
    nreg = 0;
    armed_gen = 0;
    pthread_mutex_unlock(&lock);
}
