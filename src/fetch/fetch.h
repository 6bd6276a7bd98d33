/*
 * fetch.h - getting profiles over HTTP: one URL or many at once (libcurl's
 * multi interface, one thread), with a timeout, a progress callback and
 * cancellation, then turning what the servers sent into one merged profile.
 *
 * Transport (fetch.c): fk_fetch_many() runs every transfer concurrently on
 * the calling thread and returns when all have ended. Each result says, in
 * one line that names the URL, why it failed: connection refused, DNS
 * failure, timeout, an HTTP error status with the server's own text, ...
 *
 * Profiles (fetch_profile.c): where a profile lives (base URL, --suffix,
 * --profile, seconds), what a body holds (gzip'd pprof, or HTML, an empty
 * body, a text message) and merging several hosts' profiles, optionally
 * with each host as the root frame.
 *
 * Nothing here prints or exits. Functions are not thread-safe with respect
 * to the data they are given; different calls on different data may run in
 * parallel (libcurl is initialized once, safely).
 */
#ifndef FK_FETCH_FETCH_H
#define FK_FETCH_FETCH_H

#include "formats/pprof.h"
#include "profile/profile.h"

#include <stddef.h>
#include <stdint.h>

/* Largest body accepted from one URL, in bytes. */
#define FK_FETCH_MAX_BODY ((size_t)1 << 30)

/* What fk_fetch_many() reports while it waits. */
typedef struct fk_fetch_progress {
    double elapsed; /* seconds since the transfers started */
    size_t done;    /* transfers that have ended */
    size_t count;   /* transfers in all */
    uint64_t bytes; /* body bytes received so far, all transfers */
} fk_fetch_progress;

typedef struct fk_fetch_opts {
    int version;            /* FK_FETCH_OPTS_VERSION */
    double timeout;         /* seconds for a whole transfer; 0: none */
    double connect_timeout; /* seconds to connect (10) */
    size_t max_body;        /* bytes per body (FK_FETCH_MAX_BODY) */
    /* Called on the calling thread about every 100 ms while transfers run,
     * and once when they have all ended. May be NULL. */
    void (*progress)(const fk_fetch_progress *p, void *payload);
    /* Polled as often; a non-zero return aborts every transfer still running
     * (each then fails with "interrupted"). May be NULL. Polling is also how
     * a signal handler that sets a flag reaches the transfers. */
    int (*cancel)(void *payload);
    void *payload;
} fk_fetch_opts;

#define FK_FETCH_OPTS_VERSION 1
#define FK_FETCH_OPTS_INIT                                                                         \
    {                                                                                              \
        FK_FETCH_OPTS_VERSION, 0.0, 10.0, FK_FETCH_MAX_BODY, NULL, NULL, NULL                      \
    }

/* The outcome of one transfer. Everything in it is owned by the result and
 * released by fk_fetch_result_free(). */
typedef struct fk_fetch_result {
    char *url;          /* the URL asked for */
    int err;            /* 0, or FK_EIO (transport, HTTP status), FK_ELIMIT (body too big) */
    char *message;      /* when err: "URL: cause", one line */
    long status;        /* the HTTP status, 0 when none arrived */
    char *content_type; /* the Content-Type header, or NULL */
    unsigned char *body;
    size_t len;
} fk_fetch_result;

/* Fetch `n` URLs concurrently. out[0..n) are filled in (and must be freed
 * with fk_fetch_result_free even on failure). A status of 400 or more is a
 * failure whose message carries the server's text. Returns 0 when every
 * transfer succeeded; otherwise the first failure's code, with its message
 * as the last error. FK_EINVAL for bad options, FK_ENOMEM. */
int fk_fetch_many(fk_fetch_result *out, const char *const *urls, size_t n,
                  const fk_fetch_opts *opts);

void fk_fetch_result_free(fk_fetch_result *r);

/* ---- profiles ----------------------------------------------------------- */

/* 1 if `s` looks like a URL flamekit fetches (http:// or https://). */
int fk_fetch_is_url(const char *s);

/* The URL of a profile, as go-torch and pprof build it, in *out (fkx_malloc'd).
 *  - `base` with no path, or "/", gets "/debug/pprof"; a path ending in
 *    /debug/pprof is the pprof root; any other path that ends in a profile's
 *    name (…/profile, …/heap) is taken as the profile's own URL;
 *  - `suffix` (may be NULL) replaces all that: base + suffix, verbatim;
 *  - `profile` (NULL or "cpu": the CPU profile) is heap, allocs, goroutine,
 *    block, mutex, threadcreate (Go), threads (libflamekit-prof's thread
 *    stacks), or a full URL, used as it is;
 *  - the CPU profile gets "?seconds=N" unless the URL has a query already.
 * FK_EINVAL (message says why) for a bad URL or profile name. */
int fk_fetch_profile_url(char **out, const char *base, const char *suffix, const char *profile,
                         long seconds);

/* "host:port" of a URL (the port only when the URL has one), for labels. */
int fk_fetch_host_label(char **out, const char *url);

/* Decode a successful transfer's body as a pprof profile (gzip'd or not).
 * A body that is empty, HTML, or text gets FK_EFORMAT with a message
 * naming the URL and saying what it is instead (quoting a text body's first
 * line). *out is owned by the caller (fk_pprof_free). */
int fk_fetch_decode(fk_pprof **out, const fk_fetch_result *r);

/* Add `pp` to `dst`: the first profile added sets dst's sample types and
 * its default column (`sample_index`, as fk_pprof_sample_index; NULL for
 * pprof's default); later ones must have the same types (else FK_EINVAL
 * naming both inputs and their types). `label` (may be NULL) becomes the
 * root frame of every stack. Samples that are 0 in the default column are
 * left out; *samples (may be NULL) counts those added. */
int fk_fetch_merge(fk_profile *dst, const fk_pprof *pp, const char *sample_index, const char *label,
                   uint64_t *samples);

#endif
