/*
 * session.c - one CPU profile at a time: start, the drain thread, stop.
 *
 * Starting installs the handler (refusing a foreign one), loads libunwind if
 * the options ask for it, bumps the session number the timers' signals
 * carry, starts the drain thread and arms a timer on every thread. The drain
 * thread wakes every 50 ms, moves READY ring slots into a table of distinct
 * stacks (summing weights) and, every 200 ms, rescans the process's threads.
 * Stopping clears the session number first (late signals are then ignored),
 * deletes the timers, waits for handlers still running, drains one last time
 * and hands the table over.
 *
 * The drain thread and the registry use libc's allocator directly (the
 * util allocator keeps unsynchronized test counters); everything util-based
 * (symbolization, encoding, files) runs under the export lock.
 *
 * fork: the child starts idle (no timers are copied by fork; the drain
 * thread does not exist there). Locks are taken around fork so the child
 * never inherits one held by a thread it does not have.
 */
#include "prof_int.h"

#include "util/error.h"
#include "util/hash.h"
#include "util/output.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t sess_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t agg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t drain_cond;
static pthread_mutex_t export_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static int busy;     /* a session runs (sess_lock) */
static int ending;   /* fkp_session_end is stopping it (sess_lock) */
static int next_gen; /* sess_lock */
static int drain_stop;
static pthread_t drain_thread;
static fkp_agg cur; /* agg_lock */
static int64_t start_real, start_mono, period_ns;
static char *file_path; /* the fk_prof_start session's output (sess_lock) */

/* ---- aggregation -------------------------------------------------------- */

static uint64_t stack_hash(const uintptr_t *pcs, uint32_t depth)
{
    return fkx_hash(pcs, depth * sizeof *pcs, 0x5eed5eed) | 1;
}

static int grow_index(fkp_agg *a)
{
    size_t cap = a->index ? (a->index_mask + 1) * 2 : 1024;
    uint32_t *ix = calloc(cap, sizeof *ix);
    if (ix == NULL)
        return -1;
    for (size_t i = 0; i < a->nstacks; i++) {
        size_t p = a->stacks[i].hash & (cap - 1);
        while (ix[p] != 0)
            p = (p + 1) & (cap - 1);
        ix[p] = (uint32_t)i + 1;
    }
    free(a->index);
    a->index = ix;
    a->index_mask = cap - 1;
    return 0;
}

int fkp_agg_add(fkp_agg *a, const uintptr_t *pcs, uint32_t depth, uint64_t weight)
{
    if ((a->index == NULL || (a->nstacks + 1) * 2 > a->index_mask + 1) && grow_index(a) < 0)
        goto nomem;
    uint64_t h = stack_hash(pcs, depth);
    size_t p = h & a->index_mask;
    while (a->index[p] != 0) {
        fkp_stack *s = &a->stacks[a->index[p] - 1];
        if (s->hash == h && s->depth == depth &&
            memcmp(&a->pcs[s->off], pcs, depth * sizeof *pcs) == 0) {
            s->weight += weight;
            return 0;
        }
        p = (p + 1) & a->index_mask;
    }
    if (a->nstacks == a->cap) {
        size_t ncap = a->cap ? a->cap * 2 : 256;
        fkp_stack *n = realloc(a->stacks, ncap * sizeof *n);
        if (n == NULL)
            goto nomem;
        a->stacks = n;
        a->cap = ncap;
    }
    if (a->npcs + depth > a->pcs_cap) {
        size_t ncap = a->pcs_cap ? a->pcs_cap * 2 : 4096;
        while (ncap < a->npcs + depth)
            ncap *= 2;
        uintptr_t *n = realloc(a->pcs, ncap * sizeof *n);
        if (n == NULL)
            goto nomem;
        a->pcs = n;
        a->pcs_cap = ncap;
    }
    memcpy(&a->pcs[a->npcs], pcs, depth * sizeof *pcs);
    a->stacks[a->nstacks] = (fkp_stack){h, weight, depth, (uint32_t)a->npcs};
    a->npcs += depth;
    a->index[p] = (uint32_t)++a->nstacks;
    return 0;
nomem:
    a->failed = 1;
    atomic_fetch_add_explicit(&fkp_stats.dropped, weight, memory_order_relaxed);
    return -1;
}

void fkp_agg_free(fkp_agg *a)
{
    free(a->stacks);
    free(a->index);
    free(a->pcs);
    memset(a, 0, sizeof *a);
}

/* Move READY slots into `cur`. agg_lock held. Producers claim slots at
 * the claim counter (and up to 7 past it), so a round only needs the slots
 * between the previous round's counter (less a margin for slots that were
 * still being written) and the current one: touching all 4096 slots (one
 * cache line each, 1 KiB apart) 100 times a second would cost more than
 * the sampling itself. `all` scans every slot (the last drain). */
static uint32_t drained_to;

