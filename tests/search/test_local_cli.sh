#!/usr/bin/env bash
# End-to-end `snac local` on tiny simulated jets: a global search, then QAT + iterative pruning
# of its best trial; every iteration stored with its quantized model; a local run killed after
# its second stored iteration and resumed ends with the same bytes as an uninterrupted one;
# a search that kept no weights is retrained; the local front prints and exports; bad configs
# fail with file:line:column before the store is touched; bad usage exits 2.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"
q() { sqlite3 "$work/s.db" "$1"; }

"$SNAC" data gen --out jets --train 2400 --val 600 --test 600 --seed 5 > /dev/null || exit 1
cat > s.yaml <<YAML
training: {batch_size: 64, threads: 1}
data: {format: hdf5, files: [jets/train, jets/val], test_files: [jets/test], constituents: 8,
       features: [pt, etarel, phirel], normalisation: robust, val_fraction: 0.2, seed: 1}
output: {db: s.db}
search: {trials: 4, population: 2, epochs: 1, seed: 3, workers: 1, store_models: STORE,
         objectives: [accuracy, avg_resource_pct]}
search_space: {layers: [2], widths: [[16, 32], [8, 16]], activation: [relu, tanh]}
YAML
sed 's/STORE/true/' s.yaml > s1.yaml
"$SNAC" search -c s1.yaml --quiet > /dev/null 2>&1
check "global search ran" test "$(q "SELECT status FROM runs WHERE id = 1")" = done
cat > l.yaml <<YAML
local: {warmup_epochs: 1, iterations: 3, prune_rate: 0.2, prune_epochs: 1, bits: [6, 8], batch_size: 64, seed: 9}
YAML
"$SNAC" local -c l.yaml --run 1 --best --db s.db --quiet > out.txt 2> err.txt
check "local exits 0" test $? -eq 0
check "  prints the local front" grep -q "iterations on the front" out.txt
check "  quiet" test ! -s err.txt
check "2 chains x 4 iterations stored" test "$(q "SELECT count(*) FROM local_iterations WHERE run_id = 2")" -eq 8
check "every iteration has its quantized model" \
    test "$(q "SELECT count(*) FROM local_iterations i JOIN models m ON m.id = i.model_id WHERE m.qmodel IS NOT NULL")" -eq 8
check "iteration 3 reaches 1 - 0.8^3 = 0.488" \
    test "$(q "SELECT count(*) FROM local_iterations WHERE iteration = 3 AND abs(sparsity - 0.488) < 0.01")" -eq 2
check "sparsity never drops along a chain" test "$(q "SELECT count(*) FROM local_iterations a JOIN local_iterations b
    ON a.run_id = b.run_id AND a.bits = b.bits AND b.iteration = a.iteration + 1 WHERE b.sparsity < a.sparsity")" -eq 0
check "surrogate predictions stored per iteration" \
    test "$(q "SELECT count(DISTINCT p.model_id) FROM predictions p JOIN local_iterations i ON i.model_id = p.model_id")" -eq 8
check "run is done" test "$(q "SELECT status FROM runs WHERE id = 2")" = done
# `snac predict --model` of a quantized model uses its own types and integer weights: the same
# estimate the local run stored (a float model's 16-bit defaults gave about 3x the LUTs)
m6=$(q "SELECT model_id FROM local_iterations WHERE run_id = 2 AND bits = 6 AND iteration = 3")
stored=$(q "SELECT json_extract(predictions, '$.lut') FROM local_iterations WHERE model_id = $m6")
now=$("$SNAC" predict --model "$m6" --db s.db --json | sed -n 's/.*"targets":{"lut":\([^,]*\),.*/\1/p')
check "predict --model of a 6-bit iteration == its stored prediction ($now vs $stored)" \
    awk -v a="$now" -v b="$stored" 'BEGIN { d = a - b; exit !(b > 0 && (d < 0 ? -d : d) <= 1e-9 * b) }'

