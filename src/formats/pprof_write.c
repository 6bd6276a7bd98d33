/*
 * pprof_write.c - pprof profiles out: protobuf-c packs the message, zlib
 * gzips it on the fly, and the bytes go to an fkx_output (a file that
 * appears only when complete) or to memory.
 *
 * fk_pprof_from_profile() describes a model profile in pprof terms so any
 * input flamekit reads can be handed to pprof-speaking tools: one function
 * and one location per distinct frame name, one sample per distinct stack
 * (leaf first, as pprof wants), under a single mapping that says functions
 * are already symbolized, so pprof does not try to symbolize them.
 */
#include "pprof.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/output.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

/* ---- byte sinks --------------------------------------------------------- */

typedef struct sink {
    ProtobufCBuffer base; /* must come first: protobuf-c calls base.append */
    fkx_output *out;      /* either a file/stdout ... */
    unsigned char *mem;   /* ... or memory */
    size_t mem_len, mem_cap;
    int gzip;
    z_stream z;
    unsigned char zbuf[64 << 10];
    int err;
} sink;

static int emit(sink *s, const unsigned char *data, size_t len)
{
    if (s->out != NULL)
        return fkx_output_write(s->out, data, len);
    if (s->mem_len + len > s->mem_cap) {
        int err = fkx_grow((void **)&s->mem, &s->mem_cap, s->mem_len + len, 1);
        if (err < 0)
            return err;
    }
    memcpy(s->mem + s->mem_len, data, len);
    s->mem_len += len;
    return 0;
}

static int deflate_some(sink *s, const unsigned char *data, size_t len, int flush)
{
    s->z.next_in = (unsigned char *)data;
    s->z.avail_in = (uInt)len;
    for (;;) {
        s->z.next_out = s->zbuf;
        s->z.avail_out = sizeof s->zbuf;
        int rc = deflate(&s->z, flush);
        if (rc == Z_STREAM_ERROR)
            return fkx_error_set(FK_EIO, "gzip compression failed");
        size_t have = sizeof s->zbuf - s->z.avail_out;
        if (have > 0) {
            int err = emit(s, s->zbuf, have);
            if (err < 0)
                return err;
        }
        if (flush == Z_FINISH ? rc == Z_STREAM_END : s->z.avail_in == 0 && s->z.avail_out != 0)
            return 0;
    }
}

static void sink_append(ProtobufCBuffer *buffer, size_t len, const uint8_t *data)
{
    sink *s = (sink *)buffer;
    if (s->err < 0)
        return;
    while (len > 0) {
        size_t n = len > ((size_t)1 << 30) ? (size_t)1 << 30 : len;
        s->err = s->gzip ? deflate_some(s, data, n, Z_NO_FLUSH) : emit(s, data, n);
        if (s->err < 0)
            return;
        data += n;
        len -= n;
    }
}

static int pack(const fk_pprof *pp, sink *s)
{
    s->base.append = sink_append;
    if (s->gzip) {
        memset(&s->z, 0, sizeof s->z);
        /* 15 + 16: a gzip wrapper, as pprof files have. */
        if (deflateInit2(&s->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                         Z_DEFAULT_STRATEGY) != Z_OK)
            return fkx_error_set(FK_ENOMEM, "cannot start gzip compression");
    }
    perftools__profiles__profile__pack_to_buffer(pp->msg, &s->base);
    if (s->err == 0 && s->gzip)
        s->err = deflate_some(s, NULL, 0, Z_FINISH);
    if (s->gzip)
        deflateEnd(&s->z);
    return s->err;
}

int fk_pprof_write(const fk_pprof *pp, fkx_output *out, int gzip)
{
    sink *s = fkx_calloc(1, sizeof *s);
    if (s == NULL)
        return FK_ENOMEM;
    s->out = out;
    s->gzip = gzip;
    int err = pack(pp, s);
    fkx_free(s);
    return err;
}

int fk_pprof_encode(const fk_pprof *pp, unsigned char **out, size_t *len, int gzip)
{
    *out = NULL;
    *len = 0;
    sink *s = fkx_calloc(1, sizeof *s);
    if (s == NULL)
        return FK_ENOMEM;
    s->gzip = gzip;
    int err = pack(pp, s);
    if (err == 0) {
        *out = s->mem ? s->mem : fkx_malloc(1);
        *len = s->mem_len;
        if (*out == NULL)
            err = FK_ENOMEM;
    } else {
        fkx_free(s->mem);
    }
    fkx_free(s);
    return err;
}

