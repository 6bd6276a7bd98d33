/*
 * perf.c - `perf script` text into stacks, the way stackcollapse-perf.pl
 * reads it (see docs/collapse.md for the rules and our deliberate changes).
 *
 * Input is a sequence of samples: a header line ("comm pid/tid [cpu] time:
 * period event:"), then one line per frame, leaf first, then a blank line.
 * Each frame line becomes one or more frames (inline chains "a->b"), and the
 * sample becomes the stack comm;root;...;leaf weighted by its period.
 *
 * Speed comes from caching. A frame line is split into address, symbol and
 * module with a few short scans; the frames it becomes depend only on the
 * symbol (with its +0x offset removed), the module, whether the process is
 * java, and, for [unknown] symbols under --addrs, the address. That key has
 * far fewer distinct values than the lines themselves (a real 53 MB capture:
 * 6,800 keys for 95,000 distinct lines), so the cache stays in the CPU's
 * caches and each line costs a parse, a hash and a compare. Memory is
 * bounded by distinct symbols and stacks, never by input size.
 */
#include "formats.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/num.h"
#include "util/scan.h"

#include <string.h>

#define PENDING 4 /* a power of two; see fk_perf_reader.pend */

/* Result of processing one distinct frame line. */
enum { RES_FRAMES = 0, RES_SKIP = 1, RES_BAD = 2 };

typedef struct line_result {
    uint32_t off;  /* into res_frames */
    uint32_t n;    /* frames, in order (caller-most first within the line) */
    uint32_t kind; /* RES_* */
} line_result;

/* A frame line taken apart the way the Perl regex ^\s*(\w+)\s*(.+) \((\S*)\)
 * takes it apart. */
typedef struct frame_parts {
    const char *pc, *func, *mod;
    size_t pclen, flen, modlen; /* flen without the +0x offset */
    uint64_t hash;              /* of the cache key (see key_hash) */
    int with_pc;                /* the key includes the address */
    uint64_t lineno;
} frame_parts;

/* A slot of either cache table (see below). */
typedef struct sym_slot {
    uint64_t hash;    /* full hash, low bit forced to 1; 0 marks an empty slot */
    uint32_t key_off; /* into the table's key text */
    uint32_t key_len;
    uint32_t res[2]; /* result index + 1 when the process is not java / is java */
} sym_slot;

/* An open-addressing table of sym_slots and the key text they point into,
 * both in huge-page mappings (fkx_big_alloc). */
typedef struct cache_table {
    sym_slot *slots;
    size_t mask, count;
    char *keys;
    size_t keys_len, keys_cap;
} cache_table;

struct fk_perf_reader {
    fk_profile *p;
    fk_perf_opts opts;
    fkx_buf event; /* the event kept; empty until the first one is seen */
    int event_defaulted;
    int event_noted;

    /* Two caches. lines: the exact text of a frame line (after its leading
     * blanks) -> result, one hash and one compare per line. syms, consulted
     * when a line is new: (symbol without offset, module[, address]) ->
     * result, so lines differing only in address share their frames. */
    cache_table lines, syms;
    uint64_t seed;
    line_result *res;
    size_t nres, res_cap;
    uint32_t bad_res, skip_res; /* shared result index + 1, or 0 */
    uint32_t *res_frames;
    size_t nres_frames, res_frames_cap;

    /* the sample being read */
    int have_pname;
    int java;
    uint32_t pname;
    double period;
    /* Its stack, built from the top down: frame lines come leaf first, so
     * each line's frames go below the previous line's, and stk[spos..cap)
     * is the stack root first. spos >= 1 always: stk[spos - 1] is kept for
     * the process name. */
    uint32_t *stk;
    size_t stk_cap, spos;
    /* Finished samples wait here for up to PENDING - 1 more samples before
     * they are added to the profile, prefetched a stage further each time
     * (see fk_profile_prefetch): the stack table is larger than the CPU's
     * caches, and its look-ups would otherwise stall one after another. */
    struct pending_stack {
        uint32_t *buf; /* the stack is buf[pos..cap) */
        size_t cap, pos;
        double period;
        uint64_t hash;
    } pend[4];
    size_t pend_head, pend_tail; /* samples pushed, samples added */
    uint64_t samples;

    fkx_buf head;        /* the last header up to the blank after PID/TID */
    uint32_t head_pname; /* and what it gave */
    int head_java;
    fkx_buf tail;       /* the last header from the ':' before its period on */
    double tail_period; /* and what that gave: the period, */
    int tail_kept;      /* whether the event is the one kept */
    fkx_buf name;       /* scratch for building process names */
    fkx_buf piece;      /* scratch for one frame */
    const char *file;
};

/* Character classes of Perl's \s, \w and \d (ASCII), as a table: the
 * parser runs on every line, and one load beats a chain of compares. */
enum { C_SPACE = 1, C_WORD = 2, C_DIGIT = 4, C_HEXLOW = 8 };

static const unsigned char cclass[256] = {
    ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE, ['\r'] = C_SPACE,
    [' '] = C_SPACE,  ['_'] = C_WORD,
#define D(c) [c] = C_WORD | C_DIGIT | C_HEXLOW
    D('0'),           D('1'),           D('2'),           D('3'),           D('4'),
    D('5'),           D('6'),           D('7'),           D('8'),           D('9'),
#undef D
#define H(c) [c] = C_WORD | C_HEXLOW
    H('a'),           H('b'),           H('c'),           H('d'),           H('e'),
    H('f'),
#undef H
#define W(c) [c] = C_WORD
    W('g'),           W('h'),           W('i'),           W('j'),           W('k'),
    W('l'),           W('m'),           W('n'),           W('o'),           W('p'),
    W('q'),           W('r'),           W('s'),           W('t'),           W('u'),
    W('v'),           W('w'),           W('x'),           W('y'),           W('z'),
    W('A'),           W('B'),           W('C'),           W('D'),           W('E'),
    W('F'),           W('G'),           W('H'),           W('I'),           W('J'),
    W('K'),           W('L'),           W('M'),           W('N'),           W('O'),
    W('P'),           W('Q'),           W('R'),           W('S'),           W('T'),
    W('U'),           W('V'),           W('W'),           W('X'),           W('Y'),
    W('Z'),
#undef W
};

/* Whether s[0..n) may hold a \s character: checks 8 bytes at a time for
 * any byte below 0x21 (every \s character is); exact "no" answers only. */
static inline int maybe_blank(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, s + i, 8);
        if (((v - ones * 0x21) & ~v & highs) != 0)
            return 1;
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] < 0x21)
            return 1;
    return 0;
}

static inline int is_space(unsigned char c)
{
    return cclass[c] & C_SPACE;
}

/* Index of the first non-\s byte of s[0..n) (n if none); perf pads frame
 * addresses with spaces, 16 bytes are checked at a time. */
