#!/usr/bin/env bash
# svg_cli.sh: flamekit svg end to end - golden output, determinism, hostile
# names (well-formed XML, nothing executable), flamegraph.pl's error answer,
# whole-or-nothing -o, and the options. Set FK_UPDATE_GOLDEN=1 to rewrite the
# golden SVGs after a deliberate change (then review the diff).
set -uo pipefail
data=$FK_TEST_DATA/svg
corpus=$FK_CORPUS/perf
js=$FK_SOURCE_DIR/src/render/flamegraph.js
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
passes=0
ok() { passes=$((passes + 1)); echo "ok   $1"; }
bad() { fails=$((fails + 1)); echo "FAIL $1" >&2; }
check() { # NAME COMMAND...: the command must succeed
  local name=$1
  shift
  if "$@"; then ok "$name"; else bad "$name"; fi
}
wellformed() { xmllint --noout --nonet "$1" 2>"$tmp/xmllint.err" || { cat "$tmp/xmllint.err" >&2; return 1; }; }
no_script() { sed '/^<script/,/^<\/script>/d' "$1"; }
corpus_file() { local f=$corpus/results-current/$1; [ -f "$f" ] || f=$corpus/results/$1; echo "$f"; }

java2=$(corpus_file perf-java-stacks-02-collapsed-all.txt)
java1=$(corpus_file perf-java-stacks-01-collapsed-all.txt)

# ---- golden output ----------------------------------------------------------
golden() { # NAME INPUT OPTIONS...
  local name=$1 in=$2
  shift 2
  "$FK_BIN" svg "$@" "$in" >"$tmp/$name.svg" || { bad "golden $name: exit $?"; return; }
  if [ "${FK_UPDATE_GOLDEN:-}" = 1 ]; then
    no_script "$tmp/$name.svg" >"$data/$name.golden.svg"
  fi
  if no_script "$tmp/$name.svg" | cmp -s - "$data/$name.golden.svg"; then
    ok "golden $name"
  else
    bad "golden $name: differs from $data/$name.golden.svg"
    no_script "$tmp/$name.svg" | diff "$data/$name.golden.svg" - | head -20 >&2
  fi
}
golden java2-java "$java2" --colors java --title "Java stacks" --subtitle "perf-java-stacks-02" \
  --notes "corpus capture" --countname samples
golden dd-icicle "$(corpus_file perf-dd-stacks-01-collapsed-kernel.txt)" --inverted --hash \
  --bgcolors grey --nametype "Frame:"
golden hostile "$data/hostile.folded" --title '<script>alert("t")</script>' \
  --subtitle ']]> & "x"' --notes 'a -- b -->' --nametype '"><script>x</script>' --countname '<b>'

# The script in every SVG is flamegraph.js, byte for byte.
sed -n '/^<!\[CDATA\[$/,/^\]\]>$/p' "$tmp/java2-java.svg" | sed '1d;$d' >"$tmp/embedded.js"
check "embedded script is src/render/flamegraph.js" cmp -s "$tmp/embedded.js" "$js"

# ---- determinism -------------------------------------------------------------
"$FK_BIN" svg "$java1" >"$tmp/a.svg"
"$FK_BIN" svg "$java1" >"$tmp/b.svg"
check "same input and options, same bytes" cmp -s "$tmp/a.svg" "$tmp/b.svg"
"$FK_BIN" svg --random "$java1" >"$tmp/r1.svg"
"$FK_BIN" svg --random "$java1" >"$tmp/r2.svg"
check "--random changes only colours" \
  cmp -s <(sed 's/fill="rgb([0-9,]*)"//' "$tmp/r1.svg") <(sed 's/fill="rgb([0-9,]*)"//' "$tmp/a.svg")
check "--random differs from run to run" bash -c "! cmp -s '$tmp/r1.svg' '$tmp/r2.svg'"

# ---- hostile names -----------------------------------------------------------
check "hostile names: well-formed XML" wellformed "$tmp/hostile.svg"
check "hostile names: no markup from names survives" \
  bash -c "! no_script() { sed '/^<script/,/^<\/script>/d' \"\$1\"; }; no_script '$tmp/hostile.svg' | grep -q -e '<script>alert' -e '<b>' -e 'CDATA\[x'"
check "hostile names: one <script> element only" test "$(grep -c '<script' "$tmp/hostile.svg")" = 1
check "invalid UTF-8 becomes U+FFFD" grep -q $'bad\xef\xbf\xbd\xef\xbf\xbdutf8' "$tmp/hostile.svg"
check "annotations are stripped from labels" grep -q $'<title>caf\xc3\xa9 (2 ' "$tmp/hostile.svg"
check "tooltips: NAME (N samples, P%)" \
  grep -q '<title>java (2 samples, 100.00%)</title>' "$tmp/java2-java.svg"
check "tooltips: two decimals" grep -q '<title>ab (8 samples, 17.39%)</title>' "$tmp/b.svg"

# ---- errors --------------------------------------------------------------------
: >"$tmp/empty.txt"
"$FK_BIN" svg "$tmp/empty.txt" >"$tmp/empty.svg" 2>"$tmp/empty.err"
rc=$?
check "empty input: exit 2" test $rc = 2
check "empty input: an SVG that says so" grep -q 'ERROR: No valid input provided' "$tmp/empty.svg"
check "empty input: well-formed" wellformed "$tmp/empty.svg"
check "empty input: message on stderr" grep -q 'no stack counts' "$tmp/empty.err"
printf 'not a folded line\nnor this\n' >"$tmp/junk.txt"
"$FK_BIN" svg -o "$tmp/junk.svg" "$tmp/junk.txt" 2>"$tmp/junk.err"
check "invalid input: exit 2 and an error SVG in -o" \
  bash -c "test $? = 2 && grep -q 'ERROR: No valid input' '$tmp/junk.svg'"
