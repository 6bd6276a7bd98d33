#!/usr/bin/env bash
# torch_errors.sh - every failure a user of `flamekit torch` meets gets one
# line on stderr naming the URL and the cause, exit status 1, and no file
# left behind: connection refused, DNS failure, timeout, HTTP 400 (Go's
# WriteTimeout refusal), 404, 500, an HTML page, an empty body, a profile
# with no samples, an output path that cannot be written; and Ctrl-C while
# recording writes nothing. All servers are tests/peers/go-ping on
# 127.0.0.1; the DNS case runs in a network namespace of its own (no
# route anywhere), so no lookup leaves the machine.
set -euo pipefail
. "$(dirname "$0")/torch_common.sh"
build_goping go-ping-torch-errors
# Idle, with a 1 s WriteTimeout: Go refuses CPU profiles of 1 s or more.
start_goping C -idle -write-timeout 1s
mkdir "$tmp/work" && cd "$tmp/work"

# expect_error WANT ARGS...: torch fails with status 1, one stderr line that
# contains WANT, and writes no file.
expect_error() {
  local want=$1 rc=0
  shift
  "$FK_BIN" torch "$@" >out.txt 2>err.txt || rc=$?
  [ "$rc" -eq 1 ] || bad "torch $*: exit status $rc, want 1"
  [ "$(wc -l <err.txt)" -eq 1 ] || bad "torch $*: $(wc -l <err.txt) lines on stderr: $(cat err.txt)"
  grep -qF -- "$want" err.txt || bad "torch $*: stderr lacks '$want': $(cat err.txt)"
  [ ! -s out.txt ] || bad "torch $*: wrote to stdout"
  rm -f out.txt err.txt
  [ -z "$(ls -A)" ] || bad "torch $*: left files: $(ls -A)"
  echo "ok: $want"
}

expect_error "http://127.0.0.1:1/debug/pprof/profile?seconds=1: connection refused" \
  -u http://127.0.0.1:1/debug/pprof -t=1
expect_error "http://$C/debug/pprof/profile?seconds=2: HTTP 400 Bad Request: profile duration exceeds server's WriteTimeout" \
  -u "http://$C/debug/pprof" -t=2
expect_error "http://$C/debug/pprof/nosuch: HTTP 404 Not Found: Unknown profile" \
  -u "http://$C" --suffix /debug/pprof/nosuch
expect_error "http://$C/fault/500: HTTP 500 Internal Server Error: profiling backend exploded" \
  -u "http://$C" --suffix /fault/500
expect_error "http://$C/debug/pprof/: the server sent an HTML page (text/html; charset=utf-8), not a profile" \
  -u "http://$C" --suffix /debug/pprof/
expect_error "http://$C/fault/empty: the server sent an empty body, not a profile" \
  -u "http://$C" --suffix /fault/empty
expect_error "http://$C/debug/pprof/cmdline: the server sent text, not a profile" \
  --profile "http://$C/debug/pprof/cmdline"
expect_error "http://$C/fault/hang: timed out after 1 s with no response" \
  -u "http://$C" --suffix /fault/hang --timeout 1
expect_error "http://$C/debug/pprof/block: the profile has no samples" \
  -u "http://$C" --profile block -r
expect_error "/nonexistent-dir/torch.svg: cannot create output file" \
  -u "http://$C" -f /nonexistent-dir/torch.svg
# Several failures: one line each.
rc=0
"$FK_BIN" torch -u http://127.0.0.1:1 -u "http://$C" --suffix /fault/500 2>err.txt || rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <err.txt)" -eq 2 ] || bad "two failing hosts: $rc, $(cat err.txt)"
rm -f err.txt

# DNS failure, in a network namespace where nothing is reachable.
if unshare -n true 2>/dev/null; then
  rc=0
  unshare -n "$FK_BIN" torch -u http://nonexistent.invalid:8080/debug/pprof -t=1 2>err.txt || rc=$?
  [ $rc -eq 1 ] || bad "DNS failure: exit status $rc"
  grep -qF "http://nonexistent.invalid:8080/debug/pprof/profile?seconds=1: cannot resolve host name 'nonexistent.invalid' (DNS failure)" err.txt ||
    bad "DNS failure message: $(cat err.txt)"
  rm -f err.txt
  echo "ok: DNS failure"
else
  echo "note: unshare -n is not permitted here; DNS failure case skipped"
fi

# Ctrl-C while recording: status of SIGINT, a message, nothing written.
"$FK_BIN" torch -u "http://127.0.0.1:${C#*:}" --suffix /fault/hang -f out.svg 2>err.txt &
tp=$!
pids+=("$tp")
sleep 1
kill -INT "$tp"
rc=0
wait "$tp" || rc=$?
[ $rc -eq 130 ] || bad "Ctrl-C: exit status $rc, want 130"
grep -q 'interrupted; nothing written' err.txt || bad "Ctrl-C message: $(cat err.txt)"
rm -f err.txt
[ -z "$(ls -A)" ] || bad "Ctrl-C left files: $(ls -A)"
echo "ok: Ctrl-C"

# --load / --rate are reserved for the load generator.
rc=0
"$FK_BIN" torch --load 'GET http://127.0.0.1:1/ping' --rate 250 2>err.txt || rc=$?
[ $rc -eq 2 ] && grep -q 'not available yet' err.txt || bad "--load: $rc $(cat err.txt)"
rm -f err.txt

# top URL reports fetch errors the same way.
rc=0
"$FK_BIN" top "http://$C/fault/500" 2>err.txt || rc=$?
[ $rc -eq 1 ] && grep -qF "http://$C/fault/500: HTTP 500" err.txt || bad "top URL error: $(cat err.txt)"
rm -f err.txt

exit $fail
