/*
 * nameattr.c - flamegraph.pl's --nameattr file: extra attributes per frame
 * name (a link, a class, an id, a replacement title).
 *
 * Each line is "name<TAB>key=value<TAB>key=value...". Keys used: title,
 * class, id, href, target, and g_extra / a_extra (raw attribute text for
 * the frame's <g> or <a>). Unlike flamegraph.pl, nothing is pasted raw: the
 * extra text is parsed into name="value" pairs, values are escaped, event
 * handler attributes (on...) and script URLs are dropped, and no attribute
 * is written twice, so the document stays well-formed and runs nothing.
 */
#include "render_int.h"

#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/input.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct fk_nameattr {
    fkx_arena arena;
    fk_nameattr_entry *entries;
    size_t count, cap;
};

static int entry_order(const void *a, const void *b)
{
    const fk_nameattr_entry *x = a, *y = b;
    return strcmp(x->func, y->func);
}

/* Parse one line into an entry (strings copied into the arena). */
static int parse_line(fk_nameattr *na, const char *path, uint64_t lineno, const char *line,
                      size_t len)
{
    const char *tab = memchr(line, '\t', len);
    if (tab == NULL)
        return fkx_error_set(FK_EFORMAT, "%s:%llu: invalid --nameattr line (no tab after the name)",
                             path, (unsigned long long)lineno);
    int err = fkx_grow((void **)&na->entries, &na->cap, na->count + 1, sizeof *na->entries);
    if (err < 0)
        return err;
    fk_nameattr_entry *e = &na->entries[na->count];
    memset(e, 0, sizeof *e);
    e->func = fkx_arena_strndup(&na->arena, line, (size_t)(tab - line));
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += line[i] == '\t';
    e->attrs = fkx_arena_alloc(&na->arena, (n ? n : 1) * sizeof *e->attrs);
    if (e->func == NULL || e->attrs == NULL)
        return FK_ENOMEM;
    const char *p = tab + 1, *end = line + len;
    while (p <= end) {
        const char *next = memchr(p, '\t', (size_t)(end - p));
        const char *stop = next ? next : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        if (eq != NULL && eq > p) {
            fk_attr *a = &e->attrs[e->nattrs];
            a->name = fkx_arena_strndup(&na->arena, p, (size_t)(eq - p));
            a->value = fkx_arena_strndup(&na->arena, eq + 1, (size_t)(stop - eq - 1));
            if (a->name == NULL || a->value == NULL)
                return FK_ENOMEM;
            e->nattrs++;
        }
        if (next == NULL)
            break;
        p = next + 1;
    }
    na->count++;
    return 0;
}

typedef struct load_ctx {
    fk_nameattr *na;
    const char *path;
} load_ctx;

static int load_line(void *ctx, const char *line, size_t len, uint64_t lineno)
{
    const load_ctx *c = ctx;
    if (len > 0 && line[len - 1] == '\r')
        len--;
    return len == 0 ? 0 : parse_line(c->na, c->path, lineno, line, len);
}

int fk_nameattr_load(fk_nameattr **out, const char *path)
{
    *out = NULL;
    fk_nameattr *na = fkx_calloc(1, sizeof *na);
    if (na == NULL)
        return FK_ENOMEM;
    load_ctx c = {na, path};
    int err = fkx_lines_each(path, load_line, &c);
    if (err < 0) {
        fk_nameattr_free(na);
        return err;
    }
    /* Stable for duplicates: a later line for the same name is ignored. */
    if (na->count > 1)
        qsort(na->entries, na->count, sizeof *na->entries, entry_order);
    *out = na;
    return 0;
}

void fk_nameattr_free(fk_nameattr *na)
{
    if (na == NULL)
        return;
    fkx_arena_free(&na->arena);
    fkx_free(na->entries);
    fkx_free(na);
}

