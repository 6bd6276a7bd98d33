/*
 * pprof_top.c - the numbers of `go tool pprof -top`, computed the way pprof
 * computes them, so `flamekit top` prints the same rows in the same order.
 *
 * pprof's text report works on a call graph at function granularity: one
 * node per function name (or per binary for unsymbolized code), flat =
 * value of samples whose leaf is the node, cum = value of samples that
 * contain it (once per sample), edges caller -> callee weighted likewise.
 * The report then
 *   1. drops nodes whose cum is below nodefraction (0.5%) of the summed
 *      flat values and rebuilds the graph without them,
 *   2. sorts (flat or cum, then name), keeps the first nodecount nodes and
 *      rebuilds again,
 *   3. drops edges below edgefraction (0.1%) of that sum; a node whose
 *      remaining incoming edges are all inlined calls is "(inline)", a mix
 *      is "(partial-inline)".
 * Values are shown in one unit chosen from the smallest node value and the
 * total, with pprof's scaling tables (B..PB, ns..hrs).
 */
#include "pprof.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/intern.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- units (pprof's measurement tables) --------------------------------- */

typedef struct unit_def {
    const char *name;
    const char *aliases[4];
    double factor;
} unit_def;

typedef struct unit_type {
    const unit_def *units;
    size_t n;
    unit_def def;
} unit_type;

static const unit_def memory_units[] = {
    {"B", {"b", "byte"}, 1},
    {"kB", {"kb", "kbyte", "kilobyte"}, 1024.0},
    {"MB", {"mb", "mbyte", "megabyte"}, 1048576.0},
    {"GB", {"gb", "gbyte", "gigabyte"}, 1073741824.0},
    {"TB", {"tb", "tbyte", "terabyte"}, 1099511627776.0},
    {"PB", {"pb", "pbyte", "petabyte"}, 1125899906842624.0},
};

static const unit_def time_units[] = {
    {"ns", {"ns", "nanosecond"}, 1},    {"us", {"\xce\xbcs", "us", "microsecond"}, 1e3},
    {"ms", {"ms", "millisecond"}, 1e6}, {"s", {"s", "sec", "second"}, 1e9},
    {"hrs", {"hour", "hr"}, 3600e9},
};

static const unit_def gcu_units[] = {
    {"n*GCU", {"nanogcu"}, 1e-9}, {"u*GCU", {"microgcu"}, 1e-6}, {"m*GCU", {"milligcu"}, 1e-3},
    {"GCU", {"gcu"}, 1},          {"k*GCU", {"kilogcu"}, 1e3},   {"M*GCU", {"megagcu"}, 1e6},
    {"G*GCU", {"gigagcu"}, 1e9},  {"T*GCU", {"teragcu"}, 1e12},  {"P*GCU", {"petagcu"}, 1e15},
};

static const unit_type unit_types[] = {
    {memory_units, sizeof memory_units / sizeof memory_units[0], {"B", {"b", "byte"}, 1}},
    {time_units, sizeof time_units / sizeof time_units[0], {"s", {NULL}, 1e9}},
    {gcu_units, sizeof gcu_units / sizeof gcu_units[0], {"GCU", {NULL}, 1}},
};

/* The unit an alias names: lower-cased, a plural 's' dropped (if longer
 * than 2 bytes), then looked up among the aliases. */
static const unit_def *sniff_unit(const unit_type *ut, const char *unit)
{
    char low[64];
    size_t n = strlen(unit);
    if (n >= sizeof low)
        return NULL;
    for (size_t i = 0; i < n; i++)
        low[i] = (unit[i] >= 'A' && unit[i] <= 'Z') ? (char)(unit[i] + 32) : unit[i];
    low[n] = '\0';
    if (n > 2 && low[n - 1] == 's')
        low[--n] = '\0';
    for (size_t i = 0; i < ut->n; i++)
        for (size_t k = 0; k < 4 && ut->units[i].aliases[k]; k++)
            if (strcmp(ut->units[i].aliases[k], low) == 0)
                return &ut->units[i];
    return NULL;
}

