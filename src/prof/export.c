/*
 * export.c - an aggregated profile -> a pprof message -> gzip'd bytes.
 *
 * One Location per distinct address (return addresses minus one, so that
 * they point into the call instruction and symbolize to the call's line),
 * one Line per inline frame (innermost first, as pprof wants), one Function
 * per distinct (name, system name, file), one Mapping per executable file
 * mapping with its build id. Every mapping says functions, files, lines and
 * inline frames are resolved, so pprof does not try to symbolize again.
 * Encoding is the formats module's writer (pprof_write.c).
 *
 * Runs under the export lock (util's allocator is not thread-safe).
 */
#include "prof_int.h"

#include "formats/pprof.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/intern.h"
#include "util/limits.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct addr_map {
    uint64_t *keys; /* address + 1; 0 = empty */
    uint64_t *vals;
    size_t mask, count;
} addr_map;

typedef struct builder {
    fk_pprof *pp;
    fk_pprof_msg *m;
    fkx_intern strings, fkeys;
    fkp_symtab *sym;
    addr_map locs;
    size_t loc_cap, fn_cap;
    const fkp_module *mods;
    size_t nmods;
} builder;

static void *balloc(builder *b, size_t size)
{
    void *p = fkx_arena_alloc(&b->pp->arena, size ? size : 1);
    if (p != NULL)
        memset(p, 0, size ? size : 1);
    return p;
}

static int str(builder *b, const char *s, int64_t *out)
{
    uint32_t id;
    int err = fkx_intern_put(&b->strings, &id, s ? s : "", s ? strlen(s) : 0);
    *out = id;
    return err;
}

static uint64_t addr_hash(uint64_t a)
{
    a ^= a >> 33;
    a *= 0xff51afd7ed558ccdull;
    a ^= a >> 33;
    return a;
}

/* Find address a's slot; *found says whether it holds a. */
static size_t addr_slot(const addr_map *m, uint64_t a, int *found)
{
    size_t p = addr_hash(a) & m->mask;
    while (m->keys[p] != 0 && m->keys[p] != a + 1)
        p = (p + 1) & m->mask;
    *found = m->keys[p] == a + 1;
    return p;
}

static int addr_reserve(addr_map *m)
{
    if (m->keys != NULL && (m->count + 1) * 2 <= m->mask + 1)
        return 0;
    size_t cap = m->keys ? (m->mask + 1) * 2 : 1024;
    addr_map n = {fkx_calloc(cap, sizeof(uint64_t)), fkx_calloc(cap, sizeof(uint64_t)), cap - 1,
                  m->count};
    if (n.keys == NULL || n.vals == NULL) {
        fkx_free(n.keys);
        fkx_free(n.vals);
        return FK_ENOMEM;
    }
    for (size_t i = 0; m->keys && i <= m->mask; i++) {
        if (m->keys[i] == 0)
            continue;
        int found;
        size_t p = addr_slot(&n, m->keys[i] - 1, &found);
        n.keys[p] = m->keys[i];
        n.vals[p] = m->vals[i];
    }
    fkx_free(m->keys);
    fkx_free(m->vals);
    *m = n;
    return 0;
}

static uint64_t mapping_of(const builder *b, uint64_t addr)
{
    size_t lo = 0, hi = b->nmods;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (b->mods[mid].limit <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < b->nmods && b->mods[lo].start <= addr)
        return lo + 1;
    return 0;
}

/* The function id of one frame. */
static int function_id(builder *b, const fkp_frame *f, uint64_t *out)
{
    char key[1024];
    const char *name = f->name ? f->name : "";
    const char *sys = f->system_name ? f->system_name : name;
    const char *file = f->file ? f->file : "";
    int klen = snprintf(key, sizeof key, "%s%c%s%c%s", name, 0, sys, 0, file);
    size_t len = klen < 0 ? 0 : (size_t)klen >= sizeof key ? sizeof key - 1 : (size_t)klen;
    uint32_t id;
    size_t before = b->fkeys.count;
    int err = fkx_intern_put(&b->fkeys, &id, key, len);
    if (err < 0)
        return err;
    *out = (uint64_t)id + 1;
    if (b->fkeys.count == before)
        return 0;
    fk_pprof_msg *m = b->m;
    if ((err = fkx_grow((void **)&m->function, &b->fn_cap, m->n_function + 1,
                        sizeof *m->function)) < 0)
        return err;
    fk_pprof_function *fn = balloc(b, sizeof *fn);
    if (fn == NULL)
        return FK_ENOMEM;
    perftools__profiles__function__init(fn);
    fn->id = *out;
    if ((err = str(b, name, &fn->name)) < 0 || (err = str(b, sys, &fn->system_name)) < 0 ||
        (err = str(b, file, &fn->filename)) < 0)
        return err;
    fn->start_line = f->start_line;
    m->function[m->n_function++] = fn;
    return 0;
}

