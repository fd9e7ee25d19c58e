#!/usr/bin/env bash
# Crash harness (issue 13; `snac local` and `snac synth` since issue 24): SIGKILL `snac search`,
# `snac train`, `snac ingest`, `snac local` and `snac synth` at random moments, then check the store — PRAGMA integrity_check, no duplicate rows, no partial
# rows (a trained trial without its model or predictions, a model of a run not done, a
# report with only some of its rows) — resume or re-run, and compare the final result
# with an uninterrupted run's.
#
#   test_crash_harness.sh SNAC FIXTURES [KILLS [SEED]]
# CI runs KILLS=3 (seconds); a longer hunt: KILLS=50. SEED makes the kill times repeatable
# (printed at the start). Kill moments are uniform in a window matched to each command's
# run time (searches are slowed with SNAC_SEARCH_PAUSE_MS so a kill can land anywhere).
set -u
SNAC=$1
FIX=$2
KILLS=${3:-3}
SEED=${4:-$$}
RANDOM=$SEED
echo "crash harness: $KILLS kills per command, seed $SEED"
. "$(dirname "$0")/../lib.sh"
q() { sqlite3 "$1" "$2"; }
# run_and_kill MAX_MS CMD...: start CMD, SIGKILL it after a random 0..MAX_MS ms (if still running)
run_and_kill() {
    local max=$1; shift
    "$@" > /dev/null 2>&1 &
    local pid=$!
    local ms=$((RANDOM % max))
    sleep "$(printf '0.%03d' "$ms")"
    kill -KILL $pid 2> /dev/null
    wait $pid 2> /dev/null
    return 0
}
# store_sane DB: integrity and no duplicate or partial rows
store_sane() {
    local db=$1
    [ "$(q "$db" 'PRAGMA integrity_check')" = ok ] || { echo "  integrity_check failed: $db"; return 1; }
    # killed before the schema was created (in one transaction): an empty database, no rows to check
    [ "$(q "$db" 'PRAGMA user_version')" -eq 0 ] && [ "$(q "$db" 'SELECT count(*) FROM sqlite_master')" -eq 0 ] && return 0
    [ "$(q "$db" 'SELECT count(*) FROM (SELECT 1 FROM trials GROUP BY run_id, generation, idx HAVING count(*) > 1)')" -eq 0 ] ||
        { echo "  duplicate trials"; return 1; }
    [ "$(q "$db" "SELECT count(*) FROM trials WHERE status = 'done' AND (model_id IS NULL OR
          (SELECT count(*) FROM predictions p WHERE p.model_id = trials.model_id) = 0)")" -eq 0 ] ||
        { echo "  a trained trial without its model or predictions"; return 1; }
    [ "$(q "$db" "SELECT count(*) FROM models m JOIN runs r ON r.id = m.run_id WHERE r.kind = 'train' AND r.status <> 'done'")" -eq 0 ] ||
        { echo "  a model of an unfinished training run"; return 1; }
    [ "$(q "$db" "SELECT count(*) FROM runs WHERE status = 'done' AND kind = 'train' AND id NOT IN (SELECT run_id FROM models)")" -eq 0 ] ||
        { echo "  a done training run without its model"; return 1; }
    return 0
}

blobs_csv 400 > d.csv
cat > s.yaml <<YAML
training: {batch_size: 32}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.25, test_fraction: 0.1, seed: 2}
search: {trials: 24, population: 4, epochs: 1, seed: 3, workers: 2, objectives: [accuracy, bops_mac]}
search_space: {layers: [1, 2], widths: [[8, 16], [4, 8]]}
YAML
cat > t.yaml <<YAML
model: {hidden: [16, 8], activation: relu, batch_norm: true}
training: {epochs: 30, batch_size: 32, learning_rate: 0.01, seed: 1}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.2, test_fraction: 0.2, seed: 1}
YAML
trials() { q "$1" "SELECT generation, idx, status, genome, printf('%.6f', accuracy), same_as IS NULL FROM trials WHERE run_id = 1 ORDER BY generation, idx"; }

# ---------------------------------------------------------------- search
"$SNAC" search -c s.yaml --db ref.db --quiet > /dev/null 2>&1
check "reference search" test "$(q ref.db 'SELECT status FROM runs')" = done
ok=1
rm -f c.db*
run_and_kill 600 env SNAC_SEARCH_PAUSE_MS=40 "$SNAC" search -c s.yaml --db c.db --quiet
for k in $(seq 2 "$KILLS"); do
    [ -e c.db ] && store_sane c.db || { [ -e c.db ] && ok=0; }
    if [ -n "$(q c.db 'SELECT id FROM runs WHERE id = 1' 2> /dev/null)" ]; then
        run_and_kill 600 env SNAC_SEARCH_PAUSE_MS=40 "$SNAC" search --resume 1 --db c.db --workers $((1 + RANDOM % 3)) --quiet
    else # killed before the run row was committed: start again
        rm -f c.db*
        run_and_kill 600 env SNAC_SEARCH_PAUSE_MS=40 "$SNAC" search -c s.yaml --db c.db --quiet
    fi