static int is_auto(const char *to)
{
    return strcmp(to, "minimum") == 0 || strcmp(to, "auto") == 0;
}

/* pprof's Scale: *unit_out gets the shown unit ("" when uninteresting). */
static double scale(int64_t value, const char *from, const char *to, const char **unit_out)
{
    if (value < 0 && value != INT64_MIN) {
        double v = scale(-value, from, to, unit_out);
        return -v;
    }
    for (size_t t = 0; t < sizeof unit_types / sizeof unit_types[0]; t++) {
        const unit_type *ut = &unit_types[t];
        const unit_def *f = sniff_unit(ut, from);
        if (f == NULL)
            continue;
        double v = (double)value * f->factor;
        if (is_auto(to)) {
            double best = 0;
            const char *name = NULL;
            for (size_t i = 0; i < ut->n; i++) {
                if (ut->units[i].factor >= best && v / ut->units[i].factor >= 1.0) {
                    best = ut->units[i].factor;
                    name = ut->units[i].name;
                }
            }
            if (name != NULL) {
                *unit_out = name;
                return v / best;
            }
            *unit_out = ut->def.name;
            return v / ut->def.factor;
        }
        const unit_def *u = sniff_unit(ut, to);
        if (u == NULL) {
            *unit_out = ut->def.name;
            return v / ut->def.factor;
        }
        *unit_out = u->name;
        return v / u->factor;
    }
    if (strcmp(to, "count") == 0 || strcmp(to, "sample") == 0 || strcmp(to, "unit") == 0 ||
        is_auto(to))
        *unit_out = "";
    else
        *unit_out = to;
    return (double)value;
}

void fk_pprof_scaled_label(int64_t v, const char *from, const char *to, char *buf, size_t cap)
{
    const char *unit;
    double x = scale(v, from, to, &unit);
    char num[64];
    snprintf(num, sizeof num, "%.2f", x);
    size_t n = strlen(num);
    if (n >= 3 && strcmp(num + n - 3, ".00") == 0)
        num[n - 3] = '\0';
    if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0) {
        snprintf(buf, cap, "0");
        return;
    }
    snprintf(buf, cap, "%s%s", num, unit);
}

void fk_pprof_percent(int64_t v, int64_t total, char *buf, size_t cap)
{
    double ratio = 0;
    if (total != 0)
        ratio = fabs((double)v / (double)total) * 100;
    if (ratio >= 99.95 && ratio <= 100.05)
        snprintf(buf, cap, "  100%%");
    else if (ratio >= 1.0)
        snprintf(buf, cap, "%5.2f%%", ratio);
    else
        snprintf(buf, cap, "%5.2g%%", ratio);
}

void fk_pprof_top_value(const fk_pprof_top *t, int64_t v, char *buf, size_t cap)
{
    fk_pprof_scaled_label(v, t->unit, t->output_unit, buf, cap);
}

/* ---- the graph ---------------------------------------------------------- */

typedef struct node {
    const char *name;    /* printable name */
    const char *sortkey; /* pprof's last-resort order: the printed NodeInfo */
    int64_t flat, cum;
    size_t stamp; /* sample that last added cum */
    int kept, inl, noinl;
} node;

typedef struct edge {
    uint32_t src, dst;
    int64_t weight;
    size_t stamp;
    int inl;
} edge;

typedef struct top_ctx {
    const fk_pprof *pp;
    fk_pprof_top *out;
    size_t col;
    fkx_intern keys; /* node identity -> node id */
    node *nodes;
    size_t nnodes, nodes_cap;
    size_t *loc_off; /* per location: its nodes in loc_nodes */
    uint32_t *loc_nodes;
    edge *edges;
    size_t nedges, edges_cap;
    fkx_index edge_index;
    uint64_t seed;
} top_ctx;

static const char *arena_fmt(fkx_arena *a, const char *fmt, ...) FKX_PRINTF(2, 3);

static const char *arena_fmt(fkx_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n < 0 ? NULL : fkx_arena_alloc(a, (size_t)n + 1);
    if (s != NULL)
        vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
}

