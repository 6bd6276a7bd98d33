/*
 * cmd_collapse.c - `flamekit collapse`: any supported input -> folded stacks.
 */
#include "cli.h"

#include "formats/formats.h"
#include "util/error.h"
#include "util/output.h"

#include <stdio.h>
#include <string.h>

enum {
    OPT_OUTPUT = 1,
    OPT_FORMAT,
    OPT_PID,
    OPT_TID,
    OPT_KERNEL,
    OPT_JIT,
    OPT_ALL,
    OPT_ADDRS,
    OPT_EVENT,
    OPT_STRICT,
    OPT_QUIET,
    OPT_HELP,
    OPT_SAMPLE_INDEX,
    OPT_INUSE_SPACE,
    OPT_INUSE_OBJECTS,
    OPT_ALLOC_SPACE,
    OPT_ALLOC_OBJECTS,
    OPT_TOTAL_DELAY,
    OPT_CONTENTIONS,
};

static const fk_opt options[] = {
    {"output", 'o', 1, OPT_OUTPUT},
    {"format", 'f', 1, OPT_FORMAT},
    {"pid", 0, 0, OPT_PID},
    {"tid", 0, 0, OPT_TID},
    {"kernel", 0, 0, OPT_KERNEL},
    {"jit", 0, 0, OPT_JIT},
    {"all", 0, 0, OPT_ALL},
    {"addrs", 0, 0, OPT_ADDRS},
    {"event-filter", 0, 1, OPT_EVENT},
    {"strict", 0, 0, OPT_STRICT},
    {"quiet", 'q', 0, OPT_QUIET},
    {"help", 'h', 0, OPT_HELP},
    {"sample-index", 0, 1, OPT_SAMPLE_INDEX},
    {"sample_index", 0, 1, OPT_SAMPLE_INDEX},
    {"inuse_space", 0, 0, OPT_INUSE_SPACE},
    {"inuse_objects", 0, 0, OPT_INUSE_OBJECTS},
    {"alloc_space", 0, 0, OPT_ALLOC_SPACE},
    {"alloc_objects", 0, 0, OPT_ALLOC_OBJECTS},
    {"total_delay", 0, 0, OPT_TOTAL_DELAY},
    {"contentions", 0, 0, OPT_CONTENTIONS},
};

static const char usage_text[] =
    "Usage: flamekit collapse [OPTIONS] [FILE...]\n"
    "\n"
    "Read `perf script` output, folded stacks, pprof profiles or gperftools CPU\n"
    "profiles (plain or gzip; stdin when no FILE or FILE is -) and write folded\n"
    "stacks: one 'root;...;leaf COUNT' line per distinct stack, sorted, merged\n"
    "across all inputs.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE     write to FILE (it appears only when complete)\n"
    "  -f, --format FMT      input format: auto (default), perf, folded, pprof,\n"
    "                        gperftools\n"
    "      --strict          fail on the first unusable input line\n"
    "  -q, --quiet           do not print warnings\n"
    "  -h, --help            show this help\n"
    "\n"
    "perf script input (as stackcollapse-perf.pl):\n"
    "      --pid             process name with PID: comm-PID\n"
    "      --tid             process name with PID and TID: comm-PID/TID\n"
    "      --kernel          mark kernel frames with _[k]\n"
    "      --jit             mark JIT-compiled frames with _[j]\n"
    "      --all             --kernel and --jit\n"
    "      --addrs           show the address of unknown symbols: [module <addr>]\n"
    "      --event-filter=EV keep only samples of event EV (default: the first\n"
    "                        event in the input)\n"
    "\n"
    "pprof input (inlined calls become frames of their own):\n"
    "      --sample-index=I  the value to count: a sample type name (samples,\n"
    "                        cpu, alloc_space, inuse_space, ...) or its index;\n"
    "                        default: the profile's default_sample_type, else\n"
    "                        its last type (as go tool pprof)\n"
    "      --inuse_space --inuse_objects --alloc_space --alloc_objects\n"
    "      --total_delay --contentions\n"
    "                        shorthands for --sample-index=NAME (one or two\n"
    "                        dashes)\n"
    "\n"
    "Counts are weighted by the period column of perf samples when present.\n"
    "Exit status: 0 success, 1 error, 2 bad usage.\n";

