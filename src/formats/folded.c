/*
 * folded.c - folded stacks ("root;frame;leaf COUNT" per line), read and
 * written the way flamegraph.pl and its collapsers do.
 *
 * Reading: the count is the last blank-separated field (integer or decimal),
 * everything before it (trailing blanks trimmed) is the stack, frames split
 * on ';'. Frames may contain spaces. Duplicate stacks are summed by the
 * model. Writing: one line per distinct stack, sorted bytewise by stack.
 */
#include "formats.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/num.h"
#include "util/output.h"

#include <stdlib.h>
#include <string.h>

static inline int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

int fk_folded_read(fk_profile *p, fkx_lines *lines, fk_diag *diag, uint64_t *samples)
{
    const char *line;
    size_t len;
    int rc, err = 0;
    uint32_t *frames = NULL;
    size_t cap = 0;
    while ((rc = fkx_lines_next(lines, &line, &len)) > 0) {
        size_t end = len;
        while (end > 0 && blank(line[end - 1]))
            end--;
        if (end == 0)
            continue;
        size_t c0 = end;
        while (c0 > 0 && !blank(line[c0 - 1]))
            c0--;
        double v;
        if (c0 == 0 || !fkx_num_parse(line + c0, end - c0, &v)) {
            err = fk_diag_report(diag, "line without a count", lines->in->name, lines->lineno, line,
                                 len);
            if (err < 0)
                break;
            continue;
        }
        size_t send = c0;
        while (send > 0 && blank(line[send - 1]))
            send--;
        if (send == 0) {
            err = fk_diag_report(diag, "count without a stack", lines->in->name, lines->lineno,
                                 line, len);
            if (err < 0)
                break;
            continue;
        }
        size_t depth = 0, start = 0;
        for (;;) {
            const char *semi = memchr(line + start, ';', send - start);
            size_t stop = semi ? (size_t)(semi - line) : send;
            if (depth >= FK_LIMIT_STACK_DEPTH) {
                err = fkx_error_set(FK_ELIMIT, "%s:%llu: stack deeper than %zu frames",
                                    lines->in->name, (unsigned long long)lines->lineno,
                                    (size_t)FK_LIMIT_STACK_DEPTH);
                goto done;
            }
            if (depth == cap &&
                (err = fkx_grow((void **)&frames, &cap, depth + 1, sizeof *frames)) < 0)
                goto done;
            if ((err = fk_profile_intern(p, &frames[depth], line + start, stop - start)) < 0)
                goto done;
            depth++;
            if (semi == NULL)
                break;
            start = stop + 1;
        }
        double vals[FK_LIMIT_SAMPLE_TYPES] = {0};
        vals[0] = v;
        if ((err = fk_profile_add(p, frames, depth, vals, NULL)) < 0)
            goto done;
        (*samples)++;
    }
    if (rc < 0)
        err = rc;
done:
    fkx_free(frames);
    return err;
}

typedef struct line_ref {
    size_t off;
    size_t len;
    double value;
} line_ref;

static int cmp_lines(const void *a, const void *b, void *text)
{
    const line_ref *x = a, *y = b;
    const char *base = text;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(base + x->off, base + y->off, n);
    if (c != 0)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

int fk_folded_write(const fk_profile *p, size_t type, fkx_output *out)
{
    if (type >= p->ntypes && p->nstacks > 0)
        return fkx_error_set(FK_EINVAL, "no sample type %zu", type);
    line_ref *refs = fkx_malloc((p->nstacks ? p->nstacks : 1) * sizeof *refs);
    char *text = NULL;
    size_t tlen = 0, tcap = 0;
    int err = refs ? 0 : FK_ENOMEM;
    for (size_t i = 0; err == 0 && i < p->nstacks; i++) {
        size_t depth;
        const uint32_t *f = fk_profile_stack(p, i, &depth);
        size_t need = depth;
        for (size_t d = 0; d < depth; d++)
            need += fk_profile_string(p, f[d]).len;
        if ((err = fkx_grow((void **)&text, &tcap, tlen + need + 1, 1)) < 0)
            break;
        refs[i].off = tlen;
        for (size_t d = 0; d < depth; d++) {
            fkx_str s = fk_profile_string(p, f[d]);
            if (d)
                text[tlen++] = ';';
            memcpy(text + tlen, s.ptr, s.len);
            tlen += s.len;
        }
        refs[i].len = tlen - refs[i].off;
        refs[i].value = fk_profile_values(p, i)[type];
    }
    if (err == 0) {
        qsort_r(refs, p->nstacks, sizeof *refs, cmp_lines, text);
        for (size_t i = 0; err == 0 && i < p->nstacks; i++) {
            char num[40];
            num[0] = ' ';
            size_t n = fkx_num_format(num + 1, refs[i].value) + 1;
            num[n++] = '\n';
            if ((err = fkx_output_write(out, text + refs[i].off, refs[i].len)) == 0)
                err = fkx_output_write(out, num, n);
        }
    }
    fkx_free(text);
    fkx_free(refs);
    return err;
}
