/*
 * unwind_none.c - the libunwind path of a build made without libunwind's
 * header (libunwind-dev): asking for it fails at start with a message that
 * says so, and the handler never gets here (the unwinder stays fp).
 */
#include "prof_int.h"

#include "util/error.h"

int fkp_libunwind_load(void)
{
    return fkx_error_set(FK_ENOTFOUND, "this libflamekit-prof was built without libunwind "
                                       "support (install libunwind-dev and rebuild)");
}

size_t fkp_unwind_libunwind(const void *ucontext, uintptr_t hi, uintptr_t *pcs, size_t max,
                            int *truncated)
{
    (void)hi;
    uintptr_t pc, fp, sp;
    fkp_uc_regs(ucontext, &pc, &fp, &sp);
    *truncated = 1;
    if (max == 0)
        return 0;
    pcs[0] = pc;
    return 1;
}
