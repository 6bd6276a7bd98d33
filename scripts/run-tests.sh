#!/usr/bin/env bash
# The whole suite, twice: in the release build, then in an ASan+UBSan build
# (clang, every arena allocation a real malloc); then the profiler's tests
# (label prof) once more in a ThreadSanitizer build. Ends with one line that
# sums the runs: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
werror=${WERROR:-ON}
total_pass=0
total_fail=0
total_skip=0
status=0

run_suite() { # name build-dir [-L label] cmake-args...
  local name=$1 dir=$2 label=()
  shift 2
  if [ "${1:-}" = -L ]; then label=(-L "$2"); shift 2; fi
  echo "== $name build ($dir)"
  if ! cmake -S . -B "$dir" -DFK_WERROR="$werror" "$@" >/dev/null ||
     ! cmake --build "$dir" -j"$jobs" >"$dir.log" 2>&1; then
    cat "$dir.log" >&2
    echo "== $name build failed" >&2
    status=1
    return
  fi
  echo "== $name tests"
  local log
  log=$(mktemp)
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 600 "${label[@]}") 2>&1 | tee "$log"
  local summary pass fail
  summary=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$summary" ]; then
    status=1
    rm -f "$log"
    return
  fi
  fail=$(echo "$summary" | sed -E 's/.* ([0-9]+) tests failed out of ([0-9]+).*/\1/')
  local all
  all=$(echo "$summary" | sed -E 's/.* out of ([0-9]+).*/\1/')
  local skip
  skip=$(grep -cE '\(Skipped\)$' "$log" || true)
  pass=$((all - fail - skip))
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  total_skip=$((total_skip + skip))
  [ "$fail" -eq 0 ] || status=1
  rm -f "$log"
}

mkdir -p build
run_suite release build -DCMAKE_BUILD_TYPE=Release
CC=clang run_suite "asan+ubsan" build-asan -DCMAKE_BUILD_TYPE=Debug -DFK_SANITIZE=ON
CC=clang run_suite "tsan (prof)" build-tsan -L prof -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFK_TSAN=ON

echo
echo "release, asan+ubsan and tsan (prof) suites together:"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
exit $status
