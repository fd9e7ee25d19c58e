#!/usr/bin/env bash
# `snac ablate` on a tiny config: two objective sets (nac, snac-refit) x 2 seeds through Yosys, the
# ablation's own refit in between; the stored comparison is checked against an independent
# computation from its own per-model rows (hypervolume by a plain 2-D sweep in awk, MAPE in SQL),
# and the exports, the rerun and the errors.
# usage: test_ablate.sh SNAC
set -u
SNAC=$(realpath "$1")
. "$(dirname "$0")/../lib.sh"
command -v yosys > /dev/null || { echo "SKIP: yosys not installed"; exit 77; }

cat > a.yaml <<'YAML'
training: {batch_size: 128, threads: 1}
data: {format: hdf5, files: [jets/train, jets/val], test_files: [jets/test], constituents: 8,
       features: [pt, etarel, phirel], normalisation: robust, val_fraction: 0.2, seed: 1}
output: {db: a.db, run_name: tiny-ablate}
search: {trials: 8, population: 4, epochs: 1, seed: 11, workers: 2,
         objectives: [accuracy, avg_resource_pct, latency_cycles], seed_architectures: []}
search_space: {layers: [1, 2], widths: [[4, 8], [4, 8]], activation: [relu], batch_norm: [false]}
deploy: {toolchain: vivado-2019.1}
local: {warmup_epochs: 1, iterations: 2, prune_rate: 0.5, prune_epochs: 1, bits: [6]}
pipeline:
  data: {out: jets, train: 3000, val: 1000, test: 1000, seed: 7}
  select: {min_acc: 0, top_k: 2}
  build: {every: 0, max_models: 2}
  synth: {jobs: 2, timeout: 300, work: work}
ablate: {seeds: 2, sets: [nac, snac-refit]}
YAML
"$SNAC" ablate -c a.yaml --csv a.csv --json a.json > a.out 2> a.err
rc=$?
check "ablate exits 0" test $rc = 0
[ $rc = 0 ] || cat a.out a.err
q() { sqlite3 a.db "$1"; }
check "four member pipelines under the ablate run, the refit sets last" \
    test "$(q "SELECT group_concat(name) FROM runs WHERE kind = 'pipeline' AND parent_id = 1 ORDER BY id")" = \
    "nac/seed0,nac/seed1,snac-refit/seed0,snac-refit/seed1"
check "the seeds are search.seed + k" \
    test "$(q "SELECT group_concat(seed) FROM runs WHERE kind = 'search' ORDER BY id")" = "11,12,11,12"
check "nac searched accuracy + BOPs" \
    test "$(q "SELECT json_extract(t.objectives, '$.names') FROM trials t JOIN runs r ON r.id = t.run_id JOIN runs p
               ON p.id = r.parent_id WHERE p.name = 'nac/seed0' LIMIT 1")" = '["accuracy","bops_mac"]'
check "the refit set searched at yosys-0.23 with the ablation's refit" \
    test "$(q "SELECT json_extract(r.result, '$.surrogate_version') FROM runs r JOIN runs p ON p.id = r.parent_id
               WHERE p.name = 'snac-refit/seed0' AND r.kind = 'search'")" = \
    "$(q "SELECT json_extract(detail, '$.version') FROM pipeline_stages WHERE run_id = 1 AND stage = 'refit'")"
check "one comparison row per set and seed" test "$(q "SELECT count(*) FROM ablation_sets WHERE run_id = 1")" = 4
check "every built model has a row" \
    test "$(q "SELECT count(*) FROM ablation_models")" = \
    "$(q "SELECT sum(json_array_length(detail, '$.models')) FROM pipeline_stages WHERE stage = 'build' AND status = 'done'")"
check "the models' Yosys numbers are the synthesis rows'" \
    test "$(q "SELECT count(*) FROM ablation_models a JOIN synthesis_results s ON s.id = a.synthesis_id
               WHERE s.lut = a.lut AND s.ff = a.ff AND s.latency_best = a.latency")" = "$(q "SELECT count(*) FROM ablation_models")"

