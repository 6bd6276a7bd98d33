/*
 * fuzz_pprof.c - any bytes through the pprof reader (gzip'd or raw, via the
 * input layer as files are read), then everything that consumes a decoded
 * profile: the model conversion, the -top report in both orders, and the
 * writer, whose output must decode again (an invariant: abort if not).
 */
#include "formats/formats.h"
#include "formats/pprof.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/input.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void consume(const fk_pprof *pp)
{
    fk_profile p;
    if (fk_profile_init(&p) == 0) {
        if (fk_pprof_add_types(pp, &p) == 0)
            fk_pprof_to_profile(pp, &p, 0, NULL);
        fk_profile_free(&p);
    }
    for (int cum = 0; cum < 2; cum++) {
        fk_pprof_top_opts o = FK_PPROF_TOP_OPTS_INIT;
        o.cum = cum;
        o.nodecount = cum ? 0 : 5;
        fk_pprof_top t;
        if (fk_pprof_top_build(&t, pp, &o) == 0) {
            char buf[64];
            for (size_t i = 0; i < t.nrows; i++)
                fk_pprof_top_value(&t, t.rows[i].flat, buf, sizeof buf);
            fk_pprof_top_free(&t);
        }
    }
    unsigned char *bytes;
    size_t len;
    if (fk_pprof_encode(pp, &bytes, &len, 0) == 0) {
        fk_pprof *again = NULL;
        if (fk_pprof_decode(&again, bytes, len, "re-encoded") != 0 &&
            fk_error_last()->code != FK_ENOMEM && fk_error_last()->code != FK_EEMPTY)
            abort(); /* what we write must read back */
        fk_pprof_free(again);
        fkx_free(bytes);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fkx_input in;
    fkx_input_open_memory(&in, data, size, "<fuzz>");
    fk_pprof *pp = NULL;
    if (fk_pprof_load(&pp, &in, NULL, 0) == 0)
        consume(pp);
    fk_pprof_free(pp);
    fkx_input_close(&in);
    return 0;
}
