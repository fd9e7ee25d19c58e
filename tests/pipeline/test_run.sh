#!/usr/bin/env bash
# `snac run` end to end on a tiny config (simulated jets, 2-layer nets, Yosys on a few small
# models): an uninterrupted run, and the same run killed with SIGKILL mid-search and again
# mid-synthesis, each time continued by the same command; both stores must end with the
# same rows (compared by natural keys: ids differ with the kill points). Then the failure
# paths: a stage that fails is recorded and the rest goes on (exit 3); a bad config touches
# no store; a run whose owner is alive is refused.
# Two search workers: a resumed search can number its trials in another order, and the local
# search must not care (its chains are seeded from each trial's own seed, not its row id).
# usage: test_run.sh SNAC
set -u
SNAC=$(realpath "$1")
. "$(dirname "$0")/../lib.sh"
command -v yosys > /dev/null || { echo "SKIP: yosys not installed"; exit 77; }

. "$(dirname "$0")/run_lib.sh"
config a.db > a.yaml
config b.db > b.yaml

"$SNAC" run -c a.yaml > a.out 2> a.err
rc=$?
check "uninterrupted run exits 0" test $rc = 0
[ $rc = 0 ] || cat a.out a.err
check "rows to compare: 12 trials, 6 iterations, 2 syntheses, 2 versions, 14 statistics" \
    test "$(rows a.db | cut -d'|' -f1 | sort | uniq -c | tr -s ' ' | tr '\n' ';')" = \
    " 6 iter; 4 run; 11 stage; 14 stats; 2 synth; 12 trial; 2 version;"
check "every stage done" test "$(sqlite3 a.db "SELECT group_concat(status) FROM pipeline_stages WHERE run_id = 1")" = \
    "done,done,done,done,done,done,done,done,done,done,done"
check "two models synthesized" test "$(sqlite3 a.db "SELECT count(*) FROM synthesis_results WHERE source_kind = 'yosys'")" = 2
check "select: one trial per layer widths" test "$(sqlite3 a.db "SELECT count(*) || ' ' || count(DISTINCT json_extract(t.arch, '$.hidden'))
    FROM trials t, json_each((SELECT detail FROM pipeline_stages WHERE run_id = 1 AND stage = 'select'), '$.trials') j
    WHERE t.id = j.value")" = "2 2"
check "build: the two models come from both chains" test "$(sqlite3 a.db "SELECT count(DISTINCT i.source_trial_id)
    FROM local_iterations i, json_each((SELECT detail FROM pipeline_stages WHERE run_id = 1 AND stage = 'build'), '$.models') j
    WHERE i.model_id = j.value")" = 2
check "search, local and feedback are children of the run" \
    test "$(sqlite3 a.db "SELECT group_concat(kind || ':' || name) FROM runs WHERE parent_id = 1 ORDER BY id")" = \
    "search:search,local:local,search:feedback"
check "the refit is a stored version of yosys-0.23" \
    test "$(sqlite3 a.db "SELECT count(*) FROM surrogate_versions WHERE toolchain = 'yosys-0.23' AND parent_id IS NOT NULL")" = 1
check "feedback search used the version active after the refit" \
    test "$(sqlite3 a.db "SELECT json_extract(result, '$.surrogate_version') FROM runs WHERE name = 'feedback'")" = \
    "$(sqlite3 a.db "SELECT id FROM surrogate_versions WHERE toolchain = 'yosys-0.23' AND active = 1")"
check "summary prints the synthesized table" grep -q "built models: predicted (at search time) vs synthesized" a.out
check "summary wrote the HTML report beside the store" sh -c "grep -q '<svg' report.html && grep -q 'report: report.html' a.out"
check "runs shows the stages" sh -c "'$SNAC' runs --db a.db | grep -q 'synth     done     synthesized 2'"

# the same command again: the run is done, nothing is added
before=$(rows a.db | md5sum)
"$SNAC" run -c a.yaml > a2.out 2>&1
check "rerun of a done run exits 0" test $? = 0
check "rerun of a done run says so" grep -q "run 1 is done" a2.out
check "rerun of a done run adds nothing" test "$(rows a.db | md5sum)" = "$before"

# killed mid-search (after the 3rd trained trial), continued by the same command
SNAC_SEARCH_KILL_AFTER=3 "$SNAC" run -c b.yaml > b1.out 2>&1
check "kill mid-search: killed" test $? = 137
check "kill mid-search: search stage left running" \
    test "$(sqlite3 b.db "SELECT status FROM pipeline_stages WHERE stage = 'search'")" = running
