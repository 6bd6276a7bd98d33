/*
 * cmd_torch.c - `flamekit torch`: fetch a live profile from one or more
 * pprof endpoints (or read pprof files) and write its flame graph, with
 * go-torch's command line: -u URL -t=30 -p > torch.svg.
 *
 * The order of work is chosen so that mistakes show early and nothing half
 * done is left behind: options and the output path are checked before the
 * (long) recording starts; every host is fetched at once; Ctrl-C during the
 * recording stops the transfers and writes nothing; the SVG appears only
 * when it is whole.
 */
#include "cli.h"
#include "input_opts.h"
#include "svg_opts.h"

#include "fetch/fetch.h"
#include "formats/formats.h"
#include "render/flamegraph.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/output.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Seconds allowed on top of the recording for the server to answer. */
#define TIMEOUT_MARGIN 15.0

enum {
    OPT_FILE = 1,
    OPT_PRINT,
    OPT_RAW,
    OPT_URL,
    OPT_SUFFIX,
    OPT_SECONDS,
    OPT_BINARYINPUT,
    OPT_PROFILE,
    OPT_LABEL_HOST,
    OPT_TIMEOUT,
    OPT_LOAD,
    OPT_RATE,
    OPT_QUIET,
    OPT_HELP,
};

static const fk_opt options[] = {
    {"file", 'f', 1, OPT_FILE},
    {"print", 'p', 0, OPT_PRINT},
    {"raw", 'r', 0, OPT_RAW},
    {"url", 'u', 1, OPT_URL},
    {"suffix", 's', 1, OPT_SUFFIX},
    {"seconds", 't', 1, OPT_SECONDS},
    {"binaryinput", 'b', 1, OPT_BINARYINPUT},
    {"profile", 0, 1, OPT_PROFILE},
    {"label-host", 0, 0, OPT_LABEL_HOST},
    {"timeout", 0, 1, OPT_TIMEOUT},
    {"load", 0, 1, OPT_LOAD},
    {"rate", 0, 1, OPT_RATE},
    {"quiet", 'q', 0, OPT_QUIET},
    {"help", 'h', 0, OPT_HELP},
    FK_CLI_SAMPLE_OPTIONS,
};

static const char usage_head[] =
    "Usage: flamekit torch [OPTIONS] [URL|FILE...]\n"
    "\n"
    "Record a profile from pprof endpoints (Go's net/http/pprof, flamekit's\n"
    "profiler) and write its interactive flame graph, as go-torch did:\n"
    "  flamekit torch -u http://HOST:8080/debug/pprof -p -t=30 > torch.svg\n"
    "Several URLs are fetched at once and merged into one graph. FILEs are\n"
    "pprof profiles (gzip'd or not) read from disk.\n"
    "\n"
    "go-torch's options:\n"
    "  -u, --url URL         base URL of the server (http://localhost:8080);\n"
    "                        /debug/pprof is added when the URL has no path;\n"
    "                        repeat for more hosts\n"
    "  -s, --suffix PATH     path appended to the URL instead of\n"
    "                        /debug/pprof/profile\n"
    "  -t, --seconds N       record the CPU profile for N seconds (30)\n"
    "  -b, --binaryinput F   read the pprof profile F instead of fetching\n"
    "  -f, --file FILE       write the SVG to FILE (torch.svg)\n"
    "  -p, --print           write the SVG to stdout\n"
    "  -r, --raw             write folded stacks (to stdout, or -f FILE)\n"
    "\n"
    "flamekit options:\n"
    "      --profile KIND    cpu (default), heap, allocs, goroutine, block,\n"
    "                        mutex, threadcreate, threads (libflamekit-prof),\n"
    "                        or the full URL of a profile\n"
    "      --label-host      each host as the root frame instead of merging\n"
    "      --timeout SECS    give up on a server after SECS (default: the\n"
    "                        recording time plus 15 s)\n"
    "      --load, --rate    drive load while recording: not available yet\n"
    "  -q, --quiet           no progress line, no warnings\n"
    "  -h, --help            show this help\n"
    "\n"
    "flamegraph.pl's options, as for `flamekit svg`:\n";

