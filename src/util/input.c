/*
 * input.c - file/stdin reading with transparent gzip, and line splitting.
 */
#include "input.h"

#include "alloc.h"
#include "error.h"
#include "limits.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define RAW_CHUNK ((size_t)128 << 10)

/* Regular files from this size on are mapped rather than read: the kernel's
 * copy into a buffer costs more than the parsing of a fast reader. Lines read
 * from a mapping are handed out in windows of at most DIRECT_WINDOW bytes,
 * and the pages behind are dropped from the mapping every DIRECT_WINDOW
 * bytes, so the resident size stays flat whatever the file size. */
#define MAP_MIN_BYTES ((size_t)1 << 20)
#define DIRECT_WINDOW ((size_t)8 << 20)

/* Map the regular file open at in->fd as the input's raw bytes. Returns 1 if
 * mapped; 0 (nothing changed) for small or special files, or on any error:
 * read() then does the work. */
static int map_file(fkx_input *in)
{
    struct stat st;
    if (fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)MAP_MIN_BYTES ||
        (uint64_t)st.st_size > SIZE_MAX / 2)
        return 0;
    size_t len = (size_t)st.st_size;
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, in->fd, 0);
    if (m == MAP_FAILED)
        return 0;
    in->map = m;
    in->map_len = len;
    in->raw = m;
    in->raw_len = len;
    in->raw_offset = len;
    in->raw_eof = 1;
    return 1;
}

/* The mapping's bytes before `upto` are used up: drop their pages every
 * DIRECT_WINDOW bytes (whole pages of a mapping only; memory given to
 * fkx_input_open_memory is the caller's). The pages stay in the page cache. */
static void input_release(fkx_input *in, size_t upto)
{
    if (in->map == NULL || upto - in->map_released < DIRECT_WINDOW)
        return;
    upto &= ~(size_t)4095;
    madvise((char *)in->map + in->map_released, upto - in->map_released, MADV_DONTNEED);
    in->map_released = upto;
}

int fkx_input_open(fkx_input *in, const char *path)
{
    memset(in, 0, sizeof *in);
    in->fd = -1;
    if (path == NULL || strcmp(path, "-") == 0) {
        in->name = "<stdin>";
        in->fd = 0;
    } else {
        in->name = path;
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0)
            return fkx_error_set(FK_EIO, "%s: %s", path, strerror(errno));
        in->owns_fd = 1;
        if (map_file(in))
            return 0;
    }
    in->raw = fkx_malloc(RAW_CHUNK);
    in->owns_raw = 1;
    if (in->raw == NULL) {
        fkx_input_close(in);
        return FK_ENOMEM;
    }
    return 0;
}

void fkx_input_open_memory(fkx_input *in, const void *data, size_t len, const char *name)
{
    memset(in, 0, sizeof *in);
    in->name = name;
    in->fd = -1;
    in->raw = (unsigned char *)(uintptr_t)data; /* only read: raw_eof stops refills */
    in->raw_len = len;
    in->raw_offset = len;
    in->raw_eof = 1;
}

/* Refill the raw buffer (keeping unread bytes). 0 or FK_EIO. */
static int fill_raw(fkx_input *in)
{
    if (in->raw_eof)
        return 0;
    if (in->raw_pos > 0) {
        memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
        in->raw_len -= in->raw_pos;
        in->raw_pos = 0;
    }
    while (!in->raw_eof && in->raw_len < RAW_CHUNK) {
        ssize_t n = read(in->fd, in->raw + in->raw_len, RAW_CHUNK - in->raw_len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fkx_error_set(FK_EIO, "%s: read failed: %s", in->name, strerror(errno));
        }
        if (n == 0) {
            in->raw_eof = 1;
            break;
        }
        in->raw_len += (size_t)n;
        in->raw_offset += (uint64_t)n;
        break; /* one read per refill keeps pipes responsive */
    }
    return 0;
}

static int start_gzip(fkx_input *in)
{
    z_stream *z = fkx_calloc(1, sizeof *z);
    if (z == NULL)
        return FK_ENOMEM;
    if (inflateInit2(z, 15 + 16) != Z_OK) {
        fkx_free(z);
        return fkx_error_set(FK_ENOMEM, "%s: cannot start gzip decoder", in->name);
    }
    in->z = z;
    in->gzip = 1;
    return 0;
}