/* The node of one line of a location (line NULL: a location without lines),
 * at function granularity as pprof aggregates for -top. */
static int node_for(top_ctx *c, const fk_pprof_location *loc, const fk_pprof_line *line,
                    uint32_t *out)
{
    const fk_pprof *pp = c->pp;
    fkx_str name = {"", 0}, obj = {"", 0};
    int64_t start_line = 0;
    const fk_pprof_function *f = NULL;
    if (line != NULL && line->function_id != 0)
        f = fk_pprof_function_by_id(pp, line->function_id);
    if (f != NULL)
        name = fk_pprof_string(pp, f->name);
    if (name.len == 0 && loc->mapping_id != 0)
        obj = fk_pprof_string(pp, fk_pprof_mapping_by_id(pp, loc->mapping_id)->filename);
    if (f != NULL && name.len == 0)
        start_line = f->start_line;
    char key_tail[64];
    int tn = snprintf(key_tail, sizeof key_tail, "%" PRId64, start_line);
    size_t klen = name.len + 1 + obj.len + 1 + (size_t)tn;
    char stackbuf[512];
    char *key = klen <= sizeof stackbuf ? stackbuf : fkx_malloc(klen);
    if (key == NULL)
        return FK_ENOMEM;
    memcpy(key, name.ptr, name.len);
    key[name.len] = '\0';
    memcpy(key + name.len + 1, obj.ptr, obj.len);
    key[name.len + 1 + obj.len] = '\0';
    memcpy(key + name.len + 2 + obj.len, key_tail, (size_t)tn);
    uint32_t id;
    int err = fkx_intern_put(&c->keys, &id, key, klen);
    if (key != stackbuf)
        fkx_free(key);
    if (err < 0)
        return err;
    *out = id;
    if (id < c->nnodes)
        return 0;
    if ((err = fkx_grow((void **)&c->nodes, &c->nodes_cap, id + 1, sizeof *c->nodes)) < 0)
        return err;
    node *n = &c->nodes[c->nnodes++];
    memset(n, 0, sizeof *n);
    fkx_arena *a = &c->out->arena;
    if (name.len > 0) {
        n->name = fkx_arena_strndup(a, name.ptr, name.len);
    } else if (obj.len > 0) {
        size_t i = obj.len;
        while (i > 0 && obj.ptr[i - 1] != '/')
            i--;
        n->name = arena_fmt(a, "[%.*s]", (int)(obj.len - i), obj.ptr + i);
    } else {
        n->name = "<unknown>";
    }
    /* Go prints NodeInfo{Name OrigName Address File StartLine Lineno Objfile}. */
    n->sortkey = arena_fmt(a, "{%.*s  0  %" PRId64 " 0 %.*s}", (int)name.len, name.ptr, start_line,
                           (int)obj.len, obj.ptr);
    if (n->name == NULL || n->sortkey == NULL)
        return FK_ENOMEM;
    return 0;
}

static int make_nodes(top_ctx *c)
{
    const fk_pprof_msg *m = c->pp->msg;
    size_t total = 0;
    for (size_t i = 0; i < m->n_location; i++)
        total += m->location[i]->n_line ? m->location[i]->n_line : 1;
    c->loc_off = fkx_malloc((m->n_location + 1) * sizeof *c->loc_off);
    c->loc_nodes = fkx_malloc((total ? total : 1) * sizeof *c->loc_nodes);
    if (c->loc_off == NULL || c->loc_nodes == NULL)
        return FK_ENOMEM;
    size_t at = 0;
    int err = 0;
    for (size_t i = 0; err == 0 && i < m->n_location; i++) {
        const fk_pprof_location *l = m->location[i];
        c->loc_off[i] = at;
        if (l->n_line == 0)
            err = node_for(c, l, NULL, &c->loc_nodes[at++]);
        for (size_t k = 0; err == 0 && k < l->n_line; k++)
            err = node_for(c, l, l->line[k], &c->loc_nodes[at++]);
    }
    c->loc_off[m->n_location] = at;
    return err;
}

