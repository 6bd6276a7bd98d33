/*
 * num.c - count parsing and formatting (see num.h).
 */
#include "num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t fkx_num_format(char *buf, double v)
{
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        long long i = (long long)v;
        /* manual itoa: this is on the output hot path */
        char tmp[24];
        size_t n = 0;
        unsigned long long u =
            i < 0 ? (unsigned long long)0 - (unsigned long long)i : (unsigned long long)i;
        do {
            tmp[n++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        size_t k = 0;
        if (i < 0)
            buf[k++] = '-';
        while (n)
            buf[k++] = tmp[--n];
        buf[k] = '\0';
        return k;
    }
    for (int prec = 15; prec <= 17; prec++) {
        int n = snprintf(buf, 32, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            return (size_t)n;
    }
    return strlen(buf);
}

int fkx_num_parse(const char *s, size_t len, double *out)
{
    size_t i = 0;
    if (len == 0 || len > 400)
        return 0;
    if (s[i] == '-' || s[i] == '+')
        i++;
    size_t digits = 0;
    uint64_t whole = 0;
    int simple = 1;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        if (whole > (UINT64_MAX - 9) / 10)
            simple = 0;
        else
            whole = whole * 10 + (uint64_t)(s[i] - '0');
        i++;
        digits++;
    }
    if (i == len && digits > 0 && simple && whole < ((uint64_t)1 << 53)) {
        *out = s[0] == '-' ? -(double)whole : (double)whole;
        return 1;
    }
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t ed = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
            ed++;
        }
        if (ed == 0)
            return 0;
    }
    if (i != len)
        return 0;
    char tmp[402];
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    double v = strtod(tmp, NULL);
    if (!isfinite(v))
        return 0;
    *out = v;
    return 1;
}

int fkx_u64_parse(const char *s, size_t len, uint64_t *out)
{
    if (len == 0)
        return 0;
    uint64_t v = 0;
    if (len <= 19) { /* cannot overflow: no per-digit check */
        for (size_t i = 0; i < len; i++) {
            unsigned d = (unsigned)(unsigned char)s[i] - '0';
            if (d > 9)
                return 0;
            v = v * 10 + d;
        }
        *out = v;
        return 1;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}
