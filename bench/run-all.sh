#!/usr/bin/env bash
# Run every benchmark in bench/ (each executable file without an extension).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
status=0
for b in "$here"/*; do
  name=$(basename "$b")
  case "$name" in *.* | data) continue ;; esac
  [ -x "$b" ] || continue
  echo "== bench/$name"
  "$b" || status=1
  echo
done
exit $status
