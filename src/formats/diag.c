/*
 * diag.c - per-kind collection of input problems (see diag.h).
 */
#include "diag.h"

#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Copy at most dstsz-1 bytes of text, replacing control and non-ASCII bytes
 * with '?' so the message is safe to print on a terminal. */
static void sanitize(char *dst, size_t dstsz, const char *text, size_t len)
{
    size_t max = dstsz - 1, k = 0;
    int cut = len > max - 3;
    size_t n = cut ? max - 3 : len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        dst[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : (c == '\t' ? ' ' : '?');
    }
    if (cut) {
        memcpy(dst + k, "...", 3);
        k += 3;
    }
    dst[k] = '\0';
}

int fk_diag_report(fk_diag *d, const char *kind, const char *file, uint64_t line, const char *text,
                   size_t len)
{
    if (d->strict) {
        char t[96];
        sanitize(t, sizeof t, text, len);
        return fkx_error_set(FK_EFORMAT, "%s:%llu: %s: '%s'", file, (unsigned long long)line, kind,
                             t);
    }
    for (size_t i = 0; i < d->n; i++) {
        if (d->entries[i].kind == kind || strcmp(d->entries[i].kind, kind) == 0) {
            d->entries[i].count++;
            return 0;
        }
    }
    if (d->n == FK_DIAG_KINDS) {
        d->dropped++;
        return 0;
    }
    fk_diag_entry *e = &d->entries[d->n++];
    e->kind = kind;
    snprintf(e->where, sizeof e->where, "%s:%llu", file, (unsigned long long)line);
    sanitize(e->text, sizeof e->text, text, len);
    e->count = 1;
    return 0;
}

void fk_diag_note(fk_diag *d, const char *fmt, ...)
{
    if (d->nnotes >= 4)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->notes[d->nnotes++], sizeof d->notes[0], fmt, ap);
    va_end(ap);
}
