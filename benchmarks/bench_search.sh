#!/usr/bin/env bash
# bench_search — throughput of the global search (snac search) on the simulated jets, and
# the extrapolation to the paper's budget (500 trials x 5 epochs, population 20, 620k jets).
#
#   benchmarks/bench_search.sh [SNAC_BIN] [TRIALS] [EPOCHS] [WORKERS]
#     defaults: build/snac, 100 trials, 5 epochs, workers = cores; data: out/jets
#     (100k train / 20k val; generated with `snac data gen` when missing).
# Runs configs/search_snac.yaml with a scaled budget into a scratch database and prints
# wall time, trained trials/hour, mean training seconds per trial, and the extrapolated
# wall time of the paper-scale search (cost scales with trials x training rows).
set -eu
SNAC=${1:-build/snac}
TRIALS=${2:-100}
EPOCHS=${3:-5}
WORKERS=${4:-$(nproc)}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ -d out/jets/train ] || "$SNAC" data gen --out out/jets
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -e "s#^  trials: 500#  trials: $TRIALS#" -e "s#^  epochs: 5#  epochs: $EPOCHS#" \
    -e "s#^  workers: 0 .*#  workers: $WORKERS#" -e "s#^  db: out/snac.db#  db: $work/bench.db#" \
    configs/search_snac.yaml > "$work/bench.yaml"
start=$(date +%s.%N)
"$SNAC" search -c "$work/bench.yaml" --quiet > "$work/out.txt"
end=$(date +%s.%N)
q() { sqlite3 "$work/bench.db" "$1"; }
trained=$(q "SELECT count(*) FROM trials WHERE status IN ('done','failed')")
asked=$(q "SELECT count(*) FROM trials")
train_s=$(q "SELECT printf('%.2f', avg(train_seconds)) FROM trials WHERE status = 'done'")
rows=$(q "SELECT json_extract(result, '\$.evaluations') FROM runs WHERE id = 1")
awk -v s="$start" -v e="$end" -v t="$TRIALS" -v tr="$trained" -v a="$asked" -v ts="$train_s" -v ep="$EPOCHS" \
    -v w="$WORKERS" -v cores="$(nproc)" 'BEGIN {
  wall = e - s
  printf "bench_search: %d trials asked (%d trained, %d from the cache), %d epochs, %d workers on %d cores\n", a, tr, a - tr, ep, w, cores
  printf "  wall %.1f s; %.0f trained trials/hour; mean training %.2f s per trial (single-threaded)\n", wall, tr / wall * 3600, ts
  # paper: 500 trials x 5 epochs on 620k training jets; here TRIALS x EPOCHS on 100k
  scale = (500 / t) * (5 / ep) * (620000 / 100000)
  printf "  extrapolated paper-scale search (500 x 5 epochs, pop 20, 620k jets): %.0f min (target <= 90)\n", wall * scale / 60
}'
head -3 "$work/out.txt"
