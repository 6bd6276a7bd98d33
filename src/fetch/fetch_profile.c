/*
 * fetch_profile.c - the profile side of fetching: building a profile's URL
 * the way go-torch and pprof users write it, telling a profile from what a
 * misconfigured server sends instead (an HTML page, an empty body, a text
 * message), and merging the profiles of several hosts into one.
 */
#include "fetch.h"

#include "curl_api.h"

#include "formats/formats.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* net/http/pprof's profile endpoints, and libflamekit-prof's "threads" (one
 * sample per thread with its current stack); --profile names map onto them. */
static const char *const endpoints[] = {"profile", "heap",         "allocs", "goroutine",
                                        "block",   "threadcreate", "mutex",  "threads"};

int fk_fetch_is_url(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0;
}

static const char *endpoint_of(const char *profile)
{
    if (profile == NULL || strcmp(profile, "cpu") == 0 || strcmp(profile, "profile") == 0)
        return "profile";
    for (size_t i = 1; i < sizeof endpoints / sizeof endpoints[0]; i++)
        if (strcmp(profile, endpoints[i]) == 0)
            return endpoints[i];
    return NULL;
}

/* The last path component of `path` (without a trailing '/'). */
static const char *last_component(const char *path, size_t len, size_t *out_len)
{
    size_t i = len;
    while (i > 0 && path[i - 1] != '/')
        i--;
    *out_len = len - i;
    return path + i;
}

static int is_endpoint(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++)
        if (strlen(endpoints[i]) == len && memcmp(endpoints[i], s, len) == 0)
            return 1;
    return 0;
}

static int ends_with(const char *s, size_t len, const char *tail)
{
    size_t n = strlen(tail);
    return len >= n && memcmp(s + len - n, tail, n) == 0;
}

int fk_fetch_profile_url(char **out, const char *base, const char *suffix, const char *profile,
                         long seconds)
{
    *out = NULL;
    const char *endpoint = NULL;
    int full = profile != NULL && fk_fetch_is_url(profile);
    if (!full && (endpoint = endpoint_of(profile)) == NULL)
        return fkx_error_set(FK_EINVAL,
                             "unknown profile '%s' (cpu heap allocs goroutine block mutex threads, "
                             "or a full URL)",
                             profile);
    const char *src = full ? profile : base;
    int lerr = fk_curl_load();
    if (lerr < 0)
        return lerr;
    CURLU *u = curl_url();
    char *path = NULL, *query = NULL, *url = NULL;
    int err = 0;
    if (u == NULL)
        return fkx_error_nomem();
    if (curl_url_set(u, CURLUPART_URL, src, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME) !=
            CURLUE_OK ||
        curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
        err = fkx_error_set(FK_EINVAL, "'%s' is not a URL", src);
        goto done;
    }
    if (curl_url_get(u, CURLUPART_QUERY, &query, 0) != CURLUE_OK)
        query = NULL;
    size_t plen = strlen(path);
    while (plen > 0 && path[plen - 1] == '/')
        plen--;
    size_t nlen;
    const char *name = last_component(path, plen, &nlen);
    char newpath[4096];
    int cpu;
    if (full) {
        /* used as it is */
        snprintf(newpath, sizeof newpath, "%s", path);
        cpu = nlen == 7 && memcmp(name, "profile", 7) == 0;
    } else if (suffix != NULL) {
        snprintf(newpath, sizeof newpath, "%.*s%s%s", (int)plen, path, suffix[0] == '/' ? "" : "/",
                 suffix);
        size_t slen = strlen(suffix);
        while (slen > 0 && suffix[slen - 1] == '/')
            slen--;
        const char *sname = last_component(suffix, slen, &nlen);
        cpu = nlen == 7 && memcmp(sname, "profile", 7) == 0;
    } else if (plen > 0 && !ends_with(path, plen, "/debug/pprof") && is_endpoint(name, nlen)) {
        /* the base names a profile already: http://h/debug/pprof/heap */
        if (profile != NULL && (strlen(endpoint) != nlen || memcmp(endpoint, name, nlen) != 0)) {
            err =
                fkx_error_set(FK_EINVAL, "%s names the '%.*s' profile, but --profile asks for '%s'",
                              base, (int)nlen, name, profile);
            goto done;
        }
        snprintf(newpath, sizeof newpath, "%.*s", (int)plen, path);
        cpu = nlen == 7 && memcmp(name, "profile", 7) == 0;
    } else {
        snprintf(newpath, sizeof newpath, "%.*s%s/%s", (int)plen, path,
                 plen == 0 ? "/debug/pprof" : "", endpoint);
        cpu = strcmp(endpoint, "profile") == 0;
    }
    char q[64];
    snprintf(q, sizeof q, "seconds=%ld", seconds);
    if (curl_url_set(u, CURLUPART_PATH, newpath, 0) != CURLUE_OK ||
        (cpu && query == NULL && seconds > 0 &&
         curl_url_set(u, CURLUPART_QUERY, q, 0) != CURLUE_OK) ||
        curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK) {
        err = fkx_error_set(FK_EINVAL, "cannot make a profile URL from '%s'", src);
        goto done;
    }
    if ((*out = fkx_strdup(url)) == NULL)
        err = FK_ENOMEM;
done:
    curl_free(url);
    curl_free(query);
    curl_free(path);
    curl_url_cleanup(u);
    return err;
}

