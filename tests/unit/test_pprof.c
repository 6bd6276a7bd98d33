/*
 * test_pprof.c - the pprof codec: decoding real Go profiles and hand-made
 * protobuf (packed and unpacked fields, any field order, negative values,
 * inlined lines, missing fields), validation errors with clear messages,
 * the writer's round trip, model conversion, sample index selection, and
 * pprof's unit formatting.
 *
 * Run with `--emit DIR` it instead writes the profiles the writer makes
 * (the corpus re-encoded, and a model profile converted) into DIR, for the
 * integration test that feeds them to `go tool pprof`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "formats/formats.h"
#include "formats/pprof.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- a tiny protobuf writer for hand-made inputs ------------------------ */

typedef struct pb {
    unsigned char b[8192];
    size_t n;
} pb;

static void pb_varint(pb *p, uint64_t v)
{
    while (v >= 0x80) {
        p->b[p->n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p->b[p->n++] = (unsigned char)v;
}

static void pb_tag(pb *p, unsigned field, unsigned wire)
{
    pb_varint(p, ((uint64_t)field << 3) | wire);
}

static void pb_int(pb *p, unsigned field, int64_t v)
{
    pb_tag(p, field, 0);
    pb_varint(p, (uint64_t)v);
}

static void pb_bytes(pb *p, unsigned field, const void *data, size_t len)
{
    pb_tag(p, field, 2);
    pb_varint(p, len);
    memcpy(p->b + p->n, data, len);
    p->n += len;
}

static void pb_str(pb *p, const char *s)
{
    pb_bytes(p, 6, s, strlen(s));
}

static void pb_msg(pb *p, unsigned field, const pb *sub)
{
    pb_bytes(p, field, sub->b, sub->n);
}

static void pb_packed(pb *p, unsigned field, const int64_t *v, size_t n)
{
    pb tmp = {{0}, 0};
    for (size_t i = 0; i < n; i++)
        pb_varint(&tmp, (uint64_t)v[i]);
    pb_msg(p, field, &tmp);
}

static pb value_type(int64_t type, int64_t unit)
{
    pb v = {{0}, 0};
    pb_int(&v, 1, type);
    pb_int(&v, 2, unit);
    return v;
}

/* A small profile in an odd field order: strings last, samples before the
 * locations they use, location ids unpacked in one sample and packed in the
 * other, a negative value, a location with two lines (an inlined call), a
 * location without lines, non-dense ids. Strings: 0 "", 1 samples, 2 count,
 * 3 cpu, 4 nanoseconds, 5 main, 6 work, 7 inlined, 8 /bin/app. */
static void handmade(pb *p, int variant)
{
    p->n = 0;
    pb vt = value_type(1, 2);
    pb_msg(p, 1, &vt);
    vt = value_type(3, 4);
    pb_msg(p, 1, &vt);
    pb s = {{0}, 0};
    /* sample 1: leaf 30 (work+inlined), then 10 (main); unpacked ids */
    pb_int(&s, 1, 30);
    pb_int(&s, 1, 10);
    pb_int(&s, 2, 2);
    pb_int(&s, 2, -20);
    pb_msg(p, 2, &s);
    /* sample 2: leaf 40 (no lines), then 10; packed */
    s.n = 0;
    int64_t ids[] = {40, 10};
    pb_packed(&s, 1, ids, 2);
    int64_t vals[] = {1, 10};
    pb_packed(&s, 2, vals, 2);
    pb_msg(p, 2, &s);
    pb_int(p, 9, 1700000000000000000);
    pb loc = {{0}, 0}, line = {{0}, 0};
    pb_int(&loc, 1, 10);
    pb_int(&line, 1, 100);
    pb_msg(&loc, 4, &line);
    pb_msg(p, 4, &loc);
    loc.n = 0;
    pb_int(&loc, 1, 30);
    pb_int(&loc, 2, 7);
    line.n = 0;
    pb_int(&line, 1, variant == 1 ? 999 : 300); /* 999: a missing function */
    pb_msg(&loc, 4, &line);
    line.n = 0;
    pb_int(&line, 1, 200);
    pb_msg(&loc, 4, &line);
    pb_msg(p, 4, &loc);
    loc.n = 0;
    pb_int(&loc, 1, 40);
    pb_int(&loc, 2, 7);
    pb_int(&loc, 3, 0x401000);
    pb_msg(p, 4, &loc);
    pb fn = {{0}, 0};
    pb_int(&fn, 1, 100);
    pb_int(&fn, 2, 5);
    pb_msg(p, 5, &fn);
    fn.n = 0;
    pb_int(&fn, 1, 200);
    pb_int(&fn, 2, 6);
    pb_msg(p, 5, &fn);
    fn.n = 0;
    pb_int(&fn, 1, 300);
    pb_int(&fn, 2, variant == 2 ? 77 : 7); /* 77: a string out of range */
    pb_msg(p, 5, &fn);
    pb map = {{0}, 0};
    pb_int(&map, 1, 7);
    pb_int(&map, 2, 0x400000);
    pb_int(&map, 3, 0x500000);
    pb_int(&map, 5, 8);
    pb_msg(p, 3, &map);
    const char *strs[] = {"",     "samples", "count",   "cpu",     "nanoseconds",
                          "main", "work",    "inlined", "/bin/app"};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        pb_str(p, strs[i]);
}

static char *folded_of(const fk_profile *p, size_t col)
{
    char path[] = "/tmp/fk_test_pprof_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    fkx_output out;
    assert_int_equal(fkx_output_open(&out, path), 0);
    assert_int_equal(fk_folded_write(p, col, &out), 0);
    assert_int_equal(fkx_output_commit(&out), 0);
    FILE *f = fopen(path, "rb");
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(path);
    return text;
}

static void decodes_handmade_profile(void **state)
{
    (void)state;
    pb p;
    handmade(&p, 0);
    fk_pprof *pp;
    assert_int_equal(fk_pprof_decode(&pp, p.b, p.n, "hand"), 0);
    assert_int_equal(pp->msg->n_sample, 2);
    assert_int_equal(pp->msg->sample[0]->n_location_id, 2);
    assert_int_equal(pp->msg->sample[0]->value[1], -20);
    assert_int_equal(pp->msg->time_nanos, 1700000000000000000);
    size_t col;
    assert_int_equal(fk_pprof_sample_index(pp, NULL, &col), 0);
    assert_int_equal(col, 1); /* no default_sample_type: the last */
    assert_int_equal(fk_pprof_sample_index(pp, "samples", &col), 0);
    assert_int_equal(col, 0);
    assert_int_equal(fk_pprof_sample_index(pp, "1", &col), 0);
    assert_int_equal(col, 1);
    assert_int_equal(fk_pprof_sample_index(pp, "2", &col), FK_EINVAL);
    assert_int_equal(fk_pprof_sample_index(pp, "alloc_space", &col), FK_ENOTFOUND);
    assert_non_null(strstr(fk_error_last()->message, "samples, cpu"));

    fk_profile prof;
    assert_int_equal(fk_profile_init(&prof), 0);
    assert_int_equal(fk_pprof_add_types(pp, &prof), 0);
    assert_int_equal(fk_pprof_to_profile(pp, &prof, SIZE_MAX, NULL), 0);
    /* Inlined "inlined" is innermost: root-first it comes last. */
    assert_string_equal(folded_of(&prof, 0), "main;app+0x1000 1\nmain;work;inlined 2\n");
    assert_string_equal(folded_of(&prof, 1), "main;app+0x1000 10\nmain;work;inlined -20\n");
    fk_profile_free(&prof);
    fk_pprof_free(pp);
}

static void expect_error(const pb *p, int code, const char *needle)
{
    fk_pprof *pp = (fk_pprof *)1;
    assert_int_equal(fk_pprof_decode(&pp, p->b, p->n, "bad.pb"), code);
    assert_null(pp);
    const char *msg = fk_error_last()->message;
    if (strstr(msg, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", msg, needle);
    assert_non_null(strstr(msg, "bad.pb"));
}

static void rejects_bad_references(void **state)
{
    (void)state;
    pb p;
    handmade(&p, 1);
    expect_error(&p, FK_EFORMAT, "refers to function 999, which does not exist");
    handmade(&p, 2);
    expect_error(&p, FK_EFORMAT, "string index 77 is out of range");

    /* a sample naming a location that does not exist */
    handmade(&p, 0);
    pb s = {{0}, 0};
    pb_int(&s, 1, 12345);
    pb_int(&s, 2, 1);
    pb_int(&s, 2, 1);
    pb_msg(&p, 2, &s);
    expect_error(&p, FK_EFORMAT, "refers to location 12345, which does not exist");

    /* one value for two sample types */
    handmade(&p, 0);
    s.n = 0;
    pb_int(&s, 1, 10);
    pb_int(&s, 2, 1);
    pb_msg(&p, 2, &s);
    expect_error(&p, FK_EFORMAT, "has 1 values but the profile has 2 sample types");

    /* a string table that does not start with "" */
    p.n = 0;
    pb_str(&p, "x");
    expect_error(&p, FK_EFORMAT, "must start with \"\"");

    /* two locations with one id */
    handmade(&p, 0);
    pb loc = {{0}, 0};
    pb_int(&loc, 1, 10);
    pb_msg(&p, 4, &loc);
    expect_error(&p, FK_EFORMAT, "two locations have id 10");
}

static void rejects_bad_wire_data(void **state)
{
    (void)state;
    pb p;
    /* truncated protobuf: cut inside the last string */
    handmade(&p, 0);
    p.n -= 3;
    expect_error(&p, FK_ETRUNCATED, "claims 8 bytes but only 5 remain");

    /* a 2 GB length prefix */
    p.n = 0;
    pb_str(&p, "");
    pb_tag(&p, 2, 2);
    pb_varint(&p, (uint64_t)2 << 30);
    p.b[p.n++] = 0;
    expect_error(&p, FK_ETRUNCATED, "claims 2147483648 bytes");

    /* a number where a message belongs, a group wire type */
    p.n = 0;
    pb_int(&p, 4, 5);
    expect_error(&p, FK_EFORMAT, "field 4 (location) must be length-delimited");
    p.n = 0;
    pb_tag(&p, 20, 3);
    expect_error(&p, FK_EFORMAT, "unsupported wire type 3");

    /* deep nesting: 20000 levels of an unknown length-delimited field,
     * each inside the previous one; unknown fields are skipped whole, and
     * the known schema is only three levels deep, so nothing recurses */
    size_t cap = 200000, start = cap;
    unsigned char *deep = malloc(cap);
    for (int i = 0; i < 20000; i++) {
        size_t inner = cap - start;
        unsigned char len[10];
        size_t ln = 0;
        for (size_t v = inner;; v >>= 7) {
            len[ln++] = (unsigned char)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
            if (v < 0x80)
                break;
        }
        start -= ln;
        memcpy(deep + start, len, ln);
        deep[--start] = 0x01; /* tag of field 16, wire type 2: 0x82 0x01 */
        deep[--start] = 0x82;
    }
    unsigned char *all = malloc(2 + cap - start);
    all[0] = 0x32; /* string_table: "" */
    all[1] = 0x00;
    memcpy(all + 2, deep + start, cap - start);
    fk_pprof *pp;
    assert_int_equal(fk_pprof_decode(&pp, all, 2 + cap - start, "deep"), 0);
    fk_pprof_free(pp);
    /* the same chain inside a known message (a sample) */
    size_t chain = cap - start;
    unsigned char *in_sample = malloc(chain + 8);
    size_t k = 0;
    in_sample[k++] = 0x32;
    in_sample[k++] = 0x00;
    in_sample[k++] = 0x12;
    for (size_t v = chain;; v >>= 7) {
        in_sample[k++] = (unsigned char)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0));
        if (v < 0x80)
            break;
    }
    memcpy(in_sample + k, deep + start, chain);
    assert_int_equal(fk_pprof_decode(&pp, in_sample, k + chain, "deep"), 0);
    assert_int_equal(pp->msg->n_sample, 1);
    fk_pprof_free(pp);
    free(in_sample);
    free(all);
    free(deep);

    /* nothing at all */
    assert_int_equal(fk_pprof_decode(&pp, "", 0, "empty"), FK_EEMPTY);

    /* varint of 11 bytes */
    p.n = 0;
    pb_tag(&p, 9, 0);
    for (int i = 0; i < 10; i++)
        p.b[p.n++] = 0xff;
    p.b[p.n++] = 0x01;
    expect_error(&p, FK_EFORMAT, "longer than 10 bytes");
}

static void detection(void **state)
{
    (void)state;
    pb p;
    handmade(&p, 0);
    const char *why;
    assert_int_equal(fk_format_detect((const char *)p.b, p.n, &why), FK_FORMAT_PPROF);
    const char *folded = "main;a;b 10\nmain;c 3\n";
    assert_int_equal(fk_format_detect(folded, strlen(folded), &why), FK_FORMAT_FOLDED);
    const char *text = "8\nHello world\n";
    assert_int_not_equal(fk_format_detect(text, strlen(text), &why), FK_FORMAT_PPROF);
    /* a truncated profile is still recognized (decoding then says where) */
    assert_int_equal(fk_format_detect((const char *)p.b, p.n - 3, &why), FK_FORMAT_PPROF);
}

static fk_pprof *load_corpus(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/pprof/%s", FK_CORPUS, rel);
    fk_pprof *pp = NULL;
    if (fk_pprof_load_path(&pp, path) != 0)
        fail_msg("%s: %s", path, fk_error_last()->message);
    return pp;
}

/* Encoding the decoded message again and decoding that gives the same
 * message: compare the raw encodings of both. */
static void writer_round_trip(void **state)
{
    (void)state;
    const char *kinds[] = {"cpu", "heap", "allocs", "goroutine", "block", "mutex", "threadcreate"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char rel[64];
        snprintf(rel, sizeof rel, "go-unbuffered/%s.pb.gz", kinds[k]);
        fk_pprof *a = load_corpus(rel), *b;
        unsigned char *gz, *raw_a, *raw_b;
        size_t gz_len, la, lb;
        assert_int_equal(fk_pprof_encode(a, &gz, &gz_len, 1), 0);
        assert_true(gz_len > 2 && gz[0] == 0x1f && gz[1] == 0x8b);
        /* decode the gzip'd bytes through the input layer, as files are */
        char path[] = "/tmp/fk_test_pprof_rt_XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, gz, gz_len), (ssize_t)gz_len);
        close(fd);
        assert_int_equal(fk_pprof_load_path(&b, path), 0);
        unlink(path);
        assert_int_equal(fk_pprof_encode(a, &raw_a, &la, 0), 0);
        assert_int_equal(fk_pprof_encode(b, &raw_b, &lb, 0), 0);
        assert_int_equal(la, lb);
        assert_memory_equal(raw_a, raw_b, la);
        /* the parts pprof users care about, explicitly */
        assert_int_equal(a->msg->n_sample, b->msg->n_sample);
        assert_int_equal(a->msg->n_mapping, b->msg->n_mapping);
        assert_int_equal(a->msg->n_location, b->msg->n_location);
        assert_int_equal(a->msg->n_function, b->msg->n_function);
        assert_int_equal(a->msg->period, b->msg->period);
        assert_int_equal(a->msg->time_nanos, b->msg->time_nanos);
        assert_int_equal(a->msg->duration_nanos, b->msg->duration_nanos);
        fkx_free(gz);
        fkx_free(raw_a);
        fkx_free(raw_b);
        fk_pprof_free(a);
        fk_pprof_free(b);
    }
    /* labels survive: the heap profile carries bytes= numeric labels */
    fk_pprof *h = load_corpus("go-unbuffered/heap.pb.gz");
    size_t labels = 0;
    for (size_t i = 0; i < h->msg->n_sample; i++)
        labels += h->msg->sample[i]->n_label;
    assert_true(labels > 0);
    fk_pprof_free(h);
}

/* model -> pprof -> model gives the same stacks and values. */
static void model_round_trip(void **state)
{
    (void)state;
    fk_pprof *src = load_corpus("go-buffered/cpu.pb.gz");
    fk_profile a, b;
    assert_int_equal(fk_profile_init(&a), 0);
    assert_int_equal(fk_profile_init(&b), 0);
    assert_int_equal(fk_pprof_add_types(src, &a), 0);
    assert_int_equal(fk_pprof_to_profile(src, &a, SIZE_MAX, NULL), 0);
    a.default_type = 1;
    fk_pprof *mid, *back;
    fk_pprof_meta meta = {1, 2, 10000000, "cpu", "nanoseconds"};
    assert_int_equal(fk_pprof_from_profile(&mid, &a, &meta), 0);
    unsigned char *bytes;
    size_t len;
    assert_int_equal(fk_pprof_encode(mid, &bytes, &len, 0), 0);
    assert_int_equal(fk_pprof_decode(&back, bytes, len, "mid"), 0);
    size_t col;
    assert_int_equal(fk_pprof_sample_index(back, NULL, &col), 0);
    assert_int_equal(col, 1); /* default_sample_type = cpu */
    assert_int_equal(back->msg->period, 10000000);
    assert_int_equal(fk_pprof_add_types(back, &b), 0);
    assert_int_equal(fk_pprof_to_profile(back, &b, SIZE_MAX, NULL), 0);
    char *fa = strdup(folded_of(&a, 0));
    assert_string_equal(fa, folded_of(&b, 0));
    free(fa);
    fa = strdup(folded_of(&a, 1));
    assert_string_equal(fa, folded_of(&b, 1));
    free(fa);
    fkx_free(bytes);
    fk_pprof_free(back);
    fk_pprof_free(mid);
    fk_pprof_free(src);
    fk_profile_free(&a);
    fk_profile_free(&b);
}

static void unit_formatting(void **state)
{
    (void)state;
    char b[64];
    fk_pprof_scaled_label(10000000, "nanoseconds", "minimum", b, sizeof b);
    assert_string_equal(b, "10ms");
    fk_pprof_scaled_label(1500000000, "nanoseconds", "s", b, sizeof b);
    assert_string_equal(b, "1.50s");
    fk_pprof_scaled_label(3000000000, "nanoseconds", "s", b, sizeof b);
    assert_string_equal(b, "3s");
    fk_pprof_scaled_label(524288, "bytes", "minimum", b, sizeof b);
    assert_string_equal(b, "512kB");
    fk_pprof_scaled_label(4215276, "bytes", "MB", b, sizeof b);
    assert_string_equal(b, "4.02MB");
    fk_pprof_scaled_label(0, "bytes", "MB", b, sizeof b);
    assert_string_equal(b, "0");
    fk_pprof_scaled_label(-20000000, "nanoseconds", "ms", b, sizeof b);
    assert_string_equal(b, "-20ms");
    fk_pprof_scaled_label(42, "count", "count", b, sizeof b);
    assert_string_equal(b, "42");
    fk_pprof_percent(7, 946, b, sizeof b);
    assert_string_equal(b, " 0.74%");
    fk_pprof_percent(489, 946, b, sizeof b);
    assert_string_equal(b, "51.69%");
    fk_pprof_percent(946, 946, b, sizeof b);
    assert_string_equal(b, "  100%");
    fk_pprof_percent(0, 0, b, sizeof b);
    assert_string_equal(b, "    0%");
}

static void reader_replaces_placeholder_type(void **state)
{
    (void)state;
    fk_profile p;
    assert_int_equal(fk_profile_init(&p), 0);
    fk_read_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.pprof.sample_index = "alloc_space";
    fk_diag diag;
    memset(&diag, 0, sizeof diag);
    fk_reader r;
    assert_int_equal(fk_reader_init(&r, &p, &ro, &diag), 0);
    char path[1024];
    snprintf(path, sizeof path, "%s/pprof/go-unbuffered/heap.pb.gz", FK_CORPUS);
    assert_int_equal(fk_reader_read_path(&r, path), 0);
    assert_int_equal(p.ntypes, 4);
    assert_int_equal(p.default_type, 1);
    fkx_str unit = fk_profile_string(&p, p.types[1].unit);
    assert_memory_equal(unit.ptr, "bytes", 5);
    /* a second heap profile merges; a CPU profile does not */
    assert_int_equal(fk_reader_read_path(&r, path), 0);
    snprintf(path, sizeof path, "%s/pprof/go-unbuffered/cpu.pb.gz", FK_CORPUS);
    ro.pprof.sample_index = NULL;
    r.opts.pprof.sample_index = NULL;
    assert_int_equal(fk_reader_read_path(&r, path), FK_EINVAL);
    fk_reader_free(&r);
    fk_profile_free(&p);
}

/* Allocation failures anywhere in decoding leave nothing behind. */
static void decode_survives_allocation_failures(void **state)
{
    (void)state;
    pb p;
    handmade(&p, 0);
    for (long n = 0; n < 400; n++) {
        fkx_alloc_fail_after(n);
        fk_pprof *pp = NULL;
        int err = fk_pprof_decode(&pp, p.b, p.n, "hand");
        fkx_alloc_fail_after(-1);
        if (err == 0) {
            fk_pprof_free(pp);
            return;
        }
        assert_null(pp);
    }
    fail_msg("decoding never succeeded");
}

static int emit(const char *dir)
{
    const char *runs[] = {"go-unbuffered", "go-buffered"};
    const char *kinds[] = {"cpu", "heap", "allocs", "goroutine", "block", "mutex", "threadcreate"};
    for (size_t r = 0; r < 2; r++) {
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
            char in[1024], out[1024];
            snprintf(in, sizeof in, "%s/pprof/%s/%s.pb.gz", FK_CORPUS, runs[r], kinds[k]);
            snprintf(out, sizeof out, "%s/%s-%s.pb.gz", dir, runs[r], kinds[k]);
            fk_pprof *pp;
            fkx_output o;
            if (fk_pprof_load_path(&pp, in) < 0 || fkx_output_open(&o, out) < 0 ||
                fk_pprof_write(pp, &o, 1) < 0 || fkx_output_commit(&o) < 0) {
                fprintf(stderr, "%s\n", fk_error_last()->message);
                return 1;
            }
            fk_pprof_free(pp);
        }
    }
    /* A model profile (read from folded text) written as pprof. */
    char in[1024], out[1024];
    snprintf(in, sizeof in, "%s/pprof/go-unbuffered/cpu.folded-inline.txt", FK_CORPUS);
    snprintf(out, sizeof out, "%s/from-folded.pb.gz", dir);
    fk_profile p;
    fk_read_opts ro;
    memset(&ro, 0, sizeof ro);
    fk_diag diag;
    memset(&diag, 0, sizeof diag);
    fk_reader rd;
    fk_pprof *pp;
    fkx_output o;
    if (fk_profile_init(&p) < 0 || fk_reader_init(&rd, &p, &ro, &diag) < 0 ||
        fk_reader_read_path(&rd, in) < 0 || fk_pprof_from_profile(&pp, &p, NULL) < 0 ||
        fkx_output_open(&o, out) < 0 || fk_pprof_write(pp, &o, 1) < 0 ||
        fkx_output_commit(&o) < 0) {
        fprintf(stderr, "%s\n", fk_error_last()->message);
        return 1;
    }
    fk_pprof_free(pp);
    fk_reader_free(&rd);
    fk_profile_free(&p);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--emit") == 0)
        return emit(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_handmade_profile),
        cmocka_unit_test(rejects_bad_references),
        cmocka_unit_test(rejects_bad_wire_data),
        cmocka_unit_test(detection),
        cmocka_unit_test(writer_round_trip),
        cmocka_unit_test(model_round_trip),
        cmocka_unit_test(unit_formatting),
        cmocka_unit_test(reader_replaces_placeholder_type),
        cmocka_unit_test(decode_survives_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