"$FK_BIN" svg -o "$tmp/missing.svg" "$tmp/does-not-exist" 2>/dev/null
rc=$?
check "missing input file: exit 1" test $rc = 1
check "missing input file: no output file" test ! -e "$tmp/missing.svg"
"$FK_BIN" svg -o "$tmp/no/such/dir/x.svg" "$java2" 2>/dev/null
check "unwritable -o: exit 1" test $? = 1
check "nothing half-written is left behind" \
  bash -c "test -z \"\$(ls -A '$tmp' | grep -e '\\.tmp-' -e '^missing')\""
"$FK_BIN" svg --width abc "$java2" >/dev/null 2>&1
check "bad option value: exit 2" test $? = 2
"$FK_BIN" svg --colors nosuch "$java2" >/dev/null 2>&1
check "unknown palette: exit 2" test $? = 2
"$FK_BIN" svg --bgcolors '#12345z' "$java2" >/dev/null 2>&1
check "bad --bgcolors: exit 2" test $? = 2

# ---- options ------------------------------------------------------------------
"$FK_BIN" svg --colors java "$java1" >"$tmp/c1.svg"
"$FK_BIN" svg --color=java "$java1" >"$tmp/c2.svg"
check "unique prefix: --color=java" cmp -s "$tmp/c1.svg" "$tmp/c2.svg"
"$FK_BIN" svg -title "Single dash" -width 900 "$java2" >"$tmp/sd.svg"
check "single-dash long options" grep -q 'width="900".*>' "$tmp/sd.svg"
check "--title" grep -q '>Single dash</text>' "$tmp/sd.svg"
"$FK_BIN" svg --inverted "$java2" | grep -q '>Icicle Graph</text>'
check "--inverted: Icicle Graph title" test $? = 0
"$FK_BIN" svg --flamechart "$java2" | grep -q '>Flame Chart</text>'
check "--flamechart: Flame Chart title" test $? = 0
"$FK_BIN" svg --bgcolors '#123456' "$java2" | grep -q 'stop-color="#123456" offset="95%"'
check "--bgcolors #rrggbb" test $? = 0
"$FK_BIN" svg --encoding ISO-8859-1 "$java2" | head -1 | grep -q 'encoding="ISO-8859-1"'
check "--encoding" test $? = 0
check "--encoding with a quote is refused" bash -c "! '$FK_BIN' svg --encoding 'x\"y' '$java2' >/dev/null 2>&1"
gzip -c "$java1" >"$tmp/java1.gz"
"$FK_BIN" svg "$tmp/java1.gz" >"$tmp/gz.svg"
check "gzip input" cmp -s "$tmp/gz.svg" "$tmp/a.svg"
"$FK_BIN" svg --all "$corpus/perf-java-stacks-01.txt" >"$tmp/perf.svg"
check "perf script input is collapsed first" cmp -s "$tmp/perf.svg" "$tmp/a.svg"
cat "$java1" | "$FK_BIN" svg >"$tmp/stdin.svg"
check "stdin input" cmp -s "$tmp/stdin.svg" "$tmp/a.svg"
"$FK_BIN" svg --countname bytes --factor 1234.5 "$java2" | grep -q '<title>java (2,469 bytes, 100.00%)'
check "--countname, --factor, thousands separators" test $? = 0

# --cp: the map is written, and its colours win on the next run.
(cd "$tmp" && "$FK_BIN" svg --cp "$java2" >cp1.svg)
check "--cp writes palette.map" grep -q '^java->rgb(' "$tmp/palette.map"
sed -i 's/^java->.*/java->rgb(1,2,3)/' "$tmp/palette.map"
(cd "$tmp" && "$FK_BIN" svg --cp "$java2" >cp2.svg)
check "--cp reads palette.map" grep -q '<title>java (2 samples, 100.00%)</title><rect [^>]*fill="rgb(1,2,3)"' "$tmp/cp2.svg"
"$FK_BIN" svg --palette-file "$tmp/other.map" "$java2" >/dev/null
check "--palette-file" test -s "$tmp/other.map"

# --nameattr: links and classes; event handlers and script URLs are dropped.
printf 'java\thref=https://example.invalid/java\tclass=lang\tg_extra=onclick="alert(1)" data-x="1"\n' >"$tmp/attrs.txt"
printf 'start_thread\thref=javascript:alert(1)\ttitle=custom <title>\n' >>"$tmp/attrs.txt"
"$FK_BIN" svg --nameattr "$tmp/attrs.txt" "$java2" >"$tmp/na.svg"
check "--nameattr: well-formed" wellformed "$tmp/na.svg"
check "--nameattr: link with class" \
  grep -q '<a xlink:href="https://example.invalid/java" target="_top" class="lang" data-x="1">' "$tmp/na.svg"
check "--nameattr: no event handler, no javascript: URL" \
  bash -c "! grep -q -e 'onclick=' -e 'javascript:' '$tmp/na.svg'"
check "--nameattr: title replaced (escaped)" grep -q '<title>custom &lt;title&gt;</title>' "$tmp/na.svg"

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
