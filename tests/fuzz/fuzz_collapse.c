/*
 * fuzz_collapse.c - any bytes through format detection and the perf script /
 * folded readers, then the folded writer, as `flamekit collapse` runs them.
 * The first byte picks the options so every reader path is reached.
 *
 * perf input is read twice: as `collapse` does, with the frame-line cache
 * keyed by the text after each address, and with whole-line keys, which
 * cannot be fooled by an odd address. The two profiles must be the same
 * (see key_rest in src/formats/perf.c); a difference aborts.
 */
#include "formats/formats.h"
#include "util/output.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read data into p with the options; the reader's result. */
static int read_into(fk_profile *p, const fk_read_opts *ro, int strict, const uint8_t *data,
                     size_t size)
{
    fk_diag diag;
    memset(&diag, 0, sizeof diag);
    diag.strict = strict;
    memset(p, 0, sizeof *p);
    if (fk_profile_init(p) != 0)
        return -1;
    fk_reader r;
    fkx_input in;
    int err = fk_reader_init(&r, p, ro, &diag);
    if (err == 0) {
        fkx_input_open_memory(&in, data, size, "<fuzz>");
        err = fk_reader_read_input(&r, &in);
        fkx_input_close(&in);
    }
    fk_reader_free(&r);
    return err;
}

/* Same stacks in the same order, with the same frame names and values. */
static int same_profiles(const fk_profile *a, const fk_profile *b)
{
    if (a->nstacks != b->nstacks)
        return 0;
    for (size_t i = 0; i < a->nstacks; i++) {
        size_t da, db;
        const uint32_t *fa = fk_profile_stack(a, i, &da), *fb = fk_profile_stack(b, i, &db);
        if (da != db || fk_profile_values(a, i)[0] != fk_profile_values(b, i)[0])
            return 0;
        for (size_t k = 0; k < da; k++) {
            fkx_str x = fk_profile_string(a, fa[k]), y = fk_profile_string(b, fb[k]);
            if (x.len != y.len || memcmp(x.ptr, y.ptr, x.len) != 0)
                return 0;
        }
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t flags = data[0];
    data++;
    size--;
    fk_read_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.format = (fk_format)(flags % 3);
    ro.perf.include_pid = (flags >> 2) & 1;
    ro.perf.include_tid = (flags >> 3) & 1;
    ro.perf.annotate_kernel = (flags >> 4) & 1;
    ro.perf.annotate_jit = (flags >> 5) & 1;
    ro.perf.include_addrs = (flags >> 6) & 1;
    int strict = (flags >> 7) & 1;

    fk_profile p;
    int err = read_into(&p, &ro, strict, data, size);
    if (ro.format != FK_FORMAT_FOLDED) {
        fk_profile q;
        ro.perf.whole_line_keys = 1;
        int err2 = read_into(&q, &ro, strict, data, size);
        if ((err == 0) != (err2 == 0) || (err == 0 && !same_profiles(&p, &q)))
            abort();
        fk_profile_free(&q);
    }
    if (err == 0) {
        fkx_output out;
        if (fkx_output_open(&out, "/dev/null") == 0) {
            if (fk_folded_write(&p, 0, &out) == 0)
                fkx_output_commit(&out);
            else
                fkx_output_abort(&out);
        }
    }
    fk_profile_free(&p);
    return 0;
}