static inline size_t skip_blanks(const char *s, size_t n)
{
    size_t i = fkx_skip_space_tab(s, n);
    while (i < n && is_space((unsigned char)s[i]))
        i += 1 + fkx_skip_space_tab(s + i + 1, n - i - 1);
    return i;
}

static inline int is_word(unsigned char c)
{
    return cclass[c] & C_WORD;
}

static inline int is_digit(unsigned char c)
{
    return cclass[c] & C_DIGIT;
}

static int contains(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    return len >= n && memmem(s, len, needle, n) != NULL;
}

/* Tables start large enough for a large capture (one has 35,000 line keys
 * and 8,000 symbols), so they seldom grow, and no larger: a sparse table
 * costs cache misses. Their pages are only touched as slots fill, so a small
 * input costs little. */
static int table_init(cache_table *t, size_t slots)
{
    memset(t, 0, sizeof *t);
    t->mask = slots - 1;
    t->slots = fkx_big_alloc((t->mask + 1) * sizeof *t->slots);
    t->keys_cap = (size_t)1 << 20;
    t->keys = fkx_big_alloc(t->keys_cap);
    return t->slots && t->keys ? 0 : FK_ENOMEM;
}

static void table_free(cache_table *t)
{
    fkx_big_free(t->slots, (t->mask + 1) * sizeof *t->slots);
    fkx_big_free(t->keys, t->keys_cap);
    memset(t, 0, sizeof *t);
}

/* Double the slots. */
static int table_grow(cache_table *t)
{
    size_t ncap = (t->mask + 1) * 2;
    sym_slot *ns = fkx_big_alloc(ncap * sizeof *ns);
    if (ns == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i <= t->mask; i++) {
        if (t->slots[i].hash == 0)
            continue;
        size_t pos = (size_t)t->slots[i].hash & (ncap - 1);
        while (ns[pos].hash != 0)
            pos = (pos + 1) & (ncap - 1);
        ns[pos] = t->slots[i];
    }
    fkx_big_free(t->slots, (t->mask + 1) * sizeof *t->slots);
    t->slots = ns;
    t->mask = ncap - 1;
    return 0;
}

/* Add a key of klen bytes with hash h (known to be absent); returns its
 * slot with no results yet, and where to write the key text in *text. */
static int table_add(cache_table *t, uint64_t h, size_t klen, const char *file, sym_slot **out,
                     char **text)
{
    if (t->keys_len + klen > UINT32_MAX)
        return fkx_error_set(FK_ELIMIT, "%s: more than 4 GiB of distinct frame text", file);
    if (t->keys_len + klen > t->keys_cap) {
        size_t ncap = t->keys_cap;
        while (ncap < t->keys_len + klen)
            ncap *= 2;
        char *nk = fkx_big_realloc(t->keys, t->keys_cap, ncap);
        if (nk == NULL)
            return FK_ENOMEM;
        t->keys = nk;
        t->keys_cap = ncap;
    }
    int err;
    if ((t->count + 1) * 2 > t->mask + 1 && (err = table_grow(t)) < 0)
        return err;
    size_t pos = (size_t)h & t->mask;
    while (t->slots[pos].hash != 0)
        pos = (pos + 1) & t->mask;
    sym_slot *sl = &t->slots[pos];
    sl->hash = h;
    sl->key_off = (uint32_t)t->keys_len;
    sl->key_len = (uint32_t)klen;
    sl->res[0] = sl->res[1] = 0;
    *text = t->keys + t->keys_len;
    t->keys_len += klen;
    t->count++;
    *out = sl;
    return 0;
}

int fk_perf_reader_new(fk_perf_reader **out, fk_profile *p, const fk_perf_opts *opts)
{
    fk_perf_reader *r = fkx_calloc(1, sizeof *r);
    if (r == NULL)
        return FK_ENOMEM;
    r->p = p;
    r->opts = *opts;
    r->event = (fkx_buf)FKX_BUF_INIT(4096);
    r->name = (fkx_buf)FKX_BUF_INIT(FK_LIMIT_FRAME_BYTES);
    r->head = (fkx_buf)FKX_BUF_INIT(FK_LIMIT_LINE_BYTES);
    r->piece = (fkx_buf)FKX_BUF_INIT(FK_LIMIT_FRAME_BYTES);
    r->tail = (fkx_buf)FKX_BUF_INIT(FK_LIMIT_LINE_BYTES);
    r->seed = fkx_hash_seed();
    r->stk_cap = r->spos = 1024;
    r->stk = fkx_malloc(r->stk_cap * sizeof *r->stk);
    int err = r->stk ? 0 : FK_ENOMEM;
    for (size_t i = 0; i < PENDING && err == 0; i++) {
        r->pend[i].cap = 1024;
        r->pend[i].buf = fkx_malloc(r->pend[i].cap * sizeof *r->pend[i].buf);
        err = r->pend[i].buf ? 0 : FK_ENOMEM;
    }
    if (err == 0)
        err = table_init(&r->lines, (size_t)1 << 17);
    if (err == 0)
        err = table_init(&r->syms, (size_t)1 << 14);
    if (err == 0 && opts->event_filter != NULL) {
        err = fkx_buf_append(&r->event, opts->event_filter, strlen(opts->event_filter));
        if (err == 0 && r->event.len == 0)
            err = fkx_error_set(FK_EINVAL, "--event-filter needs an event name");
    }
    if (err < 0) {
        fk_perf_reader_free(r);
        return err;
    }
    *out = r;
    return 0;
}

void fk_perf_reader_free(fk_perf_reader *r)
{
    if (r == NULL)
        return;
    fkx_buf_free(&r->event);
    fkx_buf_free(&r->name);
    fkx_buf_free(&r->head);
    fkx_buf_free(&r->piece);
    fkx_buf_free(&r->tail);
    table_free(&r->lines);
    table_free(&r->syms);
    fkx_free(r->res);
    fkx_free(r->res_frames);
    fkx_free(r->stk);
    for (size_t i = 0; i < PENDING; i++)
        fkx_free(r->pend[i].buf);
    fkx_free(r);
}

/* ---- frame names --------------------------------------------------------- */

/* Strip a trailing "+0x<hex>" symbol offset (perf >= 4.8 prints them). */
static size_t strip_offset(const char *s, size_t len)
{
    size_t i = len;
    while (i > 0 && (cclass[(unsigned char)s[i - 1]] & C_HEXLOW))
        i--;
    if (i < len && i >= 3 && s[i - 1] == 'x' && s[i - 2] == '0' && s[i - 3] == '+')
        return i - 3;
    return len;
}

/* Length of a C++ operator token starting at s[i] right after "operator",
 * for the operators whose characters would confuse bracket counting. */
static size_t operator_token(const char *s, size_t len, size_t i)
{
    static const char *const ops[] = {"()", "<<=", ">>=", "<=>", "<<", ">>",
                                      "<=", ">=",  "->*", "->",  "<",  ">"};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t n = strlen(ops[k]);
        if (i + n <= len && memcmp(s + i, ops[k], n) == 0)
            return n;
    }
    return 0;
}

