/*
 * pprof_read.c - a decoded pprof profile into the model, and the fk_reader
 * entry point for pprof inputs.
 *
 * Every Line of a Location becomes its own frame, so inlined calls stay
 * visible: pprof lists a location's lines innermost first, and the model
 * wants stacks root first, so both the sample's locations and each
 * location's lines are walked backwards. Frame names are computed once per
 * location, not once per sample.
 */
#include "formats.h"
#include "pprof.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

static const char *base_name(const char *s, size_t len, size_t *out_len)
{
    size_t i = len;
    while (i > 0 && s[i - 1] != '/')
        i--;
    *out_len = len - i;
    return s + i;
}

size_t fk_pprof_frame_name(const fk_pprof *pp, const fk_pprof_location *loc,
                           const fk_pprof_line *line, char *buf, size_t cap)
{
    int n;
    if (line != NULL && line->function_id != 0) {
        const fk_pprof_function *f = fk_pprof_function_by_id(pp, line->function_id);
        fkx_str s = fk_pprof_string(pp, f->name);
        if (s.len == 0)
            s = fk_pprof_string(pp, f->system_name);
        if (s.len > 0) {
            n = snprintf(buf, cap, "%.*s", (int)s.len, s.ptr);
            goto done;
        }
    }
    fkx_str file = {"", 0};
    const fk_pprof_mapping *m = NULL;
    if (loc->mapping_id != 0) {
        m = fk_pprof_mapping_by_id(pp, loc->mapping_id);
        file = fk_pprof_string(pp, m->filename);
    }
    size_t blen;
    const char *base = base_name(file.ptr, file.len, &blen);
    if (loc->address != 0 && blen > 0)
        n = snprintf(buf, cap, "%.*s+0x%llx", (int)blen, base,
                     (unsigned long long)(loc->address - m->memory_start + m->file_offset));
    else if (loc->address != 0)
        n = snprintf(buf, cap, "0x%llx", (unsigned long long)loc->address);
    else if (blen > 0)
        n = snprintf(buf, cap, "[%.*s]", (int)blen, base);
    else
        n = snprintf(buf, cap, "<unknown>");
done:
    if (n < 0)
        n = 0;
    return (size_t)n < cap ? (size_t)n : cap - 1;
}

int fk_pprof_add_types(const fk_pprof *pp, fk_profile *dst)
{
    const fk_pprof_msg *m = pp->msg;
    char type[256], unit[256];
    if (dst->ntypes == 0) {
        for (size_t i = 0; i < m->n_sample_type; i++) {
            fkx_str t = fk_pprof_string(pp, m->sample_type[i]->type);
            fkx_str u = fk_pprof_string(pp, m->sample_type[i]->unit);
            snprintf(type, sizeof type, "%.*s", (int)t.len, t.ptr);
            snprintf(unit, sizeof unit, "%.*s", (int)u.len, u.ptr);
            int err = fk_profile_add_type(dst, type, unit, NULL);
            if (err < 0)
                return err;
        }
        return 0;
    }
    int same = dst->ntypes == m->n_sample_type;
    for (size_t i = 0; same && i < m->n_sample_type; i++) {
        fkx_str t = fk_pprof_string(pp, m->sample_type[i]->type);
        fkx_str u = fk_pprof_string(pp, m->sample_type[i]->unit);
        fkx_str dt = fk_profile_string(dst, dst->types[i].type);
        fkx_str du = fk_profile_string(dst, dst->types[i].unit);
        same = t.len == dt.len && u.len == du.len && memcmp(t.ptr, dt.ptr, t.len) == 0 &&
               memcmp(u.ptr, du.ptr, u.len) == 0;
    }
    if (!same)
        return fkx_error_set(FK_EINVAL,
                             "%s: its sample types differ from those of the inputs before it; "
                             "profiles of different kinds cannot be merged",
                             pp->name);
    return 0;
}

