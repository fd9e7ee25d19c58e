#!/usr/bin/env bash
# Run lifecycle across real processes (issue 13, items 5, 8, 10): SIGINT/SIGTERM mark a
# run 'interrupted' and print how to resume; `snac runs` lists runs and shows a run whose
# process is gone (SIGKILL) as interrupted; a run being resumed is owned, and a second
# resume is refused without touching it; a resume on other data is refused naming what
# changed; a damaged search state is reported with the database and run (item 11); every
# interrupted run resumes to the trials of an uninterrupted one.
# Tiny CSV data; SNAC_SEARCH_PAUSE_MS / SNAC_TRAIN_PAUSE_MS slow runs down without CPU.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"
q() { sqlite3 "$1" "$2"; }
# wait_for DB SQL: until the query prints non-empty, non-zero (10 s at most)
wait_for() {
    for _ in $(seq 200); do
        v=$(sqlite3 "$1" "$2" 2>/dev/null); [ -n "$v" ] && [ "$v" != 0 ] && return 0; sleep 0.05
    done
    return 1
}
gen_csv() { # gen_csv SEED > file
    awk -v s="$1" 'BEGIN { srand(s); print "a,b,c,d,label";
      for (i = 0; i < 400; i++) { k = i % 3; printf "%.4f,%.4f,%.4f,%.4f,%s\n",
        k + 0.5 * (rand() - 0.5), -k + 0.5 * (rand() - 0.5), rand(), 2 * k + rand(), substr("xyz", k + 1, 1) } }'
}
gen_csv 7 > d.csv
cat > s.yaml <<YAML
training: {batch_size: 32}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.25, test_fraction: 0.1, seed: 2}
search:
  trials: 24
  population: 4
  epochs: 1
  seed: 3
  workers: 1
  objectives: [accuracy, bops_mac]
search_space:
  layers: [1, 2]
  widths: [[8, 16], [4, 8]]
YAML
trials() { q "$1" "SELECT generation, idx, status, genome, printf('%.6f', accuracy), same_as IS NULL FROM trials ORDER BY generation, idx"; }

"$SNAC" search -c s.yaml --db ref.db --quiet > /dev/null 2>&1
check "reference search exits 0" test $? -eq 0

# --- item 8: SIGINT mid-run (job control on, so the background job does not ignore SIGINT)
set -m
SNAC_SEARCH_PAUSE_MS=150 "$SNAC" search -c s.yaml --db s.db --quiet > out1.txt 2> err1.txt &
pid=$!
set +m
wait_for s.db "SELECT count(*) >= 2 FROM trials"
kill -INT $pid
wait $pid; rc=$?
check "SIGINT: exits 1" test $rc -eq 1
check "SIGINT: says interrupted and how to resume" grep -q "run 1 interrupted by SIGINT.*resume it with: snac search --resume 1 --db s.db" err1.txt
check "SIGINT: run marked interrupted" test "$(q s.db 'SELECT status FROM runs WHERE id = 1')" = interrupted
check "SIGINT: every trained trial row has its model" test "$(q s.db "SELECT count(*) FROM trials WHERE status = 'done' AND model_id IS NULL")" -eq 0
"$SNAC" runs --db s.db > runs1.txt
check "runs: lists the interrupted run with its resume command" grep -Eq "^ +1 +search .*interrupted .*snac search --resume 1 --db s.db" runs1.txt

# --- item 10: two resumes of one run at once (paused 400 ms a trial: the first must still be
# running after the second is refused and `snac runs` has read it, under ASan on a loaded machine)
SNAC_SEARCH_PAUSE_MS=400 "$SNAC" search --resume 1 --db s.db --quiet > out2.txt 2> err2.txt &
p1=$!
wait_for s.db "SELECT owner_pid = $p1 AND status = 'running' FROM runs WHERE id = 1"
check "first resume owns the run" test "$(q s.db 'SELECT owner_pid FROM runs WHERE id = 1')" = "$p1"
"$SNAC" search --resume 1 --db s.db --quiet > out3.txt 2> err3.txt
check "second resume is refused" test $? -eq 1
check "  naming the owner" grep -q "run 1 is being run by process $p1" err3.txt
check "  and leaves the run running" test "$(q s.db 'SELECT status FROM runs WHERE id = 1')" = running
"$SNAC" runs --db s.db > runs2.txt
check "runs: the resumed run is running" grep -Eq "^ +1 +search .*running " runs2.txt
wait $p1
check "first resume finishes" test $? -eq 0
check "run done" test "$(q s.db 'SELECT status FROM runs WHERE id = 1')" = done
"$SNAC" runs --db s.db > runs2b.txt
check "runs: done, the budget reached, the front as next step" grep -Eq "^ +1 +search .*done .* 24/24 trials +snac pareto 1 --db s.db" runs2b.txt
check "interrupted + resumed trials equal the uninterrupted run's" test "$(trials s.db)" = "$(trials ref.db)"
check "no duplicate trial rows" test "$(q s.db 'SELECT count(*) FROM (SELECT 1 FROM trials GROUP BY run_id, generation, idx HAVING count(*) > 1)')" -eq 0

