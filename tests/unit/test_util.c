/*
 * test_util.c - arena, interner, capped buffer, numbers, index growth, and
 * the allocation-failure paths of each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/intern.h"
#include "util/num.h"

#include <stdio.h>
#include <string.h>

static void arena_alignment_and_sizes(void **state)
{
    (void)state;
    fkx_arena a = FKX_ARENA_INIT;
    char *prev = NULL;
    for (size_t i = 1; i < 5000; i += 7) {
        char *p = fkx_arena_alloc(&a, i);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 8, 0);
        memset(p, 0xab, i); /* ASan would catch an overlap */
        assert_ptr_not_equal(p, prev);
        prev = p;
    }
    /* a block larger than any chunk gets its own */
    char *big = fkx_arena_alloc(&a, 10u << 20);
    assert_non_null(big);
    memset(big, 1, 10u << 20);
    char *s = fkx_arena_strndup(&a, "hello\0world", 11);
    assert_memory_equal(s, "hello\0world", 12);
    fkx_arena_free(&a);
    assert_null(a.head);
    fkx_arena_free(&a); /* twice is fine */
    fkx_arena_free(NULL);
}

static void arena_alloc_failure(void **state)
{
    (void)state;
    fkx_arena a = FKX_ARENA_INIT;
    fkx_alloc_fail_after(0);
    assert_null(fkx_arena_alloc(&a, 16));
    assert_int_equal(fk_error_last()->code, FK_ENOMEM);
    fkx_alloc_fail_after(-1);
    assert_non_null(fkx_arena_alloc(&a, 16));
    fkx_arena_free(&a);
}

static void intern_ids_are_stable_and_dense(void **state)
{
    (void)state;
    fkx_intern in;
    assert_int_equal(fkx_intern_init(&in), 0);
    uint32_t ids[3000];
    char name[64];
    for (uint32_t i = 0; i < 3000; i++) {
        int n = snprintf(name, sizeof name, "frame_%u", i);
        assert_int_equal(fkx_intern_put(&in, &ids[i], name, (size_t)n), 0);
        assert_int_equal(ids[i], i);
    }
    for (uint32_t i = 0; i < 3000; i++) {
        int n = snprintf(name, sizeof name, "frame_%u", i);
        uint32_t id;
        assert_int_equal(fkx_intern_put(&in, &id, name, (size_t)n), 0);
        assert_int_equal(id, ids[i]);
        fkx_str s = fkx_intern_get(&in, id);
        assert_int_equal(s.len, (uint32_t)n);
        assert_string_equal(s.ptr, name);
    }
    /* bytes, not C strings: NUL inside and the empty string are distinct keys */
    uint32_t a, b, c;
    assert_int_equal(fkx_intern_put(&in, &a, "x\0y", 3), 0);
    assert_int_equal(fkx_intern_put(&in, &b, "x", 1), 0);
    assert_int_equal(fkx_intern_put(&in, &c, "", 0), 0);
    assert_int_not_equal(a, b);
    assert_int_not_equal(b, c);
    uint32_t found;
    assert_true(fkx_intern_find(&in, &found, "x\0y", 3));
    assert_int_equal(found, a);
    assert_false(fkx_intern_find(&in, &found, "nope", 4));
    assert_int_equal(in.count, 3003);
    fkx_intern_free(&in);
}

/* Every allocation inside intern_put can fail; each failure must leave the
 * interner usable and leak nothing (ASan's leak checker sees the rest). */
static void intern_alloc_failures(void **state)
{
    (void)state;
    for (long fail_at = 0; fail_at < 40; fail_at++) {
        fkx_intern in;
        fkx_alloc_fail_after(fail_at);
        int err = fkx_intern_init(&in);
        char name[32];
        for (int i = 0; err == 0 && i < 200; i++) {
            uint32_t id;
            int n = snprintf(name, sizeof name, "f%d", i);
            err = fkx_intern_put(&in, &id, name, (size_t)n);
        }
        fkx_alloc_fail_after(-1);
        if (err != 0) {
            assert_int_equal(err, FK_ENOMEM);
            /* still consistent: every string stored so far is findable */
            for (size_t i = 0; in.strs != NULL && i < in.count; i++) {
                uint32_t id;
                fkx_str s = fkx_intern_get(&in, (uint32_t)i);
                assert_true(fkx_intern_find(&in, &id, s.ptr, s.len));
                assert_int_equal(id, i);
            }
        }
        fkx_intern_free(&in);
    }
}

