/*
 * read.c - fk_reader: open inputs, detect their format, dispatch to the
 * format's parser, all into one profile.
 */
#include "formats.h"

#include "util/error.h"

#include <string.h>

int fk_reader_init(fk_reader *r, fk_profile *profile, const fk_read_opts *opts, fk_diag *diag)
{
    memset(r, 0, sizeof *r);
    r->profile = profile;
    r->opts = *opts;
    r->diag = diag;
    if (profile->ntypes == 0) {
        r->auto_types = 1;
        return fk_profile_add_type(profile, "samples", "count", NULL);
    }
    return 0;
}

int fk_reader_read_input(fk_reader *r, fkx_input *in)
{
    fkx_lines lines;
    int err = fkx_lines_init(&lines, in);
    if (err < 0)
        return err;
    fk_format fmt = r->opts.format;
    if (fmt == FK_FORMAT_AUTO) {
        const char *data, *why;
        size_t len;
        if ((err = fkx_lines_peek(&lines, &data, &len)) < 0)
            goto done;
        fmt = fk_format_detect(data, len, &why);
        if (fmt == FK_FORMAT_AUTO) {
            err = fkx_error_set(FK_EFORMAT, "%s: cannot tell the input format: %s (see --format)",
                                in->name, why);
            goto done;
        }
    }
    switch (fmt) {
    case FK_FORMAT_PERF:
        if (r->perf == NULL && (err = fk_perf_reader_new(&r->perf, r->profile, &r->opts.perf)) < 0)
            goto done;
        err = fk_perf_reader_read(r->perf, &lines, r->diag, &r->samples);
        break;
    case FK_FORMAT_FOLDED:
        err = fk_folded_read(r->profile, &lines, r->diag, &r->samples);
        break;
    case FK_FORMAT_PPROF:
        err = fk_pprof_read(r, &lines);
        break;
    case FK_FORMAT_GPERFTOOLS:
        err = fk_gperftools_read(r, &lines);
        break;
    case FK_FORMAT_AUTO:
        err = fkx_error_set(FK_EINVAL, "no format");
        break;
    }
done:
    fkx_lines_free(&lines);
    return err;
}

int fk_reader_read_path(fk_reader *r, const char *path)
{
    fkx_input in;
    int err = fkx_input_open(&in, path);
    if (err == 0)
        err = fk_reader_read_input(r, &in);
    fkx_input_close(&in);
    return err;
}

void fk_reader_free(fk_reader *r)
{
    if (r == NULL)
        return;
    fk_perf_reader_free(r->perf);
    r->perf = NULL;
}
