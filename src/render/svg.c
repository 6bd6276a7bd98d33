/*
 * svg.c - the SVG document: header, style, the embedded flamegraph.js, the
 * controls (title, details, Reset Zoom, Search, ic, Matched) and one <g>
 * per laid-out frame, with flamegraph.pl's geometry and number formats.
 *
 * Speed: everything goes into one growable buffer; each frame reserves its
 * worst case once and is then written with plain copies. Per distinct frame
 * name, the escaped text, its length in characters and its colour are
 * computed once and cached by string id. Per depth, the y coordinates are
 * formatted once. No printf runs per frame.
 */
#include "render_int.h"

#include "util/alloc.h"
#include "util/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The script, embedded at build time from flamegraph.js (see CMakeLists). */
extern const unsigned char fk_flamegraph_js[];
extern const size_t fk_flamegraph_js_len;

#define XPAD     10.0
#define FRAMEPAD 1.0

typedef struct name_info {
    size_t off;      /* escaped name (annotation stripped) in r->names */
    uint32_t len;    /* its bytes */
    uint32_t nchars; /* its characters */
    uint8_t ready;
    uint8_t clen;
    char color[18];
} name_info;

typedef struct depth_y {
    char rect[40], text[40];
    uint8_t rect_len, text_len;
} depth_y;

typedef struct renderer {
    fkx_buf *out;
    const fk_svg_opts *o;
    const fk_profile *p;
    const fk_layout *l;
    fkx_buf names; /* escaped names, back to back */
    name_info *info;
    name_info root;
    depth_y *ys;
    char height_str[40];
    size_t height_len;
    fkx_buf count_name; /* escaped " countname, " */
    double wpt, char_px, title_factor;
    int raw8;
    uint64_t rng;
    uint32_t dash1, dash2; /* string ids of "-" and "--" */
} renderer;

static int put(fkx_buf *b, const char *s)
{
    return fkx_buf_append(b, s, strlen(s));
}

static int put_num(fkx_buf *b, double v)
{
    char tmp[48];
    size_t n = fk_fmt_perl(tmp, v);
    return fkx_buf_append(b, tmp, n);
}

static int put_fixed(fkx_buf *b, double v, int decimals)
{
    char tmp[48];
    size_t n = fk_fmt_fixed(tmp, v, decimals);
    return fkx_buf_append(b, tmp, n);
}

static int put_esc(fkx_buf *b, const char *s, int raw8)
{
    return s ? fk_xml_escape(b, s, strlen(s), raw8) : 0;
}

/* A comment body: XML forbids "--" inside and a trailing "-". */
static int put_comment_text(fkx_buf *b, const char *s)
{
    fkx_buf tmp = FKX_BUF_INIT(b->max);
    int err = put_esc(&tmp, s, 0);
    for (size_t i = 0; err == 0 && i < tmp.len; i++) {
        err = fkx_buf_putc(b, tmp.ptr[i]);
        if (err == 0 && tmp.ptr[i] == '-' && (i + 1 == tmp.len || tmp.ptr[i + 1] == '-'))
            err = fkx_buf_putc(b, ' ');
    }
    fkx_buf_free(&tmp);
    return err;
}

