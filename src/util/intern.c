/*
 * intern.c - string interner (see intern.h).
 */
#include "intern.h"

#include "alloc.h"
#include "error.h"
#include "limits.h"

#include <string.h>

int fkx_intern_init(fkx_intern *in)
{
    memset(in, 0, sizeof *in);
    in->seed = fkx_hash_seed();
    return fkx_index_reserve(&in->index);
}

/* Probe for the string; returns the slot position where the probe ended and
 * sets *found to its id + 1 (0 if absent). */
static size_t probe(const fkx_intern *in, const char *s, size_t len, uint64_t h, uint32_t *found)
{
    const fkx_index *ix = &in->index;
    uint32_t tag = (uint32_t)(h >> 32);
    size_t pos = fkx_index_start(ix, h);
    for (;;) {
        fkx_index_slot slot = ix->slots[pos];
        if (slot.id == 0) {
            *found = 0;
            return pos;
        }
        if (slot.tag == tag) {
            fkx_str c = in->strs[slot.id - 1];
            if (c.len == len && memcmp(c.ptr, s, len) == 0) {
                *found = slot.id;
                return pos;
            }
        }
        pos = (pos + 1) & ix->mask;
    }
}

int fkx_intern_find(const fkx_intern *in, uint32_t *out, const char *s, size_t len)
{
    if (in->index.slots == NULL)
        return 0;
    uint32_t found;
    probe(in, s, len, fkx_intern_hash(in, s, len), &found);
    if (found == 0)
        return 0;
    *out = found - 1;
    return 1;
}

int fkx_intern_put_hashed(fkx_intern *in, uint32_t *out, const char *s, size_t len, uint64_t h)
{
    uint32_t found;
    size_t pos = probe(in, s, len, h, &found);
    if (found != 0) {
        *out = found - 1;
        return 0;
    }
    if (len > UINT32_MAX)
        return fkx_error_set(FK_ELIMIT, "string of %zu bytes is too long", len);
    if (in->count >= FK_LIMIT_STRINGS)
        return fkx_error_set(FK_ELIMIT, "more than %zu distinct strings", (size_t)FK_LIMIT_STRINGS);
    int err;
    if ((err = fkx_grow((void **)&in->strs, &in->cap, in->count + 1, sizeof *in->strs)) < 0)
        return err;
    char *copy = fkx_arena_strndup(&in->arena, s, len);
    if (copy == NULL)
        return FK_ENOMEM;
    /* Growing the index moves slots, so re-probe afterwards if it grew. */
    size_t cap_before = in->index.mask;
    if ((err = fkx_index_reserve(&in->index)) < 0)
        return err;
    if (in->index.mask != cap_before)
        pos = probe(in, s, len, h, &found);
    uint32_t id = (uint32_t)in->count;
    in->strs[id].ptr = copy;
    in->strs[id].len = (uint32_t)len;
    in->count++;
    fkx_index_put(&in->index, pos, h, id);
    *out = id;
    return 0;
}

int fkx_intern_put(fkx_intern *in, uint32_t *out, const char *s, size_t len)
{
    return fkx_intern_put_hashed(in, out, s, len, fkx_intern_hash(in, s, len));
}

void fkx_intern_free(fkx_intern *in)
{
    if (in == NULL)
        return;
    fkx_index_free(&in->index);
    fkx_free(in->strs);
    fkx_arena_free(&in->arena);
    memset(in, 0, sizeof *in);
}
