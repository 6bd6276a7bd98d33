/*
 * intern.h - string interning: bytes -> stable 32-bit id.
 *
 * Each distinct byte string is stored once (NUL-terminated, in the interner's
 * arena) and named by a dense id 0, 1, 2, ... in order of first insertion.
 * Ids compare instead of bytes everywhere downstream. The hash is seeded per
 * process (see hash.h). Strings may contain any bytes, NUL included.
 * Not thread-safe.
 */
#ifndef FK_UTIL_INTERN_H
#define FK_UTIL_INTERN_H

#include "arena.h"
#include "hash.h"

#include <stddef.h>
#include <stdint.h>

typedef struct fkx_str {
    const char *ptr; /* NUL-terminated; owned by the interner */
    uint32_t len;
} fkx_str;

typedef struct fkx_intern {
    fkx_arena arena;
    fkx_index index;
    fkx_str *strs;
    size_t count, cap;
    uint64_t seed;
} fkx_intern;

/* Prepare an empty interner. 0 or FK_ENOMEM. */
int fkx_intern_init(fkx_intern *in);

/* The id of bytes [s, s+len), adding them if new. 0, FK_ENOMEM or FK_ELIMIT. */
int fkx_intern_put(fkx_intern *in, uint32_t *out, const char *s, size_t len);

/* Like fkx_intern_put with a hash already computed by fkx_intern_hash(). */
int fkx_intern_put_hashed(fkx_intern *in, uint32_t *out, const char *s, size_t len, uint64_t h);

static inline uint64_t fkx_intern_hash(const fkx_intern *in, const char *s, size_t len)
{
    return fkx_hash(s, len, in->seed);
}

/* Look up without adding: 1 and *out set if present, else 0. */
int fkx_intern_find(const fkx_intern *in, uint32_t *out, const char *s, size_t len);

/* The string of an id returned earlier (borrowed; lives as long as `in`). */
static inline fkx_str fkx_intern_get(const fkx_intern *in, uint32_t id)
{
    return in->strs[id];
}

/* Release everything. NULL-safe. */
void fkx_intern_free(fkx_intern *in);

#endif
