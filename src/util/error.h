/*
 * error.h - the internal side of flamekit's error model (see common.h).
 *
 * A failing function records what went wrong with fkx_error_set() and returns
 * the code it was given, so the idiom is
 *     return fkx_error_set(FK_EFORMAT, "%s:%zu: bad count", path, line);
 * Only src/cli prints errors; libraries only record them.
 */
#ifndef FK_UTIL_ERROR_H
#define FK_UTIL_ERROR_H

#include "flamekit/common.h"

#if defined(__GNUC__)
#define FKX_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FKX_PRINTF(a, b)
#endif

/* Record an error for the calling thread; returns `code` unchanged. */
int fkx_error_set(int code, const char *fmt, ...) FKX_PRINTF(2, 3);

/* Record FK_ENOMEM with a fixed message (allocates nothing). */
int fkx_error_nomem(void);

#endif
