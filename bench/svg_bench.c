/*
 * svg_bench.c - time each phase of `flamekit svg` on one folded file:
 * read (parse + intern + merge), trie build, layout + SVG render, write.
 * Built and run by bench/svg.sh; prints one line per phase (best of N runs),
 * then peak RSS, output bytes and the SVG's element count.
 */
#include "formats/formats.h"
#include "profile/trie.h"
#include "render/flamegraph.h"
#include "util/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: svg_bench FOLDED OUT.svg [RUNS]\n");
        return 2;
    }
    int runs = argc > 3 ? atoi(argv[3]) : 5;
    double best[5] = {1e9, 1e9, 1e9, 1e9, 1e9};
    fk_svg_stats stats;
    size_t bytes = 0;
    for (int r = 0; r < runs; r++) {
        fk_profile p;
        fk_reader rd;
        fk_diag diag;
        fk_read_opts ro;
        fk_trie t;
        memset(&diag, 0, sizeof diag);
        memset(&ro, 0, sizeof ro);
        fk_svg_opts so = FK_SVG_OPTS_INIT;
        fkx_buf out = FKX_BUF_INIT((size_t)1 << 40);
        fkx_output o;
        double t0 = now();
        if (fk_profile_init(&p) < 0 || fk_reader_init(&rd, &p, &ro, &diag) < 0 ||
            fk_reader_read_path(&rd, argv[1]) < 0)
            return 1;
        double t1 = now();
        if (fk_trie_build(&t, &p) < 0)
            return 1;
        double t2 = now();
        if (fk_svg_render(&out, &t, p.default_type, &so, &stats) < 0)
            return 1;
        double t3 = now();
        if (fkx_output_open(&o, argv[2]) < 0 || fkx_output_write(&o, out.ptr, out.len) < 0 ||
            fkx_output_commit(&o) < 0)
            return 1;
        double t4 = now();
        double ph[5] = {t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0};
        for (int k = 0; k < 5; k++)
            if (ph[k] < best[k])
                best[k] = ph[k];
        bytes = out.len;
        fkx_buf_free(&out);
        fk_trie_free(&t);
        fk_reader_free(&rd);
        fk_profile_free(&p);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("phase read     %.4f s\nphase trie     %.4f s\nphase render   %.4f s\n"
           "phase write    %.4f s\ntotal          %.4f s (best of %d)\n",
           best[0], best[1], best[2], best[3], best[4], runs);
    printf("peak RSS       %ld KB\noutput bytes   %zu\nelements       %zu (%zu frames, %zu "
           "pruned)\n",
           ru.ru_maxrss, bytes, stats.elements, stats.frames, stats.pruned);
    return 0;
}
