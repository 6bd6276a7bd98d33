/*
 * cmd_svg.c - `flamekit svg`: folded stacks (or anything `collapse` reads)
 * -> one interactive SVG flame graph, with flamegraph.pl's options.
 *
 * Empty or unusable input gets flamegraph.pl's answer: an SVG that says so
 * and exit status 2, plus a message on stderr. With -o the file appears only
 * when complete.
 */
#include "cli.h"
#include "input_opts.h"
#include "svg_opts.h"

#include "formats/formats.h"
#include "render/flamegraph.h"
#include "util/error.h"
#include "util/output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { OPT_HELP = 1 };

/* flamegraph.pl's options come from svg_opts.c and are appended. */
static const fk_opt options[] = {
    {"sample-type", 0, 1, FK_INOPT_SAMPLE_INDEX}, /* the name before --sample-index existed */
    {"help", 'h', 0, OPT_HELP},
    FK_CLI_READING_OPTIONS,
};

static const char usage_head[] =
    "Usage: flamekit svg [OPTIONS] [FILE...]\n"
    "\n"
    "Draw an interactive SVG flame graph of folded stacks, or of anything\n"
    "`flamekit collapse` reads (perf script text, pprof and gperftools\n"
    "profiles; plain or gzip; stdin when no FILE or FILE is -). Open the SVG in\n"
    "a browser: click to zoom, Ctrl-F to search, Ctrl-I to ignore case, Esc to\n"
    "reset. flamegraph.pl's options:\n"
    "\n";

/* ... then fk_cli_svg_usage, then: */
static const char usage_mid[] =
    "\n"
    "flamekit options:\n"
    "  -o, --output FILE   write to FILE (it appears only when complete)\n"
    "  -q, --quiet         do not print warnings\n"
    "  -h, --help          show this help\n"
    "\n";

/* ... then fk_cli_input_help, then: */
static const char usage_tail[] =
    "\n"
    "Unique prefixes of options work (--color=java). Exit status: 0 success,\n"
    "1 error, 2 bad usage or no valid input (the SVG then says so).\n";

/* The column to draw: a sample type name or an index. */
static int pick_type(const fk_profile *p, const char *want, size_t *out)
{
    if (want == NULL) {
        *out = p->default_type < p->ntypes ? p->default_type : 0;
        return 0;
    }
    for (size_t i = 0; i < p->ntypes; i++) {
        fkx_str t = fk_profile_string(p, p->types[i].type);
        if (strcmp(t.ptr, want) == 0) {
            *out = i;
            return 0;
        }
    }
    char *end;
    unsigned long v = strtoul(want, &end, 10);
    if (end != want && *end == '\0' && v < p->ntypes) {
        *out = (size_t)v;
        return 0;
    }
    return -1;
}

/* flamegraph.pl's answer to no usable input: an SVG that says so, exit 2. */
static int fail_with_svg(const char *cmd, const char *path, const fk_svg_opts *so, const char *why)
{
    fk_cli_error(cmd, "%s", why);
    fkx_buf b = FKX_BUF_INIT((size_t)1 << 20);
    int err = fk_svg_render_error(&b, so, "ERROR: No valid input provided to flamekit svg.");
    if (err == 0)
        err = fk_cli_write_whole(path, b.ptr, b.len);
    fkx_buf_free(&b);
    if (err < 0)
        return fk_cli_fail(cmd);
    return FK_EXIT_USAGE;
}

int fk_cmd_svg(int argc, char **argv)
{
    const char *cmd = "svg";
    fk_cli_reading rd;
    fk_cli_reading_init(&rd, argv);
    fk_cli_svg sv;
    fk_cli_svg_init(&sv);
    const fk_svg_opts *so = &sv.so;

    fk_opt all[sizeof options / sizeof options[0] + 64];
    size_t nall = fk_cli_svg_add_options(all, options, sizeof options / sizeof options[0]);
    fk_opt_parser op;
    fk_opt_init(&op, cmd, argc, argv, all, nall);
    int id, rc;
    const char *arg;
    while ((rc = fk_cli_reading_next(&rd, &op, cmd, &id, &arg)) > 0) {
        int svg_rc = fk_cli_svg_option(&sv, cmd, id, arg);
        if (svg_rc < 0)
            return FK_EXIT_USAGE;
        if (svg_rc == 0 && id == OPT_HELP) {
            fputs(usage_head, stdout);
            fputs(fk_cli_svg_usage, stdout);
            fputs(usage_mid, stdout);
            fputs(fk_cli_input_help, stdout);
            fputs(usage_tail, stdout);
            return FK_EXIT_OK;
        }
    }
    if (rc < 0)
        return FK_EXIT_USAGE;
    const fk_read_opts *ro = &rd.ro;
    const char *out_path = rd.out_path;

    fk_profile profile;
    fkx_buf svg = FKX_BUF_INIT((size_t)1 << 40);
    int status = FK_EXIT_OK;
    if (fk_profile_init(&profile) < 0)
        return fk_cli_fail(cmd);
    int err = fk_cli_read_files(cmd, &profile, ro, &rd.diag, rd.files, rd.nfiles, rd.quiet);
    if (err < 0) {
        int code = fk_error_last()->code;
        if (code == FK_EFORMAT || code == FK_ETRUNCATED || code == FK_ELIMIT)
            status = fail_with_svg(cmd, out_path, so, fk_error_last()->message);
        else
            status = fk_cli_fail(cmd);
        goto done;
    }
    size_t type;
    if (pick_type(&profile, ro->pprof.sample_index, &type) < 0) {
        fk_cli_error(cmd, "no sample type '%s' in the input", ro->pprof.sample_index);
        status = FK_EXIT_USAGE;
        goto done;
    }
    if (sv.so.count_name == NULL && profile.ntypes > 0)
        sv.so.count_name =
            fk_svg_count_name(fk_profile_string(&profile, profile.types[type].unit).ptr);
    if ((err = fk_cli_svg_begin(&sv)) < 0) {
        status = fk_cli_fail(cmd);
        goto done;
    }
    fk_svg_stats stats;
    err = profile.ntypes == 0 ? FK_EEMPTY
                              : fk_svg_render_profile(&svg, &profile, type, sv.reverse, so, &stats);
    if (err == FK_EEMPTY) {
        status = fail_with_svg(cmd, out_path, so,
                               "no stack counts found in the input (nothing to draw)");
        goto done;
    }
    if (err < 0) {
        status = err == FK_EINVAL
                     ? (fk_cli_error(cmd, "%s", fk_error_last()->message), FK_EXIT_USAGE)
                     : fk_cli_fail(cmd);
        goto done;
    }
    if (stats.total_ignored && !rd.quiet)
        fk_cli_warn(cmd, "specified --total %g is less than the actual total, so ignored",
                    so->total);
    if ((err = fk_cli_write_whole(out_path, svg.ptr, svg.len)) < 0) {
        status = fk_cli_fail(cmd);
        goto done;
    }
    if ((err = fk_cli_svg_end(&sv)) < 0)
        status = fk_cli_fail(cmd);
done:
    fkx_buf_free(&svg);
    fk_cli_svg_free(&sv);
    fk_profile_free(&profile);
    return status;
}
