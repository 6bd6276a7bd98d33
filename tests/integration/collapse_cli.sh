#!/usr/bin/env bash
# flamekit collapse as a user runs it: inputs (files, stdin, gzip, several
# files merged), folded input rules, exit codes, bad and hostile input
# (binary garbage, empty, truncated gzip, a 1 MB line, a 10,000-frame stack),
# and -o never leaving a partial file. Needs FK_BIN and FK_CORPUS.
set -u
bin=${FK_BIN:?}
corpus=${FK_CORPUS:?}/perf
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# run NAME EXPECTED_STATUS CMD...: run, capture stdout/stderr, check status
run() {
  local name=$1 want=$2
  shift 2
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "$name: exit $rc, wanted $want; stderr: $(head -3 "$work/err")"
    return 1
  fi
  return 0
}

stderr_has() { grep -q -- "$2" "$work/err" || fail "$1: stderr lacks '$2': $(head -3 "$work/err")"; }
stdout_is() { printf '%s' "$2" | cmp -s - "$work/out" || fail "$1: stdout is '$(head -c 300 "$work/out")', wanted '$2'"; }

cap=$corpus/perf-funcab-pid-01.txt
expected=$corpus/results/perf-funcab-pid-01-collapsed-pid.txt

# --- inputs -----------------------------------------------------------------
run stdin 0 "$bin" collapse --pid <"$cap" && cmp -s "$work/out" "$expected" || fail "stdin output"
run dash 0 "$bin" collapse --pid - <"$cap" && cmp -s "$work/out" "$expected" || fail "'-' output"
gzip -c "$cap" >"$work/cap.gz"
run gzip 0 "$bin" collapse --pid "$work/cap.gz" && cmp -s "$work/out" "$expected" || fail "gzip output"
run gzip-stdin 0 "$bin" collapse --pid <"$work/cap.gz" && cmp -s "$work/out" "$expected" || fail "gzip stdin"

# two files merge: every count doubles, lines stay unique and sorted
run merge 0 "$bin" collapse --pid "$cap" "$work/cap.gz"
awk '{ $NF = $NF * 2; print }' "$expected" | cmp -s - "$work/out" || fail "merge doubles counts"

# no sample lost: output counts sum to the number of samples (period sum)
for f in "$corpus"/perf-*.txt; do
  run "sum $f" 0 "$bin" collapse -q "$f" || continue
  got=$(awk '{ s += $NF } END { printf "%d", s }' "$work/out")
  # samples of the first event, weighted by their period column when present
  want=$(awk '
    /^#/ { next }
    /^[^ \t]/ && NF > 1 {
      ev = $NF; sub(/:$/, "", ev)
      if (first == "") first = ev
      p = 1
      if ($(NF-1) ~ /^[0-9]+$/ && $(NF-2) ~ /:$/) p = $(NF-1) + 0
      if (p == 0) p = 1
      if (ev == first) s += p
    }
    END { printf "%d", s }' "$f")
  [ "$got" = "$want" ] || fail "sample sum of $(basename "$f"): output $got, input $want"
done

# --- folded input -----------------------------------------------------------
printf 'b;c 2\na;b 1\n\na;b 3\nframe with spaces;x y 1.5\nlast;field 10 20\n' >"$work/f.txt"
run folded 0 "$bin" collapse "$work/f.txt"
stdout_is folded $'a;b 4\nb;c 2\nframe with spaces;x y 1.5\nlast;field 10 20\n'
printf 'a;b 1\nno count here\n# comment\nc 2\n' >"$work/bad.txt"
run folded-bad 0 "$bin" collapse --format folded "$work/bad.txt"
stdout_is folded-bad $'a;b 1\nc 2\n'
stderr_has folded-bad "bad.txt:2: line without a count"
run folded-strict 1 "$bin" collapse --strict --format folded "$work/bad.txt"
stderr_has folded-strict "bad.txt:2"
[ -s "$work/out" ] && fail "strict: no output on error"

# --- hostile input ------------------------------------------------------------
head -c 100000 /dev/urandom >"$work/garbage.bin"
run garbage 1 "$bin" collapse "$work/garbage.bin"
stderr_has garbage "garbage.bin"
stderr_has garbage "binary"
printf 'PERFILE2\x10\x00\x00\x00' >"$work/perf.data"
run perf.data 1 "$bin" collapse "$work/perf.data"
stderr_has perf.data "perf script"
: >"$work/empty.txt"
run empty 0 "$bin" collapse "$work/empty.txt"
stdout_is empty ""
stderr_has empty "no stacks"
head -c $(($(wc -c <"$work/cap.gz") / 2)) "$work/cap.gz" >"$work/cut.gz"
run truncated-gzip 1 "$bin" collapse "$work/cut.gz"
stderr_has truncated-gzip "cut.gz: truncated gzip"
run missing-file 1 "$bin" collapse "$work/does-not-exist"
stderr_has missing-file "does-not-exist: No such file"

# a 1 MB line: as a folded stack it is one frame; as perf it is one bad line
head -c 1000000 /dev/zero | tr '\0' 'x' >"$work/long.txt"
printf ' 3\n' >>"$work/long.txt"
run long-folded 0 "$bin" collapse "$work/long.txt"
[ "$(wc -c <"$work/out")" -eq 1000003 ] || fail "1 MB folded line"
{ printf 'p 1 1.0: cycles:\n\t'; head -c 1000000 /dev/zero | tr '\0' 'y'; printf '\n\t 1 f (/p)\n\n'; } >"$work/long.perf"
run long-perf 0 "$bin" collapse "$work/long.perf"
stdout_is long-perf $'p;f 1\n'
stderr_has long-perf "long.perf:2: unrecognized line"

# a 10,000-frame stack
{ printf 'deep 1 1.0: cycles:\n'; for i in $(seq 9999 -1 0); do printf '\t %x f%d (/d)\n' $((i + 16)) "$i"; done; } >"$work/deep.perf"
run deep 0 "$bin" collapse "$work/deep.perf"
[ "$(tr -cd ';' <"$work/out" | wc -c)" -eq 10000 ] || fail "10,000-frame stack"

# --- output file ----------------------------------------------------------------
echo old >"$work/out.folded"
run output-error 1 "$bin" collapse -o "$work/out.folded" "$work/cut.gz"
[ "$(cat "$work/out.folded")" = old ] || fail "failed run replaced the output file"
ls -a "$work" | grep -q 'tmp-' && fail "temporary output file left behind"
run output 0 "$bin" collapse --pid -o "$work/out.folded" "$cap"
cmp -s "$work/out.folded" "$expected" || fail "-o output"
[ -s "$work/out" ] && fail "-o wrote to stdout too"
run output-dir 1 "$bin" collapse -o "$work/no/such/dir/x" "$cap"
stderr_has output-dir "no/such/dir/x"

# --- usage ------------------------------------------------------------------------
run unknown-option 2 "$bin" collapse --bogus "$cap"
stderr_has unknown-option "unknown option '--bogus'"
run bad-format 2 "$bin" collapse --format xml "$cap"
stderr_has bad-format "unknown format 'xml'"
run missing-value 2 "$bin" collapse "$cap" -o
stderr_has missing-value "needs a value"
run prefix 0 "$bin" collapse --ti "$cap"
cmp -s "$work/out" "$corpus/results/perf-funcab-pid-01-collapsed-tid.txt" || fail "--ti as --tid"
run help 0 "$bin" collapse --help
grep -q -- "--event-filter" "$work/out" || fail "help text"
run unknown-command 2 "$bin" nosuchcommand
run version 0 "$bin" --version

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all collapse CLI checks passed"
