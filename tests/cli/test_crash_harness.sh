#!/usr/bin/env bash
# Crash harness (issue 13): SIGKILL `snac search`, `snac train` and `snac ingest` at random
# moments, then check the store — PRAGMA integrity_check, no duplicate rows, no partial
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
[ -e c.db ] && store_sane c.db || ok=0
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

echo "$fails failed"
test $fails -eq 0