static int after_operator(const char *s, size_t i)
{
    return i >= 8 && memcmp(s + i - 8, "operator", 8) == 0;
}

/* Where the argument list of a demangled name starts, i.e. the first '('
 * outside template brackets that is not "(anonymous namespace)"; len if none.
 * stackcollapse-perf.pl cuts at the first '(' wherever it is, which breaks
 * names such as Rust's <F as FnOnce<(&T,)>>::call_once; see docs/collapse.md. */
static size_t args_start(const char *s, size_t len)
{
    int depth = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (after_operator(s, i)) {
            size_t n = operator_token(s, len, i);
            if (n) {
                i += n - 1;
                continue;
            }
        }
        if (c == '<') {
            depth++;
        } else if (c == '>') {
            if (depth > 0)
                depth--;
        } else if (c == '(' && depth == 0) {
            static const char anon[] = "(anonymous namespace)";
            if (len - i >= sizeof anon - 1 && memcmp(s + i, anon, sizeof anon - 1) == 0) {
                i += sizeof anon - 2;
                continue;
            }
            return i;
        }
    }
    return len;
}

/* Perl's m/\.\(.*\)\./: a Go method name such as net/http.(*Client).Do,
 * whose parentheses are part of the name. */
static int looks_like_go_method(const char *s, size_t len)
{
    const char *open = memmem(s, len, ".(", 2);
    if (open == NULL)
        return 0;
    size_t from = (size_t)(open - s) + 2;
    return memmem(s + from, len - from, ").", 2) != NULL;
}

static int is_jit_module(const char *mod, size_t len)
{
    /* /tmp/perf-<digits>.map anywhere, or /jitted-<digits>-<digits>.so */
    for (size_t i = 0; i + 10 <= len; i++) {
        if (memcmp(mod + i, "/tmp/perf-", 10) == 0) {
            size_t j = i + 10, d = j;
            while (j < len && is_digit((unsigned char)mod[j]))
                j++;
            if (j > d && j + 4 <= len && memcmp(mod + j, ".map", 4) == 0)
                return 1;
        }
    }
    for (size_t i = 0; i + 8 <= len; i++) {
        if (memcmp(mod + i, "/jitted-", 8) == 0) {
            size_t j = i + 8, d = j;
            while (j < len && is_digit((unsigned char)mod[j]))
                j++;
            if (j == d || j >= len || mod[j] != '-')
                continue;
            d = ++j;
            while (j < len && is_digit((unsigned char)mod[j]))
                j++;
            if (j > d && j + 3 <= len && memcmp(mod + j, ".so", 3) == 0)
                return 1;
        }
    }
    return 0;
}

static int is_kernel_module(const char *mod, size_t len)
{
    if (contains(mod, len, "unknown"))
        return 0;
    return (len > 0 && mod[0] == '[') || (len >= 7 && memcmp(mod + len - 7, "vmlinux", 7) == 0);
}

/* Turn one "->"-separated piece of a frame line into a frame name in
 * r->piece, then intern it and append to the line's result. */
static int add_piece(fk_perf_reader *r, const char *f, size_t flen, size_t index,
                     const frame_parts *fp, int java)
{
    fkx_buf *b = &r->piece;
    fkx_buf_clear(b);
    int err = 0;
    if (flen == 9 && memcmp(f, "[unknown]", 9) == 0) {
        const char *base = "unknown";
        size_t blen = 7;
        if (!(fp->modlen == 9 && memcmp(fp->mod, "[unknown]", 9) == 0)) {
            const char *slash = memrchr(fp->mod, '/', fp->modlen);
            base = slash ? slash + 1 : fp->mod;
            blen = fp->modlen - (size_t)(base - fp->mod);
        }
        if ((err = fkx_buf_putc(b, '[')) < 0 || (err = fkx_buf_append(b, base, blen)) < 0)
            return err;
        if (r->opts.include_addrs) {
            if ((err = fkx_buf_append(b, " <", 2)) < 0 ||
                (err = fkx_buf_append(b, fp->pc, fp->pclen)) < 0 ||
                (err = fkx_buf_putc(b, '>')) < 0)
                return err;
        }
        if ((err = fkx_buf_putc(b, ']')) < 0)
            return err;
    } else if ((err = fkx_buf_append(b, f, flen)) < 0) {
        return err;
    }

    /* tidy: ';' would split the frame, argument lists are noise, quotes go */
    char *s = b->ptr;
    size_t n = b->len;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ';')
            s[i] = ':';
    if (!looks_like_go_method(s, n))
        n = args_start(s, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '"' && s[i] != '\'')
            s[k++] = s[i];
    n = k;
    /* Java: Lorg/foo/Bar: -> org/foo/Bar: */
    size_t skip = 0;
    if (java && n > 0 && s[0] == 'L' && memchr(s, '/', n) != NULL)
        skip = 1;
    b->len = n;

    const char *suffix = NULL;
    if (index > 0) {
        if (!(n >= 4 && memcmp(s + n - 4, "_[i]", 4) == 0))
            suffix = "_[i]";
    } else if (r->opts.annotate_kernel && is_kernel_module(fp->mod, fp->modlen)) {
        suffix = "_[k]";
    } else if (r->opts.annotate_jit && is_jit_module(fp->mod, fp->modlen)) {
        suffix = "_[j]";
    }
    if (suffix && (err = fkx_buf_append(b, suffix, 4)) < 0)
        return err;

    uint32_t id;
    if ((err = fk_profile_intern(r->p, &id, b->ptr + skip, b->len - skip)) < 0)
        return err;
    if ((err = fkx_grow((void **)&r->res_frames, &r->res_frames_cap, r->nres_frames + 1,
                        sizeof *r->res_frames)) < 0)
        return err;
    r->res_frames[r->nres_frames++] = id;
    return 0;
}

/* Parse a frame line (leading blanks already skipped) the way the Perl regex
 *   ^\s*(\w+)\s*(.+) \((\S*)\)
 * matches it, backtracking included, and fill in the result. */
enum { PARSE_BAD = 0, PARSE_OK = 1, PARSE_SKIP = 2 };

/* For a '(' just before s[q]: the Perl pattern \((\S*)\) matches when the
 * run of non-blanks from q holds a ')'; the module ends at the last one.
 * Returns 1 and sets *close, or 0. */
static int module_close(const char *s, size_t len, size_t q, size_t *close)
{
    int have = 0;
    for (; q < len && !is_space((unsigned char)s[q]); q++) {
        if (s[q] == ')') {
            *close = q;
            have = 1;
        }
    }
    return have;
}

/* Take a frame line (leading blanks already skipped) apart exactly as the
 * Perl regex ^\s*(\w+)\s*(.+) \((\S*)\) does, backtracking included:
 * the symbol runs to the last " (" whose following non-blank run holds a
 * ')', and the module is what lies between that '(' and the last such ')'.
 * Returns PARSE_BAD if it does not match, PARSE_SKIP for the frames
 * stackcollapse-perf.pl drops (symbols starting with '('), else PARSE_OK. */
