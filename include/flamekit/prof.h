/*
 * flamekit/prof.h - libflamekit-prof, a sampling CPU profiler for C, C++ and
 * Rust programs that serves Go's net/http/pprof API.
 *
 * Three ways to use it:
 *
 *   1. Link it and serve the endpoint (the `import _ "net/http/pprof"` of C):
 *          fk_prof_serve("127.0.0.1:6060", NULL);
 *      then `go tool pprof http://127.0.0.1:6060/debug/pprof/profile?seconds=30`
 *      or `flamekit torch -u http://127.0.0.1:6060/debug/pprof`.
 *   2. Mount the endpoint in your own libmicrohttpd server (see
 *      fk_prof_mhd_handle), or profile to a file with fk_prof_start/stop.
 *   3. Inject it, no code change:
 *          LD_PRELOAD=libflamekit-prof.so FLAMEKIT_PPROF_ADDR=127.0.0.1:6060 ./server
 *          LD_PRELOAD=libflamekit-prof.so FLAMEKIT_CPUPROFILE=out.pb.gz ./batch
 *
 * Sampling uses one CPU-time timer per thread (timer_create on the thread's
 * CPU clock, delivered with SIGEV_THREAD_ID as SIGPROF). The signal handler
 * walks frame pointers (or, when asked, uses libunwind) into a pre-allocated
 * lock-free buffer; a background thread drains it; symbols are resolved only
 * when a profile is exported. docs/prof.md describes the signal path and the
 * limits.
 *
 * Errors: fallible functions return 0 or a negative FK_E* code (common.h);
 * fk_prof_error_last() says what failed on the calling thread. Nothing here
 * prints (except the LD_PRELOAD mode's one-line notices on stderr), exits or
 * aborts.
 *
 * Thread safety: every function may be called from any thread. None is
 * async-signal-safe unless its comment says so. Only one CPU profile runs at
 * a time in a process: a second start fails with FK_EBUSY and the message
 * "cpu profiling already in use".
 *
 * Fork: a child never inherits a running profile or the endpoint; the
 * parent's keep running. exec starts clean.
 */
#ifndef FLAMEKIT_PROF_H
#define FLAMEKIT_PROF_H

#include "flamekit/common.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- profiling -------------------------------------------------------- */

/* Version 2 added `unwind`; version 1 structs are still accepted (they
 * unwind with frame pointers). */
#define FK_PROF_OPTIONS_VERSION 2

/* How the signal handler finds a sample's callers. */
typedef enum fk_prof_unwind {
    /* Walk frame pointers (the default): about half a microsecond per
     * sample, but code built without them (-fomit-frame-pointer, the
     * default of -O2 on x86-64) loses its callers. */
    FK_PROF_UNWIND_FP = 0,
    /* libunwind's local unwinder, from the DWARF call-frame information
     * every ELF object carries (.eh_frame): callers are found in code
     * without frame pointers, at several microseconds per sample.
     * libunwind (libunwind.so.8) is loaded when such a profile starts; a
     * start fails with FK_ENOTFOUND if it cannot be loaded or this build
     * of the library has no libunwind support. */
    FK_PROF_UNWIND_LIBUNWIND = 1
} fk_prof_unwind;

/* Sampling options. Initialize with FK_PROF_OPTIONS_INIT, then set fields. */
typedef struct fk_prof_options {
    unsigned int version; /* FK_PROF_OPTIONS_VERSION */
    /* Samples per CPU-second per thread, 1..1000 (default 100). The kernel
     * checks CPU timers on its tick (CONFIG_HZ, often 250), so rates above
     * the tick are coalesced: they show up as weights (1 + overrun), not as
     * more samples. */
    int hz;
    /* An fk_prof_unwind value (default FK_PROF_UNWIND_FP). Since version 2.
     * In LD_PRELOAD mode, FLAMEKIT_UNWIND=fp|libunwind sets it. */
    int unwind;
} fk_prof_options;

#define FK_PROF_OPTIONS_INIT                                                                       \
    {                                                                                              \
        FK_PROF_OPTIONS_VERSION, 100, FK_PROF_UNWIND_FP                                            \
    }

/* Start a CPU profile that fk_prof_stop() will write to `path` (gzip'd
 * pprof, created whole: a temporary file renamed into place). `opts` may be
 * NULL for the defaults. Fails with FK_EBUSY if a profile is already
 * running (also one started by the endpoint), FK_EINVAL if a SIGPROF
 * handler that is not ours is installed; FK_EIO if timers cannot be
 * created; FK_ENOTFOUND if libunwind was asked for and cannot be loaded. */
