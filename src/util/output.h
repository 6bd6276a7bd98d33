/*
 * output.h - buffered output to stdout or to a file that appears only whole.
 *
 * fkx_output_open(path) writes into a temporary file next to `path` and
 * renames it over `path` in fkx_output_commit(); fkx_output_abort() (or a
 * failed commit) removes it, so a failure never leaves a truncated file that
 * looks finished. A NULL path or "-" writes to stdout; a path naming a
 * device or pipe (/dev/null, a FIFO) is written directly.
 */
#ifndef FK_UTIL_OUTPUT_H
#define FK_UTIL_OUTPUT_H

#include <stddef.h>

typedef struct fkx_output {
    int fd;
    char *path;     /* final path, NULL for stdout */
    char *tmp_path; /* temporary file while writing */
    char *buf;
    size_t len, cap;
    int failed; /* a write failed; the error is recorded */
    int direct; /* writing straight to a device or pipe named by path */
} fkx_output;

int fkx_output_open(fkx_output *o, const char *path);
int fkx_output_write(fkx_output *o, const void *data, size_t len);

/* Flush; for a file, rename the temporary into place. Frees everything. */
int fkx_output_commit(fkx_output *o);

/* Discard: remove the temporary file. Frees everything. NULL-safe. */
void fkx_output_abort(fkx_output *o);

/* The temporary path being written, or NULL (for signal-time cleanup). */
const char *fkx_output_tmp_path(const fkx_output *o);

#endif