static int add_edge(top_ctx *c, uint32_t src, uint32_t dst, int64_t w, size_t stamp, int inl)
{
    uint64_t key = ((uint64_t)src << 32) | dst;
    uint64_t h = fkx_hash(&key, sizeof key, c->seed);
    uint32_t tag = (uint32_t)(h >> 32);
    size_t pos = fkx_index_start(&c->edge_index, h);
    for (;;) {
        fkx_index_slot s = c->edge_index.slots[pos];
        if (s.id == 0)
            break;
        edge *e = &c->edges[s.id - 1];
        if (s.tag == tag && e->src == src && e->dst == dst) {
            if (e->stamp == stamp)
                return 0; /* counted once per sample */
            e->stamp = stamp;
            e->weight += w;
            if (!inl)
                e->inl = 0;
            return 0;
        }
        pos = (pos + 1) & c->edge_index.mask;
    }
    int err;
    if ((err = fkx_grow((void **)&c->edges, &c->edges_cap, c->nedges + 1, sizeof *c->edges)) < 0)
        return err;
    size_t mask = c->edge_index.mask;
    if ((err = fkx_index_reserve(&c->edge_index)) < 0)
        return err;
    if (c->edge_index.mask != mask) {
        pos = fkx_index_start(&c->edge_index, h);
        while (c->edge_index.slots[pos].id != 0)
            pos = (pos + 1) & c->edge_index.mask;
    }
    edge *e = &c->edges[c->nedges];
    e->src = src;
    e->dst = dst;
    e->weight = w;
    e->stamp = stamp;
    e->inl = inl;
    fkx_index_put(&c->edge_index, pos, h, (uint32_t)c->nedges);
    c->nedges++;
    return 0;
}

/* (Re)build flat, cum and edges over the nodes marked kept. */
static int build_graph(top_ctx *c)
{
    const fk_pprof *pp = c->pp;
    const fk_pprof_msg *m = pp->msg;
    for (size_t i = 0; i < c->nnodes; i++) {
        c->nodes[i].flat = c->nodes[i].cum = 0;
        c->nodes[i].stamp = 0;
    }
    c->nedges = 0;
    fkx_index_free(&c->edge_index);
    int err = fkx_index_reserve(&c->edge_index);
    for (size_t si = 0; err == 0 && si < m->n_sample; si++) {
        const fk_pprof_sample *s = m->sample[si];
        int64_t w = s->value[c->col];
        if (w == 0)
            continue;
        size_t stamp = si + 1;
        uint32_t parent = UINT32_MAX;
        int residual = 0;
        for (size_t k = s->n_location_id; err == 0 && k-- > 0;) {
            long li = fk_pprof__find(pp, &pp->loc_ids, 0, s->location_id[k]);
            size_t lo = c->loc_off[li], hi = c->loc_off[li + 1];
            for (size_t ni = hi; err == 0 && ni-- > lo;) {
                uint32_t id = c->loc_nodes[ni];
                node *n = &c->nodes[id];
                if (!n->kept) {
                    residual = 1;
                    continue;
                }
                if (n->stamp != stamp) {
                    n->stamp = stamp;
                    n->cum += w;
                }
                if (parent != UINT32_MAX && id != parent)
                    err = add_edge(c, parent, id, w, stamp, ni != hi - 1);
                parent = id;
                residual = 0;
            }
        }
        if (parent != UINT32_MAX && !residual)
            c->nodes[parent].flat += w;
    }
    return err;
}

typedef struct sort_ctx {
    const node *nodes;
    int cum;
} sort_ctx;

static int64_t abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