static void buf_cap_is_enforced(void **state)
{
    (void)state;
    fkx_buf b = FKX_BUF_INIT(10);
    assert_int_equal(fkx_buf_append(&b, "0123456789", 10), 0);
    assert_int_equal(fkx_buf_putc(&b, 'x'), FK_ELIMIT);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.ptr, "0123456789");
    fkx_buf_clear(&b);
    assert_int_equal(fkx_buf_printf(&b, "%d-%s", 42, "ab"), 0);
    assert_string_equal(b.ptr, "42-ab");
    assert_int_equal(fkx_buf_printf(&b, "%s", "too long for it"), FK_ELIMIT);
    fkx_buf_free(&b);

    fkx_buf big = FKX_BUF_INIT(1 << 20);
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    for (int i = 0; i < 500; i++)
        assert_int_equal(fkx_buf_append(&big, chunk, sizeof chunk), 0);
    assert_int_equal(big.len, 500000);
    fkx_alloc_fail_after(0);
    assert_int_equal(fkx_buf_reserve(&big, (1 << 20) - 500000 + 1), FK_ELIMIT);
    assert_int_equal(fkx_buf_reserve(&big, (1 << 20) - 500000), FK_ENOMEM);
    fkx_alloc_fail_after(-1);
    assert_int_equal(big.len, 500000);
    fkx_buf_free(&big);
}

static void numbers_round_trip(void **state)
{
    (void)state;
    char buf[40];
    static const struct {
        double v;
        const char *s;
    } cases[] = {{0, "0"},
                 {1, "1"},
                 {-3, "-3"},
                 {10101010, "10101010"},
                 {9007199254740991.0, "9007199254740991"},
                 {1.5, "1.5"},
                 {0.1, "0.1"},
                 {2.25e-7, "2.25e-07"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = fkx_num_format(buf, cases[i].v);
        assert_int_equal(n, strlen(cases[i].s));
        assert_string_equal(buf, cases[i].s);
        double back;
        assert_true(fkx_num_parse(buf, n, &back));
        assert_true(back == cases[i].v);
    }
    double v;
    assert_true(fkx_num_parse("12.", 3, &v));
    assert_true(v == 12.0);
    assert_true(fkx_num_parse("1e3", 3, &v));
    assert_true(v == 1000.0);
    assert_false(fkx_num_parse("", 0, &v));
    assert_false(fkx_num_parse("-", 1, &v));
    assert_false(fkx_num_parse("1x", 2, &v));
    assert_false(fkx_num_parse("0x10", 4, &v));
    assert_false(fkx_num_parse("1e999", 5, &v)); /* not finite */
    assert_false(fkx_num_parse("nan", 3, &v));
    uint64_t u;
    assert_true(fkx_u64_parse("18446744073709551615", 20, &u));
    assert_true(u == UINT64_MAX);
    assert_false(fkx_u64_parse("18446744073709551616", 20, &u));
    assert_false(fkx_u64_parse("", 0, &u));
}

static void grow_reports_failure_without_change(void **state)
{
    (void)state;
    int *arr = NULL;
    size_t cap = 0;
    assert_int_equal(fkx_grow((void **)&arr, &cap, 10, sizeof *arr), 0);
    assert_true(cap >= 10);
    int *before = arr;
    size_t cap_before = cap;
    fkx_alloc_fail_after(0);
    assert_int_equal(fkx_grow((void **)&arr, &cap, cap * 4, sizeof *arr), FK_ENOMEM);
    fkx_alloc_fail_after(-1);
    assert_ptr_equal(arr, before);
    assert_int_equal(cap, cap_before);
    assert_int_equal(fkx_grow((void **)&arr, &cap, SIZE_MAX / 2, 8), FK_ELIMIT);
    fkx_free(arr);
}

static void error_messages(void **state)
{
    (void)state;
    for (int code = 0; code >= -9; code--)
        assert_string_not_equal(fk_strerror(code), "unknown error");
    assert_string_equal(fk_strerror(-999), "unknown error");
    assert_int_equal(fkx_error_set(FK_EFORMAT, "%s:%d: bad", "f.txt", 3), FK_EFORMAT);
    assert_string_equal(fk_error_last()->message, "f.txt:3: bad");
    fk_error_clear();
    assert_int_equal(fk_error_last()->code, FK_OK);
}

/* A failed assertion must not leave failure injection on for the next test. */
static int reset_injection(void **state)
{
    (void)state;
    fkx_alloc_fail_after(-1);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(arena_alignment_and_sizes, reset_injection),
        cmocka_unit_test_teardown(arena_alloc_failure, reset_injection),
        cmocka_unit_test_teardown(intern_ids_are_stable_and_dense, reset_injection),
        cmocka_unit_test_teardown(intern_alloc_failures, reset_injection),
        cmocka_unit_test_teardown(buf_cap_is_enforced, reset_injection),
        cmocka_unit_test_teardown(numbers_round_trip, reset_injection),
        cmocka_unit_test_teardown(grow_reports_failure_without_change, reset_injection),
        cmocka_unit_test_teardown(error_messages, reset_injection),
    };
    return cmocka_run_group_tests(tests, reset_injection, reset_injection);
}
