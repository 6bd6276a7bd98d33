/*
 * elfsym.c - address -> function name from ELF symbol tables (see elfsym.h).
 *
 * Each file is read once: its function symbols (.symtab when present, else
 * .dynsym) sorted by address, and its loadable segments for turning file
 * offsets into addresses. A lookup is a binary search.
 */
#include "elfsym.h"

#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct sym {
    uint64_t addr, size;
    const char *name;
} sym;

typedef struct seg {
    uint64_t off, filesz, vaddr;
} seg;

typedef struct elf_file {
    char *path;
    sym *syms;
    size_t nsyms;
    seg *segs;
    size_t nsegs;
} elf_file;

struct fk_elfsym {
    fkx_arena arena;
    elf_file *files;
    size_t nfiles, cap;
};

int fk_elfsym_new(fk_elfsym **out)
{
    *out = fkx_calloc(1, sizeof **out);
    if (*out == NULL)
        return FK_ENOMEM;
    elf_version(EV_CURRENT);
    return 0;
}

static int cmp_sym(const void *a, const void *b)
{
    const sym *x = a, *y = b;
    return (x->addr > y->addr) - (x->addr < y->addr);
}

/* Load what we need from one file; a file we cannot read gets no symbols. */
static void load(fk_elfsym *s, elf_file *f)
{
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    size_t nph;
    if (e != NULL && elf_kind(e) == ELF_K_ELF && elf_getphdrnum(e, &nph) == 0) {
        f->segs = fkx_arena_alloc(&s->arena, (nph ? nph : 1) * sizeof *f->segs);
        for (size_t i = 0; f->segs && i < nph; i++) {
            GElf_Phdr ph;
            if (gelf_getphdr(e, (int)i, &ph) != NULL && ph.p_type == PT_LOAD)
                f->segs[f->nsegs++] = (seg){ph.p_offset, ph.p_filesz, ph.p_vaddr};
        }
        Elf_Scn *best = NULL, *scn = NULL;
        GElf_Shdr sh, best_sh;
        memset(&best_sh, 0, sizeof best_sh);
        while ((scn = elf_nextscn(e, scn)) != NULL) {
            if (gelf_getshdr(scn, &sh) == NULL)
                continue;
            if (sh.sh_type == SHT_SYMTAB || (sh.sh_type == SHT_DYNSYM && best == NULL)) {
                best = scn;
                best_sh = sh;
            }
        }
        Elf_Data *d = best ? elf_getdata(best, NULL) : NULL;
        size_t n = d && best_sh.sh_entsize ? best_sh.sh_size / best_sh.sh_entsize : 0;
        f->syms = n ? fkx_arena_alloc(&s->arena, n * sizeof *f->syms) : NULL;
        for (size_t i = 0; f->syms && i < n; i++) {
            GElf_Sym st;
            if (gelf_getsym(d, (int)i, &st) == NULL || GELF_ST_TYPE(st.st_info) != STT_FUNC ||
                st.st_value == 0 || st.st_shndx == SHN_UNDEF)
                continue;
            const char *name = elf_strptr(e, best_sh.sh_link, st.st_name);
            if (name == NULL || name[0] == '\0')
                continue;
            char *copy = fkx_arena_strndup(&s->arena, name, strlen(name));
            if (copy == NULL)
                break;
            f->syms[f->nsyms++] = (sym){st.st_value, st.st_size, copy};
        }
        if (f->nsyms)
            qsort(f->syms, f->nsyms, sizeof *f->syms, cmp_sym);
    }
    if (e != NULL)
        elf_end(e);
    close(fd);
}

static elf_file *file_for(fk_elfsym *s, const char *path)
{
    for (size_t i = 0; i < s->nfiles; i++)
        if (strcmp(s->files[i].path, path) == 0)
            return &s->files[i];
    if (fkx_grow((void **)&s->files, &s->cap, s->nfiles + 1, sizeof *s->files) < 0)
        return NULL;
    elf_file *f = &s->files[s->nfiles];
    memset(f, 0, sizeof *f);
    if ((f->path = fkx_arena_strndup(&s->arena, path, strlen(path))) == NULL)
        return NULL;
    s->nfiles++;
    load(s, f);
    return f;
}

const char *fk_elfsym_lookup(fk_elfsym *s, const char *path, uint64_t off)
{
    elf_file *f = file_for(s, path);
    if (f == NULL || f->nsyms == 0)
        return NULL;
    uint64_t addr = off;
    for (size_t i = 0; i < f->nsegs; i++) {
        if (off >= f->segs[i].off && off < f->segs[i].off + f->segs[i].filesz) {
            addr = off - f->segs[i].off + f->segs[i].vaddr;
            break;
        }
    }
    size_t lo = 0, hi = f->nsyms;
    while (lo < hi) { /* first symbol above addr */
        size_t mid = lo + (hi - lo) / 2;
        if (f->syms[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const sym *c = &f->syms[lo - 1];
    if (c->size != 0 && addr >= c->addr + c->size)
        return NULL;
    return c->name;
}

void fk_elfsym_free(fk_elfsym *s)
{
    if (s == NULL)
        return;
    fkx_free(s->files);
    fkx_arena_free(&s->arena);
    fkx_free(s);
}
