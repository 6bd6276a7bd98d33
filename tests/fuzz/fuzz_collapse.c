/*
 * fuzz_collapse.c - any bytes through format detection and the perf script /
 * folded readers, then the folded writer, as `flamekit collapse` runs them.
 * The first byte picks the options so every reader path is reached.
 */
#include "formats/formats.h"
#include "util/output.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    fk_diag diag;
    memset(&diag, 0, sizeof diag);
    diag.strict = (flags >> 7) & 1;

    fk_profile p;
    if (fk_profile_init(&p) != 0)
        return 0;
    fk_reader r;
    fkx_input in;
    int err = fk_reader_init(&r, &p, &ro, &diag);
    if (err == 0) {
        fkx_input_open_memory(&in, data, size, "<fuzz>");
        err = fk_reader_read_input(&r, &in);
        fkx_input_close(&in);
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
    fk_reader_free(&r);
    fk_profile_free(&p);
    return 0;
}
