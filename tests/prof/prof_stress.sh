#!/usr/bin/env bash
# prof_stress.sh - the profiler under stress: 64 threads at a time starting
# and exiting, dlopen/dlclose in a loop, fork with and without exec, while
# CPU profiles (hz=1000) and thread snapshots are taken back to back. No
# crash, no deadlock (every request is bounded), no lost endpoint, and the
# program exits 0 on its own.
. "$(dirname "$0")/lib.sh"

# Under ThreadSanitizer too: its runtime used to deadlock here, on a SIGPROF
# that landed in pthread_join while TSan freed the dead thread's memory
# (src/prof/tsan_join.c); the TSan build of the library now blocks SIGPROF
# around pthread_join. The stress program is started with a bounded life
# and must exit by itself once told to; if it does not, the threads'
# stacks are printed (gdb) before it is killed.
start stress "$FK_PROF_BIN/prof_stress_linked" -addr 127.0.0.1:0 -t 150 -stop "$tmp/stop"
base=http://127.0.0.1:$port/debug/pprof
n=0
for i in 1 2 3; do
  curl -sf --max-time 30 -o "$tmp/p$i.pb.gz" "$base/profile?seconds=2&hz=1000" &
  c1=$!
  for k in 1 2 3 4; do
    curl -sf --max-time 30 -o "$tmp/t$i$k.pb.gz" "$base/threads" || { echo "FAIL threads $i/$k" >&2; fail=1; }
    sleep 0.2
  done
  wait $c1 || { echo "FAIL profile $i" >&2; fail=1; }
  pprof_top -top "$tmp/p$i.pb.gz" >"$tmp/top" 2>"$tmp/top.err" || fail=1
  [ -s "$tmp/top.err" ] && { echo "FAIL profile $i: pprof complained" >&2; cat "$tmp/top.err" >&2; fail=1; }
  grep -q ' burn$' "$tmp/top" || { echo "FAIL profile $i: burn missing" >&2; head -20 "$tmp/top" >&2; fail=1; }
  n=$((n + 1))
done
touch "$tmp/stop"
for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  echo "FAIL: stress did not exit within 60 s of being told to (deadlock?)" >&2
  command -v gdb >/dev/null &&
    timeout 60 gdb -p "$pid" -batch -ex 'thread apply all bt 30' 2>/dev/null | grep -E '^(Thread|#)' >&2
  kill -9 "$pid" 2>/dev/null || true
  fail=1
fi
st=0
wait "$pid" || st=$?
[ $st = 0 ] || { echo "FAIL: stress exited $st" >&2; cat "$tmp/stress.err" >&2; fail=1; }
cat "$tmp/stress.out"
exit $fail