/* The name with annotation stripped, escaped; and its colour. */
static int name_lookup(renderer *r, uint32_t id, int waker, name_info **out)
{
    name_info *ni = id == FK_FRAME_ROOT ? &r->root : &r->info[id];
    const fk_svg_opts *o = r->o;
    int cacheable_color = o->color_mode != FK_COLOR_RANDOM && o->palette != FK_PALETTE_CHAIN;
    if (ni->ready && cacheable_color) {
        *out = ni;
        return 0;
    }
    const char *s = "";
    size_t len = 0;
    if (id != FK_FRAME_ROOT) {
        fkx_str str = fk_profile_string(r->p, id);
        s = str.ptr;
        len = str.len;
    }
    int err = 0;
    if (!ni->ready) {
        ni->off = r->names.len;
        const char *shown = id == FK_FRAME_ROOT ? "all" : s;
        size_t shown_len = id == FK_FRAME_ROOT ? 3 : fk_strip_annotation(s, len);
        if ((err = fk_xml_escape(&r->names, shown, shown_len, r->raw8)) < 0)
            return err;
        size_t n = r->names.len - ni->off;
        if (n > UINT32_MAX)
            return fkx_error_set(FK_ELIMIT, "frame name too long to draw");
        ni->len = (uint32_t)n;
        ni->nchars = (uint32_t)fk_xml_chars(r->names.ptr + ni->off, n, r->raw8);
    }
    /* Colour: separators grey, then the palette map, then the palette. */
    char buf[32];
    const char *color = NULL;
    if (len == 2 && s[0] == '-' && s[1] == '-') {
        color = "rgb(160,160,160)";
    } else if (len == 1 && s[0] == '-') {
        color = "rgb(200,200,200)";
    } else if (o->palette_map != NULL) {
        color = fk_palette_map_find(o->palette_map, s, len);
        if (color == NULL) {
            fk_rgb c = fk_color_frame(o->palette, o->color_mode, s, len, waker, &r->rng);
            fk_rgb_format(buf, c);
            color = buf;
            if ((err = fk_palette_map_put(o->palette_map, s, len, buf)) < 0)
                return err;
        }
    } else {
        fk_rgb c = fk_color_frame(o->palette, o->color_mode, s, len, waker, &r->rng);
        fk_rgb_format(buf, c);
        color = buf;
    }
    /* A map's colour is user text: escape it, and keep it short. */
    fkx_buf esc = FKX_BUF_INIT(256);
    if (fk_xml_escape(&esc, color, strnlen(color, 17), 0) == 0 && esc.len < sizeof ni->color) {
        memcpy(ni->color, esc.ptr, esc.len);
        ni->clen = (uint8_t)esc.len;
    } else {
        memcpy(ni->color, "rgb(0,0,0)", 10);
        ni->clen = 10;
    }
    fkx_buf_free(&esc);
    ni->ready = 1;
    *out = ni;
    return 0;
}

static double frame_y1(const renderer *r, double height, size_t depth)
{
    const fk_svg_opts *o = r->o;
    double ypad1 = o->font_size * 3, ypad2 = o->font_size * 2 + 10;
    double fh = (double)o->frame_height;
    if (!o->inverted)
        return height - ypad2 - (double)(depth + 1) * fh + FRAMEPAD;
    double top = ypad1 + (o->subtitle && o->subtitle[0] ? o->font_size * 2 : 0);
    return top + (double)depth * fh;
}

static int prepare_depths(renderer *r, double height)
{
    const fk_svg_opts *o = r->o;
    r->ys = fkx_malloc((r->l->depth_max + 1) * sizeof *r->ys);
    if (r->ys == NULL)
        return FK_ENOMEM;
    double fh = (double)o->frame_height;
    for (size_t d = 0; d <= r->l->depth_max; d++) {
        double y1 = frame_y1(r, height, d);
        double y2 = y1 + fh - FRAMEPAD;
        r->ys[d].rect_len = (uint8_t)fk_fmt_perl(r->ys[d].rect, y1);
        r->ys[d].text_len = (uint8_t)fk_fmt_perl(r->ys[d].text, 3 + (y1 + y2) / 2);
    }
    r->height_len = fk_fmt_fixed(r->height_str, fh - FRAMEPAD, 1);
    return 0;
}

#define PUT_LIT(o, s)                                                                              \
    do {                                                                                           \
        memcpy((o), (s), sizeof(s) - 1);                                                           \
        (o) += sizeof(s) - 1;                                                                      \
    } while (0)

#define PUT_N(o, s, n)                                                                             \
    do {                                                                                           \
        memcpy((o), (s), (n));                                                                     \
        (o) += (n);                                                                                \
    } while (0)