static void print_diag(const char *cmd, const fk_diag *d)
{
    for (size_t i = 0; i < d->nnotes; i++)
        fprintf(stderr, "flamekit %s: note: %s\n", cmd, d->notes[i]);
    for (size_t i = 0; i < d->n; i++) {
        const fk_diag_entry *e = &d->entries[i];
        if (e->count > 1)
            fk_cli_warn(cmd, "%s: %s: '%s' (%llu such lines, skipped)", e->where, e->kind, e->text,
                        (unsigned long long)e->count);
        else
            fk_cli_warn(cmd, "%s: %s: '%s' (skipped)", e->where, e->kind, e->text);
    }
    if (d->dropped)
        fk_cli_warn(cmd, "%llu more problem lines of other kinds skipped",
                    (unsigned long long)d->dropped);
}

int fk_cmd_collapse(int argc, char **argv)
{
    const char *cmd = "collapse";
    fk_read_opts ro;
    memset(&ro, 0, sizeof ro);
    fk_diag diag;
    memset(&diag, 0, sizeof diag);
    const char *out_path = NULL;
    int quiet = 0;
    const char **files = NULL;
    size_t nfiles = 0;
    char *stdin_only[] = {"-"};

    fk_opt_parser op;
    fk_opt_init(&op, cmd, argc, argv, options, sizeof options / sizeof options[0]);
    files = (const char **)(void *)argv; /* positional args are compacted in place */
    int id, rc;
    const char *arg;
    while ((rc = fk_opt_next(&op, &id, &arg)) != -1) {
        if (rc == -2)
            return FK_EXIT_USAGE;
        if (rc == 0) {
            files[nfiles++] = arg;
            continue;
        }
        switch (id) {
        case OPT_OUTPUT:
            out_path = arg;
            break;
        case OPT_FORMAT:
            if (fk_format_from_name(&ro.format, arg) < 0) {
                fk_cli_error(cmd, "%s", fk_error_last()->message);
                return FK_EXIT_USAGE;
            }
            break;
        case OPT_PID:
            ro.perf.include_pid = 1;
            break;
        case OPT_TID:
            ro.perf.include_tid = 1;
            break;
        case OPT_KERNEL:
            ro.perf.annotate_kernel = 1;
            break;
        case OPT_JIT:
            ro.perf.annotate_jit = 1;
            break;
        case OPT_ALL:
            ro.perf.annotate_kernel = ro.perf.annotate_jit = 1;
            break;
        case OPT_ADDRS:
            ro.perf.include_addrs = 1;
            break;
        case OPT_EVENT:
            if (arg[0] == '\0') {
                fk_cli_error(cmd, "--event-filter needs an event name");
                return FK_EXIT_USAGE;
            }
            ro.perf.event_filter = arg;
            break;
        case OPT_STRICT:
            diag.strict = 1;
            break;
        case OPT_QUIET:
            quiet = 1;
            break;
        case OPT_HELP:
            fputs(usage_text, stdout);
            return FK_EXIT_OK;
        case OPT_SAMPLE_INDEX:
            ro.pprof.sample_index = arg;
            break;
        case OPT_INUSE_SPACE:
            ro.pprof.sample_index = "inuse_space";
            break;
        case OPT_INUSE_OBJECTS:
            ro.pprof.sample_index = "inuse_objects";
            break;
        case OPT_ALLOC_SPACE:
            ro.pprof.sample_index = "alloc_space";
            break;
        case OPT_ALLOC_OBJECTS:
            ro.pprof.sample_index = "alloc_objects";
            break;
        case OPT_TOTAL_DELAY:
            ro.pprof.sample_index = "delay";
            break;
        case OPT_CONTENTIONS:
            ro.pprof.sample_index = "contentions";
            break;
        }
    }
    if (nfiles == 0) {
        files = (const char **)(void *)stdin_only;
        nfiles = 1;
    }

    fk_profile profile;
    fk_reader reader;
    fkx_output out;
    int err = fk_profile_init(&profile);
    if (err < 0)
        return fk_cli_fail(cmd);
    err = fk_reader_init(&reader, &profile, &ro, &diag);
    for (size_t i = 0; err == 0 && i < nfiles; i++)
        err = fk_reader_read_path(&reader, files[i]);
    if (!quiet || err < 0)
        print_diag(cmd, &diag);
    if (err == 0 && (err = fkx_output_open(&out, out_path)) == 0) {
        fk_cli_guard_output(fkx_output_tmp_path(&out));
        err = fk_folded_write(&profile, profile.default_type, &out);
        if (err == 0)
            err = fkx_output_commit(&out);
        else
            fkx_output_abort(&out);
        fk_cli_guard_output(NULL);
    }
    int status = FK_EXIT_OK;
    if (err < 0)
        status = fk_cli_fail(cmd);
    else if (profile.nstacks == 0 && !quiet)
        fk_cli_warn(cmd, "no stacks found in the input");
    fk_reader_free(&reader);
    fk_profile_free(&profile);
    return status;
}
