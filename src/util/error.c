/*
 * error.c - fk_strerror() and the thread-local last error.
 *
 * The message buffer is per thread and fixed-size, so recording an error
 * never allocates (it must work when memory has run out).
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_message[1024];
static _Thread_local fk_error last_error = {FK_OK, ""};

const char *fk_strerror(int code)
{
    switch ((enum fk_error_code)code) {
    case FK_OK:
        return "success";
    case FK_ENOMEM:
        return "out of memory";
    case FK_EIO:
        return "input/output error";
    case FK_EFORMAT:
        return "invalid input format";
    case FK_ELIMIT:
        return "size limit exceeded";
    case FK_EINVAL:
        return "invalid argument";
    case FK_ETRUNCATED:
        return "input is truncated";
    case FK_ENOTFOUND:
        return "not found";
    case FK_EEMPTY:
        return "no samples";
    case FK_EBUSY:
        return "already in use";
    }
    return "unknown error";
}

int fkx_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    last_error.code = code;
    last_error.message = last_message;
    return code;
}

int fkx_error_nomem(void)
{
    last_error.code = FK_ENOMEM;
    last_error.message = "out of memory";
    return FK_ENOMEM;
}

const fk_error *fk_error_last(void)
{
    if (last_error.message == NULL)
        last_error.message = "";
    return &last_error;
}

void fk_error_clear(void)
{
    last_error.code = FK_OK;
    last_error.message = "";
}
