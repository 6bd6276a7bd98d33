/*
 * pprof_decode.c - turning pprof bytes into a validated fk_pprof.
 *
 * protobuf-c does the decoding, with every object taken from one arena that
 * has a size cap, so a hostile profile cannot make it allocate without
 * bound and freeing is one call. protobuf-c only says "failed" when the
 * bytes are bad, so on failure a small wire walker that knows the schema
 * re-reads the input to say what is wrong and at which byte offset.
 *
 * After decoding, validate() checks every reference the way pprof does
 * (string indices, ids, one value per sample type) and builds the id ->
 * index tables the rest of the code looks locations, functions and
 * mappings up with.
 */
#include "formats.h"
#include "pprof.h"

#include "util/alloc.h"
#include "util/error.h"
#include "util/input.h"

#include <stdio.h>
#include <string.h>

/* ---- allocation -------------------------------------------------------- */

static void *arena_alloc(void *data, size_t size)
{
    fk_pprof *pp = data;
    if (pp->arena.total > pp->arena_cap || size > pp->arena_cap - pp->arena.total) {
        pp->arena_full = 1;
        return NULL;
    }
    return fkx_arena_alloc(&pp->arena, size);
}

static void arena_release(void *data, void *ptr)
{
    (void)data; /* everything goes at once with the arena */
    (void)ptr;
}

/* ---- the wire walker (diagnostics only) -------------------------------- */

enum msg_kind {
    K_PROFILE,
    K_VALUE_TYPE,
    K_SAMPLE,
    K_LABEL,
    K_MAPPING,
    K_LOCATION,
    K_LINE,
    K_FUNCTION
};

enum field_kind { F_UNKNOWN, F_VARINT, F_REPEATED_VARINT, F_MESSAGE, F_BYTES };

typedef struct field_spec {
    unsigned char kind;
    unsigned char sub; /* msg_kind of a F_MESSAGE field */
    const char *name;
} field_spec;

#define MAX_FIELD 15

static const char *const kind_names[] = {"Profile", "ValueType", "Sample", "Label",
                                         "Mapping", "Location",  "Line",   "Function"};

static const field_spec schema[][MAX_FIELD + 1] = {
    [K_PROFILE] = {{0, 0, NULL},
                   {F_MESSAGE, K_VALUE_TYPE, "sample_type"},
                   {F_MESSAGE, K_SAMPLE, "sample"},
                   {F_MESSAGE, K_MAPPING, "mapping"},
                   {F_MESSAGE, K_LOCATION, "location"},
                   {F_MESSAGE, K_FUNCTION, "function"},
                   {F_BYTES, 0, "string_table"},
                   {F_VARINT, 0, "drop_frames"},
                   {F_VARINT, 0, "keep_frames"},
                   {F_VARINT, 0, "time_nanos"},
                   {F_VARINT, 0, "duration_nanos"},
                   {F_MESSAGE, K_VALUE_TYPE, "period_type"},
                   {F_VARINT, 0, "period"},
                   {F_REPEATED_VARINT, 0, "comment"},
                   {F_VARINT, 0, "default_sample_type"},
                   {F_VARINT, 0, "doc_url"}},
    [K_VALUE_TYPE] = {{0, 0, NULL}, {F_VARINT, 0, "type"}, {F_VARINT, 0, "unit"}},
    [K_SAMPLE] = {{0, 0, NULL},
                  {F_REPEATED_VARINT, 0, "location_id"},
                  {F_REPEATED_VARINT, 0, "value"},
                  {F_MESSAGE, K_LABEL, "label"}},
    [K_LABEL] = {{0, 0, NULL},
                 {F_VARINT, 0, "key"},
                 {F_VARINT, 0, "str"},
                 {F_VARINT, 0, "num"},
                 {F_VARINT, 0, "num_unit"}},
    [K_MAPPING] = {{0, 0, NULL},
                   {F_VARINT, 0, "id"},
                   {F_VARINT, 0, "memory_start"},
                   {F_VARINT, 0, "memory_limit"},
                   {F_VARINT, 0, "file_offset"},
                   {F_VARINT, 0, "filename"},
                   {F_VARINT, 0, "build_id"},
                   {F_VARINT, 0, "has_functions"},
                   {F_VARINT, 0, "has_filenames"},
                   {F_VARINT, 0, "has_line_numbers"},
                   {F_VARINT, 0, "has_inline_frames"}},
    [K_LOCATION] = {{0, 0, NULL},
                    {F_VARINT, 0, "id"},
                    {F_VARINT, 0, "mapping_id"},
                    {F_VARINT, 0, "address"},
                    {F_MESSAGE, K_LINE, "line"},
                    {F_VARINT, 0, "is_folded"}},
    [K_LINE] = {{0, 0, NULL},
                {F_VARINT, 0, "function_id"},
                {F_VARINT, 0, "line"},
                {F_VARINT, 0, "column"}},
    [K_FUNCTION] = {{0, 0, NULL},
                    {F_VARINT, 0, "id"},
                    {F_VARINT, 0, "name"},
                    {F_VARINT, 0, "system_name"},
                    {F_VARINT, 0, "filename"},
                    {F_VARINT, 0, "start_line"}},
};

