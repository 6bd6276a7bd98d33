/*
 * render_int.h - what the flame graph renderer's files share: the laid-out
 * frame list (layout.c), colours (palette.c), XML text and number
 * formatting (text.c) and per-frame attributes (nameattr.c).
 *
 * Layout produces a flat list of the frames to draw, in drawing order, with
 * start and width in value units; svg.c turns that list into the document.
 */
#ifndef FK_RENDER_INT_H
#define FK_RENDER_INT_H

#include "flamegraph.h"

#include <stddef.h>
#include <stdint.h>

/* ---- layout ------------------------------------------------------------ */

#define FK_FRAME_ROOT UINT32_MAX /* name of the root frame ("all") */

typedef struct fk_frame {
    double start;  /* value units from the left edge */
    double width;  /* value units */
    double delta;  /* differential: self delta; 0 otherwise */
    uint32_t name; /* string id in the profile, FK_FRAME_ROOT for the root */
    uint32_t depth;
    uint32_t waker; /* chain palette: below a "--" separator */
} fk_frame;

typedef struct fk_layout {
    fk_frame *frames;
    size_t count, cap;
    size_t depth_max;
    size_t pruned;
    double time;     /* sum of the column (what flamegraph.pl calls time) */
    double timemax;  /* the 100% value: time, or opts->total if larger */
    double maxdelta; /* differential: largest |delta| of a stack (>= 1) */
    int total_ignored;
} fk_layout;

/* Lay out column `type` of a trie (siblings in flamegraph.pl's order,
 * pruned to minwidth). FK_EEMPTY when the column sums to <= 0. */
int fk_layout_trie(fk_layout *l, const fk_trie *t, size_t type, const fk_svg_opts *o);

/* Lay out the profile's stacks in their order, merging only neighbours
 * (flamegraph.pl's --flamechart). */
int fk_layout_chart(fk_layout *l, const fk_profile *p, size_t type, const fk_svg_opts *o);

void fk_layout_free(fk_layout *l);

/* A copy of `src` with every stack reversed (leaf first). */
int fk_profile_reversed(fk_profile *out, const fk_profile *src);

/* ---- colours ----------------------------------------------------------- */

typedef struct fk_rgb {
    uint8_t r, g, b;
} fk_rgb;

/* flamegraph.pl's colour for a frame name under a palette and mode.
 * `rng` is the state of the random mode (ignored otherwise). */
fk_rgb fk_color_frame(fk_palette pal, fk_color_mode mode, const char *name, size_t len, int waker,
                      uint64_t *rng);

/* Differential colour: white, redder for growth, bluer for shrinkage. */
fk_rgb fk_color_scale(double delta, double maxdelta, int negate);

/* "rgb(r,g,b)" into buf (>= 17 bytes); returns the length. */
size_t fk_rgb_format(char *buf, fk_rgb c);

/* The colour stored for `name` in the map, or NULL. */
const char *fk_palette_map_find(const fk_palette_map *m, const char *name, size_t len);

/* Add name -> colour (kept sorted). 0 or FK_ENOMEM. */
int fk_palette_map_put(fk_palette_map *m, const char *name, size_t len, const char *color);

/* The two background gradient stops for opts (bg_colors, else by palette). */
int fk_bg_colors(const fk_svg_opts *o, const char **c1, const char **c2);

/* ---- text -------------------------------------------------------------- */

/* Strip a trailing _[k] _[i] _[j] _[w] annotation: the new length. */
size_t fk_strip_annotation(const char *s, size_t len);

/* Append `s` XML-escaped (& < > " '), invalid UTF-8 and characters XML
 * forbids replaced by U+FFFD. `raw8` passes bytes >= 0x80 unchanged (for
 * a declared non-UTF-8 encoding). Returns 0 or the buffer's error. */
int fk_xml_escape(fkx_buf *b, const char *s, size_t len, int raw8);

/* Characters (code points; bytes when raw8) in an escaped string, an
 * entity counting as one. */
size_t fk_xml_chars(const char *esc, size_t len, int raw8);

/* Bytes of the first `n` characters of an escaped string. */
size_t fk_xml_prefix(const char *esc, size_t len, size_t n, int raw8);

/* printf("%.Nf", v) for N = 0, 1, 2, rounded exactly as glibc does; no
 * locale. buf >= 40 bytes. Returns the length. */
size_t fk_fmt_fixed(char *buf, double v, int decimals);

/* round(a * 10^decimals) for 0 <= a < 2^53, ties to even, exact. */
uint64_t fk_round_scaled(double a, int decimals);

/* Print q / 10^decimals with that many decimals. Returns the length. */
size_t fk_fmt_scaled(char *buf, uint64_t q, int decimals);

/* Perl's default number formatting (%.15g). */
size_t fk_fmt_perl(char *buf, double v);

/* Insert thousands separators into a formatted integer. */
size_t fk_fmt_commas(char *out, const char *digits, size_t len);

/* ---- name attributes ---------------------------------------------------- */

typedef struct fk_attr {
    const char *name;
    const char *value;
} fk_attr;

typedef struct fk_nameattr_entry {
    const char *func;
    fk_attr *attrs;
    size_t nattrs;
} fk_nameattr_entry;

/* The attributes for a frame name, or NULL. */
const fk_nameattr_entry *fk_nameattr_find(const fk_nameattr *na, const char *name, size_t len);

/* The value of attribute `key` of an entry, or NULL. */
const char *fk_nameattr_get(const fk_nameattr_entry *e, const char *key);

/* Write the frame's opening tag ("<g ...>\n", or "<a ...>\n" for a link)
 * with the entry's safe attributes; *is_link picks the closing tag. */
int fk_nameattr_open(fkx_buf *b, const fk_nameattr_entry *e, int *is_link);

#endif
