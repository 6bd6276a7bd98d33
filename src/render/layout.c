/*
 * layout.c - where each frame of a flame graph goes, before any SVG.
 *
 * flamegraph.pl sorts the folded lines as strings and merges neighbours.
 * The stack trie already merges every identical path and keeps siblings in
 * bytewise order of their names; that equals the order of the sorted lines
 * except where one sibling's name is a prefix of another's ("foo" and
 * "foo.cold": the line "a;foo;x" sorts after "a;foo.cold" because ';' comes
 * after '.'). Those few sibling lists are re-sorted here by the key the
 * lines give them: the name followed by ' ' (the frame has self samples) or
 * ';' (it only has children). A frame's own samples come before its
 * children for the same reason ("a;b 5" sorts before "a;b;c 1"). Frames narrower than minwidth are
 * pruned with their subtrees in the same walk.
 *
 * --flamechart keeps stacks in profile order and merges only neighbours,
 * which the trie cannot express, so it has its own small walk.
 */
#include "render_int.h"

#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int push_frame(fk_layout *l, uint32_t name, size_t depth, double start, double width,
                      double delta, int waker)
{
    if (l->count == l->cap) {
        int err = fkx_grow((void **)&l->frames, &l->cap, l->count + 1, sizeof *l->frames);
        if (err < 0)
            return err;
    }
    fk_frame *f = &l->frames[l->count++];
    f->start = start;
    f->width = width;
    f->delta = delta;
    f->name = name;
    f->depth = (uint32_t)depth;
    f->waker = (uint32_t)waker;
    if (depth > l->depth_max)
        l->depth_max = depth;
    return 0;
}

/* Totals, the 100% value and the pruning threshold, shared by both walks. */
static int set_scale(fk_layout *l, double time, const fk_svg_opts *o, double *minwidth_time)
{
    if (!(time > 0))
        return fkx_error_set(FK_EEMPTY, "no stack counts found (the values sum to %g)", time);
    l->time = time;
    l->timemax = time;
    if (o->total > 0) {
        if (o->total < time)
            l->total_ignored = o->total / time > 0.02;
        else
            l->timemax = o->total;
    }
    double widthpertime = ((double)o->width - 2 * 10.0) / l->timemax;
    if (o->minwidth_percent)
        *minwidth_time = l->timemax * o->minwidth / 100;
    else
        *minwidth_time = o->minwidth / widthpertime;
    l->maxdelta = 1;
    return 0;
}

typedef struct sort_ctx {
    const fk_trie *t;
    const fk_profile *p;
    size_t type;
} sort_ctx;

/* Order two siblings as their first folded lines would sort. */
static int line_order(const void *a, const void *b, void *payload)
{
    const sort_ctx *c = payload;
    uint32_t na = *(const uint32_t *)a, nb = *(const uint32_t *)b;
    fkx_str sa = fk_profile_string(c->p, c->t->nodes[na].frame);
    fkx_str sb = fk_profile_string(c->p, c->t->nodes[nb].frame);
    size_t n = sa.len < sb.len ? sa.len : sb.len;
    int r = memcmp(sa.ptr, sb.ptr, n);
    if (r != 0)
        return r;
    unsigned char ka =
        sa.len > n ? (unsigned char)sa.ptr[n] : (fk_trie_self(c->t, na, c->type) > 0 ? ' ' : ';');
    unsigned char kb =
        sb.len > n ? (unsigned char)sb.ptr[n] : (fk_trie_self(c->t, nb, c->type) > 0 ? ' ' : ';');
    if (ka != kb)
        return ka < kb ? -1 : 1;
    return sa.len < sb.len ? -1 : sa.len > sb.len; /* the shorter name's count sorts first */
}

/* Does some sibling's name start with its left neighbour's? Only then can
 * the bytewise order differ from the order of the sorted lines. */
static int needs_resort(const fk_trie *t, const fk_profile *p, uint32_t first)
{
    uint32_t prev = first;
    for (uint32_t c = t->nodes[first].next_sibling; c != FK_TRIE_NONE;
         c = t->nodes[c].next_sibling) {
        fkx_str a = fk_profile_string(p, t->nodes[prev].frame);
        fkx_str b = fk_profile_string(p, t->nodes[c].frame);
        if (a.len < b.len && memcmp(a.ptr, b.ptr, a.len) == 0)
            return 1;
        prev = c;
    }
    return 0;
}