int fk_fetch_host_label(char **out, const char *url)
{
    *out = NULL;
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL;
    int err = 0;
    if (u == NULL)
        return fkx_error_nomem();
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_GUESS_SCHEME) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        err = fkx_error_set(FK_EINVAL, "'%s' is not a URL", url);
        goto done;
    }
    if (curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK)
        port = NULL;
    size_t n = strlen(host) + (port ? strlen(port) + 1 : 0) + 1;
    if ((*out = fkx_malloc(n)) == NULL) {
        err = FK_ENOMEM;
        goto done;
    }
    snprintf(*out, n, "%s%s%s", host, port ? ":" : "", port ? port : "");
done:
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
    return err;
}

/* Inflate a gzip'd body into *out (fkx_malloc'd), at most `cap` bytes. */
static int gunzip(const char *name, const unsigned char *data, size_t len, unsigned char **out,
                  size_t *out_len, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return fkx_error_set(FK_ENOMEM, "%s: cannot start gzip decompression", name);
    unsigned char *buf = NULL;
    size_t bcap = 0, blen = 0;
    int err = 0, zr = Z_OK;
    z.next_in = (unsigned char *)(uintptr_t)data;
    while (zr != Z_STREAM_END) {
        if (blen == bcap) {
            if (blen >= cap) {
                err = fkx_error_set(FK_ELIMIT, "%s: the profile inflates to more than %zu bytes",
                                    name, cap);
                break;
            }
            void *p = buf;
            if ((err = fkx_grow(&p, &bcap, blen + (blen < 65536 ? 65536 : blen), 1)) < 0)
                break;
            buf = p;
            if (bcap > cap)
                bcap = cap;
        }
        size_t in_left = len - (size_t)(z.next_in - data);
        z.avail_in = in_left > UINT32_MAX ? UINT32_MAX : (uInt)in_left;
        size_t room = bcap - blen;
        z.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
        z.next_out = buf + blen;
        zr = inflate(&z, Z_NO_FLUSH);
        blen = (size_t)(z.next_out - buf);
        if (zr == Z_BUF_ERROR && in_left == 0) {
            err = fkx_error_set(FK_ETRUNCATED, "%s: the gzip'd profile is cut short (%zu bytes)",
                                name, len);
            break;
        }
        if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
            err = fkx_error_set(FK_EFORMAT, "%s: corrupt gzip data: %s", name,
                                z.msg ? z.msg : "inflate failed");
            break;
        }
    }
    inflateEnd(&z);
    if (err < 0) {
        fkx_free(buf);
        return err;
    }
    *out = buf;
    *out_len = blen;
    return 0;
}

/* 1 if the first bytes are printable text (a server's message; NULs are
 * allowed: /debug/pprof/cmdline separates arguments with them). */
static int looks_like_text(const unsigned char *b, size_t len)
{
    size_t n = len < 512 ? len : 512;
    for (size_t i = 0; i < n; i++)
        if (b[i] < 0x20 && b[i] != '\n' && b[i] != '\r' && b[i] != '\t' && b[i] != 0)
            return 0;
    return n > 0;
}

