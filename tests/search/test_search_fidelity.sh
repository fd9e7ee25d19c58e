#!/usr/bin/env bash
# Multi-fidelity search (search.fidelity, successive halving inside a generation) end to end
# on a tiny CSV: every trial records its epochs_done; the rungs shrink as configured; the rows
# are identical with 1 and 2 fork workers (checkpoints continued in the workers) and under
# mpirun -np 2 (ranks retrain from scratch: the same numbers); a run SIGKILLed mid-generation
# (after a later rung's row) and resumed stores exactly the rows of an uninterrupted run;
# `snac pareto` lists only full-fidelity trials, and --complete trains the partial ones that
# could be on the front to full fidelity (equal to a full-fidelity run's rows); bad fidelity
# configs fail with file:line.
set -u
SNAC=$1
MPI=${2:-nompi} # "mpi": also run under mpirun -np 2
. "$(dirname "$0")/../lib.sh"

blobs_csv 300 > d.csv
cat > s.yaml <<YAML
training: {batch_size: 32, threads: 1}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.25, test_fraction: 0.1, seed: 2}
search:
  trials: 24
  population: 8
  epochs: 3
  seed: 5
  workers: 1
  store_models: true
  objectives: [accuracy, avg_resource_pct]
  fidelity: {rungs: [1, 2, 3], keep: 0.5}
search_space:
  layers: [1, 2]
  widths: [[4, 8, 16], [4, 8]]
YAML

# every stored row of run 1 by natural keys, without ids and timing
dump() {
    sqlite3 "$1" "
      SELECT t.generation, t.idx, t.genome, t.seed, t.status, t.accuracy, t.val_loss, t.bops_mac,
             t.objectives, t.violation, t.epochs_done,
             (SELECT s.generation || '/' || s.idx FROM trials s WHERE s.id = t.same_as),
             (SELECT hex(m.weights) FROM models m WHERE m.id = t.model_id)
        FROM trials t WHERE t.run_id = 1 ORDER BY t.generation, t.idx;
      SELECT status, hex(state) FROM runs WHERE id = 1;"
    "$SNAC" pareto 1 --db "$1" --csv - | cut -d, -f2-20,23-
}

"$SNAC" search -c s.yaml --db w1.db --quiet > w1.txt 2>&1
check "multi-fidelity search exits 0" test $? -eq 0
q() { sqlite3 w1.db "$1"; }
check "every trained row records its fidelity" \
    test "$(q "SELECT count(*) FROM trials WHERE status != 'cached' AND epochs_done IS NULL")" -eq 0
# generation 0: 8 new rows -> 8 at 1 epoch, the best 4 to 2 epochs, the best 2 to 3 epochs
check "gen 0: 4 rows stop at 1 epoch" test "$(q "SELECT count(*) FROM trials WHERE generation = 0 AND epochs_done = 1")" -eq 4
check "gen 0: 2 rows stop at 2 epochs" test "$(q "SELECT count(*) FROM trials WHERE generation = 0 AND epochs_done = 2")" -eq 2
check "gen 0: 2 rows reach 3 epochs" test "$(q "SELECT count(*) FROM trials WHERE generation = 0 AND epochs_done = 3")" -eq 2
check "a full row keeps its rung history" \
    test "$(q "SELECT count(*) FROM trials WHERE epochs_done = 3 AND status = 'done' AND objectives LIKE '%\"f@1\":[%' AND objectives LIKE '%\"f@2\":[%'")" -ge 2
check "the rung-1 objectives are recorded for every trained row" \
    test "$(q "SELECT count(*) FROM trials WHERE status IN ('done','failed') AND objectives NOT LIKE '%\"f@1\":[%'")" -eq 0

"$SNAC" search -c s.yaml --db w2.db --workers 2 --quiet > w2.txt 2>&1
check "2 workers: exits 0" test $? -eq 0
dump w1.db > w1.dump
dump w2.db > w2.dump
check "2 workers: rows identical to 1 worker" cmp -s w1.dump w2.dump

# resume: SIGKILLed right after the K-th committed trial write, then resumed. Generation 0
# writes 8 rung-1 rows (K = 7: mid-rung), then 4 rung-2 updates (K = 11: mid-rung, the
# checkpoints lost: retrained from scratch), then 2 rung-3 updates (K = 13); K = 22 falls in
# generation 1's rung 2, where a rung selection must use the stored rung-1 objectives of
# rows already trained further (their "f@1", not their final "f")
for k in 7 11 13 22; do
    SNAC_SEARCH_KILL_AFTER=$k "$SNAC" search -c s.yaml --db k$k.db --quiet > k$k.txt 2>&1
    check "kill after $k commits: the run dies" test $? -ne 0
    "$SNAC" search --resume 1 --db k$k.db --quiet > r$k.txt 2>&1
    check "kill after $k: resume exits 0" test $? -eq 0
    dump k$k.db > k$k.dump
    check "kill after $k: rows identical to an uninterrupted run" cmp -s w1.dump k$k.dump
