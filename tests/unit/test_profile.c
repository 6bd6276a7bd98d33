/*
 * test_profile.c - the stack table (aggregation over several sample types,
 * merging) and the stack trie, including allocation-failure paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "profile/profile.h"
#include "profile/trie.h"
#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

static int reset_injection(void **state)
{
    (void)state;
    fkx_alloc_fail_after(-1);
    return 0;
}

/* Intern "a;b;c" into frame ids. */
static size_t stack_of(fk_profile *p, const char *text, uint32_t *out)
{
    size_t n = 0;
    const char *s = text;
    for (;;) {
        const char *semi = strchr(s, ';');
        size_t len = semi ? (size_t)(semi - s) : strlen(s);
        assert_int_equal(fk_profile_intern(p, &out[n++], s, len), 0);
        if (!semi)
            break;
        s = semi + 1;
    }
    return n;
}

static void add(fk_profile *p, const char *text, double v0, double v1)
{
    uint32_t f[64];
    size_t n = stack_of(p, text, f);
    double v[2] = {v0, v1};
    assert_int_equal(fk_profile_add(p, f, n, v, NULL), 0);
}

static void aggregation_sums_per_type(void **state)
{
    (void)state;
    fk_profile p;
    assert_int_equal(fk_profile_init(&p), 0);
    assert_int_equal(fk_profile_add_type(&p, "samples", "count", NULL), 0);
    size_t second;
    assert_int_equal(fk_profile_add_type(&p, "cpu", "nanoseconds", &second), 0);
    assert_int_equal(second, 1);
    add(&p, "main;a;b", 1, 10);
    add(&p, "main;a", 2, 20);
    add(&p, "main;a;b", 3, 30);
    add(&p, "main;a;b;c", 0.5, 5);
    assert_int_equal(p.nstacks, 3);
    assert_true(fk_profile_total(&p, 0) == 6.5);
    assert_true(fk_profile_total(&p, 1) == 65);
    /* types can no longer change once stacks exist */
    assert_int_equal(fk_profile_add_type(&p, "x", "y", NULL), FK_EINVAL);
    size_t depth;
    const uint32_t *f = fk_profile_stack(&p, 0, &depth);
    assert_int_equal(depth, 3);
    assert_string_equal(fk_profile_string(&p, f[2]).ptr, "b");
    assert_true(fk_profile_values(&p, 0)[0] == 4);
    assert_true(fk_profile_values(&p, 0)[1] == 40);
    /* the empty stack is a stack too */
    double v[2] = {7, 70};
    assert_int_equal(fk_profile_add(&p, NULL, 0, v, NULL), 0);
    assert_int_equal(p.nstacks, 4);
    fk_profile_free(&p);
}

static void many_stacks_grow_the_index(void **state)
{
    (void)state;
    fk_profile p;
    assert_int_equal(fk_profile_init(&p), 0);
    assert_int_equal(fk_profile_add_type(&p, "samples", "count", NULL), 0);
    char text[64];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 20000; i++) {
            snprintf(text, sizeof text, "root;mid%d;leaf%d", i % 97, i);
            add(&p, text, 1, 0);
        }
    assert_int_equal(p.nstacks, 20000);
    for (size_t i = 0; i < p.nstacks; i++)
        assert_true(fk_profile_values(&p, i)[0] == 2);
    fk_profile_free(&p);
}

static void depth_limit(void **state)
{
    (void)state;
    fk_profile p;
    assert_int_equal(fk_profile_init(&p), 0);
    assert_int_equal(fk_profile_add_type(&p, "samples", "count", NULL), 0);
    uint32_t f[1] = {0};
    double v = 1;
    assert_int_equal(fk_profile_add(&p, f, FK_LIMIT_STACK_DEPTH + 1, &v, NULL), FK_ELIMIT);
    assert_non_null(strstr(fk_error_last()->message, "deeper"));
    fk_profile_free(&p);
}

static void merge_reinterns(void **state)
{
    (void)state;
    fk_profile a, b;
    assert_int_equal(fk_profile_init(&a), 0);
    assert_int_equal(fk_profile_init(&b), 0);
    assert_int_equal(fk_profile_add_type(&a, "samples", "count", NULL), 0);
    assert_int_equal(fk_profile_add_type(&b, "samples", "count", NULL), 0);
    add(&a, "x;y", 1, 0);
    add(&b, "q", 5, 0); /* different ids for the same names in b */
    add(&b, "x;y", 2, 0);
    assert_int_equal(fk_profile_merge(&a, &b), 0);
    assert_int_equal(a.nstacks, 2);
    assert_true(fk_profile_total(&a, 0) == 8);
    fk_profile c;
    assert_int_equal(fk_profile_init(&c), 0);
    assert_int_equal(fk_profile_merge(&a, &c), FK_EINVAL); /* 1 type vs 0 */
    fk_profile_free(&a);
    fk_profile_free(&b);
    fk_profile_free(&c);
}

