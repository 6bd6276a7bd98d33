/*
 * gen-profile.c - write a large synthetic CPU profile in pprof format for
 * bench/pprof/run.sh, with flamekit's own writer.
 *
 *   gen-profile OUT.pb.gz TARGET_MB [SEED]
 *
 * The shape imitates the real Go server profiles of the shared corpus: a
 * call tree where each function calls one of ~16 others with a skewed
 * choice, stacks 3-60 frames deep (about 10 on average; the corpus' CPU
 * profiles average 8), 20k distinct function names of Go-like length (about
 * 24 bytes, as in the corpus), two values per sample (samples/count,
 * cpu/nanoseconds, period 10ms). Distinct stacks are added until the
 * uncompressed protobuf reaches about TARGET_MB megabytes (the size is
 * measured, not estimated); the file is gzip'd as Go serves it.
 * Deterministic for a given seed.
 */
#include "formats/pprof.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Skewed choice in [0, n): small values much more likely. */
static uint32_t skewed(uint32_t n)
{
    double u = (double)(rng() >> 11) / 9007199254740992.0;
    return (uint32_t)((double)n * u * u * u);
}

#define NFUNCS 20000

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gen-profile OUT.pb.gz TARGET_MB [SEED]\n");
        return 2;
    }
    double target = atof(argv[2]) * 1e6;
    rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) | 1 : 88172645463325252ull;
    fk_profile p;
    if (fk_profile_init(&p) < 0 || fk_profile_add_type(&p, "samples", "count", NULL) < 0 ||
        fk_profile_add_type(&p, "cpu", "nanoseconds", NULL) < 0)
        return 1;
    p.default_type = 1;
    static uint32_t names[NFUNCS];
    static const char *pkgs[] = {"net/http",      "runtime", "encoding/json",
                                 "main",          "bufio",   "github.com/acme/api",
                                 "database/sql",  "sync",    "net",
                                 "internal/poll", "syscall", "context"};
    for (uint32_t i = 0; i < NFUNCS; i++) {
        char name[160];
        int n = i % 3 ? snprintf(name, sizeof name, "%s.(*T%u).M%u", pkgs[i % 12], i / 50, i % 50)
                      : snprintf(name, sizeof name, "%s.func%u", pkgs[i % 12], i);
        if (fk_profile_intern(&p, &names[i], name, (size_t)n) < 0)
            return 1;
    }
    uint32_t stack[64];
    fk_pprof_meta meta = {1700000000000000000, 30000000000, 10000000, "cpu", "nanoseconds"};
    fk_pprof *pp = NULL;
    for (;;) {
        for (size_t k = 0; k < 400000; k++) {
            uint32_t depth = 3 + skewed(28) + (rng() % 32 == 0 ? skewed(30) : 0);
            uint32_t at = skewed(8);
            for (uint32_t d = 0; d < depth; d++) {
                stack[d] = names[at];
                at = (uint32_t)((at * 2654435761u + 97 * skewed(16) + d) % NFUNCS);
            }
            double count = (double)(1 + skewed(50));
            double v[2] = {count, count * 10000000.0};
            if (fk_profile_add(&p, stack, depth, v, NULL) < 0)
                return 1;
        }
        /* measure: encode and look at the size */
        fk_pprof_free(pp);
        unsigned char *bytes;
        size_t len;
        if (fk_pprof_from_profile(&pp, &p, &meta) < 0 || fk_pprof_encode(pp, &bytes, &len, 0) < 0)
            return 1;
        fkx_free(bytes);
        if ((double)len >= target)
            break;
    }
    fkx_output out;
    if (fkx_output_open(&out, argv[1]) < 0 || fk_pprof_write(pp, &out, 1) < 0 ||
        fkx_output_commit(&out) < 0) {
        fprintf(stderr, "gen-profile: %s\n", fk_error_last()->message);
        return 1;
    }
    fprintf(stderr, "gen-profile: %zu stacks, %zu frames\n", p.nstacks, p.nframes);
    fk_pprof_free(pp);
    fk_profile_free(&p);
    return 0;
}
