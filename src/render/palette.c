/*
 * palette.c - frame colours: flamegraph.pl's palettes and how it picks a
 * point in them, differential colours, backgrounds, and the --cp palette
 * map file.
 *
 * A palette turns one to three numbers in [0, 1) into an rgb triple. Where
 * the numbers come from is the colour mode: by default they come from the
 * frame name the way flamegraph.pl's default does (a generator seeded with
 * the sum of the name's code points), so the same name gets the same colour
 * here, in every run and in flamegraph.pl; --hash uses its name-hash (early
 * characters weigh most, so similar names get similar colours); --random
 * draws fresh numbers per frame.
 */
#include "render_int.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/input.h"
#include "util/output.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const palette_names[] = {
    "hot", "mem",   "io",   "wakeup", "chain",  "java",   "js",     "perl",
    "red", "green", "blue", "aqua",   "yellow", "purple", "orange",
};

int fk_palette_from_name(fk_palette *out, const char *name)
{
    for (size_t i = 0; i < sizeof palette_names / sizeof palette_names[0]; i++) {
        if (strcmp(palette_names[i], name) == 0) {
            *out = (fk_palette)i;
            return 0;
        }
    }
    return fkx_error_set(FK_EINVAL,
                         "unknown palette '%s' (hot mem io wakeup chain java js perl red green "
                         "blue aqua yellow purple orange)",
                         name);
}

const char *fk_palette_name(fk_palette p)
{
    size_t i = (size_t)p;
    return i < sizeof palette_names / sizeof palette_names[0] ? palette_names[i] : "hot";
}

/* Decode the code point at s[i] (a lone invalid byte is its own value);
 * *next receives the index after it. */
static uint32_t decode_at(const unsigned char *s, size_t len, size_t i, size_t *next)
{
    unsigned c = s[i];
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n <= 1 || i + n > len) {
        *next = i + 1;
        return c;
    }
    uint32_t cp = c & (0xFFu >> (n + 1));
    for (size_t k = 1; k < n; k++) {
        if ((s[i + k] & 0xC0) != 0x80) {
            *next = i + 1;
            return c;
        }
        cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    *next = i + n;
    return cp;
}

/* Start of the character that ends just before s[end]. */
static size_t char_before(const unsigned char *s, size_t end)
{
    size_t i = end - 1;
    size_t k = 0;
    while (i > 0 && k < 3 && (s[i] & 0xC0) == 0x80) {
        i--;
        k++;
    }
    size_t next;
    decode_at(s, end, i, &next);
    return next == end ? i : end - 1;
}

/* flamegraph.pl's namehash over up to three code points. */
static double namehash_cps(const uint32_t *cp, size_t n)
{
    double vector = 0, weight = 1, max = 1;
    unsigned mod = 10;
    for (size_t k = 0; k < n && k < 3; k++) {
        double i = (double)(cp[k] % mod);
        vector += (i / (double)(mod - 1)) * weight;
        mod++;
        max += 1 * weight;
        weight *= 0.70;
    }
    return 1 - vector / max;
}

/* namehash(name): a module prefix up to the first backtick (past the first
 * character) is dropped first. */
static double namehash(const unsigned char *s, size_t len)
{
    size_t i = 0;
    for (size_t k = 1; k < len; k++) {
        if (s[k] == '`') {
            i = k + 1;
            break;
        }
    }
    uint32_t cp[3];
    size_t n = 0;
    while (i < len && n < 3)
        cp[n++] = decode_at(s, len, i, &i);
    return namehash_cps(cp, n);
}

/* namehash(reverse name): the reversed string loses everything up to its
 * first backtick past its first character, i.e. the original keeps what is
 * before its last backtick that is not its final character. */
static double namehash_reversed(const unsigned char *s, size_t len)
{
    size_t end = len;
    if (len > 0) {
        size_t last = char_before(s, len);
        for (size_t k = last; k-- > 0;) {
            if (s[k] == '`') {
                end = k;
                break;
            }
        }
    }
    uint32_t cp[3];
    size_t n = 0;
    while (end > 0 && n < 3) {
        size_t st = char_before(s, end);
        size_t next;
        cp[n++] = decode_at(s, end, st, &next);
        end = st;
    }
    return namehash_cps(cp, n);
}

/* flamegraph.pl's default: srand(sum of code points mod 2^32); rand(1),
 * with Perl's own drand48 (the same on every platform). */
