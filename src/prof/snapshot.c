/*
 * snapshot.c - every thread's current stack, for /debug/pprof/threads (the
 * analogue of Go's goroutine profile).
 *
 * A thread's stack can only be read safely by the thread itself, so each
 * thread is asked with a queued SIGPROF (rt_tgsigqueueinfo, SI_QUEUE from our
 * own pid, a fresh token as the value); the handler walks its frames into
 * one slot of a table armed for this request. The requester waits up to
 * 200 ms for the replies; threads that do not answer in time (stopped, or
 * blocking SIGPROF) are left out. Blocked system calls that SA_RESTART does not restart (poll,
 * epoll_wait, nanosleep...) return EINTR in the interrupted thread: see
 * docs/prof.md.
 */
#include "prof_int.h"

#include "util/error.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
static int last_token;

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int fkp_snapshot(fkp_result *out)
{
    memset(out, 0, sizeof *out);
    int err = fkp_handler_install();
    if (err < 0)
        return err;
    fkp_main_stack_init();
    pid_t *tids = malloc(FKP_SNAP_THREADS * sizeof *tids);
    fkp_snap_slot *slots = calloc(FKP_SNAP_THREADS, sizeof *slots);
    if (tids == NULL || slots == NULL) {
        free(tids);
        free(slots);
        return fkx_error_nomem();
    }
    pthread_mutex_lock(&snap_lock);
    size_t n = fkp_threads_list(tids, FKP_SNAP_THREADS);
    last_token = last_token % 0xffff + 1;
    int token = last_token | ((int)(mono_ns() & 0x3fff) << 16);
    token &= ~FKP_SNAP_BIT;
    fkp_snap_arm(slots, FKP_SNAP_THREADS, token);
    size_t sent = 0;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    out->time_nanos = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
    for (size_t i = 0; i < n; i++) {
        siginfo_t si;
        memset(&si, 0, sizeof si);
        si.si_signo = SIGPROF;
        si.si_code = SI_QUEUE;
        si.si_pid = fkp_pid();
        si.si_uid = getuid();
        si.si_value.sival_int = token | FKP_SNAP_BIT;
        if (syscall(SYS_rt_tgsigqueueinfo, fkp_pid(), tids[i], SIGPROF, &si) == 0)
            sent++;
    }
    int64_t deadline = mono_ns() + 200000000;
    for (;;) {
        size_t ready = 0;
        uint32_t used = atomic_load(&fkp_snap_used);
        for (uint32_t i = 0; i < used && i < FKP_SNAP_THREADS; i++)
            ready += atomic_load_explicit(&slots[i].state, memory_order_acquire) == FKP_SLOT_READY;
        if (ready >= sent || mono_ns() > deadline)
            break;
        struct timespec ts = {0, 1000000};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    fkp_snap_disarm();
    pthread_mutex_unlock(&snap_lock);
    for (size_t i = 0; i < FKP_SNAP_THREADS; i++) {
        if (atomic_load(&slots[i].state) != FKP_SLOT_READY)
            continue;
        uint32_t depth = slots[i].depth <= FKP_MAX_DEPTH ? slots[i].depth : FKP_MAX_DEPTH;
        fkp_agg_add(&out->agg, slots[i].pcs, depth, 1);
    }
    free(tids);
    free(slots);
    out->period_ns = 1;
    return out->agg.failed ? fkx_error_nomem() : 0;
}