# a kill after the 2nd stored iteration, then --resume: the same final bytes
SNAC_LOCAL_KILL_AFTER=2 "$SNAC" local -c l.yaml --run 1 --best --db s.db --quiet > /dev/null 2>&1
check "killed run left 2 iterations" test "$(q "SELECT count(*) FROM local_iterations WHERE run_id = 3")" -eq 2
"$SNAC" local --resume 3 --db s.db --quiet > res.txt 2>&1
check "resume exits 0" test $? -eq 0
check "  found 2 stored" grep -q "6 iterations stored here, 2 found stored" res.txt
same=$(q "SELECT count(*) FROM local_iterations a JOIN local_iterations b ON a.source_trial_id = b.source_trial_id
    AND a.bits = b.bits AND a.iteration = b.iteration JOIN models ma ON ma.id = a.model_id JOIN models mb ON mb.id = b.model_id
    WHERE a.run_id = 2 AND b.run_id = 3 AND ma.qmodel = mb.qmodel AND ma.weights = mb.weights AND a.val_acc = b.val_acc")
check "resumed run equals the uninterrupted one (8 iterations, bytes and accuracies)" test "$same" -eq 8

# SIGINT: the run stops after the epoch, is marked interrupted, says how to resume; snac runs agrees
set -m # job control: the background job does not ignore SIGINT
SNAC_LOCAL_PAUSE_MS=200 "$SNAC" local -c l.yaml --run 1 --best --db s.db --quiet > /dev/null 2> int.txt &
pid=$!
set +m
for _ in $(seq 50); do [ "$(q "SELECT count(*) FROM local_iterations WHERE run_id = 4")" -ge 1 ] && break; sleep 0.1; done
kill -INT $pid
wait $pid
check "SIGINT: exit 1" test $? -eq 1
check "  marked interrupted" test "$(q "SELECT status FROM runs WHERE id = 4")" = interrupted
check "  says how to resume" grep -q "snac local --resume 4 --db s.db" int.txt
"$SNAC" runs --db s.db > runs.txt
check "snac runs: local run 4 interrupted, next is its resume" grep -q "^ *4  local .*interrupted.*snac local --resume 4" runs.txt
check "snac runs: local run 2 done, next is its front" grep -q "^ *2  local .*done.*snac local --front 2" runs.txt
"$SNAC" local --resume 4 --db s.db --quiet > /dev/null 2>&1
check "the interrupted run resumes to its 8 iterations" test "$(q "SELECT count(*) FROM local_iterations WHERE run_id = 4")" -eq 8

# the local front: pareto and --front exports
"$SNAC" pareto 2 --db s.db --all > p.txt
check "pareto of a local run" grep -q "local run 2:" p.txt
"$SNAC" local --front 2 --db s.db --csv f.csv --json f.json > /dev/null
check "front csv" grep -q "^front,trial,bits,iteration,sparsity,val_acc" f.csv
check "front csv has every iteration" test "$(($(wc -l < f.csv) - 1))" -eq 8
check "front json" grep -q '"iterations":\[{"front":' f.json

echo 'local: {warmup_epochs: 1, iterations: 1, prune_epochs: 1, bits: [8]}' > l1.yaml
# the paper's rule: every front member with validation accuracy >= X
nfront=$("$SNAC" pareto 1 --db s.db --csv - | awk -F, 'NR > 1 && $4 == 1' | wc -l)
"$SNAC" local -c l1.yaml --run 1 --min-acc 0 --db s.db --quiet > /dev/null 2>&1
run=$(q "SELECT max(id) FROM runs")
check "--min-acc 0: one chain per front member ($nfront)" \
    test "$(q "SELECT count(DISTINCT source_trial_id) FROM local_iterations WHERE run_id = $run")" -eq "$nfront"

# a search that kept no weights: the trial is retrained from its genome and seed
sed -e 's/STORE/false/' -e 's/db: s.db/db: n.db/' s.yaml > s2.yaml
"$SNAC" search -c s2.yaml --quiet > /dev/null 2>&1
"$SNAC" local -c l1.yaml --run 1 --best --db n.db --quiet > /dev/null 2>&1
check "retrained when the search kept no weights" test "$(sqlite3 n.db "SELECT count(*) FROM local_iterations")" -eq 2

# other data than the search trained on: refused, naming what changed
mv jets jets.orig
"$SNAC" data gen --out jets --train 2400 --val 600 --test 600 --seed 6 > /dev/null
"$SNAC" local -c l.yaml --run 1 --best --db s.db > /dev/null 2> e.txt
check "other data: exit 1" test $? -eq 1
check "  says the data differ" grep -q "trained on other data" e.txt
rm -rf jets && mv jets.orig jets

# bad configs: file:line:column, exit 1, store untouched
before=$(sha256sum s.db)
bad() { # bad DESCRIPTION YAML EXPECTED
    printf '%s\n' "$2" > bad.yaml
    "$SNAC" local -c bad.yaml --run 1 --best --db s.db > /dev/null 2> e.txt
    local rc=$?
    check "$1: exit 1" test $rc -eq 1
    check "$1: names file:line:column" grep -q "bad.yaml:[0-9]*:[0-9]*: .*$3" e.txt
}
bad "unknown precision" 'local: {input: "ap_fixed<8,3,AP_ROUND>"}' "unknown rounding mode 'AP_ROUND'"
bad "W < I (unsigned ReLU outputs)" 'local: {bits: [4], activation_integer: 6}' "W < I"
bad "bits 33" 'local: {bits: [8, 33]}' "bits"
bad "bits 0" 'local: {bits: [0]}' "bits"
# issue 24: the README's old sweep [4, 6, 8, 12, 16] stored 4..12, then failed at 16 and marked the run
# failed; 16 is refused at its own line:column (1:29 is the '16') before anything is stored
bad "bits 16 (any output layer sums > 32 bits)" 'local: {bits: [4, 6, 8, 12, 16]}' "16 bits is too wide"
check "  at the 16's line and column" grep -q "bad.yaml:1:29: local.bits: 16 bits is too wide: .* needs at least 33 bits.*at most 15 bits here" e.txt
bad "rate 1" 'local: {prune_rate: 1.0}' "prune_rate"
bad "rate 0" 'local: {prune_rate: 0}' "prune_rate"
bad "unknown key" 'local: {pruning_rate: 0.2}' "pruning_rate"
check "store untouched by bad configs" test "$(sha256sum s.db)" = "$before"
"$SNAC" local -c l.yaml --run 1 --min-acc 0.999 --db s.db > /dev/null 2> e.txt
check "--min-acc above the front: exit 1" test $? -eq 1
check "  says the best on the front" grep -q "best on the front is" e.txt
"$SNAC" local -c l.yaml --run 99 --best --db s.db > /dev/null 2> e.txt
check "unknown run: exit 1" test $? -eq 1
"$SNAC" local -c l.yaml --run 1 --best --db missing.db > /dev/null 2>&1
check "missing store: exit 1" test $? -eq 1
check "  not created" test ! -e missing.db
"$SNAC" local -c l.yaml --run 1 --db s.db > /dev/null 2>&1
check "no pick (--min-acc/--best/--trial): usage 2" test $? -eq 2
"$SNAC" local -c l.yaml --run 1 --best --trial 1 --db s.db > /dev/null 2>&1
check "two picks: usage 2" test $? -eq 2
"$SNAC" local --resume 1 --db s.db > /dev/null 2> e.txt
check "resume of a search run: exit 1" test $? -eq 1
check "  says it is not local" grep -q "not a local search" e.txt

echo "$fails failed"
test "$fails" -eq 0
