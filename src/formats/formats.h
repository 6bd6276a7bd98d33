/*
 * formats.h - reading profiles in any supported text or binary format into
 * the model, with format detection.
 *
 * fk_reader reads one or more inputs into one profile (merged). Readers
 * stream: memory grows with distinct stacks, not input size. Per-format
 * options live in fk_read_opts; state that spans inputs (perf's default
 * event filter) lives in the reader.
 */
#ifndef FK_FORMATS_FORMATS_H
#define FK_FORMATS_FORMATS_H

#include "diag.h"
#include "profile/profile.h"
#include "util/input.h"

typedef enum fk_format {
    FK_FORMAT_AUTO = 0,
    FK_FORMAT_PERF,       /* `perf script` text */
    FK_FORMAT_FOLDED,     /* folded stacks: frame;frame;leaf COUNT */
    FK_FORMAT_PPROF,      /* pprof protobuf (perftools.profiles), gzip'd or raw */
    FK_FORMAT_GPERFTOOLS, /* gperftools' legacy binary CPU profile */
} fk_format;

/* "auto", "perf", "folded", "pprof", "gperftools". */
const char *fk_format_name(fk_format f);

/* Parse a --format value; 0 or FK_EINVAL. */
int fk_format_from_name(fk_format *out, const char *name);

/* Guess the format from the first bytes of an input. Returns FK_FORMAT_AUTO
 * when it cannot tell, and sets *why to a short reason for the message. */
fk_format fk_format_detect(const char *data, size_t len, const char **why);

/* Binary format sniffers used by fk_format_detect: 1 if the first bytes
 * (already gunzipped) look like that format. */
int fk_pprof_detect(const char *data, size_t len);
int fk_gperftools_detect(const char *data, size_t len);

typedef struct fk_perf_opts {
    int include_pid;          /* --pid: comm-PID as the root frame */
    int include_tid;          /* --tid: comm-PID/TID */
    int annotate_kernel;      /* --kernel: _[k] on kernel frames */
    int annotate_jit;         /* --jit: _[j] on JIT frames */
    int include_addrs;        /* --addrs: [module <addr>] for unknown symbols */
    const char *event_filter; /* --event-filter; NULL = the first event seen */
    int whole_line_keys;      /* for tests: key the frame-line cache by whole lines
                                 rather than by the text after the address */
} fk_perf_opts;

typedef struct fk_pprof_opts {
    const char *sample_index; /* --sample-index NAME|N; NULL: pprof's default */
} fk_pprof_opts;

typedef struct fk_read_opts {
    fk_format format;
    fk_perf_opts perf;
    fk_pprof_opts pprof;
} fk_read_opts;

typedef struct fk_perf_reader fk_perf_reader;

typedef struct fk_reader {
    fk_profile *profile;
    fk_read_opts opts;
    fk_diag *diag;
    fk_perf_reader *perf; /* created on first perf input */
    uint64_t samples;     /* samples (or folded lines) accepted */
    int auto_types;       /* the profile's only type is the "samples/count" placeholder */
} fk_reader;

/* Prepare a reader into `profile` (which must be initialized). If the profile
 * has no sample type yet, "samples"/"count" is added. */
int fk_reader_init(fk_reader *r, fk_profile *profile, const fk_read_opts *opts, fk_diag *diag);

/* Read the whole input at `path` ("-" or NULL: stdin). */
int fk_reader_read_path(fk_reader *r, const char *path);

/* Read from an input that is already open (used by tests and fuzzers). */
int fk_reader_read_input(fk_reader *r, fkx_input *in);

void fk_reader_free(fk_reader *r);

/* The per-format line parsers, fed by fk_reader. */
int fk_perf_reader_new(fk_perf_reader **out, fk_profile *p, const fk_perf_opts *opts);
int fk_perf_reader_read(fk_perf_reader *pr, fkx_lines *lines, fk_diag *diag, uint64_t *samples);
void fk_perf_reader_free(fk_perf_reader *pr);

int fk_folded_read(fk_profile *p, fkx_lines *lines, fk_diag *diag, uint64_t *samples);

/* Binary readers: they take the rest of the input (bytes already buffered
 * in `lines` first). pprof replaces the placeholder sample type with the
 * profile's own and sets default_type from opts.pprof.sample_index. */
int fk_pprof_read(fk_reader *r, fkx_lines *lines);
int fk_gperftools_read(fk_reader *r, fkx_lines *lines);

/* Write every stack of `p` (column `type`) as folded lines sorted bytewise. */
struct fkx_output;
int fk_folded_write(const fk_profile *p, size_t type, struct fkx_output *out);

#endif
