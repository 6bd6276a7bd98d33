/*
 * test_input.c - streaming input (plain and gzip, several members, truncated
 * and corrupt streams), line splitting across chunk boundaries and long
 * lines, and whole-or-nothing output files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/alloc.h"
#include "util/error.h"
#include "util/input.h"
#include "util/limits.h"
#include "util/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/fk-test-input-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

/* gzip `len` bytes into a fresh buffer (one member). */
static unsigned char *gzip_bytes(const void *data, size_t len, size_t *out_len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)len) + 64;
    unsigned char *out = malloc(cap);
    z.next_in = (unsigned char *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

/* Read a whole input through fkx_lines; return the lines joined by '|'. */
static int read_lines(const char *path, char **joined, size_t *nlines)
{
    fkx_input in;
    int err = fkx_input_open(&in, path);
    if (err < 0)
        return err;
    fkx_lines l;
    assert_int_equal(fkx_lines_init(&l, &in), 0);
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    const char *line;
    size_t n;
    int rc;
    *nlines = 0;
    while ((rc = fkx_lines_next(&l, &line, &n)) > 0) {
        while (len + n + 2 > cap)
            out = realloc(out, cap *= 2);
        memcpy(out + len, line, n);
        len += n;
        out[len++] = '|';
        (*nlines)++;
    }
    out[len] = '\0';
    fkx_lines_free(&l);
    fkx_input_close(&in);
    *joined = out;
    return rc;
}

static void plain_and_gzip_read_the_same(void **state)
{
    (void)state;
    const char text[] = "first line\nsecond\n\nlast without newline";
    char plain[128], gz[128], two[128];
    path_of(plain, sizeof plain, "plain.txt");
    path_of(gz, sizeof gz, "text.gz");
    path_of(two, sizeof two, "two.gz");
    write_file(plain, text, strlen(text));
    size_t glen;
    unsigned char *g = gzip_bytes(text, strlen(text), &glen);
    write_file(gz, g, glen);
    /* two members back to back read as one stream, as gzip -d does */
    unsigned char *both = malloc(glen * 2);
    memcpy(both, g, glen);
    memcpy(both + glen, g, glen);
    write_file(two, both, glen * 2);

    char *a, *b, *c;
    size_t na, nb, nc;
    assert_int_equal(read_lines(plain, &a, &na), 0);
    assert_int_equal(read_lines(gz, &b, &nb), 0);
    assert_int_equal(read_lines(two, &c, &nc), 0);
    assert_string_equal(a, "first line|second||last without newline|");
    assert_string_equal(a, b);
    assert_int_equal(na, 4);
    assert_string_equal(c, "first line|second||last without newlinefirst line|second||last "
                           "without newline|");
    assert_int_equal(nc, 7);
    free(a);
    free(b);
    free(c);
    free(both);
    free(g);
}

static void memory_input_reads_like_a_file(void **state)
{
    (void)state;
    const char text[] = "a;b 1\nc 2";
    size_t glen;
    unsigned char *g = gzip_bytes(text, strlen(text), &glen);
    const void *sources[2] = {text, g};
    size_t lens[2] = {strlen(text), glen};
    for (int k = 0; k < 2; k++) {
        fkx_input in;
        fkx_input_open_memory(&in, sources[k], lens[k], "<mem>");
        fkx_lines l;
        assert_int_equal(fkx_lines_init(&l, &in), 0);
        const char *line;
        size_t n;
        assert_int_equal(fkx_lines_next(&l, &line, &n), 1);
        assert_int_equal(n, 5);
        assert_memory_equal(line, "a;b 1", 5);
        assert_int_equal(fkx_lines_next(&l, &line, &n), 1);
        assert_memory_equal(line, "c 2", 3);
        assert_int_equal(fkx_lines_next(&l, &line, &n), 0);
        assert_int_equal(in.gzip, k);
        fkx_lines_free(&l);
        fkx_input_close(&in);
    }
    /* a truncated gzip in memory is an error too, naming the input */
    fkx_input in;
    fkx_input_open_memory(&in, g, glen / 2, "<half>");
    char buf[64];
    size_t got;
    int err = 0;
    do
        err = fkx_input_read(&in, buf, sizeof buf, &got);
    while (err == 0 && got > 0);
    assert_int_equal(err, FK_ETRUNCATED);
    assert_non_null(strstr(fk_error_last()->message, "<half>"));
    fkx_input_close(&in);
    free(g);
}

static void truncated_and_corrupt_gzip(void **state)
{
    (void)state;
    char big[200000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (char)("abcdefgh\n"[i % 9] + (i % 7 == 0));
    size_t glen;
    unsigned char *g = gzip_bytes(big, sizeof big, &glen);
    char path[128];
    path_of(path, sizeof path, "cut.gz");
    write_file(path, g, glen / 2);
    char *joined;
    size_t n;
    assert_int_equal(read_lines(path, &joined, &n), FK_ETRUNCATED);
    assert_non_null(strstr(fk_error_last()->message, "truncated gzip"));
    assert_non_null(strstr(fk_error_last()->message, path));
    free(joined);
    /* only the header */
    write_file(path, g, 10);
    assert_int_equal(read_lines(path, &joined, &n), FK_ETRUNCATED);
    free(joined);
    /* garbage after the header */
    memset(g + 10, 0xff, 64);
    write_file(path, g, glen);
    int err = read_lines(path, &joined, &n);
    assert_true(err == FK_EFORMAT || err == FK_ETRUNCATED);
    assert_non_null(strstr(fk_error_last()->message, path));
    free(joined);
    free(g);
}

static void lines_cross_chunks_and_long_lines(void **state)
{
    (void)state;
    /* lines of every length around the chunk size, and one of 3 MB */
    size_t total = 0, cap = 8u << 20;
    char *data = malloc(cap);
    size_t expect = 0;
    for (size_t len = FK_INPUT_CHUNK_BYTES - 3; len <= FK_INPUT_CHUNK_BYTES + 3; len++) {
        memset(data + total, 'x', len);
        total += len;
        data[total++] = '\n';
        expect++;
    }
    memset(data + total, 'y', 3u << 20);
    total += 3u << 20;
    data[total++] = '\n';
    expect++;
    char path[128];
    path_of(path, sizeof path, "long.txt");
    write_file(path, data, total);
    char *joined;
    size_t n;
    assert_int_equal(read_lines(path, &joined, &n), 0);
    assert_int_equal(n, expect);
    assert_int_equal(strlen(joined), total);
    free(joined);
    free(data);
}

/* Files of 1 MiB or more are mapped, and their lines are views into the
 * mapping, in windows whose pages are dropped behind. Windows must still be
 * whole lines, in order, with a line longer than a window kept whole. */
static void mapped_files_read_like_buffered_ones(void **state)
{
    (void)state;
    size_t cap = 40u << 20, total = 0, nl = 0;
    char *data = malloc(cap);
    while (total < (12u << 20)) {
        total += (size_t)sprintf(data + total, "line %zu of a mapped file\n", nl);
        nl++;
    }
    memset(data + total, 'z', 9u << 20); /* longer than a window */
    total += 9u << 20;
    data[total++] = '\n';
    nl++;
    while (total < (30u << 20)) {
        total += (size_t)sprintf(data + total, "more %zu\n", nl);
        nl++;
    }
    memcpy(data + total, "last, no newline", 16);
    total += 16;
    nl++;
    char path[128];
    path_of(path, sizeof path, "mapped.txt");
    write_file(path, data, total);

    fkx_input in;
    assert_int_equal(fkx_input_open(&in, path), 0);
    assert_non_null(in.map);
    fkx_lines l;
    assert_int_equal(fkx_lines_init(&l, &in), 0);
    assert_true(l.direct);
    const char *w;
    size_t wlen, seen = 0, windows = 0;
    uint64_t lines = 0;
    int rc;
    while ((rc = fkx_lines_window(&l, &w, &wlen)) > 0) {
        assert_true(seen + wlen <= total);
        assert_memory_equal(w, data + seen, wlen);
        assert_true(w[wlen - 1] == '\n' || seen + wlen == total);
        uint64_t k = 0;
        for (size_t i = 0; i < wlen; i++)
            k += w[i] == '\n';
        if (seen + wlen == total && w[wlen - 1] != '\n')
            k++;
        fkx_lines_consume(&l, wlen, k);
        seen += wlen;
        lines += k;
        windows++;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(seen, total);
    assert_int_equal(lines, nl);
    assert_true(windows >= 4);
    assert_true(in.map_released > 0);
    fkx_lines_free(&l);
    fkx_input_close(&in);

    /* line by line */
    char *joined;
    size_t n;
    assert_int_equal(read_lines(path, &joined, &n), 0);
    assert_int_equal(n, nl);
    assert_int_equal(strlen(joined), total + 1);
    free(joined);

    /* gzip'd and still over 8 MiB: the mapping feeds the inflater, and the
     * compressed pages it has used up are dropped too */
    uint64_t x = 88172645463325252ull;
    total = 0;
    nl = 0;
    while (total < (12u << 20)) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        data[total++] = (x & 63) == 0 ? '\n' : (char)('!' + (x >> 8) % 90);
        nl += data[total - 1] == '\n';
    }
    data[total++] = '\n';
    nl++;
    size_t glen;
    unsigned char *g = gzip_bytes(data, total, &glen);
    assert_true(glen >= (9u << 20));
    path_of(path, sizeof path, "mapped.gz");
    write_file(path, g, glen);
    assert_int_equal(fkx_input_open(&in, path), 0);
    assert_non_null(in.map);
    assert_int_equal(fkx_lines_init(&l, &in), 0);
    assert_false(l.direct);
    const char *line;
    while ((rc = fkx_lines_next(&l, &line, &n)) > 0)
        ;
    assert_int_equal(rc, 0);
    assert_true(in.map_released >= (8u << 20));
    fkx_lines_free(&l);
    fkx_input_close(&in);
    assert_int_equal(read_lines(path, &joined, &n), 0);
    assert_int_equal(n, nl);
    assert_int_equal(strlen(joined), total);
    free(joined);
    free(g);
    free(data);
}

static void missing_file_names_the_path(void **state)
{
    (void)state;
    fkx_input in;
    assert_int_equal(fkx_input_open(&in, "/nonexistent/flamekit-input"), FK_EIO);
    assert_non_null(strstr(fk_error_last()->message, "/nonexistent/flamekit-input"));
    assert_non_null(strstr(fk_error_last()->message, "No such file"));
    fkx_input_close(&in);
}

static void output_is_whole_or_nothing(void **state)
{
    (void)state;
    char path[128];
    path_of(path, sizeof path, "out.txt");
    write_file(path, "old contents\n", 13);

    fkx_output o;
    assert_int_equal(fkx_output_open(&o, path), 0);
    const char *tmp = fkx_output_tmp_path(&o);
    assert_non_null(tmp);
    char tmp_copy[256];
    snprintf(tmp_copy, sizeof tmp_copy, "%s", tmp);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(fkx_output_write(&o, "new line\n", 9), 0);
    fkx_output_abort(&o);
    /* aborted: the old file is untouched and no temporary is left */
    FILE *f = fopen(path, "r");
    char buf[32] = {0};
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "old contents\n");
    assert_int_not_equal(access(tmp_copy, F_OK), 0);

    assert_int_equal(fkx_output_open(&o, path), 0);
    assert_int_equal(fkx_output_write(&o, "done\n", 5), 0);
    assert_int_equal(fkx_output_commit(&o), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 5);

    /* an unwritable place fails with the path in the message */
    assert_int_equal(fkx_output_open(&o, "/nonexistent-dir/x.txt"), FK_EIO);
    assert_non_null(strstr(fk_error_last()->message, "/nonexistent-dir/x.txt"));

    /* devices are written directly (and never replaced) */
    assert_int_equal(fkx_output_open(&o, "/dev/null"), 0);
    assert_null(fkx_output_tmp_path(&o));
    assert_int_equal(fkx_output_write(&o, "x", 1), 0);
    assert_int_equal(fkx_output_commit(&o), 0);
    assert_int_equal(stat("/dev/null", &st), 0);
    assert_true(S_ISCHR(st.st_mode));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_and_gzip_read_the_same),
        cmocka_unit_test(memory_input_reads_like_a_file),
        cmocka_unit_test(truncated_and_corrupt_gzip),
        cmocka_unit_test(lines_cross_chunks_and_long_lines),
        cmocka_unit_test(mapped_files_read_like_buffered_ones),
        cmocka_unit_test(missing_file_names_the_path),
        cmocka_unit_test(output_is_whole_or_nothing),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