/* One frame: <g><title/><rect/><text/></g>. */
static int put_frame(renderer *r, const fk_frame *f)
{
    const fk_svg_opts *o = r->o;
    fkx_buf *b = r->out;
    int err;
    name_info *ni = NULL;
    if ((err = name_lookup(r, f->name, (int)f->waker, &ni)) < 0)
        return err;
    const char *esc = r->names.ptr + ni->off;
    int diff = o->diff_base >= 0;
    char color[20];
    size_t clen = ni->clen;
    memcpy(color, ni->color, clen);
    if (diff && f->name != FK_FRAME_ROOT) {
        fkx_str s = fk_profile_string(r->p, f->name);
        int grey = (s.len == 1 && s.ptr[0] == '-') || (s.len == 2 && memcmp(s.ptr, "--", 2) == 0);
        if (!grey)
            clen = fk_rgb_format(color, fk_color_scale(f->delta, r->l->maxdelta, o->negate));
    }

    const fk_nameattr_entry *na = NULL;
    const char *title_override = NULL;
    if (o->nameattr != NULL && f->name != FK_FRAME_ROOT) {
        fkx_str s = fk_profile_string(r->p, f->name);
        na = fk_nameattr_find(o->nameattr, s.ptr, s.len);
        title_override = fk_nameattr_get(na, "title");
    }
    int is_link = 0;
    if (na != NULL) {
        if ((err = fk_nameattr_open(b, na, &is_link)) < 0)
            return err;
    } else if ((err = fkx_buf_append(b, "<g>\n", 4)) < 0) {
        return err;
    }
    if (title_override != NULL) {
        if ((err = fkx_buf_append(b, "<title>", 7)) < 0 ||
            (err = put_esc(b, title_override, r->raw8)) < 0)
            return err;
    }

    /* Worst case for the rest: the name twice plus fixed text. */
    if ((err = fkx_buf_reserve(b, 2 * (size_t)ni->len + r->count_name.len + 400)) < 0)
        return err;
    char *p = b->ptr + b->len;
    double x1 = XPAD + f->start * r->wpt;
    double x2 = XPAD + (f->start + f->width) * r->wpt;
    char num[48];
    size_t n;

    if (title_override == NULL) {
        /* NAME (N samples, P%) */
        PUT_LIT(p, "<title>");
        PUT_N(p, esc, ni->len);
        PUT_LIT(p, " (");
        double samples = f->width * o->factor;
        char digits[48];
        size_t dl = fk_fmt_fixed(digits, samples, 0);
        n = fk_fmt_commas(num, digits, dl);
        PUT_N(p, num, n);
        PUT_N(p, r->count_name.ptr, r->count_name.len);
        if (f->name == FK_FRAME_ROOT) {
            PUT_LIT(p, "100%");
        } else {
            double s = samples == floor(samples) ? samples : strtod(digits, NULL);
            n = fk_fmt_fixed(num, (100 * s) / r->title_factor, 2);
            PUT_N(p, num, n);
            *p++ = '%';
            if (diff) {
                double d = o->negate ? -f->delta : f->delta;
                PUT_LIT(p, "; ");
                if (d > 0)
                    *p++ = '+';
                n = fk_fmt_fixed(num, (100 * d) / r->title_factor, 2);
                PUT_N(p, num, n);
                *p++ = '%';
            }
        }
        *p++ = ')';
    }
    PUT_LIT(p, "</title><rect x=\"");
    uint64_t q1 = fk_round_scaled(x1, 1), q2 = fk_round_scaled(x2, 1);
    n = fk_fmt_scaled(num, q1, 1);
    PUT_N(p, num, n);
    PUT_LIT(p, "\" y=\"");
    PUT_N(p, r->ys[f->depth].rect, r->ys[f->depth].rect_len);
    PUT_LIT(p, "\" width=\"");
    n = fk_fmt_scaled(num, q2 >= q1 ? q2 - q1 : 0, 1);
    PUT_N(p, num, n);
    PUT_LIT(p, "\" height=\"");
    PUT_N(p, r->height_str, r->height_len);
    PUT_LIT(p, "\" fill=\"");
    PUT_N(p, color, clen);
    PUT_LIT(p, "\" rx=\"2\" ry=\"2\" />\n<text x=\"");
    n = fk_fmt_scaled(num, fk_round_scaled(x1 + 3, 2), 2);
    PUT_N(p, num, n);
    PUT_LIT(p, "\" y=\"");
    PUT_N(p, r->ys[f->depth].text, r->ys[f->depth].text_len);
    PUT_LIT(p, "\">");
    /* The label: as many characters as fit, ".." marking a cut. */
    double chars_d = (x2 - x1) / r->char_px;
    size_t chars = chars_d >= 3 ? (size_t)chars_d : 0;
    if (chars >= 3) {
        if (ni->nchars <= chars) {
            PUT_N(p, esc, ni->len);
        } else {
            size_t keep = fk_xml_prefix(esc, ni->len, chars - 2, r->raw8);
            PUT_N(p, esc, keep);
            PUT_LIT(p, "..");
        }
    }
    PUT_LIT(p, "</text>\n");
    if (is_link)
        PUT_LIT(p, "</a>\n");
    else
        PUT_LIT(p, "</g>\n");
    b->len = (size_t)(p - b->ptr);
    b->ptr[b->len] = '\0';
    return 0;
}

