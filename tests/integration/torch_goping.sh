#!/usr/bin/env bash
# torch_goping.sh - `flamekit torch` against real Go net/http/pprof servers
# (tests/peers/go-ping) on 127.0.0.1 under load: the article's command line
# with the tool name swapped, hot frames and a Go inlined chain kept,
# --raw equal to `flamekit collapse` of the same profile (fetched once, read
# back with -b), heap graphs in inuse_space, several hosts merged or
# labelled, and `flamekit top URL`.
set -euo pipefail
. "$(dirname "$0")/torch_common.sh"
build_goping go-ping-torch
# The article's "before": the handler's statsd Timing call is inlined by the
# compiler in this very build; make sure, or the chain test proves nothing.
(cd "$FK_SOURCE_DIR/tests/peers/go-ping" && timeout 300 go build -gcflags=-m -o /dev/null . 2>&1) |
  grep -q 'inlining call to (\*statsClient).Timing' || bad "(*statsClient).Timing is not inlined"

start_goping A -idle -selfload 4 # the /ping-stats handler under load, nothing else
start_goping B                   # its own busy work: main.work, allocations, locks
mkdir "$tmp/work" && cd "$tmp/work"

# 1. The article's command, verbatim but for the tool name and -t.
"$FK_BIN" torch -u "http://$A/debug/pprof" -p -t=3 >torch.svg 2>err.txt || bad "article command: $(cat err.txt)"
[ ! -s err.txt ] || bad "article command wrote to stderr: $(cat err.txt)"
head -c 200 torch.svg | grep -q '<svg' || bad "torch.svg is not an SVG"
tail -c 20 torch.svg | grep -q '</svg>' || bad "torch.svg is not complete"
if command -v xmllint >/dev/null; then xmllint --noout torch.svg || bad "torch.svg is not well-formed"; fi
for f in 'main.pingHandler.func1' 'main.(*statsClient).Timing' 'main.(*statsClient).send' 'net/http.(*conn).serve'; do
  grep -qF "<title>$f (" torch.svg || bad "torch.svg has no frame $f"
done
[ "$(ls -A | tr '\n' ' ')" = "err.txt torch.svg " ] || bad "stray files: $(ls -A)"

# 2. Default output file torch.svg, --raw keeps the inlined chain.
rm -f torch.svg
"$FK_BIN" torch -u "http://$A" -t=2 || bad "default output failed"
grep -q '</svg>' torch.svg || bad "no torch.svg written by default"
"$FK_BIN" torch --url="http://$A/debug/pprof" --seconds 2 --raw --sample-index=samples >live.txt
grep -qF 'main.pingHandler.func1;main.(*statsClient).Timing;main.(*statsClient).send' live.txt ||
  bad "--raw lost the inlined chain pingHandler.func1 -> (*statsClient).Timing"

# 3. --raw equals collapse of the same profile (fetched once with curl).
curl -sf --max-time 30 -o cpu.pb.gz "http://$B/debug/pprof/profile?seconds=2"
curl -sf --max-time 30 -o heap.pb.gz "http://$B/debug/pprof/heap"
"$FK_BIN" torch -b cpu.pb.gz -r >raw.txt
"$FK_BIN" collapse cpu.pb.gz >collapse.txt
cmp -s raw.txt collapse.txt || bad "torch -b -r differs from collapse (cpu)"
grep -q 'main.busy.func1;main.work' raw.txt || bad "no main.busy.func1;main.work in the CPU profile"
# heap: inuse_space by default, like pprof; the shorthand with one or two dashes
"$FK_BIN" torch -b heap.pb.gz --raw >raw.txt
"$FK_BIN" collapse --sample-index=inuse_space heap.pb.gz >collapse.txt
cmp -s raw.txt collapse.txt || bad "heap: torch does not draw inuse_space by default"
for flag in --alloc_space -alloc_space; do
  "$FK_BIN" torch -b heap.pb.gz -r "$flag" >raw.txt
  "$FK_BIN" collapse --sample-index=alloc_space heap.pb.gz >collapse.txt
  cmp -s raw.txt collapse.txt || bad "heap: $flag ignored"
done
"$FK_BIN" torch -u "http://$B" --profile heap -f heap.svg
grep -q ' bytes, ' heap.svg || bad "heap graph does not count bytes"
"$FK_BIN" torch -u "http://$B" --profile allocs -f allocs.svg
grep -qF '<title>main.allocate (' allocs.svg || bad "allocs graph lacks main.allocate"

# 4. Several hosts at once: merged, or one root frame per host.
"$FK_BIN" torch -u "http://$A/debug/pprof" "http://$B" -t=2 -r >both.txt
grep -q 'main.pingHandler.func1' both.txt || bad "merge lost host A's frames"
grep -q 'main.busy.func1' both.txt || bad "merge lost host B's frames"
"$FK_BIN" torch -u "http://$A" -u "http://$B" -t=2 --label-host -r >labelled.txt
roots=$(cut -d';' -f1 labelled.txt | sort -u | tr '\n' ' ')
[ "$roots" = "$(printf '%s\n' "$A" "$B" | sort | tr '\n' ' ')" ] || bad "--label-host roots are '$roots'"
"$FK_BIN" torch -u "http://$A" "http://$B/debug/pprof/heap" -t=1 -r >/dev/null 2>err.txt &&
  bad "a CPU and a heap profile were merged"
grep -q "cannot merge a profile of .* with the profiles before it" err.txt || bad "mismatch message: $(cat err.txt)"

# 5. flamekit top URL.
"$FK_BIN" top -n 5 "http://$B/debug/pprof/heap" >top.txt
grep -q '^Type: inuse_space' top.txt || bad "top URL: $(head -3 top.txt)"
"$FK_BIN" top --seconds=1 "http://$B" >top.txt
grep -q 'main.work\|main.allocate\|runtime\.' top.txt || bad "top of a base URL: $(head -5 top.txt)"

[ $fail -eq 0 ] && echo "torch against go-ping at $A and $B: ok"
exit $fail