done
# killed before SQLite created the file: nothing to check (the run below starts it again)
{ [ ! -e c.db ] || store_sane c.db; } || ok=0
if [ -n "$(q c.db 'SELECT id FROM runs WHERE id = 1' 2> /dev/null)" ]; then
    "$SNAC" search --resume 1 --db c.db --quiet > /dev/null 2> resume_err.txt || { cat resume_err.txt; ok=0; }
else
    rm -f c.db*
    "$SNAC" search -c s.yaml --db c.db --quiet > /dev/null 2>&1 || ok=0
fi
check "search: the store stayed sane after every kill" test $ok -eq 1
check "search: finished after the kills" test "$(q c.db 'SELECT status FROM runs WHERE id = 1')" = done
check "search: same trials as the uninterrupted run" test "$(trials c.db)" = "$(trials ref.db)"
check "search: store sane at the end" store_sane c.db

# ---------------------------------------------------------------- train
"$SNAC" train -c t.yaml --db tref.db --quiet > tref.txt 2>&1
ok=1
rm -f tc.db*
for k in $(seq "$KILLS"); do
    run_and_kill 400 env SNAC_TRAIN_PAUSE_MS=10 "$SNAC" train -c t.yaml --db tc.db --quiet
    [ ! -e tc.db ] || store_sane tc.db || ok=0
done
check "train: the store stayed sane after every kill" test $ok -eq 1
if [ -e tc.db ]; then
    "$SNAC" runs --db tc.db > runs.txt 2>&1
    check "train: no killed run is listed as running" test "$(grep -c ' running ' runs.txt)" -eq 0
fi
"$SNAC" train -c t.yaml --db tc.db --quiet > tc.txt 2>&1
check "train: a re-run finishes" test $? -eq 0
acc() { sed -n 's/.*test accuracy \([0-9.]*\), test loss \([0-9.]*\).*/\1 \2/p' "$1"; }
check "train: same test accuracy and loss as the uninterrupted run" test "$(acc tc.txt)" = "$(acc tref.txt)"
check "train: store sane at the end" store_sane tc.db

