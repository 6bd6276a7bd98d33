/*
 * output.c - whole-or-nothing output files (see output.h).
 */
#include "output.h"

#include "alloc.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUT_BUF ((size_t)256 << 10)

static void release(fkx_output *o)
{
    fkx_free(o->path);
    fkx_free(o->tmp_path);
    fkx_free(o->buf);
    o->path = o->tmp_path = o->buf = NULL;
    o->fd = -1;
}

int fkx_output_open(fkx_output *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->cap = OUT_BUF;
    o->buf = fkx_malloc(o->cap);
    if (o->buf == NULL)
        return FK_ENOMEM;
    if (path == NULL || strcmp(path, "-") == 0) {
        o->fd = 1;
        return 0;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device or a pipe (/dev/null, /dev/stdout, a FIFO): no temporary
         * file and no rename, just write to it. */
        o->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (o->fd < 0) {
            int e = errno;
            release(o);
            return fkx_error_set(FK_EIO, "%s: cannot open for writing: %s", path, strerror(e));
        }
        o->direct = 1;
        return 0;
    }
    o->path = fkx_strdup(path);
    size_t n = strlen(path) + 32;
    o->tmp_path = fkx_malloc(n);
    if (o->path == NULL || o->tmp_path == NULL) {
        release(o);
        return FK_ENOMEM;
    }
    /* Same directory as the target so rename() is atomic. */
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    snprintf(o->tmp_path, n, "%.*s.%s.tmp-XXXXXX", dirlen, path, slash ? slash + 1 : path);
    o->fd = mkostemp(o->tmp_path, O_CLOEXEC);
    if (o->fd < 0) {
        int e = errno;
        release(o);
        return fkx_error_set(FK_EIO, "%s: cannot create output file: %s", path, strerror(e));
    }
    /* mkstemp makes 0600; give the file the usual umask-based mode. */
    mode_t um = umask(0);
    umask(um);
    fchmod(o->fd, 0666 & ~um);
    return 0;
}

static int flush(fkx_output *o)
{
    size_t off = 0;
    while (off < o->len) {
        ssize_t n = write(o->fd, o->buf + off, o->len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            o->failed = 1;
            return fkx_error_set(FK_EIO, "%s: write failed: %s", o->path ? o->path : "<stdout>",
                                 strerror(errno));
        }
        off += (size_t)n;
    }
    o->len = 0;
    return 0;
}

int fkx_output_write(fkx_output *o, const void *data, size_t len)
{
    if (o->failed)
        return FK_EIO;
    if (o->len + len > o->cap) {
        int err = flush(o);
        if (err < 0)
            return err;
        if (len > o->cap) {
            const char *p = data;
            while (len > 0) {
                size_t n = len < o->cap ? len : o->cap;
                memcpy(o->buf, p, n);
                o->len = n;
                if ((err = flush(o)) < 0)
                    return err;
                p += n;
                len -= n;
            }
            return 0;
        }
    }
    memcpy(o->buf + o->len, data, len);
    o->len += len;
    return 0;
}

int fkx_output_commit(fkx_output *o)
{
    int err = o->failed ? FK_EIO : flush(o);
    if (o->direct) {
        close(o->fd);
        release(o);
        return err;
    }
    if (o->path == NULL) {
        release(o);
        return err;
    }
    if (err == 0 && close(o->fd) != 0)
        err = fkx_error_set(FK_EIO, "%s: write failed: %s", o->path, strerror(errno));
    else if (err != 0)
        close(o->fd);
    o->fd = -1;
    if (err == 0 && rename(o->tmp_path, o->path) != 0)
        err = fkx_error_set(FK_EIO, "%s: cannot move output into place: %s", o->path,
                            strerror(errno));
    if (err != 0)
        unlink(o->tmp_path);
    release(o);
    return err;
}

void fkx_output_abort(fkx_output *o)
{
    if (o == NULL)
        return;
    /* For stdout nothing buffered is written: a half result must not look
     * whole. For a file, the temporary goes away. */
    if (o->path != NULL) {
        if (o->fd >= 0)
            close(o->fd);
        if (o->tmp_path)
            unlink(o->tmp_path);
    } else if (o->direct && o->fd >= 0) {
        close(o->fd);
    }
    release(o);
}

const char *fkx_output_tmp_path(const fkx_output *o)
{
    return o->tmp_path;
}
