/*
 * test_prof.c - unit tests of libflamekit-prof's parts (linked statically,
 * without the pthread_create wrapper): the frame-pointer walk over crafted
 * stacks, aggregation, sessions (busy, bad rates and unwinders, a foreign
 * SIGPROF handler), and real profiles of this process (frame pointers and
 * libunwind) decoded back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "formats/pprof.h"
#include "prof/prof_int.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* ---- the walk ----------------------------------------------------------- */

/* A fake stack: frames at increasing addresses, each {next fp, return}. */
static void walk_good_chain(void **state)
{
    (void)state;
    uintptr_t stack[64] = {0};
    uintptr_t base = (uintptr_t)stack;
    /* frame 0 at [8], frame 1 at [20], frame 2 at [40] (root: fp 0) */
    stack[8] = base + 20 * sizeof(uintptr_t);
    stack[9] = 0x401111;
    stack[20] = base + 40 * sizeof(uintptr_t);
    stack[21] = 0x402222;
    stack[40] = 0;
    stack[41] = 0x403333;
    uintptr_t pcs[16];
    int trunc;
    size_t n = fkp_unwind_regs(0x400000, base + 8 * sizeof(uintptr_t), base, base + sizeof stack,
                               pcs, 16, &trunc);
    assert_int_equal(n, 4);
    assert_int_equal(pcs[0], 0x400000);
    assert_int_equal(pcs[1], 0x401111);
    assert_int_equal(pcs[2], 0x402222);
    assert_int_equal(pcs[3], 0x403333);
    assert_int_equal(trunc, 0);
    /* depth limit */
    n = fkp_unwind_regs(0x400000, base + 8 * sizeof(uintptr_t), base, base + sizeof stack, pcs, 2,
                        &trunc);
    assert_int_equal(n, 2);
    assert_int_equal(trunc, 1);
}

static void walk_bounds(void **state)
{
    (void)state;
    uintptr_t stack[64] = {0};
    uintptr_t base = (uintptr_t)stack, hi = base + sizeof stack;
    uintptr_t pcs[16];
    int trunc;
    /* fp below sp: not read */
    size_t n = fkp_unwind_regs(0x400000, base, base + 8, hi, pcs, 16, &trunc);
    assert_int_equal(n, 1);
    assert_int_equal(trunc, 1);
    /* fp at the very top: the record would cross hi */
    n = fkp_unwind_regs(0x400000, hi - sizeof(uintptr_t), base, hi, pcs, 16, &trunc);
    assert_int_equal(n, 1);
    assert_int_equal(trunc, 1);
    /* misaligned fp */
    n = fkp_unwind_regs(0x400000, base + 3, base, hi, pcs, 16, &trunc);
    assert_int_equal(n, 1);
    assert_int_equal(trunc, 1);
    /* a chain that points back down (a loop) stops */
    stack[10] = base + 4 * sizeof(uintptr_t);
    stack[11] = 0x401111;
    n = fkp_unwind_regs(0x400000, base + 10 * sizeof(uintptr_t), base, hi, pcs, 16, &trunc);
    assert_int_equal(n, 2);
    assert_int_equal(trunc, 1);
    /* a chain leaving the stack upwards stops before reading it */
    stack[10] = hi + 4096;
    n = fkp_unwind_regs(0x400000, base + 10 * sizeof(uintptr_t), base, hi, pcs, 16, &trunc);
    assert_int_equal(n, 2);
    assert_int_equal(trunc, 1);
    /* unknown stack: only the leaf */
    n = fkp_unwind_regs(0x400000, base + 10 * sizeof(uintptr_t), base, 0, pcs, 16, &trunc);
    assert_int_equal(n, 1);
}

/* ---- aggregation -------------------------------------------------------- */

static void agg_merges(void **state)
{
    (void)state;
    fkp_agg a;
    memset(&a, 0, sizeof a);
    uintptr_t s1[3] = {1, 2, 3}, s2[3] = {1, 2, 4}, s3[2] = {1, 2};
    assert_int_equal(fkp_agg_add(&a, s1, 3, 1), 0);
    assert_int_equal(fkp_agg_add(&a, s2, 3, 2), 0);
    assert_int_equal(fkp_agg_add(&a, s1, 3, 5), 0);
    assert_int_equal(fkp_agg_add(&a, s3, 2, 1), 0);
    assert_int_equal(a.nstacks, 3);
    assert_int_equal(a.stacks[0].weight, 6);
    assert_int_equal(a.stacks[1].weight, 2);
    /* growth keeps every stack findable */
    for (uintptr_t i = 0; i < 5000; i++) {
        uintptr_t s[2] = {i, i * 7};
        assert_int_equal(fkp_agg_add(&a, s, 2, 1), 0);
        assert_int_equal(fkp_agg_add(&a, s, 2, 1), 0);
    }
    assert_int_equal(a.nstacks, 5003);
    for (size_t i = 3; i < a.nstacks; i++)
        assert_int_equal(a.stacks[i].weight, 2);
    fkp_agg_free(&a);
}

