#!/usr/bin/env bash
# The demo: take a real `perf record -g` capture of a compiler at work
# (bundled in examples/captures), collapse it to folded stacks, and render it
# as an interactive flame graph when the renderer is built in. Prints where
# everything went. Later this becomes the article's whole walkthrough.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/flamekit
capture=examples/captures/compile.perf.txt.gz
out=build/demo
mkdir -p "$out"

echo "== flamekit demo"
echo "input:  $capture ($(gzip -dc "$capture" | wc -c) bytes of perf script output, gzip'd)"
start=$(date +%s%N)
"$bin" collapse "$capture" -o "$out/compile.folded"
end=$(date +%s%N)
echo "collapse: $(wc -l <"$out/compile.folded") distinct stacks in $(((end - start) / 1000000)) ms"
echo "          -> $out/compile.folded"

if "$bin" svg --help >/dev/null 2>&1; then
  "$bin" svg --title "cc1 and friends compiling flamekit" "$out/compile.folded" -o "$out/compile.svg"
  echo "svg:      -> $out/compile.svg (open it in a browser: click to zoom, Ctrl-F to search)"
fi

echo
echo "heaviest stacks (share of all samples):"
awk '{ n = $NF; total += n; line[NR] = $0; cnt[NR] = n }
     END { for (i = 1; i <= NR; i++) printf "%6.2f%%  %s\n", 100 * cnt[i] / total, line[i] }' \
  "$out/compile.folded" | sort -rn | awk 'NR <= 5' | cut -c1-150
