/*
 * test_render.c - the renderer's primitives and C API: exact number
 * rounding (as glibc's printf), XML escaping of any bytes, flamegraph.pl's
 * colours, and fk_svg_render on a small profile (columns, count names,
 * empty input, buffer caps).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "render/render_int.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_fixed_matches_printf(void **state)
{
    (void)state;
    char a[64], b[64];
    static const double fixed[] = {0.05,   0.15, 0.25, 0.35,   2.5,    3.5,    10.45, 1.005,
                                   1180.0, 0.0,  1e-9, 99.995, 12.345, 703.05, 0.125, 4.5e15};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        for (int d = 0; d <= 2; d++) {
            fk_fmt_fixed(a, fixed[i], d);
            snprintf(b, sizeof b, "%.*f", d, fixed[i]);
            assert_string_equal(a, b);
        }
    }
    srand(7);
    for (int i = 0; i < 200000; i++) {
        double v = (double)rand() / RAND_MAX * 2000.0;
        if (i % 3 == 0)
            v = (double)(rand() % 20000) / 20.0; /* many exact ties */
        int d = i % 3;
        fk_fmt_fixed(a, v, d);
        snprintf(b, sizeof b, "%.*f", d, v);
        assert_string_equal(a, b);
    }
    fk_fmt_fixed(a, -0.04, 1);
    assert_string_equal(a, "-0.0");
}

static void test_commas(void **state)
{
    (void)state;
    char out[64];
    fk_fmt_commas(out, "1234567", 7);
    assert_string_equal(out, "1,234,567");
    fk_fmt_commas(out, "123", 3);
    assert_string_equal(out, "123");
    fk_fmt_commas(out, "-1000", 5);
    assert_string_equal(out, "-1,000");
}

static void test_escape(void **state)
{
    (void)state;
    fkx_buf b = FKX_BUF_INIT(1 << 20);
    const char in[] = "<a href=\"x\">&\x01\xff\xc3\xa9\xef\xbf\xbe\xed\xa0\x80]]>";
    assert_int_equal(fk_xml_escape(&b, in, sizeof in - 1, 0), 0);
    assert_string_equal(b.ptr, "&lt;a href=&quot;x&quot;&gt;&amp;\xef\xbf\xbd\xef\xbf\xbd\xc3\xa9"
                               "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                               "\xef\xbf\xbd]]&gt;");
    /* characters and prefixes count an entity or a UTF-8 sequence as one */
    fkx_buf_clear(&b);
    assert_int_equal(fk_xml_escape(&b, "a&b\xc3\xa9z", 6, 0), 0);
    assert_int_equal(fk_xml_chars(b.ptr, b.len, 0), 5);
    assert_int_equal(fk_xml_prefix(b.ptr, b.len, 2, 0), 6); /* "a&amp;" */
    assert_int_equal(fk_xml_prefix(b.ptr, b.len, 4, 0), 9); /* + "b" + "é" */
    fkx_buf_free(&b);
    assert_int_equal(fk_strip_annotation("foo_[k]", 7), 3);
    assert_int_equal(fk_strip_annotation("foo_[x]", 7), 7);
}

/* Colours flamegraph.pl gives (checked against it): default mode, --hash. */
static void test_colors(void **state)
{
    (void)state;
    char buf[32];
    uint64_t rng = 1;
    fk_rgb_format(buf, fk_color_frame(FK_PALETTE_HOT, FK_COLOR_NAME, "", 0, 0, &rng));
    assert_string_equal(buf, "rgb(213,39,9)");
    fk_rgb_format(buf, fk_color_frame(FK_PALETTE_HOT, FK_COLOR_NAME, "java", 4, 0, &rng));
    assert_string_equal(buf, "rgb(213,38,9)");
    fk_rgb_format(buf,
                  fk_color_frame(FK_PALETTE_JAVA, FK_COLOR_NAME, "call_stub_[j]", 13, 0, &rng));
    assert_memory_equal(buf, "rgb(", 4); /* green: g > r */
    fk_rgb c = fk_color_frame(FK_PALETTE_JAVA, FK_COLOR_NAME, "call_stub_[j]", 13, 0, &rng);
    assert_true(c.g >= 200 && c.r < c.g && c.r == c.b);
    c = fk_color_frame(FK_PALETTE_JAVA, FK_COLOR_HASH, "JavaCalls::call", 15, 0, &rng);
    assert_true(c.r == c.g && c.b < 71); /* yellow */
    c = fk_color_frame(FK_PALETTE_CHAIN, FK_COLOR_NAME, "waker", 5, 1, &rng);
    assert_true(c.r >= 50 && c.r < 110 && c.g == c.b); /* aqua */
    fk_rgb_format(buf, fk_color_scale(5, 10, 0));
    assert_string_equal(buf, "rgb(255,105,105)");
    fk_rgb_format(buf, fk_color_scale(5, 10, 1));
    assert_string_equal(buf, "rgb(105,105,255)");
}