/* ---- sessions ----------------------------------------------------------- */

static volatile uint64_t sink;

__attribute__((noinline)) void unit_burn(double seconds);
__attribute__((noinline)) void unit_burn(double seconds)
{
    /* CPU time, not wall time: the samples a test expects do not depend on
     * how busy the machine is. */
    struct timespec t0, t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    uint64_t x = sink;
    do {
        for (int i = 0; i < 100000; i++) {
            x = x * 6364136223846793005ull + 1;
            __asm__ volatile("" : "+r"(x));
        }
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    } while ((double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
    sink = x;
}

static void foreign_handler(int sig)
{
    (void)sig;
}

static void refuses_foreign_handler(void **state)
{
    (void)state;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = foreign_handler;
    sigaction(SIGPROF, &sa, &old);
    int err = fkp_session_begin(NULL);
    sigaction(SIGPROF, &old, NULL);
    assert_int_equal(err, FK_EINVAL);
    assert_non_null(strstr(fk_prof_error_last()->message, "SIGPROF"));
    assert_int_equal(fk_prof_running(), 0);
}

static void bad_options(void **state)
{
    (void)state;
    fk_prof_options o = FK_PROF_OPTIONS_INIT;
    o.hz = 0;
    assert_int_equal(fkp_session_begin(&o), FK_EINVAL);
    o.hz = 1001;
    assert_int_equal(fkp_session_begin(&o), FK_EINVAL);
    o.hz = 100;
    o.version = 99;
    assert_int_equal(fkp_session_begin(&o), FK_EINVAL);
    o.version = FK_PROF_OPTIONS_VERSION;
    o.unwind = 7;
    assert_int_equal(fkp_session_begin(&o), FK_EINVAL);
    assert_non_null(strstr(fk_prof_error_last()->message, "unwinder"));
    assert_int_equal(fk_prof_running(), 0);
    /* a version 1 struct ends after hz: unwind is not read */
    fk_prof_options v1 = {1, 200, 12345}, out;
    assert_int_equal(fkp_options_read(&out, &v1), 0);
    assert_int_equal(out.hz, 200);
    assert_int_equal(out.unwind, FK_PROF_UNWIND_FP);
    assert_int_equal(fk_prof_stop(), FK_EINVAL);
    assert_int_equal(fk_prof_start(NULL, NULL), FK_EINVAL);
}

static void one_at_a_time(void **state)
{
    (void)state;
    assert_int_equal(fkp_session_begin(NULL), 0);
    assert_int_equal(fk_prof_running(), 1);
    assert_int_equal(fkp_session_begin(NULL), FK_EBUSY);
    assert_string_equal(fk_prof_error_last()->message, "cpu profiling already in use");
    unsigned char *b;
    size_t len;
    assert_int_equal(fk_prof_collect(&b, &len, 0.1, NULL), FK_EBUSY);
    fkp_result r;
    assert_int_equal(fkp_session_end(&r), 0);
    fkp_agg_free(&r.agg);
    assert_int_equal(fk_prof_running(), 0);
    assert_int_equal(fkp_session_end(&r), FK_EINVAL);
}

/* gunzip into a malloc'd buffer */
static unsigned char *gunzip(const unsigned char *in, size_t len, size_t *out_len)
{
    size_t cap = 1 << 20;
    unsigned char *out = malloc(cap);
    z_stream z;
    memset(&z, 0, sizeof z);
    inflateInit2(&z, 16 + MAX_WBITS);
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)len;
    for (;;) {
        z.next_out = out + z.total_out;
        z.avail_out = (uInt)(cap - z.total_out);
        int rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
            break;
        assert_true(rc == Z_OK || rc == Z_BUF_ERROR);
        if (z.avail_out == 0) {
            cap *= 2;
            out = realloc(out, cap);
        }
    }
    *out_len = z.total_out;
    inflateEnd(&z);
    return out;
}

/* Weight of the samples whose stack names `fn` anywhere. */
static int64_t weight_of(const fk_pprof *pp, const char *fn, int64_t *total)
{
    int64_t w = 0;
    *total = 0;
    for (size_t i = 0; i < pp->msg->n_sample; i++) {
        const fk_pprof_sample *s = pp->msg->sample[i];
        *total += s->value[0];
        int hit = 0;
        for (size_t k = 0; k < s->n_location_id && !hit; k++) {
            const fk_pprof_location *l = fk_pprof_location_by_id(pp, s->location_id[k]);
            for (size_t j = 0; l && j < l->n_line && !hit; j++) {
                const fk_pprof_function *f = fk_pprof_function_by_id(pp, l->line[j]->function_id);
                fkx_str name = fk_pprof_string(pp, f->name);
                hit = name.len == strlen(fn) && memcmp(name.ptr, fn, name.len) == 0;
            }
        }
        if (hit)
            w += s->value[0];
    }
    return w;
}

__attribute__((noinline)) static void profile_with(int unwind)
{
    fk_prof_options o = FK_PROF_OPTIONS_INIT;
    o.hz = 250;
    o.unwind = unwind;
    assert_int_equal(fkp_session_begin(&o), 0);
    unit_burn(0.6);
    fkp_result r;
    assert_int_equal(fkp_session_end(&r), 0);
    unsigned char *gz;
    size_t gz_len;
    fkp_export_lock();
    assert_int_equal(fkp_export_pprof(&r, FKP_KIND_CPU, &gz, &gz_len), 0);
    fkp_export_unlock();
    fkp_agg_free(&r.agg);
    size_t len;
    unsigned char *raw = gunzip(gz, gz_len, &len);
    fk_pprof *pp;
    assert_int_equal(fk_pprof_decode(&pp, raw, len, "self"), 0);
    assert_int_equal(pp->msg->n_sample_type, 2);
    fkx_str t0 = fk_pprof_string(pp, pp->msg->sample_type[0]->type);
    fkx_str u1 = fk_pprof_string(pp, pp->msg->sample_type[1]->unit);
    assert_true(t0.len == 7 && memcmp(t0.ptr, "samples", 7) == 0);
    assert_true(u1.len == 11 && memcmp(u1.ptr, "nanoseconds", 11) == 0);
    assert_int_equal(pp->msg->period, 4000000);
    assert_true(pp->msg->n_mapping > 0);
    int64_t total;
    int64_t w = weight_of(pp, "unit_burn", &total);
    /* 0.6 s of CPU at 250 Hz is about 150 samples; most are in unit_burn
     * (the rest: the clock calls it makes). */
    assert_true(total >= 50);
    assert_true(w * 10 >= total * 8);
    /* the callers of unit_burn are on the stack too */
    assert_true(weight_of(pp, "profile_with", &total) * 10 >= w * 9);
    /* libunwind goes on through cmocka (no frame pointers) to main */
    if (unwind == FK_PROF_UNWIND_LIBUNWIND)
        assert_true(weight_of(pp, "main", &total) * 10 >= w * 9);
    fk_pprof_free(pp);
    free(raw);
    free(gz);
}

static void profile_of_self(void **state)
{
    (void)state;
    profile_with(FK_PROF_UNWIND_FP);
}

/* The libunwind walk in this process, when this build and machine have
 * libunwind (else the start must say why, and the test is skipped). */
static void profile_of_self_libunwind(void **state)
{
    (void)state;
    if (fkp_libunwind_load() < 0) {
        assert_int_equal(fk_prof_error_last()->code, FK_ENOTFOUND);
        fk_prof_options o = FK_PROF_OPTIONS_INIT;
        o.unwind = FK_PROF_UNWIND_LIBUNWIND;
        assert_int_equal(fkp_session_begin(&o), FK_ENOTFOUND);
        assert_int_equal(fk_prof_running(), 0);
        skip();
    }
    profile_with(FK_PROF_UNWIND_LIBUNWIND);
}

static void start_stop_file(void **state)
{
    (void)state;
    char path[] = "/tmp/fk-prof-unit-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(fk_prof_start(path, NULL), 0);
    unit_burn(0.2);
    assert_int_equal(fk_prof_stop(), 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char head[2];
    assert_int_equal(fread(head, 1, 2, f), 2);
    assert_int_equal(head[0], 0x1f); /* gzip */
    assert_int_equal(head[1], 0x8b);
    fclose(f);
    unlink(path);
    fk_prof_stats st;
    fk_prof_stats_get(&st);
    assert_true(st.samples > 0);
    assert_true(st.handler_ns > 0);
}

static void snapshot_threads(void **state)
{
    (void)state;
    fkp_result r;
    assert_int_equal(fkp_snapshot(&r), 0);
    /* this thread at least */
    assert_true(r.agg.nstacks >= 1);
    fkp_export_lock();
    char *text;
    size_t len;
    assert_int_equal(fkp_export_text(&r, &text, &len), 0);
    fkp_export_unlock();
    assert_non_null(strstr(text, "threads profile: total "));
    assert_non_null(strstr(text, "snapshot_threads"));
    free(text);
    fkp_agg_free(&r.agg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(walk_good_chain), cmocka_unit_test(walk_bounds),
        cmocka_unit_test(agg_merges),      cmocka_unit_test(refuses_foreign_handler),
        cmocka_unit_test(bad_options),     cmocka_unit_test(one_at_a_time),
        cmocka_unit_test(profile_of_self), cmocka_unit_test(profile_of_self_libunwind),
        cmocka_unit_test(start_stop_file), cmocka_unit_test(snapshot_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
