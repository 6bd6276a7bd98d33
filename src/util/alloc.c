/*
 * alloc.c - allocation wrappers with test-time failure injection.
 */
#include "alloc.h"

#include "error.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static long fail_after = -1;
static unsigned long alloc_count;

void fkx_alloc_fail_after(long n)
{
    __atomic_store_n(&fail_after, n, __ATOMIC_RELAXED);
}

unsigned long fkx_alloc_count(void)
{
    return __atomic_load_n(&alloc_count, __ATOMIC_RELAXED);
}

/* True when this allocation must fail (injected by a test). The counters
 * are atomic so that threaded users (the profiler) stay race-free; failure
 * injection itself is for single-threaded unit tests. */
static int injected_failure(void)
{
    __atomic_fetch_add(&alloc_count, 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&fail_after, __ATOMIC_RELAXED) < 0)
        return 0;
    if (__atomic_load_n(&fail_after, __ATOMIC_RELAXED) == 0)
        return 1;
    __atomic_fetch_sub(&fail_after, 1, __ATOMIC_RELAXED);
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

char *fkx_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = fkx_malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
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

/* Sizes of 1 MiB or more are rounded to whole 2 MiB huge pages: the kernel
 * aligns anonymous mappings of such sizes to 2 MiB, so that transparent huge
 * pages can back all of them (a 3 MiB mapping at a 4 KiB boundary gets at
 * most one). Hash tables probed at random then cost far fewer TLB misses,
 * which are dear in a virtual machine. */
static size_t page_round(size_t size)
{
    const size_t page = size >= ((size_t)1 << 20) ? (size_t)2 << 20 : 4096;
    return size ? (size + page - 1) & ~(page - 1) : page;
}

void *fkx_big_alloc(size_t size)
{
    if (injected_failure()) {
        fkx_error_nomem();
        return NULL;
    }
    void *p =
        mmap(NULL, page_round(size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fkx_error_nomem();
        return NULL;
    }
    madvise(p, page_round(size), MADV_HUGEPAGE);
    return p;
}

void *fkx_big_realloc(void *ptr, size_t old_size, size_t new_size)
{
    if (ptr == NULL)
        return fkx_big_alloc(new_size);
    if (injected_failure()) {
        fkx_error_nomem();
        return NULL;
    }
    void *p = mremap(ptr, page_round(old_size), page_round(new_size), MREMAP_MAYMOVE);
    if (p == MAP_FAILED) {
        fkx_error_nomem();
        return NULL;
    }
    madvise(p, page_round(new_size), MADV_HUGEPAGE);
    return p;
}

void fkx_big_free(void *ptr, size_t size)
{
    if (ptr != NULL)
        munmap(ptr, page_round(size));
}
