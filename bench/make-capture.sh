#!/usr/bin/env bash
# make-capture.sh OUT.txt [SECONDS]: record a busy build with
# `perf record -F 999 -g` (the build and its children) and write its `perf script` text to OUT.
# The busy build compiles flamekit's own sources over and over with gcc and
# clang at -O2, in a scratch directory, until SECONDS (default 45) pass.
set -euo pipefail
out=${1:?usage: make-capture.sh OUT.txt [SECONDS]}
secs=${2:-45}
src=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

cat >"$scratch/busy.sh" <<BUSY
#!/usr/bin/env bash
end=\$((SECONDS + $secs))
i=0
while [ \$SECONDS -lt \$end ]; do
  for cc in gcc clang; do
    for f in "$src"/src/*/*.c; do
      [ \$SECONDS -lt \$end ] || break
      \$cc -O2 -std=c17 -D_GNU_SOURCE -I"$src/include" -I"$src/src" -c "\$f" -o "$scratch/o\$i.o" 2>/dev/null &
      i=\$((i + 1))
      [ \$((i % 4)) -eq 0 ] && wait
    done
  done
done
wait
BUSY
chmod +x "$scratch/busy.sh"
perf record -q -F 999 -g -o "$scratch/perf.data" -- "$scratch/busy.sh" >/dev/null 2>&1
perf script -i "$scratch/perf.data" >"$out" 2>/dev/null
echo "capture: $out ($(wc -c <"$out") bytes, $(grep -c '^[^[:space:]#]' "$out") samples)"
