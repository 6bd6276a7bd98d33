/*
 * main.c - `flamekit <command>`: dispatch to the subcommands.
 */
#include "cli.h"

#include "flamekit/common.h"

#include <stdio.h>
#include <string.h>

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"collapse", fk_cmd_collapse, "read perf script / folded stacks, write folded stacks"},
    {"top", fk_cmd_top, "pprof's -top table: functions by flat or cumulative value"},
    {"svg", fk_cmd_svg, "draw an interactive SVG flame graph (flamegraph.pl's options)"},
    {"torch", fk_cmd_torch, "fetch live profiles from pprof endpoints, write the flame graph"},
    /* more subcommands register here, one line each */
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: flamekit <command> [OPTIONS] [ARGS...]\n\n"
               "flamekit turns profiles into flame graphs, fast.\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'flamekit <command> --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return FK_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (strcmp(name, "help") == 0 && argc > 2) {
            char *sub[] = {argv[2], "--help", NULL};
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                if (strcmp(commands[i].name, argv[2]) == 0)
                    return commands[i].run(2, sub);
        }
        usage(stdout);
        return FK_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("flamekit %s\n", FK_VERSION_STRING);
        return FK_EXIT_OK;
    }
    fk_cli_install_signal_cleanup();
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "flamekit: unknown command '%s'\n\n", name);
    usage(stderr);
    return FK_EXIT_USAGE;
}
