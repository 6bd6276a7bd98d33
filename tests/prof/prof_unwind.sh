#!/usr/bin/env bash
# prof_unwind.sh - the libunwind unwinder on code without frame pointers.
# nofp (built -O2 -fomit-frame-pointer) runs its hot functions under a
# distinctive chain of callers; profiled through the endpoint with
# `go tool pprof -top -cum` and `flamekit top --cum`:
#   - LD_PRELOAD with FLAMEKIT_UNWIND=libunwind, and linked with
#     fk_prof_serve_options.prof.unwind = FK_PROF_UNWIND_LIBUNWIND: every
#     caller of the chain is in the report, and the hot functions' shares
#     are within 5 points of the program's own measurements;
#   - FLAMEKIT_UNWIND=fp on the same program, as evidence of what frame
#     pointers give there (printed, not asserted: the chain is lost).
# Exits 77 (skipped) when the library has no libunwind support here.
. "$(dirname "$0")/lib.sh"

chain=(nofp_hot_red nofp_hot_blue nofp_dispatch nofp_route nofp_worker)

# profile NAME HZ: one 2-second profile of the program on $port, checked
# against the truth file $tmp/NAME.truth; 0 when within 5 points.
profile() {
  local name=$1 pb=$tmp/$1.pb.gz
  rm -rf "$PPROF_TMPDIR"
  pprof_top -top -cum "http://127.0.0.1:$port/debug/pprof/profile?seconds=2&hz=1000" \
    >"$tmp/top" 2>"$tmp/top.err" || { cat "$tmp/top.err" >&2; return 2; }
  mv "$PPROF_TMPDIR"/*.pb.gz "$pb"
  if grep -v -e '^Fetching profile over HTTP from ' -e '^Saved profile in ' "$tmp/top.err"; then
    echo "FAIL $name: go tool pprof complained (above)" >&2; fail=1
  fi
  "$FK_BIN" top --cum "$pb" >"$tmp/fktop"
  if ! cmp -s "$tmp/top" "$tmp/fktop"; then
    echo "FAIL $name: flamekit top differs from go tool pprof -top" >&2
    diff "$tmp/top" "$tmp/fktop" | head >&2; fail=1
  fi
}

# Whether this library can unwind with libunwind at all.
start probe env LD_PRELOAD="$FK_PROF_LIB" FLAMEKIT_PPROF_ADDR=127.0.0.1:0 \
  FLAMEKIT_UNWIND=libunwind "$FK_PROF_BIN/prof_nofp" -t 20
code=$(curl -s -o "$tmp/probe.body" -w '%{http_code}' --max-time 30 \
  "http://127.0.0.1:$port/debug/pprof/profile?seconds=1")
kill "$pid"
if [ "$code" = 500 ] && grep -q -e 'without libunwind support' -e 'cannot load libunwind' \
  "$tmp/probe.body"; then
  echo "skipped: $(cat "$tmp/probe.body")"
  exit 77
fi
[ "$code" = 200 ] || { echo "FAIL: probe profile got $code: $(cat "$tmp/probe.body")" >&2; exit 1; }

# libunwind_case NAME: the chain is present and the shares are right (up to
# three profiles, as prof_shares.sh does: the sampling noise is the same).
libunwind_case() {
  local name=$1 try got=1
  for try in 1 2 3; do
    profile "$name" || { fail=1; break; }
    echo "$name, try $try: $(sed -n 's/^Duration: //p' "$tmp/top")"
    local missing=0 n
    for n in "${chain[@]}"; do
      grep -q " $n\$" "$tmp/top" || { echo "  $n is not in the report" >&2; missing=1; }
    done
    # TSan runs a deferred handler on a context whose stack has moved on:
    # only a clean run counts there.
    if [ -n "${FK_PROF_TSAN:-}" ]; then got=0; break; fi
    if [ $missing = 1 ]; then sed -n 1,20p "$tmp/top" >&2; continue; fi
    # sorted by cum, but the flat column (2) is what the truth measures
    if check_shares "$tmp/top" "$tmp/$name.truth" 2; then got=0; break; fi
  done
  [ $got = 0 ] || { echo "FAIL $name: callers missing or shares off by more than 5 points in 3 tries" >&2; fail=1; }
}

start preload env LD_PRELOAD="$FK_PROF_LIB" FLAMEKIT_PPROF_ADDR=127.0.0.1:0 \
  FLAMEKIT_UNWIND=libunwind "$FK_PROF_BIN/prof_nofp" -t 60 -truth "$tmp/preload.truth"
libunwind_case preload
kill "$pid"

start linked "$FK_PROF_BIN/prof_nofp_linked" -addr 127.0.0.1:0 -unwind libunwind -t 60 \
  -truth "$tmp/linked.truth"
libunwind_case linked
kill "$pid"

# The evidence: frame pointers on the same program.
start fp env LD_PRELOAD="$FK_PROF_LIB" FLAMEKIT_PPROF_ADDR=127.0.0.1:0 FLAMEKIT_UNWIND=fp \
  "$FK_PROF_BIN/prof_nofp" -t 60 -truth "$tmp/fp.truth"
if profile fp; then
  echo "fp on the same program (not asserted):"
  for n in "${chain[@]}"; do
    if grep -q " $n\$" "$tmp/top"; then echo "  $n: present"; else echo "  $n: missing"; fi
  done
  sed -n '/flat%/,$p' "$tmp/top" | head -8
fi
kill "$pid"
exit $fail