/* Read a varint at p[*pos..len). 1 on success, 0 if cut off, -1 if longer
 * than 10 bytes or overflowing 64 bits. */
static int read_varint(const unsigned char *p, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0, i = 0; i < 10; i++, shift += 7) {
        if (*pos >= len)
            return 0;
        unsigned char b = p[(*pos)++];
        if (i == 9 && b > 1)
            return -1;
        v |= (uint64_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            *out = v;
            return 1;
        }
    }
    return -1;
}

typedef struct walk_ctx {
    const unsigned char *base;
    const char *name;
} walk_ctx;

static int walk_fail(const walk_ctx *w, const unsigned char *at, int code, enum msg_kind kind,
                     const char *what)
{
    return fkx_error_set(code, "%s: bad pprof protobuf at byte %zu (in a %s message): %s", w->name,
                         (size_t)(at - w->base), kind_names[kind], what);
}

/* Check that [p, p+len) is a well-formed message of `kind`. */
static int walk(const walk_ctx *w, const unsigned char *p, size_t len, enum msg_kind kind)
{
    size_t pos = 0;
    char what[160];
    while (pos < len) {
        size_t field_at = pos;
        uint64_t tag;
        int rc = read_varint(p, len, &pos, &tag);
        if (rc == 0)
            return walk_fail(w, p + field_at, FK_ETRUNCATED, kind, "the data ends inside a tag");
        if (rc < 0)
            return walk_fail(w, p + field_at, FK_EFORMAT, kind, "a tag longer than 10 bytes");
        uint64_t field = tag >> 3;
        unsigned wire = (unsigned)(tag & 7);
        if (field == 0 || field > 0x1fffffff)
            return walk_fail(w, p + field_at, FK_EFORMAT, kind, "invalid field number");
        field_spec spec = {F_UNKNOWN, 0, NULL};
        if (field <= MAX_FIELD)
            spec = schema[kind][field];
        const char *fname = spec.name ? spec.name : "unknown field";
        switch (wire) {
        case 0: {
            uint64_t v;
            rc = read_varint(p, len, &pos, &v);
            if (rc == 0)
                return walk_fail(w, p + field_at, FK_ETRUNCATED, kind,
                                 "the data ends inside a number");
            if (rc < 0)
                return walk_fail(w, p + field_at, FK_EFORMAT, kind,
                                 "a number longer than 10 bytes");
            if (spec.kind == F_MESSAGE || spec.kind == F_BYTES) {
                snprintf(what, sizeof what,
                         "field %llu (%s) must be length-delimited, not a number",
                         (unsigned long long)field, fname);
                return walk_fail(w, p + field_at, FK_EFORMAT, kind, what);
            }
            break;
        }
        case 1:
        case 5: {
            size_t n = wire == 1 ? 8 : 4;
            if (spec.kind != F_UNKNOWN) {
                snprintf(what, sizeof what, "field %llu (%s) has a fixed-size wire type",
                         (unsigned long long)field, fname);
                return walk_fail(w, p + field_at, FK_EFORMAT, kind, what);
            }
            if (len - pos < n)
                return walk_fail(w, p + field_at, FK_ETRUNCATED, kind,
                                 "the data ends inside a fixed-size field");
            pos += n;
            break;
        }
        case 2: {
            uint64_t n;
            rc = read_varint(p, len, &pos, &n);
            if (rc == 0)
                return walk_fail(w, p + field_at, FK_ETRUNCATED, kind,
                                 "the data ends inside a length");
            if (rc < 0)
                return walk_fail(w, p + field_at, FK_EFORMAT, kind,
                                 "a length longer than 10 bytes");
            if (n > len - pos) {
                snprintf(what, sizeof what,
                         "field %llu (%s) claims %llu bytes but only %zu remain in its message",
                         (unsigned long long)field, fname, (unsigned long long)n, len - pos);
                return walk_fail(w, p + field_at, FK_ETRUNCATED, kind, what);
            }
            if (spec.kind == F_VARINT) {
                snprintf(what, sizeof what, "field %llu (%s) must be a number",
                         (unsigned long long)field, fname);
                return walk_fail(w, p + field_at, FK_EFORMAT, kind, what);
            }
            if (spec.kind == F_MESSAGE) {
                int err = walk(w, p + pos, (size_t)n, (enum msg_kind)spec.sub);
                if (err < 0)
                    return err;
            } else if (spec.kind == F_REPEATED_VARINT) {
                size_t q = 0;
                uint64_t v;
                while (q < n) {
                    rc = read_varint(p + pos, (size_t)n, &q, &v);
                    if (rc <= 0) {
                        snprintf(what, sizeof what, "a bad number in packed field %llu (%s)",
                                 (unsigned long long)field, fname);
                        return walk_fail(w, p + pos + q, FK_EFORMAT, kind, what);
                    }
                }
            }
            pos += (size_t)n;
            break;
        }
        default:
            snprintf(what, sizeof what, "field %llu has unsupported wire type %u",
                     (unsigned long long)field, wire);
            return walk_fail(w, p + field_at, FK_EFORMAT, kind, what);
        }
    }
    return 0;
}