/* pprof's FlatNameOrder / CumNameOrder. */
static int cmp_nodes(const void *a, const void *b, void *arg)
{
    const sort_ctx *sc = arg;
    const node *l = &sc->nodes[*(const uint32_t *)a], *r = &sc->nodes[*(const uint32_t *)b];
    int64_t lv = abs64(sc->cum ? l->cum : l->flat), rv = abs64(sc->cum ? r->cum : r->flat);
    if (lv != rv)
        return lv > rv ? -1 : 1;
    int c = strcmp(l->name, r->name);
    if (c != 0)
        return c;
    lv = abs64(sc->cum ? l->flat : l->cum);
    rv = abs64(sc->cum ? r->flat : r->cum);
    if (lv != rv)
        return lv > rv ? -1 : 1;
    return strcmp(l->sortkey, r->sortkey);
}

/* Nodes of the current graph: kept, with a non-zero flat or cum. */
static int graph_nodes(top_ctx *c, uint32_t **list, size_t *n)
{
    fkx_free(*list);
    *list = fkx_malloc((c->nnodes ? c->nnodes : 1) * sizeof **list);
    if (*list == NULL)
        return FK_ENOMEM;
    *n = 0;
    for (size_t i = 0; i < c->nnodes; i++)
        if (c->nodes[i].kept && (c->nodes[i].flat != 0 || c->nodes[i].cum != 0))
            (*list)[(*n)++] = (uint32_t)i;
    return 0;
}

static int add_label(fk_pprof_top *t, const char *s)
{
    if (s == NULL)
        return FK_ENOMEM;
    char **nl = fkx_arena_alloc(&t->arena, (t->nlabels + 1) * sizeof *nl);
    if (nl == NULL)
        return FK_ENOMEM;
    if (t->nlabels)
        memcpy(nl, t->labels, t->nlabels * sizeof *nl);
    nl[t->nlabels++] = (char *)s;
    t->labels = nl;
    return 0;
}

static void copy_str(char *dst, size_t cap, fkx_str s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    memcpy(dst, s.ptr, n);
    dst[n] = '\0';
}

/* pprof's header lines that describe the profile (ProfileLabels). */
static int profile_labels(fk_pprof_top *t, const fk_pprof *pp, const char *type)
{
    const fk_pprof_msg *m = pp->msg;
    fkx_arena *a = &t->arena;
    int err = 0;
    if (m->n_mapping > 0) {
        fkx_str f = fk_pprof_string(pp, m->mapping[0]->filename);
        fkx_str b = fk_pprof_string(pp, m->mapping[0]->build_id);
        if (f.len > 0) {
            size_t i = f.len;
            while (i > 0 && f.ptr[i - 1] == '/')
                i--;
            size_t end = i;
            while (i > 0 && f.ptr[i - 1] != '/')
                i--;
            if (end == 0)
                err = add_label(t, "File: /");
            else
                err = add_label(t, arena_fmt(a, "File: %.*s", (int)(end - i), f.ptr + i));
        }
        if (err == 0 && b.len > 0)
            err = add_label(t, arena_fmt(a, "Build ID: %.*s", (int)b.len, b.ptr));
    }
    for (size_t i = 0; err == 0 && i < m->n_comment; i++) {
        fkx_str cm = fk_pprof_string(pp, m->comment[i]);
        if (cm.len == 0 || cm.ptr[0] != '#')
            err = add_label(t, arena_fmt(a, "%.*s", (int)cm.len, cm.ptr));
    }
    if (err == 0 && type[0] != '\0')
        err = add_label(t, arena_fmt(a, "Type: %s", type));
    if (err == 0 && m->time_nanos != 0) {
        int64_t ns = m->time_nanos;
        time_t secs = (time_t)(ns / 1000000000);
        if (ns % 1000000000 < 0)
            secs--;
        struct tm tm;
        char when[128];
        if (localtime_r(&secs, &tm) == NULL ||
            strftime(when, sizeof when, "%b %-d, %Y at %-I:%M%P (%Z)", &tm) == 0)
            snprintf(when, sizeof when, "%" PRId64 "ns", ns);
        err = add_label(t, arena_fmt(a, "Time: %s", when));
    }
    if (err == 0 && m->duration_nanos != 0) {
        char dur[64], tot[64], ratio[48] = "";
        fk_pprof_scaled_label(m->duration_nanos, "nanoseconds", "auto", dur, sizeof dur);
        const char *tu;
        double tn = scale(t->total, t->unit, "nanoseconds", &tu);
        if (strcmp(tu, "ns") == 0 && tn != 0) {
            char pct[32];
            fk_pprof_percent((int64_t)tn, m->duration_nanos, pct, sizeof pct);
            snprintf(ratio, sizeof ratio, "(%s)", pct);
        }
        fk_pprof_top_value(t, t->total, tot, sizeof tot);
        err = add_label(t, arena_fmt(a, "Duration: %s, Total samples = %s %s", dur, tot, ratio));
    }
    return err;
}

