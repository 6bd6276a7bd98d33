/*
 * pprof.h - pprof profiles (perftools.profiles protobuf, usually gzip'd):
 * decoding with validation, conversion into the model, writing, and the
 * numbers behind pprof's `-top` report.
 *
 * A decoded profile (fk_pprof) keeps the protobuf message as protobuf-c
 * generated it, every object of it in one arena, plus id -> index tables
 * built while validating. After fk_pprof_decode() succeeds every reference
 * in the message is known to be good: string indices are in range, each
 * sample has one value per sample type, and every location, mapping and
 * function id that is referenced exists. Readers of the message may rely on
 * that and need no further checks.
 *
 * Not thread-safe; a decoded profile is immutable and may be read from
 * several threads.
 */
#ifndef FK_FORMATS_PPROF_H
#define FK_FORMATS_PPROF_H

#include "profile.pb-c.h"

#include "profile/profile.h"
#include "util/arena.h"
#include "util/hash.h"

#include <stddef.h>
#include <stdint.h>

typedef Perftools__Profiles__Profile fk_pprof_msg;
typedef Perftools__Profiles__Sample fk_pprof_sample;
typedef Perftools__Profiles__Location fk_pprof_location;
typedef Perftools__Profiles__Function fk_pprof_function;
typedef Perftools__Profiles__Mapping fk_pprof_mapping;
typedef Perftools__Profiles__Line fk_pprof_line;
typedef Perftools__Profiles__Label fk_pprof_label;
typedef Perftools__Profiles__ValueType fk_pprof_value_type;

/* An id -> array index table (ids are arbitrary non-zero uint64s). When the
 * ids are exactly 1..n in order, as Go writes them, no table is needed. */
typedef struct fk_pprof_ids {
    int dense;       /* id i+1 is at index i */
    fkx_index index; /* otherwise: hash of the id -> index */
    uint64_t seed;
} fk_pprof_ids;

typedef struct fk_pprof {
    fkx_arena arena;   /* the message and everything in it */
    size_t arena_cap;  /* allocation limit for the decoder */
    int arena_full;    /* the decoder hit arena_cap */
    fk_pprof_msg *msg; /* NULL until decoded */
    char *name;        /* input name for messages (in the arena) */
    fk_pprof_ids loc_ids, fn_ids, map_ids;
} fk_pprof;

/* Decode and validate `len` bytes of uncompressed protobuf. `name` names the
 * input in error messages. On success *out is a new profile owned by the
 * caller (fk_pprof_free). Errors: FK_EFORMAT (with the byte offset or the
 * bad reference), FK_ETRUNCATED, FK_ELIMIT, FK_ENOMEM, FK_EEMPTY (no bytes). */
int fk_pprof_decode(fk_pprof **out, const void *data, size_t len, const char *name);

/* Read a whole input (gzip or not; fkx_input inflates) and decode it.
 * `head`/`head_len` are bytes already taken from the input (e.g. by format
 * detection) that come before whatever fkx_input_read still returns. */
struct fkx_input;
int fk_pprof_load(fk_pprof **out, struct fkx_input *in, const void *head, size_t head_len);

/* Convenience: open `path` ("-" is stdin) and fk_pprof_load it. */
int fk_pprof_load_path(fk_pprof **out, const char *path);

void fk_pprof_free(fk_pprof *pp);

/* String `i` of the string table (validated indices only). */
static inline fkx_str fk_pprof_string(const fk_pprof *pp, int64_t i)
{
    const ProtobufCBinaryData *s = &pp->msg->string_table[i];
    fkx_str r = {(const char *)s->data, (uint32_t)s->len};
    if (r.ptr == NULL)
        r.ptr = "";
    return r;
}

/* Index of the object with id `id` in its array, or -1 if there is none. */
long fk_pprof__find(const fk_pprof *pp, const fk_pprof_ids *ids, int kind, uint64_t id);

static inline const fk_pprof_location *fk_pprof_location_by_id(const fk_pprof *pp, uint64_t id)
{
    long i = fk_pprof__find(pp, &pp->loc_ids, 0, id);
    return i < 0 ? NULL : pp->msg->location[i];
}

static inline const fk_pprof_function *fk_pprof_function_by_id(const fk_pprof *pp, uint64_t id)
{
    long i = fk_pprof__find(pp, &pp->fn_ids, 1, id);
    return i < 0 ? NULL : pp->msg->function[i];
}

static inline const fk_pprof_mapping *fk_pprof_mapping_by_id(const fk_pprof *pp, uint64_t id)
{
    long i = fk_pprof__find(pp, &pp->map_ids, 2, id);
    return i < 0 ? NULL : pp->msg->mapping[i];
}