/* The location id of an address, symbolizing it on first sight. */
static int location_id(builder *b, uint64_t addr, uint64_t *out)
{
    int err = addr_reserve(&b->locs);
    if (err < 0)
        return err;
    int found;
    size_t slot = addr_slot(&b->locs, addr, &found);
    if (found) {
        *out = b->locs.vals[slot];
        return 0;
    }
    fk_pprof_msg *m = b->m;
    if ((err = fkx_grow((void **)&m->location, &b->loc_cap, m->n_location + 1,
                        sizeof *m->location)) < 0)
        return err;
    fk_pprof_location *l = balloc(b, sizeof *l);
    if (l == NULL)
        return FK_ENOMEM;
    perftools__profiles__location__init(l);
    l->id = m->n_location + 1;
    l->address = addr;
    l->mapping_id = mapping_of(b, addr);
    fkp_frame frames[32];
    size_t n = fkp_symtab_lookup(b->sym, (uintptr_t)addr, frames, 32);
    if (n > 0) {
        l->line = balloc(b, n * sizeof *l->line);
        if (l->line == NULL)
            return FK_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            fk_pprof_line *ln = balloc(b, sizeof *ln);
            if (ln == NULL)
                return FK_ENOMEM;
            perftools__profiles__line__init(ln);
            if ((err = function_id(b, &frames[i], &ln->function_id)) < 0)
                return err;
            ln->line = frames[i].line;
            l->line[l->n_line++] = ln;
        }
    }
    m->location[m->n_location++] = l;
    b->locs.keys[slot] = addr + 1;
    b->locs.vals[slot] = l->id;
    b->locs.count++;
    *out = l->id;
    return 0;
}

static int value_type(builder *b, const char *type, const char *unit, fk_pprof_value_type **out)
{
    fk_pprof_value_type *vt = balloc(b, sizeof *vt);
    if (vt == NULL)
        return FK_ENOMEM;
    perftools__profiles__value_type__init(vt);
    int err = str(b, type, &vt->type);
    if (err == 0)
        err = str(b, unit, &vt->unit);
    *out = vt;
    return err;
}

static int build(builder *b, const fkp_result *r, int kind)
{
    fk_pprof_msg *m = b->m;
    int64_t empty;
    int err;
    if ((err = str(b, "", &empty)) < 0)
        return err;
    size_t ntypes = kind == FKP_KIND_CPU ? 2 : 1;
    m->sample_type = balloc(b, ntypes * sizeof *m->sample_type);
    if (m->sample_type == NULL)
        return FK_ENOMEM;
    if (kind == FKP_KIND_CPU) {
        if ((err = value_type(b, "samples", "count", &m->sample_type[0])) < 0 ||
            (err = value_type(b, "cpu", "nanoseconds", &m->sample_type[1])) < 0 ||
            (err = value_type(b, "cpu", "nanoseconds", &m->period_type)) < 0)
            return err;
        m->period = r->period_ns;
    } else {
        if ((err = value_type(b, "threads", "count", &m->sample_type[0])) < 0 ||
            (err = value_type(b, "threads", "count", &m->period_type)) < 0)
            return err;
        m->period = 1;
    }
    m->n_sample_type = ntypes;
    m->time_nanos = r->time_nanos;
    m->duration_nanos = r->duration_nanos;

    /* Mappings. */
    if (b->nmods > 0) {
        m->mapping = balloc(b, b->nmods * sizeof *m->mapping);
        if (m->mapping == NULL)
            return FK_ENOMEM;
    }
    for (size_t i = 0; i < b->nmods; i++) {
        fk_pprof_mapping *mp = balloc(b, sizeof *mp);
        if (mp == NULL)
            return FK_ENOMEM;
        perftools__profiles__mapping__init(mp);
        mp->id = i + 1;
        mp->memory_start = b->mods[i].start;
        mp->memory_limit = b->mods[i].limit;
        mp->file_offset = b->mods[i].offset;
        if ((err = str(b, b->mods[i].file, &mp->filename)) < 0 ||
            (err = str(b, b->mods[i].build_id, &mp->build_id)) < 0)
            return err;
        mp->has_functions = mp->has_filenames = mp->has_line_numbers = mp->has_inline_frames = 1;
        m->mapping[m->n_mapping++] = mp;
    }

    /* Samples. */
    const fkp_agg *a = &r->agg;
    m->sample = balloc(b, a->nstacks * sizeof *m->sample);
    if (m->sample == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < a->nstacks; i++) {
        const fkp_stack *st = &a->stacks[i];
        fk_pprof_sample *s = balloc(b, sizeof *s);
        uint64_t *locs = balloc(b, st->depth * sizeof *locs);
        int64_t *vals = balloc(b, ntypes * sizeof *vals);
        if (s == NULL || locs == NULL || vals == NULL)
            return FK_ENOMEM;
        perftools__profiles__sample__init(s);
        for (uint32_t d = 0; d < st->depth; d++) {
            uint64_t pc = a->pcs[st->off + d];
            if ((err = location_id(b, d == 0 ? pc : pc - 1, &locs[d])) < 0)
                return err;
        }
        vals[0] = (int64_t)st->weight;
        if (kind == FKP_KIND_CPU)
            vals[1] = (int64_t)st->weight * r->period_ns;
        s->location_id = locs;
        s->n_location_id = st->depth;
        s->value = vals;
        s->n_value = ntypes;
        m->sample[m->n_sample++] = s;
    }

    /* The string table is the interner's, in id order. */
    m->string_table = balloc(b, b->strings.count * sizeof *m->string_table);
    if (m->string_table == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < b->strings.count; i++) {
        fkx_str s = fkx_intern_get(&b->strings, (uint32_t)i);
        m->string_table[i].data = (uint8_t *)s.ptr;
        m->string_table[i].len = s.len;
    }
    m->n_string_table = b->strings.count;
    return 0;
}

