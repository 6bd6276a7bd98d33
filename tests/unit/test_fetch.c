/*
 * test_fetch.c - src/fetch: profile URLs as users write them, telling a
 * profile from HTML / empty / text bodies, merging with host labels and the
 * sample-type check, and real transfers on 127.0.0.1 (a canned HTTP server
 * thread, a closed port, a server that never answers, cancellation).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fetch/fetch.h"
#include "util/alloc.h"
#include "util/error.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void url_is(const char *base, const char *suffix, const char *profile, long seconds,
                   const char *want)
{
    char *got = NULL;
    assert_int_equal(fk_fetch_profile_url(&got, base, suffix, profile, seconds), 0);
    assert_string_equal(got, want);
    fkx_free(got);
}

static void profile_urls(void **state)
{
    (void)state;
    url_is("http://h:8080", NULL, NULL, 30, "http://h:8080/debug/pprof/profile?seconds=30");
    url_is("http://h:8080/", NULL, NULL, 5, "http://h:8080/debug/pprof/profile?seconds=5");
    url_is("http://h:8080/debug/pprof", NULL, NULL, 30,
           "http://h:8080/debug/pprof/profile?seconds=30");
    url_is("http://h:8080/debug/pprof/", NULL, "heap", 30, "http://h:8080/debug/pprof/heap");
    url_is("http://h:8080", NULL, "threads", 30, "http://h:8080/debug/pprof/threads");
    url_is("http://h:8080", NULL, "threadcreate", 30, "http://h:8080/debug/pprof/threadcreate");
    url_is("http://h:8080/debug/pprof/heap", NULL, NULL, 30, "http://h:8080/debug/pprof/heap");
    url_is("http://h:8080/admin/pprof", NULL, "mutex", 30, "http://h:8080/admin/pprof/mutex");
    url_is("http://h:8080", "/pprof/profile", NULL, 7, "http://h:8080/pprof/profile?seconds=7");
    url_is("http://h:8080", "/x/heap", NULL, 7, "http://h:8080/x/heap");
    url_is("http://ignored", NULL, "http://o:1/debug/pprof/profile", 3,
           "http://o:1/debug/pprof/profile?seconds=3");
    url_is("http://h", NULL, "http://o:1/debug/pprof/profile?seconds=9", 3,
           "http://o:1/debug/pprof/profile?seconds=9");
    url_is("localhost:8080", NULL, NULL, 1, "http://localhost:8080/debug/pprof/profile?seconds=1");
    char *got = NULL;
    assert_int_equal(fk_fetch_profile_url(&got, "http://h", NULL, "bogus", 1), FK_EINVAL);
    assert_non_null(strstr(fk_error_last()->message, "unknown profile 'bogus'"));
    assert_int_equal(fk_fetch_profile_url(&got, "http://h/debug/pprof/heap", NULL, "block", 1),
                     FK_EINVAL);
    assert_null(got);
    assert_true(fk_fetch_is_url("HTTP://x") && fk_fetch_is_url("https://x"));
    assert_false(fk_fetch_is_url("cpu.pb.gz"));

    assert_int_equal(fk_fetch_host_label(&got, "http://10.0.0.1:8080/debug/pprof"), 0);
    assert_string_equal(got, "10.0.0.1:8080");
    fkx_free(got);
    assert_int_equal(fk_fetch_host_label(&got, "https://example.com/p"), 0);
    assert_string_equal(got, "example.com");
    fkx_free(got);
}

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *b = malloc((size_t)16 << 20);
    *len = fread(b, 1, (size_t)16 << 20, f);
    fclose(f);
    return b;
}

static int decode_body(const void *body, size_t len, const char *ct, fk_pprof **pp)
{
    fk_fetch_result r;
    memset(&r, 0, sizeof r);
    r.url = "http://h/p";
    r.body = (unsigned char *)(uintptr_t)body;
    r.len = len;
    r.content_type = (char *)(uintptr_t)ct;
    return fk_fetch_decode(pp, &r);
}

static void bodies(void **state)
{
    (void)state;
    fk_pprof *pp = NULL;
    assert_int_equal(decode_body("", 0, NULL, &pp), FK_EFORMAT);
    assert_string_equal(fk_error_last()->message,
                        "http://h/p: the server sent an empty body, not a profile");
    const char html[] = "\n<html><body>hello</body></html>";
    assert_int_equal(decode_body(html, sizeof html - 1, "text/html", &pp), FK_EFORMAT);
    assert_non_null(strstr(fk_error_last()->message, "HTML page (text/html)"));
    const char text[] = "Could not enable CPU profiling: cpu profiling already in use\n";
    assert_int_equal(decode_body(text, sizeof text - 1, "text/plain", &pp), FK_EFORMAT);
    assert_non_null(
        strstr(fk_error_last()->message, "text, not a profile: 'Could not enable CPU profiling"));

    size_t len;
    unsigned char *gz = read_all(FK_CORPUS "/pprof/go-unbuffered/cpu.pb.gz", &len);
    assert_int_equal(decode_body(gz, len, "application/octet-stream", &pp), 0);
    assert_non_null(pp);
    assert_string_equal(pp->name, "http://h/p");
    fk_pprof_free(pp);
    pp = NULL;
    assert_int_equal(decode_body(gz, len / 2, NULL, &pp), FK_ETRUNCATED);
    assert_null(pp);
    gz[len / 2] ^= 0xff;
    gz[len / 2 + 1] ^= 0xff;
    int err = decode_body(gz, len, NULL, &pp);
    assert_true(err == FK_EFORMAT || err == FK_ETRUNCATED);
    free(gz);
}

static fk_pprof *load(const char *path)
{
    fk_pprof *pp = NULL;
    assert_int_equal(fk_pprof_load_path(&pp, path), 0);
    return pp;
}

static void merging(void **state)
{
    (void)state;
    fk_pprof *cpu = load(FK_CORPUS "/pprof/go-unbuffered/cpu.pb.gz");
    fk_pprof *cpu2 = load(FK_CORPUS "/pprof/go-buffered/cpu.pb.gz");
    fk_pprof *heap = load(FK_CORPUS "/pprof/go-unbuffered/heap.pb.gz");
    fk_profile p;
    assert_int_equal(fk_profile_init(&p), 0);
    uint64_t n1 = 0, n2 = 0;
    assert_int_equal(fk_fetch_merge(&p, cpu, "samples", "a:1", &n1), 0);
    assert_int_equal(fk_fetch_merge(&p, cpu2, "samples", "b:2", &n2), 0);
    assert_true(n1 > 0 && n2 > 0);
    assert_int_equal(p.default_type, 0);
    /* every stack starts at its host */
    for (size_t i = 0; i < p.nstacks; i++) {
        size_t depth;
        const uint32_t *f = fk_profile_stack(&p, i, &depth);
        const char *root = fk_profile_string(&p, f[0]).ptr;
        assert_true(strcmp(root, "a:1") == 0 || strcmp(root, "b:2") == 0);
    }
    assert_int_equal(fk_fetch_merge(&p, heap, NULL, NULL, NULL), FK_EINVAL);
    assert_non_null(strstr(fk_error_last()->message, "cannot merge a profile of alloc_objects"));
    fk_profile_free(&p);

    /* heap: pprof's default column is inuse_space */
    assert_int_equal(fk_profile_init(&p), 0);
    assert_int_equal(fk_fetch_merge(&p, heap, NULL, NULL, NULL), 0);
    assert_string_equal(fk_profile_string(&p, p.types[p.default_type].type).ptr, "inuse_space");
    fk_profile_free(&p);
    fk_pprof_free(cpu);
    fk_pprof_free(cpu2);
    fk_pprof_free(heap);
}

