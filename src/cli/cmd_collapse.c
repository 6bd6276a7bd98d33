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

enum { OPT_HELP = 1 };

static const fk_opt options[] = {
    {NULL, 'f', 1, FK_INOPT_FORMAT},
    {"help", 'h', 0, OPT_HELP},
    FK_CLI_READING_OPTIONS,
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
    fk_cli_reading rd;
    fk_cli_reading_init(&rd, argv); /* positional args are compacted in place */
    fk_opt_parser op;
    fk_opt_init(&op, cmd, argc, argv, options, sizeof options / sizeof options[0]);
    int id, rc;
    const char *arg;
    while ((rc = fk_cli_reading_next(&rd, &op, cmd, &id, &arg)) > 0) {
        if (id == OPT_HELP) {
            fputs(usage_head, stdout);
            fputs(fk_cli_input_help, stdout);
            fputs(usage_tail, stdout);
            return FK_EXIT_OK;
        }
    }
    if (rc < 0)
        return FK_EXIT_USAGE;

    fk_profile profile;
    fkx_output out;
    int err = fk_profile_init(&profile);
    if (err < 0)
        return fk_cli_fail(cmd);
    err = fk_cli_read_files(cmd, &profile, &rd.ro, &rd.diag, rd.files, rd.nfiles, rd.quiet);
    if (err == 0 && (err = fkx_output_open(&out, rd.out_path)) == 0) {
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
    else if (profile.nstacks == 0 && !rd.quiet)
        fk_cli_warn(cmd, "no stacks found in the input");
    fk_profile_free(&profile);
    return status;
}
