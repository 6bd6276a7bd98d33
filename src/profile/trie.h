/*
 * trie.h - the stack trie every flame graph renderer walks.
 *
 * Node 0 is the root (all samples). Every other node is one frame under its
 * parent; a stack of the profile is the path from the root to a node. Each
 * node carries, per sample type, `self` (value of stacks ending exactly
 * here) and `total` (self plus all descendants). Children are linked in
 * bytewise order of their frame names, the order flamegraph.pl draws them.
 *
 * The trie borrows the profile's strings: it must not outlive the profile.
 */
#ifndef FK_PROFILE_TRIE_H
#define FK_PROFILE_TRIE_H

#include "profile.h"

#define FK_TRIE_NONE UINT32_MAX

typedef struct fk_trie_node {
    uint32_t frame;        /* string id in the profile; FK_TRIE_NONE for the root */
    uint32_t parent;       /* FK_TRIE_NONE for the root */
    uint32_t first_child;  /* FK_TRIE_NONE if a leaf */
    uint32_t next_sibling; /* FK_TRIE_NONE if last */
    uint32_t depth;        /* root 0 */
} fk_trie_node;

typedef struct fk_trie {
    const fk_profile *profile;
    fk_trie_node *nodes;
    size_t count, cap;
    size_t ntypes;
    double *self;  /* count * ntypes */
    double *total; /* count * ntypes */
    size_t max_depth;
    fkx_index index; /* (parent, frame) -> node, used while building */
} fk_trie;

/* Build the trie of every stack in `p`. 0, FK_ENOMEM or FK_ELIMIT. */
int fk_trie_build(fk_trie *t, const fk_profile *p);

static inline double fk_trie_total(const fk_trie *t, uint32_t node, size_t type)
{
    return t->total[(size_t)node * t->ntypes + type];
}

static inline double fk_trie_self(const fk_trie *t, uint32_t node, size_t type)
{
    return t->self[(size_t)node * t->ntypes + type];
}

void fk_trie_free(fk_trie *t);

#endif
