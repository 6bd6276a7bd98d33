/*
 * sampler.c - the signal side of the profiler: the SIGPROF handler, the
 * frame-pointer walk, and the ring the samples go to. (The optional
 * libunwind walk is in unwind_libunwind.c.)
 *
 * Everything reachable from the handler is async-signal-safe: no malloc, no
 * locks, no stdio, no dladdr; only atomics, reads of the interrupted thread's
 * own stack (each one checked against [sp, top of that stack)), and
 * clock_gettime. errno is saved and restored. A sample claims a ring slot
 * with a compare-and-swap (FREE -> WRITING), fills it and publishes it
 * (READY); the drain thread (session.c) copies READY slots out and frees
 * them. When no slot is free within a few probes the sample is dropped and
 * counted: the handler never waits. (The optional libunwind walk is the
 * exception: it takes locks, briefly; unwind_libunwind.c says which.)
 */
#include "prof_int.h"

#include "util/error.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

fkp_counters fkp_stats;
_Atomic int fkp_gen;
_Atomic int fkp_unwinder;

static fkp_slot *_Atomic ring;
static _Atomic uint32_t ring_hint;
static _Atomic int inflight;
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int installed; /* for the record: the handler went in once */

/* Snapshot requests (snapshot.c arms them). */
static fkp_snap_slot *_Atomic snap_slots;
static _Atomic uint32_t snap_cap;
static _Atomic int snap_token;
_Atomic uint32_t fkp_snap_used;

static _Atomic pid_t cached_pid;
static _Atomic pid_t main_tid;
static _Atomic uintptr_t main_stack_hi;

/* Per thread: where its stack ends, and its id once known. */
static _Thread_local FKP_TLS uintptr_t self_stack_hi;
static _Thread_local FKP_TLS pid_t self_tid;

void fkp_self_set_stack(uintptr_t hi)
{
    self_stack_hi = hi;
}

void fkp_self_set_stack_from_pthread(void)
{
    pthread_attr_t a;
    if (pthread_getattr_np(pthread_self(), &a) != 0)
        return;
    void *addr = NULL;
    size_t size = 0;
    if (pthread_attr_getstack(&a, &addr, &size) == 0 && addr != NULL)
        self_stack_hi = (uintptr_t)addr + size;
    pthread_attr_destroy(&a);
}

void fkp_pid_refresh(void)
{
    atomic_store(&cached_pid, getpid());
    self_tid = 0;
}

pid_t fkp_pid(void)
{
    pid_t p = atomic_load_explicit(&cached_pid, memory_order_relaxed);
    return p ? p : getpid();
}

/* The main thread's stack is the [stack] mapping; its end is the top. */
void fkp_main_stack_init(void)
{
    fkp_pid_refresh();
    if (atomic_load(&main_stack_hi) != 0)
        return;
    FILE *f = fopen("/proc/self/maps", "re");
    if (f == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned long lo, hi;
        if (strstr(line, "[stack]") != NULL && sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
            atomic_store(&main_stack_hi, (uintptr_t)hi);
            break;
        }
    }
    fclose(f);
    atomic_store(&main_tid, getpid());
}

