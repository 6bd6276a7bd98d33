/*
 * flamegraph.h - interactive SVG flame graphs, laid out as flamegraph.pl
 * lays them out, from a profile's stack trie.
 *
 * fk_svg_render() lays out one value column of a profile (frame height,
 * paddings, x = 10 + start * scale, minwidth pruning, fitted labels, titles
 * "NAME (N samples, P%)") and appends one self-contained SVG document, with
 * the interactive script of flamegraph.js embedded, to a growable buffer.
 * Every name, title, note and attribute is XML-escaped and invalid UTF-8 is
 * replaced, so the output is well-formed XML whatever the frame names hold.
 * Same input and options give the same bytes (unless `random` is set).
 *
 * The renderer reads the profile and trie it is given and never keeps
 * pointers to them. Not thread-safe per call (each call may use its own
 * buffers; separate calls on separate data may run in parallel).
 */
#ifndef FK_RENDER_FLAMEGRAPH_H
#define FK_RENDER_FLAMEGRAPH_H

#include "profile/profile.h"
#include "profile/trie.h"
#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

/* flamegraph.pl's --colors palettes. */
typedef enum fk_palette {
    FK_PALETTE_HOT = 0,
    FK_PALETTE_MEM,
    FK_PALETTE_IO,
    FK_PALETTE_WAKEUP,
    FK_PALETTE_CHAIN,
    FK_PALETTE_JAVA,
    FK_PALETTE_JS,
    FK_PALETTE_PERL,
    FK_PALETTE_RED,
    FK_PALETTE_GREEN,
    FK_PALETTE_BLUE,
    FK_PALETTE_AQUA,
    FK_PALETTE_YELLOW,
    FK_PALETTE_PURPLE,
    FK_PALETTE_ORANGE,
} fk_palette;

/* How frame colours are drawn from a palette. */
typedef enum fk_color_mode {
    FK_COLOR_NAME = 0, /* default: seeded by the name, as flamegraph.pl's default */
    FK_COLOR_HASH,     /* --hash: flamegraph.pl's name-hash (similar names, similar colours) */
    FK_COLOR_RANDOM,   /* --random: random per frame (the only non-deterministic mode) */
} fk_color_mode;

/* A name -> colour map (flamegraph.pl's --cp palette.map). Entries are kept
 * sorted by name. Colours found here are used as they are; frames without
 * an entry get a computed colour, which is added. */
typedef struct fk_palette_map_entry {
    char *name; /* NUL-terminated copy; name_len bytes (may hold NULs) */
    size_t name_len;
    char *color;
} fk_palette_map_entry;

typedef struct fk_palette_map {
    fk_palette_map_entry *entries;
    size_t count, cap;
    int dirty; /* entries were added since load */
} fk_palette_map;

/* Per-frame extra attributes (flamegraph.pl's --nameattr file). */
typedef struct fk_nameattr fk_nameattr;

typedef struct fk_svg_opts {
    int version;            /* FK_SVG_OPTS_VERSION */
    const char *title;      /* NULL: "Flame Graph", "Icicle Graph" or "Flame Chart" */
    const char *subtitle;   /* NULL or "": none */
    int width;              /* image width in pixels (1200) */
    int frame_height;       /* pixels per frame (16) */
    double minwidth;        /* omit frames narrower than this (0.1) ... */
    int minwidth_percent;   /* ... pixels, or percent of the total when 1 */
    const char *font_type;  /* "Verdana" */
    double font_size;       /* 12 */
    double font_width;      /* 0.59: average glyph width / font size */
    const char *count_name; /* NULL: from the sample type's unit ("samples", "bytes", ...) */
    const char *name_type;  /* "Function:" */
    fk_palette palette;     /* hot */
    const char *bg_colors;  /* NULL: by palette; yellow blue green grey or #rrggbb */
    fk_color_mode color_mode;
    uint64_t random_seed;        /* for FK_COLOR_RANDOM */
    fk_palette_map *palette_map; /* --cp: may be NULL */
    const fk_nameattr *nameattr; /* may be NULL */
    int inverted;                /* icicle graph */
    int flamechart;              /* stacks in profile order, not merged across gaps */
    int negate;                  /* swap differential hues */
    long diff_base;              /* differential: column of the "before" values; -1 none */
    const char *notes;           /* embedded as an XML comment; NULL none */
    const char *encoding;        /* XML declaration's encoding; NULL: none (UTF-8) */
    double total;                /* > 0: the 100% value (if not below the real total) */
    double factor;               /* scale counts by this in titles (1) */
} fk_svg_opts;

