/*
 * test_perf.c - the perf script reader, rule by rule: headers (PID/TID
 * forms, comm names with spaces, event filtering, period weighting), frame
 * lines (offsets, [unknown], inline chains, annotations, Java), our
 * deliberate differences from stackcollapse-perf.pl (see docs/collapse.md),
 * and bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "formats/formats.h"
#include "util/error.h"
#include "util/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static fk_diag last_diag;

/* Collapse `text` with `opts`; returns the folded output (caller frees) or
 * NULL if reading failed (the error is in fk_error_last()). */
static char *collapse(const char *text, const fk_perf_opts *opts, int strict)
{
    char in_path[] = "/tmp/fk-test-perf-in-XXXXXX";
    char out_path[] = "/tmp/fk-test-perf-out-XXXXXX";
    int fd = mkstemp(in_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    fd = mkstemp(out_path);
    close(fd);

    fk_read_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.format = FK_FORMAT_PERF;
    if (opts)
        ro.perf = *opts;
    memset(&last_diag, 0, sizeof last_diag);
    last_diag.strict = strict;
    fk_profile p;
    assert_int_equal(fk_profile_init(&p), 0);
    fk_reader r;
    assert_int_equal(fk_reader_init(&r, &p, &ro, &last_diag), 0);
    char *result = NULL;
    if (fk_reader_read_path(&r, in_path) == 0) {
        fkx_output o;
        assert_int_equal(fkx_output_open(&o, out_path), 0);
        assert_int_equal(fk_folded_write(&p, 0, &o), 0);
        assert_int_equal(fkx_output_commit(&o), 0);
        FILE *f = fopen(out_path, "r");
        result = calloc(1, 1 << 20);
        size_t n = fread(result, 1, (1 << 20) - 1, f);
        result[n] = '\0';
        fclose(f);
    }
    fk_reader_free(&r);
    fk_profile_free(&p);
    unlink(in_path);
    unlink(out_path);
    return result;
}

static void expect(const char *text, const fk_perf_opts *opts, const char *want)
{
    char *got = collapse(text, opts, 0);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void basic_and_final_sample_without_blank_line(void **state)
{
    (void)state;
    expect("# comment\n"
           "prog 123 [000] 1.000: cpu-clock: \n"
           "\t  400577 leaf (/bin/prog)\n"
           "\t  4005b1 main (/bin/prog)\n"
           "\n"
           "prog 123 [000] 1.001: cpu-clock: \n"
           "\t  400577 leaf (/bin/prog)\n"
           "\t  4005b1 main (/bin/prog)",
           NULL, "prog;main;leaf 2\n");
}

static void period_weights_and_sum(void **state)
{
    (void)state;
    expect("dd 29776 666709.771979:   10101010 cpu-clock: \n"
           "\tffffffff8103ce3b native_safe_halt ([kernel.kallsyms])\n"
           "\n"
           "dd 29776 666709.782078:   20 cpu-clock: \n"
           "\tffffffff8103ce3b native_safe_halt ([kernel.kallsyms])\n"
           "\n"
           "dd 29776 666709.792207:   0 cpu-clock: \n" /* 0 counts as 1, never lost */
           "\tffffffff8103ce3b other ([kernel.kallsyms])\n",
           NULL, "dd;native_safe_halt 10101030\ndd;other 1\n");
}

static void pid_tid_forms(void **state)
{
    (void)state;
    const char *text = "V8 WorkerThread 24636/25607 [000] 94564.109216: cycles:\n"
                       "\t 7f00 f (/x)\n\n"
                       "java 12688 [002] 6544038.708352: cycles:\n"
                       "\t 7f00 f (/x)\n\n"
                       "swapper     0/0 [001] 1.0: cycles:\n"
                       "\t 7f00 f (/x)\n\n";
    fk_perf_opts o = {0};
    expect(text, &o, "V8_WorkerThread;f 1\njava;f 1\nswapper;f 1\n");
    o.include_pid = 1;
    expect(text, &o, "V8_WorkerThread-24636;f 1\njava-?;f 1\nswapper-?;f 1\n");
    o.include_tid = 1;
    expect(text, &o, "V8_WorkerThread-24636/25607;f 1\njava-?/12688;f 1\nswapper-?/0;f 1\n");
}

static void event_filter_default_and_explicit(void **state)
{
    (void)state;
    const char *text = "a 1 [000] 1.0: cycles: \n\t 10 f (/x)\n\n"
                       "a 1 [000] 1.1: instructions: \n\t 10 g (/x)\n\n"
                       "a 1 [000] 1.2: cycles: \n\t 10 f (/x)\n\n"
                       "a 1 [000] 1.3: 7 cycles:u: \n\t 10 h (/x)\n\n";
    fk_perf_opts o = {0};
    expect(text, &o, "a;f 2\n");
    assert_int_equal(last_diag.nnotes, 1);
    assert_non_null(strstr(last_diag.notes[0], "kept only 'cycles'"));
    o.event_filter = "instructions";
    expect(text, &o, "a;g 1\n");
    assert_int_equal(last_diag.nnotes, 0);
    o.event_filter = "cycles:u";
    expect(text, &o, "a;h 7\n");
}

static void frame_names(void **state)
{
    (void)state;
    fk_perf_opts o = {0};
    expect("p 1 1.0: cycles:\n"
           "\t 1 inlined_leaf->caller_inline+0x1f (/bin/p)\n"
           "\t 2 with_offset+0x800047c022ec ([kernel.kallsyms])\n"
           "\t 3 [unknown] (/usr/lib/libc.so.6)\n"
           "\t 4 [unknown] ([unknown])\n"
           "\t 5 semi;colon\"quoted'(int, char) (/bin/p)\n"
           "\t 6 java_ish (/tmp/perf-1234.map)\n"
           "\n",
           &o,
           "p;java_ish;semi:colonquoted;[unknown];[libc.so.6];with_offset;inlined_leaf;"
           "caller_inline_[i] 1\n");
    o.annotate_kernel = o.annotate_jit = o.include_addrs = 1;
    expect("p 1 1.0: cycles:\n"
           "\t 2 kfunc ([kernel.kallsyms])\n"
           "\t 3 [unknown] (/usr/lib/libc.so.6)\n"
           "\t 4 vm (/boot/vmlinux)\n"
           "\t 5 jitted (/tmp/perf-1234.map)\n"
           "\t 6 jitted2 (/home/jitted-12-34.so)\n"
           "\t 7 plain (/bin/p)\n"
           "\n",
           &o, "p;plain;jitted2_[j];jitted_[j];vm_[k];[libc.so.6 <3>];kfunc_[k] 1\n");
}

static void java_frames_lose_their_L(void **state)
{
    (void)state;
    const char *text = "java 3244 cpu-clock:\n"
                       "\t 7f Lorg/mozilla/Foo;.call(Lorg/Bar;)V (/tmp/perf-1.map)\n"
                       "\t 7e LNoSlash;.x (/tmp/perf-1.map)\n\n"
                       "notjava 3245 cpu-clock:\n"
                       "\t 7f Lorg/mozilla/Foo;.call(Lorg/Bar;)V (/tmp/perf-1.map)\n\n";
    fk_perf_opts o = {0};
    expect(text, &o,
           "java;LNoSlash:.x;org/mozilla/Foo:.call 1\nnotjava;Lorg/mozilla/Foo:.call 1\n");
    o.include_pid = 1;
    expect(text, &o,
           "java-?;LNoSlash:.x;org/mozilla/Foo:.call 1\nnotjava-?;Lorg/mozilla/Foo:.call 1\n");
}

/* Where flamekit deliberately differs from stackcollapse-perf.pl. */
static void names_kept_whole(void **state)
{
    (void)state;
    fk_perf_opts o = {0};
    expect("p 1 1.0: cycles:\n"
           "\t 1 <F as core::ops::function::FnOnce<(&T,)>>::call_once (/bin/p)\n"
           "\t 2 (anonymous namespace)::helper(int) (/bin/p)\n"
           "\t 3 std::unique_ptr<W>::operator->() const (/bin/p)\n"
           "\t 4 std::function<void (int)>::operator()(int) const (/bin/p)\n"
           "\t 5 net/http.(*Client).Do (/bin/p)\n"
           "\t 6 a::operator<(a const&) (/bin/p)\n"
           "\n",
           &o,
           "p;a::operator<;net/http.(*Client).Do;std::function<void (int)>::operator();"
           "std::unique_ptr<W>::operator->;(anonymous namespace)::helper;"
           "<F as core::ops::function::FnOnce<(&T,)>>::call_once 1\n");
}

static void crlf_and_odd_lines(void **state)
{
    (void)state;
    fk_perf_opts o = {0};
    expect("p 1 1.0: cycles:\r\n\t 1 f (/bin/p)\r\n\r\np 1 1.1: cycles:\r\n\t 1 f (/bin/p)\r\n", &o,
           "p;f 2\n");
    /* an address with no symbol: Perl's regex makes the frame a single space */
    expect("java  3278 cpu-clock: \n\t    7f1e2215d058  (/lib/libc-2.15.so)\n\n", &o, "java;  1\n");
}

static void unrecognized_lines_are_counted_once(void **state)
{
    (void)state;
    const char *text = "p 1 1.0: cycles:\n"
                       "\t 1 f (/bin/p)\n"
                       "\t this is not a frame\n"
                       "\t neither is this\n"
                       "\n";
    char *got = collapse(text, NULL, 0);
    assert_string_equal(got, "p;f 1\n");
    free(got);
    assert_int_equal(last_diag.n, 1);
    assert_int_equal(last_diag.entries[0].count, 2);
    assert_non_null(strstr(last_diag.entries[0].where, ":3"));
    assert_string_equal(last_diag.entries[0].text, "this is not a frame");
    /* strict: the first one is fatal, with file:line */
    assert_null(collapse(text, NULL, 1));
    assert_int_equal(fk_error_last()->code, FK_EFORMAT);
    assert_non_null(strstr(fk_error_last()->message, ":3: unrecognized line"));
}

/* The frame-line cache is keyed by the text after the address. Lines whose
 * split depends on the address (Perl's regex backtracks into it) or that
 * have no plain address must still come out as stackcollapse-perf.pl has
 * them; the expected frames are what its regex gives. */
static void lines_keyed_after_the_address(void **state)
{
    (void)state;
    const char *text = "p 1 1.0: cycles:\n\t  abc (mod)\n\n"       /* pc ab, symbol c */
                       "p 1 1.0: cycles:\n\t  abd (mod)\n\n"       /* same key, symbol d */
                       "p 1 1.0: cycles:\n\t  abc (mod)\n\n"       /* cached the whole-line way */
                       "p 1 1.0: cycles:\n\t  ff-ff foo (mod)\n\n" /* symbol "-ff foo" */
                       "p 1 1.0: cycles:\n\t 0123456789abcdef01 foo (mod)\n\n" /* 18 digits */
                       "p 1 1.0: cycles:\n\t  1234  foo (mod)\n\n"             /* two blanks */
                       "p 1 1.0: cycles:\n\t  12 (x) (mod)\n\n" /* symbol "(x)": dropped */
                       "p 1 1.0: cycles:\n\t  5678 foo (mod)\n\t  9abc foo (mod)\n\n";
    fk_perf_opts o = {0};
    const char *want = "p 1\np;-ff foo 1\np;c 2\np;d 1\np;foo 2\np;foo;foo 1\n";
    expect(text, &o, want);
    o.whole_line_keys = 1;
    expect(text, &o, want);
    /* under --addrs an [unknown] frame depends on its address */
    fk_perf_opts a = {.include_addrs = 1};
    expect("p 1 1.0: cycles:\n\t 10 [unknown] (/bin/p)\n\t 20 [unknown] (/bin/p)\n\n", &a,
           "p;[p <20>];[p <10>] 1\n");
}

/* Consecutive headers of one thread reuse what the previous header gave
 * when their ends match too; a changed period or event must still count. */
static void headers_of_one_thread(void **state)
{
    (void)state;
    expect("p 1 1.0:  10 cycles:\n\t 1 f (m)\n\n"
           "p 1 2.0:  10 cycles:\n\t 1 f (m)\n\n"       /* the same tail */
           "p 1 3.0:  20 instructions:\n\t 1 g (m)\n\n" /* another event: dropped */
           "p 1 3.5:  20 instructions:\n\t 1 g (m)\n\n" /* cached as dropped */
           "p 1 4.0:  30 cycles:\n\t 1 h (m)\n\n"       /* another period */
           "p 2 5.0:  30 cycles:\n\t 1 h (m)\n\n",      /* another thread */
           NULL, "p;f 20\np;h 60\n");
    fk_perf_opts o = {.include_tid = 1};
    expect("p 7/1 1.0:  10 cycles:\n\t 1 f (m)\n\np 7/2 2.0:  10 cycles:\n\t 1 f (m)\n\n", &o,
           "p-7/1;f 10\np-7/2;f 10\n");
}

static void deep_stack(void **state)
{
    (void)state;
    size_t cap = 10000 * 40 + 100;
    char *text = malloc(cap);
    size_t n = (size_t)sprintf(text, "deep 1 1.0: cycles:\n");
    for (int i = 9999; i >= 0; i--)
        n += (size_t)sprintf(text + n, "\t %x f%d (/bin/deep)\n", i + 16, i);
    char *got = collapse(text, NULL, 0);
    assert_non_null(got);
    /* deep;f0;f1;...;f9999 1 */
    assert_memory_equal(got, "deep;f0;f1;f2;", 14);
    assert_non_null(strstr(got, ";f9998;f9999 1\n"));
    size_t semis = 0;
    for (char *c = got; *c; c++)
        semis += *c == ';';
    assert_int_equal(semis, 10000);
    free(got);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(basic_and_final_sample_without_blank_line),
        cmocka_unit_test(period_weights_and_sum),
        cmocka_unit_test(pid_tid_forms),
        cmocka_unit_test(event_filter_default_and_explicit),
        cmocka_unit_test(frame_names),
        cmocka_unit_test(java_frames_lose_their_L),
        cmocka_unit_test(names_kept_whole),
        cmocka_unit_test(crlf_and_odd_lines),
        cmocka_unit_test(unrecognized_lines_are_counted_once),
        cmocka_unit_test(lines_keyed_after_the_address),
        cmocka_unit_test(headers_of_one_thread),
        cmocka_unit_test(deep_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