/* pprof's selectOutputUnit: one unit for the whole report. */
static void select_output_unit(fk_pprof_top *t, const top_ctx *c, const uint32_t *list, size_t n)
{
    if (n == 0) {
        snprintf(t->output_unit, sizeof t->output_unit, "minimum");
        return;
    }
    int64_t minv = 0;
    for (size_t i = 0; i < n; i++) {
        const node *nd = &c->nodes[list[i]];
        int64_t v = abs64(nd->flat);
        if (v == 0)
            v = abs64(nd->cum);
        if (v > 0 && (minv == 0 || v < minv))
            minv = v;
    }
    int64_t maxv = t->total;
    if (minv == 0)
        minv = maxv;
    const char *minu, *maxu, *unit;
    scale(minv, t->unit, "minimum", &minu);
    scale(maxv, t->unit, "minimum", &maxu);
    unit = minu;
    if (strcmp(minu, maxu) != 0 && minv * 100 < maxv)
        scale(100 * minv, t->unit, "minimum", &unit);
    snprintf(t->output_unit, sizeof t->output_unit, "%s", unit[0] ? unit : t->unit);
}

static int64_t compute_total(const fk_pprof *pp, size_t col)
{
    const fk_pprof_msg *m = pp->msg;
    int64_t total = 0, diff_total = 0;
    for (size_t i = 0; i < m->n_sample; i++) {
        const fk_pprof_sample *s = m->sample[i];
        int64_t v = abs64(s->value[col]);
        total += v;
        for (size_t k = 0; k < s->n_label; k++) {
            fkx_str key = fk_pprof_string(pp, s->label[k]->key);
            if (key.len == 11 && memcmp(key.ptr, "pprof::base", 11) == 0) {
                diff_total += v;
                break;
            }
        }
    }
    return diff_total > 0 ? diff_total : total;
}