static double name_seeded(const unsigned char *s, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < len;)
        sum += decode_at(s, len, i, &i);
    uint64_t x = 0x330Eu + ((uint64_t)sum << 16);
    x = (x * 0x5DEECE66Dull + 0xB) & 0xFFFFFFFFFFFFull;
    return (double)x / 281474976710656.0; /* 2^48 */
}

static double next_random(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return (double)((x * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

static int has(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    if (n > len)
        return 0;
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(s + i, needle, n) == 0)
            return 1;
    return 0;
}

static int ends(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

static int java_prefix(const char *s, size_t len)
{
    static const char *const pkgs[] = {"java/", "javax/", "jdk/", "net/",
                                       "org/",  "com/",   "io/",  "sun/"};
    if (len > 0 && s[0] == 'L') {
        s++;
        len--;
    }
    for (size_t i = 0; i < sizeof pkgs / sizeof pkgs[0]; i++) {
        size_t n = strlen(pkgs[i]);
        if (len >= n && memcmp(s, pkgs[i], n) == 0)
            return 1;
    }
    return 0;
}

/* A "/" followed somewhere later by ".js". */
static int js_path(const char *s, size_t len)
{
    const char *slash = memchr(s, '/', len);
    if (slash == NULL)
        return 0;
    size_t off = (size_t)(slash - s) + 1;
    return has(s + off, len - off, ".js");
}

/* The flat palette a multi palette picks for a name. */
static fk_palette resolve(fk_palette pal, const char *s, size_t len, int waker)
{
    switch (pal) {
    case FK_PALETTE_JAVA:
        if (ends(s, len, "_[j]"))
            return FK_PALETTE_GREEN;
        if (ends(s, len, "_[i]"))
            return FK_PALETTE_AQUA;
        if (java_prefix(s, len) || has(s, len, ":::"))
            return FK_PALETTE_GREEN;
        if (has(s, len, "::"))
            return FK_PALETTE_YELLOW;
        if (ends(s, len, "_[k]"))
            return FK_PALETTE_ORANGE;
        return FK_PALETTE_RED;
    case FK_PALETTE_JS:
        if (ends(s, len, "_[j]"))
            return memchr(s, '/', len) ? FK_PALETTE_GREEN : FK_PALETTE_AQUA;
        if (has(s, len, "::"))
            return FK_PALETTE_YELLOW;
        if (js_path(s, len))
            return FK_PALETTE_GREEN;
        if (memchr(s, ':', len))
            return FK_PALETTE_AQUA;
        if (len == 1 && s[0] == ' ')
            return FK_PALETTE_GREEN;
        if (has(s, len, "_[k]"))
            return FK_PALETTE_ORANGE;
        return FK_PALETTE_RED;
    case FK_PALETTE_PERL:
        if (has(s, len, "::"))
            return FK_PALETTE_YELLOW;
        if (has(s, len, "Perl") || has(s, len, ".pl"))
            return FK_PALETTE_GREEN;
        if (ends(s, len, "_[k]"))
            return FK_PALETTE_ORANGE;
        return FK_PALETTE_RED;
    case FK_PALETTE_WAKEUP:
        return FK_PALETTE_AQUA;
    case FK_PALETTE_CHAIN:
        return waker || has(s, len, "_[w]") ? FK_PALETTE_AQUA : FK_PALETTE_BLUE;
    default:
        return pal;
    }
}

static fk_rgb rgb(int r, int g, int b)
{
    fk_rgb c = {(uint8_t)r, (uint8_t)g, (uint8_t)b};
    return c;
}

fk_rgb fk_color_frame(fk_palette pal, fk_color_mode mode, const char *name, size_t len, int waker,
                      uint64_t *rng)
{
    const unsigned char *s = (const unsigned char *)name;
    double v1, v2, v3;
    if (mode == FK_COLOR_HASH) {
        v1 = namehash(s, len);
        v2 = v3 = namehash_reversed(s, len);
    } else if (mode == FK_COLOR_RANDOM) {
        v1 = next_random(rng);
        v2 = next_random(rng);
        v3 = next_random(rng);
    } else {
        v1 = v2 = v3 = name_seeded(s, len);
    }
    switch (resolve(pal, name, len, waker)) {
    case FK_PALETTE_HOT:
        return rgb(205 + (int)(50 * v3), (int)(230 * v1), (int)(55 * v2));
    case FK_PALETTE_MEM:
        return rgb(0, 190 + (int)(50 * v2), (int)(210 * v1));
    case FK_PALETTE_IO: {
        int r = 80 + (int)(60 * v1);
        return rgb(r, r, 190 + (int)(55 * v2));
    }
    case FK_PALETTE_RED: {
        int x = 50 + (int)(80 * v1);
        return rgb(200 + (int)(55 * v1), x, x);
    }
    case FK_PALETTE_GREEN: {
        int x = 50 + (int)(60 * v1);
        return rgb(x, 200 + (int)(55 * v1), x);
    }
    case FK_PALETTE_BLUE: {
        int x = 80 + (int)(60 * v1);
        return rgb(x, x, 205 + (int)(50 * v1));
    }
    case FK_PALETTE_YELLOW: {
        int x = 175 + (int)(55 * v1);
        return rgb(x, x, 50 + (int)(20 * v1));
    }
    case FK_PALETTE_PURPLE: {
        int x = 190 + (int)(65 * v1);
        return rgb(x, 80 + (int)(60 * v1), x);
    }
    case FK_PALETTE_AQUA:
        return rgb(50 + (int)(60 * v1), 165 + (int)(55 * v1), 165 + (int)(55 * v1));
    case FK_PALETTE_ORANGE:
        return rgb(190 + (int)(65 * v1), 90 + (int)(65 * v1), 0);
    default:
        return rgb(0, 0, 0);
    }
}

fk_rgb fk_color_scale(double value, double max, int negate)
{
    int r = 255, g = 255, b = 255;
    if (negate)
        value = -value;
    if (value > 0)
        g = b = (int)(210 * (max - value) / max);
    else if (value < 0)
        r = g = (int)(210 * (max + value) / max);
    return rgb(r, g, b);
}

static size_t put_u8(char *buf, unsigned v)
{
    size_t n = 0;
    if (v >= 100)
        buf[n++] = (char)('0' + v / 100);
    if (v >= 10)
        buf[n++] = (char)('0' + v / 10 % 10);
    buf[n++] = (char)('0' + v % 10);
    return n;
}

size_t fk_rgb_format(char *buf, fk_rgb c)
{
    size_t n = 0;
    memcpy(buf, "rgb(", 4);
    n = 4;
    n += put_u8(buf + n, c.r);
    buf[n++] = ',';
    n += put_u8(buf + n, c.g);
    buf[n++] = ',';
    n += put_u8(buf + n, c.b);
    buf[n++] = ')';
    buf[n] = '\0';
    return n;
}

int fk_svg_bgcolors_valid(const char *bg)
{
    if (strcmp(bg, "yellow") == 0 || strcmp(bg, "blue") == 0 || strcmp(bg, "green") == 0 ||
        strcmp(bg, "grey") == 0)
        return 1;
    if (strlen(bg) != 7 || bg[0] != '#')
        return 0;
    for (int i = 1; i < 7; i++) {
        char c = bg[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return 0;
    }
    return 1;
}

int fk_bg_colors(const fk_svg_opts *o, const char **c1, const char **c2)
{
    const char *bg = o->bg_colors;
    if (bg == NULL || bg[0] == '\0') {
        switch (o->palette) {
        case FK_PALETTE_MEM:
            bg = "green";
            break;
        case FK_PALETTE_IO:
        case FK_PALETTE_WAKEUP:
        case FK_PALETTE_CHAIN:
            bg = "blue";
            break;
        case FK_PALETTE_RED:
        case FK_PALETTE_GREEN:
        case FK_PALETTE_BLUE:
        case FK_PALETTE_AQUA:
        case FK_PALETTE_YELLOW:
        case FK_PALETTE_PURPLE:
        case FK_PALETTE_ORANGE:
            bg = "grey";
            break;
        default:
            bg = "yellow";
        }
    }
    if (!fk_svg_bgcolors_valid(bg))
        return fkx_error_set(FK_EINVAL, "unrecognized --bgcolors value '%s'", bg);
    if (strcmp(bg, "yellow") == 0) {
        *c1 = "#eeeeee";
        *c2 = "#eeeeb0";
    } else if (strcmp(bg, "blue") == 0) {
        *c1 = "#eeeeee";
        *c2 = "#e0e0ff";
    } else if (strcmp(bg, "green") == 0) {
        *c1 = "#eef2ee";
        *c2 = "#e0ffe0";
    } else if (strcmp(bg, "grey") == 0) {
        *c1 = "#f8f8f8";
        *c2 = "#e8e8e8";
    } else {
        *c1 = *c2 = bg;
    }
    return 0;
}

/* ---- palette map ---------------------------------------------------------- */

static int entry_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n = alen < blen ? alen : blen;
    int c = memcmp(a, b, n);
    if (c != 0)
        return c;
    return alen < blen ? -1 : alen > blen;
}

/* Index of name, or of where it would go (with *found = 0). */
static size_t map_search(const fk_palette_map *m, const char *name, size_t len, int *found)
{
    size_t lo = 0, hi = m->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = entry_cmp(m->entries[mid].name, m->entries[mid].name_len, name, len);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

const char *fk_palette_map_find(const fk_palette_map *m, const char *name, size_t len)
{
    int found;
    size_t i = map_search(m, name, len, &found);
    return found ? m->entries[i].color : NULL;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = fkx_malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static int map_set(fk_palette_map *m, const char *name, size_t len, const char *color, size_t clen)
{
    int found;
    size_t i = map_search(m, name, len, &found);
    char *c = dup_n(color, clen);
    if (c == NULL)
        return FK_ENOMEM;
    if (found) {
        fkx_free(m->entries[i].color);
        m->entries[i].color = c;
        return 0;
    }
    char *n = dup_n(name, len);
    int err =
        n ? fkx_grow((void **)&m->entries, &m->cap, m->count + 1, sizeof *m->entries) : FK_ENOMEM;
    if (err < 0) {
        fkx_free(n);
        fkx_free(c);
        return err;
    }
    memmove(&m->entries[i + 1], &m->entries[i], (m->count - i) * sizeof *m->entries);
    m->entries[i].name = n;
    m->entries[i].name_len = len;
    m->entries[i].color = c;
    m->count++;
    return 0;
}

int fk_palette_map_put(fk_palette_map *m, const char *name, size_t len, const char *color)
{
    int err = map_set(m, name, len, color, strlen(color));
    if (err == 0)
        m->dirty = 1;
    return err;
}

/* "name->colour": the name ends at the first "->", the colour at the next
 * one (as flamegraph.pl splits it). Other lines are ignored. */
static int map_line(void *ctx, const char *line, size_t len, uint64_t lineno)
{
    (void)lineno;
    const char *arrow = NULL;
    for (size_t i = 0; i + 1 < len; i++) {
        if (line[i] == '-' && line[i + 1] == '>') {
            arrow = line + i;
            break;
        }
    }
    if (arrow == NULL)
        return 0;
    size_t klen = (size_t)(arrow - line);
    const char *v = arrow + 2;
    size_t vlen = len - klen - 2;
    for (size_t i = 0; i + 1 < vlen; i++) {
        if (v[i] == '-' && v[i + 1] == '>') {
            vlen = i;
            break;
        }
    }
    return map_set(ctx, line, klen, v, vlen);
}

int fk_palette_map_load(fk_palette_map *m, const char *path)
{
    memset(m, 0, sizeof *m);
    if (access(path, F_OK) != 0)
        return 0; /* no map yet: it is created on save */
    int err = fkx_lines_each(path, map_line, m);
    if (err < 0)
        fk_palette_map_free(m);
    return err;
}

int fk_palette_map_save(const fk_palette_map *m, const char *path)
{
    fkx_output out;
    int err = fkx_output_open(&out, path);
    if (err < 0)
        return err;
    for (size_t i = 0; i < m->count && err == 0; i++) {
        const fk_palette_map_entry *e = &m->entries[i];
        err = fkx_output_write(&out, e->name, e->name_len);
        if (err == 0)
            err = fkx_output_write(&out, "->", 2);
        if (err == 0)
            err = fkx_output_write(&out, e->color, strlen(e->color));
        if (err == 0)
            err = fkx_output_write(&out, "\n", 1);
    }
    if (err < 0) {
        fkx_output_abort(&out);
        return err;
    }
    return fkx_output_commit(&out);
}

void fk_palette_map_free(fk_palette_map *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->count; i++) {
        fkx_free(m->entries[i].name);
        fkx_free(m->entries[i].color);
    }
    fkx_free(m->entries);
    memset(m, 0, sizeof *m);
}
