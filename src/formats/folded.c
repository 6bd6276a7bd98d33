/*
 * folded.c - folded stacks ("root;frame;leaf COUNT" per line), read and
 * written the way flamegraph.pl and its collapsers do.
 *
 * Reading: the count is the last blank-separated field (integer or decimal),
 * everything before the one blank in front of it is the stack, frames split
 * on ';'. Frames may contain spaces. Duplicate stacks are summed by the
 * model. Writing: one line per distinct stack, sorted bytewise by stack.
 */
#include "formats.h"

#include "profile/order.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/num.h"
#include "util/output.h"
#include "util/scan.h"

#include <stdlib.h>
#include <string.h>

static inline int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The frames of the previous line, kept to reuse its leading frames: sorted
 * folded input (what every collapser writes) repeats long stack prefixes
 * from line to line, and comparing bytes is much cheaper than interning. */
typedef struct prev_line {
    fkx_buf text;   /* the previous stack's bytes */
    uint32_t *ends; /* ends[k]: offset just past frame k */
    uint32_t *ids;  /* ids[k]: frame k */
    size_t depth, cap;
} prev_line;

static size_t common_prefix(const char *a, const char *b, size_t n)
{
    size_t i = 0;
    while (i + 16 <= n && fkx_same_bytes(a + i, b + i, 16))
        i += 16;
    while (i < n && a[i] == b[i])
        i++;
    return i;
}

/* Split stack[0..len) into frames, reusing the previous line's ids for the
 * frames the two share at the front. Fills prev with this line. */
static int split_frames(fk_profile *p, prev_line *pv, const char *stack, size_t len,
                        const char *file, uint64_t lineno)
{
    size_t plen = pv->text.len;
    size_t same = common_prefix(stack, pv->text.ptr, len < plen ? len : plen);
    size_t k = 0, start = 0;
    /* frame k of the previous line is frame k of this one when its bytes lie
     * in the common prefix and this line has a frame boundary there too */
    while (k < pv->depth && pv->ends[k] <= same &&
           (pv->ends[k] == len || stack[pv->ends[k]] == ';')) {
        start = pv->ends[k] + 1;
        k++;
    }
    int err;
    if (k == 0 || pv->ends[k - 1] < len) { /* more frames follow */
        for (;;) {
            const char *semi = memchr(stack + start, ';', len - start);
            size_t stop = semi ? (size_t)(semi - stack) : len;
            if (k >= FK_LIMIT_STACK_DEPTH)
                return fkx_error_set(FK_ELIMIT, "%s:%llu: stack deeper than %zu frames", file,
                                     (unsigned long long)lineno, (size_t)FK_LIMIT_STACK_DEPTH);
            if (k >= pv->cap) {
                size_t cap = pv->cap;
                if ((err = fkx_grow((void **)&pv->ends, &cap, k + 1, sizeof *pv->ends)) < 0)
                    return err;
                cap = pv->cap;
                if ((err = fkx_grow((void **)&pv->ids, &cap, k + 1, sizeof *pv->ids)) < 0)
                    return err;
                pv->cap = cap;
            }
            if ((err = fk_profile_intern(p, &pv->ids[k], stack + start, stop - start)) < 0)
                return err;
            pv->ends[k++] = (uint32_t)stop;
            if (semi == NULL)
                break;
            start = stop + 1;
        }
    }
    pv->depth = k;
    fkx_buf_clear(&pv->text);
    return fkx_buf_append(&pv->text, stack, len);
}

int fk_folded_read(fk_profile *p, fkx_lines *lines, fk_diag *diag, uint64_t *samples)
{
    const char *line;
    size_t len;
    int rc, err = 0;
    prev_line pv;
    memset(&pv, 0, sizeof pv);
    pv.text = (fkx_buf)FKX_BUF_INIT(FK_LIMIT_LINE_BYTES);
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
        /* Exactly one blank separates the stack from its count, as in
         * flamegraph.pl: a frame may end in (or be) a space. */
        size_t send = c0 - 1;
        if (send == 0) {
            err = fk_diag_report(diag, "count without a stack", lines->in->name, lines->lineno,
                                 line, len);
            if (err < 0)
                break;
            continue;
        }
        if (send > UINT32_MAX - 1) {
            err = fkx_error_set(FK_ELIMIT, "%s:%llu: stack too long", lines->in->name,
                                (unsigned long long)lines->lineno);
            break;
        }
        if ((err = split_frames(p, &pv, line, send, lines->in->name, lines->lineno)) < 0)
            break;
        double vals[FK_LIMIT_SAMPLE_TYPES] = {0};
        vals[0] = v;
        if ((err = fk_profile_add(p, pv.ids, pv.depth, vals, NULL)) < 0)
            break;
        (*samples)++;
    }
    if (rc < 0 && err == 0)
        err = rc;
    fkx_buf_free(&pv.text);
    fkx_free(pv.ends);
    fkx_free(pv.ids);
    return err;
}

int fk_folded_write(const fk_profile *p, size_t type, fkx_output *out)
{
    if (type >= p->ntypes && p->nstacks > 0)
        return fkx_error_set(FK_EINVAL, "no sample type %zu", type);
    uint32_t *order;
    int err = fk_profile_text_order(p, &order);
    if (err < 0)
        return err;
    fkx_buf line = FKX_BUF_INIT(FK_LIMIT_LINE_BYTES + 64);
    for (size_t i = 0; err == 0 && i < p->nstacks; i++) {
        /* Sorted order visits the stack table at random: fetch ahead. The
         * record 16 stacks ahead, its frames and value 8 ahead. */
        if (i + 16 < p->nstacks)
            __builtin_prefetch(&p->stacks[order[i + 16]]);
        if (i + 8 < p->nstacks) {
            const fk_stack_rec *ahead = &p->stacks[order[i + 8]];
            __builtin_prefetch(p->frames + ahead->frames_off);
            __builtin_prefetch(&p->values[(size_t)order[i + 8] * p->ntypes + type]);
        }
        size_t depth;
        const uint32_t *f = fk_profile_stack(p, order[i], &depth);
        size_t need = depth + 40;
        for (size_t d = 0; d < depth; d++)
            need += fk_profile_string(p, f[d]).len;
        fkx_buf_clear(&line);
        if ((err = fkx_buf_reserve(&line, need)) < 0)
            break;
        char *o = line.ptr;
        for (size_t d = 0; d < depth; d++) {
            fkx_str s = fk_profile_string(p, f[d]);
            if (d)
                *o++ = ';';
            memcpy(o, s.ptr, s.len);
            o += s.len;
        }
        *o++ = ' ';
        o += fkx_num_format(o, fk_profile_values(p, order[i])[type]);
        *o++ = '\n';
        err = fkx_output_write(out, line.ptr, (size_t)(o - line.ptr));
    }
    fkx_buf_free(&line);
    fkx_free(order);
    return err;
}
