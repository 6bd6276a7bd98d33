/*
 * test_order.c - fk_profile_text_order against the definition: sorting the
 * joined folded texts bytewise. Random stacks over names chosen to hit every
 * tie-break (prefixes followed by bytes below and above ';', empty names,
 * spaces, tabs, high bytes), both below and above the radix threshold, with
 * few stacks per name (the frame-comparing sort), and a profile whose names
 * contain ';' (the text fallback).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "profile/order.h"
#include "util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"foo", "foo.cold", "foo!", "foo<", "foo;x", "fo",   "",
                                    "a b", "a\tb",     "a",    "\xff", "Z",     "foo ", "z"};

static char *joined(const fk_profile *p, size_t i)
{
    size_t depth;
    const uint32_t *f = fk_profile_stack(p, i, &depth);
    size_t cap = 1;
    for (size_t d = 0; d < depth; d++)
        cap += fk_profile_string(p, f[d]).len + 1;
    char *s = malloc(cap), *o = s;
    for (size_t d = 0; d < depth; d++) {
        fkx_str n = fk_profile_string(p, f[d]);
        if (d)
            *o++ = ';';
        memcpy(o, n.ptr, n.len);
        o += n.len;
    }
    *o = '\0';
    return s;
}

/* extra: names interned but unused, which make the profile one with few
 * stacks per name (the frame-comparing sort) */
static void check(int with_semicolon, size_t nstacks, unsigned seed, size_t extra)
{
    fk_profile p;
    assert_int_equal(fk_profile_init(&p), 0);
    assert_int_equal(fk_profile_add_type(&p, "samples", "count", NULL), 0);
    for (size_t i = 0; i < extra; i++) {
        char n[32];
        uint32_t id;
        int len = snprintf(n, sizeof n, "unused %zu", i);
        assert_int_equal(fk_profile_intern(&p, &id, n, (size_t)len), 0);
    }
    srand(seed);
    size_t nnames = sizeof names / sizeof names[0] - (with_semicolon ? 0 : 1);
    const char *const *pool = names;
    const char *no_semi[sizeof names / sizeof names[0]];
    if (!with_semicolon) {
        size_t k = 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strchr(names[i], ';') == NULL)
                no_semi[k++] = names[i];
        pool = no_semi;
        nnames = k;
    }
    for (size_t i = 0; i < nstacks; i++) {
        uint32_t f[8];
        size_t depth = (size_t)(rand() % 8);
        for (size_t d = 0; d < depth; d++) {
            const char *n = pool[(size_t)rand() % nnames];
            assert_int_equal(fk_profile_intern(&p, &f[d], n, strlen(n)), 0);
        }
        double v = 1;
        assert_int_equal(fk_profile_add(&p, f, depth, &v, NULL), 0);
    }
    uint32_t *order;
    assert_int_equal(fk_profile_text_order(&p, &order), 0);
    char *prev = NULL;
    for (size_t i = 0; i < p.nstacks; i++) {
        char *cur = joined(&p, order[i]);
        /* distinct stacks have distinct texts, except [] and [""] */
        if (prev != NULL && !with_semicolon && strcmp(prev, cur) >= 0 &&
            !(prev[0] == '\0' && cur[0] == '\0'))
            fail_msg("out of order: '%s' before '%s'", prev, cur);
        else if (prev != NULL)
            assert_true(strcmp(prev, cur) <= 0); /* texts may coincide */
        free(prev);
        prev = cur;
    }
    free(prev);
    /* a permutation: every stack exactly once */
    char *seen = calloc(p.nstacks + 1, 1);
    for (size_t i = 0; i < p.nstacks; i++) {
        assert_false(seen[order[i]]);
        seen[order[i]] = 1;
    }
    free(seen);
    fkx_free(order);
    fk_profile_free(&p);
}

static void small_profiles(void **state)
{
    (void)state;
    for (unsigned seed = 1; seed <= 50; seed++)
        check(0, 40, seed, 0);
}

static void radix_sized_profile(void **state)
{
    (void)state;
    check(0, 30000, 7, 0);
}

static void few_stacks_per_name(void **state)
{
    (void)state;
    check(0, 5000, 3, 2000);
}

static void names_with_semicolons_fall_back_to_text(void **state)
{
    (void)state;
    check(1, 3000, 11, 0);
}

static void empty_profile(void **state)
{
    (void)state;
    fk_profile p;
    assert_int_equal(fk_profile_init(&p), 0);
    uint32_t *order;
    assert_int_equal(fk_profile_text_order(&p, &order), 0);
    fkx_free(order);
    fk_profile_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_profiles),
        cmocka_unit_test(radix_sized_profile),
        cmocka_unit_test(few_stacks_per_name),
        cmocka_unit_test(names_with_semicolons_fall_back_to_text),
        cmocka_unit_test(empty_profile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
