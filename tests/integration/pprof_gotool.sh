#!/usr/bin/env bash
# pprof_gotool.sh - the reference client reads what flamekit writes.
#
# Every corpus profile is decoded and re-encoded by flamekit's writer (the
# unit test binary's --emit mode), then `go tool pprof -raw` and `-top` must
# print exactly what they print for the original, with nothing on stderr.
# A model profile (folded stacks) written as pprof must parse cleanly and
# keep its totals, and `flamekit top` must agree with `go tool pprof -top`
# on flamekit's own output.
set -euo pipefail
: "${FK_BIN:?}" "${FK_CORPUS:?}" "${FK_BUILD_DIR:?}"
command -v go >/dev/null || { echo "go is missing: run scripts/install-deps.sh" >&2; exit 1; }
export GOCACHE="$FK_BUILD_DIR/go/cache" GOPATH="$FK_BUILD_DIR/go/path" GOPROXY=off
export GOFLAGS=-mod=mod GO111MODULE=on TZ=UTC HOME="${HOME:-$FK_BUILD_DIR/go}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$FK_BUILD_DIR/tests/unit/test_pprof" --emit "$tmp"

fail=0
pprof() { timeout 120 go tool pprof "$@"; }
for run in go-unbuffered go-buffered; do
  for kind in cpu heap allocs goroutine block mutex threadcreate; do
    orig=$FK_CORPUS/pprof/$run/$kind.pb.gz
    ours=$tmp/$run-$kind.pb.gz
    for mode in -raw -top; do
      pprof $mode "$orig" >"$tmp/want" 2>"$tmp/want.err"
      pprof $mode "$ours" >"$tmp/got" 2>"$tmp/got.err"
      if [ -s "$tmp/got.err" ]; then
        echo "FAIL $run/$kind $mode: go tool pprof complained:" >&2
        cat "$tmp/got.err" >&2
        fail=1
      fi
      if ! cmp -s "$tmp/want" "$tmp/got"; then
        echo "FAIL $run/$kind $mode: output differs from the original's" >&2
        diff "$tmp/want" "$tmp/got" | head -10 >&2
        fail=1
      fi
    done
    # flamekit top on flamekit's output = go tool pprof -top on it
    "$FK_BIN" top "$ours" >"$tmp/fk"
    if ! cmp -s "$tmp/got" "$tmp/fk"; then
      echo "FAIL $run/$kind: flamekit top differs from go tool pprof -top" >&2
      diff "$tmp/got" "$tmp/fk" | head -10 >&2
      fail=1
    fi
  done
done

# folded stacks -> pprof: clean parse, same total, same stacks back
folded=$FK_CORPUS/pprof/go-unbuffered/cpu.folded-inline.txt
pb=$tmp/from-folded.pb.gz
want_total=$(awk '{ s += $NF } END { print s }' "$folded")
pprof -top "$pb" >"$tmp/top" 2>"$tmp/top.err"
if [ -s "$tmp/top.err" ]; then
  echo "FAIL from-folded: go tool pprof complained:" >&2; cat "$tmp/top.err" >&2; fail=1
fi
if ! grep -q "of $want_total total\$" "$tmp/top"; then
  echo "FAIL from-folded: total is not $want_total:" >&2; head -5 "$tmp/top" >&2; fail=1
fi
pprof -raw "$pb" >/dev/null 2>"$tmp/raw.err"
[ -s "$tmp/raw.err" ] && { echo "FAIL from-folded -raw:" >&2; cat "$tmp/raw.err" >&2; fail=1; }
"$FK_BIN" collapse -q "$pb" >"$tmp/back"
cmp -s "$tmp/back" "$folded" || { echo "FAIL from-folded: collapse differs" >&2; fail=1; }
"$FK_BIN" top "$pb" | cmp -s - "$tmp/top" || { echo "FAIL from-folded: top differs" >&2; fail=1; }
exit $fail
