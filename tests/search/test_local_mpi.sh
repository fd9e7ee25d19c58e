#!/usr/bin/env bash
# `mpirun -np N snac local` (SNAC_WITH_MPI): the chains (source trial x bit width) run on worker
# ranks and rank 0 stores them in the one-process order, so the store ends with the same rows,
# ids and bytes included, as `snac local` in one process; rank 0 killed mid-run and resumed
# under mpirun (the workers notice and exit), and a worker rank killed on its first chain (the chain re-queued), end the same.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_plm_rsh_agent= OMPI_MCA_btl=self,vader OMPI_MCA_rmaps_base_oversubscribe=1
mpi() { local n=$1; shift; timeout 300 mpirun --oversubscribe --enable-recovery -np "$n" "$@"; }

"$SNAC" data gen --out jets --train 1200 --val 300 --test 300 --seed 5 > /dev/null || exit 1
cat > s.yaml <<YAML
training: {batch_size: 64, threads: 1}
data: {format: hdf5, files: [jets/train, jets/val], test_files: [jets/test], constituents: 8,
       features: [pt, etarel, phirel], normalisation: robust, val_fraction: 0.2, seed: 1}
output: {db: s.db}
search: {trials: 6, population: 3, epochs: 1, seed: 3, workers: 1, store_models: true,
         objectives: [accuracy, avg_resource_pct]}
search_space: {layers: [1, 2], widths: [[4, 8, 16], [4, 8]], activation: [relu]}
YAML
"$SNAC" search -c s.yaml --quiet > /dev/null 2>&1 || exit 1
echo "local: {warmup_epochs: 1, iterations: 2, prune_rate: 0.3, prune_epochs: 1, bits: [6, 8], batch_size: 64, seed: 9}" \
    > l.yaml
trials=$(sqlite3 s.db "SELECT group_concat(id, ',') FROM (SELECT id FROM trials WHERE status = 'done' ORDER BY id LIMIT 3)")
for db in one mpi kill wk; do cp s.db $db.db; done
chains=6 # 3 trials x 2 widths

# every row the local run (run 2) stored, ids included; seconds and dates left out
dump() {
    sqlite3 "$1" "
      SELECT i.id, i.source_trial_id, i.bits, i.iteration, i.epochs, i.target_sparsity, i.sparsity, i.val_acc,
             i.test_acc, i.bops_mac, i.bops_bit, i.predictions, i.model_id
        FROM local_iterations i WHERE i.run_id = 2 ORDER BY i.id;
      SELECT m.id, m.name, m.arch, m.n_params, m.macs, m.test_acc, hex(m.weights), hex(m.qmodel)
        FROM models m WHERE m.run_id = 2 ORDER BY m.id;
      SELECT p.model_id, p.target, p.value, p.lo, p.hi, p.spec_sha256, p.version_id
        FROM predictions p JOIN local_iterations i ON i.model_id = p.model_id ORDER BY p.model_id, p.target;
      SELECT status, result FROM runs WHERE id = 2;"
}

# local only accepts one --trial; the sources come from a front pick over the whole run
"$SNAC" local -c l.yaml --run 1 --min-acc 0 --db one.db --quiet > one.txt 2>&1
check "one process: exit 0" test $? -eq 0
n_src=$(sqlite3 one.db "SELECT count(DISTINCT source_trial_id) FROM local_iterations WHERE run_id = 2")
check "one process: 2 or more source trials" test "$n_src" -ge 2
check "  3 iterations per chain" test "$(sqlite3 one.db "SELECT count(*) FROM local_iterations")" -eq $((n_src * 2 * 3))
dump one.db > one.dump

SNAC_MPI_STATS=1 mpi 3 "$SNAC" local -c l.yaml --run 1 --min-acc 0 --db mpi.db --quiet > mpi.txt 2> mpi.err
check "3 ranks: exit 0" test $? -eq 0
check "  one job per chain on the workers" grep -q "mpi stats: ranks 3 jobs $((n_src * 2)) " mpi.err
dump mpi.db > mpi.dump
check "  rows, ids and bytes identical to one process" cmp -s one.dump mpi.dump
check "  prints the same front" cmp -s <(tail -n +2 one.txt) <(tail -n +2 mpi.txt)

# rank 0 killed after its 5th stored iteration (the 2nd chain at iteration 1 of 2), resumed under mpirun
# (--enable-recovery: nothing but the workers' own check of rank 0 ends them; mpirun exits 0 then)
SNAC_LOCAL_KILL_AFTER=5 timeout 60 mpirun --oversubscribe --enable-recovery -np 3 "$SNAC" local -c l.yaml --run 1 \
    --min-acc 0 --db kill.db --quiet > /dev/null 2> kill.err
check "rank 0 killed: the workers see it and exit (no timeout)" test $? -ne 124
check "  they say why" grep -q "rank 0 (pid [0-9]*) is gone; exiting" kill.err
check "  5 iterations stored" test "$(sqlite3 kill.db "SELECT count(*) FROM local_iterations")" -eq 5
mpi 3 "$SNAC" local --resume 2 --db kill.db --quiet > res.txt 2>&1
check "  resume under mpirun: exit 0" test $? -eq 0
check "  found 5 stored" grep -q "5 found stored" res.txt
dump kill.db | sed 's/|interrupted|/|done|/' > kill.dump
check "  rows identical to one process" cmp -s one.dump kill.dump

# a worker rank SIGKILLed on its first chain: re-queued on the other rank, same rows
SNAC_MPI_TIMEOUT=8 SNAC_MPI_FAULT=kill:1:1 SNAC_MPI_STATS=1 mpi 3 "$SNAC" local -c l.yaml --run 1 --min-acc 0 \
    --db wk.db --quiet > wk.txt 2> wk.err
check "worker killed: exit 0" test $? -eq 0
check "  one chain re-queued" grep -q "requeued 1 " wk.err
dump wk.db > wk.dump
check "  rows identical to one process" cmp -s one.dump wk.dump

echo "$fails failed"
test $fails -eq 0
