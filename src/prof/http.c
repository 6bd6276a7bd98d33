/*
 * http.c - the /debug/pprof/ endpoint, as Go's net/http/pprof serves it:
 * the same paths, parameters, status codes, headers and texts, since
 * `go tool pprof` and other clients depend on them.
 *
 *   /debug/pprof/                  the index page
 *   /debug/pprof/profile?seconds=N CPU profile (default 30 s; ?hz=1..1000)
 *   /debug/pprof/cmdline           argv joined by NUL bytes
 *   /debug/pprof/symbol            pprof's symbolization protocol (GET, POST)
 *   /debug/pprof/threads           every thread's stack (?debug=1: text)
 *
 * Errors carry X-Go-Pprof: 1 and a one-line text body, as Go's serveError
 * writes them. One deliberate difference: a `seconds` that is not a
 * positive integer gets 400 (Go falls back to 30 s).
 *
 * A profile request blocks its connection's thread for the duration and
 * polls the client's socket every 100 ms; a client that goes away stops the
 * profile early. The handler works in this library's own daemon (thread per
 * connection) or mounted in an application's daemon (fk_prof_mhd_handle).
 */
#include "prof_int.h"

#include "util/error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PREFIX         "/debug/pprof/"
#define MAX_POST_BYTES ((size_t)4 << 20)
#define REQ_MAGIC      0x66707271u

/* Per-request state, only for requests with a body (POST). */
typedef struct req {
    uint32_t magic;
    char *body;
    size_t len, cap;
} req;

static const char text_plain[] = "text/plain; charset=utf-8";

/* ---- responses ---------------------------------------------------------- */

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type,
                               const void *data, size_t len, const char *disposition, int go_error)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    if (disposition != NULL)
        MHD_add_response_header(r, "Content-Disposition", disposition);
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (go_error)
        MHD_add_response_header(r, "X-Go-Pprof", "1");
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

/* Go's serveError: the text and a newline. */
static enum MHD_Result serve_error(struct MHD_Connection *c, unsigned status, const char *text)
{
    char body[512];
    int n = snprintf(body, sizeof body, "%s\n", text);
    size_t len = n < 0 ? 0 : (size_t)n >= sizeof body ? sizeof body - 1 : (size_t)n;
    return respond(c, status, text_plain, body, len, NULL, 1);
}

/* ---- parameters --------------------------------------------------------- */

/* Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits. */
static int parse_int(const char *s, long long *out)
{
    const char *p = s;
    int neg = 0;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (*p == '\0')
        return -1;
    unsigned long long v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > (unsigned long long)INT64_MAX / 10)
            return -1;
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v > (unsigned long long)INT64_MAX)
        return -1;
    *out = neg ? -(long long)v : (long long)v;
    return 0;
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

/* Constant-time comparison of the Authorization header with the token. */
static int authorized(struct MHD_Connection *c, const char *token)
{
    if (token == NULL || token[0] == '\0')
        return 1;
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (h == NULL || strncmp(h, "Bearer ", 7) != 0)
        return 0;
    h += 7;
    size_t hl = strlen(h), tl = strlen(token);
    unsigned diff = (unsigned)(hl != tl);
    for (size_t i = 0; i < tl; i++)
        diff |= (unsigned)(unsigned char)token[i] ^ (unsigned)(unsigned char)(i < hl ? h[i] : 0);
    return diff == 0;
}

/* ---- the handlers ------------------------------------------------------- */

typedef struct entry {
    const char *name, *desc;
} entry;

