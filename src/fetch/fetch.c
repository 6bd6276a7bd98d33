/*
 * fetch.c - HTTP transfers with libcurl's multi interface: every URL at
 * once on the calling thread, with timeouts, a size cap on bodies, progress
 * reports and cancellation, and one clear line per failure.
 *
 * No signals are used (CURLOPT_NOSIGNAL; curl's threaded resolver), so the
 * caller's signal handlers stay its own; a handler that sets a flag reaches
 * the transfers through the cancel callback, which is polled every 100 ms.
 */
#include "fetch.h"

#include "curl_api.h"

#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define POLL_MS 100

typedef struct transfer {
    fk_fetch_result *res;
    CURL *easy;
    size_t cap;       /* allocated bytes of res->body */
    size_t max_body;  /* the cap on res->len */
    int too_big;      /* the body passed max_body */
    int done;         /* ended, result filled in */
    char reason[128]; /* the reason phrase of the last status line */
    char errbuf[CURL_ERROR_SIZE];
} transfer;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static CURLcode init_code = CURLE_FAILED_INIT;

static void global_init(void)
{
    init_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    fk_fetch_result *r = t->res;
    if (n > t->max_body - r->len) {
        t->too_big = 1;
        return 0; /* curl fails the transfer with CURLE_WRITE_ERROR */
    }
    if (r->len + n > t->cap) {
        void *p = r->body;
        size_t cap = t->cap;
        if (fkx_grow(&p, &cap, r->len + n, 1) < 0)
            return 0;
        r->body = p;
        t->cap = cap;
    }
    memcpy(r->body + r->len, data, n);
    r->len += n;
    return n;
}

/* Keep the reason phrase of each status line ("HTTP/1.1 400 Bad Request");
 * after redirects the last one is the one that counts. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    if (n > 5 && memcmp(data, "HTTP/", 5) == 0) {
        size_t i = 5;
        while (i < n && data[i] != ' ')
            i++; /* version */
        while (i < n && data[i] == ' ')
            i++;
        while (i < n && data[i] >= '0' && data[i] <= '9')
            i++; /* status */
        while (i < n && data[i] == ' ')
            i++;
        size_t end = n;
        while (end > i && (data[end - 1] == '\r' || data[end - 1] == '\n'))
            end--;
        size_t len = end - i < sizeof t->reason - 1 ? end - i : sizeof t->reason - 1;
        memcpy(t->reason, data + i, len);
        t->reason[len] = '\0';
    }
    return n;
}

/* The server's own words from an error body: its first non-blank line,
 * printable ASCII only, at most `cap` - 1 bytes. "" when there are none or
 * when the body is an HTML page. */
static void server_text(const unsigned char *b, size_t len, char *buf, size_t cap)
{
    size_t i = 0, k = 0;
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    if (i < len && b[i] == '<') {
        snprintf(buf, cap, "(an HTML page)");
        return;
    }
    for (; i < len && b[i] != '\n' && b[i] != '\r' && k + 1 < cap; i++)
        buf[k++] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '?';
    while (k > 0 && buf[k - 1] == ' ')
        k--;
    buf[k] = '\0';
}

static int set_message(fk_fetch_result *r, int code, const char *fmt, ...) FKX_PRINTF(3, 4);

static int set_message(fk_fetch_result *r, int code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char line[1536];
    snprintf(line, sizeof line, "%s: %s", r->url, msg);
    fkx_free(r->message);
    r->message = fkx_strdup(line);
    r->err = code;
    return code;
}

static void host_of(const char *url, char *buf, size_t cap)
{
    snprintf(buf, cap, "?");
    if (fk_curl_load() < 0)
        return;
    CURLU *u = curl_url();
    char *host = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        snprintf(buf, cap, "%s", host);
    curl_free(host);
    curl_url_cleanup(u);
}

/* Fill in the result of a transfer that ended with `code`. */
static void finish(transfer *t, CURLcode code, double limit)
{
    fk_fetch_result *r = t->res;
    CURL *e = t->easy;
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    r->status = status;
    char *ct = NULL;
    if (curl_easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != NULL)
        r->content_type = fkx_strdup(ct);
    t->done = 1;
    char host[256];
    switch (code) {
    case CURLE_OK:
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
        host_of(r->url, host, sizeof host);
        set_message(r, FK_EIO, "cannot resolve host name '%s' (DNS failure)", host);
        return;
    case CURLE_COULDNT_CONNECT: {
        long os = 0;
        curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os);
        if (os == ECONNREFUSED)
            set_message(r, FK_EIO, "connection refused (is the server running on that port?)");
        else
            set_message(r, FK_EIO, "cannot connect: %s",
                        os ? strerror((int)os) : (t->errbuf[0] ? t->errbuf : "failed"));
        return;
    }
    case CURLE_OPERATION_TIMEDOUT:
        if (status == 0 && r->len == 0)
            set_message(r, FK_EIO, "timed out after %g s with no response", limit);
        else
            set_message(r, FK_EIO, "timed out after %g s (%zu bytes received)", limit, r->len);
        return;
    case CURLE_WRITE_ERROR:
        if (t->too_big) {
            set_message(r, FK_ELIMIT, "the response is larger than %zu bytes", t->max_body);
            return;
        }
        if (r->body == NULL || t->cap < r->len) {
            set_message(r, FK_ENOMEM, "out of memory while receiving the response");
            return;
        }
        set_message(r, FK_EIO, "%s", t->errbuf[0] ? t->errbuf : curl_easy_strerror(code));
        return;
    default:
        set_message(r, FK_EIO, "%s", t->errbuf[0] ? t->errbuf : curl_easy_strerror(code));
        return;
    }
    if (status >= 400) {
        char text[256];
        server_text(r->body, r->len, text, sizeof text);
        set_message(r, FK_EIO, "HTTP %ld%s%s%s%s", status, t->reason[0] ? " " : "", t->reason,
                    text[0] ? ": " : "", text);
    }
}

