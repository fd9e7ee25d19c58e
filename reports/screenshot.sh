#!/usr/bin/env bash
# screenshot.sh — regenerate reports/screenshot.png and reports/sample_report.html from a small
# real store: simulated jets (20k/5k/5k), the reference baseline (2 epochs), a 60-trial global
# search of 2 epochs over a reduced space, a local search of its best trial at 6 and 8 bits,
# Yosys synthesis of its three most pruned 6-bit iterations (a refit of the Yosys surrogate is
# tried; with so few results it is refused and the report shows one surrogate version), then
# `snac report` and a headless-Chromium screenshot at 1280 x 2000.
#
#   reports/screenshot.sh [BUILD_DIR [KEEP_DIR]]   (default: build; 5-15 minutes on 2 cores;
#                                                   KEEP_DIR: keep the store and report there)
#
# Needs the `snac` binary, yosys and chromium (Debian packages). Work happens in a scratch folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
snac="$(cd "$here/.." && cd "${1:-build}" && pwd)/snac"
keep="${2:+$(mkdir -p "$2" && cd "$2" && pwd)}"
chromium=$(command -v chromium || command -v chromium-headless-shell)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

"$snac" data gen --out jets --train 20000 --val 5000 --test 5000 --seed 11 > /dev/null
data='data: {format: hdf5, files: [jets/train, jets/val], test_files: [jets/test], constituents: 8,
       features: [pt, etarel, phirel], normalisation: robust, val_fraction: 0.2, seed: 1}'
cat > base.yaml <<YAML
model: {hidden: [120, 60, 32, 64, 64, 64, 32, 44], activation: relu, batch_norm: true, dropout: 0.0}
training: {epochs: 2, batch_size: 128, learning_rate: 0.0013, l1: 0.0000131, seed: 511, threads: 1}
$data
output: {db: snac.db, run_name: baseline}
YAML
"$snac" train -c base.yaml --quiet > /dev/null
cat > search.yaml <<YAML
training: {batch_size: 128, threads: 1}
$data
output: {db: snac.db, run_name: screenshot-search}
search: {trials: 60, population: 10, epochs: 2, seed: 7, workers: 2, store_models: true,
         objectives: [accuracy, avg_resource_pct, latency_cycles]}
search_space: {layers: [2, 3, 4], widths: [[16, 32, 64], [8, 16, 32], [8, 16], [8, 16]],
               activation: [relu, tanh]}
YAML
"$snac" search -c search.yaml --quiet > /dev/null
cat > local.yaml <<YAML
local: {warmup_epochs: 2, iterations: 6, prune_rate: 0.3, prune_epochs: 2, bits: [6, 8], batch_size: 128, seed: 9}
YAML
"$snac" local -c local.yaml --run 2 --best --db snac.db --quiet > /dev/null
models=$(sqlite3 snac.db "SELECT model_id FROM local_iterations WHERE bits = 6 AND iteration IN (4, 5, 6) ORDER BY iteration")
# shellcheck disable=SC2086
"$snac" synth $models --db snac.db --jobs 2 --work synth --quiet > /dev/null
"$snac" refit --toolchain yosys --force --db snac.db > refit.txt 2>&1 || true
v2=$(sqlite3 snac.db "SELECT max(id) FROM surrogate_versions WHERE parent_id IS NOT NULL")
if [ -n "$v2" ]; then
    for m in $models; do "$snac" predict --model "$m" --surrogate "$v2" --db snac.db > /dev/null; done
fi
"$snac" predict --model 1 --db snac.db > /dev/null   # the baseline, for Figures 1-3
"$snac" report --db snac.db --out report.html > /dev/null
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" --hide-scrollbars \
    --screenshot="$here/screenshot.png" --window-size=1280,2000 "file://$work/report.html" > /dev/null 2>&1
cp report.html "$here/sample_report.html"
if [ -n "$keep" ]; then cp snac.db report.html "$keep/"; fi
echo "wrote $here/screenshot.png and $here/sample_report.html ($(stat -c %s report.html) bytes)"
