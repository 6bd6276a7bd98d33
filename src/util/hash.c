/*
 * hash.c - the per-process hash seed and fkx_index growth.
 *
 * The index keeps no keys, only each key's 32-bit tag, and positions are
 * derived from the tag alone, so growing re-places every slot from its tag.
 */
#include "hash.h"

#include "alloc.h"
#include "error.h"

#include <pthread.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static uint64_t seed_value;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

static void seed_init(void)
{
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, GRND_NONBLOCK) != (ssize_t)sizeof s) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        s = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)getpid();
    }
    seed_value = s | 1;
}

uint64_t fkx_hash_seed(void)
{
    pthread_once(&seed_once, seed_init);
    return seed_value;
}

int fkx_index_reserve(fkx_index *ix)
{
    size_t cap = ix->slots ? ix->mask + 1 : 0;
    if (ix->slots != NULL && (ix->count + 1) * 2 <= cap)
        return 0;
    size_t ncap = cap ? cap * 2 : 64;
    if (ncap > ((size_t)1 << 32))
        return fkx_error_set(FK_ELIMIT, "hash index of %zu slots is too large", ncap);
    fkx_index_slot *ns = fkx_calloc(ncap, sizeof *ns);
    if (ns == NULL)
        return FK_ENOMEM;
    size_t nmask = ncap - 1;
    for (size_t i = 0; i < cap; i++) {
        fkx_index_slot s = ix->slots[i];
        if (s.id == 0)
            continue;
        size_t pos = (size_t)s.tag & nmask;
        while (ns[pos].id != 0)
            pos = (pos + 1) & nmask;
        ns[pos] = s;
    }
    fkx_free(ix->slots);
    ix->slots = ns;
    ix->mask = nmask;
    return 0;
}

int fkx_index_presize(fkx_index *ix, size_t n)
{
    if (ix->slots != NULL && ix->count > 0)
        return 0;
    size_t cap = 64;
    while (cap < n * 2 && cap < ((size_t)1 << 31))
        cap *= 2;
    fkx_index_slot *ns = fkx_calloc(cap, sizeof *ns);
    if (ns == NULL)
        return FK_ENOMEM;
    fkx_free(ix->slots);
    ix->slots = ns;
    ix->mask = cap - 1;
    ix->count = 0;
    return 0;
}

void fkx_index_free(fkx_index *ix)
{
    if (ix == NULL)
        return;
    fkx_free(ix->slots);
    ix->slots = NULL;
    ix->mask = 0;
    ix->count = 0;
}
