#!/usr/bin/env bash
# Synthesis in the loop end to end (`synthesis:` section, tiny nets, Yosys): a closed-loop search
# picks candidates after each generation, Yosys synthesizes them in the background, the surrogate
# is refitted (force: the re-score path runs) and the population re-scored. Then the same search
#   b) killed with SIGKILL while syntheses are in flight (the synthesis process paused), resumed;
#   c) with the synthesis process killed right after it stored a row, before it marked its job;
# both end with exactly the rows of the uninterrupted run: the same jobs, one synthesis row per
# job linked to the trial's model, no duplicates, the same refits, trials and objectives. A
# section it cannot honour (another toolchain, no stored models, search.fidelity) is refused.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"
if ! command -v yosys > /dev/null; then
    echo "skip: no yosys on PATH"
    exit 77
fi
q() { sqlite3 "$1" "$2"; }

blobs_csv 400 > d.csv
cat > s.yaml <<YAML
training: {batch_size: 32}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.25, test_fraction: 0.1, seed: 2}
search:
  trials: 12
  population: 3
  epochs: 1
  seed: 3
  workers: 1
  objectives: [accuracy, lut, latency_cycles]
search_space:
  layers: [1, 2]
  widths: [[2, 3, 4], [2, 3]]
  activation: [relu]
deploy: {toolchain: yosys-0.23}
synthesis: {per_generation: 1, pick: uncertainty, refit_every: 1, force: true, timeout: 600}
YAML

# the rows a run must end with (everything but times and paths)
rows() {
    q "$1" "SELECT generation, trial_id, model_id, pick, printf('%.12g', score), status FROM search_synth_jobs ORDER BY id"
    q "$1" "SELECT model_id, lut, ff, dsp, latency_worst, source_kind FROM synthesis_results ORDER BY id"
    q "$1" "SELECT generation, version_id, parent_id, activated, n_results, n_groups, rescored FROM search_refits
            ORDER BY generation"
    q "$1" "SELECT generation, idx, genome, status, accuracy, objectives, model_id FROM trials ORDER BY id"
    q "$1" "SELECT version_id, model_id, target, value FROM predictions ORDER BY version_id, model_id, target"
    q "$1" "SELECT id, name, parent_id, active FROM surrogate_versions ORDER BY id"
}
# processes (Yosys, the synthesis process) working in this test's folders
left_in() { for p in /proc/[0-9]*; do readlink "$p/cwd" 2>/dev/null; done | grep -c "^$work/$1" ; }

"$SNAC" search -c s.yaml --db a.db --quiet > a.txt 2> a.err
check "closed-loop search exits 0" test $? -eq 0
n_jobs=$(q a.db "SELECT count(*) FROM search_synth_jobs")
check "one pick after generations 1-3 (the last one's population was all synthesized): 3 jobs" test "$n_jobs" -eq 3
check "  of three different layer widths" test "$(q a.db "SELECT count(DISTINCT
    json_extract(t.arch, '$.hidden')) FROM search_synth_jobs j JOIN trials t ON t.id = j.trial_id")" -eq 3
check "every job done" test "$(q a.db "SELECT count(*) FROM search_synth_jobs WHERE status = 'done'")" -eq 3
check "one synthesis row per job" test "$(q a.db "SELECT count(*) FROM synthesis_results")" -eq 3
check "  each linked to its trial's model" test "$(q a.db "SELECT count(*) FROM search_synth_jobs j
    JOIN synthesis_results s ON s.id = j.synthesis_id JOIN trials t ON t.id = j.trial_id
    WHERE s.model_id = j.model_id AND t.model_id = j.model_id AND s.toolchain = 'yosys'")" -eq 3
check "  quantized at the deployment precision" test "$(q a.db "SELECT count(*) FROM models m
    JOIN search_synth_jobs j ON j.model_id = m.id WHERE m.qmodel IS NOT NULL")" -eq 3
check "a refit before generations 2, 3 and 4, and a final one" test "$(q a.db "SELECT count(*) FROM search_refits")" -eq 4
check "  the first two with less than 2 architectures: nothing fitted" test "$(q a.db "SELECT count(*) FROM
    search_refits WHERE generation IN (1, 2) AND version_id IS NULL")" -eq 2
check "  the third on the lagged rows (generations 1-2: 2 rows), the final one on all 3; both activated" test \
    "$(q a.db "SELECT group_concat(generation || ':' || n_results) FROM search_refits WHERE activated = 1")" = "3:2,4:3"