/* <text id=.. x=.. y=.. extra>str</text> as flamegraph.pl's stringTTF. */
static int put_text(fkx_buf *b, const char *id, double x, double y, const char *extra,
                    const char *str, int raw8)
{
    int err = put(b, "<text id=\"");
    if (err == 0)
        err = put(b, id);
    if (err == 0)
        err = put(b, "\" x=\"");
    if (err == 0)
        err = put_fixed(b, x, 2);
    if (err == 0)
        err = put(b, "\" y=\"");
    if (err == 0)
        err = put_num(b, y);
    if (err == 0)
        err = put(b, "\"");
    if (err == 0 && extra)
        err = put(b, extra);
    if (err == 0)
        err = put(b, ">");
    if (err == 0)
        err = put_esc(b, str, raw8);
    if (err == 0)
        err = put(b, "</text>\n");
    return err;
}

static int put_attr_num(fkx_buf *b, const char *name, double v)
{
    int err = put(b, name);
    if (err == 0)
        err = put_num(b, v);
    if (err == 0)
        err = put(b, "\"");
    return err;
}

static const char *default_title(const fk_svg_opts *o)
{
    if (o->title && o->title[0])
        return o->title;
    if (o->flamechart)
        return "Flame Chart";
    return o->inverted ? "Icicle Graph" : "Flame Graph";
}

static int put_header(fkx_buf *b, const fk_svg_opts *o, double width, double height)
{
    int err = put(b, "<?xml version=\"1.0\"");
    if (err == 0 && o->encoding) {
        err = put(b, " encoding=\"");
        if (err == 0)
            err = put_esc(b, o->encoding, 0);
        if (err == 0)
            err = put(b, "\"");
    }
    if (err == 0)
        err = put(b, " standalone=\"no\"?>\n"
                     "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
                     "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
                     "<svg version=\"1.1\" width=\"");
    if (err == 0)
        err = put_num(b, width);
    if (err == 0)
        err = put(b, "\" height=\"");
    if (err == 0)
        err = put_num(b, height);
    if (err == 0)
        err = put(b, "\" onload=\"init(evt)\" viewBox=\"0 0 ");
    if (err == 0)
        err = put_num(b, width);
    if (err == 0)
        err = put(b, " ");
    if (err == 0)
        err = put_num(b, height);
    if (err == 0)
        err = put(b, "\" xmlns=\"http://www.w3.org/2000/svg\" "
                     "xmlns:xlink=\"http://www.w3.org/1999/xlink\"");
    return err;
}