FK_EXTERN int fk_prof_start(const char *path, const fk_prof_options *opts);

/* Stop the profile fk_prof_start() began and write its file. FK_EINVAL if
 * none is running; FK_EIO/FK_ENOMEM if writing fails (the file is then not
 * created). */
FK_EXTERN int fk_prof_stop(void);

/* Profile for `seconds` and return the gzip'd pprof bytes in *out (caller
 * frees with fk_prof_free_bytes) and *len. Blocks the calling thread. */
FK_EXTERN int fk_prof_collect(unsigned char **out, size_t *len, double seconds,
                              const fk_prof_options *opts);

/* Free bytes returned by this library. NULL-safe. */
FK_EXTERN void fk_prof_free_bytes(void *p);

/* Whether a CPU profile is running. Async-signal-safe. */
FK_EXTERN int fk_prof_running(void);

/* Counters since the process started (all sessions together). Samples that
 * did not fit the buffer are counted in `dropped`; `truncated` counts stacks
 * cut short (depth limit, or a frame pointer leaving the thread's stack). */
typedef struct fk_prof_stats {
    uint64_t samples;    /* signals handled into the buffer */
    uint64_t weight;     /* samples plus timer overruns */
    uint64_t dropped;    /* buffer full: lost */
    uint64_t truncated;  /* stacks cut short */
    uint64_t threads;    /* thread timers created */
    uint64_t handler_ns; /* time spent in the handler, in total */
} fk_prof_stats;

/* Copy the counters. Async-signal-safe. */
FK_EXTERN void fk_prof_stats_get(fk_prof_stats *out);

/* ---- the endpoint ----------------------------------------------------- */

#define FK_PROF_SERVE_OPTIONS_VERSION 1

typedef struct fk_prof_serve_options {
    /* FK_PROF_SERVE_OPTIONS_VERSION. `prof` carries its own version: a
     * version 1 `prof` (no `unwind`) is accepted. */
    unsigned int version;
    /* When set, every request needs "Authorization: Bearer <token>"; others
     * get 401. The string is copied. */
    const char *token;
    /* Like Go's http.Server.WriteTimeout: profile?seconds=N with N at or
     * beyond it gets 400. 0: no limit. */
    double write_timeout;
    fk_prof_options prof; /* sampling options for /debug/pprof/profile */
} fk_prof_serve_options;

#define FK_PROF_SERVE_OPTIONS_INIT                                                                 \
    {                                                                                              \
        FK_PROF_SERVE_OPTIONS_VERSION, NULL, 0, FK_PROF_OPTIONS_INIT                               \
    }

/* Serve /debug/pprof/ on `addr` ("HOST:PORT", "[V6]:PORT", or ":PORT" and
 * "PORT", which bind 127.0.0.1; port 0 picks a free one). Only loopback is
 * used unless another address is written out. One endpoint per process;
 * serving runs in libmicrohttpd threads of its own. */
FK_EXTERN int fk_prof_serve(const char *addr, const fk_prof_serve_options *opts);

/* The port the endpoint listens on, or 0 if not serving. */
FK_EXTERN int fk_prof_serve_port(void);

/* Stop serving (waits for requests in progress). NULL-safe, idempotent. */
FK_EXTERN void fk_prof_serve_stop(void);

/* Mount the endpoint in your own libmicrohttpd daemon: call this from your
 * access handler for URLs that begin with "/debug/pprof/" (or for every URL:
 * others get 404), passing your handler's arguments through, and return
 * its result (MHD_YES or MHD_NO) as your handler's result. *req_cls must be
 * NULL on the first call of a request, as MHD gives it. Requests may block
 * for a profile's duration: use a daemon with a thread per connection or a
 * thread pool. From your MHD_OPTION_NOTIFY_COMPLETED callback, call
 * fk_prof_mhd_completed(req_cls) for those URLs, or a POST to
 * /debug/pprof/symbol whose client disconnects early leaks its buffer.
 * `opts` may be NULL (no token, no write timeout, 100 Hz). */
struct MHD_Connection;
FK_EXTERN int fk_prof_mhd_handle(struct MHD_Connection *conn, const char *url, const char *method,
                                 const char *upload_data, size_t *upload_data_size, void **req_cls,
                                 const fk_prof_serve_options *opts);
FK_EXTERN void fk_prof_mhd_completed(void **req_cls);

/* ---- errors ----------------------------------------------------------- */

/* The last error on the calling thread (see common.h's fk_error). */
FK_EXTERN const fk_error *fk_prof_error_last(void);

/* A static description of an FK_E* code. */
FK_EXTERN const char *fk_prof_strerror(int code);

#ifdef __cplusplus
}
#endif
#endif
