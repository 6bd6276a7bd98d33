/*
 * profile.h - the model every format reads into and every renderer reads.
 *
 * A profile is a list of sample types (each a type and a unit, e.g.
 * "samples"/"count" or "cpu"/"nanoseconds") and a set of distinct stacks.
 * A stack is an array of interned frame ids, root first, with one value per
 * sample type. Adding a stack that is already present adds its values, so a
 * profile is always merged: one entry per distinct stack.
 *
 * Values are doubles: exact for integers up to 2^53, and folded input may
 * carry fractional counts.
 *
 * Memory grows with the number of distinct stacks and frame names, never with
 * the number of samples added. Not thread-safe.
 */
#ifndef FK_PROFILE_PROFILE_H
#define FK_PROFILE_PROFILE_H

#include "util/hash.h"
#include "util/intern.h"
#include "util/limits.h"

#include <stddef.h>
#include <stdint.h>

typedef struct fk_sample_type {
    uint32_t type; /* string id, e.g. "samples" */
    uint32_t unit; /* string id, e.g. "count" */
} fk_sample_type;

typedef struct fk_stack_rec {
    size_t frames_off; /* into fk_profile.frames */
    uint32_t depth;
    uint32_t tag; /* upper 32 bits of the stack's hash */
} fk_stack_rec;

typedef struct fk_profile {
    fkx_intern strings; /* frame names, sample type names, ... */
    fk_sample_type types[FK_LIMIT_SAMPLE_TYPES];
    size_t ntypes;
    size_t default_type; /* index of the type shown by default */

    fkx_index stack_index;
    uint32_t *frames; /* every distinct stack's frames, back to back */
    size_t nframes, frames_cap;
    fk_stack_rec *stacks;
    size_t nstacks, stacks_cap;
    double *values; /* nstacks * ntypes */
    size_t values_cap;
    uint64_t seed;
} fk_profile;

/* An empty profile with no sample types. 0 or FK_ENOMEM. */
int fk_profile_init(fk_profile *p);

/* Append a sample type; only allowed while the profile holds no stacks.
 * *index_out (may be NULL) receives its column. */
int fk_profile_add_type(fk_profile *p, const char *type, const char *unit, size_t *index_out);

/* Intern a frame name. */
static inline int fk_profile_intern(fk_profile *p, uint32_t *out, const char *s, size_t len)
{
    return fkx_intern_put(&p->strings, out, s, len);
}

static inline fkx_str fk_profile_string(const fk_profile *p, uint32_t id)
{
    return fkx_intern_get(&p->strings, id);
}

/* Add `values` (ntypes of them) to the stack frames[0..depth) (root first),
 * creating it if new. *index_out (may be NULL) receives the stack's index.
 * 0, FK_ENOMEM, FK_ELIMIT (too deep, too many stacks) or FK_EINVAL (no types). */
int fk_profile_add(fk_profile *p, const uint32_t *frames, size_t depth, const double *values,
                   size_t *index_out);

/* Add every stack of `src` into `dst`, re-interning frames. Both must have the
 * same number of sample types. */
int fk_profile_merge(fk_profile *dst, const fk_profile *src);

static inline const uint32_t *fk_profile_stack(const fk_profile *p, size_t i, size_t *depth)
{
    *depth = p->stacks[i].depth;
    return p->frames + p->stacks[i].frames_off;
}

/* The same as fk_profile_add, in steps, for readers that add stacks in a
 * stream and want the cache misses of each look-up (index slot, then stack
 * record and values, then frames) to overlap with work on the next stacks:
 * hash a stack, fk_profile_prefetch it at stage 0, 1 and 2 with other work
 * in between, then fk_profile_add_hashed it. Prefetching never changes
 * anything; stacks may be added in any order as long as each is added once. */
static inline uint64_t fk_profile_stack_hash(const fk_profile *p, const uint32_t *frames,
                                             size_t depth)
{
    return fkx_hash(frames, depth * sizeof *frames, p->seed);
}

static inline void fk_profile_prefetch(const fk_profile *p, uint64_t h, int stage)
{
    const fkx_index *ix = &p->stack_index;
    if (ix->slots == NULL)
        return;
    size_t pos = fkx_index_start(ix, h);
    const fkx_index_slot *slot = &ix->slots[pos];
    if (stage == 0) {
        __builtin_prefetch(slot);
        return;
    }
    /* the stack's slot: its home or a few after it (never far at load 1/2) */
    for (int k = 0; slot->id != 0 && slot->tag != (uint32_t)(h >> 32) && k < 4; k++)
        slot = &ix->slots[pos = (pos + 1) & ix->mask];
    if (slot->id == 0 || slot->tag != (uint32_t)(h >> 32))
        return;
    const fk_stack_rec *r = &p->stacks[slot->id - 1];
    if (stage == 1) {
        __builtin_prefetch(r);
        __builtin_prefetch(p->values + (size_t)(slot->id - 1) * p->ntypes);
        return;
    }
    const uint32_t *f = p->frames + r->frames_off;
    __builtin_prefetch(f);
    if (r->depth > 16)
        __builtin_prefetch(f + r->depth - 1);
}

int fk_profile_add_hashed(fk_profile *p, const uint32_t *frames, size_t depth, uint64_t h,
                          const double *values, size_t *index_out);

static inline const double *fk_profile_values(const fk_profile *p, size_t i)
{
    return p->values + i * p->ntypes;
}

/* Sum of column `type` over all stacks. */
double fk_profile_total(const fk_profile *p, size_t type);

void fk_profile_free(fk_profile *p);

#endif