/* ---- id tables ---------------------------------------------------------- */

enum { IDS_LOCATION = 0, IDS_FUNCTION = 1, IDS_MAPPING = 2 };

static uint64_t id_at(const fk_pprof_msg *m, int kind, size_t i)
{
    switch (kind) {
    case IDS_LOCATION:
        return m->location[i]->id;
    case IDS_FUNCTION:
        return m->function[i]->id;
    default:
        return m->mapping[i]->id;
    }
}

static size_t id_count(const fk_pprof_msg *m, int kind)
{
    return kind == IDS_LOCATION   ? m->n_location
           : kind == IDS_FUNCTION ? m->n_function
                                  : m->n_mapping;
}

long fk_pprof__find(const fk_pprof *pp, const fk_pprof_ids *ids, int kind, uint64_t id)
{
    size_t n = id_count(pp->msg, kind);
    if (id == 0)
        return -1;
    if (ids->dense)
        return id <= n ? (long)(id - 1) : -1;
    uint64_t h = fkx_hash(&id, sizeof id, ids->seed);
    uint32_t tag = (uint32_t)(h >> 32);
    size_t pos = fkx_index_start(&ids->index, h);
    for (;;) {
        fkx_index_slot s = ids->index.slots[pos];
        if (s.id == 0)
            return -1;
        if (s.tag == tag && id_at(pp->msg, kind, s.id - 1) == id)
            return (long)(s.id - 1);
        pos = (pos + 1) & ids->index.mask;
    }
}

