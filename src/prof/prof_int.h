/*
 * prof_int.h - what the files of libflamekit-prof share (not public).
 *
 *   sampler.c   the SIGPROF handler, the frame-pointer walk, the sample ring
 *   unwind_libunwind.c  the optional libunwind walk (unwind_none.c when the
 *               build has no libunwind.h)
 *   threads.c   one CPU timer per thread: the registry, /proc/self/task scans
 *   session.c   start/stop, the drain thread, aggregation, fork handling
 *   symbolize.c addresses -> functions, files, lines, inline frames (libdw)
 *   export.c    aggregated stacks -> pprof message -> gzip'd bytes
 *   snapshot.c  every thread's current stack (/debug/pprof/threads)
 *   http.c      the /debug/pprof/ endpoint (libmicrohttpd)
 *   preload.c   pthread_create interposition, LD_PRELOAD environment
 *
 * Internal names are fkp_*. Only the public fk_prof_* symbols (and
 * pthread_create, in the shared library) leave the library.
 */
#ifndef FK_PROF_INT_H
#define FK_PROF_INT_H

#include "flamekit/prof.h"

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Deepest stack recorded, in frames; deeper stacks keep their leaf end. */
#define FKP_MAX_DEPTH 128
/* Slots of the sample ring. The drain thread empties it every 50 ms; CPU
 * timers fire at most once per kernel tick (250-1000 Hz) per thread, so 64
 * busy threads fill at most 3200 slots in that time. */
#define FKP_RING_SLOTS 4096
/* Most threads one /debug/pprof/threads snapshot reports. */
#define FKP_SNAP_THREADS 1024

#define FKP_TLS __attribute__((tls_model("initial-exec")))

/* ---- sampler.c ---------------------------------------------------------- */

enum { FKP_SLOT_FREE = 0, FKP_SLOT_WRITING = 1, FKP_SLOT_READY = 2 };

typedef struct fkp_slot {
    _Atomic uint32_t state;
    uint32_t depth;
    uint64_t weight;
    uintptr_t pcs[FKP_MAX_DEPTH]; /* pcs[0] is the interrupted pc (leaf) */
} fkp_slot;

/* A thread's reply to a snapshot request. */
typedef struct fkp_snap_slot {
    _Atomic uint32_t state;
    pid_t tid;
    uint32_t depth;
    uintptr_t pcs[FKP_MAX_DEPTH];
} fkp_snap_slot;

typedef struct fkp_counters {
    _Atomic uint64_t samples, weight, dropped, truncated, threads, handler_ns;
} fkp_counters;

extern fkp_counters fkp_stats;
/* The running session's number (timer signals carry it), 0 when idle. */
extern _Atomic int fkp_gen;

/* Install the SIGPROF handler if it is not ours yet. FK_EINVAL if another
 * handler is installed. Once installed it stays: a signal still queued after
 * a profile stops must not meet SIG_DFL, which would kill the process. */
int fkp_handler_install(void);

/* The ring (allocated on first use; never freed). NULL and FK_ENOMEM. */
fkp_slot *fkp_ring_get(void);

/* How many samples have claimed a slot so far (the claim counter). */
uint32_t fkp_ring_claimed(void);

/* Wait until no handler is between its check of fkp_gen and its last write. */
void fkp_handlers_quiesce(void);

/* Remember where the calling thread's stack ends (its highest address). */
void fkp_self_set_stack(uintptr_t hi);
void fkp_self_set_stack_from_pthread(void);

/* The main thread's id and stack top, for threads without their own. */
void fkp_main_stack_init(void);
void fkp_pid_refresh(void);
pid_t fkp_pid(void);

/* The unwinder the handler uses for CPU samples (an fk_prof_unwind value),
 * set by fkp_session_begin before any timer is armed. */
extern _Atomic int fkp_unwinder;

/* The interrupted pc, frame pointer and stack pointer of a signal's
 * context; 0 for all three on an architecture we do not know. */
void fkp_uc_regs(const void *ucontext, uintptr_t *pc, uintptr_t *fp, uintptr_t *sp);

/* Frame-pointer walk from an interrupted context into pcs (at most max).
 * `hi` bounds every read: [sp, hi). Returns the depth; *truncated is set if
 * the walk stopped early for a reason other than reaching the root. */
size_t fkp_unwind(const void *ucontext, uintptr_t hi, uintptr_t *pcs, size_t max, int *truncated);

/* The same walk over a given (pc, fp, sp), for tests. */
size_t fkp_unwind_regs(uintptr_t pc, uintptr_t fp, uintptr_t sp, uintptr_t hi, uintptr_t *pcs,
                       size_t max, int *truncated);

/* ---- unwind_libunwind.c (or unwind_none.c) ----------------------------- */

/* Load libunwind (dlopen, RTLD_LOCAL; once per process, never unloaded),
 * turn its caches off and run its one-time initialization, so that the
 * handler only ever calls into an initialized unwinder. Normal code only.
 * 0, or FK_ENOTFOUND (no libunwind here, or a build without support). */
int fkp_libunwind_load(void);

