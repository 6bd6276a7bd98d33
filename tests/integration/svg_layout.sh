#!/usr/bin/env bash
# svg_layout.sh: flamekit svg lays out corpus profiles exactly as flamegraph.pl
# does. tests/data/svg/<case>.frames holds, per drawn frame, what flamegraph.pl
# wrote for the same input and options (tooltip, rect x/y/width, fill, label,
# text x/y; flamegraph.pl's default colours are a function of the name, so they
# are compared too). The one documented difference is applied there: flamekit
# labels the root "all". Cases: tests/data/svg/layout-cases.txt.
set -uo pipefail
data=$FK_TEST_DATA/svg
fail=0
frames_of() { # SVG -> "title|x|y|width|fill|label|tx|ty" per frame, sorted
  awk '
  /^<title>.*<rect x="/ {
    line = $0
    info = line; sub(/^<title>/, "", info); sub(/<\/title><rect x=".*$/, "", info)
    match(line, /<rect x="[^"]*"/); x = substr(line, RSTART + 9, RLENGTH - 10)
    match(line, /" y="[^"]*"/); y = substr(line, RSTART + 5, RLENGTH - 6)
    match(line, /width="[^"]*"/); w = substr(line, RSTART + 7, RLENGTH - 8)
    match(line, /fill="[^"]*"/); c = substr(line, RSTART + 6, RLENGTH - 7)
    getline t
    match(t, /<text x="[^"]*"/); tx = substr(t, RSTART + 9, RLENGTH - 10)
    match(t, / y="[^"]*">/); ty = substr(t, RSTART + 4, RLENGTH - 6)
    lab = t; sub(/^<text [^>]*>/, "", lab); sub(/<\/text>$/, "", lab)
    print info "|" x "|" y "|" w "|" c "|" lab "|" tx "|" ty
  }' "$1" | LC_ALL=C sort
}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
while IFS='|' read -r name file opts; do
  case $name in '#'* | '') continue ;; esac
  in=$FK_CORPUS/perf/results-current/$file
  [ -f "$in" ] || in=$FK_CORPUS/perf/results/$file
  # shellcheck disable=SC2086
  if ! "$FK_BIN" svg $opts "$in" >"$out/$name.svg"; then
    echo "FAIL $name: flamekit svg exited non-zero" >&2
    fail=1
    continue
  fi
  frames_of "$out/$name.svg" >"$out/$name.frames"
  if ! cmp -s "$out/$name.frames" "$data/$name.frames"; then
    echo "FAIL $name ($opts): frames differ from flamegraph.pl's:" >&2
    diff "$data/$name.frames" "$out/$name.frames" | head -10 >&2
    fail=1
  else
    echo "ok   $name: $(wc -l <"$data/$name.frames") frames as flamegraph.pl draws them"
  fi
done <"$data/layout-cases.txt"
exit $fail