static int put_document_start(renderer *r, double height)
{
    const fk_svg_opts *o = r->o;
    fkx_buf *b = r->out;
    const char *bg1, *bg2;
    int raw8 = r->raw8;
    double width = (double)o->width;
    int err = fk_bg_colors(o, &bg1, &bg2);
    if (err == 0)
        err = put_header(b, o, width, height);
    /* Settings for the script, which is the same file in every graph. */
    if (err == 0)
        err = put(b, " data-nametype=\"");
    if (err == 0)
        err = put_esc(b, o->name_type, raw8);
    if (err == 0)
        err = put(b, "\" data-countname=\"");
    if (err == 0)
        err = put_esc(b, o->count_name, raw8);
    if (err == 0)
        err = put_attr_num(b, "\" data-fontsize=\"", o->font_size);
    if (err == 0)
        err = put_attr_num(b, " data-fontwidth=\"", o->font_width);
    if (err == 0)
        err = put_attr_num(b, " data-xpad=\"", XPAD);
    if (err == 0)
        err = put(b, o->inverted ? " data-inverted=\"1\">\n" : " data-inverted=\"0\">\n");
    if (err == 0)
        err = put(b, "<!-- Flame graph stack visualization, drawn by flamekit svg "
                     "(layout, options and controls after flamegraph.pl). -->\n<!-- NOTES: ");
    if (err == 0)
        err = put_comment_text(b, o->notes ? o->notes : "");
    if (err == 0)
        err = put(b, " -->\n<defs>\n\t<linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" "
                     "x2=\"0\" >\n\t\t<stop stop-color=\"");
    if (err == 0)
        err = put(b, bg1);
    if (err == 0)
        err = put(b, "\" offset=\"5%\" />\n\t\t<stop stop-color=\"");
    if (err == 0)
        err = put(b, bg2);
    if (err == 0)
        err = put(b, "\" offset=\"95%\" />\n\t</linearGradient>\n</defs>\n"
                     "<style type=\"text/css\">\n\ttext { font-family:");
    if (err == 0) {
        /* Font names go into CSS: keep characters that cannot end a rule. */
        fkx_buf font = FKX_BUF_INIT(4096);
        for (const char *s = o->font_type; err == 0 && *s; s++)
            if (!strchr("{};<>&\\", *s))
                err = fkx_buf_putc(&font, *s);
        if (err == 0)
            err = fk_xml_escape(b, font.ptr ? font.ptr : "", font.len, raw8);
        fkx_buf_free(&font);
    }
    if (err == 0)
        err = put(b, "; font-size:");
    if (err == 0)
        err = put_num(b, o->font_size);
    if (err == 0)
        err = put(b, "px; fill:rgb(0,0,0); }\n"
                     "\t#search, #ignorecase { opacity:0.1; cursor:pointer; }\n"
                     "\t#search:hover, #search.show, #ignorecase:hover, #ignorecase.show "
                     "{ opacity:1; }\n"
                     "\t#subtitle { text-anchor:middle; fill:rgb(160,160,160); }\n"
                     "\t#matched { text-anchor:end; }\n"
                     "\t#title { text-anchor:middle; font-size:");
    if (err == 0)
        err = put_num(b, o->font_size + 5);
    if (err == 0)
        err = put(b, "px; }\n"
                     "\t#unzoom { cursor:pointer; }\n"
                     "\t#frames > *:hover { stroke:black; stroke-width:0.5; cursor:pointer; }\n"
                     "\t.hide { display:none; }\n"
                     "\t.parent { opacity:0.5; }\n"
                     "</style>\n<script type=\"text/ecmascript\">\n<![CDATA[\n");
    if (err == 0)
        err = fkx_buf_append(b, (const char *)fk_flamegraph_js, fk_flamegraph_js_len);
    if (err == 0)
        err = put(b, "]]>\n</script>\n<rect x=\"0.0\" y=\"0\" width=\"");
    if (err == 0)
        err = put_fixed(b, width, 1);
    if (err == 0)
        err = put(b, "\" height=\"");
    if (err == 0)
        err = put_fixed(b, height, 1);
    if (err == 0)
        err = put(b, "\" fill=\"url(#background)\" />\n");

    double fs = o->font_size, ypad2 = fs * 2 + 10;
    double mid = floor(width / 2);
    if (err == 0)
        err = put_text(b, "title", mid, fs * 2, NULL, default_title(o), raw8);
    if (err == 0 && o->subtitle && o->subtitle[0])
        err = put_text(b, "subtitle", mid, fs * 4, NULL, o->subtitle, raw8);
    if (err == 0)
        err = put_text(b, "details", XPAD, height - ypad2 / 2, NULL, " ", 0);
    if (err == 0)
        err = put_text(b, "unzoom", XPAD, fs * 2, " class=\"hide\"", "Reset Zoom", 0);
    if (err == 0)
        err = put_text(b, "search", width - XPAD - 100, fs * 2, NULL, "Search", 0);
    if (err == 0)
        err = put_text(b, "ignorecase", width - XPAD - 16, fs * 2, NULL, "ic", 0);
    if (err == 0)
        err = put_text(b, "matched", width - XPAD, height - ypad2 / 2, NULL, " ", 0);
    if (err == 0)
        err = put(b, "<g id=\"frames\">\n");
    return err;
}

