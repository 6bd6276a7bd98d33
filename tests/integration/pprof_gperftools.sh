#!/usr/bin/env bash
# pprof_gperftools.sh - a real gperftools CPU profile: build a small C
# program against libprofiler (libgoogle-perftools-dev), run it with
# CPUPROFILE=, and check that flamekit reads the legacy binary profile,
# symbolizes the program's functions from its ELF symbol table, keeps every
# sample (the total equals the interrupts gperftools reports), and weights
# the cpu column by the sampling period.
set -euo pipefail
: "${FK_BIN:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/busy.c" <<'C'
#include <stdio.h>
volatile unsigned long sink;
__attribute__((noinline)) void spin_inner(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        sink += i * i;
}
__attribute__((noinline)) void spin_outer(int k)
{
    for (int j = 0; j < k; j++)
        spin_inner(3000000);
}
__attribute__((noinline)) void other(void)
{
    spin_inner(12000000);
}
int main(void)
{
    for (int r = 0; r < 30; r++) {
        spin_outer(4);
        other();
    }
    printf("%lu\n", sink);
    return 0;
}
C
gcc -O1 -fno-omit-frame-pointer -o "$tmp/busy" "$tmp/busy.c" -Wl,--no-as-needed -lprofiler
CPUPROFILE="$tmp/busy.prof" CPUPROFILE_FREQUENCY=250 timeout 60 "$tmp/busy" >/dev/null 2>"$tmp/err"
interrupts=$(sed -n 's|^PROFILE: interrupts/evictions/bytes = \([0-9]*\)/.*|\1|p' "$tmp/err")
[ -n "$interrupts" ] || { echo "no PROFILE line from gperftools:" >&2; cat "$tmp/err" >&2; exit 1; }

fail=0
"$FK_BIN" collapse --sample-index=samples "$tmp/busy.prof" >"$tmp/folded"
cat "$tmp/folded"
grep -q ';main;other;spin_inner [0-9]*$' "$tmp/folded" || { echo "FAIL: no main;other;spin_inner" >&2; fail=1; }
grep -q ';main;spin_outer;spin_inner [0-9]*$' "$tmp/folded" ||
  { echo "FAIL: no main;spin_outer;spin_inner" >&2; fail=1; }
total=$(awk '{ t += $NF } END { print t + 0 }' "$tmp/folded")
[ "$total" = "$interrupts" ] || { echo "FAIL: $total samples, gperftools took $interrupts" >&2; fail=1; }
# default column: cpu nanoseconds = samples x 4ms period
cpu=$("$FK_BIN" collapse -f gperftools "$tmp/busy.prof" | awk '{ t += $NF } END { print t + 0 }')
[ "$cpu" = "$((interrupts * 4000000))" ] || { echo "FAIL: cpu total $cpu" >&2; fail=1; }
# truncated: a clear error
head -c 100 "$tmp/busy.prof" >"$tmp/cut.prof"
if "$FK_BIN" collapse "$tmp/cut.prof" 2>"$tmp/cut.err" >/dev/null; then
  echo "FAIL: truncated profile accepted" >&2; fail=1
fi
grep -qE "truncated CPU profile|runs past the end" "$tmp/cut.err" || { cat "$tmp/cut.err" >&2; fail=1; }
exit $fail
