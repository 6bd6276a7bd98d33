/*
 * input_opts.c - the shared input options (see input_opts.h).
 */
#include "input_opts.h"

#include "util/error.h"

#include <stdio.h>
#include <string.h>

const char fk_cli_sample_help[] =
    "      --sample-index=I  the value to use: a sample type name (samples, cpu,\n"
    "                        alloc_space, inuse_space, ...) or its index; default:\n"
    "                        the profile's default type, else its last (pprof's rule)\n"
    "      --inuse_space --inuse_objects --alloc_space --alloc_objects\n"
    "      --total_delay --contentions\n"
    "                        shorthands for --sample-index=NAME (one or two dashes)\n";

const char fk_cli_input_help[] =
    "Input (plain or gzip; stdin when no FILE or FILE is -):\n"
    "      --format FMT      auto (default), perf, folded, pprof, gperftools\n"
    "      --strict          fail on the first unusable input line\n"
    "perf script input (as stackcollapse-perf.pl):\n"
    "      --pid             process name with PID: comm-PID\n"
    "      --tid             process name with PID and TID: comm-PID/TID\n"
    "      --kernel          mark kernel frames with _[k]\n"
    "      --jit             mark JIT-compiled frames with _[j]\n"
    "      --all             --kernel and --jit\n"
    "      --addrs           show the address of unknown symbols: [module <addr>]\n"
    "      --event-filter=EV keep only samples of event EV (default: the first\n"
    "                        event in the input)\n"
    "pprof input:\n"
    "      --sample-index=I  the value to use: a sample type name (samples, cpu,\n"
    "                        alloc_space, inuse_space, ...) or its index; default:\n"
    "                        the profile's default type, else its last (pprof's rule)\n"
    "      --inuse_space --inuse_objects --alloc_space --alloc_objects\n"
    "      --total_delay --contentions\n"
    "                        shorthands for --sample-index=NAME (one or two dashes)\n";

/* The shorthands and the sample type each one names. */
static const struct {
    int id;
    const char *sample_index;
} shorthands[] = {
    {FK_INOPT_INUSE_SPACE, "inuse_space"}, {FK_INOPT_INUSE_OBJECTS, "inuse_objects"},
    {FK_INOPT_ALLOC_SPACE, "alloc_space"}, {FK_INOPT_ALLOC_OBJECTS, "alloc_objects"},
    {FK_INOPT_TOTAL_DELAY, "delay"},       {FK_INOPT_CONTENTIONS, "contentions"},
};

int fk_cli_input_option(const char *cmd, int id, const char *arg, fk_read_opts *ro, int *strict)
{
    for (size_t i = 0; i < sizeof shorthands / sizeof shorthands[0]; i++) {
        if (shorthands[i].id == id) {
            ro->pprof.sample_index = shorthands[i].sample_index;
            return 1;
        }
    }
    switch (id) {
    case FK_INOPT_FORMAT:
        if (fk_format_from_name(&ro->format, arg) < 0) {
            fk_cli_error(cmd, "%s", fk_error_last()->message);
            return -1;
        }
        return 1;
    case FK_INOPT_STRICT:
        *strict = 1;
        return 1;
    case FK_INOPT_PID:
        ro->perf.include_pid = 1;
        return 1;
    case FK_INOPT_TID:
        ro->perf.include_tid = 1;
        return 1;
    case FK_INOPT_KERNEL:
        ro->perf.annotate_kernel = 1;
        return 1;
    case FK_INOPT_JIT:
        ro->perf.annotate_jit = 1;
        return 1;
    case FK_INOPT_ALL:
        ro->perf.annotate_kernel = ro->perf.annotate_jit = 1;
        return 1;
    case FK_INOPT_ADDRS:
        ro->perf.include_addrs = 1;
        return 1;
    case FK_INOPT_EVENT:
        if (arg[0] == '\0') {
            fk_cli_error(cmd, "--event-filter needs an event name");
            return -1;
        }
        ro->perf.event_filter = arg;
        return 1;
    case FK_INOPT_SAMPLE_INDEX:
        if (arg[0] == '\0') {
            fk_cli_error(cmd, "--sample-index needs a sample type name or index");
            return -1;
        }
        ro->pprof.sample_index = arg;
        return 1;
    }
    return 0;
}

void fk_cli_print_diag(const char *cmd, const fk_diag *d)
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

int fk_cli_read_files(const char *cmd, fk_profile *p, const fk_read_opts *ro, fk_diag *diag,
                      const char *const *files, size_t nfiles, int quiet)
{
    static const char *const stdin_only[] = {"-"};
    if (nfiles == 0) {
        files = stdin_only;
        nfiles = 1;
    }
    fk_reader reader;
    int err = fk_reader_init(&reader, p, ro, diag);
    for (size_t i = 0; err == 0 && i < nfiles; i++)
        err = fk_reader_read_path(&reader, files[i]);
    if (!quiet || err < 0)
        fk_cli_print_diag(cmd, diag);
    fk_reader_free(&reader);
    return err;
}

void fk_cli_reading_init(fk_cli_reading *rd, char **argv)
{
    memset(rd, 0, sizeof *rd);
    rd->files = (const char **)(void *)argv;
}

int fk_cli_reading_next(fk_cli_reading *rd, fk_opt_parser *op, const char *cmd, int *id,
                        const char **arg)
{
    int rc;
    while ((rc = fk_opt_next(op, id, arg)) != -1) {
        if (rc == -2)
            return -1;
        if (rc == 0) {
            rd->files[rd->nfiles++] = *arg;
            continue;
        }
        if (*id == FK_INOPT_OUTPUT) {
            rd->out_path = *arg;
            continue;
        }
        if (*id == FK_INOPT_QUIET) {
            rd->quiet = 1;
            continue;
        }
        int in_rc = fk_cli_input_option(cmd, *id, *arg, &rd->ro, &rd->diag.strict);
        if (in_rc < 0)
            return -1;
        if (in_rc == 0)
            return 1;
    }
    return 0;
}