static int ids_build(fk_pprof *pp, fk_pprof_ids *ids, int kind, const char *what)
{
    size_t n = id_count(pp->msg, kind);
    ids->seed = fkx_hash_seed();
    ids->dense = 1;
    for (size_t i = 0; i < n; i++) {
        if (id_at(pp->msg, kind, i) != i + 1) {
            ids->dense = 0;
            break;
        }
    }
    if (ids->dense)
        return 0;
    int err = fkx_index_reserve(&ids->index);
    if (err < 0)
        return err;
    for (size_t i = 0; i < n; i++) {
        uint64_t id = id_at(pp->msg, kind, i);
        if (id == 0)
            return fkx_error_set(FK_EFORMAT, "%s: bad pprof profile: %s %zu has id 0", pp->name,
                                 what, i);
        if (fk_pprof__find(pp, ids, kind, id) >= 0)
            return fkx_error_set(FK_EFORMAT, "%s: bad pprof profile: two %ss have id %llu",
                                 pp->name, what, (unsigned long long)id);
        if ((err = fkx_index_reserve(&ids->index)) < 0)
            return err;
        uint64_t h = fkx_hash(&id, sizeof id, ids->seed);
        size_t pos = fkx_index_start(&ids->index, h);
        while (ids->index.slots[pos].id != 0)
            pos = (pos + 1) & ids->index.mask;
        fkx_index_put(&ids->index, pos, h, (uint32_t)i);
    }
    return 0;
}

/* ---- validation --------------------------------------------------------- */

#define BAD(...) fkx_error_set(FK_EFORMAT, __VA_ARGS__)

static int check_str(const fk_pprof *pp, int64_t i, const char *what, size_t at)
{
    if (i < 0 || (uint64_t)i >= pp->msg->n_string_table) {
        if (at == SIZE_MAX)
            return BAD("%s: bad pprof profile: %s: string index %lld is out of range (the "
                       "string table has %zu entries)",
                       pp->name, what, (long long)i, pp->msg->n_string_table);
        return BAD("%s: bad pprof profile: %s %zu: string index %lld is out of range (the "
                   "string table has %zu entries)",
                   pp->name, what, at, (long long)i, pp->msg->n_string_table);
    }
    return 0;
}

