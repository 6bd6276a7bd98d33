#!/usr/bin/env bash
# prof_torch.sh - `flamekit torch` against flamekit's own profiler endpoint
# (issue 6 asks for both real servers: the Go one is in torch_goping.sh).
# The linked test program serves /debug/pprof/; torch records 2 s of CPU
# and must show the program's hot functions under their worker threads, as
# folded stacks (--raw) and in the SVG, and draw the thread snapshot too.
. "$(dirname "$0")/lib.sh"

start shares "$FK_PROF_BIN/prof_shares_linked" -addr 127.0.0.1:0 -t 60 -truth "$tmp/truth"
url=http://127.0.0.1:$port

"$FK_BIN" torch -q -u "$url" -t 2 -r -f "$tmp/cpu.folded" || { echo "FAIL torch --raw" >&2; exit 1; }
[ -s "$tmp/cpu.folded" ] || { echo "FAIL: no stacks" >&2; fail=1; }
# TSan delivers signals at its own safe points and its builds have no
# pthread_create wrapper (see prof_shares.sh): there only a clean run counts.
if [ -z "${FK_PROF_TSAN:-}" ]; then
  for f in spin_alpha spin_beta spin_gamma; do
    grep -q ";$f " "$tmp/cpu.folded" || { echo "FAIL: no stack ends in $f" >&2; fail=1; }
  done
  grep -q "worker_main;.*spin_alpha " "$tmp/cpu.folded" ||
    { echo "FAIL: spin_alpha not under worker_main" >&2; head -5 "$tmp/cpu.folded" >&2; fail=1; }
fi

"$FK_BIN" torch -q -u "$url/debug/pprof" -t=2 -f "$tmp/cpu.svg" || { echo "FAIL torch svg" >&2; exit 1; }
[ -n "${FK_PROF_TSAN:-}" ] || grep -q '<title>spin_alpha (' "$tmp/cpu.svg" ||
  { echo "FAIL: spin_alpha not in the SVG" >&2; fail=1; }

"$FK_BIN" torch -q -u "$url" --profile threads -r -f "$tmp/threads.folded" ||
  { echo "FAIL torch --profile threads" >&2; exit 1; }
[ "$(awk '{ s += $NF } END { print s + 0 }' "$tmp/threads.folded")" -ge 2 ] ||
  { echo "FAIL: the thread snapshot has fewer than 2 threads" >&2; cat "$tmp/threads.folded" >&2; fail=1; }

[ $fail = 0 ] && echo "torch read flamekit's own endpoint: $(wc -l <"$tmp/cpu.folded") stacks"
exit $fail