static int setup(transfer *t, const fk_fetch_opts *o)
{
    CURL *e = curl_easy_init();
    if (e == NULL)
        return fkx_error_nomem();
    t->easy = e;
    int ok = 1;
    ok &= curl_easy_setopt(e, CURLOPT_URL, t->res->url) == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_PRIVATE, (void *)t) == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)t) == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)t) == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf) == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L) == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_USERAGENT, "flamekit/" FK_VERSION_STRING) == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
    ok &= curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") == CURLE_OK;
    if (o->timeout > 0)
        ok &= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(o->timeout * 1000.0)) == CURLE_OK;
    if (o->connect_timeout > 0)
        ok &= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(o->connect_timeout * 1000.0)) ==
              CURLE_OK;
    if (!ok)
        return fkx_error_set(FK_EINVAL, "%s: libcurl refused an option", t->res->url);
    return 0;
}

static void report(const fk_fetch_opts *o, const transfer *ts, size_t n, double start)
{
    if (o->progress == NULL)
        return;
    fk_fetch_progress p = {now_seconds() - start, 0, n, 0};
    for (size_t i = 0; i < n; i++) {
        p.done += (size_t)ts[i].done;
        p.bytes += ts[i].res->len;
    }
    o->progress(&p, o->payload);
}

int fk_fetch_many(fk_fetch_result *out, const char *const *urls, size_t n,
                  const fk_fetch_opts *opts)
{
    fk_fetch_opts defaults = FK_FETCH_OPTS_INIT;
    const fk_fetch_opts *o = opts ? opts : &defaults;
    if (o->version != FK_FETCH_OPTS_VERSION)
        return fkx_error_set(FK_EINVAL, "fk_fetch_opts: unknown version %d", o->version);
    memset(out, 0, n * sizeof *out);
    for (size_t i = 0; i < n; i++)
        if ((out[i].url = fkx_strdup(urls[i])) == NULL)
            return FK_ENOMEM;
    int lerr = fk_curl_load();
    if (lerr < 0)
        return lerr;
    pthread_once(&init_once, global_init);
    if (init_code != CURLE_OK)
        return fkx_error_set(FK_EIO, "libcurl cannot start: %s", curl_easy_strerror(init_code));

    transfer *ts = fkx_calloc(n ? n : 1, sizeof *ts);
    CURLM *multi = curl_multi_init();
    int err = ts && multi ? 0 : fkx_error_nomem();
    for (size_t i = 0; err == 0 && i < n; i++) {
        ts[i].res = &out[i];
        ts[i].max_body = o->max_body ? o->max_body : FK_FETCH_MAX_BODY;
        if ((err = setup(&ts[i], o)) == 0 && curl_multi_add_handle(multi, ts[i].easy) != CURLM_OK)
            err = fkx_error_set(FK_ENOMEM, "%s: cannot start the transfer", urls[i]);
    }
    double start = now_seconds(), last = start;
    int running = 1, cancelled = 0;
    while (err == 0 && running > 0) {
        if (curl_multi_perform(multi, &running) != CURLM_OK) {
            err = fkx_error_set(FK_EIO, "libcurl's transfer loop failed");
            break;
        }
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            transfer *t = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)(void *)&t);
            finish(t, m->data.result, o->timeout);
        }
        if (running == 0)
            break;
        if (o->cancel && o->cancel(o->payload)) {
            cancelled = 1;
            break;
        }
        double t = now_seconds();
        if (t - last >= POLL_MS / 1000.0) {
            report(o, ts, n, start);
            last = t;
        }
        curl_multi_poll(multi, NULL, 0, POLL_MS, NULL);
    }
    int first = 0;
    for (size_t i = 0; i < n && ts; i++) {
        if (err == 0 && !ts[i].done)
            set_message(&out[i], FK_EIO, "%s", cancelled ? "interrupted" : "transfer not finished");
        if (out[i].err < 0 && first == 0) {
            first = out[i].err;
            fkx_error_set(first, "%s", out[i].message ? out[i].message : out[i].url);
        }
    }
    if (err == 0 && !cancelled)
        report(o, ts, n, start);
    for (size_t i = 0; ts && i < n; i++) {
        if (ts[i].easy) {
            if (multi)
                curl_multi_remove_handle(multi, ts[i].easy);
            curl_easy_cleanup(ts[i].easy);
        }
    }
    if (multi)
        curl_multi_cleanup(multi);
    fkx_free(ts);
    return err < 0 ? err : first;
}

void fk_fetch_result_free(fk_fetch_result *r)
{
    if (r == NULL)
        return;
    fkx_free(r->url);
    fkx_free(r->message);
    fkx_free(r->content_type);
    fkx_free(r->body);
    memset(r, 0, sizeof *r);
}