static int validate(fk_pprof *pp)
{
    const fk_pprof_msg *m = pp->msg;
    int err;
    if (m->n_string_table == 0 || m->string_table[0].len != 0)
        return BAD("%s: bad pprof profile: the string table must start with \"\"", pp->name);
    if (m->n_sample_type > FK_LIMIT_SAMPLE_TYPES)
        return fkx_error_set(FK_ELIMIT, "%s: pprof profile has %zu sample types (limit %d)",
                             pp->name, m->n_sample_type, FK_LIMIT_SAMPLE_TYPES);
    for (size_t i = 0; i < m->n_sample_type; i++)
        if ((err = check_str(pp, m->sample_type[i]->type, "sample_type", i)) < 0 ||
            (err = check_str(pp, m->sample_type[i]->unit, "sample_type", i)) < 0)
            return err;
    if (m->period_type &&
        ((err = check_str(pp, m->period_type->type, "period_type", SIZE_MAX)) < 0 ||
         (err = check_str(pp, m->period_type->unit, "period_type", SIZE_MAX)) < 0))
        return err;
    if ((err = check_str(pp, m->drop_frames, "drop_frames", SIZE_MAX)) < 0 ||
        (err = check_str(pp, m->keep_frames, "keep_frames", SIZE_MAX)) < 0 ||
        (err = check_str(pp, m->default_sample_type, "default_sample_type", SIZE_MAX)) < 0 ||
        (err = check_str(pp, m->doc_url, "doc_url", SIZE_MAX)) < 0)
        return err;
    for (size_t i = 0; i < m->n_comment; i++)
        if ((err = check_str(pp, m->comment[i], "comment", i)) < 0)
            return err;
    for (size_t i = 0; i < m->n_mapping; i++)
        if ((err = check_str(pp, m->mapping[i]->filename, "mapping", i)) < 0 ||
            (err = check_str(pp, m->mapping[i]->build_id, "mapping", i)) < 0)
            return err;
    for (size_t i = 0; i < m->n_function; i++) {
        const fk_pprof_function *f = m->function[i];
        if ((err = check_str(pp, f->name, "function", i)) < 0 ||
            (err = check_str(pp, f->system_name, "function", i)) < 0 ||
            (err = check_str(pp, f->filename, "function", i)) < 0)
            return err;
    }
    if ((err = ids_build(pp, &pp->map_ids, IDS_MAPPING, "mapping")) < 0 ||
        (err = ids_build(pp, &pp->fn_ids, IDS_FUNCTION, "function")) < 0 ||
        (err = ids_build(pp, &pp->loc_ids, IDS_LOCATION, "location")) < 0)
        return err;
    for (size_t i = 0; i < m->n_location; i++) {
        const fk_pprof_location *l = m->location[i];
        if (l->mapping_id != 0 && fk_pprof_mapping_by_id(pp, l->mapping_id) == NULL)
            return BAD("%s: bad pprof profile: location %llu refers to mapping %llu, which does "
                       "not exist",
                       pp->name, (unsigned long long)l->id, (unsigned long long)l->mapping_id);
        for (size_t k = 0; k < l->n_line; k++) {
            uint64_t fid = l->line[k]->function_id;
            if (fid != 0 && fk_pprof_function_by_id(pp, fid) == NULL)
                return BAD("%s: bad pprof profile: location %llu refers to function %llu, which "
                           "does not exist",
                           pp->name, (unsigned long long)l->id, (unsigned long long)fid);
        }
    }
    for (size_t i = 0; i < m->n_sample; i++) {
        const fk_pprof_sample *s = m->sample[i];
        if (s->n_value != m->n_sample_type)
            return BAD("%s: bad pprof profile: sample %zu has %zu values but the profile has %zu "
                       "sample types",
                       pp->name, i, s->n_value, m->n_sample_type);
        if (s->n_location_id > FK_LIMIT_STACK_DEPTH)
            return fkx_error_set(FK_ELIMIT, "%s: pprof sample %zu has %zu locations (limit %zu)",
                                 pp->name, i, s->n_location_id, (size_t)FK_LIMIT_STACK_DEPTH);
        for (size_t k = 0; k < s->n_location_id; k++)
            if (fk_pprof_location_by_id(pp, s->location_id[k]) == NULL)
                return BAD("%s: bad pprof profile: sample %zu refers to location %llu, which does "
                           "not exist",
                           pp->name, i, (unsigned long long)s->location_id[k]);
        for (size_t k = 0; k < s->n_label; k++) {
            const fk_pprof_label *lb = s->label[k];
            if ((err = check_str(pp, lb->key, "sample label of sample", i)) < 0 ||
                (err = check_str(pp, lb->str, "sample label of sample", i)) < 0 ||
                (err = check_str(pp, lb->num_unit, "sample label of sample", i)) < 0)
                return err;
        }
    }
    return 0;
}

/* ---- entry points ------------------------------------------------------- */

static int pprof_new(fk_pprof **out, const char *name)
{
    fk_pprof *pp = fkx_calloc(1, sizeof *pp);
    if (pp == NULL)
        return FK_ENOMEM;
    pp->arena_cap = FK_LIMIT_PPROF_MEMORY;
    pp->name = fkx_arena_strndup(&pp->arena, name, strlen(name));
    if (pp->name == NULL) {
        fk_pprof_free(pp);
        return FK_ENOMEM;
    }
    *out = pp;
    return 0;
}

