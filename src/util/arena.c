/*
 * arena.c - chunked bump allocator (see arena.h).
 *
 * Chunks grow geometrically from 64 KiB to 4 MiB so small profiles stay small
 * and large ones do not pay a malloc per object. A request larger than a
 * chunk gets a chunk of its own.
 */
#include "arena.h"

#include "alloc.h"
#include "error.h"

#include <stdint.h>
#include <string.h>

struct fkx_arena_chunk {
    fkx_arena_chunk *next;
    size_t size;
    /* payload follows, 16-aligned */
};

#define CHUNK_HEADER ((sizeof(fkx_arena_chunk) + 15) & ~(size_t)15)
#define CHUNK_MIN    ((size_t)64 << 10)
#define CHUNK_MAX    ((size_t)4 << 20)

static fkx_arena_chunk *chunk_new(fkx_arena *a, size_t payload)
{
    if (payload > SIZE_MAX - CHUNK_HEADER) {
        fkx_error_set(FK_ELIMIT, "arena allocation of %zu bytes is too large", payload);
        return NULL;
    }
    fkx_arena_chunk *c = fkx_malloc(CHUNK_HEADER + payload);
    if (c == NULL)
        return NULL;
    c->size = payload;
    c->next = a->head;
    a->head = c;
    a->total += CHUNK_HEADER + payload;
    return c;
}

#ifdef FK_ARENA_DEBUG

void *fkx_arena_alloc(fkx_arena *a, size_t size)
{
    fkx_arena_chunk *c = chunk_new(a, size ? size : 1);
    return c ? (char *)c + CHUNK_HEADER : NULL;
}

#else

void *fkx_arena_alloc(fkx_arena *a, size_t size)
{
    if (size > SIZE_MAX - 8) {
        fkx_error_set(FK_ELIMIT, "arena allocation of %zu bytes is too large", size);
        return NULL;
    }
    size = size ? (size + 7) & ~(size_t)7 : 8;
    if ((size_t)(a->end - a->cur) >= size && a->cur != NULL) {
        void *p = a->cur;
        a->cur += size;
        return p;
    }
    if (a->next_size == 0)
        a->next_size = CHUNK_MIN;
    if (size > a->next_size / 4) {
        /* A big object gets a chunk of its own; the bump chunk stays. */
        fkx_arena_chunk *c = chunk_new(a, size);
        return c ? (char *)c + CHUNK_HEADER : NULL;
    }
    fkx_arena_chunk *c = chunk_new(a, a->next_size);
    if (c == NULL)
        return NULL;
    a->cur = (char *)c + CHUNK_HEADER;
    a->end = a->cur + a->next_size;
    if (a->next_size < CHUNK_MAX)
        a->next_size *= 2;
    void *p = a->cur;
    a->cur += size;
    return p;
}

#endif

char *fkx_arena_strndup(fkx_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX) {
        fkx_error_set(FK_ELIMIT, "string too long");
        return NULL;
    }
    char *p = fkx_arena_alloc(a, len + 1);
    if (p == NULL)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void fkx_arena_free(fkx_arena *a)
{
    if (a == NULL)
        return;
    fkx_arena_chunk *c = a->head;
    while (c != NULL) {
        fkx_arena_chunk *next = c->next;
        fkx_free(c);
        c = next;
    }
    a->head = NULL;
    a->cur = a->end = NULL;
    a->next_size = 0;
    a->total = 0;
}
