/*
 * buf.h - growable byte buffer with a size cap.
 *
 * A fkx_buf grows by doubling up to `max` bytes; an append past the cap fails
 * with FK_ELIMIT and leaves the buffer unchanged, so a hostile input cannot
 * make it eat all memory. The contents are always NUL-terminated (not counted
 * in len) once anything was appended.
 */
#ifndef FK_UTIL_BUF_H
#define FK_UTIL_BUF_H

#include "error.h"

#include <stddef.h>

typedef struct fkx_buf {
    char *ptr;
    size_t len;
    size_t cap;
    size_t max; /* largest len allowed */
} fkx_buf;

#define FKX_BUF_INIT(max_bytes)                                                                    \
    {                                                                                              \
        NULL, 0, 0, (max_bytes)                                                                    \
    }

/* Ensure room for `extra` more bytes (plus the NUL). 0, FK_ENOMEM, FK_ELIMIT. */
int fkx_buf_reserve(fkx_buf *b, size_t extra);

int fkx_buf_append(fkx_buf *b, const void *data, size_t len);
int fkx_buf_putc(fkx_buf *b, char c);
int fkx_buf_printf(fkx_buf *b, const char *fmt, ...) FKX_PRINTF(2, 3);

static inline void fkx_buf_clear(fkx_buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

/* Release the memory; the buffer is empty (same cap) afterwards. NULL-safe. */
void fkx_buf_free(fkx_buf *b);

#endif
