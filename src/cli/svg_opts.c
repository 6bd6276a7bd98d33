/*
 * svg_opts.c - flamegraph.pl's options, shared by every command that draws
 * an SVG flame graph (see svg_opts.h).
 */
#include "svg_opts.h"

#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    OPT_TITLE = FK_CLI_SVG_OPT_FIRST,
    OPT_SUBTITLE,
    OPT_WIDTH,
    OPT_HEIGHT,
    OPT_MINWIDTH,
    OPT_FONTTYPE,
    OPT_FONTSIZE,
    OPT_FONTWIDTH,
    OPT_COUNTNAME,
    OPT_NAMETYPE,
    OPT_COLORS,
    OPT_BGCOLORS,
    OPT_HASH,
    OPT_RANDOM,
    OPT_CP,
    OPT_PALETTE_FILE,
    OPT_REVERSE,
    OPT_INVERTED,
    OPT_FLAMECHART,
    OPT_NEGATE,
    OPT_NOTES,
    OPT_ENCODING,
    OPT_NAMEATTR,
    OPT_TOTAL,
    OPT_FACTOR,
};

const fk_opt fk_cli_svg_options[] = {
    {"title", 0, 1, OPT_TITLE},
    {"subtitle", 0, 1, OPT_SUBTITLE},
    {"width", 0, 1, OPT_WIDTH},
    {"height", 0, 1, OPT_HEIGHT},
    {"minwidth", 0, 1, OPT_MINWIDTH},
    {"fonttype", 0, 1, OPT_FONTTYPE},
    {"fontsize", 0, 1, OPT_FONTSIZE},
    {"fontwidth", 0, 1, OPT_FONTWIDTH},
    {"countname", 0, 1, OPT_COUNTNAME},
    {"nametype", 0, 1, OPT_NAMETYPE},
    {"colors", 0, 1, OPT_COLORS},
    {"bgcolors", 0, 1, OPT_BGCOLORS},
    {"hash", 0, 0, OPT_HASH},
    {"random", 0, 0, OPT_RANDOM},
    {"cp", 0, 0, OPT_CP},
    {"palette-file", 0, 1, OPT_PALETTE_FILE},
    {"reverse", 0, 0, OPT_REVERSE},
    {"inverted", 0, 0, OPT_INVERTED},
    {"flamechart", 0, 0, OPT_FLAMECHART},
    {"negate", 0, 0, OPT_NEGATE},
    {"notes", 0, 1, OPT_NOTES},
    {"encoding", 0, 1, OPT_ENCODING},
    {"nameattr", 0, 1, OPT_NAMEATTR},
    {"total", 0, 1, OPT_TOTAL},
    {"factor", 0, 1, OPT_FACTOR},
};

const size_t fk_cli_svg_noptions = sizeof fk_cli_svg_options / sizeof fk_cli_svg_options[0];

const char fk_cli_svg_usage[] =
    "  --title TEXT        title (default \"Flame Graph\")\n"
    "  --subtitle TEXT     second title line\n"
    "  --width NUM         image width in pixels (1200)\n"
    "  --height NUM        frame height in pixels (16)\n"
    "  --minwidth NUM[%]   omit frames narrower than NUM pixels, or NUM% of the\n"
    "                      total (0.1)\n"
    "  --fonttype FONT     font (Verdana)\n"
    "  --fontsize NUM      font size (12)\n"
    "  --fontwidth NUM     average glyph width relative to the size (0.59)\n"
    "  --countname TEXT    what the counts are (default from the sample type:\n"
    "                      \"samples\", \"bytes\", ...)\n"
    "  --nametype TEXT     what the names are (\"Function:\")\n"
    "  --colors PALETTE    hot (default) mem io wakeup chain java js perl red\n"
    "                      green blue aqua yellow purple orange\n"
    "  --bgcolors COLOR    yellow blue green grey, or #rrggbb\n"
    "  --hash              colour by a hash of the name (similar names alike)\n"
    "  --random            random colours (output then differs run to run)\n"
    "  --cp                keep colours consistent across graphs in a palette\n"
    "                      map file (read, then updated)\n"
    "  --palette-file FILE the palette map for --cp (palette.map)\n"
    "  --reverse           reverse the stacks (merge from the leaves)\n"
    "  --inverted          icicle graph (root at the top)\n"
    "  --flamechart        keep stacks in input order (x is time), do not sort\n"
    "  --negate            swap differential hues\n"
    "  --notes TEXT        add a notes comment to the SVG\n"
    "  --encoding NAME     XML encoding declared for the names (default UTF-8)\n"
    "  --nameattr FILE     per-name attributes: name<TAB>attr=value...\n"
    "  --total NUM         the value that is 100% (if above the real total)\n"
    "  --factor NUM        scale counts by NUM in tooltips\n";

void fk_cli_svg_init(fk_cli_svg *s)
{
    fk_svg_opts so = FK_SVG_OPTS_INIT;
    memset(s, 0, sizeof *s);
    s->so = so;
    s->palette_path = "palette.map";
}

