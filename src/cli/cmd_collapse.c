/*
 * cmd_collapse.c - `flamekit collapse`: any supported input -> folded stacks.
 */
#include "cli.h"
#include "input_opts.h"

#include "formats/formats.h"
#include "util/error.h"
#include "util/output.h"

#include <stdio.h>
#include <string.h>

enum {
    OPT_OUTPUT = 1,
    OPT_QUIET,
    OPT_HELP,
};

static const fk_opt options[] = {
    {"output", 'o', 1, OPT_OUTPUT}, {NULL, 'f', 1, FK_INOPT_FORMAT},
    {"quiet", 'q', 0, OPT_QUIET},   {"help", 'h', 0, OPT_HELP},
    FK_CLI_INPUT_OPTIONS,
};

static const char usage_head[] =
    "Usage: flamekit collapse [OPTIONS] [FILE...]\n"
    "\n"
    "Read `perf script` output, folded stacks, pprof profiles or gperftools CPU\n"
    "profiles and write folded stacks: one 'root;...;leaf COUNT' line per\n"
    "distinct stack, sorted, merged across all inputs.\n"
    "\n"
    "  -o, --output FILE     write to FILE (it appears only when complete)\n"
    "  -f FMT                the same as --format FMT\n"
    "  -q, --quiet           do not print warnings\n"
    "  -h, --help            show this help\n"
    "\n";

static const char usage_tail[] =
    "\n"
    "Counts are weighted by the period column of perf samples when present;\n"
    "pprof's inlined calls become frames of their own.\n"
    "Exit status: 0 success, 1 error, 2 bad usage.\n";

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
        int in_rc = fk_cli_input_option(cmd, id, arg, &ro, &diag.strict);
        if (in_rc < 0)
            return FK_EXIT_USAGE;
        if (in_rc > 0)
            continue;
        switch (id) {
        case OPT_OUTPUT:
            out_path = arg;
            break;
        case OPT_QUIET:
            quiet = 1;
            break;
        case OPT_HELP:
            fputs(usage_head, stdout);
            fputs(fk_cli_input_help, stdout);
            fputs(usage_tail, stdout);
            return FK_EXIT_OK;
        }
    }

    fk_profile profile;
    fkx_output out;
    int err = fk_profile_init(&profile);
    if (err < 0)
        return fk_cli_fail(cmd);
    err = fk_cli_read_files(cmd, &profile, &ro, &diag, files, nfiles, quiet);
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
    fk_profile_free(&profile);
    return status;
}