check "kill mid-search: runs shows it interrupted" sh -c "'$SNAC' runs --db b.db | grep -q 'pipeline tiny .*interrupted'"
# killed again right after the first synthesis row is stored
SNAC_SYNTH_KILL_AFTER=1 "$SNAC" run -c b.yaml > b2.out 2>&1
check "kill mid-synthesis: killed" test $? = 137
check "kill mid-synthesis: one synthesis row" test "$(sqlite3 b.db "SELECT count(*) FROM synthesis_results")" = 1
check "kill mid-synthesis: the search was continued, not restarted" grep -q "resuming search run 2" b2.out
"$SNAC" run -c b.yaml > b3.out 2>&1
rc=$?
check "resumed run exits 0" test $rc = 0
[ $rc = 0 ] || cat b1.out b2.out b3.out
check "resume continued run 1" grep -q "run 1: continuing" b3.out
same_rows() { # the first lines of a difference, if any
    diff <(rows a.db) <(rows b.db) > rows.diff
    local rc=$?
    head -c 3000 rows.diff
    return $rc
}
check "resumed run ends with the same rows as the uninterrupted one" same_rows

# a stage that fails is recorded, the rest goes on, exit 3: no front member reaches min_acc 0.99
config c.db | sed 's/min_acc: 0,/min_acc: 0.99,/' > c.yaml
"$SNAC" run -c c.yaml > c.out 2>&1
check "failed stage: exit 3" test $? = 3
check "failed stage: select failed with the reason" \
    test "$(sqlite3 c.db "SELECT status FROM pipeline_stages WHERE stage = 'select'")" = failed
check "failed stage: its message is stored" sh -c "sqlite3 c.db \"SELECT detail FROM pipeline_stages WHERE stage = 'select'\" | grep -q 'min_acc'"
check "failed stage: the stages after it are skipped, the summary runs" \
    test "$(sqlite3 c.db "SELECT group_concat(status) FROM pipeline_stages ORDER BY seq")" = \
    "done,done,failed,skipped,skipped,skipped,skipped,skipped,skipped,skipped,done"
check "failed stage: the run is failed" test "$(sqlite3 c.db "SELECT status FROM runs WHERE kind = 'pipeline'")" = failed

# one architecture on the front (several trials that differ only in learning rate / L1): select
# takes the most accurate of them once, however large top_k
config e.db | sed -e 's/search_space: .*/search_space: {layers: [1], widths: [[8]], activation: [relu], batch_norm: [false]}/' \
    -e 's/max_models: 2/max_models: 1/' -e 's/refit: true/refit: false/' -e 's/feedback: true/feedback: false/' > e.yaml
"$SNAC" run -c e.yaml > e.out 2>&1
check "one architecture: exit 0" test $? = 0
check "one architecture: several trials trained on it" \
    test "$(sqlite3 e.db "SELECT count(*) > 1 FROM trials WHERE run_id = 2 AND status = 'done'")" = 1
check "one architecture: select takes one trial, the most accurate" \
    test "$(sqlite3 e.db "SELECT json_extract(detail, '$.trials') FROM pipeline_stages WHERE stage = 'select'")" = \
    "[$(sqlite3 e.db "SELECT id FROM trials WHERE run_id = 2 AND status = 'done' ORDER BY accuracy DESC, id LIMIT 1")]"

# a bad config: named with file:line:column, no store created
config d.db | sed 's/kfold: 2/kfold: 1/' > d.yaml
"$SNAC" run -c d.yaml > d.out 2>&1
check "bad config: exit 1" test $? = 1
check "bad config: file:line:column and key" grep -q "d.yaml:[0-9]*:[0-9]*:.*kfold" d.out
check "bad config: no store" test ! -e d.db
"$SNAC" run > /dev/null 2>&1
check "no config: usage exit 2" test $? = 2
"$SNAC" run -c a.yaml --jobs 0 > /dev/null 2>&1
check "--jobs 0: usage exit 2" test $? = 2
"$SNAC" run --resume 99 --db a.db > e.out 2>&1
check "resume of a missing run: exit 1 naming it" sh -c "test $? = 1 && grep -q 'no run 99' e.out"
"$SNAC" run --resume 2 --db a.db > e.out 2>&1
check "resume of a search run as a pipeline: refused" grep -q "not a \`snac run\` pipeline" e.out

exit $((fails > 0))
