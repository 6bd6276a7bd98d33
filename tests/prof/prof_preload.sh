#!/usr/bin/env bash
# prof_preload.sh - LD_PRELOAD=libflamekit-prof.so FLAMEKIT_CPUPROFILE=FILE
# profiles an unmodified program to a file written at exit, as gperftools'
# CPUPROFILE does; children it forks (every 200 ms here) write nothing;
# "%p" in the name is the process id; a foreign SIGPROF handler is refused
# without harm to the program.
. "$(dirname "$0")/lib.sh"

out=$tmp/cpu-%p.pb.gz
# (the program ends by itself after 2 s; ctest's timeout bounds the rest)
env LD_PRELOAD="$FK_PROF_LIB" FLAMEKIT_CPUPROFILE="$out" FLAMEKIT_CPUPROFILE_HZ=250 \
  "$FK_PROF_BIN/prof_shares" -t 2 -fork -truth "$tmp/truth" >"$tmp/out" 2>"$tmp/err" &
p=$!
pids+=($p)
wait $p || { echo "FAIL: the program failed" >&2; cat "$tmp/err" >&2; exit 1; }
files=$(ls "$tmp"/cpu-*.pb.gz 2>/dev/null | wc -l)
[ "$files" = 1 ] || { echo "FAIL: $files profiles written, want 1 (forked children write none)" >&2; ls "$tmp" >&2; fail=1; }
pb=$tmp/cpu-$p.pb.gz
[ -f "$pb" ] || { echo "FAIL: no $pb" >&2; exit 1; }
pprof_top -top "$pb" >"$tmp/top" 2>"$tmp/top.err"
[ -s "$tmp/top.err" ] && { echo "FAIL: go tool pprof complained:" >&2; cat "$tmp/top.err" >&2; fail=1; }
sed -n 1,12p "$tmp/top"
grep -q ' spin_alpha$' "$tmp/top" || { echo "FAIL: spin_alpha missing" >&2; fail=1; }
"$FK_BIN" top "$pb" | cmp -s - "$tmp/top" || { echo "FAIL: flamekit top differs" >&2; fail=1; }
[ -s "$tmp/err" ] && { echo "FAIL: the library printed:" >&2; cat "$tmp/err" >&2; fail=1; }

# a program with its own SIGPROF handler keeps it: the profiler declines
cat >"$tmp/own.c" <<'C'
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
static volatile int hits;
static void own(int s) { (void)s; hits++; }
int main(void) {
    signal(SIGPROF, own);
    struct itimerval it = {{0, 10000}, {0, 10000}};
    setitimer(ITIMER_PROF, &it, NULL);
    while (hits < 300) {}
    printf("listening on 127.0.0.1:0\nown handler ran %d times\n", hits);
    return 0;
}
C
# (a plain program cannot load a sanitizer build of the library: skip there)
if command -v cc >/dev/null && [ -z "${FK_PROF_ASAN:-}${FK_PROF_TSAN:-}" ]; then
  cc -O1 -o "$tmp/own" "$tmp/own.c"
  start own env LD_PRELOAD="$FK_PROF_LIB" FLAMEKIT_PPROF_ADDR=127.0.0.1:0 "$tmp/own"
  code=$(curl -s --max-time 30 -o "$tmp/b" -w '%{http_code}' \
    "http://127.0.0.1:$port/debug/pprof/profile?seconds=1")
  [ "$code" = 500 ] && grep -q '^Could not enable CPU profiling: .*own SIGPROF handler' "$tmp/b" ||
    { echo "FAIL: a foreign SIGPROF handler was not refused ($code)" >&2; cat "$tmp/b" >&2; fail=1; }
  wait "$pid" || { echo "FAIL: own-handler program failed" >&2; fail=1; }
  grep -q 'own handler ran 300 times' "$tmp/own.out" || { echo "FAIL: own handler" >&2; fail=1; }
fi
exit $fail