static int parse_frame_line(const char *s, size_t len, frame_parts *fp)
{
    size_t wmax = 0;
    while (wmax < len && is_word((unsigned char)s[wmax]))
        wmax++;
    if (wmax == 0)
        return PARSE_BAD;
    size_t f0 = wmax;
    while (f0 < len && is_space((unsigned char)s[f0]))
        f0++;
    size_t p = 0, mod0 = 0, mod1 = 0;
    int found = 0;
    /* Fast path: the line's last '(' opens the module, as in nearly every
     * line perf prints; the run after it has no blank when the line's last
     * ')' closes it. */
    const char *open = memrchr(s, '(', len);
    if (open != NULL && open > s && open[-1] == ' ') {
        size_t q = (size_t)(open - s) + 1;
        const char *close = s[len - 1] == ')' ? s + len - 1 : memrchr(s + q, ')', len - q);
        if (close != NULL && !maybe_blank(s + q, (size_t)(close - s) - q)) {
            mod1 = (size_t)(close - s);
            found = 1;
        } else {
            found = module_close(s, len, q, &mod1);
        }
        if (found) {
            p = q - 2;
            mod0 = q;
        }
    }
    /* Otherwise an earlier " (" with a valid module, the last one first. */
    for (size_t i = open ? (size_t)(open - s) : 0; !found && i-- > 1;) {
        if (s[i] == '(' && s[i - 1] == ' ' && module_close(s, len, i + 1, &mod1)) {
            p = i - 1;
            mod0 = i + 1;
            found = 1;
        }
    }
    if (!found || p < 2)
        return PARSE_BAD;
    size_t fstart = f0;
    if (p < f0 + 1)
        fstart = p - 1; /* Perl backtracks into the blanks or the address */
    fp->pc = s;
    fp->pclen = fstart < wmax ? fstart : wmax;
    fp->func = s + fstart;
    fp->flen = strip_offset(fp->func, p - fstart);
    fp->mod = s + mod0;
    fp->modlen = mod1 - mod0;
    if (fp->flen > 0 && fp->func[0] == '(') {
        static const char anon[] = "(anonymous namespace)";
        if (!(fp->flen >= sizeof anon - 1 && memcmp(fp->func, anon, sizeof anon - 1) == 0))
            return PARSE_SKIP;
    }
    return PARSE_OK;
}

/* Whether the frames depend on the address: only [unknown] under --addrs. */
static inline int key_has_pc(const fk_perf_reader *r, const frame_parts *fp)
{
    return r->opts.include_addrs && memmem(fp->func, fp->flen, "[unknown]", 9) != NULL;
}

/* The key's hash covers the symbol (and the address when it is part of the
 * key) but not the module: a symbol name rarely occurs in two modules, and
 * key_equal compares the module anyway. One pass over fewer bytes. */
static inline uint64_t key_hash(const fk_perf_reader *r, const frame_parts *fp, int with_pc)
{
    uint64_t h = fkx_hash(fp->func, fp->flen, r->seed);
    if (with_pc)
        h = fkx_hash(fp->pc, fp->pclen, h ^ 1);
    return h | 1;
}

static inline int key_equal(const fk_perf_reader *r, const sym_slot *sl, const frame_parts *fp,
                            int with_pc)
{
    size_t klen = fp->flen + 1 + fp->modlen + (with_pc ? 1 + fp->pclen : 0);
    if (sl->key_len != klen)
        return 0;
    const char *k = r->syms.keys + sl->key_off;
    if (!fkx_same_bytes(k, fp->func, fp->flen) || k[fp->flen] != '\0' ||
        !fkx_same_bytes(k + fp->flen + 1, fp->mod, fp->modlen))
        return 0;
    return !with_pc || fkx_same_bytes(k + fp->flen + 2 + fp->modlen, fp->pc, fp->pclen);
}

/* The symbol-cache slot for a parsed line, added (with no results) if new. */
static int find_sym(fk_perf_reader *r, const frame_parts *fp, sym_slot **out)
{
    int with_pc = key_has_pc(r, fp);
    uint64_t h = key_hash(r, fp, with_pc);
    cache_table *t = &r->syms;
    for (size_t pos = (size_t)h & t->mask;; pos = (pos + 1) & t->mask) {
        sym_slot *sl = &t->slots[pos];
        if (sl->hash == h && key_equal(r, sl, fp, with_pc)) {
            *out = sl;
            return 0;
        }
        if (sl->hash == 0)
            break;
    }
    size_t klen = fp->flen + 1 + fp->modlen + (with_pc ? 1 + fp->pclen : 0);
    char *k = NULL;
    int err = table_add(t, h, klen, r->file, out, &k);
    if (err < 0)
        return err;
    memcpy(k, fp->func, fp->flen);
    k[fp->flen] = '\0';
    memcpy(k + fp->flen + 1, fp->mod, fp->modlen);
    if (with_pc) {
        k[fp->flen + 1 + fp->modlen] = '\0';
        memcpy(k + fp->flen + 2 + fp->modlen, fp->pc, fp->pclen);
    }
    return 0;
}

/* Compute the frames of a parsed line: split the symbol on "->" (inline
 * chains; but not C++'s operator->), dropping trailing empty pieces as
 * Perl's split does, and tidy each piece. *out receives the result index. */
static int make_result(fk_perf_reader *r, const frame_parts *fp, int java, uint32_t *out)
{
    const char *func = fp->func;
    size_t end = fp->flen;
    while (end >= 2 && func[end - 2] == '-' && func[end - 1] == '>' &&
           !after_operator(func, end - 2))
        end -= 2;
    line_result res = {(uint32_t)r->nres_frames, 0, RES_FRAMES};
    size_t start = 0, index = 0;
    int err;
    while (end > 0) {
        size_t stop = start;
        while (stop < end) {
            if (stop + 1 < end && func[stop] == '-' && func[stop + 1] == '>' &&
                !after_operator(func, stop))
                break;
            stop++;
        }
        if ((err = add_piece(r, func + start, stop - start, index++, fp, java)) < 0)
            return err;
        res.n++;
        if (stop >= end)
            break;
        start = stop + 2;
    }
    if ((err = fkx_grow((void **)&r->res, &r->res_cap, r->nres + 1, sizeof *r->res)) < 0)
        return err;
    r->res[r->nres] = res;
    *out = (uint32_t)r->nres++;
    return 0;
}

/* ---- samples ------------------------------------------------------------- */