check "  and the population re-scored under each new version" test "$(q a.db "SELECT count(*) FROM search_refits
    r WHERE activated = 1 AND rescored > 0 AND EXISTS(SELECT 1 FROM predictions p WHERE p.version_id = r.version_id)")" -eq 2
check "  every fitted version gated on the search's objectives (lut, latency_cycles), not FF" test "$(q a.db "SELECT
    count(*) FROM surrogate_versions v JOIN search_refits r ON r.version_id = v.id
    WHERE json_extract(v.fit_stats, '$.refit.rule') LIKE '% over lut, latency_cycles'")" -eq 2
check "the run records the version it ended with" test "$(q a.db "SELECT json_extract(result, '$.surrogate_version')
    FROM runs WHERE id = 1")" -eq "$(q a.db "SELECT max(version_id) FROM search_refits WHERE activated = 1")"
rows a.db > a.rows
n_all=$("$SNAC" pareto 1 --db a.db --surrogate 1 --all --csv - | tail -n +2 | wc -l)
check "pareto re-scores every trained trial by any version" test "$n_all" -eq "$(q a.db "SELECT count(*) FROM trials
    WHERE status = 'done'")"
"$SNAC" pareto 1 --db a.db --surrogate 99 > /dev/null 2>&1
check "  an unknown version fails" test $? -eq 1

# b) SIGKILL of the search in generation 2 while the synthesis process holds its job (paused 3 s before each)
SNAC_SEARCH_SYNTH_PAUSE_MS=3000 SNAC_SEARCH_KILL_AFTER=5 "$SNAC" search -c s.yaml --db b.db --quiet > /dev/null 2>&1
check "b: the search was killed" test $? -eq 137
check "b: syntheses were in flight" test "$(q b.db "SELECT count(*) FROM search_synth_jobs WHERE status = 'queued'")" -ge 1
check "b: no synthesis row yet" test "$(q b.db "SELECT count(*) FROM synthesis_results")" -eq 0
sleep 1
check "b: the synthesis process and its Yosys died with the search" test "$(left_in b.db.synth)" -eq 0
"$SNAC" search --resume 1 --db b.db --quiet > b.txt 2> b.err
check "b: resume exits 0" test $? -eq 0
rows b.db > b.rows
check "b: resumed run ends with the uninterrupted run's rows" cmp -s a.rows b.rows
check "b: no model synthesized twice" test "$(q b.db "SELECT count(*) FROM (SELECT model_id FROM synthesis_results
    GROUP BY model_id HAVING count(*) > 1)")" -eq 0

# c) the synthesis process dies right after its first row is committed, before its job is marked
SNAC_SYNTH_KILL_AFTER=1 "$SNAC" search -c s.yaml --db c.db --quiet > /dev/null 2> c1.err
check "c: the search stops when its synthesis process dies" test $? -ne 0
check "  saying the jobs stay queued" grep -q "jobs stay queued for a resume" c1.err
check "c: one row stored, its job still queued" test "$(q c.db "SELECT count(*) FROM synthesis_results WHERE
    model_id IN (SELECT model_id FROM search_synth_jobs WHERE status = 'queued')")" -eq 1
"$SNAC" search --resume 1 --db c.db --quiet > c.txt 2> c.err
check "c: resume exits 0" test $? -eq 0
rows c.db > c.rows
check "c: resumed run ends with the uninterrupted run's rows (the stored row linked, not doubled)" cmp -s a.rows c.rows

# refused before the store is touched, saying why: another toolchain, no stored models, multi-fidelity
refuse() { # refuse NAME SED-EXPR MESSAGE
    sed "$2" s.yaml > "$1.yaml"
    "$SNAC" search -c "$1.yaml" --db "$1.db" --quiet > /dev/null 2> "$1.err"
    check "$1: refused (exit 1)" test $? -eq 1
    check "  says why" grep -q "$3" "$1.err"
    check "  no run stored" test "$(q "$1.db" "SELECT count(*) FROM runs" 2> /dev/null || echo 0)" -eq 0
}
refuse r_tc 's/toolchain: yosys-0.23/toolchain: vivado-2019.1/' "synthesis: needs deploy.toolchain: yosys-0.23"
refuse r_models 's/  workers: 1/  workers: 1\n  store_models: false/' "synthesis: needs search.store_models: true"
refuse r_fid 's/  epochs: 1/  epochs: 2\n  fidelity: {rungs: [1, 2], keep: 0.5}/' "not supported with search.fidelity"

if [ "$fails" -ne 0 ]; then
    diff a.rows b.rows | head -20
    diff a.rows c.rows | head -20
    cat a.err b.err c1.err c.err | head -20
fi
echo "$fails failed"
[ "$fails" -eq 0 ]
