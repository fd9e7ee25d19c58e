#!/usr/bin/env bash
# `mpirun -np N snac search` (SNAC_WITH_MPI): a 2-rank and a 3-rank search on loopback store the
# same trials, models, predictions, NSGA-II state and front as a one-process run of the same
# config and seed (compared by natural keys: ids follow completion order); a worker rank killed
# (mpirun --enable-recovery) or hung mid-run has its job re-queued and the rows are still identical;
# no rank but 0 creates a store; other commands under mpirun run once and exit 0.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"
# what Open MPI 4.1 needs in a container, as root, without ssh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_plm_rsh_agent= OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
mpi() { local n=$1; shift; timeout 300 mpirun --oversubscribe --enable-recovery -np "$n" "$@"; }

blobs_csv 300 > d.csv
cat > s.yaml <<YAML
training: {batch_size: 32, threads: 1}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.25, test_fraction: 0.1, seed: 2}
search:
  trials: 12
  population: 4
  epochs: 1
  seed: 5
  workers: 1
  store_models: true
  objectives: [accuracy, avg_resource_pct]
search_space:
  layers: [1, 2]
  widths: [[4, 8, 16], [4, 8]]
YAML

# every stored row of run 1 by natural keys (generation, idx), ids mapped away
dump() {
    sqlite3 "$1" "
      SELECT t.generation, t.idx, t.genome, t.arch, t.seed, t.status, t.accuracy, t.val_loss, t.bops_mac,
             t.bops_bit, t.objectives, t.violation,
             (SELECT s.generation || '/' || s.idx FROM trials s WHERE s.id = t.same_as),
             (SELECT hex(m.weights) || m.arch || m.n_params || m.macs FROM models m WHERE m.id = t.model_id)
        FROM trials t WHERE t.run_id = 1 ORDER BY t.generation, t.idx;
      SELECT t.generation, t.idx, p.target, p.value, p.spec_sha256, p.version_id
        FROM predictions p JOIN trials t ON t.model_id = p.model_id AND t.status = 'done'
       ORDER BY t.generation, t.idx, p.target;
      SELECT count(*) FROM models; SELECT count(*) FROM predictions;
      SELECT status, hex(state), seed FROM runs WHERE id = 1;"
    # the front without trial_id, train_seconds and model_id (ids and timing)
    "$SNAC" pareto 1 --db "$1" --csv - | cut -d, -f2-20,23-
}

"$SNAC" search -c s.yaml --db one.db --quiet > one.txt 2>&1
check "one-process search exits 0" test $? -eq 0
dump one.db > one.dump
check "the reference run stored 12 trials" test "$(sqlite3 one.db 'SELECT count(*) FROM trials')" -eq 12

for n in 2 3; do
    SNAC_MPI_STATS=1 mpi $n "$SNAC" search -c s.yaml --db mpi$n.db --quiet > mpi$n.txt 2> mpi$n.err
    check "$n ranks: exits 0" test $? -eq 0
    dump mpi$n.db > mpi$n.dump
    check "$n ranks: rows identical to the one-process run" cmp -s one.dump mpi$n.dump
    check "$n ranks: the trials went to $((n - 1)) worker rank(s)" grep -q "mpi stats: ranks $n jobs [1-9]" mpi$n.err
done
check "worker ranks never created a store of their own" test "$(ls *.db | wc -l)" -eq 3

# a worker rank SIGKILLed on its 2nd job: the job is re-queued after the timeout
SNAC_MPI_TIMEOUT=4 SNAC_MPI_FAULT=kill:1:2 SNAC_MPI_STATS=1 mpi 3 "$SNAC" search -c s.yaml --db kill.db --quiet \
    > kill.txt 2> kill.err
check "rank killed: the run finishes (exit 0)" test $? -eq 0
check "  and says the rank was written off" grep -q "MPI rank 1 did not answer job" kill.err
check "  one job re-queued" grep -q "requeued 1 " kill.err
dump kill.db > kill.dump
check "  rows identical to the one-process run" cmp -s one.dump kill.dump
check "  no partial rows: every trial complete" \
    test "$(sqlite3 kill.db "SELECT count(*) FROM trials WHERE status = 'done' AND model_id IS NULL")" -eq 0

# a worker rank that hangs on its first job: timed out, ended by its alarm, job redone elsewhere
SNAC_MPI_TIMEOUT=3 SNAC_MPI_FAULT=hang:2:1 SNAC_MPI_STATS=1 mpi 3 "$SNAC" search -c s.yaml --db hang.db --quiet \
    > hang.txt 2> hang.err
check "rank hung: the run finishes (exit 0)" test $? -eq 0
check "  the hung rank was written off" grep -q "MPI rank 2 did not answer job" hang.err
dump hang.db > hang.dump
check "  rows identical to the one-process run" cmp -s one.dump hang.dump

# other commands under mpirun: rank 0 runs them, the workers exit cleanly
mpi 2 "$SNAC" pareto 1 --db one.db > p.txt 2>&1
check "pareto under mpirun exits 0" test $? -eq 0
check "  and prints once" test "$(grep -c 'on the front of' p.txt)" -eq 1

echo "$fails failed"
test $fails -eq 0