static void drain(int all)
{
    fkp_slot *ring = fkp_ring_get();
    if (ring == NULL)
        return;
    uint32_t to = fkp_ring_claimed() + 8, from = drained_to - 32;
    uint32_t n = to - from;
    if (all || n > FKP_RING_SLOTS) {
        from = 0;
        n = FKP_RING_SLOTS;
    }
    drained_to = to - 8;
    for (uint32_t k = 0; k < n; k++) {
        fkp_slot *s = &ring[(from + k) % FKP_RING_SLOTS];
        if (atomic_load_explicit(&s->state, memory_order_acquire) != FKP_SLOT_READY)
            continue;
        uint32_t depth = s->depth <= FKP_MAX_DEPTH ? s->depth : FKP_MAX_DEPTH;
        fkp_agg_add(&cur, s->pcs, depth, s->weight);
        atomic_store_explicit(&s->state, FKP_SLOT_FREE, memory_order_release);
    }
}

static void *drain_main(void *arg)
{
    (void)arg;
    uint64_t seen = 0;
    unsigned round = 0;
    pthread_mutex_lock(&agg_lock);
    while (!drain_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += 50000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&drain_cond, &agg_lock, &ts);
        uint64_t now = atomic_load_explicit(&fkp_stats.samples, memory_order_acquire);
        if (now != seen) { /* nothing new: nothing to scan */
            seen = now;
            drain(0);
        }
        if (++round % 4 == 0 && !drain_stop) {
            pthread_mutex_unlock(&agg_lock);
            fkp_threads_rescan();
            pthread_mutex_lock(&agg_lock);
        }
    }
    pthread_mutex_unlock(&agg_lock);
    return NULL;
}

/* ---- sessions ----------------------------------------------------------- */

static int64_t clock_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void atfork_prepare(void)
{
    pthread_mutex_lock(&sess_lock);
    fkp_threads_atfork_prepare();
    pthread_mutex_lock(&agg_lock);
}

static void atfork_parent(void)
{
    pthread_mutex_unlock(&agg_lock);
    fkp_threads_atfork_parent();
    pthread_mutex_unlock(&sess_lock);
}

static void atfork_child(void)
{
    fkp_pid_refresh();
    atomic_store(&fkp_gen, 0);
    if (busy) {
        fkp_agg_free(&cur);
        free(file_path);
        file_path = NULL;
        busy = 0;
    }
    pthread_mutex_unlock(&agg_lock);
    fkp_threads_atfork_child();
    pthread_mutex_unlock(&sess_lock);
    /* An export in another thread of the parent held it: that thread is
     * not here, so the lock starts over. */
    pthread_mutex_init(&export_mutex, NULL);
    fkp_http_atfork_child();
}

static void init(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&drain_cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
    fkp_main_stack_init();
}

/* Version 1 ends after `hz`: only read what the caller's version has. */
int fkp_options_read(fk_prof_options *out, const fk_prof_options *in)
{
    *out = (fk_prof_options)FK_PROF_OPTIONS_INIT;
    if (in == NULL)
        return 0;
    if (in->version != 1 && in->version != FK_PROF_OPTIONS_VERSION)
        return fkx_error_set(FK_EINVAL, "fk_prof_options version %u, expected %u", in->version,
                             FK_PROF_OPTIONS_VERSION);
    out->hz = in->hz;
    if (in->version >= 2)
        out->unwind = in->unwind;
    if (out->hz < 1 || out->hz > 1000)
        return fkx_error_set(FK_EINVAL, "sampling rate %d Hz is not within 1..1000", out->hz);
    if (out->unwind != FK_PROF_UNWIND_FP && out->unwind != FK_PROF_UNWIND_LIBUNWIND)
        return fkx_error_set(FK_EINVAL,
                             "unknown unwinder %d (want FK_PROF_UNWIND_FP or "
                             "FK_PROF_UNWIND_LIBUNWIND)",
                             out->unwind);
    return 0;
}

int fkp_session_begin(const fk_prof_options *opts)
{
    pthread_once(&init_once, init);
    fk_prof_options o;
    int err = fkp_options_read(&o, opts);
    if (err < 0)
        return err;
    pthread_mutex_lock(&sess_lock);
    if (busy) {
        err = fkx_error_set(FK_EBUSY, "cpu profiling already in use");
        goto done;
    }
    if ((err = fkp_handler_install()) < 0)
        goto done;
    if (fkp_ring_get() == NULL) {
        err = FK_ENOMEM;
        goto done;
    }
    /* Loaded and initialized here, before any timer can fire with it. */
    if (o.unwind == FK_PROF_UNWIND_LIBUNWIND && (err = fkp_libunwind_load()) < 0)
        goto done;
    atomic_store(&fkp_unwinder, o.unwind);
    fkp_main_stack_init();
    next_gen = next_gen % 0x3fffffff + 1;
    period_ns = 1000000000 / o.hz;
    start_real = clock_ns(CLOCK_REALTIME);
    start_mono = clock_ns(CLOCK_MONOTONIC);
    drain_stop = 0;
    memset(&cur, 0, sizeof cur);
    int rc = pthread_create(&drain_thread, NULL, drain_main, NULL);
    if (rc != 0) {
        err = fkx_error_set(FK_EIO, "cannot start the profiler's thread: %s", strerror(rc));
        goto done;
    }
    atomic_store_explicit(&fkp_gen, next_gen, memory_order_release);
    if ((err = fkp_threads_arm(next_gen, (long)period_ns)) < 0) {
        atomic_store(&fkp_gen, 0);
        pthread_mutex_lock(&agg_lock);
        drain_stop = 1;
        pthread_cond_signal(&drain_cond);
        pthread_mutex_unlock(&agg_lock);
        pthread_join(drain_thread, NULL);
        goto done;
    }
    busy = 1;
done:
    pthread_mutex_unlock(&sess_lock);
    return err;
}