const fk_nameattr_entry *fk_nameattr_find(const fk_nameattr *na, const char *name, size_t len)
{
    if (na == NULL || memchr(name, '\0', len) != NULL)
        return NULL;
    size_t lo = 0, hi = na->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *f = na->entries[mid].func;
        int c = strncmp(f, name, len);
        if (c == 0 && f[len] != '\0')
            c = 1;
        if (c == 0)
            return &na->entries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *fk_nameattr_get(const fk_nameattr_entry *e, const char *key)
{
    for (size_t i = 0; e != NULL && i < e->nattrs; i++)
        if (strcmp(e->attrs[i].name, key) == 0)
            return e->attrs[i].value;
    return NULL;
}

/* A name we are willing to write: NCName-ish, optionally "xlink:"-prefixed,
 * not an event handler, not a namespace declaration. */
static int safe_attr_name(const char *s, size_t n)
{
    if (n >= 6 && memcmp(s, "xlink:", 6) == 0) {
        s += 6;
        n -= 6;
    }
    if (n == 0 || n > 64)
        return 0;
    if ((n >= 2 && strncasecmp(s, "on", 2) == 0) || (n >= 5 && strncasecmp(s, "xmlns", 5) == 0))
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                 (i > 0 && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
        if (!ok)
            return 0;
    }
    return 1;
}

/* A link target that cannot run script. */
static int safe_url(const char *v, size_t n)
{
    char scheme[16];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof scheme - 1; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= ' ')
            continue; /* browsers skip blanks and controls inside schemes */
        if (c == ':')
            break;
        scheme[k++] = (char)(c | 0x20);
    }
    scheme[k] = '\0';
    return strcmp(scheme, "javascript") != 0 && strcmp(scheme, "vbscript") != 0 &&
           strcmp(scheme, "data") != 0;
}

typedef struct seen {
    const char *names[48];
    size_t lens[48];
    size_t n;
} seen;

static int put_attr(fkx_buf *b, seen *s, const char *name, size_t nlen, const char *value,
                    size_t vlen)
{
    if (!safe_attr_name(name, nlen))
        return 0;
    int is_href = (nlen == 4 && memcmp(name, "href", 4) == 0) ||
                  (nlen == 10 && memcmp(name, "xlink:href", 10) == 0);
    if (is_href && !safe_url(value, vlen))
        return 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->lens[i] == nlen && memcmp(s->names[i], name, nlen) == 0)
            return 0;
    if (s->n == sizeof s->names / sizeof s->names[0])
        return 0;
    s->names[s->n] = name;
    s->lens[s->n++] = nlen;
    int err = fkx_buf_putc(b, ' ');
    if (err == 0)
        err = fkx_buf_append(b, name, nlen);
    if (err == 0)
        err = fkx_buf_append(b, "=\"", 2);
    if (err == 0)
        err = fk_xml_escape(b, value, vlen, 0);
    if (err == 0)
        err = fkx_buf_putc(b, '"');
    return err;
}

/* Parse raw attribute text (name="v" name='v' name=v name) and write the
 * safe pairs. */
static int put_extra(fkx_buf *b, seen *s, const char *t)
{
    const char *p = t;
    int err = 0;
    while (*p && err == 0) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        const char *n0 = p;
        while (*p && *p != '=' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            p++;
        size_t nlen = (size_t)(p - n0);
        if (nlen == 0) {
            if (*p)
                p++;
            continue;
        }
        const char *v0 = p;
        size_t vlen = 0;
        if (*p == '=') {
            p++;
            if (*p == '"' || *p == '\'') {
                char q = *p++;
                v0 = p;
                while (*p && *p != q)
                    p++;
                vlen = (size_t)(p - v0);
                if (*p)
                    p++;
            } else {
                v0 = p;
                while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
                    p++;
                vlen = (size_t)(p - v0);
            }
        }
        err = put_attr(b, s, n0, nlen, v0, vlen);
    }
    return err;
}

/* Write the frame's opening tag ("<g ...>\n" or "<a ...>\n") with the
 * entry's attributes; *is_link tells which closing tag to use. */
int fk_nameattr_open(fkx_buf *b, const fk_nameattr_entry *e, int *is_link)
{
    seen s;
    s.n = 0;
    const char *href = fk_nameattr_get(e, "href");
    const char *id = fk_nameattr_get(e, "id");
    const char *cls = fk_nameattr_get(e, "class");
    const char *gx = fk_nameattr_get(e, "g_extra");
    int err;
    *is_link = href != NULL && href[0] != '\0' && safe_url(href, strlen(href));
    if (*is_link) {
        const char *target = fk_nameattr_get(e, "target");
        const char *ax = fk_nameattr_get(e, "a_extra");
        err = fkx_buf_append(b, "<a", 2);
        if (err == 0)
            err = put_attr(b, &s, "xlink:href", 10, href, strlen(href));
        if (err == 0)
            err = put_attr(b, &s, "target", 6, target && target[0] ? target : "_top",
                           strlen(target && target[0] ? target : "_top"));
        if (err == 0 && ax)
            err = put_extra(b, &s, ax);
    } else {
        err = fkx_buf_append(b, "<g", 2);
    }
    if (err == 0 && id)
        err = put_attr(b, &s, "id", 2, id, strlen(id));
    if (err == 0 && cls)
        err = put_attr(b, &s, "class", 5, cls, strlen(cls));
    if (err == 0 && gx)
        err = put_extra(b, &s, gx);
    if (err == 0)
        err = fkx_buf_append(b, ">\n", 2);
    return err;
}