static const char usage_tail[] =
    "\n"
    "A progress line is shown on stderr when it is a terminal. Ctrl-C stops\n"
    "the recording and writes nothing. Exit status: 0 success, 1 error (each\n"
    "failing URL is named with the cause), 2 bad usage.\n";

/* ---- Ctrl-C while recording -------------------------------------------- */

static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

static void catch_stop_signals(void)
{
    fk_cli_catch_signals(on_stop, 0);
}

static int should_stop(void *payload)
{
    (void)payload;
    return stop_signal != 0;
}

/* ---- the progress line --------------------------------------------------- */

typedef struct progress_state {
    double seconds; /* recording length, 0 for snapshot profiles */
    size_t hosts;
    int shown;
} progress_state;

static void show_progress(const fk_fetch_progress *p, void *payload)
{
    progress_state *st = payload;
    char what[128];
    if (p->bytes == 0 && st->seconds > 0)
        snprintf(what, sizeof what, "recording %.0f / %.0f s", p->elapsed, st->seconds);
    else if (p->bytes == 0)
        snprintf(what, sizeof what, "waiting %.0f s", p->elapsed);
    else
        snprintf(what, sizeof what, "received %.1f kB", (double)p->bytes / 1024.0);
    fprintf(stderr, "\r\033[Kflamekit torch: %s (%zu of %zu host%s done)", what, p->done, p->count,
            p->count == 1 ? "" : "s");
    fflush(stderr);
    st->shown = 1;
}

static void clear_progress(progress_state *st)
{
    if (st->shown)
        fputs("\r\033[K", stderr);
    st->shown = 0;
}

/* ---- helpers ------------------------------------------------------------- */