typedef struct walk {
    uint32_t cursor; /* next child in linked (bytewise) order, or ... */
    int sorted;      /* ... children re-sorted into scratch[off, off + n) */
    size_t off;
    uint32_t n, i;
    double pos; /* where the next child starts */
    int waker;  /* chain palette: at or below a "--" frame */
} walk;

int fk_layout_trie(fk_layout *l, const fk_trie *t, size_t type, const fk_svg_opts *o)
{
    memset(l, 0, sizeof *l);
    const fk_profile *p = t->profile;
    double minwidth_time = 0;
    int err = set_scale(l, fk_trie_total(t, 0, type), o, &minwidth_time);
    if (err < 0)
        return err;
    int diff = o->diff_base >= 0 && (size_t)o->diff_base < t->ntypes;
    size_t base = diff ? (size_t)o->diff_base : 0;
    if (diff) {
        for (size_t i = 0; i < p->nstacks; i++) {
            const double *v = fk_profile_values(p, i);
            double d = fabs(v[type] - v[base]);
            if (d > l->maxdelta)
                l->maxdelta = d;
        }
    }
    uint32_t sep_id = FK_TRIE_NONE;
    if (o->palette == FK_PALETTE_CHAIN && !fkx_intern_find(&p->strings, &sep_id, "--", 2))
        sep_id = FK_TRIE_NONE;

    sort_ctx ctx = {t, p, type};
    walk *stack = fkx_malloc((t->max_depth + 2) * sizeof *stack);
    uint32_t *scratch = NULL;
    size_t scratch_len = 0, scratch_cap = 0;
    if (stack == NULL)
        return FK_ENOMEM;

    if (l->time < minwidth_time) {
        l->pruned++;
        goto done;
    }
    if ((err = push_frame(l, FK_FRAME_ROOT, 0, 0, l->timemax, 0, 0)) < 0)
        goto done;
    size_t sp = 0;
    uint32_t node = 0;
    double pos = 0;
    int waker = 0;
    for (;;) {
        /* Enter `node`: set up the walk over its children. */
        walk *w = &stack[sp++];
        memset(w, 0, sizeof *w);
        w->cursor = t->nodes[node].first_child;
        /* The node's own samples sort first ("a;b 5" < "a;b;c 1"): its
         * children start to the right of them. */
        w->pos = pos + (node == 0 ? 0 : fk_trie_self(t, node, type));
        w->waker = waker || (sep_id != FK_TRIE_NONE && node != 0 && t->nodes[node].frame == sep_id);
        if (w->cursor != FK_TRIE_NONE && needs_resort(t, p, w->cursor)) {
            size_t n = 0;
            for (uint32_t c = w->cursor; c != FK_TRIE_NONE; c = t->nodes[c].next_sibling)
                n++;
            if ((err = fkx_grow((void **)&scratch, &scratch_cap, scratch_len + n,
                                sizeof *scratch)) < 0)
                goto done;
            uint32_t *list = scratch + scratch_len;
            n = 0;
            for (uint32_t c = w->cursor; c != FK_TRIE_NONE; c = t->nodes[c].next_sibling)
                list[n++] = c;
            qsort_r(list, n, sizeof *list, line_order, &ctx);
            w->sorted = 1;
            w->off = scratch_len;
            w->n = (uint32_t)n;
            scratch_len += n;
        }
        /* Find the next child to draw, popping finished walks. */
        node = FK_TRIE_NONE;
        while (sp > 0) {
            w = &stack[sp - 1];
            uint32_t c;
            if (w->sorted) {
                if (w->i == w->n) {
                    scratch_len -= w->n;
                    sp--;
                    continue;
                }
                c = scratch[w->off + w->i++];
            } else {
                c = w->cursor;
                if (c == FK_TRIE_NONE) {
                    sp--;
                    continue;
                }
                w->cursor = t->nodes[c].next_sibling;
            }
            double tot = fk_trie_total(t, c, type);
            double start = w->pos;
            w->pos += tot;
            if (!(tot > 0) || tot < minwidth_time) {
                l->pruned++;
                continue;
            }
            double delta = diff ? fk_trie_self(t, c, type) - fk_trie_self(t, c, base) : 0;
            if ((err = push_frame(l, t->nodes[c].frame, sp, start, tot, delta, w->waker)) < 0)
                goto done;
            node = c;
            pos = start;
            waker = w->waker;
            break;
        }
        if (node == FK_TRIE_NONE)
            break;
    }
done:
    fkx_free(scratch);
    fkx_free(stack);
    if (err < 0)
        fk_layout_free(l);
    return err;
}