fkp_slot *fkp_ring_get(void)
{
    fkp_slot *r = atomic_load(&ring);
    if (r != NULL)
        return r;
    /* Populated now: the handler must not take page faults on first use. */
    void *m = mmap(NULL, sizeof(fkp_slot) * FKP_RING_SLOTS, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (m == MAP_FAILED) {
        fkx_error_set(FK_ENOMEM, "cannot map the sample buffer: %s", strerror(errno));
        return NULL;
    }
    fkp_slot *expected = NULL;
    if (!atomic_compare_exchange_strong(&ring, &expected, (fkp_slot *)m)) {
        munmap(m, sizeof(fkp_slot) * FKP_RING_SLOTS);
        return expected;
    }
    return (fkp_slot *)m;
}

uint32_t fkp_ring_claimed(void)
{
    return atomic_load_explicit(&ring_hint, memory_order_acquire);
}

/* ---- unwinding ---------------------------------------------------------- */

size_t fkp_unwind_regs(uintptr_t pc, uintptr_t fp, uintptr_t sp, uintptr_t hi, uintptr_t *pcs,
                       size_t max, int *truncated)
{
    size_t n = 0;
    *truncated = 0;
    if (max == 0)
        return 0;
    pcs[n++] = pc;
    if (hi == 0) { /* unknown stack: the leaf is all we can trust */
        *truncated = 1;
        return n;
    }
    uintptr_t lo = sp;
    while (n < max) {
        /* A frame record is two words: the caller's fp, the return address. */
        if (fp < lo || fp > hi - 2 * sizeof(uintptr_t) || (fp & (sizeof(uintptr_t) - 1)) != 0) {
            /* fp == 0 ends every well-formed chain (the root frame). */
            if (fp != 0)
                *truncated = 1;
            return n;
        }
        const uintptr_t *rec = (const uintptr_t *)fp;
        uintptr_t next = rec[0], ret = rec[1];
        if (ret < 4096)
            return n;
        pcs[n++] = ret;
        if (next <= fp) { /* frames must move up the stack */
            if (next != 0)
                *truncated = 1;
            return n;
        }
        lo = fp + 2 * sizeof(uintptr_t);
        fp = next;
    }
    *truncated = 1;
    return n;
}

void fkp_uc_regs(const void *ucontext, uintptr_t *pc, uintptr_t *fp, uintptr_t *sp)
{
    const ucontext_t *uc = ucontext;
#if defined(__x86_64__)
    *pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    *fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
    *sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
#elif defined(__aarch64__)
    *pc = (uintptr_t)uc->uc_mcontext.pc;
    *fp = (uintptr_t)uc->uc_mcontext.regs[29];
    *sp = (uintptr_t)uc->uc_mcontext.sp;
#else
    (void)uc;
    *pc = *fp = *sp = 0;
#endif
}

size_t fkp_unwind(const void *ucontext, uintptr_t hi, uintptr_t *pcs, size_t max, int *truncated)
{
    uintptr_t pc, fp, sp;
    fkp_uc_regs(ucontext, &pc, &fp, &sp);
    if (sp == 0) /* an architecture we do not know: the leaf at most */
        hi = 0;
    return fkp_unwind_regs(pc, fp, sp, hi, pcs, max, truncated);
}

/* The top of the calling thread's stack, or 0 if unknown. */
static uintptr_t self_stack_top(void)
{
    uintptr_t hi = self_stack_hi;
    if (hi != 0)
        return hi;
    pid_t tid = self_tid;
    if (tid == 0)
        self_tid = tid = (pid_t)syscall(SYS_gettid);
    if (tid == atomic_load_explicit(&main_tid, memory_order_relaxed))
        return atomic_load_explicit(&main_stack_hi, memory_order_relaxed);
    return 0;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the handler -------------------------------------------------------- */

static void sample_cpu(const siginfo_t *si, void *uc)
{
    uint64_t t0 = now_ns();
    fkp_slot *r = atomic_load_explicit(&ring, memory_order_acquire);
    fkp_slot *s = NULL;
    uint32_t start = atomic_fetch_add_explicit(&ring_hint, 1, memory_order_relaxed);
    for (uint32_t i = 0; r != NULL && i < 8; i++) {
        fkp_slot *c = &r[(start + i) % FKP_RING_SLOTS];
        uint32_t expected = FKP_SLOT_FREE;
        if (atomic_compare_exchange_strong_explicit(&c->state, &expected, FKP_SLOT_WRITING,
                                                    memory_order_acquire, memory_order_relaxed)) {
            s = c;
            break;
        }
    }
    uint64_t weight = 1 + (uint64_t)(si->si_overrun > 0 ? si->si_overrun : 0);
    if (s == NULL) {
        atomic_fetch_add_explicit(&fkp_stats.dropped, weight, memory_order_relaxed);
        return;
    }
    int truncated;
    if (atomic_load_explicit(&fkp_unwinder, memory_order_relaxed) == FK_PROF_UNWIND_LIBUNWIND)
        s->depth =
            (uint32_t)fkp_unwind_libunwind(uc, self_stack_top(), s->pcs, FKP_MAX_DEPTH, &truncated);
    else
        s->depth = (uint32_t)fkp_unwind(uc, self_stack_top(), s->pcs, FKP_MAX_DEPTH, &truncated);
    s->weight = weight;
    atomic_store_explicit(&s->state, FKP_SLOT_READY, memory_order_release);
    if (truncated)
        atomic_fetch_add_explicit(&fkp_stats.truncated, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&fkp_stats.weight, weight, memory_order_relaxed);
    atomic_fetch_add_explicit(&fkp_stats.handler_ns, now_ns() - t0, memory_order_relaxed);
    atomic_fetch_add_explicit(&fkp_stats.samples, 1, memory_order_release);
}

static void sample_snapshot(void *uc)
{
    fkp_snap_slot *slots = atomic_load_explicit(&snap_slots, memory_order_acquire);
    uint32_t cap = atomic_load_explicit(&snap_cap, memory_order_acquire);
    if (slots == NULL)
        return;
    uint32_t i = atomic_fetch_add_explicit(&fkp_snap_used, 1, memory_order_relaxed);
    if (i >= cap)
        return;
    fkp_snap_slot *s = &slots[i];
    pid_t tid = self_tid;
    if (tid == 0)
        self_tid = tid = (pid_t)syscall(SYS_gettid);
    int truncated;
    s->tid = tid;
    s->depth = (uint32_t)fkp_unwind(uc, self_stack_top(), s->pcs, FKP_MAX_DEPTH, &truncated);
    atomic_store_explicit(&s->state, FKP_SLOT_READY, memory_order_release);
}

static void on_sigprof(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    int saved = errno;
    atomic_fetch_add(&inflight, 1); /* seq_cst: pairs with quiesce */
    if (si->si_code == SI_TIMER) {
        int gen = atomic_load(&fkp_gen);
        if (gen != 0 && si->si_value.sival_int == gen)
            sample_cpu(si, uc);
    } else if (si->si_code == SI_QUEUE && si->si_pid == fkp_pid()) {
        int token = atomic_load(&snap_token);
        if (token != 0 && si->si_value.sival_int == (token | FKP_SNAP_BIT))
            sample_snapshot(uc);
    }
    /* Anything else (a stale timer, someone's kill -PROF) is ignored. */
    atomic_fetch_sub_explicit(&inflight, 1, memory_order_acq_rel);
    errno = saved;
}

void fkp_handlers_quiesce(void)
{
    for (int i = 0; i < 1000 && atomic_load(&inflight) > 0; i++) {
        struct timespec ts = {0, 1000000};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
}

void fkp_snap_arm(fkp_snap_slot *slots, size_t n, int token)
{
    atomic_store(&fkp_snap_used, 0);
    atomic_store(&snap_cap, (uint32_t)n);
    atomic_store(&snap_slots, slots);
    atomic_store(&snap_token, token);
}

void fkp_snap_disarm(void)
{
    atomic_store(&snap_token, 0);
    atomic_store(&snap_slots, NULL);
    fkp_handlers_quiesce();
}

int fkp_handler_install(void)
{
    pthread_mutex_lock(&install_lock);
    int err = 0;
    struct sigaction old;
    if (sigaction(SIGPROF, NULL, &old) == 0) {
        int ours = (old.sa_flags & SA_SIGINFO) && old.sa_sigaction == on_sigprof;
        int foreign = !ours && ((old.sa_flags & SA_SIGINFO) ||
                                (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN));
        if (ours) {
            atomic_store(&installed, 1);
        } else if (foreign) {
            err = fkx_error_set(FK_EINVAL, "cannot profile: the program has its own SIGPROF "
                                           "handler");
        } else {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_sigaction = on_sigprof;
            sa.sa_flags = SA_SIGINFO | SA_RESTART;
            sigemptyset(&sa.sa_mask);
            if (sigaction(SIGPROF, &sa, NULL) != 0)
                err = fkx_error_set(FK_EIO, "sigaction(SIGPROF): %s", strerror(errno));
            else
                atomic_store(&installed, 1);
        }
    }
    pthread_mutex_unlock(&install_lock);
    return err;
}

void fk_prof_stats_get(fk_prof_stats *out)
{
    out->samples = atomic_load(&fkp_stats.samples);
    out->weight = atomic_load(&fkp_stats.weight);
    out->dropped = atomic_load(&fkp_stats.dropped);
    out->truncated = atomic_load(&fkp_stats.truncated);
    out->threads = atomic_load(&fkp_stats.threads);
    out->handler_ns = atomic_load(&fkp_stats.handler_ns);
}

int fk_prof_running(void)
{
    return atomic_load(&fkp_gen) != 0;
}
