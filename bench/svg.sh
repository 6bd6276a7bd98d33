#!/usr/bin/env bash
# bench/svg.sh [BUILD_DIR]: how fast `flamekit svg` draws a 45,000-stack,
# ~11 MB folded profile (made by svg_gen.sh from the corpus's real frame
# names). Prints wall time, peak RSS, output bytes and element count of the
# CLI (best of 5), then the time of each phase (svg_bench.c). If
# FLAMEGRAPH_PL names a flamegraph.pl, it is timed on the same file too.
# Numbers only; nothing here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
fk=$build/flamekit
corpus=${FK_CORPUS:-../shared/corpus}
data=bench/data
mkdir -p "$data"
folded=$data/svg-45k.folded
[ -s "$folded" ] || bench/svg_gen.sh "$corpus" "$fk" 45000 >"$folded"
echo "input: $folded: $(wc -l <"$folded") stacks, $(wc -c <"$folded") bytes"

best=999
for _ in 1 2 3 4 5; do
  /usr/bin/time -f "%e %M" -o "$data/time.txt" "$fk" svg -q -o "$data/svg-45k.svg" "$folded"
  read -r t rss <"$data/time.txt"
  if awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$t; best_rss=$rss; fi
done
bytes=$(wc -c <"$data/svg-45k.svg")
elements=$(sed '/^<script/,/^<\/script>/d' "$data/svg-45k.svg" | grep -o '<[a-zA-Z]' | wc -l)
echo "flamekit svg:  ${best} s (best of 5), peak RSS ${best_rss} KB, output ${bytes} bytes, ${elements} elements"

# Phases, in-process (read, trie, render, write), linked against the build.
libs=$(find "$build/src" -name '*.a' | tr '\n' ' ')
cc -O2 -std=c17 -D_GNU_SOURCE -Iinclude -Isrc bench/svg_bench.c -Wl,--start-group $libs \
  -Wl,--end-group $(pkg-config --libs libprotobuf-c 2>/dev/null || true) -lelf -lz -lm -lpthread \
  -o "$data/svg_bench"
"$data/svg_bench" "$folded" "$data/svg-45k-bench.svg" 5

if [ -n "${FLAMEGRAPH_PL:-}" ]; then
  /usr/bin/time -f "%e %M" -o "$data/time.txt" perl "$FLAMEGRAPH_PL" "$folded" >"$data/fg.svg"
  read -r t rss <"$data/time.txt"
  echo "flamegraph.pl: ${t} s, peak RSS ${rss} KB, output $(wc -c <"$data/fg.svg") bytes"
fi
