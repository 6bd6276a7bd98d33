/*
 * arena.h - bump allocation for parse -> model -> render pipelines.
 *
 * Memory taken from an arena lives until fkx_arena_free() releases all of it
 * at once; there is no per-object free. Allocations are 8-byte aligned.
 * Built with FK_ARENA_DEBUG, every allocation is a separate malloc so that
 * AddressSanitizer sees overflows between objects (the ASan CI build does so).
 * Not thread-safe: one arena per thread or per pipeline.
 */
#ifndef FK_UTIL_ARENA_H
#define FK_UTIL_ARENA_H

#include <stddef.h>

typedef struct fkx_arena_chunk fkx_arena_chunk;

typedef struct fkx_arena {
    fkx_arena_chunk *head; /* every chunk, newest first (for freeing) */
    char *cur;             /* next free byte of the bump chunk */
    char *end;             /* end of the bump chunk */
    size_t next_size;      /* payload size of the next bump chunk */
    size_t total;          /* bytes obtained from the heap so far */
} fkx_arena;

#define FKX_ARENA_INIT                                                                             \
    {                                                                                              \
        NULL, NULL, NULL, 0, 0                                                                     \
    }

/* Return `size` bytes (8-aligned), or NULL with FK_ENOMEM recorded. */
void *fkx_arena_alloc(fkx_arena *a, size_t size);

/* Copy `len` bytes and add a NUL; NULL on failure. */
char *fkx_arena_strndup(fkx_arena *a, const char *s, size_t len);

/* Release everything; the arena is empty and reusable afterwards. NULL-safe. */
void fkx_arena_free(fkx_arena *a);

#endif