static void trie_totals_and_order(void **state)
{
    (void)state;
    fk_profile p;
    assert_int_equal(fk_profile_init(&p), 0);
    assert_int_equal(fk_profile_add_type(&p, "samples", "count", NULL), 0);
    add(&p, "main;zeta", 3, 0);
    add(&p, "main;alpha;x", 2, 0);
    add(&p, "main;alpha", 1, 0);
    add(&p, "main;Beta", 4, 0);
    add(&p, "other", 5, 0);
    fk_trie t;
    assert_int_equal(fk_trie_build(&t, &p), 0);
    /* root, main, zeta, alpha, x, Beta, other */
    assert_int_equal(t.count, 7);
    assert_true(fk_trie_total(&t, 0, 0) == 15);
    assert_int_equal(t.max_depth, 3);
    uint32_t main_node = t.nodes[0].first_child;
    assert_string_equal(fk_profile_string(&p, t.nodes[main_node].frame).ptr, "main");
    assert_true(fk_trie_total(&t, main_node, 0) == 10);
    assert_true(fk_trie_self(&t, main_node, 0) == 0);
    /* children of main in bytewise order: Beta < alpha < zeta */
    const char *want[] = {"Beta", "alpha", "zeta"};
    double totals[] = {4, 3, 3};
    uint32_t c = t.nodes[main_node].first_child;
    for (int i = 0; i < 3; i++) {
        assert_int_not_equal(c, FK_TRIE_NONE);
        assert_string_equal(fk_profile_string(&p, t.nodes[c].frame).ptr, want[i]);
        assert_true(fk_trie_total(&t, c, 0) == totals[i]);
        assert_int_equal(t.nodes[c].parent, main_node);
        c = t.nodes[c].next_sibling;
    }
    assert_int_equal(c, FK_TRIE_NONE);
    fk_trie_free(&t);
    fk_profile_free(&p);
}

static void build_under_failures(void **state)
{
    (void)state;
    /* Fail each allocation in turn while building a profile and its trie:
     * every failure is reported as FK_ENOMEM, nothing leaks or crashes. */
    int completed = 0;
    /* every early failure point, then a spread (the sanitizer build makes
     * each arena allocation a malloc, so there are many more of them) */
    for (long fail_at = 0; fail_at < 100000 && !completed; fail_at += 1 + fail_at / 32) {
        fk_profile p;
        fkx_alloc_fail_after(fail_at);
        int err = fk_profile_init(&p);
        if (err == 0)
            err = fk_profile_add_type(&p, "samples", "count", NULL);
        char text[64];
        for (int i = 0; err == 0 && i < 300; i++) {
            uint32_t f[3];
            snprintf(text, sizeof text, "s%d", i % 7);
            err = fk_profile_intern(&p, &f[0], "root", 4);
            if (err == 0)
                err = fk_profile_intern(&p, &f[1], text, strlen(text));
            snprintf(text, sizeof text, "leaf%d", i);
            if (err == 0)
                err = fk_profile_intern(&p, &f[2], text, strlen(text));
            double v = 1;
            if (err == 0)
                err = fk_profile_add(&p, f, 3, &v, NULL);
        }
        fk_trie t;
        if (err == 0)
            err = fk_trie_build(&t, &p);
        fkx_alloc_fail_after(-1);
        if (err == 0) {
            assert_true(fk_trie_total(&t, 0, 0) == 300);
            fk_trie_free(&t);
            completed = 1;
        } else {
            assert_int_equal(err, FK_ENOMEM);
        }
        fk_profile_free(&p);
    }
    assert_true(completed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(aggregation_sums_per_type, reset_injection),
        cmocka_unit_test_teardown(many_stacks_grow_the_index, reset_injection),
        cmocka_unit_test_teardown(depth_limit, reset_injection),
        cmocka_unit_test_teardown(merge_reinterns, reset_injection),
        cmocka_unit_test_teardown(trie_totals_and_order, reset_injection),
        cmocka_unit_test_teardown(build_under_failures, reset_injection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