/* ---- model -> pprof ----------------------------------------------------- */

typedef struct builder {
    fk_pprof *pp;
    fk_pprof_msg *m;
    size_t strings_cap;
    int64_t *str_of; /* model string id -> string table index (0: not yet) */
    uint64_t *fn_of; /* model string id -> function/location id (0: not yet) */
    size_t functions_cap;
} builder;

static void *balloc(builder *b, size_t size)
{
    void *p = fkx_arena_alloc(&b->pp->arena, size);
    if (p != NULL)
        memset(p, 0, size);
    return p;
}

/* Append a string to the table; *out gets its index. */
static int add_string(builder *b, const char *s, size_t len, int64_t *out)
{
    fk_pprof_msg *m = b->m;
    if (m->n_string_table == b->strings_cap) {
        size_t ncap = b->strings_cap ? b->strings_cap * 2 : 64;
        ProtobufCBinaryData *ns = fkx_arena_alloc(&b->pp->arena, ncap * sizeof *ns);
        if (ns == NULL)
            return FK_ENOMEM;
        if (m->n_string_table)
            memcpy(ns, m->string_table, m->n_string_table * sizeof *ns);
        m->string_table = ns;
        b->strings_cap = ncap;
    }
    uint8_t *copy = NULL;
    if (len > 0 && (copy = fkx_arena_alloc(&b->pp->arena, len)) == NULL)
        return FK_ENOMEM;
    if (len > 0)
        memcpy(copy, s, len);
    m->string_table[m->n_string_table].data = copy;
    m->string_table[m->n_string_table].len = len;
    *out = (int64_t)m->n_string_table++;
    return 0;
}

static int model_string(builder *b, const fk_profile *p, uint32_t id, int64_t *out)
{
    if (b->str_of[id] == 0) {
        fkx_str s = fk_profile_string(p, id);
        if (s.len == 0) {
            *out = 0;
            return 0;
        }
        int err = add_string(b, s.ptr, s.len, &b->str_of[id]);
        if (err < 0)
            return err;
    }
    *out = b->str_of[id];
    return 0;
}

static int value_type(builder *b, const char *type, const char *unit, fk_pprof_value_type **out)
{
    fk_pprof_value_type *vt = balloc(b, sizeof *vt);
    if (vt == NULL)
        return FK_ENOMEM;
    perftools__profiles__value_type__init(vt);
    int err = add_string(b, type, strlen(type), &vt->type);
    if (err == 0)
        err = add_string(b, unit, strlen(unit), &vt->unit);
    *out = vt;
    return err;
}

/* The function and location (same id) of a frame name. */
static int frame_location(builder *b, const fk_profile *p, uint32_t frame, uint64_t *out)
{
    if (b->fn_of[frame] != 0) {
        *out = b->fn_of[frame];
        return 0;
    }
    fk_pprof_msg *m = b->m;
    if (m->n_function == b->functions_cap) {
        size_t ncap = b->functions_cap ? b->functions_cap * 2 : 64;
        fk_pprof_function **nf = fkx_arena_alloc(&b->pp->arena, ncap * sizeof *nf);
        fk_pprof_location **nl = fkx_arena_alloc(&b->pp->arena, ncap * sizeof *nl);
        if (nf == NULL || nl == NULL)
            return FK_ENOMEM;
        if (m->n_function) {
            memcpy(nf, m->function, m->n_function * sizeof *nf);
            memcpy(nl, m->location, m->n_location * sizeof *nl);
        }
        m->function = nf;
        m->location = nl;
        b->functions_cap = ncap;
    }
    fk_pprof_function *f = balloc(b, sizeof *f);
    fk_pprof_location *l = balloc(b, sizeof *l);
    fk_pprof_line *line = balloc(b, sizeof *line);
    fk_pprof_line **lines = balloc(b, sizeof *lines);
    if (f == NULL || l == NULL || line == NULL || lines == NULL)
        return FK_ENOMEM;
    perftools__profiles__function__init(f);
    perftools__profiles__location__init(l);
    perftools__profiles__line__init(line);
    uint64_t id = m->n_function + 1;
    f->id = id;
    int err = model_string(b, p, frame, &f->name);
    if (err < 0)
        return err;
    f->system_name = f->name;
    line->function_id = id;
    lines[0] = line;
    l->id = id;
    l->mapping_id = 1;
    l->n_line = 1;
    l->line = lines;
    m->function[m->n_function++] = f;
    m->location[m->n_location++] = l;
    b->fn_of[frame] = id;
    *out = id;
    return 0;
}