int fk_layout_chart(fk_layout *l, const fk_profile *p, size_t type, const fk_svg_opts *o)
{
    memset(l, 0, sizeof *l);
    double minwidth_time = 0;
    int err = set_scale(l, fk_profile_total(p, type), o, &minwidth_time);
    if (err < 0)
        return err;
    int diff = o->diff_base >= 0 && (size_t)o->diff_base < p->ntypes;
    size_t base = diff ? (size_t)o->diff_base : 0;
    uint32_t sep_id = FK_TRIE_NONE;
    if (o->palette == FK_PALETTE_CHAIN && !fkx_intern_find(&p->strings, &sep_id, "--", 2))
        sep_id = FK_TRIE_NONE;
    size_t maxd = 0;
    for (size_t i = 0; i < p->nstacks; i++)
        if (p->stacks[i].depth > maxd)
            maxd = p->stacks[i].depth;
    /* open[d]: the frame open at depth d (0 = root). */
    double *stime = fkx_malloc((maxd + 1) * sizeof *stime);
    double *delta = fkx_calloc(maxd + 1, sizeof *delta);
    if (stime == NULL || delta == NULL) {
        err = FK_ENOMEM;
        goto done;
    }
    const uint32_t *prev = NULL;
    size_t prev_depth = 0;
    double time = 0;
    stime[0] = 0;
    for (size_t i = 0; i <= p->nstacks; i++) {
        const uint32_t *f = NULL;
        size_t depth = 0;
        double v = 0;
        if (i < p->nstacks) {
            v = fk_profile_values(p, i)[type];
            if (!(v > 0))
                continue;
            f = fk_profile_stack(p, i, &depth);
            if (diff) {
                double d = fabs(v - fk_profile_values(p, i)[base]);
                if (d > l->maxdelta)
                    l->maxdelta = d;
            }
        }
        size_t same = 0;
        while (f != NULL && same < depth && same < prev_depth && f[same] == prev[same])
            same++;
        /* Close what the new stack does not share, deepest first. */
        for (size_t d = prev_depth; d > same; d--) {
            double width = time - stime[d];
            int waker = 0;
            for (size_t k = 0; sep_id != FK_TRIE_NONE && k + 1 < d; k++)
                waker |= prev[k] == sep_id;
            if (width < minwidth_time)
                l->pruned++;
            else if ((err = push_frame(l, prev[d - 1], d, stime[d], width, delta[d], waker)) < 0)
                goto done;
            delta[d] = 0;
        }
        if (f == NULL) {
            if (time < minwidth_time)
                l->pruned++;
            else
                err = push_frame(l, FK_FRAME_ROOT, 0, 0, l->timemax, 0, 0);
            break;
        }
        for (size_t d = same + 1; d <= depth; d++)
            stime[d] = time;
        if (diff && depth > 0)
            delta[depth] += v - fk_profile_values(p, i)[base];
        time += v;
        prev = f;
        prev_depth = depth;
    }
done:
    fkx_free(stime);
    fkx_free(delta);
    if (err < 0)
        fk_layout_free(l);
    return err;
}

void fk_layout_free(fk_layout *l)
{
    if (l == NULL)
        return;
    fkx_free(l->frames);
    memset(l, 0, sizeof *l);
}

int fk_profile_reversed(fk_profile *out, const fk_profile *src)
{
    int err = fk_profile_init(out);
    if (err < 0)
        return err;
    uint32_t *rev = NULL;
    size_t cap = 0;
    for (size_t k = 0; k < src->ntypes && err == 0; k++) {
        fkx_str ty = fk_profile_string(src, src->types[k].type);
        fkx_str un = fk_profile_string(src, src->types[k].unit);
        err = fk_profile_add_type(out, ty.ptr, un.ptr, NULL);
    }
    if (err == 0)
        out->default_type = src->default_type;
    for (size_t i = 0; i < src->nstacks && err == 0; i++) {
        size_t depth;
        const uint32_t *f = fk_profile_stack(src, i, &depth);
        if ((err = fkx_grow((void **)&rev, &cap, depth + 1, sizeof *rev)) < 0)
            break;
        for (size_t d = 0; d < depth && err == 0; d++) {
            fkx_str s = fk_profile_string(src, f[d]);
            err = fk_profile_intern(out, &rev[depth - 1 - d], s.ptr, s.len);
        }
        if (err == 0)
            err = fk_profile_add(out, rev, depth, fk_profile_values(src, i), NULL);
    }
    fkx_free(rev);
    if (err < 0)
        fk_profile_free(out);
    return err;
}
