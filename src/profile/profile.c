/*
 * profile.c - the stack table: distinct stacks and their summed values.
 *
 * Stacks are found by hashing the frame-id array (one hash and one compare per
 * add), which is much cheaper than walking a trie frame by frame; the trie
 * (trie.c) is built from this table once, when a renderer needs it.
 */
#include "profile.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/scan.h"

#include <string.h>

int fk_profile_init(fk_profile *p)
{
    memset(p, 0, sizeof *p);
    p->seed = fkx_hash_seed();
    int err = fkx_intern_init(&p->strings);
    if (err == 0)
        err = fkx_index_reserve(&p->stack_index);
    /* frames is never NULL, so an empty stack's frames pointer is valid */
    if (err == 0)
        err = fkx_grow((void **)&p->frames, &p->frames_cap, 16, sizeof *p->frames);
    if (err < 0)
        fk_profile_free(p);
    return err;
}

int fk_profile_add_type(fk_profile *p, const char *type, const char *unit, size_t *index_out)
{
    if (p->nstacks > 0)
        return fkx_error_set(FK_EINVAL, "sample types must be declared before stacks");
    if (p->ntypes >= FK_LIMIT_SAMPLE_TYPES)
        return fkx_error_set(FK_ELIMIT, "more than %d sample types", FK_LIMIT_SAMPLE_TYPES);
    fk_sample_type t;
    int err = fkx_intern_put(&p->strings, &t.type, type, strlen(type));
    if (err == 0)
        err = fkx_intern_put(&p->strings, &t.unit, unit, strlen(unit));
    if (err < 0)
        return err;
    if (index_out)
        *index_out = p->ntypes;
    p->types[p->ntypes++] = t;
    return 0;
}

int fk_profile_add(fk_profile *p, const uint32_t *frames, size_t depth, const double *values,
                   size_t *index_out)
{
    if (depth > FK_LIMIT_STACK_DEPTH) /* before the hash reads the frames */
        return fkx_error_set(FK_ELIMIT, "stack of %zu frames is deeper than the limit of %zu",
                             depth, (size_t)FK_LIMIT_STACK_DEPTH);
    return fk_profile_add_hashed(p, frames, depth, fk_profile_stack_hash(p, frames, depth), values,
                                 index_out);
}

int fk_profile_add_hashed(fk_profile *p, const uint32_t *frames, size_t depth, uint64_t h,
                          const double *values, size_t *index_out)
{
    if (p->ntypes == 0)
        return fkx_error_set(FK_EINVAL, "profile has no sample types");
    if (depth > FK_LIMIT_STACK_DEPTH)
        return fkx_error_set(FK_ELIMIT, "stack of %zu frames is deeper than the limit of %zu",
                             depth, (size_t)FK_LIMIT_STACK_DEPTH);
    size_t bytes = depth * sizeof *frames;
    uint32_t tag = (uint32_t)(h >> 32);
    fkx_index *ix = &p->stack_index;
    size_t pos = fkx_index_start(ix, h);
    for (;;) {
        fkx_index_slot slot = ix->slots[pos];
        if (slot.id == 0)
            break;
        if (slot.tag == tag) {
            const fk_stack_rec *r = &p->stacks[slot.id - 1];
            if (r->depth == depth && fkx_same_bytes((const char *)(p->frames + r->frames_off),
                                                    (const char *)frames, bytes)) {
                double *v = p->values + (size_t)(slot.id - 1) * p->ntypes;
                for (size_t i = 0; i < p->ntypes; i++)
                    v[i] += values[i];
                if (index_out)
                    *index_out = slot.id - 1;
                return 0;
            }
        }
        pos = (pos + 1) & ix->mask;
    }

    /* New stack. */
    if (p->nstacks >= FK_LIMIT_STACKS)
        return fkx_error_set(FK_ELIMIT, "more than %zu distinct stacks", (size_t)FK_LIMIT_STACKS);
    int err;
    if ((err = fkx_grow((void **)&p->frames, &p->frames_cap, p->nframes + depth,
                        sizeof *p->frames)) < 0 ||
        (err = fkx_grow((void **)&p->stacks, &p->stacks_cap, p->nstacks + 1, sizeof *p->stacks)) <
            0 ||
        (err = fkx_grow((void **)&p->values, &p->values_cap, (p->nstacks + 1) * p->ntypes,
                        sizeof *p->values)) < 0)
        return err;
    size_t mask_before = ix->mask;
    if ((err = fkx_index_reserve(ix)) < 0)
        return err;
    if (ix->mask != mask_before) {
        pos = fkx_index_start(ix, h);
        while (ix->slots[pos].id != 0)
            pos = (pos + 1) & ix->mask;
    }
    size_t id = p->nstacks++;
    fk_stack_rec *r = &p->stacks[id];
    r->frames_off = p->nframes;
    r->depth = (uint32_t)depth;
    r->tag = tag;
    if (bytes)
        memcpy(p->frames + p->nframes, frames, bytes);
    p->nframes += depth;
    memcpy(p->values + id * p->ntypes, values, p->ntypes * sizeof *values);
    fkx_index_put(ix, pos, h, (uint32_t)id);
    if (index_out)
        *index_out = id;
    return 0;
}

int fk_profile_merge(fk_profile *dst, const fk_profile *src)
{
    if (dst->ntypes != src->ntypes)
        return fkx_error_set(FK_EINVAL, "cannot merge profiles with %zu and %zu sample types",
                             dst->ntypes, src->ntypes);
    uint32_t *map = fkx_calloc(src->strings.count, sizeof *map);
    uint32_t *buf = NULL;
    size_t bufcap = 0;
    int err = map ? 0 : FK_ENOMEM;
    for (size_t i = 0; err == 0 && i < src->strings.count; i++) {
        fkx_str s = fk_profile_string(src, (uint32_t)i);
        err = fk_profile_intern(dst, &map[i], s.ptr, s.len);
    }
    for (size_t i = 0; err == 0 && i < src->nstacks; i++) {
        size_t depth;
        const uint32_t *f = fk_profile_stack(src, i, &depth);
        if ((err = fkx_grow((void **)&buf, &bufcap, depth + 1, sizeof *buf)) < 0)
            break;
        for (size_t d = 0; d < depth; d++)
            buf[d] = map[f[d]];
        err = fk_profile_add(dst, buf, depth, fk_profile_values(src, i), NULL);
    }
    fkx_free(buf);
    fkx_free(map);
    return err;
}

double fk_profile_total(const fk_profile *p, size_t type)
{
    double sum = 0;
    for (size_t i = 0; i < p->nstacks; i++)
        sum += p->values[i * p->ntypes + type];
    return sum;
}

void fk_profile_free(fk_profile *p)
{
    if (p == NULL)
        return;
    fkx_intern_free(&p->strings);
    fkx_index_free(&p->stack_index);
    fkx_free(p->frames);
    fkx_free(p->stacks);
    fkx_free(p->values);
    memset(p, 0, sizeof *p);
}
