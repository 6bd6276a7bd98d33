/*
 * input_opts.h - the options every profile-reading command shares: input
 * format, --strict, perf script's options and pprof's sample index with its
 * shorthands (one or two dashes: -inuse_space, --inuse_space).
 *
 * A command puts FK_CLI_INPUT_OPTIONS (or only FK_CLI_SAMPLE_OPTIONS) in its
 * option table and hands every option id it does not handle itself to
 * fk_cli_input_option(). Help blocks for --help are below.
 */
#ifndef FK_CLI_INPUT_OPTS_H
#define FK_CLI_INPUT_OPTS_H

#include "cli.h"
#include "formats/formats.h"

enum {
    FK_INOPT_FORMAT = 2000, /* after svg_opts.h's range (1000 on) */
    FK_INOPT_STRICT,
    FK_INOPT_PID,
    FK_INOPT_TID,
    FK_INOPT_KERNEL,
    FK_INOPT_JIT,
    FK_INOPT_ALL,
    FK_INOPT_ADDRS,
    FK_INOPT_EVENT,
    FK_INOPT_SAMPLE_INDEX,
    FK_INOPT_INUSE_SPACE,
    FK_INOPT_INUSE_OBJECTS,
    FK_INOPT_ALLOC_SPACE,
    FK_INOPT_ALLOC_OBJECTS,
    FK_INOPT_TOTAL_DELAY,
    FK_INOPT_CONTENTIONS,
};

#define FK_CLI_SAMPLE_OPTIONS                                                                      \
    {"sample-index", 0, 1, FK_INOPT_SAMPLE_INDEX}, {"sample_index", 0, 1, FK_INOPT_SAMPLE_INDEX},  \
        {"inuse_space", 0, 0, FK_INOPT_INUSE_SPACE},                                               \
        {"inuse_objects", 0, 0, FK_INOPT_INUSE_OBJECTS},                                           \
        {"alloc_space", 0, 0, FK_INOPT_ALLOC_SPACE},                                               \
        {"alloc_objects", 0, 0, FK_INOPT_ALLOC_OBJECTS},                                           \
        {"total_delay", 0, 0, FK_INOPT_TOTAL_DELAY},                                               \
    {                                                                                              \
        "contentions", 0, 0, FK_INOPT_CONTENTIONS                                                  \
    }

#define FK_CLI_INPUT_OPTIONS                                                                       \
    {"format", 0, 1, FK_INOPT_FORMAT}, {"strict", 0, 0, FK_INOPT_STRICT},                          \
        {"pid", 0, 0, FK_INOPT_PID}, {"tid", 0, 0, FK_INOPT_TID},                                  \
        {"kernel", 0, 0, FK_INOPT_KERNEL}, {"jit", 0, 0, FK_INOPT_JIT},                            \
        {"all", 0, 0, FK_INOPT_ALL}, {"addrs", 0, 0, FK_INOPT_ADDRS},                              \
        {"event-filter", 0, 1, FK_INOPT_EVENT}, FK_CLI_SAMPLE_OPTIONS

/* Apply option `id` (with its value `arg`) to the read options and the
 * strict flag. Returns 1 if it was an input option, 0 if not, -1 after
 * printing a usage error. */
int fk_cli_input_option(const char *cmd, int id, const char *arg, fk_read_opts *ro, int *strict);

/* Print a reader's notes and problem lines (one line per kind) on stderr. */
void fk_cli_print_diag(const char *cmd, const fk_diag *d);

/* What the commands that read files into one profile and write one output
 * (collapse, svg) share: their positional files, the input options, -o FILE
 * and -q. Their option tables add FK_CLI_READING_OPTIONS. */
enum { FK_INOPT_OUTPUT = 2100, FK_INOPT_QUIET };

#define FK_CLI_READING_OPTIONS                                                                     \
    {"output", 'o', 1, FK_INOPT_OUTPUT}, {"quiet", 'q', 0, FK_INOPT_QUIET}, FK_CLI_INPUT_OPTIONS

typedef struct fk_cli_reading {
    fk_read_opts ro;
    fk_diag diag;
    const char **files; /* the positional arguments, compacted into argv */
    size_t nfiles;
    const char *out_path; /* NULL: stdout */
    int quiet;
} fk_cli_reading;

void fk_cli_reading_init(fk_cli_reading *rd, char **argv);

/* The next option that is the command's own: 1 with *id and *arg set, 0 at
 * the end, -1 after printing a usage error. Files, input options, -o and -q
 * are taken into rd on the way. */
int fk_cli_reading_next(fk_cli_reading *rd, fk_opt_parser *op, const char *cmd, int *id,
                        const char **arg);

/* Read the files (stdin for none) into the initialized profile p, merged,
 * with the read options; then print the diagnostics, unless quiet and all
 * went well. 0 or a negative error (fk_error_last() says which). */
int fk_cli_read_files(const char *cmd, fk_profile *p, const fk_read_opts *ro, fk_diag *diag,
                      const char *const *files, size_t nfiles, int quiet);

/* --help blocks: the input options, and the sample-index options alone. */
extern const char fk_cli_input_help[];
extern const char fk_cli_sample_help[];

#endif
