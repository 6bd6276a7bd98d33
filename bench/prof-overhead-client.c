/*
 * prof-overhead-client.c - the load of bench/prof-overhead-http: C
 * keep-alive connections to 127.0.0.1:PORT, each sending GET /ping and
 * waiting for the answer before the next (a closed loop), until N requests
 * are done in all or S seconds have passed, whichever comes first. Prints
 * the requests done, the errors and the requests per second.
 *
 *   prof-overhead-client -port P [-c CONNS] [-n REQUESTS] [-t SECONDS]
 *
 * Bench-only, loopback-only, one fixed request: the general load generator
 * is `flamekit attack`'s job.
 */
#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port;
static double cap_seconds = 30;
static _Atomic long remaining;
static _Atomic long done, errors;
static struct timespec t_start;

static double since_start(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t_start.tv_sec) + (double)(t.tv_nsec - t_start.tv_nsec) / 1e9;
}

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {5, 0}; /* a stuck server cannot stall us */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* One exchange on fd: 0 when a whole 200 answer came back. */
static int exchange(int fd, char *buf, size_t cap)
{
    static const char req[] = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    size_t off = 0;
    while (off < sizeof req - 1) {
        ssize_t w = send(fd, req + off, sizeof req - 1 - off, MSG_NOSIGNAL);
        if (w <= 0 && errno != EINTR)
            return -1;
        if (w > 0)
            off += (size_t)w;
    }
    size_t len = 0, need = 0;
    for (;;) {
        if (len == cap - 1)
            return -1;
        ssize_t r = recv(fd, buf + len, cap - 1 - len, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        len += (size_t)r;
        buf[len] = '\0';
        if (need == 0) {
            char *end = strstr(buf, "\r\n\r\n");
            if (end == NULL)
                continue;
            char *cl = strcasestr(buf, "\r\nContent-Length:");
            if (cl == NULL || cl > end || strncmp(buf, "HTTP/1.1 200", 12) != 0)
                return -1;
            need = (size_t)(end + 4 - buf) + strtoul(cl + 17, NULL, 10);
        }
        if (len >= need)
            return len == need ? 0 : -1; /* nothing else may follow a closed-loop answer */
    }
}

static void *conn_main(void *arg)
{
    (void)arg;
    char buf[4096];
    int fd = dial();
    if (fd < 0) {
        atomic_fetch_add(&errors, 1);
        return NULL;
    }
    while (atomic_fetch_sub(&remaining, 1) > 0 && since_start() < cap_seconds) {
        if (exchange(fd, buf, sizeof buf) != 0) {
            atomic_fetch_add(&errors, 1);
            break;
        }
        atomic_fetch_add_explicit(&done, 1, memory_order_relaxed);
    }
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    int conns = 4;
    long n = 100000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-port") == 0 && i + 1 < argc)
            port = atoi(argv[++i]);
        else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            conns = atoi(argv[++i]);
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            n = atol(argv[++i]);
        else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc)
            cap_seconds = atof(argv[++i]);
    }
    if (port <= 0 || port > 65535 || conns < 1 || conns > 256 || n < 1 || !(cap_seconds > 0)) {
        fprintf(stderr, "usage: prof-overhead-client -port P [-c CONNS] [-n REQUESTS] "
                        "[-t SECONDS]\n");
        return 2;
    }
    atomic_store(&remaining, n);
    pthread_t th[256];
    clock_gettime(CLOCK_MONOTONIC, &t_start);
    int started = 0;
    for (; started < conns; started++)
        if (pthread_create(&th[started], NULL, conn_main, NULL) != 0)
            break;
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    double secs = since_start();
    long d = atomic_load(&done);
    printf("requests %ld errors %ld seconds %.3f requests_per_second %.1f\n", d,
           atomic_load(&errors), secs, secs > 0 ? (double)d / secs : 0.0);
    return atomic_load(&errors) == 0 && d > 0 ? 0 : 1;
}
