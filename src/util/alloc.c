/*
 * alloc.c - allocation wrappers with test-time failure injection.
 */
#include "alloc.h"

#include "error.h"

#include <stdint.h>
#include <stdlib.h>

static long fail_after = -1;
static unsigned long alloc_count;

void fkx_alloc_fail_after(long n)
{
    fail_after = n;
}

unsigned long fkx_alloc_count(void)
{
    return alloc_count;
}

/* True when this allocation must fail (injected by a test). */
static int injected_failure(void)
{
    alloc_count++;
    if (fail_after < 0)
        return 0;
    if (fail_after == 0)
        return 1;
    fail_after--;
    return 0;
}

void *fkx_malloc(size_t size)
{
    void *p = injected_failure() ? NULL : malloc(size ? size : 1);
    if (p == NULL)
        fkx_error_nomem();
    return p;
}

void *fkx_calloc(size_t n, size_t size)
{
    void *p = injected_failure() ? NULL : calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        fkx_error_nomem();
    return p;
}

void *fkx_realloc(void *ptr, size_t size)
{
    void *p = injected_failure() ? NULL : realloc(ptr, size ? size : 1);
    if (p == NULL)
        fkx_error_nomem();
    return p;
}

void fkx_free(void *ptr)
{
    free(ptr);
}

int fkx_grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return fkx_error_set(FK_ELIMIT, "array of %zu elements is too large", need);
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem)
        return fkx_error_set(FK_ELIMIT, "array of %zu elements is too large", need);
    void *p = fkx_realloc(*ptr, ncap * elem);
    if (p == NULL)
        return FK_ENOMEM;
    *ptr = p;
    *cap = ncap;
    return 0;
}