static int builder_init(builder *b)
{
    memset(b, 0, sizeof *b);
    int err;
    if ((b->pp = fkx_calloc(1, sizeof *b->pp)) == NULL)
        return FK_ENOMEM;
    b->pp->arena_cap = FK_LIMIT_PPROF_MEMORY;
    if ((err = fkx_intern_init(&b->strings)) < 0 || (err = fkx_intern_init(&b->fkeys)) < 0 ||
        (err = fkp_symtab_new(&b->sym)) < 0)
        return err;
    if ((b->m = balloc(b, sizeof *b->m)) == NULL)
        return FK_ENOMEM;
    perftools__profiles__profile__init(b->m);
    b->pp->msg = b->m;
    b->pp->loc_ids.dense = b->pp->fn_ids.dense = b->pp->map_ids.dense = 1;
    b->nmods = fkp_symtab_modules(b->sym, &b->mods);
    return 0;
}

static void builder_free(builder *b)
{
    /* The message's arrays grown with fkx_grow live outside the arena. */
    if (b->m != NULL) {
        fkx_free(b->m->function);
        fkx_free(b->m->location);
        b->m->function = NULL;
        b->m->location = NULL;
    }
    fk_pprof_free(b->pp);
    fkx_intern_free(&b->strings);
    fkx_intern_free(&b->fkeys);
    fkp_symtab_free(b->sym);
    fkx_free(b->locs.keys);
    fkx_free(b->locs.vals);
}

int fkp_export_pprof(const fkp_result *r, int kind, unsigned char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    builder b;
    int err = builder_init(&b);
    if (err == 0)
        err = build(&b, r, kind);
    if (err == 0)
        err = fk_pprof_encode(b.pp, out, len, 1);
    builder_free(&b);
    return err;
}

/* The debug=1 text: one block per distinct stack, like Go's goroutine?debug=1. */
int fkp_export_text(const fkp_result *r, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    fkx_buf t = FKX_BUF_INIT((size_t)256 << 20);
    fkp_symtab *sym = NULL;
    int err = fkp_symtab_new(&sym);
    uint64_t total = 0;
    for (size_t i = 0; i < r->agg.nstacks; i++)
        total += r->agg.stacks[i].weight;
    if (err == 0)
        err = fkx_buf_printf(&t, "threads profile: total %llu\n", (unsigned long long)total);
    for (size_t i = 0; err == 0 && i < r->agg.nstacks; i++) {
        const fkp_stack *st = &r->agg.stacks[i];
        const uintptr_t *pcs = &r->agg.pcs[st->off];
        err = fkx_buf_printf(&t, "%llu @", (unsigned long long)st->weight);
        for (uint32_t d = 0; err == 0 && d < st->depth; d++)
            err = fkx_buf_printf(&t, " %#llx", (unsigned long long)pcs[d]);
        if (err == 0)
            err = fkx_buf_putc(&t, '\n');
        for (uint32_t d = 0; err == 0 && d < st->depth; d++) {
            uintptr_t a = d == 0 ? pcs[d] : pcs[d] - 1;
            fkp_frame frames[32];
            size_t n = fkp_symtab_lookup(sym, a, frames, 32);
            if (n == 0)
                err = fkx_buf_printf(&t, "#\t%#llx\n", (unsigned long long)a);
            for (size_t k = 0; err == 0 && k < n; k++)
                err = fkx_buf_printf(&t, "#\t%#llx\t%s\t%s:%lld\n", (unsigned long long)a,
                                     frames[k].name, frames[k].file ? frames[k].file : "?",
                                     (long long)frames[k].line);
        }
        if (err == 0)
            err = fkx_buf_putc(&t, '\n');
    }
    fkp_symtab_free(sym);
    if (err < 0) {
        fkx_buf_free(&t);
        return err;
    }
    if (t.ptr == NULL && (t.ptr = fkx_calloc(1, 1)) == NULL)
        return FK_ENOMEM;
    *out = t.ptr;
    *len = t.len;
    return 0;
}
