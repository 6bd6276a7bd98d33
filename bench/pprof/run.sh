#!/usr/bin/env bash
# bench/pprof/run.sh [BUILD_DIR] [MB]: flamekit vs `go tool pprof -raw` on a
# synthetic pprof CPU profile of about MB (default 100) megabytes of
# uncompressed protobuf, side by side.
#
#   flamekit collapse --sample-index=0 big.pb.gz   (read + folded stacks out)
#   go tool pprof -raw big.pb.gz                   (read + raw text out)
#
# Both read the same gzip'd file and write to /dev/null; bench/timeit.c
# reports the fastest of several runs (wall and CPU seconds, peak RSS). The
# ratio printed at the end is go's fastest wall time over flamekit's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build}
mb=${2:-100}
work=$build/bench-pprof
mkdir -p "$work"
export GOCACHE="$build/go/cache" GOPATH="$build/go/path" GOPROXY=off
cc -O2 -o "$work/fk-timeit" "$src/bench/timeit.c"
cc -O2 -std=c17 -D_GNU_SOURCE -I"$src/include" -I"$src/src" -I"$build/src/formats" \
  -o "$work/gen-profile" "$here/gen-profile.c" \
  "$build/src/formats/libfk_formats.a" "$build/src/profile/libfk_profile.a" \
  "$build/src/util/libfk_util.a" -lprotobuf-c -lz -lm -lpthread
pb=$work/big-$mb.pb.gz
[ -s "$pb" ] || "$work/gen-profile" "$pb" "$mb"
raw=$(gzip -dc "$pb" | wc -c)
echo "profile: $pb: $(wc -c <"$pb") bytes gzip'd, $raw bytes uncompressed"
echo "flamekit collapse:"
fk=$("$work/fk-timeit" -n 3 -- "$build/flamekit" collapse -q --sample-index=0 "$pb")
echo "  $fk"
echo "go tool pprof -raw:"
go=$("$work/fk-timeit" -n 2 -- go tool pprof -raw "$pb")
echo "  $go"
fk_min=$(echo "$fk" | awk '{ for (i = 1; i < NF; i++) if ($i == "min") print $(i + 1) }')
go_min=$(echo "$go" | awk '{ for (i = 1; i < NF; i++) if ($i == "min") print $(i + 1) }')
awk -v f="$fk_min" -v g="$go_min" 'BEGIN { printf "ratio: go tool pprof -raw / flamekit = %.1fx\n", g / f }'
