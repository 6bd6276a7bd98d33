/*
 * elfsym.h - function names for addresses in ELF files (executables and
 * shared libraries), from their symbol tables, via libelf.
 *
 * A symbolizer caches one table per file path. Lookups take a file offset
 * (what a /proc/PID/maps line gives: address - start + offset) and turn it
 * into a virtual address with the file's PT_LOAD headers, so PIE
 * executables and shared libraries work like fixed-address executables.
 * Files that cannot be opened or have no symbols simply yield no names.
 * Not thread-safe.
 */
#ifndef FK_FORMATS_ELFSYM_H
#define FK_FORMATS_ELFSYM_H

#include <stddef.h>
#include <stdint.h>

typedef struct fk_elfsym fk_elfsym;

int fk_elfsym_new(fk_elfsym **out);

/* The function containing file offset `off` of the file at `path`, or NULL.
 * The name is owned by the symbolizer and lives until fk_elfsym_free. */
const char *fk_elfsym_lookup(fk_elfsym *s, const char *path, uint64_t off);

void fk_elfsym_free(fk_elfsym *s);

#endif