/* Decompress into buf. */
static int read_gzip(fkx_input *in, unsigned char *buf, size_t cap, size_t *got)
{
    z_stream *z = in->z;
    *got = 0;
    while (*got == 0) {
        if (in->z_done) {
            /* Another member follows only if more gzip bytes do; anything
             * else after a complete member is ignored, as gzip -d does. */
            if (in->raw_len - in->raw_pos < 2 && !in->raw_eof) {
                int err = fill_raw(in);
                if (err < 0)
                    return err;
                continue;
            }
            if (in->raw_len - in->raw_pos >= 2 && in->raw[in->raw_pos] == 0x1f &&
                in->raw[in->raw_pos + 1] == 0x8b) {
                inflateReset(z);
                in->z_done = 0;
            } else {
                return 0;
            }
        }
        if (in->raw_pos == in->raw_len) {
            if (in->raw_eof)
                return fkx_error_set(FK_ETRUNCATED,
                                     "%s: truncated gzip stream (ends after %llu compressed "
                                     "bytes)",
                                     in->name, (unsigned long long)in->raw_offset);
            int err = fill_raw(in);
            if (err < 0)
                return err;
            continue;
        }
        size_t avail = in->raw_len - in->raw_pos;
        uInt given = avail > UINT_MAX ? UINT_MAX : (uInt)avail; /* a mapping may be larger */
        z->next_in = in->raw + in->raw_pos;
        z->avail_in = given;
        z->next_out = buf;
        z->avail_out = (uInt)cap;
        int rc = inflate(z, Z_NO_FLUSH);
        in->raw_pos += given - z->avail_in;
        input_release(in, in->raw_pos); /* a mapped gzip file: compressed bytes used up */
        *got = cap - z->avail_out;
        if (rc == Z_STREAM_END) {
            in->z_done = 1;
        } else if (rc == Z_BUF_ERROR) {
            /* no progress possible with this input: need more bytes */
            if (in->raw_eof && in->raw_pos == in->raw_len && *got == 0)
                return fkx_error_set(FK_ETRUNCATED, "%s: truncated gzip stream", in->name);
        } else if (rc != Z_OK) {
            return fkx_error_set(FK_EFORMAT, "%s: corrupt gzip data near compressed byte %llu: %s",
                                 in->name,
                                 (unsigned long long)(in->raw_offset - (in->raw_len - in->raw_pos)),
                                 z->msg ? z->msg : "inflate failed");
        }
    }
    if (in->out_offset + *got > FK_LIMIT_GUNZIP_BYTES)
        return fkx_error_set(FK_ELIMIT, "%s: decompressed data exceeds %llu bytes", in->name,
                             (unsigned long long)FK_LIMIT_GUNZIP_BYTES);
    return 0;
}

int fkx_input_read(fkx_input *in, void *buf, size_t cap, size_t *got)
{
    *got = 0;
    if (cap > ((size_t)1 << 30))
        cap = (size_t)1 << 30;
    if (!in->sniffed) {
        /* First read: sniff the magic. */
        in->sniffed = 1;
        int err = fill_raw(in);
        if (err < 0)
            return err;
        while (in->raw_len < 2 && !in->raw_eof)
            if ((err = fill_raw(in)) < 0)
                return err;
        if (in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b)
            if ((err = start_gzip(in)) < 0)
                return err;
    }
    int err = 0;
    if (in->gzip) {
        err = read_gzip(in, buf, cap, got);
    } else if (in->raw_pos < in->raw_len) {
        size_t n = in->raw_len - in->raw_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, in->raw + in->raw_pos, n);
        in->raw_pos += n;
        *got = n;
    } else {
        while (!in->raw_eof) {
            ssize_t n = read(in->fd, buf, cap);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return fkx_error_set(FK_EIO, "%s: read failed: %s", in->name, strerror(errno));
            }
            if (n == 0)
                in->raw_eof = 1;
            in->raw_offset += (uint64_t)n;
            *got = (size_t)n;
            break;
        }
    }
    in->out_offset += *got;
    return err;
}

void fkx_input_close(fkx_input *in)
{
    if (in == NULL)
        return;
    if (in->z != NULL) {
        inflateEnd(in->z);
        fkx_free(in->z);
        in->z = NULL;
    }
    if (in->owns_fd && in->fd >= 0)
        close(in->fd);
    in->fd = -1;
    in->owns_fd = 0;
    if (in->owns_raw)
        fkx_free(in->raw);
    if (in->map != NULL)
        munmap(in->map, in->map_len);
    in->map = NULL;
    in->raw = NULL;
}

/* Whether the input is plain text already in memory (a mapping or
 * fkx_input_open_memory): then lines are views into it, with no copy. */
static int input_direct(fkx_input *in)
{
    if (!in->raw_eof || in->raw_pos != 0 || in->out_offset != 0)
        return 0;
    if (!in->sniffed) {
        in->sniffed = 1;
        int err;
        if (in->raw_len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b &&
            (err = start_gzip(in)) < 0)
            return err;
    }
    return !in->gzip; /* gzip is inflated through the line buffer */
}

int fkx_lines_init(fkx_lines *l, fkx_input *in)
{
    memset(l, 0, sizeof *l);
    l->in = in;
    int direct = input_direct(in);
    if (direct < 0)
        return direct;
    if (direct) {
        l->direct = 1;
        l->buf = (char *)in->raw;
        l->cap = l->end = in->raw_len;
        l->eof = 1;
        in->raw_pos = in->raw_len;
        in->out_offset = in->raw_len;
        return 0;
    }
    l->cap = FK_INPUT_CHUNK_BYTES;
    l->buf = fkx_malloc(l->cap);
    return l->buf ? 0 : FK_ENOMEM;
}

/* Read more data after buf[end], moving the unconsumed part to the front and
 * growing the buffer when a single line fills it. */
