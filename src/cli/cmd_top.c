/*
 * cmd_top.c - `flamekit top`: pprof's -top table (flat, flat%, sum%, cum,
 * cum%, name) for a pprof profile, with the same rows, values, order and
 * unit formatting as `go tool pprof -top`. The profile is a file or a URL
 * (fetched with src/fetch, as `go tool pprof -top URL` does).
 */
#include "cli.h"
#include "input_opts.h"

#include "fetch/fetch.h"
#include "formats/pprof.h"
#include "util/alloc.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    OPT_NODECOUNT = 1,
    OPT_CUM,
    OPT_FLAT,
    OPT_NODEFRACTION,
    OPT_EDGEFRACTION,
    OPT_SECONDS,
    OPT_TIMEOUT,
    OPT_HELP,
};

static const fk_opt options[] = {
    {"nodecount", 'n', 1, OPT_NODECOUNT},
    {"cum", 0, 0, OPT_CUM},
    {"flat", 0, 0, OPT_FLAT},
    {"nodefraction", 0, 1, OPT_NODEFRACTION},
    {"edgefraction", 0, 1, OPT_EDGEFRACTION},
    {"seconds", 0, 1, OPT_SECONDS},
    {"timeout", 0, 1, OPT_TIMEOUT},
    {"help", 'h', 0, OPT_HELP},
    FK_CLI_SAMPLE_OPTIONS,
};

static const char usage_head[] =
    "Usage: flamekit top [OPTIONS] FILE|URL\n"
    "\n"
    "Print the functions of a pprof profile by their own (flat) or cumulative\n"
    "(cum) value, as `go tool pprof -top` does: same rows, values, order, and\n"
    "units (10ms, 1.50s, 512kB, 4.02MB). The profile is a file (gzip'd or not;\n"
    "- for stdin) or a URL: a profile's own (http://HOST:PORT/debug/pprof/heap)\n"
    "or a server's base URL (http://HOST:PORT) for its CPU profile.\n"
    "\n"
    "Options:\n"
    "  -n, --nodecount N     show at most N functions (default: all)\n"
    "      --cum             sort by cumulative value (default: flat)\n";

/* ... then fk_cli_sample_help, then: */
static const char usage_tail[] =
    "      --nodefraction=F  hide functions whose cum is below F of the total\n"
    "                        (default 0.005)\n"
    "      --edgefraction=F  ignore calls below F of the total when marking\n"
    "                        inlined functions (default 0.001)\n"
    "      --seconds=N       for a URL: record the CPU profile for N seconds\n"
    "                        (default 30; other profiles are snapshots)\n"
    "      --timeout=SECS    for a URL: give up after SECS (default: the\n"
    "                        recording time plus 15 s)\n"
    "  -h, --help            show this help\n"
    "\n"
    "Options also work with one dash and pprof's spelling (-nodecount=50, -cum,\n"
    "-sample_index=alloc_space, -inuse_space).\n"
    "Exit status: 0 success, 1 error, 2 bad usage.\n";

static int parse_fraction(const char *cmd, const char *opt, const char *s, double *out)
{
    return fk_cli_parse_double(cmd, opt, s, out) < 0 ? -1 : 0;
}

/* 1 if `url` names a server (no path) or its pprof root (/debug/pprof),
 * not one profile: then, as with `go tool pprof URL`, its CPU profile is
 * meant. */
static int is_base_url(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    if (p == NULL)
        return 1;
    size_t n = strcspn(p, "?#");
    while (n > 0 && p[n - 1] == '/')
        n--;
    return n == 0 || (n >= 12 && strncmp(p + n - 12, "/debug/pprof", 12) == 0);
}

/* Fetch the profile at `url` (a base URL means its CPU profile). Prints
 * what went wrong; returns 0 or -1. */
static int fetch_profile(const char *cmd, const char *url, long seconds, double timeout,
                         fk_pprof **out)
{
    char *full = NULL;
    fk_fetch_result res;
    memset(&res, 0, sizeof res);
    int err = is_base_url(url) ? fk_fetch_profile_url(&full, url, NULL, NULL, seconds)
                               : fk_fetch_profile_url(&full, NULL, NULL, url, seconds);
    if (err == 0) {
        fk_fetch_opts fo = FK_FETCH_OPTS_INIT;
        fo.timeout = timeout > 0 ? timeout : (double)seconds + 15.0;
        const char *urls[] = {full};
        err = fk_fetch_many(&res, urls, 1, &fo);
    }
    if (err == 0)
        err = fk_fetch_decode(out, &res);
    if (err < 0)
        fk_cli_fail(cmd);
    fk_fetch_result_free(&res);
    fkx_free(full);
    return err < 0 ? -1 : 0;
}

