/*
 * order.c - the stacks of a profile in the bytewise order of their folded
 * text ("a;b;c"), without building and comparing that text.
 *
 * Comparing two stacks' texts is decided at the first frame where they
 * differ, by the two names followed by what comes next in each text: ';'
 * if more frames follow, or the end. So every frame name gets two ranks,
 * one as a last frame and one as a middle frame, from one sort of the
 * distinct names; the stacks are then sorted most-significant frame first
 * (radix-style, one frame depth at a time), comparing small integers. This
 * is what makes writing millions of folded stacks cheap.
 *
 * Names that contain ';' themselves would make the text ambiguous and the
 * ranks wrong; for such profiles the order is computed from the text. For
 * profiles with few stacks per name (where ranking costs more than it
 * saves) a comparison sort compares frames and, where they first differ,
 * names.
 */
#include "order.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

enum { TERM_END = -1, TERM_MID = ';' };

typedef struct name_key {
    uint32_t id;
    int term; /* TERM_END or TERM_MID */
} name_key;

/* Compare name a + terminator with name b + terminator, bytewise, the end
 * of the text sorting before every byte. */
static int cmp_name_keys(const void *x, const void *y, void *ctx)
{
    const fk_profile *p = ctx;
    const name_key *a = x, *b = y;
    fkx_str sa = fk_profile_string(p, a->id), sb = fk_profile_string(p, b->id);
    size_t n = sa.len < sb.len ? sa.len : sb.len;
    int c = memcmp(sa.ptr, sb.ptr, n);
    if (c != 0)
        return c;
    int ca = sa.len > n ? (unsigned char)sa.ptr[n] : a->term;
    int cb = sb.len > n ? (unsigned char)sb.ptr[n] : b->term;
    return (ca > cb) - (ca < cb);
}

typedef struct sort_ctx {
    const fk_profile *p;
    const uint32_t *rank_end, *rank_mid;
} sort_ctx;

/* The sort key of stack s at frame depth d: 0 if the stack has ended
 * (shorter stacks come first), else 1 + the frame's rank. */
static inline uint32_t key_at(const sort_ctx *c, uint32_t s, size_t d)
{
    size_t depth;
    const uint32_t *f = fk_profile_stack(c->p, s, &depth);
    if (d >= depth)
        return 0;
    return 1 + (d + 1 == depth ? c->rank_end[f[d]] : c->rank_mid[f[d]]);
}

/* Full comparison of two stacks from depth d on. */
static int cmp_stacks_from(const sort_ctx *c, uint32_t a, uint32_t b, size_t d)
{
    for (;; d++) {
        uint32_t ka = key_at(c, a, d), kb = key_at(c, b, d);
        if (ka != kb)
            return (ka > kb) - (ka < kb);
        if (ka == 0)
            return 0;
    }
}

#define SMALL_RANGE 48 /* ranges this small are sorted by comparison */

typedef struct cmp_ctx {
    const sort_ctx *c;
    size_t depth;
} cmp_ctx;

static int cmp_stacks_qsort(const void *x, const void *y, void *ctx)
{
    const cmp_ctx *cc = ctx;
    return cmp_stacks_from(cc->c, *(const uint32_t *)x, *(const uint32_t *)y, cc->depth);
}

typedef struct keyed {
    uint32_t key;
    uint32_t stack;
} keyed;

static int cmp_keyed(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    if (a->key != b->key)
        return (a->key > b->key) - (a->key < b->key);
    return (a->stack > b->stack) - (a->stack < b->stack);
}

#define RADIX_MIN 4096 /* smaller ranges are sorted with qsort */

/* Sort tmp[0..n) by key: LSD radix (two 16-bit passes, count holds 65537
 * entries) for big ranges, qsort for small ones. */
