#!/usr/bin/env bash
# svg_gen.sh CORPUS_DIR FLAMEKIT [STACKS] > big.folded
#
# A large folded profile for bench/svg.sh, made from real frame names: every
# perf capture in the corpus is collapsed (--all) and its frame names are the
# vocabulary. Stacks come from a random walk (fixed seed: the same file on
# every run with the same awk) that shares prefixes the way real profiles do.
# Default: 45,000 distinct stacks, about 11 MB.
set -euo pipefail
corpus=$1
fk=$2
n=${3:-45000}
for f in "$corpus"/perf/perf-*.txt; do
  "$fk" collapse -q --all "$f"
done | awk -v n="$n" '
{
  sub(/ [0-9.]+$/, "")
  k = split($0, fr, ";")
  for (i = 1; i <= k; i++)
    if (!(fr[i] in seen) && fr[i] !~ /^ *$/ && length(fr[i]) <= 24) { seen[fr[i]] = 1; vocab[nv++] = fr[i] }
}
END {
  # A depth-first walk over a random call tree: each stack pops a few frames
  # of the previous one and pushes new ones, as consecutive sorted stacks of a
  # real profile do.
  srand(20240101)
  depth = 0
  made = 0
  while (made < n) {
    pop = 1 + int(rand() * rand() * 4)
    depth = depth > pop ? depth - pop : 0
    target = 8 + int(rand() * 11)
    if (depth < 3) depth = int(rand() * 3)
    while (depth < target) st[depth++] = vocab[int(rand() * nv)]
    line = st[0]
    for (i = 1; i < depth; i++) line = line ";" st[i]
    if (line in done) continue
    done[line] = 1
    made++
    print line " " (1 + int(rand() * rand() * 2000))
  }
}'
