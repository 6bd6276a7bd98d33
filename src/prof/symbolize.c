/*
 * symbolize.c - addresses of this process -> functions, files, lines and
 * inline frames, at export time only (never in the signal handler).
 *
 * elfutils' libdwfl reads /proc/self/maps, opens each mapped ELF file and
 * its separate debug info when installed (/usr/lib/debug/.build-id), and
 * answers: the symbol containing an address (.symtab, else .dynsym), the
 * DWARF scopes around it (inlined subroutines innermost first) and the line
 * table's file and line. Names are demangled with the C++ runtime's
 * __cxa_demangle (libstdc++ is loaded for it if the process has none);
 * without one, mangled names stay as they are and pprof demangles them.
 *
 * The executable file mappings are read from /proc/self/maps as well, with
 * each file's build id, for the profile's mapping table.
 */
#include "prof_int.h"

#include "util/alloc.h"
#include "util/arena.h"
#include "util/error.h"

#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct fkp_symtab {
    Dwfl *dwfl;
    fkx_arena arena;
    fkp_module *mods;
    size_t nmods, capmods;
};

static char *debuginfo_path;
static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .debuginfo_path = &debuginfo_path,
};

/* ---- demangling --------------------------------------------------------- */

typedef char *(*demangle_fn)(const char *, char *, size_t *, int *);

static demangle_fn find_demangler(void)
{
    static demangle_fn fn;
    static int looked;
    if (!looked) {
        looked = 1;
        fn = (demangle_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "__cxa_demangle");
        /* A C++ program linked with --as-needed may not load libstdc++ at
         * all: load it (once, never unloaded) so names do not depend on
         * that. Without it, names stay mangled and pprof demangles them. */
        void *h = fn ? NULL : dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL);
        if (h != NULL)
            fn = (demangle_fn)(uintptr_t)dlsym(h, "__cxa_demangle");
    }
    return fn;
}

/* Legacy Rust symbols end in "::h" and 16 hex digits: drop that hash. */
static void strip_rust_hash(char *s)
{
    size_t n = strlen(s);
    if (n < 20 || memcmp(s + n - 19, "::h", 3) != 0)
        return;
    for (size_t i = n - 16; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return;
    s[n - 19] = '\0';
}

char *fkp_demangle(const char *name)
{
    if (name == NULL || strncmp(name, "_Z", 2) != 0)
        return (char *)name;
    demangle_fn fn = find_demangler();
    if (fn == NULL)
        return (char *)name;
    int status = -1;
    char *d = fn(name, NULL, NULL, &status);
    if (status != 0 || d == NULL) {
        free(d);
        return (char *)name;
    }
    if (strncmp(name, "_ZN", 3) == 0)
        strip_rust_hash(d);
    return d;
}

/* Demangle into the arena. */
static const char *arena_name(fkp_symtab *s, const char *name)
{
    if (name == NULL)
        return NULL;
    char *d = fkp_demangle(name);
    const char *r = fkx_arena_strndup(&s->arena, d, strlen(d));
    if (d != name)
        free(d);
    return r;
}

/* ---- modules ------------------------------------------------------------ */

static const char *build_id_hex(fkp_symtab *s, uint64_t addr)
{
    Dwfl_Module *m = dwfl_addrmodule(s->dwfl, addr);
    const unsigned char *bits;
    GElf_Addr vaddr;
    int n = m ? dwfl_module_build_id(m, &bits, &vaddr) : -1;
    if (n <= 0)
        return "";
    char *hex = fkx_arena_alloc(&s->arena, (size_t)n * 2 + 1);
    if (hex == NULL)
        return "";
    for (int i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", bits[i]);
    return hex;
}

static void read_maps(fkp_symtab *s)
{
    FILE *f = fopen("/proc/self/maps", "re");
    if (f == NULL)
        return;
    char line[4096];
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned long lo, hi, off;
        char perms[8];
        int pathpos = 0;
        if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %n", &lo, &hi, perms, &off, &pathpos) < 4 ||
            pathpos == 0 || perms[2] != 'x' || line[pathpos] != '/')
            continue;
        char *path = line + pathpos;
        path[strcspn(path, "\n")] = '\0';
        if (fkx_grow((void **)&s->mods, &s->capmods, s->nmods + 1, sizeof *s->mods) < 0)
            break;
        fkp_module *m = &s->mods[s->nmods];
        m->start = lo;
        m->limit = hi;
        m->offset = off;
        m->file = fkx_arena_strndup(&s->arena, path, strlen(path));
        m->build_id = build_id_hex(s, lo);
        if (m->file != NULL)
            s->nmods++;
    }
    fclose(f);
}

int fkp_symtab_new(fkp_symtab **out)
{
    fkp_symtab *s = fkx_calloc(1, sizeof *s);
    if (s == NULL)
        return FK_ENOMEM;
    s->dwfl = dwfl_begin(&callbacks);
    if (s->dwfl == NULL) {
        fkx_free(s);
        return fkx_error_set(FK_ENOMEM, "cannot start libdwfl: %s", dwfl_errmsg(-1));
    }
    dwfl_report_begin(s->dwfl);
    dwfl_linux_proc_report(s->dwfl, getpid()); /* what fails just gets no names */
    dwfl_report_end(s->dwfl, NULL, NULL);
    read_maps(s);
    *out = s;
    return 0;
}

