/*
 * perf.c - `perf script` text into stacks, the way stackcollapse-perf.pl
 * reads it (see docs/collapse.md for the rules and our deliberate changes).
 *
 * Input is a sequence of samples: a header line ("comm pid/tid [cpu] time:
 * period event:"), then one line per frame, leaf first, then a blank line.
 * Each frame line becomes one or more frames (inline chains "a->b"), and the
 * sample becomes the stack comm;root;...;leaf weighted by its period.
 *
 * Speed comes from caching: the processed result of a frame line depends
 * only on its text (after the leading blanks) and on whether the process is
 * java, so each distinct frame line is parsed once and every repeat costs
 * one hash and one compare. Memory is bounded by distinct lines and stacks.
 */
#include "formats.h"

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/num.h"

#include <string.h>

/* Result of processing one distinct frame line. */
enum { RES_FRAMES = 0, RES_SKIP = 1, RES_BAD = 2 };

typedef struct line_result {
    uint32_t off;  /* into res_frames */
    uint32_t n;    /* frames, in order (caller-most first within the line) */
    uint32_t kind; /* RES_* */
} line_result;

typedef struct line_slot {
    uint64_t hash;    /* full hash, low bit forced to 1; 0 marks an empty slot */
    uint32_t key_off; /* into keys */
    uint32_t key_len;
    uint32_t res[2]; /* result index + 1 when the process is not java / is java */
} line_slot;

struct fk_perf_reader {
    fk_profile *p;
    fk_perf_opts opts;
    fkx_buf event; /* the event kept; empty until the first one is seen */
    int event_defaulted;
    int event_noted;

    /* distinct frame lines: an open-addressing table keyed by the line text */
    line_slot *slots;
    size_t slots_mask, nlines;
    char *keys; /* the lines' text, back to back */
    size_t keys_len, keys_cap;
    uint64_t seed;
    line_result *res;
    size_t nres, res_cap;
    uint32_t *res_frames;
    size_t nres_frames, res_frames_cap;

    /* the sample being read */
    int have_pname;
    int java;
    uint32_t pname;
    double period;
    uint32_t *sample; /* result indexes of its frame lines, leaf first */
    size_t nsample, sample_cap;
    uint32_t *stack; /* scratch: the stack, root first */
    size_t stack_cap;
    uint64_t samples;

    fkx_buf name;  /* scratch for building frame / process names */
    fkx_buf piece; /* scratch for one frame */
    const char *file;
};

static inline int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}

static inline int is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static inline int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int contains(const char *s, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    return len >= n && memmem(s, len, needle, n) != NULL;
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
    r->piece = (fkx_buf)FKX_BUF_INIT(FK_LIMIT_FRAME_BYTES);
    r->seed = fkx_hash_seed();
    r->slots_mask = 1023;
    r->slots = fkx_calloc(r->slots_mask + 1, sizeof *r->slots);
    int err = r->slots ? 0 : FK_ENOMEM;
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
    fkx_buf_free(&r->piece);
    fkx_free(r->slots);
    fkx_free(r->keys);
    fkx_free(r->res);
    fkx_free(r->res_frames);
    fkx_free(r->sample);
    fkx_free(r->stack);
    fkx_free(r);
}

/* ---- frame names --------------------------------------------------------- */

