#!/usr/bin/env bash
# `snac run` with a `synthesis:` section (issue 20), end to end on the tiny config of run_lib.sh
# (nets of widths 2-4, feedback off): the run hands the section to its search stage, which
# synthesizes one pick per generation in the background and refits as it goes; the synth stage
# then synthesizes the built models and the refit stage fits on every Yosys row of the store.
# Then the same run killed with SIGKILL mid-search and continued by the same command must end
# with the uninterrupted run's rows, the search's jobs and refits included.
# usage: test_run_synth.sh SNAC
set -u
SNAC=$(realpath "$1")
. "$(dirname "$0")/../lib.sh"
command -v yosys > /dev/null || { echo "SKIP: yosys not installed"; exit 77; }

. "$(dirname "$0")/run_lib.sh"
closed() { # closed DB: the tiny config, small nets, no feedback, the synthesis section
    config "$1" | sed -e 's/widths: \[\[4, 8\], \[4, 8\]\]/widths: [[2, 4], [2, 4]]/' -e 's/feedback: true/feedback: false/'
    echo "synthesis: {per_generation: 1, refit_every: 1, timeout: 300}"
}
closed a.db > a.yaml
closed b.db > b.yaml
q() { sqlite3 "$1" "$2"; }
# run_lib's rows plus the search stage's jobs and refits, by natural keys
all_rows() {
    rows "$1"
    q "$1" "SELECT 'job', j.generation, t.generation, t.idx, j.pick, j.status, s.lut, s.ff, s.latency_worst
            FROM search_synth_jobs j JOIN trials t ON t.id = j.trial_id
            LEFT JOIN synthesis_results s ON s.id = j.synthesis_id ORDER BY j.generation, t.generation, t.idx"
    q "$1" "SELECT 'refit', r.generation, v.name, r.activated, r.n_results, r.n_groups, r.rescored
            FROM search_refits r LEFT JOIN surrogate_versions v ON v.id = r.version_id ORDER BY r.generation"
}

"$SNAC" run -c a.yaml > a.out 2> a.err
rc=$?
check "run with a synthesis section exits 0" test $rc = 0
[ $rc = 0 ] || cat a.out a.err
check "every stage done but feedback (off)" test "$(q a.db "SELECT group_concat(stage || ':' || status) FROM
    (SELECT stage, status FROM pipeline_stages WHERE run_id = 1 AND status != 'done')")" = "feedback:skipped"
check "the search stage synthesized one pick after each of its 2 generations: LUT 2119 and 3037" \
    test "$(q a.db "SELECT group_concat(generation || ':' || status || ':' || lut) FROM (SELECT j.generation,
                    j.status, s.lut FROM search_synth_jobs j JOIN synthesis_results s ON s.id = j.synthesis_id
                    WHERE j.run_id = 2 ORDER BY j.generation)")" = "0:done:2119.0,1:done:3037.0"
check "  of 2 different layer widths, each linked to its trial's model" \
    test "$(q a.db "SELECT count(DISTINCT json_extract(t.arch, '$.hidden')) FROM search_synth_jobs j
                    JOIN trials t ON t.id = j.trial_id JOIN synthesis_results s ON s.id = j.synthesis_id
                    WHERE s.model_id = t.model_id AND s.source_kind = 'yosys'")" = 2
check "  refitted before generation 1 (no rows yet: nothing fitted) and after the last (2 rows: v2, refused)" \
    test "$(q a.db "SELECT group_concat(generation || ':' || n_results || ':' || ifnull(version_id, '-') || ':' ||
                    activated) FROM (SELECT * FROM search_refits WHERE run_id = 2 ORDER BY generation)")" = "1:0:-:0,2:2:2:0"
check "the synth stage added the 2 built models: 4 Yosys rows in all" \
    test "$(q a.db "SELECT count(*) FROM synthesis_results WHERE source_kind = 'yosys'")" = 4
check "the refit stage fitted v3 on all 4 rows (2 architectures); its gate kept the default active" \
    test "$(q a.db "SELECT group_concat(id || ':' || ifnull(json_extract(fit_stats, '$.refit.rows'), '-') || ':' ||
                    ifnull(json_extract(fit_stats, '$.refit.architectures'), '-') || ':' || active) FROM
                    (SELECT * FROM surrogate_versions ORDER BY id)")" = "1:-:-:1,2:2:2:0,3:4:2:0"
all_rows a.db > a.rows

# killed mid-search (after the 5th trained trial, syntheses queued or in flight), continued
SNAC_SEARCH_KILL_AFTER=5 "$SNAC" run -c b.yaml > b1.out 2>&1
check "kill mid-search: killed" test $? = 137
check "kill mid-search: the search's first pick is stored" \
    test "$(q b.db "SELECT count(*) FROM search_synth_jobs")" -ge 1
"$SNAC" run -c b.yaml > b2.out 2>&1
rc=$?
check "resumed run exits 0" test $rc = 0
[ $rc = 0 ] || cat b1.out b2.out
all_rows b.db > b.rows
check "resumed run ends with the uninterrupted run's rows (jobs and refits included)" cmp -s a.rows b.rows
check "  no model synthesized twice" test "$(q b.db "SELECT count(*) FROM (SELECT model_id FROM synthesis_results
    GROUP BY model_id HAVING count(*) > 1)")" = 0
[ "$fails" = 0 ] || diff a.rows b.rows | cut -c1-200 | head -20

exit $((fails > 0))