# --- item 8: a killed process leaves 'running' in the file; runs shows interrupted
SNAC_SEARCH_KILL_AFTER=3 "$SNAC" search -c s.yaml --db k.db --quiet > /dev/null 2>&1
check "SIGKILL leaves status running in the file" test "$(q k.db 'SELECT status FROM runs WHERE id = 1')" = running
"$SNAC" runs --db k.db > runs3.txt
check "runs: a run whose process is gone is interrupted" grep -Eq "^ +1 +search .*interrupted .*snac search --resume 1 --db k.db" runs3.txt

# --- item 5: resume on other data is refused, naming the set that changed
cp d.csv d.orig
gen_csv 8 > d.csv
"$SNAC" search --resume 1 --db k.db --quiet > /dev/null 2> err4.txt
check "resume on other data fails" test $? -eq 1
check "  naming what changed" grep -q "k.db: run 1 was started on other data than data.files reads now (train 260x4 [0-9a-f]* then, train 260x4 [0-9a-f]* now" err4.txt
check "  and does not take the run over" test "$(q k.db 'SELECT count(*) FROM trials')" -eq 3
cp d.orig d.csv
"$SNAC" search --resume 1 --db k.db --quiet > /dev/null 2>&1
check "resume on the same data finishes" test $? -eq 0
check "  with the uninterrupted run's trials" test "$(trials k.db)" = "$(trials ref.db)"

# --- item 11: a damaged search state names the database and the run
SNAC_SEARCH_KILL_AFTER=6 "$SNAC" search -c s.yaml --db st.db --quiet > /dev/null 2>&1
sqlite3 st.db "UPDATE runs SET state = CAST(substr(state, 1, 40) ||
  CASE WHEN hex(substr(state, 41, 1)) = '5A' THEN x'5b' ELSE x'5a' END || substr(state, 42) AS BLOB)"
"$SNAC" search --resume 1 --db st.db --quiet > /dev/null 2> err6.txt
check "damaged search state: resume fails" test $? -eq 1
check "  naming the database and the run" grep -q "st.db: run 1: stored search state: .*checksum mismatch" err6.txt

# --- item 8: SIGTERM stops a training run after its epoch, marked interrupted
cat > t.yaml <<YAML
model: {hidden: [8], activation: relu, batch_norm: false}
training: {epochs: 200, batch_size: 32, learning_rate: 0.01, seed: 1}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.2, test_fraction: 0.2, seed: 1}
YAML
SNAC_TRAIN_PAUSE_MS=50 "$SNAC" train -c t.yaml --db t.db --quiet > /dev/null 2> err5.txt &
pid=$!
wait_for t.db "SELECT count(*) >= 1 FROM epochs"
kill -TERM $pid
wait $pid
check "SIGTERM: train exits 1" test $? -eq 1
check "  run interrupted" test "$(q t.db 'SELECT status FROM runs')" = interrupted
"$SNAC" runs --db t.db > runs5.txt
check "  runs: epochs against the budget, the re-run command" grep -Eq "^ +1 +train .*interrupted .* [1-9][0-9]*/200 epochs +snac train -c t.yaml --db t.db" runs5.txt
check "  message" grep -q "run 1 interrupted by SIGTERM after epoch .*run \`snac train -c t.yaml\` again" err5.txt
check "  no model stored" test "$(q t.db 'SELECT count(*) FROM models')" -eq 0

# --- the reader of the output goes away (`snac search 2>&1 | head -1`): the run is marked
# interrupted (SIGPIPE used to kill it and leave it 'running')
SNAC_SEARCH_PAUSE_MS=20 "$SNAC" search -c s.yaml --db p.db --progress 2>&1 | head -1 > /dev/null
check "SIGPIPE: exit 1" test "${PIPESTATUS[0]}" -eq 1
check "  run marked interrupted, not left running" test "$(q p.db 'SELECT status FROM runs WHERE id = 1')" = interrupted

echo "$fails failed"
test $fails -eq 0
