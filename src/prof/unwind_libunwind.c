/*
 * unwind_libunwind.c - the optional unwinder for code built without frame
 * pointers: libunwind's local unwinder, started from the signal's context
 * (unw_init_local2 with UNW_INIT_SIGNAL_FRAME) and stepped with the DWARF
 * call-frame information (.eh_frame) every ELF object carries.
 *
 * libunwind is dlopen'd (RTLD_LOCAL) when a profile that asks for it
 * starts, never linked, for three reasons: libunwind.so.8 also exports the
 * C++ exception ABI (_Unwind_RaiseException and 35 more), which as a
 * dependency of a preloaded library would come before libgcc_s and take
 * over the host program's exceptions; the default frame-pointer path then
 * loads nothing more into the host; and one build of the library works on
 * machines with and without libunwind8. Only its header is needed to build
 * this file (unwind_none.c replaces it otherwise).
 *
 * What makes the walk fit for a signal handler (libunwind 1.6):
 *  - the one-time initialization (locks, a pipe, memory pools) runs at
 *    load time, in normal code, by one walk of the loading thread's stack;
 *  - caching is turned off (UNW_CACHE_NONE): the global cache takes a lock,
 *    and the per-thread cache lives in libunwind's thread-local storage,
 *    which a dlopen'd library gets lazily, with malloc, on a thread's first
 *    touch; without a cache each step finds its procedure with
 *    dl_iterate_phdr and parses its CFI on the stack (its small records
 *    come from a pool that masks signals while it holds its lock);
 *  - the cursor lives on the handler's stack (about 1 KiB) and the depth
 *    is bounded by the caller's array.
 *
 * Unlike the frame-pointer walk, this one takes locks: the pool's (always
 * with every signal masked, so never on a thread that holds it) and, in
 * dl_iterate_phdr, the dynamic loader's recursive list lock, which a
 * thread interrupted inside dlopen or dlclose may hold while the list is
 * half changed: samples whose pc is in the loader are walked with frame
 * pointers instead.
 *
 * libunwind does not check the addresses it reads for local unwinding:
 * every frame's stack pointer must stay within [sp, top of the thread's
 * stack) and move up, or the walk stops, so well-formed CFI never leads a
 * read off the stack; a frame without CFI falls back to libunwind's own
 * frame-pointer guess, which it validates (mincore) before reading.
 */
#include "prof_int.h"

#include "util/error.h"

#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <libunwind.h>
#include <link.h>
#include <pthread.h>
#include <string.h>
#include <sys/auxv.h>
#include <ucontext.h>

/* libunwind's names are macros (unw_step is _ULx86_64_step, ...). */
#define NAME_(x) #x
#define NAME(x)  NAME_(x)

typedef int (*init_fn)(unw_cursor_t *, unw_context_t *, int);
typedef int (*step_fn)(unw_cursor_t *);
typedef int (*get_reg_fn)(unw_cursor_t *, int, unw_word_t *);
typedef int (*policy_fn)(unw_addr_space_t, unw_caching_policy_t);

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static init_fn lu_init;
static step_fn lu_step;
static get_reg_fn lu_get_reg;
static _Atomic int lu_ready; /* release: the pointers above are set */
/* The dynamic loader's code, [ldso_lo, ldso_hi); set before lu_ready. */
static uintptr_t ldso_lo, ldso_hi;

static int find_ldso(struct dl_phdr_info *info, size_t size, void *payload)
{
    (void)size;
    uintptr_t base = *(uintptr_t *)payload;
    if (info->dlpi_addr != base)
        return 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
        if (ldso_hi == 0 || lo < ldso_lo)
            ldso_lo = lo;
        if (hi > ldso_hi)
            ldso_hi = hi;
    }
    return 1;
}

static void *sym(void *h, const char *name, int *missing)
{
    void *p = dlsym(h, name);
    if (p == NULL)
        *missing = 1;
    return p;
}

/* One walk of the calling thread's own stack, so that libunwind's lazy
 * initialization happens here and not in a handler. */
