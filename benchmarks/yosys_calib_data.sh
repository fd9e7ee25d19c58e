#!/usr/bin/env bash
# Yosys results of this project's own models, for the shipped yosys-0.23 default (issue 26):
#   simulated jets (`snac data gen`, small), a one-generation search over 1-4 hidden layers
#   (widths 8-64; ReLU, tanh, sigmoid), `snac local` on the first trial of each architecture
#   (4, 6 and 8 bits; warm-up + 4 x 45% pruning: sparsity 0, 45, 70, 83, 91%), then
#   `snac synth` of two iterations per chain (which two rotates with the chain, so every
#   sparsity level is covered), in passes of one model per chain so that a batch stopped
#   early still covers every architecture. Reruns resume (synth skips models with a row).
#   The calibration set and an independent check set differ only in the seeds:
#     benchmarks/yosys_calib_data.sh build/snac /tmp/ycal 7 11 48        # calibration
#     benchmarks/yosys_calib_data.sh build/snac /tmp/yfresh 8 21 16      # fresh check set
#   PASSES (default "0 2") picks the passes; LIMIT (default: all) caps the models of a pass;
#   MODELS="ID ..." synthesizes exactly those models instead (how the committed set was made:
#   its model ids are in surrogate/calibration/yosys_results.csv, "ycal:<id>"; see PROVENANCE.md).
#   Yosys runs at most JOBS at a time (default 2), nice'd; a lock file (LOCK, default
#   /tmp/snac_yosys_calib.lock) keeps two invocations from synthesizing at once.
#   Then `build/benchmarks/yosys_calib_export WORKDIR/calib.db --set ycal` writes the CSV the
#   calibration reads (surrogate/calibration/yosys_results.csv).
# usage: benchmarks/yosys_calib_data.sh SNAC WORKDIR DATA_SEED SEARCH_SEED TRIALS [JOBS]
set -euo pipefail
SNAC=$(realpath "$1")
W=$2
DATA_SEED=$3
SEARCH_SEED=$4
TRIALS=$5
JOBS=${6:-2}
LOCK=${LOCK:-/tmp/snac_yosys_calib.lock}
PASSES=${PASSES-0 2}
LIMIT=${LIMIT:--1}
mkdir -p "$W"
cd "$W"
DB=calib.db
stamp() { echo "[$(date -u +%H:%M:%S)] $*"; }
q() { sqlite3 "$DB" "$1"; }

[ -d jets ] || nice -n 15 "$SNAC" data gen --out jets --train 20000 --val 5000 --test 5000 --seed "$DATA_SEED" > /dev/null
cat > search.yaml <<YAML
training: {batch_size: 128, threads: 1}
data: {format: hdf5, files: [jets/train, jets/val], test_files: [jets/test], constituents: 8,
       features: [pt, etarel, phirel], normalisation: robust, val_fraction: 0.2, seed: 1}
search: {trials: $TRIALS, population: $TRIALS, epochs: 3, seed: $SEARCH_SEED, workers: 2,
         objectives: [accuracy, avg_resource_pct]}
search_space: {layers: [1, 2, 3, 4], widths: [[8, 16, 32, 64], [8, 16, 32], [8, 16], [8, 16]],
               activation: [relu, tanh, sigmoid], batch_norm: [true, false]}
YAML
echo 'local: {warmup_epochs: 2, iterations: 4, prune_rate: 0.45, prune_epochs: 2, bits: [4, 6, 8]}' > local.yaml

if [ "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'runs'" 2>/dev/null || echo 0)" = 0 ] ||
   [ "$(q "SELECT count(*) FROM runs WHERE kind = 'search' AND status = 'done'")" = 0 ]; then
    stamp "search: $TRIALS trials"
    nice -n 15 "$SNAC" search -c search.yaml --db "$DB" --quiet > search.txt
fi
stamp "local search: 4, 6 and 8 bits for the first trial of each architecture (widths + activation)"
for t in $(q "SELECT min(id) FROM trials WHERE run_id = 1 AND status = 'done'
              GROUP BY json_extract(arch, '$.hidden'), json_extract(arch, '$.activation') ORDER BY 1"); do
    [ "$(q "SELECT count(*) FROM local_iterations WHERE source_trial_id = $t")" -gt 0 ] && continue
    nice -n 15 "$SNAC" local -c local.yaml --trial "$t" --db "$DB" --quiet > /dev/null
done
# chain k (in order of source trial and bit width) synthesizes iterations (k mod 5) and
# ((k + 2) mod 5): pass 1 takes the first of each chain, pass 2 the second
chains="SELECT source_trial_id AS t, bits, row_number() OVER (ORDER BY source_trial_id, bits) - 1 AS k
        FROM local_iterations GROUP BY source_trial_id, bits"
pass() {
    q "WITH c AS ($chains) SELECT li.model_id FROM local_iterations li JOIN c
       ON li.source_trial_id = c.t AND li.bits = c.bits
       WHERE li.iteration = (c.k + $1) % 5 ORDER BY c.k LIMIT $LIMIT"
}
start=$(date +%s)
if [ -n "${MODELS:-}" ]; then
    stamp "synth: $(echo "$MODELS" | wc -w) models, $JOBS jobs"
    # shellcheck disable=SC2086
    flock "$LOCK" nice -n 15 "$SNAC" synth $MODELS --db "$DB" --jobs "$JOBS" --quiet | tail -1 || true
    PASSES=""
fi
for p in $PASSES; do
    models=$(pass $p)
    stamp "synth pass $p: $(echo "$models" | wc -w) models, $JOBS jobs"
    # shellcheck disable=SC2086
    flock "$LOCK" nice -n 15 "$SNAC" synth $models --db "$DB" --jobs "$JOBS" --quiet | tail -1 || true
done
stamp "synth wall $(( $(date +%s) - start )) s"
q "SELECT 'results: ' || count(*) || ' rows, ' || count(DISTINCT json_extract(m.arch, '$.hidden')) || ' architectures'
   FROM synthesis_results s JOIN models m ON m.id = s.model_id WHERE s.toolchain = 'yosys'"
