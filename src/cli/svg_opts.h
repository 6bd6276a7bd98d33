/*
 * svg_opts.h - flamegraph.pl's options (--title, --width, --colors, --cp,
 * --reverse, ...), parsed in one place for every command that draws an SVG
 * (`svg`, `torch`), with their help text and the files some of them name
 * (--nameattr, --cp's palette map).
 *
 * A command appends fk_cli_svg_options to its own option table (ids from
 * FK_CLI_SVG_OPT_FIRST up, so they never collide with its own), hands each
 * option it does not know to fk_cli_svg_option(), and brackets rendering
 * with fk_cli_svg_begin() / fk_cli_svg_end().
 */
#ifndef FK_CLI_SVG_OPTS_H
#define FK_CLI_SVG_OPTS_H

#include "cli.h"

#include "render/flamegraph.h"

#define FK_CLI_SVG_OPT_FIRST 1000

typedef struct fk_cli_svg {
    fk_svg_opts so;
    int reverse; /* --reverse: merge from the leaves */
    int use_cp;  /* --cp or --palette-file */
    const char *palette_path;
    const char *nameattr_path;
    fk_nameattr *nameattr;
    fk_palette_map pmap;
} fk_cli_svg;

extern const fk_opt fk_cli_svg_options[];
extern const size_t fk_cli_svg_noptions;

/* The help lines of these options (one block, two-space indent). */
extern const char fk_cli_svg_usage[];

void fk_cli_svg_init(fk_cli_svg *s);

/* Handle option `id` with value `arg`: 1 if it was one of ours, 0 if not,
 * -1 after printing a usage error. */
int fk_cli_svg_option(fk_cli_svg *s, const char *cmd, int id, const char *arg);

/* Copy `a` then the svg options into dst (room for na + fk_cli_svg_noptions);
 * returns the count. */
size_t fk_cli_svg_add_options(fk_opt *dst, const fk_opt *a, size_t na);

/* Before rendering: seed --random, load --nameattr and --cp's map into
 * s->so. 0, or a negative error (recorded; print it with fk_cli_fail). */
int fk_cli_svg_begin(fk_cli_svg *s);

/* After the SVG is written: save --cp's map if it gained colours. */
int fk_cli_svg_end(fk_cli_svg *s);

void fk_cli_svg_free(fk_cli_svg *s);

#endif