# ---------------------------------------------------------------- ingest
R=$FIX/validation
files=("$R"/rf_sweeps/*.csv)
"$SNAC" ingest --db iref.db --csv "${files[@]}" > /dev/null 2>&1
rows() { q "$1" "SELECT source_sha256, source_row, lut, ff, dsp, latency_worst FROM synthesis_results ORDER BY source_sha256, source_row"; }
per_file() { q "$1" "SELECT source_sha256 || ':' || count(*) FROM synthesis_results GROUP BY source_sha256 ORDER BY 1"; }
ok=1
rm -f ic.db*
for k in $(seq "$KILLS"); do
    run_and_kill 120 "$SNAC" ingest --db ic.db --csv "${files[@]}"
    if [ -e ic.db ]; then
        store_sane ic.db || ok=0
        # every file is all in or all out: its row count is the reference's
        comm -23 <(per_file ic.db) <(per_file iref.db) > partial.txt
        [ -s partial.txt ] && { echo "  partial file:"; cat partial.txt; ok=0; }
    fi
done
check "ingest: no partial file and a sane store after every kill" test $ok -eq 1
"$SNAC" ingest --db ic.db --csv "${files[@]}" > /dev/null 2>&1
check "ingest: a re-run finishes" test $? -eq 0
check "ingest: the same rows as the uninterrupted ingest" test "$(rows ic.db)" = "$(rows iref.db)"

# ---------------------------------------------------------------- local (issue 24)
# the search above (ref.db, run 1) is the source; `snac local` killed, then resumed; the end must be
# the uninterrupted run's iterations and model bytes
cat > l.yaml <<YAML
local: {warmup_epochs: 2, iterations: 4, prune_rate: 0.5, prune_epochs: 2, bits: [4, 6], batch_size: 32, seed: 4}
YAML
cp ref.db lref.db
"$SNAC" local -c l.yaml --run 1 --best --db lref.db --quiet > /dev/null 2>&1
check "reference local run" test "$(q lref.db 'SELECT status FROM runs WHERE id = 2')" = done
iters() { q "$1" "SELECT li.bits, li.iteration, printf('%.6f %.6f', li.sparsity, li.val_acc), hex(m.qmodel) FROM local_iterations li
                  JOIN models m ON m.id = li.model_id WHERE li.run_id = 2 ORDER BY li.bits, li.iteration"; }
local_sane() { # no iteration without its quantized model, none twice
    [ "$(q "$1" 'SELECT count(*) FROM local_iterations li LEFT JOIN models m ON m.id = li.model_id
                 WHERE m.id IS NULL OR m.qmodel IS NULL')" -eq 0 ] || { echo "  an iteration without its model"; return 1; }
    [ "$(q "$1" 'SELECT count(*) FROM (SELECT 1 FROM local_iterations GROUP BY run_id, source_trial_id, bits, iteration
                 HAVING count(*) > 1)')" -eq 0 ] || { echo "  an iteration stored twice"; return 1; }
}
ok=1
cp ref.db lc.db
for k in $(seq "$KILLS"); do
    if [ -n "$(q lc.db "SELECT id FROM runs WHERE id = 2")" ]; then
        run_and_kill 900 env SNAC_LOCAL_PAUSE_MS=30 "$SNAC" local --resume 2 --db lc.db --quiet
    else
        run_and_kill 900 env SNAC_LOCAL_PAUSE_MS=30 "$SNAC" local -c l.yaml --run 1 --best --db lc.db --quiet
    fi
    { store_sane lc.db && local_sane lc.db; } || ok=0
done
check "local: the store stayed sane after every kill" test $ok -eq 1
if [ -n "$(q lc.db "SELECT id FROM runs WHERE id = 2")" ]; then
    "$SNAC" local --resume 2 --db lc.db --quiet > /dev/null 2> lres.txt || { cat lres.txt; }
else
    "$SNAC" local -c l.yaml --run 1 --best --db lc.db --quiet > /dev/null 2>&1
fi
check "local: finished after the kills" test "$(q lc.db 'SELECT status FROM runs WHERE id = 2')" = done
check "local: the same iterations and model bytes as the uninterrupted run" test "$(iters lc.db)" = "$(iters lref.db)"

# ---------------------------------------------------------------- synth (issue 24)
# a stand-in yosys (1 s, then the recorded stat -json of tests/fixtures/export) keeps this fast;
# killed snac synth must leave no yosys running, a sane store, and a re-run that completes with
# the uninterrupted run's rows (the real Yosys: tests/export/test_synth_cli.sh)
mkdir -p fakebin
cat > fakebin/yosys <<SH
#!/bin/sh
[ "\$1" = -V ] && { echo "Yosys 0.23 (git sha1 crash-harness)"; exit 0; }
sleep 1
stat=\$(sed -n 's/^tee -q -o \\([^ ]*\\) stat -json.*/\\1/p' "\$5")
ltp=\$(sed -n 's/^tee -q -o \\([^ ]*\\) ltp .*/\\1/p' "\$5")
cp "$FIX/export/yosys_stat_design.json" "\$stat" && cp "$FIX/export/yosys_ltp.txt" "\$ltp" && echo done > "\$3"
SH
chmod +x fakebin/yosys
models=$(q lref.db "SELECT group_concat(model_id, ' ') FROM local_iterations WHERE run_id = 2 AND iteration >= 3")
synth_rows() { q "$1" "SELECT model_id, source_kind, lut, ff, bram18 FROM synthesis_results ORDER BY model_id"; }
cp lref.db sref.db
PATH=$work/fakebin:$PATH "$SNAC" synth $models --db sref.db --work swref --jobs 2 --quiet > /dev/null 2>&1
check "reference synth (stand-in yosys)" test "$(q sref.db "SELECT count(*) FROM synthesis_results WHERE source_kind = 'yosys'")" -eq 4
ok=1
cp lref.db sc.db
for k in $(seq "$KILLS"); do
    run_and_kill 1800 env PATH="$work/fakebin:$PATH" "$SNAC" synth $models --db sc.db --work swc --jobs 2 --quiet
    sleep 0.2
    # this harness's own stand-in only (other users' yosys runs are not ours to look at)
    left=$(pgrep -f "$work/fakebin/yosys -q")
    [ -z "$left" ] || { echo "  a yosys outlived its killed snac synth: $left"; ok=0; kill -KILL $left 2> /dev/null; }
    # the stand-in's `sleep` (a child of the killed yosys) holds the work folder's lock until it ends
    [ ! -e swc/.snac_synth.lock ] || flock -w 5 swc/.snac_synth.lock true
    store_sane sc.db || ok=0
    [ "$(q sc.db "SELECT count(*) FROM (SELECT 1 FROM synthesis_results GROUP BY model_id HAVING count(*) > 1)")" -eq 0 ] ||
        { echo "  a model with two synthesis rows"; ok=0; }
done
check "synth: no yosys left running and a sane store after every kill" test $ok -eq 1
PATH=$work/fakebin:$PATH "$SNAC" synth $models --db sc.db --work swc --jobs 2 --quiet > sres.txt 2>&1
check "synth: a re-run finishes" test $? -eq 0 || cat sres.txt
check "synth: the same rows as the uninterrupted run" test "$(synth_rows sc.db)" = "$(synth_rows sref.db)"

echo "$fails failed"
test $fails -eq 0