static enum MHD_Result serve_index(struct MHD_Connection *c)
{
    pid_t tids[FKP_SNAP_THREADS];
    size_t nthreads = fkp_threads_list(tids, FKP_SNAP_THREADS);
    static const entry profiles[] = {
        {"cmdline", "The command line invocation of the current program"},
        {"profile", "CPU profile. You can specify the duration in the seconds GET parameter. "
                    "After you get the profile file, use the go tool pprof command to "
                    "investigate the profile."},
        {"threads", "Stack traces of all current threads"},
    };
    char page[4096];
    size_t n = 0;
#define PUT(...) n += (size_t)snprintf(page + n, sizeof page - n, __VA_ARGS__)
    PUT("<html>\n<head>\n<title>/debug/pprof/</title>\n<style>\n.profile-name{\n"
        "\tdisplay:inline-block;\n\twidth:6rem;\n}\n</style>\n</head>\n<body>\n"
        "/debug/pprof/<br>\n<br>\nTypes of profiles available:\n<table>\n"
        "<thead><td>Count</td><td>Profile</td></thead>\n");
    for (size_t i = 0; i < sizeof profiles / sizeof *profiles; i++)
        PUT("<tr><td>%zu</td><td><a href='%s?debug=1'>%s</a></td></tr>\n",
            strcmp(profiles[i].name, "threads") == 0 ? nthreads : 0, profiles[i].name,
            profiles[i].name);
    PUT("</table>\n<a href=\"threads?debug=2\">full thread stack dump</a>\n<br>\n<p>\n"
        "Profile Descriptions:\n<ul>\n");
    for (size_t i = 0; i < sizeof profiles / sizeof *profiles; i++)
        PUT("<li><div class=profile-name>%s: </div> %s</li>\n", profiles[i].name, profiles[i].desc);
    PUT("</ul>\n</p>\n</body>\n</html>");
#undef PUT
    if (n >= sizeof page)
        n = sizeof page - 1;
    return respond(c, MHD_HTTP_OK, "text/html; charset=utf-8", page, n, NULL, 0);
}

static enum MHD_Result serve_cmdline(struct MHD_Connection *c)
{
    char buf[65536];
    size_t n = 0;
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        for (;;) {
            ssize_t r = read(fd, buf + n, sizeof buf - n);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            n += (size_t)r;
            if (n == sizeof buf)
                break;
        }
        close(fd);
    }
    if (n > 0 && buf[n - 1] == '\0') /* Go joins the arguments: no final NUL */
        n--;
    return respond(c, MHD_HTTP_OK, text_plain, buf, n, NULL, 0);
}

/* True once the client has closed its side or the socket failed. */
static int client_gone(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci == NULL)
        return 0;
    struct pollfd p = {ci->connect_fd, POLLRDHUP, 0};
    int rc = poll(&p, 1, 0);
    return rc > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static enum MHD_Result serve_profile(struct MHD_Connection *c, const fk_prof_serve_options *o)
{
    long long sec = 30;
    const char *s = arg(c, "seconds");
    if (s != NULL && s[0] != '\0' && (parse_int(s, &sec) < 0 || sec <= 0))
        return serve_error(c, MHD_HTTP_BAD_REQUEST,
                           "invalid value for \"seconds\" - must be a positive integer");
    if (o->write_timeout > 0 && (double)sec >= o->write_timeout)
        return serve_error(c, MHD_HTTP_BAD_REQUEST,
                           "profile duration exceeds server's WriteTimeout");
    fk_prof_options po;
    if (fkp_options_read(&po, &o->prof) < 0) {
        char text[512];
        snprintf(text, sizeof text, "Could not enable CPU profiling: %s", fk_error_last()->message);
        return serve_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, text);
    }
    const char *hz = arg(c, "hz");
    long long h;
    if (hz != NULL && hz[0] != '\0') {
        if (parse_int(hz, &h) < 0 || h < 1 || h > 1000)
            return serve_error(c, MHD_HTTP_BAD_REQUEST,
                               "invalid value for \"hz\" - must be an integer in 1..1000");
        po.hz = (int)h;
    }
    int err = fkp_session_begin(&po);
    if (err < 0) {
        char text[512];
        snprintf(text, sizeof text, "Could not enable CPU profiling: %s", fk_error_last()->message);
        return serve_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, text);
    }
    int64_t end = mono_ms() + sec * 1000;
    int gone = 0;
    for (int64_t now = mono_ms(); now < end && !(gone = client_gone(c)); now = mono_ms()) {
        int64_t wait = end - now < 100 ? end - now : 100;
        struct timespec ts = {0, (long)wait * 1000000};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    fkp_result r;
    if ((err = fkp_session_end(&r)) < 0)
        return serve_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, fk_error_last()->message);
    if (gone) {
        fkp_agg_free(&r.agg);
        return MHD_NO; /* closes the connection */
    }
    unsigned char *bytes = NULL;
    size_t len = 0;
    fkp_export_lock();
    err = fkp_export_pprof(&r, FKP_KIND_CPU, &bytes, &len);
    fkp_export_unlock();
    fkp_agg_free(&r.agg);
    if (err < 0)
        return serve_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, fk_error_last()->message);
    enum MHD_Result ok = respond(c, MHD_HTTP_OK, "application/octet-stream", bytes, len,
                                 "attachment; filename=\"profile\"", 0);
    free(bytes);
    return ok;
}