/* Strip a trailing "+0x<hex>" symbol offset (perf >= 4.8 prints them). */
static size_t strip_offset(const char *s, size_t len)
{
    size_t i = len;
    while (i > 0 && (is_digit((unsigned char)s[i - 1]) || (s[i - 1] >= 'a' && s[i - 1] <= 'f')))
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
static int add_piece(fk_perf_reader *r, const char *f, size_t flen, size_t index, const char *pc,
                     size_t pclen, const char *mod, size_t modlen, int java)
{
    fkx_buf *b = &r->piece;
    fkx_buf_clear(b);
    int err = 0;
    if (flen == 9 && memcmp(f, "[unknown]", 9) == 0) {
        const char *base = "unknown";
        size_t blen = 7;
        if (!(modlen == 9 && memcmp(mod, "[unknown]", 9) == 0)) {
            const char *slash = memrchr(mod, '/', modlen);
            base = slash ? slash + 1 : mod;
            blen = modlen - (size_t)(base - mod);
        }
        if ((err = fkx_buf_putc(b, '[')) < 0 || (err = fkx_buf_append(b, base, blen)) < 0)
            return err;
        if (r->opts.include_addrs) {
            if ((err = fkx_buf_append(b, " <", 2)) < 0 ||
                (err = fkx_buf_append(b, pc, pclen)) < 0 || (err = fkx_buf_putc(b, '>')) < 0)
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
    } else if (r->opts.annotate_kernel && is_kernel_module(mod, modlen)) {
        suffix = "_[k]";
    } else if (r->opts.annotate_jit && is_jit_module(mod, modlen)) {
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
static int process_frame_line(fk_perf_reader *r, const char *s, size_t len, int java,
                              line_result *res)
{
    res->off = (uint32_t)r->nres_frames;
    res->n = 0;
    res->kind = RES_BAD;

    size_t wmax = 0;
    while (wmax < len && is_word((unsigned char)s[wmax]))
        wmax++;
    if (wmax == 0)
        return 0;
    size_t f0 = wmax;
    while (f0 < len && is_space((unsigned char)s[f0]))
        f0++;

    /* The last " (" whose following non-blank run holds a ')'. */
    size_t p = 0, mod0 = 0, mod1 = 0;
    int found = 0;
    for (size_t i = len; i-- > 1;) {
        if (s[i - 1] != ' ' || s[i] != '(')
            continue;
        size_t q = i + 1, last = 0;
        int have = 0;
        while (q < len && !is_space((unsigned char)s[q])) {
            if (s[q] == ')') {
                last = q;
                have = 1;
            }
            q++;
        }
        if (have) {
            p = i - 1;
            mod0 = i + 1;
            mod1 = last;
            found = 1;
            break;
        }
    }
    if (!found || p < 2)
        return 0;
    size_t fstart = f0;
    if (p < f0 + 1)
        fstart = p - 1; /* Perl backtracks into the blanks or the address */
    size_t pclen = fstart < wmax ? fstart : wmax;
    const char *func = s + fstart, *mod = s + mod0;
    size_t flen = p - fstart, modlen = mod1 - mod0;

    res->kind = RES_FRAMES;
    flen = strip_offset(func, flen);
    if (flen > 0 && func[0] == '(') {
        static const char anon[] = "(anonymous namespace)";
        if (!(flen >= sizeof anon - 1 && memcmp(func, anon, sizeof anon - 1) == 0)) {
            res->kind = RES_SKIP;
            return 0;
        }
    }

    /* Split on "->" (but not C++'s operator->), dropping trailing empty
     * pieces as Perl's split does. */
    size_t end = flen;
    for (;;) {
        if (end >= 2 && func[end - 2] == '-' && func[end - 1] == '>' &&
            !after_operator(func, end - 2))
            end -= 2;
        else
            break;
    }
    size_t start = 0, index = 0;
    int err;
    while (start <= end && end > 0) {
        size_t stop = start;
        while (stop < end) {
            if (stop + 1 < end && func[stop] == '-' && func[stop + 1] == '>' &&
                !after_operator(func, stop))
                break;
            stop++;
        }
        if ((err = add_piece(r, func + start, stop - start, index++, s, pclen, mod, modlen, java)) <
            0)
            return err;
        res->n++;
        if (stop >= end)
            break;
        start = stop + 2;
    }
    return 0;
}

/* Double the line table. */
static int grow_lines(fk_perf_reader *r)
{
    size_t ncap = (r->slots_mask + 1) * 2;
    line_slot *ns = fkx_calloc(ncap, sizeof *ns);
    if (ns == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i <= r->slots_mask; i++) {
        if (r->slots[i].hash == 0)
            continue;
        size_t pos = (size_t)r->slots[i].hash & (ncap - 1);
        while (ns[pos].hash != 0)
            pos = (pos + 1) & (ncap - 1);
        ns[pos] = r->slots[i];
    }
    fkx_free(r->slots);
    r->slots = ns;
    r->slots_mask = ncap - 1;
    return 0;
}

/* The slot of a frame line, added (with no results yet) on first sight. */
static int find_line(fk_perf_reader *r, const char *s, size_t len, line_slot **out)
{
    uint64_t h = fkx_hash(s, len, r->seed) | 1;
    size_t pos = (size_t)h & r->slots_mask;
    for (;;) {
        line_slot *sl = &r->slots[pos];
        if (sl->hash == h && sl->key_len == len && memcmp(r->keys + sl->key_off, s, len) == 0) {
            *out = sl;
            return 0;
        }
        if (sl->hash == 0)
            break;
        pos = (pos + 1) & r->slots_mask;
    }
    if (len > UINT32_MAX || r->keys_len + len > UINT32_MAX)
        return fkx_error_set(FK_ELIMIT, "%s: more than 4 GiB of distinct frame lines", r->file);
    int err = fkx_grow((void **)&r->keys, &r->keys_cap, r->keys_len + len, 1);
    if (err < 0)
        return err;
    if ((r->nlines + 1) * 2 > r->slots_mask + 1) {
        if ((err = grow_lines(r)) < 0)
            return err;
        pos = (size_t)h & r->slots_mask;
        while (r->slots[pos].hash != 0)
            pos = (pos + 1) & r->slots_mask;
    }
    line_slot *sl = &r->slots[pos];
    if (len > 0)
        memcpy(r->keys + r->keys_len, s, len);
    sl->hash = h;
    sl->key_off = (uint32_t)r->keys_len;
    sl->key_len = (uint32_t)len;
    sl->res[0] = sl->res[1] = 0;
    r->keys_len += len;
    r->nlines++;
    *out = sl;
    return 0;
}

/* The cached result for a frame line, computing it on first sight. */
static int frame_line(fk_perf_reader *r, const char *s, size_t len, const line_result **out)
{
    line_slot *sl = NULL;
    int err = find_line(r, s, len, &sl);
    if (err < 0)
        return err;
    uint32_t *res_id = &sl->res[r->java ? 1 : 0];
    if (*res_id == 0) {
        if ((err = fkx_grow((void **)&r->res, &r->res_cap, r->nres + 1, sizeof *r->res)) < 0)
            return err;
        line_result res;
        if ((err = process_frame_line(r, s, len, r->java, &res)) < 0)
            return err;
        r->res[r->nres] = res;
        *res_id = (uint32_t)++r->nres;
    }
    *out = &r->res[*res_id - 1];
    return 0;
}

/* ---- samples ------------------------------------------------------------- */

static int end_sample(fk_perf_reader *r)
{
    if (!r->have_pname) {
        r->nsample = 0;
        return 0;
    }
    size_t depth = 1;
    for (size_t i = 0; i < r->nsample; i++)
        depth += r->res[r->sample[i]].n;
    if (depth > FK_LIMIT_STACK_DEPTH)
        return fkx_error_set(FK_ELIMIT, "%s: a sample has %zu frames, more than the limit of %zu",
                             r->file, depth, (size_t)FK_LIMIT_STACK_DEPTH);
    int err = fkx_grow((void **)&r->stack, &r->stack_cap, depth, sizeof *r->stack);
    if (err < 0)
        return err;
    size_t k = 0;
    r->stack[k++] = r->pname;
    for (size_t i = r->nsample; i-- > 0;) {
        const line_result *lr = &r->res[r->sample[i]];
        memcpy(r->stack + k, r->res_frames + lr->off, lr->n * sizeof *r->stack);
        k += lr->n;
    }
    double v = r->period;
    if ((err = fk_profile_add(r->p, r->stack, k, &v, NULL)) < 0)
        return err;
    r->samples++;
    r->have_pname = 0;
    r->nsample = 0;
    return 0;
}

/* Match the sample header the way stackcollapse-perf.pl's regex does:
 * a lazy comm starting with a non-blank (Perl wants 2+ characters; we also
 * accept a one-letter process name, see docs/collapse.md), blanks, the PID
 * digits, optional slashes and TID digits, then a blank. If it matches,
 * start a new sample (or skip it when its event is filtered out). */
static int header_line(fk_perf_reader *r, const char *s, size_t len, int *matched, fk_diag *diag)
{
    *matched = 0;
    size_t comm_len = 0, pid0 = 0, pid1 = 0, tid0 = 0, tid1 = 0;
    for (size_t i = 1; i < len; i++) {
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
    if (comm_len == 0)
        return 0;
    *matched = 1;

    /* event and period: :\s*(\d+)*\s+(\S+):\s*$ */
    const char *ev = NULL;
    size_t evlen = 0, per0 = 0, per1 = 0;
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
            }
        }
    }
    int err;
    if (ev != NULL) {
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
            return 0;
        }
    }

    double period = 1;
    uint64_t pv;
    if (per1 > per0 && fkx_u64_parse(s + per0, per1 - per0, &pv) && pv > 0)
        period = (double)pv;

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
    r->have_pname = 1;
    r->java = comm_len == 4 && memcmp(s, "java", 4) == 0;
    r->period = period;
    return 0;
}

static int add_frame_line(fk_perf_reader *r, const char *s, size_t len, fkx_lines *lines,
                          fk_diag *diag)
{
    const line_result *res;
    int err = frame_line(r, s, len, &res);
    if (err < 0)
        return err;
    if (res->kind == RES_BAD)
        return fk_diag_report(diag, "unrecognized line", r->file, lines->lineno, s, len);
    if (!r->have_pname || res->kind == RES_SKIP)
        return 0;
    if (r->nsample >= FK_LIMIT_STACK_DEPTH)
        return fkx_error_set(FK_ELIMIT, "%s:%llu: a sample has more than %zu frames", r->file,
                             (unsigned long long)lines->lineno, (size_t)FK_LIMIT_STACK_DEPTH);
    if (r->nsample == r->sample_cap && (err = fkx_grow((void **)&r->sample, &r->sample_cap,
                                                       r->nsample + 1, sizeof *r->sample)) < 0)
        return err;
    r->sample[r->nsample++] = (uint32_t)(res - r->res);
    return 0;
}

int fk_perf_reader_read(fk_perf_reader *r, fkx_lines *lines, fk_diag *diag, uint64_t *samples)
{
    const char *line;
    size_t len;
    int rc, err = 0;
    uint64_t before = r->samples;
    r->file = lines->in->name;
    r->have_pname = 0;
    r->nsample = 0;
    while ((rc = fkx_lines_next(lines, &line, &len)) > 0) {
        if (len > 0 && line[len - 1] == '\r')
            len--;
        if (len == 0) {
            err = end_sample(r);
        } else if (line[0] == '#') {
            continue;
        } else if (is_space((unsigned char)line[0])) {
            size_t i = 1;
            while (i < len && is_space((unsigned char)line[i]))
                i++;
            err = add_frame_line(r, line + i, len - i, lines, diag);
        } else {
            int matched;
            err = header_line(r, line, len, &matched, diag);
            if (err == 0 && !matched)
                err = add_frame_line(r, line, len, lines, diag);
        }
        if (err < 0)
            return err;
    }
    if (rc < 0)
        return rc;
    /* A last sample without a blank line after it still counts. */
    if ((err = end_sample(r)) < 0)
        return err;
    *samples += r->samples - before;
    return 0;
}
