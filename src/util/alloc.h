/*
 * alloc.h - the one place flamekit's own code gets heap memory from.
 *
 * Everything allocates through fkx_malloc/fkx_realloc/fkx_free so tests can
 * make the Nth allocation fail (fkx_alloc_fail_after) and check that every
 * error path cleans up. Failing allocations record FK_ENOMEM.
 */
#ifndef FK_UTIL_ALLOC_H
#define FK_UTIL_ALLOC_H

#include <stddef.h>

void *fkx_malloc(size_t size);
void *fkx_calloc(size_t n, size_t size);
void *fkx_realloc(void *ptr, size_t size);
void fkx_free(void *ptr);

/* A heap copy of a C string (free with fkx_free); NULL with FK_ENOMEM. */
char *fkx_strdup(const char *s);

/* Grow an array to hold at least `need` elements of `elem` bytes, doubling.
 * *cap is updated. Returns 0, or FK_ENOMEM/FK_ELIMIT (nothing changed). */
int fkx_grow(void **ptr, size_t *cap, size_t need, size_t elem);

/* Large tables that are probed at random (the perf reader's caches) live
 * in their own mappings, marked for transparent huge pages: one TLB entry
 * then covers 2 MiB instead of 4 KiB, which matters most in virtual
 * machines. Memory is zeroed. fkx_big_realloc keeps the contents. Sizes
 * are the caller's to remember. */
void *fkx_big_alloc(size_t size);
void *fkx_big_realloc(void *ptr, size_t old_size, size_t new_size);
void fkx_big_free(void *ptr, size_t size);

/* Testing: let `n` more allocations succeed, then fail every one until
 * reset with a negative n. Not thread-safe; for unit tests only. */
void fkx_alloc_fail_after(long n);

/* Testing: allocations made since the process started. */
unsigned long fkx_alloc_count(void);

#endif
