#!/usr/bin/env bash
# Install every Debian and npm package that flamekit's build, tests and demo
# need, and nothing that is already there. Safe to run again and again.
#
#   scripts/install-deps.sh          install what is missing (needs root)
#   scripts/install-deps.sh --check  only list what is missing; exit 1 if any
#
# Later features add their packages to the lists below, one list per purpose.
set -euo pipefail

cd "$(dirname "$0")/.."

# Build: compiler, CMake, and the libraries flamekit links.
build_pkgs=(gcc make cmake pkg-config zlib1g-dev)
# Tests: unit tests (cmocka), fuzzers (clang's libFuzzer), tooling the tests call.
test_pkgs=(libcmocka-dev clang libclang-rt-dev gzip)
# Benchmarks and the demo: real `perf record` / `perf script` captures.
bench_pkgs=(linux-perf bc)
# Browser tests of the SVG (tests/browser): Debian's Chromium driven by
# playwright-core from npm, xmllint for well-formedness. NodeSource's nodejs
# ships npm itself, so the npm package is only wanted when npm is missing.
browser_pkgs=(chromium nodejs libxml2-utils fonts-dejavu-core)
command -v npm >/dev/null 2>&1 || browser_pkgs+=(npm)
# pprof: protoc-c generates the codec at build time; libelf/libdw symbolize
# gperftools CPU profiles; Go is the reference client (`go tool pprof`) and
# builds the tests' net/http/pprof server; libgoogle-perftools-dev makes a
# real gperftools profile in the tests.
pprof_pkgs=(protobuf-c-compiler libprotobuf-c-dev libelf-dev libdw-dev golang-go
            libgoogle-perftools-dev)
# fetch: `flamekit torch` and `flamekit top URL` fetch profiles over HTTP(S)
# with libcurl.
fetch_pkgs=(libcurl4-openssl-dev)

# libflamekit-prof: libmicrohttpd serves the endpoint; g++ builds the C++
# test program (libdw/libelf are in pprof_pkgs); libunwind-dev gives the
# optional libunwind unwinder its header (libunwind8, which it dlopens, comes
# with it).
prof_pkgs=(libmicrohttpd-dev g++ libunwind-dev)

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

missing=()
for p in "${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}" "${browser_pkgs[@]}" \
         "${pprof_pkgs[@]}" "${fetch_pkgs[@]}" "${prof_pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all Debian packages present"
else
  if [ $check_only -eq 1 ]; then
    echo "deps: missing Debian packages: ${missing[*]}"
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages: ${missing[*]}" >&2
    echo "deps: run this as root, then run make again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "deps: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "deps: installed ${missing[*]}"
fi

# npm packages used by tests live in package.json files next to the tests;
# install each folder's packages when its node_modules is missing or stale.
for pj in tests/*/package.json; do
  [ -f "$pj" ] || continue
  dir=$(dirname "$pj")
  if [ ! -d "$dir/node_modules" ] || [ "$pj" -nt "$dir/node_modules" ]; then
    if [ $check_only -eq 1 ]; then
      echo "deps: npm packages missing in $dir"
      exit 1
    fi
    echo "deps: installing npm packages in $dir"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$dir/node_modules"
  fi
done