int fk_pprof_top_build(fk_pprof_top *t, const fk_pprof *pp, const fk_pprof_top_opts *o)
{
    memset(t, 0, sizeof *t);
    top_ctx c;
    memset(&c, 0, sizeof c);
    c.pp = pp;
    c.out = t;
    c.seed = fkx_hash_seed();
    uint32_t *list = NULL;
    size_t n = 0;
    int err = fk_pprof_sample_index(pp, o->sample_index, &c.col);
    if (err < 0)
        return err;
    const fk_pprof_msg *m = pp->msg;
    char type[256];
    copy_str(type, sizeof type, fk_pprof_string(pp, m->sample_type[c.col]->type));
    copy_str(t->unit, sizeof t->unit, fk_pprof_string(pp, m->sample_type[c.col]->unit));
    t->total = compute_total(pp, c.col);

    if ((err = fkx_intern_init(&c.keys)) < 0 || (err = make_nodes(&c)) < 0)
        goto done;
    for (size_t i = 0; i < c.nnodes; i++)
        c.nodes[i].kept = 1;
    if ((err = build_graph(&c)) < 0 || (err = graph_nodes(&c, &list, &n)) < 0)
        goto done;
    int64_t flat_total = 0;
    for (size_t i = 0; i < n; i++)
        flat_total += c.nodes[list[i]].flat;
    int64_t node_cutoff = abs64((int64_t)((double)flat_total * o->nodefraction));
    int64_t edge_cutoff = abs64((int64_t)((double)flat_total * o->edgefraction));
    size_t dropped = 0;
    if (node_cutoff > 0) {
        size_t kept = 0;
        for (size_t i = 0; i < c.nnodes; i++)
            c.nodes[i].kept = 0;
        for (size_t i = 0; i < n; i++) {
            node *nd = &c.nodes[list[i]];
            if (abs64(nd->cum) >= node_cutoff) {
                nd->kept = 1;
                kept++;
            }
        }
        if (kept != n) {
            dropped = n - kept;
            if ((err = build_graph(&c)) < 0 || (err = graph_nodes(&c, &list, &n)) < 0)
                goto done;
        }
    }
    size_t orig_count = n;
    sort_ctx sc = {c.nodes, o->cum};
    qsort_r(list, n, sizeof *list, cmp_nodes, &sc);
    if (o->nodecount > 0 && n > (size_t)o->nodecount) {
        for (size_t i = 0; i < c.nnodes; i++)
            c.nodes[i].kept = 0;
        for (size_t i = 0; i < (size_t)o->nodecount; i++)
            c.nodes[list[i]].kept = 1;
        if ((err = build_graph(&c)) < 0 || (err = graph_nodes(&c, &list, &n)) < 0)
            goto done;
        sc.nodes = c.nodes;
        qsort_r(list, n, sizeof *list, cmp_nodes, &sc);
    }
    for (size_t i = 0; i < c.nedges; i++) {
        const edge *e = &c.edges[i];
        if (abs64(e->weight) < edge_cutoff)
            continue;
        if (e->inl)
            c.nodes[e->dst].inl = 1;
        else
            c.nodes[e->dst].noinl = 1;
    }
    select_output_unit(t, &c, list, n);

    if ((err = profile_labels(t, pp, type)) < 0)
        goto done;
    int64_t flat_sum = 0;
    for (size_t i = 0; i < n; i++)
        flat_sum += c.nodes[list[i]].flat;
    char a[64], b[64], pct[32];
    fk_pprof_top_value(t, flat_sum, a, sizeof a);
    fk_pprof_top_value(t, t->total, b, sizeof b);
    fk_pprof_percent(flat_sum, t->total, pct, sizeof pct);
    const char *p = pct;
    while (*p == ' ')
        p++;
    if ((err = add_label(t, arena_fmt(&t->arena, "Showing nodes accounting for %s, %s of %s total",
                                      a, p, b))) < 0)
        goto done;
    if (t->total != 0) {
        if (dropped > 0) {
            fk_pprof_top_value(t, abs64((int64_t)((double)t->total * o->nodefraction)), a,
                               sizeof a);
            if ((err = add_label(t, arena_fmt(&t->arena, "Dropped %zu node%s (cum <= %s)", dropped,
                                              dropped > 1 ? "s" : "", a))) < 0)
                goto done;
        }
        if (n > 0 && n < orig_count &&
            (err = add_label(
                 t, arena_fmt(&t->arena, "Showing top %zu nodes out of %zu", n, orig_count))) < 0)
            goto done;
    }
    t->rows = fkx_arena_alloc(&t->arena, (n ? n : 1) * sizeof *t->rows);
    if (t->rows == NULL) {
        err = FK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const node *nd = &c.nodes[list[i]];
        fk_pprof_top_row *r = &t->rows[i];
        r->name = nd->name;
        r->inline_label = nd->inl ? (nd->noinl ? "(partial-inline)" : "(inline)") : "";
        r->flat = nd->flat;
        r->cum = nd->cum;
    }
    t->nrows = n;
done:
    fkx_free(list);
    fkx_free(c.nodes);
    fkx_free(c.loc_off);
    fkx_free(c.loc_nodes);
    fkx_free(c.edges);
    fkx_index_free(&c.edge_index);
    fkx_intern_free(&c.keys);
    if (err < 0)
        fk_pprof_top_free(t);
    return err;
}

void fk_pprof_top_free(fk_pprof_top *t)
{
    if (t == NULL)
        return;
    fkx_arena_free(&t->arena);
    memset(t, 0, sizeof *t);
}
