/*
 * input.h - byte and line streams from a file or stdin, gzip transparently.
 *
 * fkx_input opens a path ("-" or NULL is stdin), looks at the first bytes and,
 * when they are a gzip header, inflates as it reads (several concatenated
 * gzip members are one stream, as with gzip -d). Nothing is read ahead beyond
 * one chunk, so memory stays flat whatever the input size. Regular files of
 * 1 MiB or more are mapped instead of read (the copy that read() makes costs
 * more than a fast parser); a file that shrinks while it is being read can
 * then end the process with SIGBUS, as with any mapped-file reader.
 *
 * fkx_lines splits an input into lines without copying: each line is a
 * (pointer, length) view into the reader's buffer (or straight into a mapped
 * file or memory input, which is then never copied), valid until the next
 * call. Line text is read-only.
 * The newline is not included; a final line without one is still returned.
 * Lines longer than FK_LIMIT_LINE_BYTES fail with FK_ELIMIT.
 */
#ifndef FK_UTIL_INPUT_H
#define FK_UTIL_INPUT_H

#include <stddef.h>
#include <stdint.h>

typedef struct fkx_input {
    const char *name; /* for messages: the path, or "<stdin>" */
    int fd;
    int owns_fd;
    int gzip;     /* 1 once a gzip header was seen */
    int raw_eof;  /* the file itself is exhausted */
    int sniffed;  /* the first bytes were checked for a gzip header */
    int owns_raw; /* raw is ours to free (not the caller's memory) */
    int z_done;   /* the current gzip member ended */
    void *z;      /* z_stream when gzip */
    unsigned char *raw;
    size_t raw_len, raw_pos;
    void *map; /* the file, when it is mapped (raw points into it) */
    size_t map_len;
    size_t map_released; /* bytes at the start of the mapping whose pages were dropped */
    uint64_t raw_offset; /* bytes read from the file so far */
    uint64_t out_offset; /* bytes delivered so far (decompressed) */
} fkx_input;

/* Open `path` ("-" or NULL for stdin). 0, FK_EIO (with the OS reason). */
int fkx_input_open(fkx_input *in, const char *path);

/* Read from len bytes at data instead of a file (gzip is detected as for
 * files). The memory must outlive the input; `name` is for messages. */
void fkx_input_open_memory(fkx_input *in, const void *data, size_t len, const char *name);

/* Read up to cap bytes; *got = 0 only at the end. 0, FK_EIO, FK_ETRUNCATED,
 * FK_EFORMAT (corrupt gzip) or FK_ELIMIT. */
int fkx_input_read(fkx_input *in, void *buf, size_t cap, size_t *got);

/* Close (and free) everything. NULL-safe; safe to call twice. */
void fkx_input_close(fkx_input *in);

typedef struct fkx_lines {
    fkx_input *in;
    char *buf;
    size_t cap, start, end;
    int eof;
    int direct;           /* buf is the input's own memory (see fkx_lines_init) */
    uint64_t lineno;      /* 1-based number of the line last returned */
    uint64_t line_offset; /* byte offset (decompressed) of that line */
    uint64_t consumed;    /* byte offset of buf[start] */
} fkx_lines;

int fkx_lines_init(fkx_lines *l, fkx_input *in);

/* Next line: 1 with *line and *len set, 0 at the end, or a negative error. */
int fkx_lines_next(fkx_lines *l, const char **line, size_t *len);

/* Buffer at least the first chunk and show it without consuming it (for
 * format detection). *len may be 0 for an empty input. 0 or an error. */
int fkx_lines_peek(fkx_lines *l, const char **data, size_t *len);

/* Every complete line buffered now, as one block: [*data, *data + *len)
 * holds whole lines, each ending in '\n' except possibly the last one at
 * the end of input. Returns 1 with a non-empty block, 0 at the end, or an
 * error. The block stays valid until fkx_lines_consume(), which must be
 * called with the whole block (`nlines` lines) before asking again. This is
 * for parsers that want to look ahead across lines (prefetching). */
int fkx_lines_window(fkx_lines *l, const char **data, size_t *len);
void fkx_lines_consume(fkx_lines *l, size_t len, uint64_t nlines);

void fkx_lines_free(fkx_lines *l);

/* Open `path`, hand each of its lines (without its newline) to fn with its
 * 1-based number, and close it. Stops at fn's first negative return, which
 * it returns; else 0 or the read's error. */
typedef int (*fkx_line_fn)(void *ctx, const char *line, size_t len, uint64_t lineno);
int fkx_lines_each(const char *path, fkx_line_fn fn, void *ctx);

#endif