int fk_pprof_to_profile(const fk_pprof *pp, fk_profile *dst, size_t skip_zero_col,
                        uint64_t *samples)
{
    const fk_pprof_msg *m = pp->msg;
    if (dst->ntypes != m->n_sample_type)
        return fkx_error_set(FK_EINVAL, "%s: sample types not set up", pp->name);
    /* Frames of every location, root-first, back to back. */
    size_t nlines = 0;
    for (size_t i = 0; i < m->n_location; i++)
        nlines += m->location[i]->n_line ? m->location[i]->n_line : 1;
    size_t *loc_off = fkx_malloc((m->n_location + 1) * sizeof *loc_off);
    uint32_t *loc_frames = fkx_malloc((nlines ? nlines : 1) * sizeof *loc_frames);
    uint32_t *frames = NULL;
    size_t frames_cap = 0;
    char name[4096];
    int err = loc_off && loc_frames ? 0 : FK_ENOMEM;
    size_t at = 0;
    for (size_t i = 0; err == 0 && i < m->n_location; i++) {
        const fk_pprof_location *l = m->location[i];
        loc_off[i] = at;
        if (l->n_line == 0) {
            size_t n = fk_pprof_frame_name(pp, l, NULL, name, sizeof name);
            err = fk_profile_intern(dst, &loc_frames[at++], name, n);
            continue;
        }
        for (size_t k = l->n_line; err == 0 && k-- > 0;) {
            size_t n = fk_pprof_frame_name(pp, l, l->line[k], name, sizeof name);
            err = fk_profile_intern(dst, &loc_frames[at++], name, n);
        }
    }
    if (err == 0)
        loc_off[m->n_location] = at;
    double values[FK_LIMIT_SAMPLE_TYPES];
    for (size_t i = 0; err == 0 && i < m->n_sample; i++) {
        const fk_pprof_sample *s = m->sample[i];
        if (s->n_location_id == 0)
            continue;
        if (skip_zero_col < s->n_value && s->value[skip_zero_col] == 0)
            continue;
        size_t depth = 0;
        for (size_t k = s->n_location_id; k-- > 0;) {
            long li = fk_pprof__find(pp, &pp->loc_ids, 0, s->location_id[k]);
            size_t n = loc_off[li + 1] - loc_off[li];
            if (depth + n > FK_LIMIT_STACK_DEPTH) {
                err = fkx_error_set(FK_ELIMIT, "%s: pprof sample %zu is deeper than %zu frames",
                                    pp->name, i, (size_t)FK_LIMIT_STACK_DEPTH);
                break;
            }
            if (depth + n > frames_cap &&
                (err = fkx_grow((void **)&frames, &frames_cap, depth + n, sizeof *frames)) < 0)
                break;
            memcpy(frames + depth, loc_frames + loc_off[li], n * sizeof *frames);
            depth += n;
        }
        if (err < 0)
            break;
        for (size_t t = 0; t < s->n_value; t++)
            values[t] = (double)s->value[t];
        if ((err = fk_profile_add(dst, frames, depth, values, NULL)) < 0)
            break;
        if (samples)
            (*samples)++;
    }
    fkx_free(frames);
    fkx_free(loc_frames);
    fkx_free(loc_off);
    return err;
}

int fk_pprof_read(fk_reader *r, fkx_lines *lines)
{
    fk_pprof *pp = NULL;
    const char *head = lines->buf + lines->start;
    size_t head_len = lines->end - lines->start;
    lines->start = lines->end;
    int err = fk_pprof_load(&pp, lines->in, head, head_len);
    size_t col = 0;
    if (err == 0)
        err = fk_pprof_sample_index(pp, r->opts.pprof.sample_index, &col);
    if (err == 0 && r->auto_types && r->profile->nstacks == 0) {
        /* The placeholder "samples/count" gives way to the profile's own. */
        r->profile->ntypes = 0;
        r->auto_types = 0;
    }
    if (err == 0)
        err = fk_pprof_add_types(pp, r->profile);
    if (err == 0) {
        r->profile->default_type = col;
        err = fk_pprof_to_profile(pp, r->profile, col, &r->samples);
    }
    fk_pprof_free(pp);
    return err;
}