static int parse_seconds(const char *cmd, const char *opt, const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v <= 0 || v > 86400) {
        fk_cli_error(cmd, "option '%s' needs whole seconds (1 to 86400), not '%s'", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* Check early, before a long recording, that the output can be created. */
static int check_writable(const char *path)
{
    fkx_output out;
    int err = fkx_output_open(&out, path);
    if (err < 0)
        return err;
    fkx_output_abort(&out);
    return 0;
}

static int write_folded(const char *path, const fk_profile *p)
{
    fkx_output out;
    int err = fkx_output_open(&out, path);
    if (err < 0)
        return err;
    fk_cli_guard_output(fkx_output_tmp_path(&out));
    err = fk_folded_write(p, p->default_type, &out);
    if (err == 0)
        err = fkx_output_commit(&out);
    else
        fkx_output_abort(&out);
    fk_cli_guard_output(NULL);
    return err;
}

static void no_samples_hint(const char *cmd, const char *what, const char *profile)
{
    if (profile != NULL && (strcmp(profile, "block") == 0 || strcmp(profile, "mutex") == 0))
        fk_cli_error(cmd,
                     "%s: the profile has no samples; block and mutex profiles stay empty "
                     "unless the program enables them (runtime.SetBlockProfileRate, "
                     "runtime.SetMutexProfileFraction)",
                     what);
    else
        fk_cli_error(cmd,
                     "%s: the profile has no samples (nothing to draw); put the server under "
                     "load while it records, or record longer with -t",
                     what);
}

/* ---- the command --------------------------------------------------------- */

typedef struct torch_args {
    const char **urls; /* base URLs (-u and positional) */
    size_t nurls;
    const char **files; /* -b and positional files */
    size_t nfiles;
    const char *out_path, *suffix, *profile, *sample_index;
    long seconds;
    double timeout;
    int print, raw, out_given, label_host, quiet;
} torch_args;

/* Fetch every URL, decode and merge into `profile`. Exit status. */
static int fetch_all(const char *cmd, const torch_args *a, fk_profile *profile, uint64_t *samples)
{
    char **urls = fkx_calloc(a->nurls, sizeof *urls);
    fk_fetch_result *res = fkx_calloc(a->nurls, sizeof *res);
    int status = FK_EXIT_OK, err = 0;
    if (urls == NULL || res == NULL) {
        fkx_free(urls);
        fkx_free(res);
        return fk_cli_fail(cmd);
    }
    for (size_t i = 0; i < a->nurls; i++) {
        if (fk_fetch_profile_url(&urls[i], a->urls[i], a->suffix, a->profile, a->seconds) < 0) {
            fk_cli_error(cmd, "%s", fk_error_last()->message);
            status = fk_error_last()->code == FK_EINVAL ? FK_EXIT_USAGE : FK_EXIT_ERROR;
            goto done;
        }
    }
    int cpu = 1;
    for (size_t i = 0; i < a->nurls; i++)
        cpu &= strstr(urls[i], "/profile") != NULL;
    progress_state ps = {cpu ? (double)a->seconds : 0.0, a->nurls, 0};
    fk_fetch_opts fo = FK_FETCH_OPTS_INIT;
    fo.timeout = a->timeout > 0 ? a->timeout : (cpu ? (double)a->seconds : 0.0) + TIMEOUT_MARGIN;
    fo.cancel = should_stop;
    fo.progress = !a->quiet && isatty(STDERR_FILENO) ? show_progress : NULL;
    fo.payload = &ps;
    stop_signal = 0;
    catch_stop_signals();
    err = fk_fetch_many(res, (const char *const *)urls, a->nurls, &fo);
    clear_progress(&ps);
    fk_cli_install_signal_cleanup();
    if (stop_signal != 0) {
        fk_cli_error(cmd, "interrupted; nothing written");
        int sig = stop_signal;
        for (size_t i = 0; i < a->nurls; i++)
            fk_fetch_result_free(&res[i]);
        fkx_free(res);
        for (size_t i = 0; i < a->nurls; i++)
            fkx_free(urls[i]);
        fkx_free(urls);
        signal(sig, SIG_DFL);
        raise(sig);
        return 128 + sig;
    }
    if (err < 0) {
        int printed = 0;
        for (size_t i = 0; i < a->nurls; i++)
            if (res[i].err < 0 && res[i].message) {
                fk_cli_error(cmd, "%s", res[i].message);
                printed = 1;
            }
        if (!printed)
            fk_cli_fail(cmd);
        status = FK_EXIT_ERROR;
        goto done;
    }
    for (size_t i = 0; i < a->nurls; i++) {
        fk_pprof *pp = NULL;
        char *label = NULL;
        uint64_t n = 0;
        err = fk_fetch_decode(&pp, &res[i]);
        if (err == 0 && a->label_host)
            err = fk_fetch_host_label(&label, urls[i]);
        if (err == 0)
            err = fk_fetch_merge(profile, pp, a->sample_index, label, &n);
        fk_pprof_free(pp);
        fkx_free(label);
        if (err < 0) {
            status = fk_cli_fail(cmd);
            goto done;
        }
        if (n == 0 && a->nurls + a->nfiles > 1 && !a->quiet)
            fk_cli_warn(cmd, "%s: the profile has no samples", urls[i]);
        if (n == 0 && a->nurls + a->nfiles == 1)
            no_samples_hint(cmd, urls[i], a->profile);
        *samples += n;
    }
done:
    for (size_t i = 0; i < a->nurls; i++) {
        fk_fetch_result_free(&res[i]);
        fkx_free(urls[i]);
    }
    fkx_free(res);
    fkx_free(urls);
    return status;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* A file's root frame for --label-host: its name, or its whole path when
 * another input has the same name. */
static const char *file_label(const torch_args *a, size_t i)
{
    for (size_t k = 0; k < a->nfiles; k++)
        if (k != i && strcmp(base_name(a->files[k]), base_name(a->files[i])) == 0)
            return a->files[i];
    return base_name(a->files[i]);
}

static int read_files(const char *cmd, const torch_args *a, fk_profile *profile, uint64_t *samples)
{
    for (size_t i = 0; i < a->nfiles; i++) {
        fk_pprof *pp = NULL;
        uint64_t n = 0;
        int err = fk_pprof_load_path(&pp, a->files[i]);
        if (err == 0)
            err = fk_fetch_merge(profile, pp, a->sample_index,
                                 a->label_host ? file_label(a, i) : NULL, &n);
        fk_pprof_free(pp);
        if (err < 0)
            return fk_cli_fail(cmd);
        if (n == 0 && a->nurls + a->nfiles > 1 && !a->quiet)
            fk_cli_warn(cmd, "%s: the profile has no samples", a->files[i]);
        if (n == 0 && a->nurls + a->nfiles == 1)
            no_samples_hint(cmd, a->files[i], a->profile);
        *samples += n;
    }
    return FK_EXIT_OK;
}

int fk_cmd_torch(int argc, char **argv)
{
    const char *cmd = "torch";
    torch_args a;
    memset(&a, 0, sizeof a);
    a.out_path = "torch.svg";
    a.seconds = 30;
    fk_cli_svg sv;
    fk_cli_svg_init(&sv);
    /* argv has room for every URL and file given */
    const char **urls = fkx_calloc((size_t)argc + 1, sizeof *urls);
    const char **files = fkx_calloc((size_t)argc + 1, sizeof *files);
    fk_profile profile;
    fkx_buf svg = FKX_BUF_INIT((size_t)1 << 40);
    int status = FK_EXIT_OK, profile_ok = 0;
    if (urls == NULL || files == NULL) {
        status = fk_cli_fail(cmd);
        goto done;
    }
    a.urls = urls;
    a.files = files;

    fk_opt all[sizeof options / sizeof options[0] + 64];
    size_t nall = fk_cli_svg_add_options(all, options, sizeof options / sizeof options[0]);
    fk_opt_parser op;
    fk_opt_init(&op, cmd, argc, argv, all, nall);
    int id, rc;
    const char *arg;
    while ((rc = fk_opt_next(&op, &id, &arg)) != -1) {
        if (rc == -2) {
            status = FK_EXIT_USAGE;
            goto done;
        }
        if (rc == 0) {
            if (fk_fetch_is_url(arg))
                urls[a.nurls++] = arg;
            else
                files[a.nfiles++] = arg;
            continue;
        }
        int svg_rc = fk_cli_svg_option(&sv, cmd, id, arg);
        if (svg_rc < 0) {
            status = FK_EXIT_USAGE;
            goto done;
        }
        if (svg_rc > 0)
            continue;
        fk_read_opts ro; /* only the sample index applies: torch reads pprof */
        memset(&ro, 0, sizeof ro);
        ro.pprof.sample_index = a.sample_index;
        int strict = 0;
        int in_rc = fk_cli_input_option(cmd, id, arg, &ro, &strict);
        if (in_rc < 0) {
            status = FK_EXIT_USAGE;
            goto done;
        }
        if (in_rc > 0) {
            a.sample_index = ro.pprof.sample_index;
            continue;
        }
        switch (id) {
        case OPT_FILE:
            a.out_path = arg;
            a.out_given = 1;
            break;
        case OPT_PRINT:
            a.print = 1;
            break;
        case OPT_RAW:
            a.raw = 1;
            break;
        case OPT_URL:
            urls[a.nurls++] = arg;
            break;
        case OPT_SUFFIX:
            a.suffix = arg;
            break;
        case OPT_SECONDS:
            if (parse_seconds(cmd, "--seconds", arg, &a.seconds) < 0) {
                status = FK_EXIT_USAGE;
                goto done;
            }
            break;
        case OPT_BINARYINPUT:
            files[a.nfiles++] = arg;
            break;
        case OPT_PROFILE:
            a.profile = arg;
            break;
        case OPT_LABEL_HOST:
            a.label_host = 1;
            break;
        case OPT_TIMEOUT:
            if (fk_cli_parse_double(cmd, "--timeout", arg, &a.timeout) < 0 || !(a.timeout > 0)) {
                if (!(a.timeout > 0))
                    fk_cli_error(cmd, "option '--timeout' needs a positive number of seconds");
                status = FK_EXIT_USAGE;
                goto done;
            }
            break;
        case OPT_LOAD:
        case OPT_RATE:
            fk_cli_error(cmd, "--load and --rate are not available yet: flamekit has no load "
                              "generator so far; run your load tool (vegeta, wrk, curl in a loop) "
                              "while torch records");
            status = FK_EXIT_USAGE;
            goto done;
        case OPT_QUIET:
            a.quiet = 1;
            break;
        case OPT_HELP:
            fputs(usage_head, stdout);
            fputs(fk_cli_svg_usage, stdout);
            fputs("\npprof input:\n", stdout);
            fputs(fk_cli_sample_help, stdout);
            fputs(usage_tail, stdout);
            goto done;
        }
    }
    if (a.print && a.raw) {
        fk_cli_error(cmd, "--print and --raw exclude each other (one writes SVG, one folded "
                          "stacks)");
        status = FK_EXIT_USAGE;
        goto done;
    }
    if (a.profile != NULL && fk_fetch_is_url(a.profile) && a.nurls == 0)
        urls[a.nurls++] = a.profile;
    else if (a.nurls == 0 && a.nfiles == 0)
        urls[a.nurls++] = "http://localhost:8080"; /* go-torch's default */

    /* Where the result goes: stdout for -p, and for -r unless -f was given. */
    const char *dest = a.print || (a.raw && !a.out_given) ? NULL : a.out_path;
    if (dest != NULL && check_writable(dest) < 0) {
        status = fk_cli_fail(cmd);
        goto done;
    }

    if (fk_profile_init(&profile) < 0) {
        status = fk_cli_fail(cmd);
        goto done;
    }
    profile_ok = 1;
    uint64_t samples = 0;
    if (a.nurls > 0 && (status = fetch_all(cmd, &a, &profile, &samples)) != FK_EXIT_OK)
        goto done;
    if ((status = read_files(cmd, &a, &profile, &samples)) != FK_EXIT_OK)
        goto done;
    if (samples == 0) {
        if (a.nurls + a.nfiles > 1)
            no_samples_hint(cmd, "every input", a.profile);
        status = FK_EXIT_ERROR;
        goto done;
    }

    int err;
    if (a.raw) {
        if ((err = write_folded(dest, &profile)) < 0)
            status = fk_cli_fail(cmd);
        goto done;
    }
    size_t type = profile.default_type;
    if (sv.so.count_name == NULL)
        sv.so.count_name =
            fk_svg_count_name(fk_profile_string(&profile, profile.types[type].unit).ptr);
    if ((err = fk_cli_svg_begin(&sv)) < 0) {
        status = fk_cli_fail(cmd);
        goto done;
    }
    err = fk_svg_render_profile(&svg, &profile, type, sv.reverse, &sv.so, NULL);
    if (err == FK_EEMPTY) {
        fk_cli_error(cmd, "the profile has no positive values in column '%s' (nothing to draw)",
                     fk_profile_string(&profile, profile.types[type].type).ptr);
        status = FK_EXIT_ERROR;
        goto done;
    }
    if (err < 0) {
        status = err == FK_EINVAL
                     ? (fk_cli_error(cmd, "%s", fk_error_last()->message), FK_EXIT_USAGE)
                     : fk_cli_fail(cmd);
        goto done;
    }
    if ((err = fk_cli_write_whole(dest, svg.ptr, svg.len)) < 0 || (err = fk_cli_svg_end(&sv)) < 0)
        status = fk_cli_fail(cmd);
done:
    fkx_buf_free(&svg);
    if (profile_ok)
        fk_profile_free(&profile);
    fk_cli_svg_free(&sv);
    fkx_free(urls);
    fkx_free(files);
    return status;
}