/* Pick a value column the way pprof's -sample_index does: NULL or "" means
 * default_sample_type if set, else the last type; a number is an index; a
 * name matches a sample type, also without an "inuse_" prefix. 0, or
 * FK_ENOTFOUND / FK_EINVAL with the valid choices in the message. */
int fk_pprof_sample_index(const fk_pprof *pp, const char *spec, size_t *out);

/* The frame name flamekit shows for one line of a location (or for a
 * location without lines when `line` is NULL), written to buf (NUL-ended,
 * truncated to cap). Returns the length. */
size_t fk_pprof_frame_name(const fk_pprof *pp, const fk_pprof_location *loc,
                           const fk_pprof_line *line, char *buf, size_t cap);

/* Add every sample of `pp` to `dst`, inlined frames expanded (root first).
 * dst's sample types must equal pp's (same count, names and units); the
 * caller sets them up with fk_pprof_add_types(). Samples without locations,
 * and samples whose value in column `skip_zero_col` is 0, are left out
 * (pass SIZE_MAX to keep zeros). *samples (may be NULL) counts those kept. */
int fk_pprof_to_profile(const fk_pprof *pp, fk_profile *dst, size_t skip_zero_col,
                        uint64_t *samples);

/* Declare pp's sample types in dst (which must have none), or if dst has
 * types already, check that they are the same. 0, FK_ELIMIT, FK_EINVAL. */
int fk_pprof_add_types(const fk_pprof *pp, fk_profile *dst);

/* Serialize as gzip'd protobuf (gzip = 0: raw protobuf) to `out`. */
struct fkx_output;
int fk_pprof_write(const fk_pprof *pp, struct fkx_output *out, int gzip);

/* Serialize to memory: *out (fkx_malloc'd, caller frees) and *len. */
int fk_pprof_encode(const fk_pprof *pp, unsigned char **out, size_t *len, int gzip);

/* Describe a model profile as pprof: one function and one location per
 * distinct frame name, one sample per stack, the model's sample types (the
 * default one as default_sample_type). `period_type`/`period` may be
 * NULL/0. *out is owned by the caller. */
typedef struct fk_pprof_meta {
    int64_t time_nanos, duration_nanos, period;
    const char *period_type, *period_unit; /* NULL for none */
} fk_pprof_meta;

int fk_pprof_from_profile(fk_pprof **out, const fk_profile *p, const fk_pprof_meta *meta);

/* ---- pprof's `-top` report ------------------------------------------- */

typedef struct fk_pprof_top_opts {
    const char *sample_index; /* as fk_pprof_sample_index */
    long nodecount;           /* rows to keep; <= 0: all */
    int cum;                  /* sort by cumulative value */
    double nodefraction;      /* drop nodes with cum below this share (0.005) */
    double edgefraction;      /* drop edges below this share (0.001) */
} fk_pprof_top_opts;

#define FK_PPROF_TOP_OPTS_INIT                                                                     \
    {                                                                                              \
        NULL, 0, 0, 0.005, 0.001                                                                   \
    }

typedef struct fk_pprof_top_row {
    const char *name;         /* printable name (in the report's arena) */
    const char *inline_label; /* "", "(inline)" or "(partial-inline)" */
    int64_t flat, cum;
} fk_pprof_top_row;

typedef struct fk_pprof_top {
    fkx_arena arena;
    char **labels; /* header lines, pprof's wording */
    size_t nlabels;
    fk_pprof_top_row *rows;
    size_t nrows;
    int64_t total;
    char unit[32];        /* the sample type's unit */
    char output_unit[32]; /* the unit values are shown in */
} fk_pprof_top;

/* Compute the report. *out must be freed with fk_pprof_top_free. */
int fk_pprof_top_build(fk_pprof_top *out, const fk_pprof *pp, const fk_pprof_top_opts *opts);
void fk_pprof_top_free(fk_pprof_top *t);

/* Format like pprof: a value in the report's output unit ("1.50s",
 * "512kB", "42"), and a percentage ("51.69%", " 0.74%", "  100%"). */
void fk_pprof_top_value(const fk_pprof_top *t, int64_t v, char *buf, size_t cap);
void fk_pprof_percent(int64_t v, int64_t total, char *buf, size_t cap);

/* pprof's measurement scaling: `v` in unit `from` shown in unit `to`
 * ("minimum"/"auto" pick one). The label is written to buf. */
void fk_pprof_scaled_label(int64_t v, const char *from, const char *to, char *buf, size_t cap);

#endif