static void print_report(const fk_pprof_top *t)
{
    for (size_t i = 0; i < t->nlabels; i++)
        printf("%s\n", t->labels[i]);
    printf("%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
    int64_t sum = 0;
    for (size_t i = 0; i < t->nrows; i++) {
        const fk_pprof_top_row *r = &t->rows[i];
        char flat[64], cum[64], fp[32], sp[32], cp[32];
        sum += r->flat;
        fk_pprof_top_value(t, r->flat, flat, sizeof flat);
        fk_pprof_top_value(t, r->cum, cum, sizeof cum);
        fk_pprof_percent(r->flat, t->total, fp, sizeof fp);
        fk_pprof_percent(sum, t->total, sp, sizeof sp);
        fk_pprof_percent(r->cum, t->total, cp, sizeof cp);
        printf("%10s %s %s %10s %s  %s%s%s\n", flat, fp, sp, cum, cp, r->name,
               r->inline_label[0] ? " " : "", r->inline_label);
    }
}

int fk_cmd_top(int argc, char **argv)
{
    const char *cmd = "top";
    fk_pprof_top_opts to = FK_PPROF_TOP_OPTS_INIT;
    fk_read_opts ro; /* only the sample index is used: top reads pprof */
    memset(&ro, 0, sizeof ro);
    int strict = 0;
    const char *file = NULL;
    long seconds = 30;
    double timeout = 0;
    fk_opt_parser op;
    fk_opt_init(&op, cmd, argc, argv, options, sizeof options / sizeof options[0]);
    int id, rc;
    const char *arg;
    while ((rc = fk_opt_next(&op, &id, &arg)) != -1) {
        if (rc == -2)
            return FK_EXIT_USAGE;
        if (rc == 0) {
            if (file != NULL) {
                fk_cli_error(cmd, "one profile at a time (got '%s' and '%s')", file, arg);
                return FK_EXIT_USAGE;
            }
            file = arg;
            continue;
        }
        int in_rc = fk_cli_input_option(cmd, id, arg, &ro, &strict);
        if (in_rc < 0)
            return FK_EXIT_USAGE;
        if (in_rc > 0) {
            to.sample_index = ro.pprof.sample_index;
            continue;
        }
        switch (id) {
        case OPT_NODECOUNT: {
            char *end;
            errno = 0;
            long v = strtol(arg, &end, 10);
            if (arg[0] == '\0' || *end != '\0' || errno != 0) {
                fk_cli_error(cmd, "--nodecount needs a whole number, not '%s'", arg);
                return FK_EXIT_USAGE;
            }
            to.nodecount = v;
            break;
        }
        case OPT_CUM:
            to.cum = 1;
            break;
        case OPT_FLAT:
            to.cum = 0;
            break;
        case OPT_NODEFRACTION:
            if (parse_fraction(cmd, "--nodefraction", arg, &to.nodefraction) < 0)
                return FK_EXIT_USAGE;
            break;
        case OPT_EDGEFRACTION:
            if (parse_fraction(cmd, "--edgefraction", arg, &to.edgefraction) < 0)
                return FK_EXIT_USAGE;
            break;
        case OPT_SECONDS: {
            char *end;
            errno = 0;
            seconds = strtol(arg, &end, 10);
            if (arg[0] == '\0' || *end != '\0' || errno != 0 || seconds <= 0 || seconds > 86400) {
                fk_cli_error(cmd, "--seconds needs whole seconds (1 to 86400), not '%s'", arg);
                return FK_EXIT_USAGE;
            }
            break;
        }
        case OPT_TIMEOUT:
            if (fk_cli_parse_double(cmd, "--timeout", arg, &timeout) < 0)
                return FK_EXIT_USAGE;
            break;
        case OPT_HELP:
            fputs(usage_head, stdout);
            fputs(fk_cli_sample_help, stdout);
            fputs(usage_tail, stdout);
            return FK_EXIT_OK;
        }
    }
    if (file == NULL) {
        fk_cli_error(cmd, "no profile given (a FILE, or - for stdin)");
        return FK_EXIT_USAGE;
    }
    fk_pprof *pp = NULL;
    fk_pprof_top t;
    if (fk_fetch_is_url(file)) {
        if (fetch_profile(cmd, file, seconds, timeout, &pp) < 0)
            return FK_EXIT_ERROR;
    } else if (fk_pprof_load_path(&pp, file) < 0) {
        return fk_cli_fail(cmd);
    }
    if (fk_pprof_top_build(&t, pp, &to) < 0) {
        fk_pprof_free(pp);
        return fk_cli_fail(cmd);
    }
    print_report(&t);
    fk_pprof_top_free(&t);
    fk_pprof_free(pp);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fk_cli_error(cmd, "writing the report failed");
        return FK_EXIT_ERROR;
    }
    return FK_EXIT_OK;
}