/* Make room below stk[spos] for `need` more frames plus the process name. */
static int stack_room(fk_perf_reader *r, size_t need, uint64_t lineno)
{
    size_t used = r->stk_cap - r->spos;
    if (used + need + 1 > FK_LIMIT_STACK_DEPTH)
        return fkx_error_set(FK_ELIMIT, "%s:%llu: a sample has more than %zu frames", r->file,
                             (unsigned long long)lineno, (size_t)FK_LIMIT_STACK_DEPTH);
    if (r->spos > need)
        return 0;
    size_t ncap = r->stk_cap * 2;
    while (ncap < used + need + 1)
        ncap *= 2;
    if (ncap > FK_LIMIT_STACK_DEPTH)
        ncap = FK_LIMIT_STACK_DEPTH;
    uint32_t *ns = fkx_malloc(ncap * sizeof *ns);
    if (ns == NULL)
        return FK_ENOMEM;
    memcpy(ns + ncap - used, r->stk + r->spos, used * sizeof *ns);
    fkx_free(r->stk);
    r->stk = ns;
    r->stk_cap = ncap;
    r->spos = ncap - used;
    return 0;
}

/* Add the oldest pending sample to the profile. */
static int add_pending(fk_perf_reader *r)
{
    struct pending_stack *ps = &r->pend[r->pend_tail++ & (PENDING - 1)];
    double v = ps->period;
    return fk_profile_add_hashed(r->p, ps->buf + ps->pos, ps->cap - ps->pos, ps->hash, &v, NULL);
}

static int end_sample(fk_perf_reader *r)
{
    int err = 0;
    if (r->have_pname) {
        r->stk[--r->spos] = r->pname;
        if (r->pend_head - r->pend_tail == PENDING - 1)
            err = add_pending(r);
        /* the sample's buffer becomes a pending one, and a free pending
         * buffer the one for the next sample */
        struct pending_stack *ps = &r->pend[r->pend_head++ & (PENDING - 1)];
        uint32_t *buf = ps->buf;
        size_t cap = ps->cap;
        ps->buf = r->stk;
        ps->cap = r->stk_cap;
        ps->pos = r->spos;
        ps->period = r->period;
        ps->hash = fk_profile_stack_hash(r->p, ps->buf + ps->pos, ps->cap - ps->pos);
        r->stk = buf;
        r->stk_cap = cap;
        fk_profile_prefetch(r->p, ps->hash, 0);
        for (size_t k = 1; k < PENDING - 1 && k < r->pend_head - r->pend_tail; k++)
            fk_profile_prefetch(r->p, r->pend[(r->pend_head - 1 - k) & (PENDING - 1)].hash, (int)k);
        r->samples++;
        r->have_pname = 0;
    }
    r->spos = r->stk_cap;
    return err;
}

/* Add every pending sample. */
static int flush_pending(fk_perf_reader *r)
{
    int err = 0;
    while (r->pend_tail < r->pend_head && err == 0)
        err = add_pending(r);
    r->pend_tail = r->pend_head;
    return err;
}

/* Match the sample header the way stackcollapse-perf.pl's regex does:
 * a lazy comm starting with a non-blank (Perl wants 2+ characters; we also
 * accept a one-letter process name, see docs/collapse.md), blanks, the PID
 * digits, optional slashes and TID digits, then a blank. If it matches,
 * start a new sample (or skip it when its event is filtered out). */
static int header_line(fk_perf_reader *r, const char *s, size_t len, int *matched, fk_diag *diag)
{
    *matched = 0;
    /* Consecutive samples usually come from the same thread: when the line
     * starts with the previous header's bytes up to and including the blank
     * after its PID/TID, the match below would find the same process name
     * (its decisions look at no byte beyond that blank). */
    int same_thread =
        r->head.len > 0 && len > r->head.len && fkx_same_bytes(s, r->head.ptr, r->head.len);
    /* And the event and period come from the line's end back to the ':'
     * that ends the time stamp: when that tail is the previous header's,
     * so is what it gives. The two checks cover all the match looks at. */
    if (same_thread && r->tail.len > 0 && len > r->tail.len &&
        fkx_same_bytes(s + len - r->tail.len, r->tail.ptr, r->tail.len)) {
        *matched = 1;
        if (!r->tail_kept)
            return 0;
        r->period = r->tail_period;
        r->have_pname = 1;
        r->pname = r->head_pname;
        r->java = r->head_java;
        return 0;
    }
    fkx_buf_clear(&r->tail);
    size_t comm_len = 0, pid0 = 0, pid1 = 0, tid0 = 0, tid1 = 0;
    for (size_t i = 1; i < len && !same_thread; i++) {
        if (!is_space((unsigned char)s[i]))
            continue;
        size_t j = i;
        while (j < len && is_space((unsigned char)s[j]))
            j++;
        size_t d = j;
        while (j < len && is_digit((unsigned char)s[j]))
            j++;
        if (j == d)
            continue;
        size_t e = j;
        while (j < len && s[j] == '/')
            j++;
        size_t t = j;
        while (j < len && is_digit((unsigned char)s[j]))
            j++;
        if (j < len && is_space((unsigned char)s[j])) {
            comm_len = i;
            pid0 = d;
            pid1 = e;
            tid0 = t;
            tid1 = j;
            break;
        }
    }
    if (comm_len == 0 && !same_thread)
        return 0;
    *matched = 1;

    /* event and period: :\s*(\d+)*\s+(\S+):\s*$ */
    const char *ev = NULL;
    size_t evlen = 0, per0 = 0, per1 = 0, tail0 = 0;
    size_t end = len;
    while (end > 0 && is_space((unsigned char)s[end - 1]))
        end--;
    if (end > 0 && s[end - 1] == ':') {
        size_t st = end - 1;
        while (st > 0 && !is_space((unsigned char)s[st - 1]))
            st--;
        if (st > 0 && st < end - 1) {
            size_t k = st;
            while (k > 0 && is_space((unsigned char)s[k - 1]))
                k--;
            size_t d1 = k;
            while (k > 0 && is_digit((unsigned char)s[k - 1]))
                k--;
            size_t d0 = k;
            if (d0 < d1)
                while (k > 0 && is_space((unsigned char)s[k - 1]))
                    k--;
            if (k > 0 && s[k - 1] == ':') {
                ev = s + st;
                evlen = end - 1 - st;
                per0 = d0;
                per1 = d1;
                tail0 = k - 1;
            }
        }
    }
    int err;
    double period = 1;
    uint64_t pv;
    if (per1 > per0 && fkx_u64_parse(s + per0, per1 - per0, &pv) && pv > 0)
        period = (double)pv;
    if (ev != NULL) {
        int kept = 1;
        if (r->event.len == 0) {
            if ((err = fkx_buf_append(&r->event, ev, evlen)) < 0)
                return err;
            r->event_defaulted = 1;
        } else if (r->event.len != evlen || memcmp(r->event.ptr, ev, evlen) != 0) {
            if (r->event_defaulted && !r->event_noted) {
                fk_diag_note(diag,
                             "%s: several event types; kept only '%s' (choose with "
                             "--event-filter)",
                             r->file, r->event.ptr);
                r->event_noted = 1;
            }
            kept = 0;
        }
        /* what the tail gives does not depend on the head */
        if ((err = fkx_buf_append(&r->tail, s + tail0, len - tail0)) < 0)
            return err;
        r->tail_period = period;
        r->tail_kept = kept;
        if (!kept)
            return 0;
    }
    r->period = period;
    r->have_pname = 1;
    if (same_thread) {
        r->pname = r->head_pname;
        r->java = r->head_java;
        return 0;
    }

    /* tid absent or "0" (Perl-false): the one number is the TID, PID unknown */
    const char *pid = s + pid0, *tid = s + tid0;
    size_t pidlen = pid1 - pid0, tidlen = tid1 - tid0;
    if (tidlen == 0 || (tidlen == 1 && tid[0] == '0')) {
        tid = pid;
        tidlen = pidlen;
        pid = "?";
        pidlen = 1;
    }
    fkx_buf *b = &r->name;
    fkx_buf_clear(b);
    if ((err = fkx_buf_append(b, s, comm_len)) < 0)
        return err;
    if (r->opts.include_tid || r->opts.include_pid) {
        if ((err = fkx_buf_putc(b, '-')) < 0 || (err = fkx_buf_append(b, pid, pidlen)) < 0)
            return err;
        if (r->opts.include_tid &&
            ((err = fkx_buf_putc(b, '/')) < 0 || (err = fkx_buf_append(b, tid, tidlen)) < 0))
            return err;
    }
    for (size_t i = 0; i < b->len; i++)
        if (b->ptr[i] == ' ')
            b->ptr[i] = '_';
    if ((err = fk_profile_intern(r->p, &r->pname, b->ptr, b->len)) < 0)
        return err;
    r->java = comm_len == 4 && memcmp(s, "java", 4) == 0;
    r->head_pname = r->pname;
    r->head_java = r->java;
    fkx_buf_clear(&r->head);
    return fkx_buf_append(&r->head, s, tid1 + 1);
}