static int refill(fkx_lines *l)
{
    if (l->start > 0) {
        memmove(l->buf, l->buf + l->start, l->end - l->start);
        l->end -= l->start;
        l->consumed += l->start;
        l->start = 0;
    }
    if (l->end == l->cap) {
        if (l->cap >= FK_LIMIT_LINE_BYTES)
            return fkx_error_set(FK_ELIMIT, "%s:%llu: line longer than %zu bytes", l->in->name,
                                 (unsigned long long)(l->lineno + 1), FK_LIMIT_LINE_BYTES);
        size_t ncap = l->cap * 2;
        char *nb = fkx_realloc(l->buf, ncap);
        if (nb == NULL)
            return FK_ENOMEM;
        l->buf = nb;
        l->cap = ncap;
    }
    size_t got;
    int err = fkx_input_read(l->in, l->buf + l->end, l->cap - l->end, &got);
    if (err < 0)
        return err;
    if (got == 0)
        l->eof = 1;
    l->end += got;
    return 0;
}

int fkx_lines_peek(fkx_lines *l, const char **data, size_t *len)
{
    while (!l->eof && l->end - l->start < FK_INPUT_CHUNK_BYTES / 2) {
        int err = refill(l);
        if (err < 0)
            return err;
    }
    *data = l->buf + l->start;
    *len = l->end - l->start;
    if (l->direct && *len > FK_INPUT_CHUNK_BYTES) /* as much as a buffer would show */
        *len = FK_INPUT_CHUNK_BYTES;
    return 0;
}

int fkx_lines_next(fkx_lines *l, const char **line, size_t *len)
{
    size_t scan_from = l->start;
    for (;;) {
        char *nl = memchr(l->buf + scan_from, '\n', l->end - scan_from);
        if (nl != NULL) {
            *line = l->buf + l->start;
            *len = (size_t)(nl - (l->buf + l->start));
            l->line_offset = l->consumed + l->start;
            l->start = (size_t)(nl - l->buf) + 1;
            l->lineno++;
            return 1;
        }
        if (l->eof) {
            if (l->start == l->end)
                return 0;
            *line = l->buf + l->start;
            *len = l->end - l->start;
            l->line_offset = l->consumed + l->start;
            l->start = l->end;
            l->lineno++;
            return 1;
        }
        size_t scanned = l->end - l->start;
        int err = refill(l);
        if (err < 0)
            return err;
        scan_from = l->start + scanned;
    }
}

/* fkx_lines_window for a direct input: up to DIRECT_WINDOW bytes of whole
 * lines, and a line that does not end within them is too long. */
static int direct_window(fkx_lines *l, const char **data, size_t *len)
{
    size_t avail = l->end - l->start;
    if (avail == 0)
        return 0;
    *data = l->buf + l->start;
    if (avail <= DIRECT_WINDOW) {
        *len = avail;
        return 1;
    }
    const char *nl = memrchr(*data, '\n', DIRECT_WINDOW);
    if (nl == NULL) {
        nl = memchr(*data + DIRECT_WINDOW, '\n', avail - DIRECT_WINDOW);
        if (nl == NULL || (size_t)(nl - *data) >= FK_LIMIT_LINE_BYTES)
            return fkx_error_set(FK_ELIMIT, "%s:%llu: line longer than %zu bytes", l->in->name,
                                 (unsigned long long)(l->lineno + 1), FK_LIMIT_LINE_BYTES);
    }
    *len = (size_t)(nl - *data) + 1;
    return 1;
}

int fkx_lines_window(fkx_lines *l, const char **data, size_t *len)
{
    if (l->direct)
        return direct_window(l, data, len);
    for (;;) {
        size_t avail = l->end - l->start;
        if (avail > 0) {
            const char *nl = memrchr(l->buf + l->start, '\n', avail);
            if (nl != NULL || l->eof) {
                *data = l->buf + l->start;
                *len = l->eof ? avail : (size_t)(nl - (l->buf + l->start)) + 1;
                return 1;
            }
        } else if (l->eof) {
            return 0;
        }
        int err = refill(l);
        if (err < 0)
            return err;
    }
}

void fkx_lines_consume(fkx_lines *l, size_t len, uint64_t nlines)
{
    l->line_offset = l->consumed + l->start + len;
    l->start += len;
    l->lineno += nlines;
    if (l->direct)
        input_release(l->in, l->start);
}

void fkx_lines_free(fkx_lines *l)
{
    if (l == NULL)
        return;
    if (!l->direct)
        fkx_free(l->buf);
    l->buf = NULL;
}

int fkx_lines_each(const char *path, fkx_line_fn fn, void *ctx)
{
    fkx_input in;
    int err = fkx_input_open(&in, path);
    if (err < 0)
        return err;
    fkx_lines lines;
    err = fkx_lines_init(&lines, &in);
    const char *line;
    size_t len;
    int rc;
    while (err == 0 && (rc = fkx_lines_next(&lines, &line, &len)) != 0)
        err = rc < 0 ? rc : fn(ctx, line, len, lines.lineno);
    fkx_lines_free(&lines);
    fkx_input_close(&in);
    return err;
}
