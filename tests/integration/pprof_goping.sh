#!/usr/bin/env bash
# pprof_goping.sh - flamekit reads what a real Go net/http/pprof server
# serves: builds tests/peers/go-ping (standard library only), starts it on
# 127.0.0.1 with a bounded lifetime, fetches its CPU, heap, allocs,
# goroutine, block, mutex and threadcreate profiles, and checks that
# `flamekit top` prints exactly what `go tool pprof -top` prints for each,
# and that `flamekit collapse` folds every sample `go tool pprof -raw` lists.
# The server is stopped by the PID this script started.
set -euo pipefail
: "${FK_BIN:?}" "${FK_SOURCE_DIR:?}" "${FK_BUILD_DIR:?}"
command -v go >/dev/null || { echo "go is missing: run scripts/install-deps.sh" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing" >&2; exit 1; }
export GOCACHE="$FK_BUILD_DIR/go/cache" GOPATH="$FK_BUILD_DIR/go/path" GOPROXY=off
export GOFLAGS=-mod=mod GO111MODULE=on TZ=UTC HOME="${HOME:-$FK_BUILD_DIR/go}"
tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

bin=$FK_BUILD_DIR/go-ping
(cd "$FK_SOURCE_DIR/tests/peers/go-ping" && timeout 300 go build -o "$bin" .)

"$bin" -addr 127.0.0.1:0 -lifetime 60s >"$tmp/out" 2>"$tmp/err" &
pid=$!
addr=
for _ in $(seq 100); do
  addr=$(sed -n 's/^listening on //p' "$tmp/out")
  [ -n "$addr" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$addr" ] || { echo "go-ping did not start" >&2; exit 1; }
case $addr in 127.0.0.1:*) ;; *) echo "go-ping bound $addr, not loopback" >&2; exit 1 ;; esac

base=http://$addr/debug/pprof
fetch() { curl -sf --max-time 30 -o "$tmp/$1.pb.gz" "$base/$2"; }
for i in $(seq 20); do curl -sf --max-time 5 "http://$addr/ping" >/dev/null; done
fetch cpu 'profile?seconds=2'
for kind in heap allocs goroutine block mutex threadcreate; do fetch "$kind" "$kind"; done

fail=0
for kind in cpu heap allocs goroutine block mutex threadcreate; do
  pb=$tmp/$kind.pb.gz
  timeout 120 go tool pprof -top "$pb" >"$tmp/want" 2>"$tmp/want.err"
  "$FK_BIN" top "$pb" >"$tmp/got" || { echo "FAIL $kind: flamekit top failed" >&2; fail=1; }
  if ! cmp -s "$tmp/want" "$tmp/got"; then
    echo "FAIL $kind: flamekit top differs from go tool pprof -top" >&2
    diff "$tmp/want" "$tmp/got" | head -10 >&2
    fail=1
  fi
  # every sample with a stack is folded: the sample totals agree with -raw
  # (column 0 of the samples -raw lists; collapse drops samples whose value
  # in that column is 0, which add nothing)
  want=$(timeout 120 go tool pprof -raw "$pb" 2>/dev/null |
    awk '/^Samples:/ { s = 1; getline; next } /^Locations/ { s = 0 }
         s && /:/ { split($0, a, ":"); split(a[1], v, " "); t += v[1] } END { print t + 0 }')
  got=$("$FK_BIN" collapse -q --sample-index=0 "$pb" | awk '{ t += $NF } END { print t + 0 }')
  if [ "$want" != "$got" ]; then
    echo "FAIL $kind: collapse total $got, go tool pprof -raw total $want" >&2
    fail=1
  fi
  echo "$kind: $(sed -n 's/^Showing nodes accounting for //p' "$tmp/got"), sample total $got"
done
exit $fail
