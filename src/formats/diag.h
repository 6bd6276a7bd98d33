/*
 * diag.h - non-fatal problems found while reading input, collected per kind.
 *
 * A reader that meets a line it cannot use reports it here and goes on. The
 * collector keeps, per kind, the first place (file:line) and text, and a
 * count, so the CLI prints one line per kind instead of flooding stderr.
 * In strict mode the first report becomes the reader's error instead.
 * Library code never prints: the CLI walks the entries.
 */
#ifndef FK_FORMATS_DIAG_H
#define FK_FORMATS_DIAG_H

#include <stddef.h>
#include <stdint.h>

#define FK_DIAG_KINDS 16

typedef struct fk_diag_entry {
    const char *kind; /* static string naming the kind, e.g. "unrecognized line" */
    char where[320];  /* "file:line" of the first occurrence */
    char text[96];    /* the start of the first offending line, sanitized */
    uint64_t count;
} fk_diag_entry;

typedef struct fk_diag {
    int strict;
    fk_diag_entry entries[FK_DIAG_KINDS];
    size_t n;
    uint64_t dropped;   /* reports of kinds beyond FK_DIAG_KINDS */
    char notes[4][256]; /* informational messages (e.g. which event was kept) */
    size_t nnotes;
} fk_diag;

/* Report one problem. Returns 0, or FK_EFORMAT (error recorded) if strict. */
int fk_diag_report(fk_diag *d, const char *kind, const char *file, uint64_t line, const char *text,
                   size_t len);

/* Keep an informational note (at most 4; later ones are ignored). */
void fk_diag_note(fk_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
