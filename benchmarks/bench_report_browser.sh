#!/usr/bin/env bash
# bench_report_browser.sh — how fast a paper-scale report opens in a browser: builds the
# synthetic store of bench_report (500-trial search, 11-iteration local search, 30 synthesis
# results x 2 surrogate versions, ablation), writes its report, then opens it REPS times in
# headless Chromium and prints the page's own load time (performance.now() at the load
# event, which the page's script stores in <body data-load-ms>), the number of points the
# script found in the DOM, and the wall time of each whole Chromium run (start-up included).
#
#   benchmarks/bench_report_browser.sh [BUILD_DIR] [REPS]    (defaults build, 5)
set -euo pipefail
build="$(cd "${1:-build}" && pwd)"
reps=${2:-5}
chromium=$(command -v chromium || command -v chromium-headless-shell)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$build/benchmarks/bench_report" store.db report.html
for i in $(seq "$reps"); do
    t0=$(date +%s.%N)
    "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$work/p$i" --dump-dom \
        "file://$work/report.html" > dom.html 2> /dev/null
    t1=$(date +%s.%N)
    load=$(grep -o 'data-load-ms="[0-9]*"' dom.html | grep -o '[0-9]*' || echo "?")
    marks=$(grep -o 'data-marks="[0-9]*"' dom.html | grep -o '[0-9]*' || echo "?")
    echo "$load $marks $(echo "$t1 - $t0" | bc)"
done | sort -n | awk '{ load[NR] = $1; marks = $2; wall[NR] = $3 } END {
    printf "chromium: page load (performance.now() at the load event) median %d ms, min %d, max %d over %d opens; %s points in the DOM\n",
        load[int((NR + 1) / 2)], load[1], load[NR], NR, marks
    s = 0; for (i = 1; i <= NR; i++) s += wall[i]
    printf "chromium: whole headless run (process start to DOM dump) mean %.2f s\n", s / NR }'