size_t fk_cli_svg_add_options(fk_opt *dst, const fk_opt *a, size_t na)
{
    memcpy(dst, a, na * sizeof *a);
    memcpy(dst + na, fk_cli_svg_options, sizeof fk_cli_svg_options);
    return na + fk_cli_svg_noptions;
}

static int parse_int(const char *cmd, const char *opt, const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v <= 0 || v > 10000000) {
        fk_cli_error(cmd, "option '--%s' needs a positive whole number, not '%s'", opt, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int fk_cli_svg_option(fk_cli_svg *s, const char *cmd, int id, const char *arg)
{
    fk_svg_opts *so = &s->so;
    double v;
    switch (id) {
    case OPT_TITLE:
        so->title = arg;
        return 1;
    case OPT_SUBTITLE:
        so->subtitle = arg;
        return 1;
    case OPT_WIDTH:
        return parse_int(cmd, "width", arg, &so->width) < 0 ? -1 : 1;
    case OPT_HEIGHT:
        return parse_int(cmd, "height", arg, &so->frame_height) < 0 ? -1 : 1;
    case OPT_MINWIDTH: {
        size_t n = strlen(arg);
        char num[64];
        so->minwidth_percent = n > 0 && arg[n - 1] == '%';
        snprintf(num, sizeof num, "%.*s", (int)(n - (size_t)so->minwidth_percent), arg);
        if (n >= sizeof num || fk_cli_parse_double(cmd, "--minwidth", num, &so->minwidth) < 0)
            return -1;
        return 1;
    }
    case OPT_FONTTYPE:
        so->font_type = arg;
        return 1;
    case OPT_FONTSIZE:
        return fk_cli_parse_double(cmd, "--fontsize", arg, &so->font_size) < 0 ? -1 : 1;
    case OPT_FONTWIDTH:
        return fk_cli_parse_double(cmd, "--fontwidth", arg, &so->font_width) < 0 ? -1 : 1;
    case OPT_COUNTNAME:
        so->count_name = arg;
        return 1;
    case OPT_NAMETYPE:
        so->name_type = arg;
        return 1;
    case OPT_COLORS:
        if (fk_palette_from_name(&so->palette, arg) < 0) {
            fk_cli_error(cmd, "%s", fk_error_last()->message);
            return -1;
        }
        return 1;
    case OPT_BGCOLORS:
        if (!fk_svg_bgcolors_valid(arg)) {
            fk_cli_error(cmd, "unrecognized --bgcolors '%s' (yellow blue green grey #rrggbb)", arg);
            return -1;
        }
        so->bg_colors = arg;
        return 1;
    case OPT_HASH:
        so->color_mode = FK_COLOR_HASH;
        return 1;
    case OPT_RANDOM:
        so->color_mode = FK_COLOR_RANDOM;
        return 1;
    case OPT_CP:
        s->use_cp = 1;
        return 1;
    case OPT_PALETTE_FILE:
        s->palette_path = arg;
        s->use_cp = 1;
        return 1;
    case OPT_REVERSE:
        s->reverse = 1;
        return 1;
    case OPT_INVERTED:
        so->inverted = 1;
        return 1;
    case OPT_FLAMECHART:
        so->flamechart = 1;
        return 1;
    case OPT_NEGATE:
        so->negate = 1;
        return 1;
    case OPT_NOTES:
        so->notes = arg;
        return 1;
    case OPT_ENCODING:
        so->encoding = arg;
        return 1;
    case OPT_NAMEATTR:
        s->nameattr_path = arg;
        return 1;
    case OPT_TOTAL:
        return fk_cli_parse_double(cmd, "--total", arg, &so->total) < 0 ? -1 : 1;
    case OPT_FACTOR:
        if (fk_cli_parse_double(cmd, "--factor", arg, &v) < 0)
            return -1;
        if (!(v > 0)) {
            fk_cli_error(cmd, "option '--factor' needs a positive number");
            return -1;
        }
        so->factor = v;
        return 1;
    }
    return 0;
}

int fk_cli_svg_begin(fk_cli_svg *s)
{
    int err;
    if (s->so.color_mode == FK_COLOR_RANDOM)
        s->so.random_seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)clock();
    if (s->nameattr_path && (err = fk_nameattr_load(&s->nameattr, s->nameattr_path)) < 0)
        return err;
    s->so.nameattr = s->nameattr;
    if (s->use_cp) {
        if ((err = fk_palette_map_load(&s->pmap, s->palette_path)) < 0)
            return err;
        s->so.palette_map = &s->pmap;
    }
    return 0;
}

int fk_cli_svg_end(fk_cli_svg *s)
{
    if (s->use_cp && s->pmap.dirty)
        return fk_palette_map_save(&s->pmap, s->palette_path);
    return 0;
}

void fk_cli_svg_free(fk_cli_svg *s)
{
    fk_palette_map_free(&s->pmap);
    fk_nameattr_free(s->nameattr);
    s->nameattr = NULL;
    s->so.nameattr = NULL;
    s->so.palette_map = NULL;
}
