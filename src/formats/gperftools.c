/*
 * gperftools.c - gperftools' legacy binary CPU profile (what ProfilerStart
 * and CPUPROFILE= write), read into the model with addresses symbolized
 * from the mapped ELF files when they are available.
 *
 * The file is native-endian machine words: a header (0, 3, 0, sampling
 * period in microseconds, 0), then records (count, depth, depth PCs with
 * the sampled PC first), a trailer record (0, 1, 0), and then the text of
 * the process's /proc/self/maps. 64-bit and 32-bit little-endian files are
 * read. Like pprof, return addresses are moved back one byte into the call
 * instruction, a duplicated leaf is dropped, and a second frame that almost
 * every sample shares (the signal handler's) is removed.
 *
 * Values are samples/count and cpu/nanoseconds (count x period); the
 * default is cpu, pprof's choice, unless --sample-index says samples.
 */
#include "elfsym.h"
#include "formats.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GPERF_MAX_BYTES ((size_t)1 << 30)

static uint64_t word_at(const unsigned char *p, unsigned wsize)
{
    uint64_t v = 0;
    for (unsigned i = wsize; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

/* The word size (8 or 4) of a header at data, or 0. */
static unsigned header_word_size(const unsigned char *p, size_t len)
{
    for (unsigned w = 8; w >= 4; w -= 4)
        if (len >= 5 * (size_t)w && word_at(p, w) == 0 && word_at(p + w, w) == 3 &&
            word_at(p + 2 * w, w) == 0 && word_at(p + 3 * w, w) > 0 && word_at(p + 4 * w, w) == 0)
            return w;
    return 0;
}

int fk_gperftools_detect(const char *data, size_t len)
{
    return header_word_size((const unsigned char *)data, len) != 0;
}

typedef struct mapping {
    uint64_t start, end, offset;
    const char *path; /* into the input buffer copy */
} mapping;

typedef struct gp_sample {
    uint64_t count;
    size_t off, n; /* into pcs */
} gp_sample;

static int slurp(fkx_lines *lines, unsigned char **out, size_t *len)
{
    size_t have = lines->end - lines->start, cap = have > 65536 ? have * 2 : 65536;
    unsigned char *buf = fkx_malloc(cap);
    if (buf == NULL)
        return FK_ENOMEM;
    memcpy(buf, lines->buf + lines->start, have);
    lines->start = lines->end;
    int err = 0;
    for (;;) {
        if (have == cap) {
            if (cap >= GPERF_MAX_BYTES) {
                err = fkx_error_set(FK_ELIMIT, "%s: profile larger than %zu bytes", lines->in->name,
                                    GPERF_MAX_BYTES);
                break;
            }
            if ((err = fkx_grow((void **)&buf, &cap, cap + 1, 1)) < 0)
                break;
        }
        size_t got;
        if ((err = fkx_input_read(lines->in, buf + have, cap - have, &got)) < 0 || got == 0)
            break;
        have += got;
    }
    if (err < 0) {
        fkx_free(buf);
        return err;
    }
    *out = buf;
    *len = have;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* pprof's heuristic: if (nearly) every sample has the same second frame,
 * it was pushed by the signal handler; remove it (at most twice). */
static void drop_signal_frames(gp_sample *s, size_t ns, uint64_t *pcs)
{
    uint64_t *second = fkx_malloc((ns ? ns : 1) * sizeof *second);
    if (second == NULL)
        return;
    for (int iter = 0; iter < 2; iter++) {
        size_t k = 0;
        for (size_t i = 0; i < ns; i++)
            if (s[i].n > 1)
                second[k++] = pcs[s[i].off + 1];
        qsort(second, k, sizeof *second, cmp_u64);
        size_t margin = ns / 32, run = 0;
        uint64_t found = 0;
        int hit = 0;
        for (size_t i = 0; i < k && !hit; i++) {
            run = (i > 0 && second[i] == second[i - 1]) ? run + 1 : 1;
            if (run + margin >= ns) {
                found = second[i];
                hit = 1;
            }
        }
        if (!hit)
            break;
        for (size_t i = 0; i < ns; i++) {
            if (s[i].n > 1 && pcs[s[i].off + 1] == found) {
                memmove(&pcs[s[i].off + 1], &pcs[s[i].off + 2], (s[i].n - 2) * sizeof *pcs);
                s[i].n--;
            }
        }
    }
    fkx_free(second);
}

static int parse_maps(char *text, size_t len, mapping **out, size_t *n)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    char *p = text, *end = text + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            nl = end;
        *nl = '\0';
        unsigned long long start, stop, offset;
        int path_at = 0;
        char perms[8];
        if (sscanf(p, "%llx-%llx %7s %llx %*s %*s %n", &start, &stop, perms, &offset, &path_at) >=
                4 &&
            path_at > 0 && p[path_at] != '\0') {
            if (fkx_grow((void **)out, &cap, *n + 1, sizeof **out) < 0)
                return FK_ENOMEM;
            (*out)[(*n)++] = (mapping){start, stop, offset, p + path_at};
        }
        p = nl + 1;
    }
    return 0;
}

/* A frame name for pc: symbol, else "file+0xoffset", else "0xpc". */
static int name_pc(fk_profile *p, fk_elfsym *es, const mapping *maps, size_t nmaps, uint64_t pc,
                   uint32_t *out)
{
    char buf[512];
    const mapping *m = NULL;
    for (size_t i = 0; i < nmaps && m == NULL; i++)
        if (pc >= maps[i].start && pc < maps[i].end)
            m = &maps[i];
    int n;
    if (m != NULL) {
        uint64_t off = pc - m->start + m->offset;
        const char *sym = m->path[0] == '/' ? fk_elfsym_lookup(es, m->path, off) : NULL;
        const char *base = strrchr(m->path, '/');
        base = base ? base + 1 : m->path;
        n = sym ? snprintf(buf, sizeof buf, "%s", sym)
                : snprintf(buf, sizeof buf, "%s+0x%llx", base, (unsigned long long)off);
    } else {
        n = snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)pc);
    }
    size_t len = n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1;
    return fk_profile_intern(p, out, buf, len);
}