int fk_pprof_decode(fk_pprof **out, const void *data, size_t len, const char *name)
{
    *out = NULL;
    if (name == NULL)
        name = "<pprof>";
    if (len == 0)
        return fkx_error_set(FK_EEMPTY, "%s: empty pprof profile (no bytes)", name);
    if (len > FK_LIMIT_PPROF_BYTES)
        return fkx_error_set(FK_ELIMIT, "%s: pprof profile of %zu bytes exceeds the limit of %zu",
                             name, len, FK_LIMIT_PPROF_BYTES);
    fk_pprof *pp;
    int err = pprof_new(&pp, name);
    if (err < 0)
        return err;
    /* Check the wire format first, always: protobuf-c accepts a few things
     * the schema does not (a field number 0 in an unknown field, found by
     * fuzzing), which would then be written back out and rejected on the
     * next read. The walk also gives the precise error message. */
    walk_ctx w = {data, pp->name};
    if ((err = walk(&w, data, len, K_PROFILE)) < 0) {
        fk_pprof_free(pp);
        return err;
    }
    ProtobufCAllocator alloc = {arena_alloc, arena_release, pp};
    pp->msg = perftools__profiles__profile__unpack(&alloc, len, data);
    if (pp->msg == NULL) {
        if (pp->arena_full)
            err = fkx_error_set(FK_ELIMIT,
                                "%s: decoding the pprof profile needs more than %zu "
                                "bytes of memory",
                                pp->name, pp->arena_cap);
        else
            err = fkx_error_set(FK_EFORMAT, "%s: not a valid pprof protobuf", pp->name);
        fk_pprof_free(pp);
        return err;
    }
    if ((err = validate(pp)) < 0) {
        fk_pprof_free(pp);
        return err;
    }
    *out = pp;
    return 0;
}