size_t fkp_symtab_modules(fkp_symtab *s, const fkp_module **out)
{
    *out = s->mods;
    return s->nmods;
}

void fkp_symtab_free(fkp_symtab *s)
{
    if (s == NULL)
        return;
    if (s->dwfl != NULL)
        dwfl_end(s->dwfl);
    fkx_free(s->mods);
    fkx_arena_free(&s->arena);
    fkx_free(s);
}

/* ---- lookups ------------------------------------------------------------ */

static const char *die_linkage_name(Dwarf_Die *die)
{
    Dwarf_Attribute a;
    const char *n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
    if (n == NULL)
        n = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a));
    return n;
}

static const char *call_file(Dwarf_Die *cu, Dwarf_Die *inl)
{
    Dwarf_Attribute a;
    Dwarf_Word idx;
    Dwarf_Files *files;
    size_t nfiles;
    if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_file, &a), &idx) != 0 ||
        dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || idx >= nfiles)
        return NULL;
    return dwarf_filesrc(files, idx, NULL, NULL);
}

static int64_t call_line(Dwarf_Die *inl)
{
    Dwarf_Attribute a;
    Dwarf_Word line;
    if (dwarf_formudata(dwarf_attr(inl, DW_AT_call_line, &a), &line) != 0)
        return 0;
    return (int64_t)line;
}

size_t fkp_symtab_lookup(fkp_symtab *s, uintptr_t addr, fkp_frame *frames, size_t max)
{
    if (max == 0)
        return 0;
    Dwfl_Module *m = dwfl_addrmodule(s->dwfl, addr);
    if (m == NULL)
        return 0;
    GElf_Off off;
    GElf_Sym sym;
    const char *sym_name = dwfl_module_addrinfo(m, addr, &off, &sym, NULL, NULL, NULL);

    /* The line table's answer is where the innermost function is. */
    const char *file = NULL;
    int64_t line = 0;
    Dwfl_Line *dl = dwfl_module_getsrc(m, addr);
    if (dl != NULL) {
        int lineno = 0;
        file = dwfl_lineinfo(dl, NULL, &lineno, NULL, NULL, NULL);
        line = lineno;
    }

    size_t n = 0;
    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = dwfl_module_addrdie(m, addr, &bias);
    if (cu == NULL) { /* no .debug_aranges (clang's default): ask each CU */
        Dwarf_Die *c = NULL;
        Dwarf_Addr b = 0;
        while ((c = dwfl_module_nextcu(m, c, &b)) != NULL) {
            if (dwarf_haspc(c, addr - b) > 0) {
                cu = c;
                bias = b;
                break;
            }
        }
        Dwarf_Line *l = cu && dl == NULL ? dwarf_getsrc_die(cu, addr - bias) : NULL;
        int lineno = 0;
        if (l != NULL && dwarf_lineno(l, &lineno) == 0) {
            file = dwarf_linesrc(l, NULL, NULL);
            line = lineno;
        }
    }
    Dwarf_Die *scopes = NULL;
    int nscopes = cu ? dwarf_getscopes(cu, addr - bias, &scopes) : 0;
    if (nscopes > 0) {
        /* dwarf_getscopes continues an inlined subroutine with its abstract
         * origin's scopes; the concrete callers are the DIE tree's parents
         * of the innermost scope. */
        Dwarf_Die inner = scopes[0];
        free(scopes);
        scopes = NULL;
        nscopes = dwarf_getscopes_die(&inner, &scopes);
    }
    for (int i = 0; i < nscopes && n < max; i++) {
        Dwarf_Die *d = &scopes[i];
        int tag = dwarf_tag(d);
        if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine)
            continue;
        const char *sys = die_linkage_name(d);
        const char *plain = dwarf_diename(d);
        if (tag == DW_TAG_subprogram && sym_name != NULL && sys == NULL && plain == NULL)
            sys = sym_name;
        fkp_frame *f = &frames[n++];
        f->system_name = sys ? sys : plain;
        f->name = sys ? arena_name(s, sys) : plain;
        f->file = file;
        f->line = line;
        int decl = 0;
        f->start_line = dwarf_decl_line(d, &decl) == 0 ? decl : 0;
        if (tag == DW_TAG_subprogram)
            break; /* the containing function: done */
        file = call_file(cu, d);
        line = call_line(d);
    }
    free(scopes);
    if (n == 0 && sym_name != NULL) { /* no DWARF: the symbol table's name */
        frames[0].system_name = sym_name;
        frames[0].name = arena_name(s, sym_name);
        frames[0].file = file;
        frames[0].line = line;
        frames[0].start_line = 0;
        n = 1;
    }
    /* The outermost frame is the real function: prefer the symbol's name
     * when DWARF gave none. */
    for (size_t i = 0; i < n; i++)
        if (frames[i].name == NULL)
            frames[i].name = frames[i].system_name ? frames[i].system_name : "";
    return n;
}