__attribute__((noinline)) static int warm_up(void)
{
    ucontext_t uc;
    if (getcontext(&uc) != 0)
        return -1;
    unw_cursor_t c;
    if (lu_init(&c, (unw_context_t *)&uc, 0) < 0)
        return -1;
    int steps = 0;
    while (steps < FKP_MAX_DEPTH && lu_step(&c) > 0)
        steps++;
    return steps > 0 ? 0 : -1;
}

int fkp_libunwind_load(void)
{
    if (atomic_load_explicit(&lu_ready, memory_order_acquire))
        return 0;
    pthread_mutex_lock(&load_lock);
    int err = 0;
    if (atomic_load(&lu_ready))
        goto done;
    /* Never closed: a handler may still be inside it after a profile. */
    void *h = dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        err = fkx_error_set(FK_ENOTFOUND, "cannot load libunwind for unwinding: %s", dlerror());
        goto done;
    }
    int missing = 0;
    init_fn init = (init_fn)(uintptr_t)sym(h, NAME(unw_init_local2), &missing);
    step_fn step = (step_fn)(uintptr_t)sym(h, NAME(unw_step), &missing);
    get_reg_fn get_reg = (get_reg_fn)(uintptr_t)sym(h, NAME(unw_get_reg), &missing);
    policy_fn policy = (policy_fn)(uintptr_t)sym(h, NAME(unw_set_caching_policy), &missing);
    unw_addr_space_t *space = sym(h, NAME(unw_local_addr_space), &missing);
    if (missing) {
        err = fkx_error_set(FK_ENOTFOUND,
                            "libunwind.so.8 lacks %s (version 1.6 or later is "
                            "needed)",
                            NAME(unw_init_local2));
        goto done;
    }
    lu_init = init;
    lu_step = step;
    lu_get_reg = get_reg;
    uintptr_t base = (uintptr_t)getauxval(AT_BASE);
    if (base != 0)
        dl_iterate_phdr(find_ldso, &base);
    if (policy(*space, UNW_CACHE_NONE) != 0 || warm_up() < 0) {
        err = fkx_error_set(FK_ENOTFOUND, "libunwind cannot unwind this process");
        goto done;
    }
    atomic_store_explicit(&lu_ready, 1, memory_order_release);
done:
    pthread_mutex_unlock(&load_lock);
    return err;
}

size_t fkp_unwind_libunwind(const void *ucontext, uintptr_t hi, uintptr_t *pcs, size_t max,
                            int *truncated)
{
    *truncated = 0;
    if (max == 0)
        return 0;
    uintptr_t pc, fp, sp;
    fkp_uc_regs(ucontext, &pc, &fp, &sp);
    int ready = atomic_load_explicit(&lu_ready, memory_order_acquire);
    if (ready && pc >= ldso_lo && pc < ldso_hi) /* the loader may be changing its list */
        return fkp_unwind(ucontext, hi, pcs, max, truncated);
    unw_cursor_t c;
    /* The kernel's ucontext is libunwind's context on Linux (x86-64,
     * arm64); libunwind only reads it. */
    if (sp == 0 || !ready ||
        lu_init(&c, (unw_context_t *)(uintptr_t)ucontext, UNW_INIT_SIGNAL_FRAME) < 0) {
        pcs[0] = pc;
        *truncated = 1;
        return 1;
    }
    size_t n = 0;
    uintptr_t last = sp;
    for (;;) {
        unw_word_t ip, s;
        if (lu_get_reg(&c, UNW_REG_IP, &ip) < 0) {
            *truncated = 1;
            break;
        }
        if (ip < 4096) { /* 0 ends a chain; other small values are garbage */
            *truncated = ip != 0 || n == 0;
            break;
        }
        pcs[n++] = (uintptr_t)ip;
        if (n == max) {
            *truncated = 1;
            break;
        }
        int r = lu_step(&c);
        if (r == 0) /* the outermost frame (its return address is undefined) */
            break;
        if (r < 0 || lu_get_reg(&c, UNW_REG_SP, &s) < 0 || s < last || (hi != 0 && s >= hi)) {
            *truncated = 1;
            break;
        }
        last = (uintptr_t)s;
    }
    if (n == 0) {
        pcs[n++] = pc;
        *truncated = 1;
    }
    return n;
}
