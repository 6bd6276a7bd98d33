#!/usr/bin/env bash
# expect_output.sh EXPECTED CMD [ARGS...]: run CMD; its stdout must equal
# EXPECTED byte for byte and it must exit 0. On a mismatch, show a diff.
set -u
expected=$1
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" >"$out"
rc=$?
if [ $rc -ne 0 ]; then
  echo "command exited $rc: $*" >&2
  exit 1
fi
if ! cmp -s "$out" "$expected"; then
  echo "output differs from $expected:" >&2
  diff "$out" "$expected" | head -40 >&2
  exit 1
fi