static enum MHD_Result serve_threads(struct MHD_Connection *c)
{
    const char *dbg = arg(c, "debug");
    long long debug = 0;
    if (dbg != NULL && parse_int(dbg, &debug) < 0)
        debug = 0;
    fkp_result r;
    int err = fkp_snapshot(&r);
    if (err < 0) {
        fkp_agg_free(&r.agg);
        return serve_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, fk_error_last()->message);
    }
    enum MHD_Result ok;
    fkp_export_lock();
    if (debug != 0) {
        char *text = NULL;
        size_t len = 0;
        err = fkp_export_text(&r, &text, &len);
        fkp_export_unlock();
        ok = err < 0 ? serve_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, fk_error_last()->message)
                     : respond(c, MHD_HTTP_OK, text_plain, text, len, NULL, 0);
        free(text);
    } else {
        unsigned char *bytes = NULL;
        size_t len = 0;
        err = fkp_export_pprof(&r, FKP_KIND_THREADS, &bytes, &len);
        fkp_export_unlock();
        ok = err < 0 ? serve_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, fk_error_last()->message)
                     : respond(c, MHD_HTTP_OK, "application/octet-stream", bytes, len,
                               "attachment; filename=\"threads\"", 0);
        free(bytes);
    }
    fkp_agg_free(&r.agg);
    return ok;
}

/* GET: the query's keys and values, rejoined (MHD has split them). */
typedef struct joined {
    char buf[65536];
    size_t len;
} joined;

static enum MHD_Result join_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    (void)kind;
    joined *j = cls;
    int n = snprintf(j->buf + j->len, sizeof j->buf - j->len, "%s%s%s+", key ? key : "",
                     value ? "=" : "", value ? value : "");
    if (n > 0)
        j->len += (size_t)n < sizeof j->buf - j->len ? (size_t)n : sizeof j->buf - j->len - 1;
    return MHD_YES;
}

/* pprof's symbol protocol: "num_symbols: 1", then "ADDR NAME" per known
 * address of a "+"-separated list. */
static enum MHD_Result serve_symbol(struct MHD_Connection *c, const char *body, size_t body_len)
{
    joined *j = NULL;
    if (body == NULL) {
        if ((j = calloc(1, sizeof *j)) == NULL)
            return MHD_NO;
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, join_arg, j);
        body = j->buf;
        body_len = j->len;
    }
    size_t cap = 64 + body_len * 8, n = 0;
    char *out = malloc(cap);
    fkp_symtab *sym = NULL;
    if (out == NULL) {
        free(j);
        return MHD_NO;
    }
    n += (size_t)snprintf(out, cap, "num_symbols: 1\n");
    fkp_export_lock();
    int have = fkp_symtab_new(&sym) == 0;
    size_t i = 0;
    while (have && i < body_len) {
        size_t k = i;
        while (k < body_len && body[k] != '+' && body[k] != ' ')
            k++;
        char word[32];
        size_t wl = k - i < sizeof word - 1 ? k - i : sizeof word - 1;
        memcpy(word, body + i, wl);
        word[wl] = '\0';
        i = k + 1;
        char *end;
        errno = 0;
        unsigned long long pc = strtoull(word, &end, 0);
        if (pc == 0 || *end != '\0' || errno != 0)
            continue;
        fkp_frame f[32];
        size_t nf = fkp_symtab_lookup(sym, (uintptr_t)pc, f, 32);
        if (nf == 0)
            continue;
        size_t need = n + strlen(f[0].name) + 32;
        if (need > cap) {
            char *g = realloc(out, need * 2);
            if (g == NULL)
                break;
            out = g;
            cap = need * 2;
        }
        n += (size_t)snprintf(out + n, cap - n, "%#llx %s\n", pc, f[0].name);
    }
    fkp_symtab_free(sym);
    fkp_export_unlock();
    enum MHD_Result ok = respond(c, MHD_HTTP_OK, text_plain, out, n, NULL, 0);
    free(out);
    free(j);
    return ok;
}

