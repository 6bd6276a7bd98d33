#!/usr/bin/env bash
# run.sh: make SVGs from corpus data with flamekit, then drive them in
# headless Chromium (flamegraph.test.js). Missing tools fail the test: they
# are installed by scripts/install-deps.sh, never skipped silently.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${FK_BROWSER_OUT:?}
missing=()
command -v node >/dev/null || missing+=(node)
[ -x /usr/bin/chromium ] || missing+=(/usr/bin/chromium)
[ -f "$here/node_modules/playwright-core/package.json" ] || missing+=("playwright-core (npm, in tests/browser)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "FAIL browser tests need: ${missing[*]}; run scripts/install-deps.sh as root" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
mkdir -p "$out"
java=$FK_CORPUS/perf/results-current/perf-java-stacks-01-collapsed-all.txt
[ -f "$java" ] || java=$FK_CORPUS/perf/results/perf-java-stacks-01-collapsed-all.txt
"$FK_BIN" svg --colors java "$java" >"$out/java.svg" || exit 1
"$FK_BIN" svg "$FK_TEST_DATA/svg/hostile.folded" >"$out/hostile.svg" || exit 1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec node "$here/flamegraph.test.js" "$out" "$java"