/* The one result every unusable (RES_BAD) or dropped (RES_SKIP) line shares. */
static int shared_result(fk_perf_reader *r, uint32_t kind, uint32_t *out)
{
    uint32_t *idx = kind == RES_BAD ? &r->bad_res : &r->skip_res;
    if (*idx == 0) {
        int err = fkx_grow((void **)&r->res, &r->res_cap, r->nres + 1, sizeof *r->res);
        if (err < 0)
            return err;
        r->res[r->nres] = (line_result){(uint32_t)r->nres_frames, 0, kind};
        *idx = (uint32_t)++r->nres;
    }
    *out = *idx - 1;
    return 0;
}

/* The result of a frame line not seen before: parse it and find its symbol
 * in the symbol cache, computing the frames only for a new symbol. With
 * `rest` (where the text after the address starts), returns 1 instead when
 * the line does not split there the normal way (see key_rest). */
static int resolve_new_line(fk_perf_reader *r, const char *s, size_t len, const char *rest,
                            uint32_t *out)
{
    frame_parts fp;
    int kind = parse_frame_line(s, len, &fp);
    if (rest != NULL &&
        (kind == PARSE_BAD || fp.func != rest || fp.pclen != (size_t)(rest - 1 - s)))
        return 1;
    if (kind == PARSE_BAD)
        return shared_result(r, RES_BAD, out);
    if (kind == PARSE_SKIP)
        return shared_result(r, RES_SKIP, out);
    sym_slot *sl = NULL;
    int err = find_sym(r, &fp, &sl);
    if (err < 0)
        return err;
    uint32_t *res_id = &sl->res[r->java ? 1 : 0];
    if (*res_id == 0) {
        uint32_t index;
        if ((err = make_result(r, &fp, r->java, &index)) < 0)
            return err;
        *res_id = index + 1; /* sl is still valid: make_result does not touch the tables */
    }
    *out = *res_id - 1;
    return 0;
}

/* ---- the line loop ------------------------------------------------------- */

/* The line cache is keyed by the text of a frame line after its address:
 * "\t  7f3a1c2b4d10 malloc+0x14 (/usr/lib/libc.so.6)" by
 * "malloc+0x14 (/usr/lib/libc.so.6)". The frames do not depend on the
 * address (except for [unknown] symbols under --addrs, when whole lines
 * are the keys), and real captures repeat a symbol and offset at many
 * addresses: one has 168,000 distinct frame lines but 35,000 distinct
 * texts after the address, 108,000 of the lines being "[unknown]
 * ([unknown])" at garbage addresses. Fewer keys mean a cache that stays in
 * the CPU's caches and far fewer new lines to parse.
 *
 * That is sound when the line splits the normal way: blanks, a run of word
 * characters, one space, then text starting with a non-blank that the Perl
 * pattern ^\s*(\w+)\s*(.+) \((\S*)\) matches from there. Its greedy
 * matching tries that split first, so any line of that shape with other
 * address characters gets the same symbol and module. A line that only
 * matches by backtracking into the address is found out when its key is
 * first resolved (resolve_new_line), and that key then sends every line with
 * it to the whole-line path. Whole-line keys are told apart from address-
 * free ones by KEY_WHOLE in their length. */
#define KEY_WHOLE (UINT32_C(1) << 31)

/* What a key's slot in the line cache says, per java flag: 0 when not
 * resolved yet; (frame id << 1) | 1 for a line that is exactly one frame,
 * nearly every line; (result index + 1) << 1 for any other result;
 * VALUE_WHOLE when lines with this address-free key need whole-line keys.
 * The common case then costs no look-up beyond the slot. */
#define VALUE_WHOLE UINT32_C(0xfffffffe)

static inline uint32_t slot_value(const fk_perf_reader *r, uint32_t index)
{
    const line_result *lr = &r->res[index];
    if (lr->kind == RES_FRAMES && lr->n == 1 && r->res_frames[lr->off] < (UINT32_C(1) << 31))
        return (r->res_frames[lr->off] << 1) | 1;
    return (index + 1) << 1;
}

/* The hash of a key. Keys of 16 to 64 bytes (nearly all) are covered by two
 * to four 16-byte pieces (the first, the last, and for longer keys the ones
 * between), each folded by its own seeded multiply, so the multiplies overlap
 * instead of forming one chain as in fkx_hash. */
static inline uint64_t line_hash(const char *s, size_t n, uint64_t seed)
{
    if (n < 16 || n > 64)
        return fkx_hash(s, n, seed) | 1;
    const unsigned char *p = (const unsigned char *)s;
    uint64_t h = fkx_hash_mix(fkx_load64(p) ^ seed, fkx_load64(p + 8) ^ FKX_K1) ^
                 fkx_hash_mix(fkx_load64(p + n - 16) ^ FKX_K2, fkx_load64(p + n - 8) ^ (seed + n));
    if (n > 32)
        h += fkx_hash_mix(fkx_load64(p + 16) ^ FKX_K3, fkx_load64(p + 24) ^ seed);
    if (n > 48)
        h += fkx_hash_mix(fkx_load64(p + n - 32) ^ FKX_K0, fkx_load64(p + n - 24) ^ FKX_K2);
    return h | 1; /* each product folds its halves: the low bits are mixed */
}

