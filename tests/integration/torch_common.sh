# torch_common.sh - sourced by the torch_*.sh tests that need a live Go
# net/http/pprof server: builds tests/peers/go-ping (standard library only,
# GOPROXY=off, caches under the build dir) and starts instances on
# 127.0.0.1 with a bounded lifetime; cleanup kills exactly the PIDs started.
: "${FK_BIN:?}" "${FK_SOURCE_DIR:?}" "${FK_BUILD_DIR:?}"
command -v go >/dev/null || { echo "go is missing: run scripts/install-deps.sh" >&2; exit 1; }
export GOCACHE="$FK_BUILD_DIR/go/cache" GOPATH="$FK_BUILD_DIR/go/path" GOPROXY=off
export GOFLAGS=-mod=mod GO111MODULE=on TZ=UTC HOME="${HOME:-$FK_BUILD_DIR/go}"
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# build_goping NAME: build the server into $FK_BUILD_DIR/NAME (one binary per
# test script, so tests running in parallel do not race on the output).
build_goping() {
  gobin=$FK_BUILD_DIR/$1
  (cd "$FK_SOURCE_DIR/tests/peers/go-ping" && timeout 300 go build -o "$gobin" .)
}

# start_goping VAR ARGS...: start one server, set VAR to its HOST:PORT.
start_goping() {
  local var=$1 out=$tmp/goping.$RANDOM addr=
  shift
  "$gobin" -addr 127.0.0.1:0 -lifetime 120s "$@" >"$out" 2>"$out.err" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do
    addr=$(sed -n 's/^listening on //p' "$out")
    [ -n "$addr" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$out.err" >&2; exit 1; }
    sleep 0.1
  done
  case $addr in 127.0.0.1:*) ;; *) echo "go-ping did not start on loopback: '$addr'" >&2; exit 1 ;; esac
  printf -v "$var" '%s' "$addr"
}

fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
