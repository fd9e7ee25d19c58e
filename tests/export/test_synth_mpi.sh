#!/usr/bin/env bash
# `mpirun -np 3 snac synth` (SNAC_WITH_MPI): Yosys runs farmed out to worker ranks, rank 0 writes the
# rows; the counts equal a one-process batch's (whole design and --split); a worker rank killed on its
# first job (mpirun --enable-recovery) has the job redone elsewhere after the timeout, same rows.
# Label full: Yosys takes 15-30 s per tiny model on a busy 2-core machine.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_plm_rsh_agent= OMPI_MCA_btl=self,vader
mpi() { local n=$1; shift; timeout 300 mpirun --oversubscribe --enable-recovery -np "$n" "$@"; }

tiny_local "$SNAC" 'local: {warmup_epochs: 1, iterations: 2, prune_rate: 0.5, prune_epochs: 1, bits: [6], batch_size: 64, seed: 9}'
ids=$(sqlite3 s.db "SELECT group_concat(model_id, ' ') FROM local_iterations WHERE iteration >= 1")
rows() {
    sqlite3 "$1" "SELECT model_id, source_kind, lut, ff, dsp, bram18, uram, latency_worst, ii_min
                    FROM synthesis_results ORDER BY model_id"
}
for db in one mpi kill split1 split3; do cp s.db $db.db; done

"$SNAC" synth $ids --db one.db --work w1 > one.txt 2>&1
check "one process: exit 0" test $? -eq 0
check "  a row per model" test "$(rows one.db | wc -l)" -eq "$(echo $ids | wc -w)"
SNAC_MPI_STATS=1 mpi 3 "$SNAC" synth $ids --db mpi.db --work w3 > mpi.txt 2> mpi.err
check "3 ranks: exit 0" test $? -eq 0
check "  same rows" test "$(rows one.db)" = "$(rows mpi.db)"
check "  the Yosys runs were MPI jobs" grep -q "mpi stats: ranks 3 jobs [1-9]" mpi.err

last=${ids##* }
"$SNAC" synth $last --db split1.db --work s1 --split > /dev/null 2>&1
mpi 3 "$SNAC" synth $last --db split3.db --work s3 --split > /dev/null 2>&1
check "--split, 3 ranks: same rows as one process" test "$(rows split1.db)" = "$(rows split3.db)"

SNAC_MPI_TIMEOUT=90 SNAC_MPI_FAULT=kill:1:1 mpi 3 "$SNAC" synth $ids --db kill.db --work wk > kill.txt 2> kill.err
check "rank killed: exit 0" test $? -eq 0
check "  the rank was written off" grep -q "MPI rank 1 did not answer" kill.err
check "  same rows" test "$(rows one.db)" = "$(rows kill.db)"

echo "$fails failed"
test $fails -eq 0
