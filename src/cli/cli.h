/*
 * cli.h - what the subcommands share: option parsing, messages, exit codes,
 * and cleanup of half-written output when the user interrupts.
 *
 * Only src/cli prints or exits. Exit codes: 0 success, 1 error (bad input,
 * I/O), 2 usage (bad options).
 */
#ifndef FK_CLI_CLI_H
#define FK_CLI_CLI_H

#include <stddef.h>

enum { FK_EXIT_OK = 0, FK_EXIT_ERROR = 1, FK_EXIT_USAGE = 2 };

typedef struct fk_opt {
    const char *name; /* long name, without dashes */
    char short_name;  /* 0 for none */
    int has_arg;      /* 1: takes a value */
    int id;
} fk_opt;

typedef struct fk_opt_parser {
    const char *cmd; /* for messages: "collapse" */
    int argc;
    char **argv;
    int i; /* next argv index */
    const fk_opt *opts;
    size_t nopts;
    int only_positional; /* after "--" */
    const char *bundle;  /* rest of a "-abc" short bundle */
} fk_opt_parser;

void fk_opt_init(fk_opt_parser *p, const char *cmd, int argc, char **argv, const fk_opt *opts,
                 size_t nopts);

/* Next item. Returns 1 for an option (*id, *arg for its value or NULL),
 * 0 for a positional argument (*arg), -1 at the end, -2 on a usage error
 * (already printed). Long options: --name, --name=V, --name V, unique
 * prefixes of names; single-dash long names (-name, -name=V) when they match
 * a long name exactly; short options: -x, -xV, -x V, -x=V, bundled flags. */
int fk_opt_next(fk_opt_parser *p, int *id, const char **arg);

/* Print "flamekit CMD: error: ..." (or warning/note) to stderr. */
void fk_cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fk_cli_warn(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print the last library error, prefixed by the command. Returns FK_EXIT_ERROR. */
int fk_cli_fail(const char *cmd);

/* Parse a non-negative number option; prints a usage error and returns -1 if bad. */
int fk_cli_parse_double(const char *cmd, const char *opt, const char *s, double *out);

/* Write len bytes to `path` (NULL or "-": stdout), whole or not at all,
 * removing the half-written file if a signal ends the process meanwhile. */
int fk_cli_write_whole(const char *path, const void *data, size_t len);

/* Remember a temporary output path to unlink if a signal ends the process. */
void fk_cli_guard_output(const char *tmp_path);
void fk_cli_install_signal_cleanup(void);

/* Send SIGINT, SIGTERM, SIGHUP (and SIGPIPE if asked) to `handler`. */
void fk_cli_catch_signals(void (*handler)(int), int with_sigpipe);

/* Subcommands. */
int fk_cmd_collapse(int argc, char **argv);
int fk_cmd_svg(int argc, char **argv);
int fk_cmd_top(int argc, char **argv);
int fk_cmd_torch(int argc, char **argv);

#endif