/* ---- a canned HTTP server on 127.0.0.1 --------------------------------- */

typedef struct server {
    int fd;
    int port;
    int answers; /* connections to answer, then stop */
    const char *response;
    size_t response_len;
    pthread_t thread;
} server;

static int listen_loopback(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 16), 0);
    socklen_t al = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void *serve(void *arg)
{
    server *s = arg;
    for (int i = 0; i < s->answers; i++) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            break;
        char req[4096];
        ssize_t got = 0, n;
        while ((n = read(c, req + got, sizeof req - 1 - (size_t)got)) > 0) {
            got += n;
            req[got] = '\0';
            if (strstr(req, "\r\n\r\n"))
                break;
        }
        size_t off = 0;
        while (off < s->response_len &&
               (n = write(c, s->response + off, s->response_len - off)) > 0)
            off += (size_t)n;
        close(c);
    }
    return NULL;
}

static void server_start(server *s, const char *response, int answers)
{
    s->fd = listen_loopback(&s->port);
    s->response = response;
    s->response_len = strlen(response);
    s->answers = answers;
    assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(server *s)
{
    pthread_join(s->thread, NULL);
    close(s->fd);
}

static void http_errors_and_bodies(void **state)
{
    (void)state;
    server s;
    server_start(&s,
                 "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                 "Content-Length: 46\r\nConnection: close\r\n\r\n"
                 "profile duration exceeds server's WriteTimeout\n",
                 3);
    char u[3][128];
    const char *urls[3];
    for (int i = 0; i < 3; i++) {
        snprintf(u[i], sizeof u[i], "http://127.0.0.1:%d/debug/pprof/profile?seconds=%d", s.port,
                 i + 40);
        urls[i] = u[i];
    }
    fk_fetch_result res[3];
    fk_fetch_opts fo = FK_FETCH_OPTS_INIT;
    fo.timeout = 30;
    assert_int_equal(fk_fetch_many(res, urls, 3, &fo), FK_EIO);
    for (int i = 0; i < 3; i++) {
        char want[512];
        snprintf(want, sizeof want,
                 "%s: HTTP 400 Bad Request: profile duration exceeds server's WriteTimeout", u[i]);
        assert_int_equal(res[i].status, 400);
        assert_string_equal(res[i].message, want);
        fk_fetch_result_free(&res[i]);
    }
    server_stop(&s);

    server_start(&s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 1);
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", s.port);
    const char *one[] = {url};
    fo.max_body = 4;
    assert_int_equal(fk_fetch_many(res, one, 1, &fo), FK_ELIMIT);
    assert_non_null(strstr(res[0].message, "larger than 4 bytes"));
    fk_fetch_result_free(&res[0]);
    server_stop(&s);

    server_start(&s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 1);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", s.port);
    fo.max_body = 0;
    assert_int_equal(fk_fetch_many(res, one, 1, &fo), 0);
    assert_int_equal(res[0].len, 5);
    assert_memory_equal(res[0].body, "hello", 5);
    fk_fetch_result_free(&res[0]);
    server_stop(&s);
}

static void refused(void **state)
{
    (void)state;
    int port;
    int fd = listen_loopback(&port);
    close(fd); /* nothing listens there now */
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/debug/pprof/heap", port);
    const char *urls[] = {url};
    fk_fetch_result res;
    assert_int_equal(fk_fetch_many(&res, urls, 1, NULL), FK_EIO);
    assert_non_null(strstr(res.message, "connection refused"));
    assert_non_null(strstr(fk_error_last()->message, url));
    fk_fetch_result_free(&res);
}

static int polls;
static int cancel_after_two(void *payload)
{
    (void)payload;
    return ++polls > 2;
}

static void progress_count(const fk_fetch_progress *p, void *payload)
{
    (void)p;
    (*(int *)payload)++;
}

static void silent_server_times_out_or_is_cancelled(void **state)
{
    (void)state;
    int port;
    int fd = listen_loopback(&port); /* accepts (backlog) but never answers */
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/debug/pprof/profile?seconds=1", port);
    const char *urls[] = {url};
    fk_fetch_result res;
    fk_fetch_opts fo = FK_FETCH_OPTS_INIT;
    fo.timeout = 0.3;
    assert_int_equal(fk_fetch_many(&res, urls, 1, &fo), FK_EIO);
    assert_non_null(strstr(res.message, "timed out after 0.3 s with no response"));
    fk_fetch_result_free(&res);

    int reports = 0;
    fo.timeout = 0;
    fo.cancel = cancel_after_two;
    fo.progress = progress_count;
    fo.payload = &reports;
    assert_int_equal(fk_fetch_many(&res, urls, 1, &fo), FK_EIO);
    assert_non_null(strstr(res.message, ": interrupted"));
    fk_fetch_result_free(&res);
    close(fd);

    fo.version = 99;
    assert_int_equal(fk_fetch_many(&res, urls, 1, &fo), FK_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(profile_urls), cmocka_unit_test(bodies),
        cmocka_unit_test(merging),      cmocka_unit_test(http_errors_and_bodies),
        cmocka_unit_test(refused),      cmocka_unit_test(silent_server_times_out_or_is_cancelled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
