/*
 * prof-overhead-httpd.c - the HTTP server of bench/prof-overhead-http: a
 * small libmicrohttpd server on 127.0.0.1 whose GET /ping costs a little
 * CPU (integer hashing a few calls deep, so unwinding has something to
 * walk) and answers "pong". With -prof HZ it profiles itself through
 * libflamekit-prof for its whole life, as a server that leaves the
 * profiler on would.
 *
 *   prof-overhead-httpd [-threads N] [-work N] [-prof HZ] [-unwind fp|libunwind]
 *
 * Prints "listening on 127.0.0.1:PORT" once serving. On SIGTERM or SIGINT
 * it stops and prints what it served and its CPU time per request (and,
 * profiled, the handler's nanoseconds per sample). Bench-only: not a
 * general server.
 */
#define _GNU_SOURCE

#include "flamekit/prof.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static _Atomic uint64_t served;
static uint64_t table[1 << 12];
static unsigned work = 2000;

__attribute__((noinline)) static uint64_t mix(uint64_t x, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        x ^= table[x & ((1 << 12) - 1)];
        x = x * 0x9e3779b97f4a7c15ull + 1;
    }
    return x;
}

__attribute__((noinline)) static uint64_t ping_work(uint64_t seed, int depth)
{
    return depth == 0 ? mix(seed, work) : ping_work(seed + 1, depth - 1) ^ 1;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)cls;
    (void)version;
    (void)upload_data;
    static const char pong[] = "pong\n", missing[] = "404 page not found\n";
    /* Answer on the second call, once MHD has the whole request: a
     * response queued on the first call makes MHD close the connection. */
    static int marker;
    if (*req_cls == NULL) {
        *req_cls = &marker;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    int ok = strcmp(method, "GET") == 0 && strcmp(url, "/ping") == 0;
    if (ok) {
        uint64_t v = ping_work((uint64_t)(uintptr_t)conn, 6);
        if (v == 42) /* keeps the work */
            fputs("", stderr);
        atomic_fetch_add_explicit(&served, 1, memory_order_relaxed);
    }
    const char *body = ok ? pong : missing;
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
                                                             MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    enum MHD_Result ret = MHD_queue_response(conn, ok ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND, r);
    MHD_destroy_response(r);
    return ret;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    unsigned threads = 2;
    int hz = 0;
    const char *unwind = "fp";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-threads") == 0 && i + 1 < argc)
            threads = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "-work") == 0 && i + 1 < argc)
            work = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "-prof") == 0 && i + 1 < argc)
            hz = atoi(argv[++i]);
        else if (strcmp(argv[i], "-unwind") == 0 && i + 1 < argc)
            unwind = argv[++i];
    }
    if (threads < 1 || threads > 64)
        threads = 2;
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        table[i] = i * 0x2545f4914f6cdd1dull;

    /* SIGTERM/SIGINT are taken by sigwait below, not by any thread. */
    sigset_t stop_set;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGTERM);
    sigaddset(&stop_set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_set, NULL);

    if (hz > 0) {
        fk_prof_options o = FK_PROF_OPTIONS_INIT;
        o.hz = hz;
        o.unwind = strcmp(unwind, "libunwind") == 0 ? FK_PROF_UNWIND_LIBUNWIND : FK_PROF_UNWIND_FP;
        if (fk_prof_start("/dev/null", &o) < 0) {
            fprintf(stderr, "httpd: %s\n", fk_prof_error_last()->message);
            return 1;
        }
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, on_request, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "httpd: cannot serve on 127.0.0.1\n");
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
    struct sockaddr_in bound;
    socklen_t bl = sizeof bound;
    if (info == NULL || getsockname(info->listen_fd, (struct sockaddr *)&bound, &bl) != 0) {
        fprintf(stderr, "httpd: no listening socket\n");
        MHD_stop_daemon(d);
        return 1;
    }
    printf("listening on 127.0.0.1:%d\n", ntohs(bound.sin_port));
    fflush(stdout);

    double c0 = cpu_seconds();
    uint64_t n0 = atomic_load(&served);
    int sig;
    sigwait(&stop_set, &sig);
    double cpu = cpu_seconds() - c0;
    uint64_t n = atomic_load(&served) - n0;
    MHD_stop_daemon(d);
    printf("requests %llu cpu_seconds %.3f cpu_us_per_request %.2f\n", (unsigned long long)n, cpu,
           n ? cpu * 1e6 / (double)n : 0.0);
    if (hz > 0) {
        fk_prof_stats st;
        fk_prof_stats_get(&st);
        if (fk_prof_stop() < 0)
            fprintf(stderr, "httpd: %s\n", fk_prof_error_last()->message);
        printf("samples %llu dropped %llu handler_ns_per_sample %.0f\n",
               (unsigned long long)st.samples, (unsigned long long)st.dropped,
               st.samples ? (double)st.handler_ns / (double)st.samples : 0.0);
    }
    return 0;
}
