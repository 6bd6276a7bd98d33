#!/usr/bin/env bash
# torch_cli.sh - `flamekit torch` on pprof files (no network): -b and
# positional files give exactly what `collapse` and `svg` give for the same
# profile with the same options, sample-index flags with one or two dashes,
# --label-host, a clear error for profiles of different kinds or with no
# samples, and usage errors.
set -euo pipefail
: "${FK_BIN:?}" "${FK_CORPUS:?}"
P=$FK_CORPUS/pprof
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

for run in go-unbuffered go-buffered; do
  "$FK_BIN" torch -b "$P/$run/cpu.pb.gz" -r --sample-index=samples >raw.txt
  cmp -s raw.txt "$P/$run/cpu.folded-inline.txt" || bad "$run: -r differs from cpu.folded-inline.txt"
  for kind in cpu heap allocs goroutine threadcreate; do # block, mutex: no samples
    "$FK_BIN" torch -r "$P/$run/$kind.pb.gz" >raw.txt
    "$FK_BIN" collapse "$P/$run/$kind.pb.gz" >collapse.txt
    cmp -s raw.txt collapse.txt || bad "$run $kind: torch -r differs from collapse"
  done
done
# Every svg option means what it means for `flamekit svg`: same bytes.
opts=(--title "Go CPU" --subtitle sub --width 900 --height 18 --minwidth 0.5 --fonttype Arial
      --fontsize 11 --fontwidth 0.6 --countname ns --nametype Fn: --colors java --bgcolors grey
      --hash --reverse --inverted --notes hi --total 1e12 --factor 2)
"$FK_BIN" torch -b "$P/go-unbuffered/cpu.pb.gz" "${opts[@]}" -f torch.svg
"$FK_BIN" svg "$P/go-unbuffered/cpu.pb.gz" "${opts[@]}" -o svg.svg
cmp -s torch.svg svg.svg || bad "torch and svg draw the same profile differently"
"$FK_BIN" torch -b "$P/go-unbuffered/cpu.pb.gz" -p >p.svg
"$FK_BIN" svg "$P/go-unbuffered/cpu.pb.gz" >svg.svg
cmp -s p.svg svg.svg || bad "torch -p differs from svg"
# heap: inuse_space by default; shorthands with one or two dashes
for flag in "" --inuse_space -inuse_space --alloc_objects -alloc_objects --sample_index=alloc_space; do
  want=inuse_space
  case $flag in *alloc_objects) want=alloc_objects ;; *alloc_space) want=alloc_space ;; esac
  "$FK_BIN" torch -b "$P/go-unbuffered/heap.pb.gz" -r $flag >raw.txt
  "$FK_BIN" collapse --sample-index=$want "$P/go-unbuffered/heap.pb.gz" >collapse.txt
  cmp -s raw.txt collapse.txt || bad "heap with '$flag' is not $want"
done
# --cp keeps its palette map
"$FK_BIN" torch -b "$P/go-unbuffered/cpu.pb.gz" --cp -f cp.svg
grep -q 'main\.' palette.map || bad "--cp wrote no palette.map"
# --label-host: one root per input; same-named files keep their paths apart
"$FK_BIN" torch -b "$P/go-unbuffered/cpu.pb.gz" -b "$P/go-buffered/cpu.pb.gz" --label-host -r >l.txt
[ "$(cut -d';' -f1 l.txt | sort -u | wc -l)" -eq 2 ] || bad "--label-host: $(cut -d';' -f1 l.txt | sort -u)"
"$FK_BIN" torch -b "$P/go-unbuffered/cpu.pb.gz" -b "$P/go-buffered/cpu.pb.gz" -r >m.txt
"$FK_BIN" collapse "$P/go-unbuffered/cpu.pb.gz" "$P/go-buffered/cpu.pb.gz" >collapse.txt
cmp -s m.txt collapse.txt || bad "merging two files differs from collapse"

# errors: exit status, one line, no output file
check() { # STATUS WANT ARGS...
  local st=$1 want=$2 rc=0
  shift 2
  "$FK_BIN" torch "$@" -f out.svg >/dev/null 2>err.txt || rc=$?
  [ "$rc" -eq "$st" ] || bad "torch $*: status $rc, want $st"
  grep -qF -- "$want" err.txt || bad "torch $*: no '$want' in: $(cat err.txt)"
  [ "$(wc -l <err.txt)" -eq 1 ] || bad "torch $*: $(wc -l <err.txt) lines"
  [ ! -e out.svg ] || bad "torch $*: wrote out.svg"
}
check 1 "heap.pb.gz: cannot merge a profile of alloc_objects/count" -b "$P/go-unbuffered/cpu.pb.gz" "$P/go-unbuffered/heap.pb.gz"
check 1 "block.pb.gz: the profile has no samples (nothing to draw); put the server under load while it records, or record longer with -t" -b "$P/go-unbuffered/block.pb.gz"
check 1 "no-such.pb.gz" -b no-such.pb.gz
check 2 "needs whole seconds" -t=abc
check 2 "needs whole seconds" --seconds 0
check 2 "--print and --raw exclude each other" -p -r
check 2 "not available yet" --load 'GET http://127.0.0.1:1/'
check 2 "not available yet" --rate=250
check 2 "unknown profile 'bogus'" --profile bogus -u http://127.0.0.1:1
check 2 "unknown option" --no-such-option
"$FK_BIN" torch --help | grep -q -- '--label-host' || bad "--help"
exit $fail