static int check_opts(const fk_svg_opts *o)
{
    if (o->version != FK_SVG_OPTS_VERSION)
        return fkx_error_set(FK_EINVAL, "fk_svg_opts: unsupported version %d", o->version);
    if (o->width < 30 || o->width > 10000000)
        return fkx_error_set(FK_EINVAL, "width must be between 30 and 10000000 pixels");
    if (o->frame_height < 2 || o->frame_height > 100000)
        return fkx_error_set(FK_EINVAL, "frame height must be between 2 and 100000 pixels");
    if (!(o->font_size > 0 && o->font_size < 100000) || !(o->font_width > 0) ||
        !(o->font_width < 1000))
        return fkx_error_set(FK_EINVAL, "font size and width must be positive");
    if (!(o->minwidth >= 0) || !isfinite(o->minwidth))
        return fkx_error_set(FK_EINVAL, "minwidth must be a non-negative number");
    if (!(o->factor > 0) || !isfinite(o->factor))
        return fkx_error_set(FK_EINVAL, "factor must be a positive number");
    if (!(o->total >= 0) || !isfinite(o->total))
        return fkx_error_set(FK_EINVAL, "total must be a non-negative number");
    if (o->bg_colors && o->bg_colors[0] && !fk_svg_bgcolors_valid(o->bg_colors))
        return fkx_error_set(FK_EINVAL, "unrecognized --bgcolors value '%s'", o->bg_colors);
    if (o->encoding) {
        const char *e = o->encoding;
        int ok = (e[0] >= 'A' && e[0] <= 'Z') || (e[0] >= 'a' && e[0] <= 'z');
        for (size_t i = 1; ok && e[i]; i++)
            ok = strchr("._-", e[i]) || (e[i] >= '0' && e[i] <= '9') ||
                 (e[i] >= 'A' && e[i] <= 'Z') || (e[i] >= 'a' && e[i] <= 'z');
        if (!ok)
            return fkx_error_set(FK_EINVAL, "invalid encoding name '%s'", e);
    }
    return 0;
}

static int is_utf8_name(const char *e)
{
    return e == NULL || strcasecmp(e, "utf-8") == 0 || strcasecmp(e, "utf8") == 0;
}

static int render_layout(fkx_buf *out, const fk_profile *p, const fk_layout *l,
                         const fk_svg_opts *opts, fk_svg_stats *stats)
{
    fk_svg_opts o = *opts;
    if (o.count_name == NULL)
        o.count_name = "samples";
    if (o.name_type == NULL)
        o.name_type = "Function:";
    if (o.font_type == NULL)
        o.font_type = "Verdana";
    renderer r;
    memset(&r, 0, sizeof r);
    r.out = out;
    r.o = &o;
    r.p = p;
    r.l = l;
    r.raw8 = !is_utf8_name(o.encoding);
    r.rng = o.random_seed;
    r.names = (fkx_buf)FKX_BUF_INIT((size_t)1 << 40);
    r.count_name = (fkx_buf)FKX_BUF_INIT(1 << 20);
    r.wpt = ((double)o.width - 2 * XPAD) / l->timemax;
    r.char_px = o.font_size * o.font_width;
    r.title_factor = l->timemax * o.factor;
    int err = 0;
    r.info = fkx_calloc(p->strings.count ? p->strings.count : 1, sizeof *r.info);
    if (r.info == NULL)
        return FK_ENOMEM;
    double height =
        (double)(l->depth_max + 1) * o.frame_height + o.font_size * 3 + (o.font_size * 2 + 10);
    if (o.subtitle && o.subtitle[0])
        height += o.font_size * 2;
    if ((err = fkx_buf_append(&r.count_name, " ", 1)) == 0 &&
        (err = put_esc(&r.count_name, o.count_name, r.raw8)) == 0)
        err = fkx_buf_append(&r.count_name, ", ", 2);
    if (err == 0)
        err = prepare_depths(&r, height);
    /* Reserve about what the frames will take, so the buffer grows once. */
    if (err == 0)
        err = fkx_buf_reserve(out, fk_flamegraph_js_len + 4096 + l->count * 200);
    if (err == 0)
        err = put_document_start(&r, height);
    for (size_t i = 0; err == 0 && i < l->count; i++)
        err = put_frame(&r, &l->frames[i]);
    if (err == 0)
        err = put(out, "</g>\n</svg>\n");
    if (err == 0 && stats != NULL) {
        stats->frames = l->count;
        stats->elements = (o.subtitle && o.subtitle[0] ? 14u : 13u) + 4 * l->count;
        stats->pruned = l->pruned;
        stats->depth_max = l->depth_max;
        stats->total = l->timemax;
        stats->total_ignored = l->total_ignored;
    }
    fkx_free(r.info);
    fkx_free(r.ys);
    fkx_buf_free(&r.names);
    fkx_buf_free(&r.count_name);
    return err;
}

