/*
 * timeit.c - run a command several times; print the fastest and median wall
 * time and the peak RSS. Benchmarks use it instead of `time` because these
 * machines are shared: the fastest of several runs is the figure least
 * disturbed by other work.
 *
 *   fk-timeit [-n RUNS] [-o OUTFILE] -- CMD [ARGS...]
 *
 * Prints: "runs N  min S  median S  cpu S  maxrss KB": wall-clock seconds
 * (fastest, median), the fastest user+system CPU seconds, and the largest
 * peak RSS. With -o, the command's stdout goes to OUTFILE (default
 * /dev/null).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int runs = 5, i = 1;
    const char *out = "/dev/null";
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
    }
    if (i + 1 >= argc || runs < 1 || runs > 1000) {
        fprintf(stderr, "usage: fk-timeit [-n RUNS] [-o OUTFILE] -- CMD [ARGS...]\n");
        return 2;
    }
    char **cmd = argv + i + 1;
    double *t = calloc((size_t)runs, sizeof *t);
    double cpu_min = 1e300;
    long maxrss = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        pid_t pid = fork();
        if (pid == 0) {
            int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                dup2(fd, 1);
                close(fd);
            }
            execvp(cmd[0], cmd);
            perror(cmd[0]);
            _exit(127);
        }
        int status;
        struct rusage ru;
        if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
            perror("fork/wait");
            return 1;
        }
        t[r] = now() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "fk-timeit: command failed (status %d)\n", status);
            return 1;
        }
        if (ru.ru_maxrss > maxrss)
            maxrss = ru.ru_maxrss;
        double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
                     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
        if (cpu < cpu_min)
            cpu_min = cpu;
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    printf("runs %d  min %.4f  median %.4f  cpu %.4f  maxrss %ld\n", runs, t[0], t[runs / 2],
           cpu_min, maxrss);
    free(t);
    return 0;
}
