# lib.sh - helpers for the profiler's integration tests (sourced).
#
# Every program is started in the background with a bounded lifetime and
# remembered by PID; cleanup kills only those PIDs. Servers bind 127.0.0.1.
set -euo pipefail
: "${FK_BIN:?}" "${FK_BUILD_DIR:?}" "${FK_PROF_LIB:?}" "${FK_PROF_BIN:?}"
export GOCACHE="$FK_BUILD_DIR/go/cache" GOPATH="$FK_BUILD_DIR/go/path" GOPROXY=off
export GOFLAGS=-mod=mod GO111MODULE=on TZ=UTC HOME="${HOME:-$FK_BUILD_DIR/go}"
tmp=$(mktemp -d)
export PPROF_TMPDIR=$tmp/pprof
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fail=0

# start NAME CMD... : run in the background, output in $tmp/NAME.{out,err};
# sets $port from "listening on 127.0.0.1:PORT" (stdout) or the LD_PRELOAD
# notice "(port PORT)" (stderr).
start() {
  local name=$1
  shift
  # made here: the background job opens them only once it runs, and sed
  # below must not find them missing (set -e would end the test)
  : >"$tmp/$name.out"
  : >"$tmp/$name.err"
  "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=($!)
  pid=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's/^listening on 127\.0\.0\.1://p' "$tmp/$name.out")
    [ -n "$port" ] || port=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$tmp/$name.err")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/$name.err" >&2; echo "$name died" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { echo "$name did not start serving" >&2; exit 1; }
}

# the NAME's flat% (column 2) or cum% (column 5) in a -top report
share_of() { # file name column
  awk -v n="$2" -v c="$3" '{ name = $0; sub(/^ */, "", name)
    for (i = 0; i < 5; i++) sub(/^[^ ]+ +/, "", name)
    sub(/ \(inline\)$/, "", name)
    if (name == n) { v = $c; sub(/%/, "", v); print v; exit } }' "$1"
}

# check_shares TOP TRUTH COLUMN: every name of TRUTH has, among those names,
# the share of the report within 5 points of its share of the truth.
check_shares() {
  local top=$1 truth=$2 col=$3 ok=0 total_p=0 total_t=0 name ns p
  declare -A P T
  while IFS=$'\t' read -r name ns; do
    p=$(share_of "$top" "$name" "$col")
    [ -n "$p" ] || { echo "  $name missing from the report" >&2; return 1; }
    P[$name]=$p
    T[$name]=$ns
    total_p=$(echo "$total_p + $p" | bc -l)
    total_t=$(echo "$total_t + $ns" | bc -l)
  done <"$truth"
  for name in "${!P[@]}"; do
    local sp st
    sp=$(echo "100 * ${P[$name]} / $total_p" | bc -l)
    st=$(echo "100 * ${T[$name]} / $total_t" | bc -l)
    printf '  %-24s profile %5.1f%%  truth %5.1f%%\n' "$name" "$sp" "$st"
    if [ "$(echo "d = $sp - $st; if (d < 0) d = -d; d > 5" | bc -l)" = 1 ]; then ok=1; fi
  done
  return $ok
}

pprof_top() { timeout 120 go tool pprof "$@"; }