/* Stop the running session. sess_lock is not held while the drain thread
 * is joined: joining waits on libc's thread-stack lock, and a fork in
 * another thread takes sess_lock in its prepare handler, so holding it
 * across the join can close a cycle with a thread that holds the stack lock
 * (seen under ThreadSanitizer in the stress test). `busy` stays set until
 * the end, so no other session can begin meanwhile. */
int fkp_session_end(fkp_result *out)
{
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&sess_lock);
    if (!busy || ending) {
        pthread_mutex_unlock(&sess_lock);
        return fkx_error_set(FK_EINVAL, "no CPU profile is running");
    }
    ending = 1;
    atomic_store_explicit(&fkp_gen, 0, memory_order_release);
    fkp_threads_disarm();
    fkp_handlers_quiesce();
    pthread_mutex_lock(&agg_lock);
    drain_stop = 1;
    pthread_cond_signal(&drain_cond);
    pthread_mutex_unlock(&agg_lock);
    pthread_t t = drain_thread;
    pthread_mutex_unlock(&sess_lock);

    pthread_join(t, NULL);

    pthread_mutex_lock(&sess_lock);
    pthread_mutex_lock(&agg_lock);
    drain(1);
    out->agg = cur;
    memset(&cur, 0, sizeof cur);
    pthread_mutex_unlock(&agg_lock);
    out->time_nanos = start_real;
    out->duration_nanos = clock_ns(CLOCK_MONOTONIC) - start_mono;
    out->period_ns = period_ns;
    busy = 0;
    ending = 0;
    pthread_mutex_unlock(&sess_lock);
    return 0;
}

void fkp_export_lock(void)
{
    pthread_mutex_lock(&export_mutex);
}

void fkp_export_unlock(void)
{
    pthread_mutex_unlock(&export_mutex);
}

/* ---- the public start/stop/collect -------------------------------------- */

int fk_prof_start(const char *path, const fk_prof_options *opts)
{
    if (path == NULL || path[0] == '\0')
        return fkx_error_set(FK_EINVAL, "fk_prof_start: no output path");
    char *copy = strdup(path);
    if (copy == NULL)
        return fkx_error_nomem();
    int err = fkp_session_begin(opts);
    if (err < 0) {
        free(copy);
        return err;
    }
    pthread_mutex_lock(&sess_lock);
    free(file_path);
    file_path = copy;
    pthread_mutex_unlock(&sess_lock);
    return 0;
}

static int write_file(const char *path, const unsigned char *data, size_t len)
{
    fkx_output o;
    int err = fkx_output_open(&o, path);
    if (err < 0)
        return err;
    if ((err = fkx_output_write(&o, data, len)) < 0) {
        fkx_output_abort(&o);
        return err;
    }
    return fkx_output_commit(&o);
}

int fk_prof_stop(void)
{
    pthread_mutex_lock(&sess_lock);
    char *path = file_path;
    if (path == NULL) {
        pthread_mutex_unlock(&sess_lock);
        return fkx_error_set(FK_EINVAL, "no profile was started with fk_prof_start");
    }
    file_path = NULL;
    pthread_mutex_unlock(&sess_lock);
    fkp_result r;
    int err = fkp_session_end(&r);
    if (err == 0) {
        unsigned char *bytes = NULL;
        size_t len = 0;
        fkp_export_lock();
        err = fkp_export_pprof(&r, FKP_KIND_CPU, &bytes, &len);
        if (err == 0)
            err = write_file(path, bytes, len);
        fkp_export_unlock();
        free(bytes);
        fkp_agg_free(&r.agg);
    }
    free(path);
    return err;
}

int fk_prof_collect(unsigned char **out, size_t *len, double seconds, const fk_prof_options *opts)
{
    *out = NULL;
    *len = 0;
    if (!(seconds > 0 && seconds <= 86400))
        return fkx_error_set(FK_EINVAL, "profile duration %g s is not within (0, 86400]", seconds);
    int err = fkp_session_begin(opts);
    if (err < 0)
        return err;
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    fkp_result r;
    if ((err = fkp_session_end(&r)) < 0)
        return err;
    fkp_export_lock();
    err = fkp_export_pprof(&r, FKP_KIND_CPU, out, len);
    fkp_export_unlock();
    fkp_agg_free(&r.agg);
    return err;
}

void fk_prof_free_bytes(void *p)
{
    free(p);
}

const fk_error *fk_prof_error_last(void)
{
    return fk_error_last();
}

const char *fk_prof_strerror(int code)
{
    return fk_strerror(code);
}