/* Whether a[0..n) == b[0..n), with the same pieces as line_hash. */
static inline int same_line(const char *a, const char *b, size_t n)
{
#if defined(__SSE2__)
    if (n >= 16 && n <= 64) {
#define LD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
        __m128i e = _mm_and_si128(_mm_cmpeq_epi8(LD(a), LD(b)),
                                  _mm_cmpeq_epi8(LD(a + n - 16), LD(b + n - 16)));
        if (n > 32)
            e = _mm_and_si128(e, _mm_cmpeq_epi8(LD(a + 16), LD(b + 16)));
        if (n > 48)
            e = _mm_and_si128(e, _mm_cmpeq_epi8(LD(a + n - 32), LD(b + n - 32)));
#undef LD
        return _mm_movemask_epi8(e) == 0xffff;
    }
#endif
    return fkx_same_bytes(a, b, n);
}

#if defined(__SSE2__)
/* Bit i set when byte i of x is a Perl \w character, [0-9A-Za-z_]. Bytes
 * from 0x80 on are negative, so the signed compares leave them out. */
static inline unsigned word_mask16(__m128i x)
{
    __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                  _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
    __m128i word = _mm_or_si128(_mm_or_si128(digit, alpha), _mm_cmpeq_epi8(x, _mm_set1_epi8('_')));
    return (unsigned)_mm_movemask_epi8(word);
}
#endif

/* Where the address-free key of an indented frame line s[0..len) starts:
 * after the blanks, a run of 1 to 16 word characters and one space, at a
 * non-blank. 0 when the line has another shape (its key is then the whole
 * line). */
static inline size_t key_rest(const char *s, size_t len)
{
#if defined(__SSE2__)
    /* perf prints "\t%16lx ": the address right-aligned in columns 1-16
     * and the key from column 18. Check that shape first with one load:
     * blanks, then only word characters, a space at 17, a non-blank at 18. */
    if (len > 18 && s[17] == ' ' && !is_space((unsigned char)s[18])) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + 1));
        unsigned blank = (unsigned)_mm_movemask_epi8(_mm_or_si128(
            _mm_cmpeq_epi8(x, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))));
        unsigned wm = word_mask16(x);
        /* blanks form a prefix, word characters all the rest, at least one */
        if ((blank & (blank + 1)) == 0 && wm == (~blank & 0xffffu) && wm != 0)
            return 18;
    }
#endif
    size_t i = skip_blanks(s, len);
#if defined(__SSE2__)
    if (len - i >= 17) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned wm = word_mask16(x);
        unsigned sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
        unsigned run = (unsigned)__builtin_ctz(~wm); /* 16 when all are word characters */
        if (run == 0)
            return 0;
        if (run < 16 ? !(sp >> run & 1) : s[i + 16] != ' ')
            return 0;
        size_t k = i + run + 1;
        return k < len && !is_space((unsigned char)s[k]) ? k : 0;
    }
#endif
    size_t j = i;
    while (j < len && j - i < 16 && is_word((unsigned char)s[j]))
        j++;
    if (j == i || j + 1 >= len || s[j] != ' ' || is_space((unsigned char)s[j + 1]))
        return 0;
    return j + 1;
}

/* The line-cache slot for key s[0..len) tagged `whole` (0 or KEY_WHOLE),
 * with hash h; added if new. */
static inline int line_slot(fk_perf_reader *r, const char *s, size_t len, uint32_t whole,
                            uint64_t h, sym_slot **out)
{
    cache_table *t = &r->lines;
    uint32_t klen = (uint32_t)len | whole;
    for (size_t pos = (size_t)h & t->mask;; pos = (pos + 1) & t->mask) {
        sym_slot *c = &t->slots[pos];
        if (c->hash == h && c->key_len == klen && same_line(t->keys + c->key_off, s, len)) {
            *out = c;
            return 0;
        }
        if (c->hash == 0)
            break;
    }
    char *k = NULL;
    int err = table_add(t, h, len, r->file, out, &k);
    if (err == 0) {
        memcpy(k, s, len);
        (*out)->key_len = klen;
    }
    return err;
}

/* The slot value of the frame line s[0..len) by its whole text. */
static int whole_line_value(fk_perf_reader *r, const char *s, size_t len, uint32_t *value)
{
    sym_slot *sl;
    int err = line_slot(r, s, len, KEY_WHOLE, line_hash(s, len, r->seed ^ KEY_WHOLE), &sl);
    if (err < 0)
        return err;
    uint32_t *v = &sl->res[r->java];
    if (*v == 0) {
        size_t i = skip_blanks(s, len);
        uint32_t index;
        if ((err = resolve_new_line(r, s + i, len - i, NULL, &index)) < 0)
            return err;
        *v = slot_value(r, index);
    }
    *value = *v;
    return 0;
}

/* The value for a slot not resolved yet, keyed by the text at s + koff
 * (koff 0: the whole line). */
static int resolve_line(fk_perf_reader *r, const char *s, size_t len, size_t koff, uint32_t *value)
{
    if (koff == 0)
        return whole_line_value(r, s, len, value);
    size_t i = skip_blanks(s, len);
    uint32_t index;
    int rc = resolve_new_line(r, s + i, len - i, s + koff, &index);
    if (rc < 0)
        return rc;
    *value = rc == 0 ? slot_value(r, index) : VALUE_WHOLE;
    return 0;
}

/* Put what a slot value says for the frame line s[0..len) on the stack:
 * one frame, several, none, a diagnostic for an unusable line, or first a
 * look-up by the whole line (VALUE_WHOLE). */
static int use_value(fk_perf_reader *r, uint32_t value, const char *s, size_t len, uint64_t lineno,
                     fk_diag *diag)
{
    int err;
    if (value == VALUE_WHOLE && (err = whole_line_value(r, s, len, &value)) < 0)
        return err;
    if (value & 1) {
        if (!r->have_pname)
            return 0;
        if (r->spos <= 1 && (err = stack_room(r, 1, lineno)) < 0)
            return err;
        r->stk[--r->spos] = value >> 1;
        return 0;
    }
    const line_result *lr = &r->res[(value >> 1) - 1];
    if (lr->kind == RES_BAD) {
        size_t i = skip_blanks(s, len);
        return fk_diag_report(diag, "unrecognized line", r->file, lineno, s + i, len - i);
    }
    if (!r->have_pname || lr->kind == RES_SKIP || lr->n == 0)
        return 0;
    if (r->spos <= lr->n && (err = stack_room(r, lr->n, lineno)) < 0)
        return err;
    const uint32_t *f = r->res_frames + lr->off;
    for (uint32_t j = lr->n; j-- > 0;)
        r->stk[--r->spos] = f[j];
    return 0;
}

/* A frame line s[0..len) whose key starts at koff (0: the whole line) and
 * hashes to h, the way that does not assume anything (batch_use has the
 * common case inline). */
