/*
 * scan.h - byte scanning primitives for the text parsers' hot loops.
 *
 * x86-64 always has SSE2, and 16 bytes per compare is what makes the perf
 * reader fast; other machines get the plain loops below, which give the same
 * answers. Every function reads only inside [s, s + n).
 */
#ifndef FK_UTIL_SCAN_H
#define FK_UTIL_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Bit i of the result is set when s[i] == c, for i < 64 (s has >= 64 bytes). */
static inline uint64_t fkx_scan_mask64(const char *s, char c)
{
#if defined(__SSE2__)
    const __m128i v = _mm_set1_epi8(c);
    uint64_t m0 = (uint16_t)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)s), v));
    uint64_t m1 = (uint16_t)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + 16)), v));
    uint64_t m2 = (uint16_t)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + 32)), v));
    uint64_t m3 = (uint16_t)_mm_movemask_epi8(
        _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)(s + 48)), v));
    return m0 | (m1 << 16) | (m2 << 32) | (m3 << 48);
#else
    uint64_t m = 0;
    for (int i = 0; i < 64; i++)
        m |= (uint64_t)(s[i] == c) << i;
    return m;
#endif
}

/* Whether a[0..n) == b[0..n). Inlined: for the short strings of the parsers
 * a call into libc's memcmp costs more than the compare. */
static inline int fkx_same_bytes(const char *a, const char *b, size_t n)
{
#if defined(__SSE2__)
    if (n >= 16) {
        size_t i = 0;
        for (; i + 16 < n; i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(a + i));
            __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
            if (_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) != 0xffff)
                return 0;
        }
        /* the last 16 bytes, overlapping what was compared already */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(a + n - 16));
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(b + n - 16));
        return _mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) == 0xffff;
    }
#endif
    uint64_t x, y;
    if (n >= 8) {
        size_t i = 0;
        for (; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint32_t p, q, u, v;
        memcpy(&p, a, 4);
        memcpy(&q, b, 4);
        memcpy(&u, a + n - 4, 4);
        memcpy(&v, b + n - 4, 4);
        return p == q && u == v;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* Index of the first byte of s[0..n) that is neither ' ' nor '\t' (n if
 * none). */
static inline size_t fkx_skip_space_tab(const char *s, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
    for (; i + 16 <= n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(x, tab)));
        if (m != 0xffff)
            return i + (size_t)__builtin_ctz(~m);
    }
#endif
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

#endif