done

if [ "$MPI" = mpi ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
    export OMPI_MCA_plm_rsh_agent= OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
    timeout 300 mpirun --oversubscribe -np 2 "$SNAC" search -c s.yaml --db mpi.db --quiet > mpi.txt 2>&1
    check "mpirun -np 2: exits 0" test $? -eq 0
    dump mpi.db > mpi.dump
    check "mpirun -np 2: rows identical to the fork workers" cmp -s w1.dump mpi.dump
fi

# extrapolate: true (survival sees partial candidates at their rung objectives plus the
# finishers' mean gain): generation 0 trains the same rows; the population NSGA-II keeps
# differs; the
# rows stay identical across worker counts, MPI and a kill + resume
sed 's/keep: 0.5}/keep: 0.5, extrapolate: true}/' s.yaml > x.yaml
"$SNAC" search -c x.yaml --db x1.db --quiet > x1.txt 2>&1
check "extrapolate: exits 0" test $? -eq 0
g0() { sqlite3 "$1" "SELECT idx, accuracy, objectives, epochs_done FROM trials WHERE generation = 0 ORDER BY idx"; }
check "extrapolate: generation 0 rows as without it" test "$(g0 x1.db)" = "$(g0 w1.db)"
dump x1.db > x1.dump
check "extrapolate: NSGA-II is told other objectives (the saved state differs)" \
    test "$(sqlite3 x1.db "SELECT hex(state) FROM runs WHERE id = 1")" != "$(q "SELECT hex(state) FROM runs WHERE id = 1")"
"$SNAC" search -c x.yaml --db x2.db --workers 2 --quiet > x2.txt 2>&1
dump x2.db > x2.dump
check "extrapolate: 2 workers, rows identical to 1 worker" cmp -s x1.dump x2.dump
for k in 13 22; do
    SNAC_SEARCH_KILL_AFTER=$k "$SNAC" search -c x.yaml --db xk$k.db --quiet > xk$k.txt 2>&1
    "$SNAC" search --resume 1 --db xk$k.db --quiet > xr$k.txt 2>&1
    check "extrapolate: kill after $k + resume exits 0" test $? -eq 0
    dump xk$k.db > xk$k.dump
    check "extrapolate: kill after $k, rows identical to an uninterrupted run" cmp -s x1.dump xk$k.dump
done
if [ "$MPI" = mpi ]; then
    timeout 300 mpirun --oversubscribe -np 2 "$SNAC" search -c x.yaml --db xmpi.db --quiet > xmpi.txt 2>&1
    check "extrapolate: mpirun -np 2 exits 0" test $? -eq 0
    dump xmpi.db > xmpi.dump
    check "extrapolate: mpirun -np 2, rows identical to the fork workers" cmp -s x1.dump xmpi.dump
fi

"$SNAC" pareto 1 --db w1.db --csv front.csv > front.txt
check "pareto exits 0" test $? -eq 0
partial=$(q "SELECT group_concat(id) FROM trials WHERE run_id = 1 AND epochs_done < 3")
ids=$(tail -n +2 front.csv | cut -d, -f1 | tr '\n' ' ')
bad=0
for id in $ids; do
    case ",$partial," in *",$id,"*) bad=1 ;; esac
done
check "pareto: the front has members" test -n "$ids"
check "pareto: no partial-fidelity trial on the front" test $bad -eq 0
n_partial=$(q "SELECT count(*) FROM trials WHERE run_id = 1 AND status = 'done' AND epochs_done < 3")
check "pareto: says how many partial trials it left out" \
    grep -q "to full fidelity ($n_partial partial-fidelity trials, fewer than 3 epochs, left out)" front.txt
"$SNAC" pareto 1 --db w1.db --hv-ref 0.3,0.5 > hv.txt
check "pareto --hv-ref: prints the front's hypervolume" grep -q "^hypervolume [0-9.e-]* of the [0-9]* feasible front members w.r.t. accuracy 0.3 avg_resource_pct 0.5" hv.txt
"$SNAC" pareto 1 --db w1.db --hv-ref 0.3,x > /dev/null 2>&1
check "pareto --hv-ref 0.3,x: usage error" test $? -eq 2
"$SNAC" pareto 1 --db w1.db --hv-ref 0.3 > /dev/null 2> hv1.txt
check "pareto --hv-ref with too few values fails" grep -q "one value per objective (2)" hv1.txt
check "pareto --all: lists only full-fidelity trials" \
    test "$("$SNAC" pareto 1 --db w1.db --all --csv - | tail -n +2 | wc -l)" -eq \
         "$(q "SELECT count(*) FROM trials WHERE run_id = 1 AND status = 'done' AND epochs_done = 3")"