static int frame_line(fk_perf_reader *r, const char *s, size_t len, size_t koff, uint64_t h,
                      uint64_t lineno, fk_diag *diag)
{
    sym_slot *sl;
    int err = line_slot(r, s + koff, len - koff, koff ? 0 : KEY_WHOLE, h, &sl);
    if (err < 0)
        return err;
    uint32_t *v = &sl->res[r->java];
    if (*v == 0 && (err = resolve_line(r, s, len, koff, v)) < 0)
        return err;
    return use_value(r, *v, s, len, lineno, diag);
}

/* Any line that is not an indented frame line. */
static int other_line(fk_perf_reader *r, const char *s, size_t len, uint64_t lineno, fk_diag *diag)
{
    if (len == 0)
        return end_sample(r);
    if (s[0] == '#')
        return 0;
    int matched;
    int err = header_line(r, s, len, &matched, diag);
    if (err == 0 && !matched) /* a frame line without leading blanks */
        err = frame_line(r, s, len, 0, line_hash(s, len, r->seed ^ KEY_WHOLE), lineno, diag);
    return err;
}

/* Lines go through in batches of 16, two apart. When a batch has been read,
 * the key of each frame line was found and hashed and its line-cache slot
 * prefetched; then the batch before it is used, its lines in input order.
 * So the cache misses of the look-ups overlap with the reading of the next
 * lines instead of stalling one after another. (A third stage that
 * prefetched the key text once the slot had arrived made no measurable
 * difference, nor did batches of 8 or 32.) */
#define BATCH  16
#define STAGES 2

typedef struct line_batch {
    const char *s[BATCH];
    size_t len[BATCH];
    size_t koff[BATCH];   /* where the key starts (0: the whole line) */
    uint64_t hash[BATCH]; /* of the key; 0 for a line that is not indented */
    size_t n;
    uint64_t lineno; /* of the batch's first line */
} line_batch;

typedef struct batch_ring {
    line_batch b[STAGES];
    size_t filled, used; /* batches read, batches used */
} batch_ring;

static inline void batch_add(fk_perf_reader *r, line_batch *b, const char *s, size_t len,
                             int rest_keys)
{
    if (len > 0 && s[len - 1] == '\r')
        len--;
    size_t i = b->n++;
    b->s[i] = s;
    b->len[i] = len;
    b->hash[i] = 0;
    if (len > 0 && is_space((unsigned char)s[0])) {
        size_t k = rest_keys ? key_rest(s, len) : 0;
        uint64_t h = line_hash(s + k, len - k, k ? r->seed : r->seed ^ KEY_WHOLE);
        b->koff[i] = k;
        b->hash[i] = h;
        __builtin_prefetch(&r->lines.slots[(size_t)h & r->lines.mask]);
    }
}

/* Use the batch's lines. */
static int batch_use(fk_perf_reader *r, line_batch *b, fk_diag *diag)
{
    size_t n = b->n;
    b->n = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h = b->hash[i];
        int err;
        if (h == 0) {
            if ((err = other_line(r, b->s[i], b->len[i], b->lineno + i, diag)) < 0)
                return err;
            continue;
        }
        /* the common case inline: the key's first slot holds it, with a
         * one-frame value, in a sample being kept, with room in the stack */
        const char *key = b->s[i] + b->koff[i];
        size_t klen = b->len[i] - b->koff[i];
        const sym_slot *c = &r->lines.slots[(size_t)h & r->lines.mask];
        uint32_t tagged = (uint32_t)klen | (b->koff[i] ? 0 : KEY_WHOLE);
        if (c->hash == h && c->key_len == tagged && r->have_pname && r->spos > 1 &&
            same_line(r->lines.keys + c->key_off, key, klen)) {
            uint32_t v = c->res[r->java];
            if (v & 1) {
                r->stk[--r->spos] = v >> 1;
                continue;
            }
        }
        if ((err = frame_line(r, b->s[i], b->len[i], b->koff[i], h, b->lineno + i, diag)) < 0)
            return err;
    }
    return 0;
}

/* A batch has been read: move the ones before it along. */
static inline int ring_step(fk_perf_reader *r, batch_ring *q, fk_diag *diag)
{
    q->filled++;
    if (q->filled - q->used == STAGES)
        return batch_use(r, &q->b[q->used++ % STAGES], diag);
    return 0;
}

/* Use every batch still in the ring (the partly read one too). */
static int ring_drain(fk_perf_reader *r, batch_ring *q, fk_diag *diag)
{
    int err = 0;
    if (q->b[q->filled % STAGES].n > 0)
        q->filled++;
    while (q->used < q->filled && err == 0) {
        err = batch_use(r, &q->b[q->used % STAGES], diag);
        q->used++;
    }
    for (size_t i = 0; i < STAGES; i++)
        q->b[i].n = 0;
    q->filled = q->used = 0;
    return err;
}

int fk_perf_reader_read(fk_perf_reader *r, fkx_lines *lines, fk_diag *diag, uint64_t *samples)
{
    const char *data;
    size_t size;
    int rc, err = 0;
    uint64_t before = r->samples;
    r->file = lines->in->name;
    r->have_pname = 0;
    r->spos = r->stk_cap;
    batch_ring q;
    memset(&q, 0, sizeof q);
    const int rest_keys = !r->opts.include_addrs && !r->opts.whole_line_keys;
    while ((rc = fkx_lines_window(lines, &data, &size)) > 0) {
        uint64_t lineno = lines->lineno;
        size_t start = 0;
        line_batch *b = &q.b[0];
        b->lineno = lineno + 1;
        /* Lines are found 64 bytes at a time: a bit mask of the newlines,
         * then one line per set bit. */
        for (size_t blk = 0; blk < size && err == 0; blk += 64) {
            uint64_t m = 0;
            if (blk + 64 <= size) {
                m = fkx_scan_mask64(data + blk, '\n');
            } else {
                for (size_t i = blk; i < size; i++)
                    m |= (uint64_t)(data[i] == '\n') << (i - blk);
            }
            while (m != 0) {
                size_t nl = blk + (size_t)__builtin_ctzll(m);
                m &= m - 1;
                batch_add(r, b, data + start, nl - start, rest_keys);
                start = nl + 1;
                lineno++;
                if (b->n == BATCH) {
                    if ((err = ring_step(r, &q, diag)) < 0)
                        break;
                    b = &q.b[q.filled % STAGES];
                    b->lineno = lineno + 1;
                }
            }
        }
        if (err == 0 && start < size) { /* the last line of the input, without '\n' */
            batch_add(r, b, data + start, size - start, rest_keys);
            lineno++;
        }
        /* the window's text goes away on consume: finish what points into it */
        if (err == 0)
            err = ring_drain(r, &q, diag);
        fkx_lines_consume(lines, size, lineno - lines->lineno);
        if (err < 0)
            return err;
    }
    if (rc < 0)
        return rc;
    /* A last sample without a blank line after it still counts. */
    if ((err = end_sample(r)) < 0 || (err = flush_pending(r)) < 0)
        return err;
    *samples += r->samples - before;
    return 0;
}