static void first_line(const unsigned char *b, size_t len, char *buf, size_t cap)
{
    size_t i = 0, k = 0;
    while (i < len && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t'))
        i++;
    for (; i < len && b[i] != '\n' && b[i] != '\r' && k + 1 < cap; i++)
        buf[k++] = b[i] == 0 ? ' ' : b[i] < 0x7f ? (char)b[i] : '?';
    buf[k] = '\0';
}

int fk_fetch_decode(fk_pprof **out, const fk_fetch_result *r)
{
    *out = NULL;
    const unsigned char *b = r->body;
    size_t len = r->len;
    if (len == 0)
        return fkx_error_set(FK_EFORMAT, "%s: the server sent an empty body, not a profile",
                             r->url);
    if (len >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
        unsigned char *raw = NULL;
        size_t raw_len = 0;
        int err = gunzip(r->url, b, len, &raw, &raw_len, FK_LIMIT_PPROF_BYTES);
        if (err == 0)
            err = fk_pprof_decode(out, raw, raw_len, r->url);
        fkx_free(raw);
        return err;
    }
    size_t i = 0;
    while (i < len && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t'))
        i++;
    const char *ct = r->content_type ? r->content_type : "no Content-Type";
    if ((i < len && b[i] == '<') || strncasecmp(ct, "text/html", 9) == 0)
        return fkx_error_set(FK_EFORMAT,
                             "%s: the server sent an HTML page (%s), not a profile; is this the "
                             "profile's URL?",
                             r->url, ct);
    if (!fk_pprof_detect((const char *)b, len) && looks_like_text(b, len)) {
        char line[160];
        first_line(b, len, line, sizeof line);
        return fkx_error_set(FK_EFORMAT, "%s: the server sent text, not a profile: '%s'", r->url,
                             line);
    }
    return fk_pprof_decode(out, b, len, r->url);
}

static void type_list(const fk_profile *p, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->ntypes && k < cap; i++) {
        fkx_str t = fk_profile_string(p, p->types[i].type);
        fkx_str u = fk_profile_string(p, p->types[i].unit);
        int n = snprintf(buf + k, cap - k, "%s%s/%s", i ? ", " : "", t.ptr, u.ptr);
        if (n < 0)
            break;
        k += (size_t)n;
    }
}

int fk_fetch_merge(fk_profile *dst, const fk_pprof *pp, const char *sample_index, const char *label,
                   uint64_t *samples)
{
    size_t col;
    int err = fk_pprof_sample_index(pp, sample_index, &col);
    if (err < 0)
        return err;
    fk_profile tmp;
    if ((err = fk_profile_init(&tmp)) < 0)
        return err;
    if ((err = fk_pprof_add_types(pp, &tmp)) < 0)
        goto done;
    if (dst->ntypes == 0) {
        for (size_t i = 0; err == 0 && i < tmp.ntypes; i++) {
            fkx_str t = fk_profile_string(&tmp, tmp.types[i].type);
            fkx_str u = fk_profile_string(&tmp, tmp.types[i].unit);
            err = fk_profile_add_type(dst, t.ptr, u.ptr, NULL);
        }
        dst->default_type = col;
    } else if (fk_pprof_add_types(pp, dst) < 0) {
        char have[512], got[512];
        type_list(dst, have, sizeof have);
        type_list(&tmp, got, sizeof got);
        err = fkx_error_set(FK_EINVAL,
                            "%s: cannot merge a profile of %s with the profiles before it (%s); "
                            "fetch the same kind of profile from every host",
                            pp->name, got, have);
    }
    if (err < 0)
        goto done;
    if (label == NULL) {
        err = fk_pprof_to_profile(pp, dst, dst->default_type, samples);
        goto done;
    }
    if ((err = fk_pprof_to_profile(pp, &tmp, dst->default_type, samples)) < 0)
        goto done;
    /* Re-home every stack under the label. */
    uint32_t *map = fkx_calloc(tmp.strings.count ? tmp.strings.count : 1, sizeof *map);
    uint32_t *buf = NULL, root;
    size_t cap = 0;
    err = map ? fk_profile_intern(dst, &root, label, strlen(label)) : FK_ENOMEM;
    for (size_t i = 0; err == 0 && i < tmp.strings.count; i++) {
        fkx_str s = fk_profile_string(&tmp, (uint32_t)i);
        err = fk_profile_intern(dst, &map[i], s.ptr, s.len);
    }
    for (size_t i = 0; err == 0 && i < tmp.nstacks; i++) {
        size_t depth;
        const uint32_t *f = fk_profile_stack(&tmp, i, &depth);
        if ((err = fkx_grow((void **)&buf, &cap, depth + 1, sizeof *buf)) < 0)
            break;
        buf[0] = root;
        for (size_t d = 0; d < depth; d++)
            buf[d + 1] = map[f[d]];
        err = fk_profile_add(dst, buf, depth + 1, fk_profile_values(&tmp, i), NULL);
    }
    fkx_free(buf);
    fkx_free(map);
done:
    fk_profile_free(&tmp);
    return err;
}