# generation 0 is the same population with the same trial seeds at full fidelity: its rows that
# reached 3 epochs by continuing their rungs must equal the full-fidelity run's, bit for bit
grep -v fidelity s.yaml > full.yaml
"$SNAC" search -c full.yaml --db full.db --quiet > full.txt 2>&1
check "full-fidelity reference run exits 0" test $? -eq 0
gen0() { sqlite3 "$1" "SELECT idx, accuracy, val_loss, violation FROM trials WHERE generation = 0 AND epochs_done = 3 AND idx IN ($2) ORDER BY idx"; }
full0=$(q "SELECT group_concat(idx) FROM trials WHERE generation = 0 AND epochs_done = 3")
check "continued rungs equal training from scratch (gen 0, full rows)" test "$(gen0 w1.db "$full0")" = "$(gen0 full.db "$full0")"

# pareto --complete: the partial trials no full one dominates, trained to full fidelity (keep
# 0.3: fewer full trials, so some partial ones are not dominated; generation 0's trial 6 is one)
sed 's/keep: 0.5/keep: 0.3/' s.yaml > c.yaml
"$SNAC" search -c c.yaml --db c.db --quiet > c0.txt 2>&1
check "keep 0.3 search exits 0" test $? -eq 0
full0=$(sqlite3 c.db "SELECT group_concat(idx) FROM trials WHERE generation = 0 AND epochs_done = 3")
before=$(sqlite3 c.db "SELECT count(*) FROM trials WHERE status = 'done' AND epochs_done < 3")
"$SNAC" pareto 1 --db c.db --complete > c.txt 2> c.err
check "pareto --complete exits 0" test $? -eq 0
n=$(sed -n 's/^snac pareto: \([0-9]*\) partial-fidelity trials of run 1 trained to full fidelity$/\1/p' c.err)
check "  completes some trials" test "${n:-0}" -gt 0
check "  and they are full fidelity now" \
    test "$(sqlite3 c.db "SELECT count(*) FROM trials WHERE status = 'done' AND epochs_done < 3")" -eq $((before - ${n:-0}))
check "  keeping their rung history" \
    test "$(sqlite3 c.db "SELECT count(*) FROM trials WHERE status = 'done' AND epochs_done = 3 AND objectives NOT LIKE '%\"f@3\":[%'")" -eq 0
done0=$(sqlite3 c.db "SELECT group_concat(c.idx) FROM trials c WHERE c.generation = 0 AND c.epochs_done = 3 AND c.idx NOT IN ($full0)")
check "  generation 0 has completed trials" test -n "$done0"
check "  equal to the full-fidelity run's (same genome and seed)" test "$(gen0 c.db "$done0")" = "$(gen0 full.db "$done0")"
undominated() { sqlite3 c.db "
  WITH t AS (SELECT id, epochs_done AS ep, json_extract(objectives, '\$.f[0]') AS a,
                    json_extract(objectives, '\$.f[1]') AS b FROM trials WHERE status = 'done')
  SELECT count(*) FROM t p WHERE p.ep < 3 AND NOT EXISTS (SELECT 1 FROM t q WHERE q.ep = 3
    AND q.a <= p.a AND q.b <= p.b AND (q.a < p.a OR q.b < p.b))"; }
check "  no partial trial left that no full one dominates" test "$(undominated)" -eq 0
"$SNAC" pareto 1 --db c.db --complete > /dev/null 2> c2.err
check "  a second --complete finds nothing left" grep -q "^snac pareto: 0 partial-fidelity trials" c2.err
"$SNAC" pareto 1 --db full.db --complete > /dev/null 2> c3.err
check "  a single-fidelity run: refused" grep -q "not a multi-fidelity search" c3.err

sed 's/rungs: \[1, 2, 3\]/rungs: [1, 2]/' s.yaml > bad1.yaml
"$SNAC" search -c bad1.yaml --db bad.db > /dev/null 2> e1.txt
check "last rung != epochs fails" test $? -eq 1
check "  with file:line and the reason" grep -q "bad1.yaml:11:.*last rung is 2 epochs, search.epochs is 3" e1.txt
sed 's/rungs: \[1, 2, 3\]/rungs: [2, 1, 3]/' s.yaml > bad2.yaml
"$SNAC" search -c bad2.yaml --db bad.db > /dev/null 2> e2.txt
check "decreasing rungs fail" test $? -eq 1
check "  and say so" grep -q "the epochs must increase" e2.txt
sed 's/keep: 0.5/keep: 1.5/' s.yaml > bad3.yaml
"$SNAC" search -c bad3.yaml --db bad.db > /dev/null 2> e3.txt
check "keep > 1 fails" test $? -eq 1

echo "$fails failed"
test $fails -eq 0
