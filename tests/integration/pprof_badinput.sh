#!/usr/bin/env bash
# pprof_badinput.sh - bad pprof input is a clear error (exit 1, a message
# that names the file and the problem), never a crash or a hang, for both
# `collapse` (format auto-detected) and `top`.
set -uo pipefail
: "${FK_BIN:?}" "${FK_CORPUS:?}" "${FK_TEST_DATA:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
data=$FK_TEST_DATA/pprof
cpu=$FK_CORPUS/pprof/go-unbuffered/cpu.pb.gz
head -c 5000 "$cpu" >"$tmp/truncated.pb.gz"
gzip -dc "$cpu" | head -c 5000 >"$tmp/truncated.pb"
gzip -dc "$cpu" >"$tmp/whole.pb"
: >"$tmp/empty.pb"

fail=0
# expect FILE MESSAGE [ARGS...]: collapse and top both exit 1 and say MESSAGE
expect() {
  local file=$1 msg=$2
  shift 2
  for cmd in "collapse --format pprof" "collapse" "top"; do
    # shellcheck disable=SC2086
    timeout 20 "$FK_BIN" $cmd "$@" "$file" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ $rc -ne 1 ]; then
      echo "FAIL $cmd $(basename "$file"): exit $rc, want 1" >&2
      cat "$tmp/err" >&2
      fail=1
    elif ! grep -qF -- "$msg" "$tmp/err" || ! grep -qF -- "$(basename "$file")" "$tmp/err"; then
      echo "FAIL $cmd $(basename "$file"): message lacks '$msg':" >&2
      cat "$tmp/err" >&2
      fail=1
    fi
    if [ -s "$tmp/out" ]; then
      echo "FAIL $cmd $(basename "$file"): wrote output despite the error" >&2
      fail=1
    fi
  done
}

expect "$tmp/truncated.pb.gz" "truncated gzip stream"
expect "$tmp/truncated.pb" "claims 17 bytes but only 0 remain"
expect "$data/bad-location-id.pb" "refers to location 5, which does not exist"
expect "$data/bad-string-index.pb" "string index 9 is out of range"
expect "$data/huge-length.pb" "claims 2147483648 bytes"
expect "$data/value-count.pb" "has 1 values but the profile has 2 sample types"
expect "$data/first-string.pb" 'the string table must start with ""'
expect "$data/deep-nesting.pb" "has no sample types"

# an empty file is pprof only when asked to be
timeout 20 "$FK_BIN" collapse --format pprof "$tmp/empty.pb" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "empty pprof profile" "$tmp/err" || { echo "FAIL empty" >&2; fail=1; }

# a bad sample index names the choices
timeout 20 "$FK_BIN" top --sample-index=bogus "$cpu" 2>"$tmp/err" >/dev/null
[ $? -eq 1 ] && grep -q "no sample type 'bogus' (the profile has: samples, cpu)" "$tmp/err" ||
  { echo "FAIL bad sample index" >&2; cat "$tmp/err" >&2; fail=1; }
timeout 20 "$FK_BIN" collapse --sample-index=7 "$cpu" 2>"$tmp/err" >/dev/null
[ $? -eq 1 ] && grep -q "outside the range \[0..1\]" "$tmp/err" ||
  { echo "FAIL sample index range" >&2; cat "$tmp/err" >&2; fail=1; }

# the uncompressed profile reads like the gzip'd one; -o never leaves a
# partial file behind on failure
"$FK_BIN" collapse -q "$tmp/whole.pb" | cmp -s - <("$FK_BIN" collapse -q "$cpu") ||
  { echo "FAIL raw vs gzip" >&2; fail=1; }
timeout 20 "$FK_BIN" collapse -o "$tmp/out.folded" "$tmp/truncated.pb" 2>/dev/null
[ -e "$tmp/out.folded" ] && { echo "FAIL partial output file left" >&2; fail=1; }
exit $fail