static const fk_prof_serve_options default_opts = FK_PROF_SERVE_OPTIONS_INIT;

static enum MHD_Result handle(struct MHD_Connection *conn, const char *url, const char *method,
                              const char *upload_data, size_t *upload_data_size, void **req_cls,
                              const fk_prof_serve_options *opts)
{
    if (opts == NULL || opts->version != FK_PROF_SERVE_OPTIONS_VERSION)
        opts = &default_opts;
    req *rq = *req_cls;
    if (rq != NULL && rq->magic != REQ_MAGIC)
        rq = NULL;
    int is_post = method != NULL && strcmp(method, "POST") == 0;
    if (is_post && rq == NULL) { /* first call of a POST: set up for the body */
        if ((rq = calloc(1, sizeof *rq)) == NULL)
            return MHD_NO;
        rq->magic = REQ_MAGIC;
        *req_cls = rq;
        return MHD_YES;
    }
    if (rq != NULL && *upload_data_size > 0) { /* more body */
        size_t take = *upload_data_size;
        if (rq->len + take > MAX_POST_BYTES)
            take = rq->len < MAX_POST_BYTES ? MAX_POST_BYTES - rq->len : 0;
        if (rq->len + take > rq->cap) {
            size_t ncap = rq->cap ? rq->cap : 4096;
            while (ncap < rq->len + take)
                ncap *= 2;
            char *nb = realloc(rq->body, ncap);
            if (nb == NULL)
                return MHD_NO;
            rq->body = nb;
            rq->cap = ncap;
        }
        memcpy(rq->body + rq->len, upload_data, take);
        rq->len += take;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (!authorized(conn, opts->token))
        return serve_error(conn, MHD_HTTP_UNAUTHORIZED, "Unauthorized");
    if (strncmp(url, PREFIX, strlen(PREFIX)) != 0)
        return respond(conn, MHD_HTTP_NOT_FOUND, text_plain, "404 page not found\n", 19, NULL, 0);
    const char *name = url + strlen(PREFIX);
    if (name[0] == '\0')
        return serve_index(conn);
    if (strcmp(name, "cmdline") == 0)
        return serve_cmdline(conn);
    if (strcmp(name, "profile") == 0)
        return serve_profile(conn, opts);
    if (strcmp(name, "symbol") == 0)
        return rq != NULL ? serve_symbol(conn, rq->body ? rq->body : "", rq->len)
                          : serve_symbol(conn, NULL, 0);
    if (strcmp(name, "threads") == 0)
        return serve_threads(conn);
    return serve_error(conn, MHD_HTTP_NOT_FOUND, "Unknown profile");
}

int fk_prof_mhd_handle(struct MHD_Connection *conn, const char *url, const char *method,
                       const char *upload_data, size_t *upload_data_size, void **req_cls,
                       const fk_prof_serve_options *opts)
{
    return handle(conn, url, method, upload_data, upload_data_size, req_cls, opts) == MHD_YES;
}

void fk_prof_mhd_completed(void **req_cls)
{
    req *rq = req_cls ? *req_cls : NULL;
    if (rq == NULL || rq->magic != REQ_MAGIC)
        return;
    rq->magic = 0;
    free(rq->body);
    free(rq);
    *req_cls = NULL;
}

/* ---- our own daemon ----------------------------------------------------- */

static pthread_mutex_t serve_lock = PTHREAD_MUTEX_INITIALIZER;
static struct MHD_Daemon *daemon_;
static int listen_fd = -1;
static int bound_port;
static fk_prof_serve_options serve_opts;
static char *serve_token;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)cls;
    (void)version;
    return handle(conn, url, method, upload_data, upload_data_size, req_cls, &serve_opts);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)conn;
    (void)code;
    fk_prof_mhd_completed(req_cls);
}