int fk_pprof_from_profile(fk_pprof **out, const fk_profile *p, const fk_pprof_meta *meta)
{
    *out = NULL;
    fk_pprof *pp = fkx_calloc(1, sizeof *pp);
    if (pp == NULL)
        return FK_ENOMEM;
    pp->arena_cap = FK_LIMIT_PPROF_MEMORY;
    builder b;
    memset(&b, 0, sizeof b);
    b.pp = pp;
    size_t nstr = p->strings.count ? p->strings.count : 1;
    b.str_of = fkx_calloc(nstr, sizeof *b.str_of);
    b.fn_of = fkx_calloc(nstr, sizeof *b.fn_of);
    int err = b.str_of && b.fn_of ? 0 : FK_ENOMEM;
    fk_pprof_msg *m = NULL;
    if (err == 0 && ((pp->name = fkx_arena_strndup(&pp->arena, "<profile>", 9)) == NULL ||
                     (m = balloc(&b, sizeof *m)) == NULL))
        err = FK_ENOMEM;
    if (err < 0)
        goto done;
    perftools__profiles__profile__init(m);
    pp->msg = b.m = m;
    int64_t empty;
    if ((err = add_string(&b, "", 0, &empty)) < 0)
        goto done;

    /* Sample types. */
    char type[256], unit[256];
    m->sample_type = balloc(&b, (p->ntypes ? p->ntypes : 1) * sizeof *m->sample_type);
    if (m->sample_type == NULL) {
        err = FK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < p->ntypes; i++) {
        fkx_str t = fk_profile_string(p, p->types[i].type);
        fkx_str u = fk_profile_string(p, p->types[i].unit);
        snprintf(type, sizeof type, "%.*s", (int)t.len, t.ptr);
        snprintf(unit, sizeof unit, "%.*s", (int)u.len, u.ptr);
        if ((err = value_type(&b, type, unit, &m->sample_type[i])) < 0)
            goto done;
        m->n_sample_type++;
    }
    if (p->ntypes > 1 && p->default_type < p->ntypes)
        m->default_sample_type = m->sample_type[p->default_type]->type;
    if (meta != NULL) {
        m->time_nanos = meta->time_nanos;
        m->duration_nanos = meta->duration_nanos;
        m->period = meta->period;
        if (meta->period_type != NULL &&
            (err = value_type(&b, meta->period_type, meta->period_unit ? meta->period_unit : "",
                              &m->period_type)) < 0)
            goto done;
    }

    /* One mapping that says: symbolized already. */
    fk_pprof_mapping *map = balloc(&b, sizeof *map);
    m->mapping = balloc(&b, sizeof *m->mapping);
    if (map == NULL || m->mapping == NULL) {
        err = FK_ENOMEM;
        goto done;
    }
    perftools__profiles__mapping__init(map);
    map->id = 1;
    map->has_functions = 1;
    m->mapping[0] = map;
    m->n_mapping = 1;

    /* Samples, leaf first. */
    m->sample = balloc(&b, (p->nstacks ? p->nstacks : 1) * sizeof *m->sample);
    if (m->sample == NULL) {
        err = FK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < p->nstacks; i++) {
        size_t depth;
        const uint32_t *frames = fk_profile_stack(p, i, &depth);
        const double *vals = fk_profile_values(p, i);
        fk_pprof_sample *s = balloc(&b, sizeof *s);
        uint64_t *locs = balloc(&b, (depth ? depth : 1) * sizeof *locs);
        int64_t *values = balloc(&b, (p->ntypes ? p->ntypes : 1) * sizeof *values);
        if (s == NULL || locs == NULL || values == NULL) {
            err = FK_ENOMEM;
            goto done;
        }
        perftools__profiles__sample__init(s);
        for (size_t d = 0; d < depth; d++)
            if ((err = frame_location(&b, p, frames[depth - 1 - d], &locs[d])) < 0)
                goto done;
        for (size_t t = 0; t < p->ntypes; t++)
            values[t] = (int64_t)llround(vals[t]);
        s->n_location_id = depth;
        s->location_id = locs;
        s->n_value = p->ntypes;
        s->value = values;
        m->sample[m->n_sample++] = s;
    }
    pp->loc_ids.dense = pp->fn_ids.dense = pp->map_ids.dense = 1;
done:
    fkx_free(b.str_of);
    fkx_free(b.fn_of);
    if (err < 0) {
        fk_pprof_free(pp);
        return err;
    }
    *out = pp;
    return 0;
}
