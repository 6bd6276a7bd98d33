#!/usr/bin/env bash
# prof_endpoint.sh - the endpoint answers as Go's net/http/pprof does: the
# index, cmdline, symbol (GET and POST), threads, and the errors (unknown
# profile 404, bad seconds 400, seconds beyond the write timeout 400, a
# second concurrent profile 500, all with X-Go-Pprof: 1 and Go's texts); a
# client that goes away stops its profile; a bearer token guards everything.
. "$(dirname "$0")/lib.sh"

expect() { # what status header-regex body-regex curl-args...
  local what=$1 status=$2 hdr=$3 body=$4
  shift 4
  local got
  got=$(curl -s --max-time 30 -D "$tmp/h" -o "$tmp/b" -w '%{http_code}' "$@") || true
  if [ "$got" != "$status" ]; then
    echo "FAIL $what: status $got, want $status" >&2; fail=1; return
  fi
  if [ -n "$hdr" ] && ! tr -d '\r' <"$tmp/h" | grep -qi -- "$hdr"; then
    echo "FAIL $what: no header $hdr" >&2; cat "$tmp/h" >&2; fail=1
  fi
  if [ -n "$body" ] && ! grep -qa -- "$body" "$tmp/b"; then
    echo "FAIL $what: body lacks $body" >&2; head -c 300 "$tmp/b" >&2; fail=1
  fi
  echo "ok $what"
}

start linked "$FK_PROF_BIN/prof_shares_linked" -addr 127.0.0.1:0 -t 60 -write-timeout 10
base=http://127.0.0.1:$port/debug/pprof
# go tool pprof's own texts for errors
goerr='^X-Go-Pprof: 1$'

expect index 200 '^Content-Type: text/html; charset=utf-8$' "<a href='profile?debug=1'>profile</a>" "$base/"
diff <(sed -n '1,/^Types of profiles/p' "$FK_CORPUS/pprof/go-unbuffered/index.html") \
     <(sed -n '1,/^Types of profiles/p' "$tmp/b") >&2 || { echo "FAIL index: head differs from Go's" >&2; fail=1; }
expect cmdline 200 '^X-Content-Type-Options: nosniff$' '' "$base/cmdline"
printf '%s\0%s\0%s\0%s\0%s\0%s\0%s' "$FK_PROF_BIN/prof_shares_linked" -addr 127.0.0.1:0 -t 60 \
  -write-timeout 10 | cmp -s - "$tmp/b" || { echo "FAIL cmdline: not argv joined by NUL" >&2; fail=1; }
expect unknown 404 "$goerr" '^Unknown profile$' "$base/heapz"
expect bad-seconds 400 "$goerr" 'invalid value for "seconds"' "$base/profile?seconds=abc"
expect zero-seconds 400 "$goerr" 'invalid value for "seconds"' "$base/profile?seconds=0"
expect write-timeout 400 "$goerr" "^profile duration exceeds server's WriteTimeout$" \
  "$base/profile?seconds=10"
expect bad-hz 400 "$goerr" 'invalid value for "hz"' "$base/profile?seconds=1&hz=5000"
expect not-pprof 404 '' '404 page not found' "http://127.0.0.1:$port/elsewhere"

# symbol: GET says whether symbols exist; POST names addresses
expect symbol-get 200 '^Content-Type: text/plain; charset=utf-8$' '^num_symbols: 1$' "$base/symbol"
addr=$(sed -n 's/^spin_alpha //p' "$tmp/linked.out")
expect symbol-post 200 '' "^$addr spin_alpha\$" --data-binary "$addr+0x1" "$base/symbol"
expect symbol-query 200 '' "^$addr spin_alpha\$" "$base/symbol?$addr"

# one CPU profile at a time
curl -s --max-time 30 -o "$tmp/first.pb.gz" "$base/profile?seconds=2" &
first=$!
sleep 0.7
expect busy 500 "$goerr" '^Could not enable CPU profiling: cpu profiling already in use$' \
  "$base/profile?seconds=1"
wait $first
gzip -t "$tmp/first.pb.gz" || { echo "FAIL first profile is not gzip" >&2; fail=1; }

# a client that leaves stops its profile: the next one starts at once
curl -s --max-time 1 -o /dev/null "$base/profile?seconds=20" || true
for _ in $(seq 50); do # the server notices within 100 ms; give it 10 s under load
  [ "$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' "$base/cmdline")" = 200 ] || break
  fk_prof_busy=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' "$base/profile?seconds=1")
  [ "$fk_prof_busy" = 500 ] || break
  sleep 0.2
done
expect after-disconnect 200 '^Content-Disposition: attachment; filename="profile"$' '' \
  "$base/profile?seconds=1"

# threads: one sample per thread (pprof) and the text form
expect threads 200 '^Content-Type: application/octet-stream$' '' "$base/threads"
timeout 120 go tool pprof -raw "$tmp/b" >"$tmp/raw" 2>"$tmp/raw.err" || { cat "$tmp/raw.err" >&2; fail=1; }
grep -q '^threads/count$' "$tmp/raw" || { echo "FAIL threads: not a threads profile" >&2; fail=1; }
expect threads-text 200 '^Content-Type: text/plain; charset=utf-8$' '^threads profile: total' \
  "$base/threads?debug=1"
# (TSan builds have leaf-only stacks for new threads: see preload.c)
[ -n "${FK_PROF_TSAN:-}" ] || grep -q 'worker_main' "$tmp/b" ||
  { echo "FAIL threads: no worker thread stack" >&2; fail=1; }
kill "$pid"

# a bearer token guards every path (LD_PRELOAD mode, from the environment)
start token env LD_PRELOAD="$FK_PROF_LIB" FLAMEKIT_PPROF_ADDR=127.0.0.1:0 \
  FLAMEKIT_PPROF_TOKEN=s3cret "$FK_PROF_BIN/prof_shares" -t 60
base=http://127.0.0.1:$port/debug/pprof
expect no-token 401 '^WWW-Authenticate: Bearer$' 'Unauthorized' "$base/"
expect bad-token 401 '' '' -H 'Authorization: Bearer wrong' "$base/cmdline"
expect token 200 '' '' -H 'Authorization: Bearer s3cret' "$base/cmdline"
exit $fail