int fk_svg_render(fkx_buf *out, const fk_trie *trie, size_t type, const fk_svg_opts *opts,
                  fk_svg_stats *stats)
{
    int err = check_opts(opts);
    if (err < 0)
        return err;
    if (type >= trie->ntypes)
        return fkx_error_set(FK_EINVAL, "no sample type column %zu", type);
    fk_layout l;
    if ((err = fk_layout_trie(&l, trie, type, opts)) < 0)
        return err;
    size_t mark = out->len;
    err = render_layout(out, trie->profile, &l, opts, stats);
    if (err < 0 && out->ptr) {
        out->len = mark; /* nothing half-written stays in the buffer */
        out->ptr[mark] = '\0';
    }
    fk_layout_free(&l);
    return err;
}

int fk_svg_render_profile(fkx_buf *out, const fk_profile *p, size_t type, int reverse,
                          const fk_svg_opts *opts, fk_svg_stats *stats)
{
    int err = check_opts(opts);
    if (err < 0)
        return err;
    if (type >= p->ntypes)
        return fkx_error_set(FK_EINVAL, "no sample type column %zu", type);
    fk_profile rev;
    const fk_profile *src = p;
    if (reverse) {
        if ((err = fk_profile_reversed(&rev, p)) < 0)
            return err;
        src = &rev;
    }
    if (opts->flamechart) {
        fk_layout l;
        if ((err = fk_layout_chart(&l, src, type, opts)) == 0) {
            size_t mark = out->len;
            err = render_layout(out, src, &l, opts, stats);
            if (err < 0 && out->ptr) {
                out->len = mark;
                out->ptr[mark] = '\0';
            }
            fk_layout_free(&l);
        }
    } else {
        fk_trie t;
        if ((err = fk_trie_build(&t, src)) == 0) {
            err = fk_svg_render(out, &t, type, opts, stats);
            fk_trie_free(&t);
        }
    }
    if (reverse)
        fk_profile_free(&rev);
    return err;
}

int fk_svg_render_error(fkx_buf *out, const fk_svg_opts *opts, const char *message)
{
    double fs = opts->font_size > 0 ? opts->font_size : 12;
    double width = opts->width > 0 ? (double)opts->width : 1200;
    int err = put_header(out, opts, width, fs * 5);
    if (err == 0)
        err = put(out, ">\n<text x=\"");
    if (err == 0)
        err = put_fixed(out, floor(width / 2), 2);
    if (err == 0)
        err = put(out, "\" y=\"");
    if (err == 0)
        err = put_num(out, fs * 2);
    if (err == 0)
        err = put(out, "\" text-anchor=\"middle\" font-size=\"");
    if (err == 0)
        err = put_num(out, fs + 2);
    if (err == 0)
        err = put(out, "\" font-family=\"Verdana\">");
    if (err == 0)
        err = put_esc(out, message, 0);
    if (err == 0)
        err = put(out, "</text>\n</svg>\n");
    return err;
}

const char *fk_svg_count_name(const char *unit)
{
    if (unit == NULL || unit[0] == '\0' || strcmp(unit, "count") == 0 ||
        strcmp(unit, "samples") == 0)
        return "samples";
    return unit; /* bytes, nanoseconds, ... name themselves */
}