/* libunwind's walk from an interrupted context, like fkp_unwind: pcs[0] is
 * the interrupted pc, then return addresses; every frame's stack pointer
 * must lie in [sp, hi) (hi 0: only that it moves up). Async-signal-safe
 * once fkp_libunwind_load succeeded; before that it records the leaf. */
size_t fkp_unwind_libunwind(const void *ucontext, uintptr_t hi, uintptr_t *pcs, size_t max,
                            int *truncated);

/* Snapshot requests: arm with a token and a slot array, then signal. */
void fkp_snap_arm(fkp_snap_slot *slots, size_t n, int token);
void fkp_snap_disarm(void);
extern _Atomic uint32_t fkp_snap_used;

/* Signal value of snapshot requests: token | FKP_SNAP_BIT. */
#define FKP_SNAP_BIT 0x40000000

/* ---- threads.c ---------------------------------------------------------- */

/* Arm a CPU timer (period_ns) on every thread of the process for session
 * `gen`. 0 or FK_EIO (no timer could be created). */
int fkp_threads_arm(int gen, long period_ns);

/* Delete every timer. */
void fkp_threads_disarm(void);

/* Arm threads that appeared since, forget those that exited. */
void fkp_threads_rescan(void);

/* Called by a new thread (through pthread_create) when it starts and when
 * it exits. */
void fkp_thread_enter(void);
void fkp_thread_exit(void);

/* Thread ids of the process (from /proc/self/task), up to max. */
size_t fkp_threads_list(pid_t *out, size_t max);

void fkp_threads_atfork_prepare(void);
void fkp_threads_atfork_parent(void);
void fkp_threads_atfork_child(void);

/* ---- session.c ---------------------------------------------------------- */

/* An aggregated profile: distinct stacks with their summed weights. */
typedef struct fkp_stack {
    uint64_t hash, weight;
    uint32_t depth, off; /* pcs are agg->pcs[off .. off+depth) */
} fkp_stack;

typedef struct fkp_agg {
    fkp_stack *stacks;
    size_t nstacks, cap;
    uint32_t *index; /* open addressing: stack index + 1, 0 = empty */
    size_t index_mask;
    uintptr_t *pcs;
    size_t npcs, pcs_cap;
    int failed; /* out of memory: samples were lost */
} fkp_agg;

int fkp_agg_add(fkp_agg *a, const uintptr_t *pcs, uint32_t depth, uint64_t weight);
void fkp_agg_free(fkp_agg *a);

/* What an export needs to know about a finished session. */
typedef struct fkp_result {
    fkp_agg agg;
    int64_t time_nanos, duration_nanos, period_ns;
} fkp_result;

/* Copy caller options (NULL: the defaults; a version 1 struct has no
 * `unwind`) into *out, checked. 0 or FK_EINVAL. */
int fkp_options_read(fk_prof_options *out, const fk_prof_options *in);

/* Begin a session (FK_EBUSY "cpu profiling already in use" if one runs). */
int fkp_session_begin(const fk_prof_options *opts);
/* End it and take its samples (caller frees with fkp_agg_free). */
int fkp_session_end(fkp_result *out);

/* Serializes exports (symbolization and encoding use non-thread-safe
 * allocation counters). */
void fkp_export_lock(void);
void fkp_export_unlock(void);

/* ---- export.c ----------------------------------------------------------- */

/* Which sample types a profile has. */
enum { FKP_KIND_CPU, FKP_KIND_THREADS };

/* Encode a result as gzip'd pprof: *out is malloc'd (free with free()). */
int fkp_export_pprof(const fkp_result *r, int kind, unsigned char **out, size_t *len);

/* The text form of a threads snapshot (debug=1), malloc'd. */
int fkp_export_text(const fkp_result *r, char **out, size_t *len);

/* ---- symbolize.c -------------------------------------------------------- */

typedef struct fkp_symtab fkp_symtab;

typedef struct fkp_frame {
    const char *name;        /* demangled; NULL if unknown */
    const char *system_name; /* as in the symbol table */
    const char *file;        /* NULL if unknown */
    int64_t line, start_line;
} fkp_frame;

typedef struct fkp_module {
    uint64_t start, limit, offset;
    const char *file;
    const char *build_id; /* hex, "" if none */
} fkp_module;

int fkp_symtab_new(fkp_symtab **out);

/* Frames for one address, innermost inline function first, the containing
 * function last; returns how many (0: nothing known). Strings live as long
 * as the symtab. */
size_t fkp_symtab_lookup(fkp_symtab *s, uintptr_t addr, fkp_frame *frames, size_t max);

/* Executable file mappings of the process, sorted by start. */
size_t fkp_symtab_modules(fkp_symtab *s, const fkp_module **out);

void fkp_symtab_free(fkp_symtab *s);

/* Demangle C++ (and legacy Rust) names; returns `name` itself when it is
 * not mangled or no demangler is available; else a malloc'd string. */
char *fkp_demangle(const char *name);

/* ---- snapshot.c --------------------------------------------------------- */

/* Every thread's current stack, one sample each. */
int fkp_snapshot(fkp_result *out);

/* ---- http.c ------------------------------------------------------------- */

void fkp_http_atfork_child(void);

#endif
