/*
 * order.h - a profile's stacks in the order of their folded text.
 */
#ifndef FK_PROFILE_ORDER_H
#define FK_PROFILE_ORDER_H

#include "profile.h"

/* The indexes of p's stacks sorted bytewise by their folded text
 * ("root;...;leaf"), the order every collapser writes. *out holds
 * p->nstacks indexes; the caller frees it with fkx_free. */
int fk_profile_text_order(const fk_profile *p, uint32_t **out);

#endif