static void sort_keyed(keyed *tmp, keyed *aux, size_t *count, size_t n)
{
    if (n < RADIX_MIN) {
        qsort(tmp, n, sizeof *tmp, cmp_keyed);
        return;
    }
    for (int shift = 0; shift < 32; shift += 16) {
        memset(count, 0, (65536 + 1) * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[((tmp[i].key >> shift) & 0xffff) + 1]++;
        for (size_t i = 1; i <= 65536; i++)
            count[i] += count[i - 1];
        for (size_t i = 0; i < n; i++)
            aux[count[(tmp[i].key >> shift) & 0xffff]++] = tmp[i];
        memcpy(tmp, aux, n * sizeof *tmp);
    }
}

typedef struct range {
    size_t lo, hi, depth;
} range;

static int order_by_ranks(const fk_profile *p, uint32_t *order)
{
    size_t nstr = p->strings.count;
    name_key *names = fkx_malloc((2 * nstr + 1) * sizeof *names);
    uint32_t *rank_end = fkx_malloc((nstr + 1) * sizeof *rank_end);
    uint32_t *rank_mid = fkx_malloc((nstr + 1) * sizeof *rank_mid);
    keyed *tmp = fkx_malloc((p->nstacks + 1) * sizeof *tmp);
    keyed *aux = fkx_malloc((p->nstacks + 1) * sizeof *aux);
    size_t *count = p->nstacks >= RADIX_MIN ? fkx_malloc((65536 + 1) * sizeof *count) : NULL;
    range *work = NULL;
    size_t nwork = 0, work_cap = 0;
    int err = names && rank_end && rank_mid && tmp && aux && (count || p->nstacks < RADIX_MIN)
                  ? 0
                  : FK_ENOMEM;
    if (err == 0) {
        for (size_t i = 0; i < nstr; i++) {
            names[2 * i] = (name_key){(uint32_t)i, TERM_END};
            names[2 * i + 1] = (name_key){(uint32_t)i, TERM_MID};
        }
        qsort_r(names, 2 * nstr, sizeof *names, cmp_name_keys, (void *)p);
        for (size_t i = 0; i < 2 * nstr; i++) {
            uint32_t *rank = names[i].term == TERM_MID ? rank_mid : rank_end;
            rank[names[i].id] = (uint32_t)i;
        }
        for (size_t i = 0; i < p->nstacks; i++)
            order[i] = (uint32_t)i;
    }
    sort_ctx c = {p, rank_end, rank_mid};
    if (err == 0 && p->nstacks > 1) {
        err = fkx_grow((void **)&work, &work_cap, 1, sizeof *work);
        if (err == 0)
            work[nwork++] = (range){0, p->nstacks, 0};
    }
    while (err == 0 && nwork > 0) {
        range r = work[--nwork];
        size_t n = r.hi - r.lo;
        if (n <= SMALL_RANGE) { /* a comparison sort from this depth on */
            cmp_ctx cc = {&c, r.depth};
            qsort_r(order + r.lo, n, sizeof *order, cmp_stacks_qsort, &cc);
            continue;
        }
        int all_same = 1;
        for (size_t i = 0; i < n; i++) {
            tmp[i].stack = order[r.lo + i];
            tmp[i].key = key_at(&c, tmp[i].stack, r.depth);
            all_same &= tmp[i].key == tmp[0].key;
        }
        if (all_same) { /* a shared frame (deep stacks have many): next depth */
            if (tmp[0].key != 0 &&
                (err = fkx_grow((void **)&work, &work_cap, nwork + 1, sizeof *work)) == 0)
                work[nwork++] = (range){r.lo, r.hi, r.depth + 1};
            continue;
        }
        sort_keyed(tmp, aux, count, n);
        for (size_t i = 0; i < n; i++)
            order[r.lo + i] = tmp[i].stack;
        /* runs of one key continue at the next depth; key 0 (ended) and a
         * last-frame key are unique among distinct stacks */
        for (size_t i = 0; i < n;) {
            size_t j = i + 1;
            while (j < n && tmp[j].key == tmp[i].key)
                j++;
            if (j - i > 1 && tmp[i].key != 0) {
                if ((err = fkx_grow((void **)&work, &work_cap, nwork + 1, sizeof *work)) < 0)
                    break;
                work[nwork++] = (range){r.lo + i, r.lo + j, r.depth + 1};
            }
            i = j;
        }
    }
    fkx_free(work);
    fkx_free(rank_end);
    fkx_free(rank_mid);
    fkx_free(names);
    fkx_free(tmp);
    fkx_free(aux);
    fkx_free(count);
    return err;
}

/* The fallback: compare the texts themselves. */
typedef struct text_ref {
    size_t off, len;
    uint32_t stack;
} text_ref;

static int cmp_text(const void *x, const void *y, void *text)
{
    const text_ref *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp((const char *)text + a->off, (const char *)text + b->off, n);
    if (c != 0)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

static int order_by_text(const fk_profile *p, uint32_t *order)
{
    text_ref *refs = fkx_malloc((p->nstacks + 1) * sizeof *refs);
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
        refs[i].stack = (uint32_t)i;
        for (size_t d = 0; d < depth; d++) {
            fkx_str s = fk_profile_string(p, f[d]);
            if (d)
                text[tlen++] = ';';
            memcpy(text + tlen, s.ptr, s.len);
            tlen += s.len;
        }
        refs[i].len = tlen - refs[i].off;
    }
    if (err == 0) {
        qsort_r(refs, p->nstacks, sizeof *refs, cmp_text, text);
        for (size_t i = 0; i < p->nstacks; i++)
            order[i] = refs[i].stack;
    }
    fkx_free(text);
    fkx_free(refs);
    return err;
}

/* Compare two stacks' texts without building them: equal frames give equal
 * text, so the texts first differ inside the first frames that differ, and
 * there the two names with what follows each (';' or the end) decide, as in
 * cmp_name_keys. A stack that is a prefix of the other sorts first. Only
 * for names without ';'. */
typedef struct stack_ref {
    const uint32_t *frames;
    uint32_t depth, id;
} stack_ref;

static inline int cmp_refs(const fk_profile *p, const stack_ref *a, const stack_ref *b)
{
    size_t n = a->depth < b->depth ? a->depth : b->depth, d = 0;
    while (d < n && a->frames[d] == b->frames[d])
        d++;
    if (d == n)
        return (a->depth > b->depth) - (a->depth < b->depth);
    name_key ka = {a->frames[d], d + 1 < a->depth ? TERM_MID : TERM_END};
    name_key kb = {b->frames[d], d + 1 < b->depth ? TERM_MID : TERM_END};
    return cmp_name_keys(&ka, &kb, (void *)(uintptr_t)p);
}

/* A bottom-up merge sort of stack_refs with the comparison inlined: each
 * ref carries its frames and depth, so a comparison touches no stack
 * record, and runs of 8 are sorted by insertion first. The passes go back
 * and forth between a and tmp: returns the one holding the result. */
static stack_ref *sort_refs(const fk_profile *p, stack_ref *a, stack_ref *tmp, size_t n)
{
    const size_t run = 8;
    for (size_t lo = 0; lo < n; lo += run) {
        size_t hi = lo + run < n ? lo + run : n;
        for (size_t i = lo + 1; i < hi; i++) {
            stack_ref x = a[i];
            size_t j = i;
            for (; j > lo && cmp_refs(p, &a[j - 1], &x) > 0; j--)
                a[j] = a[j - 1];
            a[j] = x;
        }
    }
    for (size_t width = run; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n,
                   hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            if (mid >= hi || cmp_refs(p, &a[mid - 1], &a[mid]) <= 0) { /* already in order */
                memcpy(tmp + lo, a + lo, (hi - lo) * sizeof *a);
                continue;
            }
            while (i < mid && j < hi)
                tmp[k++] = cmp_refs(p, &a[j], &a[i]) < 0 ? a[j++] : a[i++];
            while (i < mid)
                tmp[k++] = a[i++];
            while (j < hi)
                tmp[k++] = a[j++];
        }
        stack_ref *t = a;
        a = tmp;
        tmp = t;
    }
    return a;
}

