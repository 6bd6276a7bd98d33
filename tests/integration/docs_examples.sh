#!/usr/bin/env bash
# docs_examples.sh DOC.md...: run the examples of the docs. In every
# ```console block, a line starting with "$ " is a command (run with bash from
# the repository root, `flamekit` being the built binary); the lines after it,
# up to the next "$ " line or the end of the block, are its exact stdout
# (and stderr). Examples may name ../shared/corpus as in a checkout with the
# shared folder beside it; the script recreates that layout wherever the
# corpus really is.
set -u
src=${FK_SOURCE_DIR:?}
bin=${FK_BIN:?}
corpus=${FK_CORPUS:?}
shim=$(mktemp -d)
trap 'rm -rf "$shim"' EXIT
mkdir -p "$shim/bin" "$shim/repo" "$shim/shared"
ln -s "$bin" "$shim/bin/flamekit"
for entry in "$src"/*; do ln -s "$entry" "$shim/repo/"; done
ln -s "$corpus" "$shim/shared/corpus"
root=$shim/repo
failures=0
checked=0

check() { # file cmd expected
  local got
  got=$(cd "$root" && PATH="$shim/bin:$PATH" bash -c "$2" 2>&1)
  checked=$((checked + 1))
  if [ "$got" != "$3" ]; then
    echo "FAIL $1: \$ $2" >&2
    diff <(printf '%s\n' "$3") <(printf '%s\n' "$got") | head -20 >&2
    failures=$((failures + 1))
  fi
}

for doc in "$@"; do
  in_block=0 cmd="" expected=""
  while IFS= read -r line || [ -n "$line" ]; do
    if [ $in_block -eq 0 ]; then
      [ "$line" = '```console' ] && in_block=1 && cmd="" && expected=""
      continue
    fi
    if [ "$line" = '```' ]; then
      [ -n "$cmd" ] && check "$doc" "$cmd" "$expected"
      in_block=0
      continue
    fi
    if [ "${line#\$ }" != "$line" ]; then
      [ -n "$cmd" ] && check "$doc" "$cmd" "$expected"
      cmd=${line#\$ }
      expected=""
    else
      expected=${expected:+$expected$'\n'}$line
    fi
  done <"$doc"
done
echo "$checked examples checked, $failures failed"
[ "$checked" -gt 0 ] && [ "$failures" -eq 0 ]
