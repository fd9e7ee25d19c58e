#!/usr/bin/env bash
# The surrogate loop on our own models (issue 10), end to end on simulated jets:
#   a 40-trial, one-generation search over 1-3 hidden layers (many architectures), `snac local` on
#   one trial of each architecture (6 and 8 bits, warm-up + 4 x 30% pruning), `snac synth` (Yosys)
#   of iterations 0, 2 and 4, then `snac validate` with the shipped yosys default, `snac refit`
#   (5 folds by architecture), `snac validate` again, and a search with deploy.toolchain yosys-0.23
#   that uses the refitted version. About 25 minutes on 2 cores, almost all of it Yosys.
# usage: benchmarks/yosys_loop.sh build/snac WORKDIR [JOBS]   (WORKDIR is created; reruns resume)
set -euo pipefail
SNAC=$(realpath "$1")
W=$2
JOBS=${3:-2}
mkdir -p "$W"
cd "$W"
DB=loop.db
stamp() { echo "[$(date -u +%H:%M:%S)] $*"; }

[ -d jets ] || "$SNAC" data gen --out jets --train 20000 --val 5000 --test 5000 --seed 7 > /dev/null
cat > search.yaml <<'YAML'
training: {batch_size: 128, threads: 1}
data: {format: hdf5, files: [jets/train, jets/val], test_files: [jets/test], constituents: 8,
       features: [pt, etarel, phirel], normalisation: robust, val_fraction: 0.2, seed: 1}
search: {trials: 40, population: 40, epochs: 3, seed: 11, workers: 2, objectives: [accuracy, avg_resource_pct]}
search_space: {layers: [1, 2, 3], widths: [[4, 8, 16, 24], [4, 8, 12], [4, 8]], activation: [relu],
               batch_norm: [true, false]}
YAML
echo 'local: {warmup_epochs: 2, iterations: 4, prune_rate: 0.3, prune_epochs: 2, bits: [6, 8]}' > local.yaml
q() { sqlite3 "$DB" "$1"; }

if [ "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'runs'" 2>/dev/null || echo 0)" = 0 ] ||
   [ "$(q "SELECT count(*) FROM runs WHERE kind = 'search' AND status = 'done'")" = 0 ]; then
    stamp "search"
    "$SNAC" search -c search.yaml --db "$DB" --quiet > search.txt
fi
stamp "local search: one chain per bit width for the first trial of each architecture"
for t in $(q "SELECT min(id) FROM trials WHERE run_id = 1 GROUP BY json_extract(arch, '$.hidden') ORDER BY 1"); do
    [ "$(q "SELECT count(*) FROM local_iterations WHERE source_trial_id = $t")" -gt 0 ] && continue
    "$SNAC" local -c local.yaml --trial "$t" --db "$DB" --quiet > /dev/null
done
models=$(q "SELECT model_id FROM local_iterations WHERE iteration IN (0, 2, 4) ORDER BY model_id")
stamp "synth: $(echo "$models" | wc -w) models, $JOBS jobs"
start=$(date +%s)
# shellcheck disable=SC2086
"$SNAC" synth $models --db "$DB" --jobs "$JOBS" --quiet | tail -1
stamp "synth wall $(( $(date +%s) - start )) s"

stamp "validate with the shipped default (HLS coefficients)"
"$SNAC" validate --db "$DB" --toolchain yosys-0.23 --no-store | sed -n '1,12p'
stamp "refit, 5 folds by architecture"
"$SNAC" refit --db "$DB" --toolchain yosys-0.23 --kfold 5
stamp "validate with the refitted version (in sample)"
"$SNAC" validate --db "$DB" --toolchain yosys-0.23 --no-store | sed -n '3,12p'
stamp "a search with deploy.toolchain yosys-0.23 uses it"
{ sed 's/seed: 11/seed: 12/; s/trials: 40, population: 40/trials: 10, population: 10/' search.yaml
  echo 'deploy: {toolchain: yosys-0.23}'; } > search_yosys.yaml
"$SNAC" search -c search_yosys.yaml --db "$DB" --progress > search_yosys.txt 2>&1
grep -m1 "surrogate version" search_yosys.txt
q "SELECT 'active yosys version: ' || id || ' ' || name FROM surrogate_versions WHERE toolchain = 'yosys-0.23' AND active = 1"
