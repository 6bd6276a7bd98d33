/*
 * opts.c - the command-line option parser shared by every subcommand.
 *
 * Written for flamekit's mix of conventions: GNU long options with unique
 * prefixes (flamegraph.pl accepts --color for --colors), go-torch's -t=30,
 * and vegeta's single-dash long options (-rate 250).
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

void fk_opt_init(fk_opt_parser *p, const char *cmd, int argc, char **argv, const fk_opt *opts,
                 size_t nopts)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->argc = argc;
    p->argv = argv;
    p->i = 1;
    p->opts = opts;
    p->nopts = nopts;
}

/* Find a long option by exact name or unique prefix. */
static const fk_opt *find_long(fk_opt_parser *p, const char *name, size_t len, int exact_only,
                               int *ambiguous)
{
    const fk_opt *hit = NULL;
    int hits = 0;
    *ambiguous = 0;
    for (size_t k = 0; k < p->nopts; k++) {
        const char *n = p->opts[k].name;
        if (n == NULL || strncmp(n, name, len) != 0)
            continue;
        if (n[len] == '\0')
            return &p->opts[k];
        if (!exact_only) {
            /* two names for one option id are not an ambiguity */
            if (hit == NULL || hit->id != p->opts[k].id)
                hits++;
            hit = &p->opts[k];
        }
    }
    if (hits > 1) {
        *ambiguous = 1;
        return NULL;
    }
    return hit;
}

static const fk_opt *find_short(fk_opt_parser *p, char c)
{
    for (size_t k = 0; k < p->nopts; k++)
        if (p->opts[k].short_name == c)
            return &p->opts[k];
    return NULL;
}

static int take_value(fk_opt_parser *p, const fk_opt *o, const char *shown, const char **arg)
{
    if (p->i >= p->argc) {
        fprintf(stderr, "flamekit %s: option '%s' needs a value\n", p->cmd, shown);
        return -2;
    }
    *arg = p->argv[p->i++];
    (void)o;
    return 1;
}

static void list_ambiguous(fk_opt_parser *p, const char *name, size_t len)
{
    fprintf(stderr, "flamekit %s: option '--%.*s' is ambiguous; it could be", p->cmd, (int)len,
            name);
    for (size_t k = 0; k < p->nopts; k++)
        if (p->opts[k].name && strncmp(p->opts[k].name, name, len) == 0)
            fprintf(stderr, " --%s", p->opts[k].name);
    fputc('\n', stderr);
}

int fk_opt_next(fk_opt_parser *p, int *id, const char **arg)
{
    *arg = NULL;
    if (p->bundle != NULL && *p->bundle != '\0') {
        char c = *p->bundle++;
        const fk_opt *o = find_short(p, c);
        if (o == NULL) {
            fprintf(stderr, "flamekit %s: unknown option '-%c'\n", p->cmd, c);
            return -2;
        }
        *id = o->id;
        if (!o->has_arg)
            return 1;
        const char *rest = p->bundle;
        p->bundle = NULL;
        if (*rest == '=')
            rest++;
        if (*rest != '\0') {
            *arg = rest;
            return 1;
        }
        char shown[3] = {'-', c, '\0'};
        return take_value(p, o, shown, arg);
    }
    p->bundle = NULL;
    if (p->i >= p->argc)
        return -1;
    const char *a = p->argv[p->i++];
    if (p->only_positional || a[0] != '-' || a[1] == '\0') {
        *arg = a;
        return 0;
    }
    if (strcmp(a, "--") == 0) {
        p->only_positional = 1;
        return fk_opt_next(p, id, arg);
    }
    int dashes = a[1] == '-' ? 2 : 1;
    const char *name = a + dashes;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    int ambiguous = 0;
    const fk_opt *o = NULL;
    if (dashes == 2) {
        o = find_long(p, name, len, 0, &ambiguous);
        if (ambiguous) {
            list_ambiguous(p, name, len);
            return -2;
        }
        if (o == NULL) {
            fprintf(stderr, "flamekit %s: unknown option '--%.*s' (see --help)\n", p->cmd, (int)len,
                    name);
            return -2;
        }
    } else if (len > 1) {
        o = find_long(p, name, len, 1, &ambiguous);
    }
    if (o != NULL) {
        *id = o->id;
        if (eq != NULL) {
            if (!o->has_arg) {
                fprintf(stderr, "flamekit %s: option '%.*s' takes no value\n", p->cmd,
                        (int)(len + (size_t)dashes), a);
                return -2;
            }
            *arg = eq + 1;
            return 1;
        }
        return o->has_arg ? take_value(p, o, a, arg) : 1;
    }
    /* short option(s) */
    p->bundle = a + 1;
    return fk_opt_next(p, id, arg);
}