static int setup_types(fk_reader *r, const char *name)
{
    fk_profile *p = r->profile;
    if (r->auto_types && p->nstacks == 0) {
        p->ntypes = 0;
        r->auto_types = 0;
    }
    if (p->ntypes == 0) {
        int err = fk_profile_add_type(p, "samples", "count", NULL);
        return err < 0 ? err : fk_profile_add_type(p, "cpu", "nanoseconds", NULL);
    }
    fkx_str t0 = fk_profile_string(p, p->types[0].type);
    fkx_str t1 = p->ntypes == 2 ? fk_profile_string(p, p->types[1].type) : t0;
    if (p->ntypes != 2 || t0.len != 7 || memcmp(t0.ptr, "samples", 7) != 0 || t1.len != 3 ||
        memcmp(t1.ptr, "cpu", 3) != 0)
        return fkx_error_set(FK_EINVAL,
                             "%s: a CPU profile cannot be merged with the inputs before it "
                             "(different sample types)",
                             name);
    return 0;
}

int fk_gperftools_read(fk_reader *r, fkx_lines *lines)
{
    const char *name = lines->in->name;
    unsigned char *buf = NULL;
    size_t len = 0;
    uint64_t *pcs = NULL;
    gp_sample *samples = NULL;
    mapping *maps = NULL;
    uint64_t *uniq = NULL;
    uint32_t *uniq_frame = NULL, *frames = NULL;
    fk_elfsym *es = NULL;
    size_t npcs = 0, pcs_cap = 0, ns = 0, ns_cap = 0, nmaps = 0, nuniq = 0;
    int err = slurp(lines, &buf, &len);
    if (err < 0)
        return err;
    unsigned w = header_word_size(buf, len);
    if (w == 0) {
        err = fkx_error_set(FK_EFORMAT, "%s: not a gperftools CPU profile (bad header)", name);
        goto done;
    }
    uint64_t period_us = word_at(buf + 3 * w, w);
    size_t pos = 5 * (size_t)w;
    int trailer = 0;
    while (pos + 2 * (size_t)w <= len) {
        uint64_t count = word_at(buf + pos, w), n = word_at(buf + pos + w, w);
        size_t at = pos;
        pos += 2 * (size_t)w;
        if (n > FK_LIMIT_STACK_DEPTH || n > (len - pos) / w) {
            err = fkx_error_set(n > FK_LIMIT_STACK_DEPTH ? FK_ELIMIT : FK_ETRUNCATED,
                                "%s: byte %zu: a record of %llu addresses %s", name, at,
                                (unsigned long long)n,
                                n > FK_LIMIT_STACK_DEPTH ? "is too deep" : "runs past the end");
            goto done;
        }
        if (count == 0 && n == 1 && word_at(buf + pos, w) == 0) {
            pos += w;
            trailer = 1;
            break;
        }
        if ((err = fkx_grow((void **)&pcs, &pcs_cap, npcs + (size_t)n + 1, sizeof *pcs)) < 0 ||
            (err = fkx_grow((void **)&samples, &ns_cap, ns + 1, sizeof *samples)) < 0)
            goto done;
        samples[ns++] = (gp_sample){count, npcs, (size_t)n};
        for (uint64_t i = 0; i < n; i++) {
            uint64_t pc = word_at(buf + pos + i * w, w);
            pcs[npcs++] = i > 0 && pc > 0 ? pc - 1 : pc;
        }
        pos += (size_t)n * w;
    }
    if (!trailer) {
        err = fkx_error_set(FK_ETRUNCATED, "%s: truncated CPU profile (no end-of-samples record)",
                            name);
        goto done;
    }
    drop_signal_frames(samples, ns, pcs);
    for (size_t i = 0; i < ns; i++) {
        uint64_t *s = pcs + samples[i].off;
        if (samples[i].n > 1 && s[0] == s[1] + 1) {
            memmove(s + 1, s + 2, (samples[i].n - 2) * sizeof *s);
            samples[i].n--;
        }
    }
    if ((err = parse_maps((char *)buf + pos, len - pos, &maps, &nmaps)) < 0 ||
        (err = fk_elfsym_new(&es)) < 0 || (err = setup_types(r, name)) < 0)
        goto done;
    /* Symbolize each distinct address once. */
    uniq = fkx_malloc((npcs ? npcs : 1) * sizeof *uniq);
    if (uniq == NULL) {
        err = FK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < ns; i++)
        for (size_t k = 0; k < samples[i].n; k++)
            uniq[nuniq++] = pcs[samples[i].off + k];
    qsort(uniq, nuniq, sizeof *uniq, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < nuniq; i++)
        if (u == 0 || uniq[u - 1] != uniq[i])
            uniq[u++] = uniq[i];
    nuniq = u;
    uniq_frame = fkx_malloc((nuniq ? nuniq : 1) * sizeof *uniq_frame);
    frames = fkx_malloc((npcs ? npcs : 1) * sizeof *frames);
    if (uniq_frame == NULL || frames == NULL) {
        err = FK_ENOMEM;
        goto done;
    }
    for (size_t i = 0; err == 0 && i < nuniq; i++)
        err = name_pc(r->profile, es, maps, nmaps, uniq[i], &uniq_frame[i]);
    size_t col_cpu = r->profile->ntypes - 1;
    const char *si = r->opts.pprof.sample_index;
    if (si != NULL && (strcmp(si, "samples") == 0 || strcmp(si, "0") == 0))
        r->profile->default_type = 0;
    else if (si == NULL || si[0] == '\0' || strcmp(si, "cpu") == 0 || strcmp(si, "1") == 0)
        r->profile->default_type = col_cpu;
    else
        err = fkx_error_set(FK_ENOTFOUND, "%s: no sample type '%s' (the profile has: samples, cpu)",
                            name, si);
    for (size_t i = 0; err == 0 && i < ns; i++) {
        size_t n = samples[i].n;
        if (n == 0 || samples[i].count == 0)
            continue;
        for (size_t k = 0; k < n; k++) { /* root first */
            uint64_t pc = pcs[samples[i].off + n - 1 - k];
            const uint64_t *hit = bsearch(&pc, uniq, nuniq, sizeof *uniq, cmp_u64);
            frames[k] = uniq_frame[hit - uniq];
        }
        double v[FK_LIMIT_SAMPLE_TYPES] = {0};
        v[0] = (double)samples[i].count;
        v[1] = (double)samples[i].count * (double)period_us * 1000.0;
        if ((err = fk_profile_add(r->profile, frames, n, v, NULL)) == 0)
            r->samples++;
    }
done:
    fk_elfsym_free(es);
    fkx_free(frames);
    fkx_free(uniq_frame);
    fkx_free(uniq);
    fkx_free(maps);
    fkx_free(samples);
    fkx_free(pcs);
    fkx_free(buf);
    return err;
}