# the hypervolume of (1 - test acc, LUT / ref) against (1, 1), ref = 1.1 x the largest LUT, by a plain sweep
hv_ref() { # hv_ref SET SEED
    q "SELECT 1 - a.test_acc, a.lut / (SELECT 1.1 * max(lut) FROM ablation_models) FROM ablation_models a
       WHERE objective_set = '$1' AND seed = $2 AND lut IS NOT NULL ORDER BY 1, 2" |
    awk -F'|' 'BEGIN { best = 1; hv = 0 } { if ($2 < best) { hv += (1 - $1) * (best - $2); best = $2 } }
               END { printf "%.9f\n", hv }'
}
for s in nac snac-refit; do
    for k in 0 1; do
        check "$s/seed$k: stored HV(acc, LUT) equals a plain 2-D sweep" \
            test "$(q "SELECT printf('%.9f', hv_lut) FROM ablation_sets WHERE objective_set = '$s' AND seed = $k")" = \
            "$(hv_ref $s $k)"
        check "$s/seed$k: stored LUT MAPE equals SQL's" \
            test "$(q "SELECT printf('%.6f', mape_lut) FROM ablation_sets WHERE objective_set = '$s' AND seed = $k")" = \
            "$(q "SELECT printf('%.6f', 100 * avg(abs(pred_lut - lut) / lut)) FROM ablation_models
                  WHERE objective_set = '$s' AND seed = $k AND lut > 0")"
    done
done
# the difference to nac for 2 seeds: the mean of the two paired differences
check "the difference to nac is the mean paired difference" \
    test "$(awk '/^snac-refit +[-+]/ { print $5 }' a.out)" = \
    "$(q "SELECT printf('%+.4f', avg(r.hv_lut - n.hv_lut)) FROM ablation_sets r JOIN ablation_sets n ON n.seed = r.seed
          WHERE r.objective_set = 'snac-refit' AND n.objective_set = 'nac'")"
check "table printed with the difference to nac" grep -q "difference to nac" a.out
check "CSV has a header and four rows" test "$(wc -l < a.csv)" = 5
check "CSV header" test "$(head -1 a.csv)" = \
    "objective_set,seed,n_models,n_failed,best_test_acc,min_lut,min_latency,hv_acc_lut,hv_acc_latency,mape_lut,mape_latency"
check "JSON is valid" test "$(sqlite3 :memory: "SELECT json_valid(readfile('a.json'))")" = 1

# the same command again: members found done, the same comparison
before=$(q "SELECT * FROM ablation_sets" | md5sum)
"$SNAC" ablate -c a.yaml > b.out 2>&1
check "rerun exits 0" test $? = 0
check "rerun finds the members done" test "$(grep -c 'found done' b.out)" = 4
check "rerun gives the same comparison" test "$(q "SELECT * FROM ablation_sets" | md5sum)" = "$before"
"$SNAC" ablate --show 1 --db a.db > c.out 2>&1
check "--show prints the stored table" grep -q "snac-refit" c.out

# errors: an unknown set names file:line:column and touches no store; usage errors exit 2
sed 's/sets: \[nac, snac-refit\]/sets: [nac, sanc]/; s/db: a.db/db: e.db/' a.yaml > e.yaml
"$SNAC" ablate -c e.yaml > e.out 2>&1
check "unknown set: exit 1" test $? = 1
check "unknown set: named with its place" grep -q "e.yaml:[0-9]*:[0-9]*:.*sanc" e.out
check "unknown set: no store" test ! -e e.db
"$SNAC" ablate -c a.yaml --seeds 0 > /dev/null 2>&1
check "--seeds 0: usage exit 2" test $? = 2
"$SNAC" ablate --show 1 > /dev/null 2>&1
check "--show without --db: usage exit 2" test $? = 2

exit $((fails > 0))