static void build(fk_profile *p)
{
    assert_int_equal(fk_profile_init(p), 0);
    assert_int_equal(fk_profile_add_type(p, "samples", "count", NULL), 0);
    assert_int_equal(fk_profile_add_type(p, "alloc", "bytes", NULL), 0);
    const char *stacks[][3] = {{"main", "a", "x"}, {"main", "a.cold", NULL}, {"main", "a", NULL}};
    const double vals[][2] = {{3, 1000}, {2, 0}, {5, 24}};
    for (size_t i = 0; i < 3; i++) {
        uint32_t f[3];
        size_t d = 0;
        while (d < 3 && stacks[i][d]) {
            assert_int_equal(fk_profile_intern(p, &f[d], stacks[i][d], strlen(stacks[i][d])), 0);
            d++;
        }
        assert_int_equal(fk_profile_add(p, f, d, vals[i], NULL), 0);
    }
}

static void test_render_api(void **state)
{
    (void)state;
    fk_profile p;
    build(&p);
    fk_svg_opts o = FK_SVG_OPTS_INIT;
    o.count_name = fk_svg_count_name("bytes");
    fkx_buf b = FKX_BUF_INIT((size_t)1 << 30);
    fk_svg_stats st;
    assert_int_equal(fk_svg_render_profile(&b, &p, 1, 0, &o, &st), 0);
    /* column 1: a.cold has 0 bytes and is not drawn; totals are bytes */
    assert_non_null(strstr(b.ptr, "<title>all (1,024 bytes, 100%)</title>"));
    assert_non_null(strstr(b.ptr, "<title>x (1,000 bytes, 97.66%)</title>"));
    assert_null(strstr(b.ptr, "a.cold"));
    assert_int_equal(st.frames, 4);
    assert_int_equal(st.elements, 13 + 4 * 4);

    /* column 0: "a" has self samples, so it sorts before "a.cold" as in
     * flamegraph.pl ("main;a 5" < "main;a.cold 2"); x sits right of a's self */
    fkx_buf_clear(&b);
    o.count_name = NULL;
    assert_int_equal(fk_svg_render_profile(&b, &p, 0, 0, &o, &st), 0);
    const char *a = strstr(b.ptr, "<title>a (8 samples, 80.00%)</title><rect x=\"10.0\"");
    const char *cold = strstr(b.ptr, "<title>a.cold (2 samples, 20.00%)</title><rect x=\"954.0\"");
    const char *x = strstr(b.ptr, "<title>x (3 samples, 30.00%)</title><rect x=\"600.0\"");
    assert_non_null(a);
    assert_non_null(cold);
    assert_non_null(x);

    /* a cap too small: ELIMIT and the buffer keeps what it had */
    fkx_buf small = FKX_BUF_INIT(1000);
    assert_int_equal(fkx_buf_append(&small, "keep", 4), 0);
    assert_int_equal(fk_svg_render_profile(&small, &p, 0, 0, &o, NULL), FK_ELIMIT);
    assert_int_equal(small.len, 4);
    fkx_buf_free(&small);

    /* bad options are refused */
    o.width = 5;
    assert_int_equal(fk_svg_render_profile(&b, &p, 0, 0, &o, NULL), FK_EINVAL);
    fkx_buf_free(&b);
    fk_profile_free(&p);
}

static void test_render_empty(void **state)
{
    (void)state;
    fk_profile p;
    assert_int_equal(fk_profile_init(&p), 0);
    assert_int_equal(fk_profile_add_type(&p, "samples", "count", NULL), 0);
    fk_svg_opts o = FK_SVG_OPTS_INIT;
    fkx_buf b = FKX_BUF_INIT(1 << 20);
    assert_int_equal(fk_svg_render_profile(&b, &p, 0, 0, &o, NULL), FK_EEMPTY);
    assert_int_equal(b.len, 0);
    assert_int_equal(fk_svg_render_error(&b, &o, "ERROR: <none>"), 0);
    assert_non_null(strstr(b.ptr, ">ERROR: &lt;none&gt;</text>"));
    fkx_buf_free(&b);
    fk_profile_free(&p);
}

/* Every allocation failure is reported, never a crash or a leak. */
static void test_render_alloc_failures(void **state)
{
    (void)state;
    fk_profile p;
    build(&p);
    fk_svg_opts o = FK_SVG_OPTS_INIT;
    for (long n = 0; n < 200; n++) {
        fkx_buf b = FKX_BUF_INIT((size_t)1 << 30);
        fkx_alloc_fail_after(n);
        int err = fk_svg_render_profile(&b, &p, 0, 1, &o, NULL);
        fkx_alloc_fail_after(-1);
        assert_true(err == 0 || err == FK_ENOMEM);
        fkx_buf_free(&b);
        if (err == 0)
            break;
    }
    fk_profile_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_matches_printf),
        cmocka_unit_test(test_commas),
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_colors),
        cmocka_unit_test(test_render_api),
        cmocka_unit_test(test_render_empty),
        cmocka_unit_test(test_render_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