int fk_pprof_load(fk_pprof **out, fkx_input *in, const void *head, size_t head_len)
{
    *out = NULL;
    size_t cap = head_len > ((size_t)1 << 20) ? head_len * 2 : (size_t)1 << 20, len = head_len;
    unsigned char *buf = fkx_malloc(cap);
    if (buf == NULL)
        return FK_ENOMEM;
    if (head_len)
        memcpy(buf, head, head_len);
    int err = 0;
    for (;;) {
        if (len == cap) {
            if (cap > FK_LIMIT_PPROF_BYTES) {
                err = fkx_error_set(FK_ELIMIT, "%s: pprof profile exceeds the limit of %zu bytes",
                                    in->name, FK_LIMIT_PPROF_BYTES);
                break;
            }
            size_t ncap = cap * 2;
            unsigned char *nb = fkx_realloc(buf, ncap);
            if (nb == NULL) {
                err = FK_ENOMEM;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got;
        if ((err = fkx_input_read(in, buf + len, cap - len, &got)) < 0)
            break;
        if (got == 0)
            break;
        len += got;
    }
    if (err == 0 && len > FK_LIMIT_PPROF_BYTES)
        err = fkx_error_set(FK_ELIMIT, "%s: pprof profile exceeds the limit of %zu bytes", in->name,
                            FK_LIMIT_PPROF_BYTES);
    if (err == 0)
        err = fk_pprof_decode(out, buf, len, in->name);
    fkx_free(buf);
    return err;
}

int fk_pprof_load_path(fk_pprof **out, const char *path)
{
    fkx_input in;
    *out = NULL;
    int err = fkx_input_open(&in, path);
    if (err == 0)
        err = fk_pprof_load(out, &in, NULL, 0);
    fkx_input_close(&in);
    return err;
}

void fk_pprof_free(fk_pprof *pp)
{
    if (pp == NULL)
        return;
    fkx_index_free(&pp->loc_ids.index);
    fkx_index_free(&pp->fn_ids.index);
    fkx_index_free(&pp->map_ids.index);
    fkx_arena_free(&pp->arena);
    fkx_free(pp);
}

int fk_pprof_sample_index(const fk_pprof *pp, const char *spec, size_t *out)
{
    const fk_pprof_msg *m = pp->msg;
    size_t n = m->n_sample_type;
    if (n == 0)
        return fkx_error_set(FK_ENOTFOUND, "%s: the pprof profile has no sample types", pp->name);
    if (spec == NULL || spec[0] == '\0') {
        if (m->default_sample_type != 0) {
            fkx_str want = fk_pprof_string(pp, m->default_sample_type);
            for (size_t i = 0; i < n; i++) {
                fkx_str t = fk_pprof_string(pp, m->sample_type[i]->type);
                if (t.len == want.len && memcmp(t.ptr, want.ptr, t.len) == 0) {
                    *out = i;
                    return 0;
                }
            }
        }
        *out = n - 1;
        return 0;
    }
    size_t slen = strlen(spec), k = 0;
    uint64_t num = 0;
    while (k < slen && spec[k] >= '0' && spec[k] <= '9' && num < ((uint64_t)1 << 40))
        num = num * 10 + (uint64_t)(spec[k++] - '0');
    if (k == slen) {
        if (num >= n)
            return fkx_error_set(FK_EINVAL, "sample index %s is outside the range [0..%zu]", spec,
                                 n - 1);
        *out = (size_t)num;
        return 0;
    }
    const char *no_inuse = strncmp(spec, "inuse_", 6) == 0 ? spec + 6 : spec;
    for (size_t i = 0; i < n; i++) {
        fkx_str t = fk_pprof_string(pp, m->sample_type[i]->type);
        if ((t.len == slen && memcmp(t.ptr, spec, slen) == 0) ||
            (t.len == strlen(no_inuse) && memcmp(t.ptr, no_inuse, t.len) == 0)) {
            *out = i;
            return 0;
        }
    }
    char list[512];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && used + 4 < sizeof list; i++) {
        fkx_str t = fk_pprof_string(pp, m->sample_type[i]->type);
        int w =
            snprintf(list + used, sizeof list - used, "%s%.*s", i ? ", " : "", (int)t.len, t.ptr);
        if (w < 0)
            break;
        used += (size_t)w;
        if (used >= sizeof list)
            used = sizeof list - 1;
    }
    return fkx_error_set(FK_ENOTFOUND, "%s: no sample type '%s' (the profile has: %s)", pp->name,
                         spec, list);
}

/* ---- detection ---------------------------------------------------------- */

/* Does [p, p+len) parse as fields of `kind`? Top-level fields must be ones
 * the schema knows, with the right wire type; a field cut off by the end of
 * the data counts only when `cut` says the data is a prefix. Returns the
 * number of whole fields, or -1. */
static long sniff(const unsigned char *p, size_t len, enum msg_kind kind, int strict, int cut)
{
    size_t pos = 0;
    long fields = 0;
    while (pos < len) {
        uint64_t tag, v;
        int rc = read_varint(p, len, &pos, &tag);
        if (rc <= 0)
            return rc == 0 && cut ? fields : -1;
        uint64_t field = tag >> 3;
        unsigned wire = (unsigned)(tag & 7);
        field_spec spec = {F_UNKNOWN, 0, NULL};
        if (field == 0)
            return -1;
        if (field <= MAX_FIELD)
            spec = schema[kind][field];
        if (strict && spec.kind == F_UNKNOWN)
            return -1;
        if (wire == 0) {
            if (spec.kind == F_MESSAGE || spec.kind == F_BYTES)
                return -1;
            rc = read_varint(p, len, &pos, &v);
            if (rc <= 0)
                return rc == 0 && cut ? fields : -1;
        } else if (wire == 2) {
            if (spec.kind == F_VARINT)
                return -1;
            rc = read_varint(p, len, &pos, &v);
            if (rc <= 0)
                return rc == 0 && cut ? fields : -1;
            if (v > len - pos)
                return cut ? fields : -1;
            if (spec.kind == F_MESSAGE &&
                sniff(p + pos, (size_t)v, (enum msg_kind)spec.sub, 0, 0) < 0)
                return -1;
            pos += (size_t)v;
        } else if ((wire == 1 || wire == 5) && spec.kind == F_UNKNOWN) {
            size_t n = wire == 1 ? 8 : 4;
            if (len - pos < n)
                return cut ? fields : -1;
            pos += n;
        } else {
            return -1;
        }
        fields++;
    }
    return fields;
}

int fk_pprof_detect(const char *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    int control = 0;
    size_t scan = len < 65536 ? len : 65536; /* text shows in its first 64 KiB */
    for (size_t i = 0; i < scan && !control; i++)
        control = p[i] < 0x09 || (p[i] >= 0x0e && p[i] < 0x20);
    if (!control)
        return 0; /* text: every pprof has small length or id bytes */
    /* A field cut off by the end of what we see: either the peek stopped
     * there or the input is truncated (which decoding then reports). */
    return sniff(p, len, K_PROFILE, 1, 1) >= 1;
}
