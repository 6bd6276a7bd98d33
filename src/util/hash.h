/*
 * hash.h - a fast seeded 64-bit hash for bytes and a probe index over it.
 *
 * The hash folds 16 bytes per step with a 64x64->128 multiply. The seed is
 * random per process (fkx_hash_seed) because frame names can come from
 * untrusted servers: a fixed seed would let a crafted profile force every key
 * into one probe chain. Output order never depends on hash values (callers
 * sort), so a random seed keeps results deterministic.
 *
 * fkx_index is an open-addressing table of (32-bit hash tag, id) pairs with
 * linear probing. It stores no keys: the caller compares the candidate ids
 * the probe yields with its own data. Load factor stays <= 1/2.
 */
#ifndef FK_UTIL_HASH_H
#define FK_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The per-process random seed (drawn once, thread-safe). */
uint64_t fkx_hash_seed(void);

static inline uint64_t fkx_hash_mix(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t fkx_load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Bytes [0,n) of p, 1..7 of them, packed little-endian into a word. */
static inline uint64_t fkx_load_tail(const unsigned char *p, size_t n)
{
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + n - 4, 4);
        return ((uint64_t)hi << 32) | lo;
    }
    return ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
}

#define FKX_K0 0x9e3779b97f4a7c15ull
#define FKX_K1 0xd6e8feb86659fd93ull
#define FKX_K2 0xa0761d6478bd642full
#define FKX_K3 0xe7037ed1a0b428dbull

static inline uint64_t fkx_hash(const void *data, size_t n, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ fkx_hash_mix(n ^ FKX_K0, FKX_K1);
    while (n > 16) {
        h = fkx_hash_mix(fkx_load64(p) ^ FKX_K2, fkx_load64(p + 8) ^ h);
        p += 16;
        n -= 16;
    }
    uint64_t a = 0, b = 0;
    if (n > 8) {
        a = fkx_load64(p);
        b = fkx_load_tail(p + 8, n - 8);
    } else if (n > 0) {
        a = fkx_load_tail(p, n);
    }
    h = fkx_hash_mix(a ^ FKX_K3 ^ h, b ^ FKX_K1);
    return fkx_hash_mix(h ^ FKX_K0, FKX_K2 ^ seed);
}

typedef struct fkx_index_slot {
    uint32_t tag; /* upper 32 bits of the key's hash */
    uint32_t id;  /* stored id + 1; 0 marks an empty slot */
} fkx_index_slot;

typedef struct fkx_index {
    fkx_index_slot *slots;
    size_t mask;  /* capacity - 1 (capacity is a power of two) */
    size_t count; /* ids stored */
} fkx_index;

#define FKX_INDEX_INIT                                                                             \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Start a probe for hash h: returns the first slot position. Positions come
 * from the tag alone so that growth can re-place slots without the keys. */
static inline size_t fkx_index_start(const fkx_index *ix, uint64_t h)
{
    return (size_t)(h >> 32) & ix->mask;
}

/* Make room for one more id (call before fkx_index_put). 0 or FK_ENOMEM. */
int fkx_index_reserve(fkx_index *ix);

/* Size an empty index for n ids up front, so filling it never rehashes. */
int fkx_index_presize(fkx_index *ix, size_t n);

/* Store id at the empty slot `pos` that a failed probe ended on. The caller
 * must have called fkx_index_reserve() before probing. */
static inline void fkx_index_put(fkx_index *ix, size_t pos, uint64_t h, uint32_t id)
{
    ix->slots[pos].tag = (uint32_t)(h >> 32);
    ix->slots[pos].id = id + 1;
    ix->count++;
}

void fkx_index_free(fkx_index *ix);

#endif