static int order_by_frames(const fk_profile *p, uint32_t *order)
{
    size_t n = p->nstacks;
    stack_ref *refs = fkx_malloc((2 * n + 1) * sizeof *refs);
    if (refs == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t depth;
        refs[i].frames = fk_profile_stack(p, i, &depth);
        refs[i].depth = (uint32_t)depth;
        refs[i].id = (uint32_t)i;
    }
    const stack_ref *sorted = sort_refs(p, refs, refs + n, n);
    for (size_t i = 0; i < n; i++)
        order[i] = sorted[i].id;
    fkx_free(refs);
    return 0;
}

int fk_profile_text_order(const fk_profile *p, uint32_t **out)
{
    *out = NULL;
    if (p->nstacks > UINT32_MAX)
        return fkx_error_set(FK_ELIMIT, "too many stacks to sort");
    uint32_t *order = fkx_malloc((p->nstacks + 1) * sizeof *order);
    if (order == NULL)
        return FK_ENOMEM;
    int has_semicolon = 0;
    for (size_t i = 0; i < p->strings.count && !has_semicolon; i++) {
        fkx_str s = fk_profile_string(p, (uint32_t)i);
        has_semicolon = memchr(s.ptr, ';', s.len) != NULL;
    }
    /* Ranking sorts every name twice over; for profiles with few stacks per
     * name (perf captures) a comparison sort that looks at frames is
     * cheaper. Names with ';' need the text itself. */
    int err = has_semicolon                       ? order_by_text(p, order)
              : p->nstacks < 4 * p->strings.count ? order_by_frames(p, order)
                                                  : order_by_ranks(p, order);
    if (err < 0) {
        fkx_free(order);
        return err;
    }
    *out = order;
    return 0;
}
