/*
 * trie.c - build the stack trie from a profile's stack table.
 *
 * Insertion finds each (parent, frame) child through a hash index, so the
 * cost is one probe per frame of each distinct stack. Totals are summed in
 * one reverse pass (children always have larger ids than their parent), and
 * children lists are sorted by name at the end.
 */
#include "trie.h"

#include "util/alloc.h"
#include "util/error.h"

#include <stdlib.h>
#include <string.h>

static uint64_t edge_hash(const fk_trie *t, uint32_t parent, uint32_t frame)
{
    uint32_t key[2] = {parent, frame};
    return fkx_hash(key, sizeof key, t->profile->seed);
}

/* The child of `parent` named `frame`, created if absent. */
static int child(fk_trie *t, uint32_t parent, uint32_t frame, uint32_t *out)
{
    uint64_t h = edge_hash(t, parent, frame);
    uint32_t tag = (uint32_t)(h >> 32);
    size_t pos = fkx_index_start(&t->index, h);
    for (;;) {
        fkx_index_slot s = t->index.slots[pos];
        if (s.id == 0)
            break;
        const fk_trie_node *n = &t->nodes[s.id - 1];
        if (s.tag == tag && n->parent == parent && n->frame == frame) {
            *out = s.id - 1;
            return 0;
        }
        pos = (pos + 1) & t->index.mask;
    }
    if (t->count >= UINT32_MAX - 1)
        return fkx_error_set(FK_ELIMIT, "stack trie has too many nodes");
    int err = fkx_grow((void **)&t->nodes, &t->cap, t->count + 1, sizeof *t->nodes);
    if (err < 0)
        return err;
    size_t mask = t->index.mask;
    if ((err = fkx_index_reserve(&t->index)) < 0)
        return err;
    if (t->index.mask != mask) {
        pos = fkx_index_start(&t->index, h);
        while (t->index.slots[pos].id != 0)
            pos = (pos + 1) & t->index.mask;
    }
    uint32_t id = (uint32_t)t->count++;
    fk_trie_node *n = &t->nodes[id];
    n->frame = frame;
    n->parent = parent;
    n->first_child = FK_TRIE_NONE;
    n->next_sibling = t->nodes[parent].first_child;
    n->depth = t->nodes[parent].depth + 1;
    t->nodes[parent].first_child = id;
    if (n->depth > t->max_depth)
        t->max_depth = n->depth;
    fkx_index_put(&t->index, pos, h, id);
    *out = id;
    return 0;
}

/* qsort context: qsort has none, so sort (name, id) pairs instead. */
typedef struct named {
    const char *ptr;
    uint32_t len;
    uint32_t id;
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->ptr, y->ptr, n);
    if (c != 0)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

static int sort_children(fk_trie *t)
{
    named *tmp = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < t->count; i++) {
        fk_trie_node *n = &t->nodes[i];
        if (n->first_child == FK_TRIE_NONE || t->nodes[n->first_child].next_sibling == FK_TRIE_NONE)
            continue;
        size_t k = 0;
        for (uint32_t c = n->first_child; c != FK_TRIE_NONE; c = t->nodes[c].next_sibling) {
            int err = fkx_grow((void **)&tmp, &cap, k + 1, sizeof *tmp);
            if (err < 0) {
                fkx_free(tmp);
                return err;
            }
            fkx_str s = fk_profile_string(t->profile, t->nodes[c].frame);
            tmp[k].ptr = s.ptr;
            tmp[k].len = s.len;
            tmp[k].id = c;
            k++;
        }
        qsort(tmp, k, sizeof *tmp, cmp_named);
        n->first_child = tmp[0].id;
        for (size_t j = 0; j + 1 < k; j++)
            t->nodes[tmp[j].id].next_sibling = tmp[j + 1].id;
        t->nodes[tmp[k - 1].id].next_sibling = FK_TRIE_NONE;
    }
    fkx_free(tmp);
    return 0;
}

int fk_trie_build(fk_trie *t, const fk_profile *p)
{
    memset(t, 0, sizeof *t);
    t->profile = p;
    t->ntypes = p->ntypes;
    int err = fkx_grow((void **)&t->nodes, &t->cap, 1 + p->nframes / 4, sizeof *t->nodes);
    /* nodes are at most the frames of all stacks; usually far fewer */
    if (err == 0)
        err =
            fkx_index_presize(&t->index, p->nframes < 4 * p->nstacks ? p->nframes : 4 * p->nstacks);
    if (err < 0)
        goto done;
    t->nodes[0] = (fk_trie_node){FK_TRIE_NONE, FK_TRIE_NONE, FK_TRIE_NONE, FK_TRIE_NONE, 0};
    t->count = 1;

    uint32_t *leaf = fkx_malloc((p->nstacks ? p->nstacks : 1) * sizeof *leaf);
    if (leaf == NULL) {
        err = FK_ENOMEM;
        goto done;
    }
    /* path[d]: the node of the previous stack at depth d + 1. Stacks often
     * share their leading frames with the one before (folded input is
     * sorted), and those nodes need no lookup. */
    uint32_t *path = NULL;
    size_t path_cap = 0, prev_depth = 0;
    const uint32_t *prev = NULL;
    for (size_t i = 0; i < p->nstacks && err == 0; i++) {
        size_t depth;
        const uint32_t *f = fk_profile_stack(p, i, &depth);
        if ((err = fkx_grow((void **)&path, &path_cap, depth + 1, sizeof *path)) < 0)
            break;
        size_t same = 0;
        while (same < depth && same < prev_depth && f[same] == prev[same])
            same++;
        uint32_t node = same ? path[same - 1] : 0;
        for (size_t d = same; d < depth && err == 0; d++) {
            err = child(t, node, f[d], &node);
            path[d] = node;
        }
        leaf[i] = node;
        prev = f;
        prev_depth = depth;
    }
    fkx_free(path);
    size_t nt = t->ntypes ? t->ntypes : 1;
    if (err == 0) {
        t->self = fkx_calloc(t->count * nt, sizeof *t->self);
        t->total = fkx_calloc(t->count * nt, sizeof *t->total);
        if (t->self == NULL || t->total == NULL)
            err = FK_ENOMEM;
    }
    if (err == 0) {
        for (size_t i = 0; i < p->nstacks; i++)
            for (size_t k = 0; k < t->ntypes; k++)
                t->self[(size_t)leaf[i] * nt + k] += fk_profile_values(p, i)[k];
        memcpy(t->total, t->self, t->count * nt * sizeof *t->total);
        for (size_t i = t->count; i-- > 1;) {
            uint32_t parent = t->nodes[i].parent;
            for (size_t k = 0; k < t->ntypes; k++)
                t->total[(size_t)parent * nt + k] += t->total[i * nt + k];
        }
        err = sort_children(t);
    }
    fkx_free(leaf);
done:
    fkx_index_free(&t->index);
    if (err < 0)
        fk_trie_free(t);
    return err;
}

void fk_trie_free(fk_trie *t)
{
    if (t == NULL)
        return;
    fkx_free(t->nodes);
    fkx_free(t->self);
    fkx_free(t->total);
    fkx_index_free(&t->index);
    memset(t, 0, sizeof *t);
}
