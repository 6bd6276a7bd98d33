/*
 * buf.c - capped growable buffer (see buf.h).
 */
#include "buf.h"

#include "alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int fkx_buf_reserve(fkx_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return fkx_error_set(FK_ELIMIT, "buffer would exceed its limit of %zu bytes", b->max);
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap = ncap > ((size_t)-1) / 2 ? need : ncap * 2;
    if (ncap > b->max + 1)
        ncap = b->max + 1;
    char *p = fkx_realloc(b->ptr, ncap);
    if (p == NULL)
        return FK_ENOMEM;
    b->ptr = p;
    b->cap = ncap;
    return 0;
}

int fkx_buf_append(fkx_buf *b, const void *data, size_t len)
{
    int err = fkx_buf_reserve(b, len);
    if (err < 0)
        return err;
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return 0;
}

int fkx_buf_putc(fkx_buf *b, char c)
{
    return fkx_buf_append(b, &c, 1);
}

int fkx_buf_printf(fkx_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return fkx_error_set(FK_EINVAL, "bad format string");
    if ((size_t)n < sizeof small)
        return fkx_buf_append(b, small, (size_t)n);
    int err = fkx_buf_reserve(b, (size_t)n);
    if (err < 0)
        return err;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

void fkx_buf_free(fkx_buf *b)
{
    if (b == NULL)
        return;
    fkx_free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}
