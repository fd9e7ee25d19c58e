#!/usr/bin/env bash
# `snac report` in a real browser: headless Chromium opens the report of a small real store
# (report_db.sh, with an ablation table), the page's script runs to its end (body data-js="ok")
# with no console error, the DOM after load has as many points per plot as the store has rows
# (counted with sqlite3), and a screenshot is taken. A page with a broken script is caught (the
# check can fail). Without Chromium (Debian package `chromium`) the test is skipped (77).
set -u
SNAC=$1
CHROMIUM=$(command -v chromium || command -v chromium-browser || command -v chromium-headless-shell || true)
if [ -z "$CHROMIUM" ]; then
    echo "SKIP: no chromium on PATH (apt-get install chromium)"
    exit 77
fi
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/report_db.sh"
report_db "$SNAC"
add_ablation r.db
"$SNAC" report --db r.db --out report.html > /dev/null 2>&1 || { echo "FAIL snac report"; exit 1; }

# open FILE OUT: the DOM after load on OUT, the browser's log (console messages) on OUT.log
open_page() {
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/profile-$2" --enable-logging=stderr --v=0 \
        --dump-dom "file://$work/$1" > "$2" 2> "$2.log"
}
console_errors() { grep -E 'CONSOLE|Uncaught' "$1" | grep -ciE 'error|uncaught' || true; }

open_page report.html dom.html
check "chromium loads the page" test -s dom.html
check "  the page's script ran to its end" grep -q 'data-js="ok"' dom.html
check "  no console error ($(console_errors dom.html.log) found)" test "$(console_errors dom.html.log)" -eq 0
marks_per_plot dom.html | awk '$2 > 0' | sort > got.txt
expected_marks r.db | awk '$2 > 0' | sort > want.txt
check "  points per plot in the DOM = rows in the store ($(tr '\n' ' ' < want.txt))" cmp -s got.txt want.txt
check "  the script counted the same points" \
    grep -q "data-marks=\"$(awk '{ s += $2 } END { print s }' want.txt)\"" dom.html
check "  every plot is there (4 fronts, 2 local, 5 validation, 2 ablation)" \
    test "$(wc -l < got.txt)" -eq 13

# the checks can fail: a script that throws
sed 's|<script>|<script>throw new Error("report-test-broken");|' report.html > broken.html
open_page broken.html broken.dom
check "a throwing script is caught: no data-js mark" test "$(grep -c 'data-js="ok"' broken.dom)" -eq 0
check "  and a console error is logged" test "$(console_errors broken.dom.log)" -gt 0

timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile-shot" --screenshot="$work/shot.png" --window-size=1280,2000 \
    "file://$work/report.html" > /dev/null 2>&1
check "screenshot taken (PNG)" test "$(head -c 4 shot.png | tail -c 3)" = PNG
check "  and not blank (> 20 kB)" test "$(stat -c %s shot.png)" -gt 20000

echo "$fails failure(s)"
exit $((fails > 0))