#define FK_SVG_OPTS_VERSION 1

#define FK_SVG_OPTS_INIT                                                                           \
    {                                                                                              \
        FK_SVG_OPTS_VERSION, NULL, NULL, 1200, 16, 0.1, 0, "Verdana", 12.0, 0.59, NULL,            \
            "Function:", FK_PALETTE_HOT, NULL, FK_COLOR_NAME, 0, NULL, NULL, 0, 0, 0, -1, NULL,    \
            NULL, 0.0, 1.0                                                                         \
    }

/* What fk_svg_render() drew, for reports and benchmarks. */
typedef struct fk_svg_stats {
    size_t frames;     /* frames drawn (each is a <g> with title, rect, text) */
    size_t elements;   /* XML elements in the document */
    size_t pruned;     /* trie nodes below minwidth */
    size_t depth_max;  /* deepest drawn frame */
    double total;      /* the 100% value */
    int total_ignored; /* opts.total was below the real total and was ignored */
} fk_svg_stats;

/* Render column `type` of the profile whose trie is `trie` and append the
 * SVG to `out`. `stats` may be NULL. Returns 0; FK_EEMPTY (nothing appended)
 * when the column holds no positive value; FK_EINVAL for a bad option
 * (message recorded); FK_ENOMEM or FK_ELIMIT (out's cap) otherwise. */
int fk_svg_render(fkx_buf *out, const fk_trie *trie, size_t type, const fk_svg_opts *opts,
                  fk_svg_stats *stats);

/* Same, from a profile: builds the trie (reversing stacks when `reverse`),
 * or lays out stacks in profile order for opts->flamechart. */
int fk_svg_render_profile(fkx_buf *out, const fk_profile *p, size_t type, int reverse,
                          const fk_svg_opts *opts, fk_svg_stats *stats);

/* Append flamegraph.pl's error document: an SVG that shows `message`. */
int fk_svg_render_error(fkx_buf *out, const fk_svg_opts *opts, const char *message);

/* The countname flamegraph.pl would use for a sample type unit: "count" ->
 * "samples", "bytes" -> "bytes", "nanoseconds" -> "nanoseconds", ... */
const char *fk_svg_count_name(const char *unit);

/* Palettes by flamegraph.pl's name; 0 or FK_EINVAL. */
int fk_palette_from_name(fk_palette *out, const char *name);
const char *fk_palette_name(fk_palette p);

/* Is `bg` a valid --bgcolors value? 1 or 0. */
int fk_svg_bgcolors_valid(const char *bg);

/* Read a palette map file ("name->rgb(r,g,b)" lines). A missing file is an
 * empty map. 0, FK_EIO, FK_ENOMEM. */
int fk_palette_map_load(fk_palette_map *m, const char *path);

/* Write the map sorted by name (whole-or-nothing). 0 or FK_EIO. */
int fk_palette_map_save(const fk_palette_map *m, const char *path);

void fk_palette_map_free(fk_palette_map *m);

/* Read a --nameattr file: "name<TAB>attr=value<TAB>attr=value..." lines.
 * 0, FK_EIO, FK_EFORMAT (message names file and line), FK_ENOMEM. */
int fk_nameattr_load(fk_nameattr **out, const char *path);
void fk_nameattr_free(fk_nameattr *na);

#endif
