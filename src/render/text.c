/*
 * text.c - the renderer's text primitives: XML escaping that always yields
 * well-formed output, label measuring on escaped text, and number
 * formatting that rounds exactly like flamegraph.pl's sprintf.
 *
 * These run once or more per drawn frame, so they avoid printf: fixed-point
 * numbers are rounded with integer arithmetic on the double's exact binary
 * value, which gives the same digits as glibc's correctly rounded printf
 * (ties to even) without its parsing and locale overhead.
 */
#include "render_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

size_t fk_strip_annotation(const char *s, size_t len)
{
    if (len >= 4 && s[len - 4] == '_' && s[len - 3] == '[' && s[len - 1] == ']') {
        char c = s[len - 2];
        if (c == 'k' || c == 'i' || c == 'j' || c == 'w')
            return len - 4;
    }
    return len;
}

/* Byte classes: 0 plain, 1 XML special, 2 forbidden control, 3 non-ASCII. */
static const unsigned char byte_class[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 2, 2, 2, 2, 2, 2, /* tab is allowed */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /**/
    0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* " & */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* < > */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /**/
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /**/
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /**/
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /**/
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
    3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
};

/* Length of the valid UTF-8 sequence XML accepts at s[0..n), or 0. */
static size_t utf8_valid(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] > 0x9F)
            return 0; /* surrogate */
        if (c == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF))
            return 0; /* U+FFFE, U+FFFF: not XML characters */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0;
        if (c == 0xF4 && s[1] > 0x8F)
            return 0;
        return 4;
    }
    return 0;
}

int fk_xml_escape(fkx_buf *b, const char *str, size_t len, int raw8)
{
    /* Worst case: every byte becomes 6 bytes ("&quot;"). */
    int err = fkx_buf_reserve(b, len * 6);
    if (err < 0)
        return err;
    const unsigned char *s = (const unsigned char *)str;
    char *o = b->ptr + b->len;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && byte_class[s[j]] == 0)
            j++;
        memcpy(o, s + i, j - i);
        o += j - i;
        i = j;
        if (i >= len)
            break;
        unsigned c = s[i];
        switch (byte_class[c]) {
        case 1:
            if (c == '&') {
                memcpy(o, "&amp;", 5);
                o += 5;
            } else if (c == '<') {
                memcpy(o, "&lt;", 4);
                o += 4;
            } else if (c == '>') {
                memcpy(o, "&gt;", 4);
                o += 4;
            } else {
                memcpy(o, "&quot;", 6);
                o += 6;
            }
            i++;
            break;
        case 2:
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            break;
        default: {
            size_t n = raw8 ? 1 : utf8_valid(s + i, len - i);
            if (n == 0) {
                memcpy(o, "\xEF\xBF\xBD", 3);
                o += 3;
                i++;
            } else {
                memcpy(o, s + i, n);
                o += n;
                i += n;
            }
        }
        }
    }
    b->len = (size_t)(o - b->ptr);
    b->ptr[b->len] = '\0';
    return 0;
}

size_t fk_xml_chars(const char *esc, size_t len, int raw8)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)esc[i];
        if (c == '&') {
            while (i < len && esc[i] != ';')
                i++;
            n++;
        } else if (raw8 || (c & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

size_t fk_xml_prefix(const char *esc, size_t len, size_t want, int raw8)
{
    size_t n = 0, i = 0;
    while (i < len && n < want) {
        unsigned char c = (unsigned char)esc[i];
        if (c == '&') {
            while (i < len && esc[i] != ';')
                i++;
            i++;
        } else {
            i++;
            if (!raw8 && c >= 0xC0)
                while (i < len && ((unsigned char)esc[i] & 0xC0) == 0x80)
                    i++;
        }
        n++;
    }
    return i;
}

static size_t put_u64(char *buf, uint64_t u)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    for (size_t k = 0; k < n; k++)
        buf[k] = tmp[n - 1 - k];
    return n;
}

uint64_t fk_round_scaled(double a, int decimals)
{
    static const uint64_t scale[3] = {1, 10, 100};
    uint64_t s = scale[decimals];
    if (a == 0)
        return 0;
    int e;
    double m = frexp(a, &e); /* a = m * 2^e, 0.5 <= m < 1 */
    uint64_t mant = (uint64_t)ldexp(m, 53);
    e -= 53;               /* a = mant * 2^e exactly; e <= 0 as a < 2^53 */
    uint64_t t = mant * s; /* < 2^60 */
    if (e >= 0)
        return t << e;
    if (-e >= 64)
        return 0;
    unsigned sh = (unsigned)-e;
    uint64_t q = t >> sh;
    uint64_t rem = t & ((((uint64_t)1) << sh) - 1);
    uint64_t half = ((uint64_t)1) << (sh - 1);
    if (rem > half || (rem == half && (q & 1)))
        q++;
    return q;
}

size_t fk_fmt_scaled(char *buf, uint64_t q, int decimals)
{
    size_t k = 0;
    if (decimals == 0)
        return put_u64(buf, q);
    uint64_t s = decimals == 1 ? 10 : 100;
    k += put_u64(buf, q / s);
    uint64_t f = q % s;
    buf[k++] = '.';
    if (decimals == 2)
        buf[k++] = (char)('0' + f / 10);
    buf[k++] = (char)('0' + f % 10);
    buf[k] = '\0';
    return k;
}

size_t fk_fmt_fixed(char *buf, double v, int decimals)
{
    if (decimals < 0 || decimals > 2 || !isfinite(v) || fabs(v) >= 9007199254740992.0) {
        int n = snprintf(buf, 40, "%.*f", decimals, v);
        return n < 0 ? 0 : (size_t)n;
    }
    size_t k = 0;
    if (signbit(v))
        buf[k++] = '-';
    k += fk_fmt_scaled(buf + k, fk_round_scaled(fabs(v), decimals), decimals);
    buf[k] = '\0';
    return k;
}

size_t fk_fmt_perl(char *buf, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) {
        size_t k = 0;
        if (v < 0)
            buf[k++] = '-';
        k += put_u64(buf + k, (uint64_t)fabs(v));
        buf[k] = '\0';
        return k;
    }
    int n = snprintf(buf, 40, "%.15g", v);
    return n < 0 ? 0 : (size_t)n;
}

size_t fk_fmt_commas(char *out, const char *digits, size_t len)
{
    size_t k = 0, i = 0;
    if (len > 0 && (digits[0] == '-' || digits[0] == '+'))
        out[k++] = digits[i++];
    size_t n = len - i;
    for (size_t d = 0; d < n; d++) {
        if (d > 0 && (n - d) % 3 == 0)
            out[k++] = ',';
        out[k++] = digits[i + d];
    }
    out[k] = '\0';
    return k;
}