/* "HOST:PORT", "[V6]:PORT", ":PORT", "PORT". Loopback unless HOST is given. */
static int parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *sl, int *v6)
{
    char host[256] = "127.0.0.1";
    const char *port = addr;
    const char *colon = strrchr(addr, ':');
    if (addr[0] == '[') {
        const char *close = strchr(addr, ']');
        if (close == NULL || close[1] != ':' || (size_t)(close - addr - 1) >= sizeof host)
            return -1;
        memcpy(host, addr + 1, (size_t)(close - addr - 1));
        host[close - addr - 1] = '\0';
        port = close + 2;
    } else if (colon != NULL) {
        if ((size_t)(colon - addr) >= sizeof host)
            return -1;
        if (colon != addr) {
            memcpy(host, addr, (size_t)(colon - addr));
            host[colon - addr] = '\0';
        }
        port = colon + 1;
    }
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    long long p;
    if (parse_int(port, &p) < 0 || p < 0 || p > 65535)
        return -1;
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)p);
        *sl = sizeof *in4;
        *v6 = 0;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)p);
        *sl = sizeof *in6;
        *v6 = 1;
        return 0;
    }
    return -1;
}

int fk_prof_serve(const char *addr, const fk_prof_serve_options *opts)
{
    fk_prof_serve_options o = FK_PROF_SERVE_OPTIONS_INIT;
    if (opts != NULL) {
        if (opts->version != FK_PROF_SERVE_OPTIONS_VERSION)
            return fkx_error_set(FK_EINVAL, "fk_prof_serve_options version %u, expected %u",
                                 opts->version, FK_PROF_SERVE_OPTIONS_VERSION);
        /* Field by field: a caller's `prof` may be a shorter version 1. */
        o.token = opts->token;
        o.write_timeout = opts->write_timeout;
        int err = fkp_options_read(&o.prof, &opts->prof);
        if (err < 0)
            return err;
    }
    struct sockaddr_storage ss;
    socklen_t sl;
    int v6;
    if (addr == NULL || parse_addr(addr, &ss, &sl, &v6) < 0)
        return fkx_error_set(FK_EINVAL, "bad listen address \"%s\" (want HOST:PORT)",
                             addr ? addr : "(null)");
    pthread_mutex_lock(&serve_lock);
    int err = 0;
    if (daemon_ != NULL) {
        err = fkx_error_set(FK_EBUSY, "the pprof endpoint is already being served");
        goto done;
    }
    char *token = o.token ? strdup(o.token) : NULL;
    if (o.token != NULL && token == NULL) {
        err = fkx_error_nomem();
        goto done;
    }
    free(serve_token);
    serve_token = token;
    o.token = token;
    serve_opts = o;
    unsigned flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | (v6 ? MHD_USE_IPv6 : 0);
    daemon_ =
        MHD_start_daemon((unsigned int)flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR,
                         (struct sockaddr *)&ss, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned)64, MHD_OPTION_END);
    if (daemon_ == NULL) {
        err = fkx_error_set(FK_EIO, "cannot serve the pprof endpoint on %s: %s", addr,
                            errno ? strerror(errno) : "libmicrohttpd failed");
        goto done;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
    bound_port = di ? di->port : 0;
    di = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_LISTEN_FD);
    listen_fd = di ? di->listen_fd : -1;
    (void)sl;
done:
    pthread_mutex_unlock(&serve_lock);
    return err;
}

int fk_prof_serve_port(void)
{
    pthread_mutex_lock(&serve_lock);
    int p = daemon_ ? bound_port : 0;
    pthread_mutex_unlock(&serve_lock);
    return p;
}

void fk_prof_serve_stop(void)
{
    pthread_mutex_lock(&serve_lock);
    struct MHD_Daemon *d = daemon_;
    daemon_ = NULL;
    listen_fd = -1;
    bound_port = 0;
    pthread_mutex_unlock(&serve_lock);
    if (d != NULL)
        MHD_stop_daemon(d);
}

/* The child of a fork has none of the daemon's threads: forget the daemon
 * (its memory is the parent's business) and close the listening socket so
 * the port is the parent's alone. */
void fkp_http_atfork_child(void)
{
    pthread_mutex_init(&serve_lock, NULL);
    if (listen_fd >= 0)
        close(listen_fd);
    listen_fd = -1;
    daemon_ = NULL;
    bound_port = 0;
}
