/*
 * util.c - messages, error reporting and signal-time cleanup for the CLI.
 */
#include "cli.h"

#include "flamekit/common.h"
#include "util/output.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((format(printf, 3, 0))) static void vmsg(const char *cmd, const char *level,
                                                       const char *fmt, va_list ap)
{
    fprintf(stderr, "flamekit%s%s: %s: ", cmd ? " " : "", cmd ? cmd : "", level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void fk_cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(cmd, "error", fmt, ap);
    va_end(ap);
}

void fk_cli_warn(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(cmd, "warning", fmt, ap);
    va_end(ap);
}

int fk_cli_fail(const char *cmd)
{
    const fk_error *e = fk_error_last();
    if (e->code == FK_OK || e->message == NULL || e->message[0] == '\0')
        fk_cli_error(cmd, "%s", fk_strerror(e->code));
    else
        fk_cli_error(cmd, "%s", e->message);
    return FK_EXIT_ERROR;
}

int fk_cli_parse_double(const char *cmd, const char *opt, const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < 0) {
        fk_cli_error(cmd, "option '%s' needs a non-negative number, not '%s'", opt, s);
        return -1;
    }
    *out = v;
    return 0;
}

static char guarded_path[4096];

void fk_cli_guard_output(const char *tmp_path)
{
    if (tmp_path == NULL) {
        guarded_path[0] = '\0';
        return;
    }
    snprintf(guarded_path, sizeof guarded_path, "%s", tmp_path);
}

static void on_signal(int sig)
{
    if (guarded_path[0] != '\0')
        unlink(guarded_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

void fk_cli_catch_signals(void (*handler)(int), int with_sigpipe)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    size_t n = sizeof sigs / sizeof sigs[0] - (with_sigpipe ? 0 : 1);
    for (size_t i = 0; i < n; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = handler;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

void fk_cli_install_signal_cleanup(void)
{
    fk_cli_catch_signals(on_signal, 1);
}

int fk_cli_write_whole(const char *path, const void *data, size_t len)
{
    fkx_output out;
    int err = fkx_output_open(&out, path);
    if (err < 0)
        return err;
    fk_cli_guard_output(fkx_output_tmp_path(&out));
    err = fkx_output_write(&out, data, len);
    if (err == 0)
        err = fkx_output_commit(&out);
    else
        fkx_output_abort(&out);
    fk_cli_guard_output(NULL);
    return err;
}
