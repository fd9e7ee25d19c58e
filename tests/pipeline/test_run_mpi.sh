#!/usr/bin/env bash
# `mpirun -np 3 snac run` (SNAC_WITH_MPI): the codesign loop with its search and synth stages on
# worker ranks ends with the same rows as the one-process run of the same config (natural keys),
# and every rank exits cleanly (exit 0, nothing left running).
# usage: test_run_mpi.sh SNAC
set -u
SNAC=$(realpath "$1")
. "$(dirname "$0")/../lib.sh"
command -v yosys > /dev/null || { echo "SKIP: yosys not installed"; exit 77; }
. "$(dirname "$0")/run_lib.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_plm_rsh_agent= OMPI_MCA_btl=self,vader
config a.db > a.yaml
config m.db > m.yaml

"$SNAC" run -c a.yaml > a.out 2>&1
check "one process: exit 0" test $? -eq 0
SNAC_MPI_STATS=1 timeout 900 mpirun --oversubscribe --enable-recovery -np 3 "$SNAC" run -c m.yaml > m.out 2> m.err
check "3 ranks: exit 0" test $? -eq 0
check "  the search and synth stages were MPI jobs" grep -q "mpi stats: ranks 3 jobs [1-9]" m.err
rows a.db > a.rows
rows m.db > m.rows
check "  same rows as one process" cmp -s a.rows m.rows
check "  a row of each kind" test "$(cut -d'|' -f1 m.rows | sort -u | tr '\n' ' ')" = "iter run stage stats synth trial version "

echo "$fails failed"
test $fails -eq 0
