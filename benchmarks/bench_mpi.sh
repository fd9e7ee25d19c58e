#!/usr/bin/env bash
# bench_mpi — the global search on Open MPI ranks (SNAC_WITH_MPI build) against one process and
# the fork-worker path, on this machine:
#   1. trials/hour for 1, 2, 3, 4 ranks (rank 0 coordinates, ranks 1.. train: N ranks = N-1 trial
#      processes; 1 rank = the in-process path); above the core count the ranks are oversubscribed
#   2. per-trial overhead of mpirun -np 3 (2 worker ranks) against `--workers 2` (fork) on 2 x TRIALS
#      trials: wall and CPU seconds (every process of the command) per trained trial, best of REPS;
#      CPU is the figure that holds up when other jobs share the cores
#   3. a simulated cluster: 16 ranks (oversubscribed) on tiny trials: messages and bytes per trial
#      as rank 0 counts them, rank 0's CPU share of the wall time (SNAC_MPI_STATS=1)
#
#   benchmarks/bench_mpi.sh [SNAC_BIN] [TRIALS] [REPS] [TRAIN]     defaults: build/snac 24 2 60000
# Data: TRAIN simulated training jets (snac data gen; a trial's cost grows with it, the fixed cost
# of a run does not), 4 epochs, population 8; prints the load average before and after (other
# users share the cores).
set -eu
SNAC=$(realpath "${1:-build/snac}")
TRIALS=${2:-24}
REPS=${3:-2}
TRAIN=${4:-60000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_plm_rsh_agent= OMPI_MCA_btl=self,vader OPENBLAS_NUM_THREADS=1
mpi() { local n=$1; shift; mpirun --oversubscribe -np "$n" "$@"; }
calc() { awk "BEGIN { print $1 }"; }
cores=$(nproc)
echo "bench_mpi: $(date -u +%FT%TZ), $cores cores, $TRAIN training jets, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

"$SNAC" data gen --out jets --train "$TRAIN" --val 10000 --test 500 --seed 5 > /dev/null
cat > s.yaml <<YAML
training: {batch_size: 128, threads: 1}
data: {format: hdf5, files: [jets/train, jets/val], constituents: 8, features: [pt, etarel, phirel],
       normalisation: robust, val_fraction: 0.2, seed: 1}
search: {trials: $TRIALS, population: 8, epochs: 4, seed: 11, workers: 1, store_models: true,
         objectives: [accuracy, avg_resource_pct]}
YAML

# run NAME CMD...: a search into NAME.db; prints "wall trained cpu" (cpu: user + sys seconds of
# every process of the command: snac, its fork workers, mpirun and the ranks)
run() {
    local name=$1; shift
    rm -f "$name.db"
    local t0 t1 cpu
    t0=$(date +%s.%N)
    cpu=$( ( "$@" --db "$name.db" --quiet > "$name.out" 2> "$name.err"; times ) | tail -1 |
          awk '{ split($1, u, "m"); split($2, s, "m"); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
    t1=$(date +%s.%N)
    echo "$(calc "$t1 - $t0") $(sqlite3 "$name.db" "SELECT count(*) FROM trials WHERE status IN ('done','failed')") $cpu"
}

echo
echo "1. scaling ($TRIALS trials asked, 4 epochs, population 8)"
printf "  %-5s %-13s %-9s %-8s %-14s %s\n" ranks trial_procs wall_s trained trials/hour note
for n in 1 2 3 4; do
    read -r wall trained _ < <(run r$n mpi $n "$SNAC" search -c s.yaml)
    note=""
    [ "$n" -gt "$cores" ] && note="oversubscribed ($n ranks on $cores cores)"
    [ "$n" -eq 1 ] && note="in-process (no worker ranks)"
    printf "  %-5s %-13s %-9.1f %-8s %-14.0f %s\n" "$n" "$(( n > 1 ? n - 1 : 1 ))" "$wall" "$trained" \
        "$(calc "$trained / $wall * 3600")" "$note"
done

echo
echo "2. overhead per trial, 2 trial processes: fork (--workers 2) vs MPI (-np 3), $((2 * TRIALS)) trials asked, best of $REPS"
sed "s/trials: $TRIALS,/trials: $((2 * TRIALS)),/" s.yaml > s2.yaml
bwf=1e9; bwm=1e9; bcf=1e9; bcm=1e9
for r in $(seq "$REPS"); do
    read -r wf tf cf < <(run f$r "$SNAC" search -c s2.yaml --workers 2)
    read -r wm tm cm < <(run m$r mpi 3 "$SNAC" search -c s2.yaml)
    printf "  rep %d: fork %.3f s wall, %.3f s CPU per trial; MPI %.3f s wall, %.3f s CPU per trial (load %s)\n" \
        "$r" "$(calc "$wf / $tf")" "$(calc "$cf / $tf")" "$(calc "$wm / $tm")" "$(calc "$cm / $tm")" \
        "$(cut -d' ' -f1 /proc/loadavg)"
    bwf=$(calc "($wf / $tf < $bwf) ? $wf / $tf : $bwf"); bcf=$(calc "($cf / $tf < $bcf) ? $cf / $tf : $bcf")
    bwm=$(calc "($wm / $tm < $bwm) ? $wm / $tm : $bwm"); bcm=$(calc "($cm / $tm < $bcm) ? $cm / $tm : $bcm")
done
printf "  best: wall fork %.3f / MPI %.3f s per trial: %+.1f%%; CPU fork %.3f / MPI %.3f s per trial: %+.1f%% (target <= 5%%)\n" \
    "$bwf" "$bwm" "$(calc "($bwm - $bwf) / $bwf * 100")" "$bcf" "$bcm" "$(calc "($bcm - $bcf) / $bcf * 100")"
cmp -s <(sqlite3 f1.db "SELECT generation, idx, objectives FROM trials ORDER BY 1, 2") \
       <(sqlite3 m1.db "SELECT generation, idx, objectives FROM trials ORDER BY 1, 2") &&
    echo "  (fork and MPI runs stored identical objectives)"

echo
echo "3. simulated cluster: 16 ranks on $cores cores, tiny trials (320 trials of 4-(4..16)-(4..8)-3 nets, 1 epoch)"
awk 'BEGIN { srand(7); print "a,b,c,d,label"; for (i = 0; i < 600; i++) { k = i % 3;
  printf "%.4f,%.4f,%.4f,%.4f,%s\n", k + rand() / 2, -k + rand() / 2, rand(), 2 * k + rand(), substr("xyz", k + 1, 1) } }' > d.csv
cat > t.yaml <<YAML
training: {batch_size: 32, threads: 1}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.25, seed: 2}
search: {trials: 320, population: 32, epochs: 1, seed: 3, workers: 1, store_models: true,
         objectives: [accuracy, avg_resource_pct]}
search_space: {layers: [1, 2], widths: [[4, 8, 16], [4, 8]]}
YAML
rm -f c.db
SNAC_MPI_STATS=1 mpi 16 "$SNAC" search -c t.yaml --db c.db --quiet > c.out 2> c.err
grep "mpi stats" c.err | awk -v n="$(sqlite3 c.db "SELECT count(*) FROM trials WHERE status IN ('done','failed')")" '{
  for (i = 1; i < NF; i++) v[$i] = $(i + 1)
  printf "  %d trials trained on 15 worker ranks: %.2f messages/trial, %.0f bytes/trial (model blobs included),\n", n, v["messages"] / n, v["bytes"] / n
  printf "  rank 0 after MPI_Init: %.2f s CPU of %.2f s wall = %.1f%% of one core (its store writes included)\n", v["rank0_cpu_s"], v["wall_s"], 100 * v["rank0_cpu_s"] / v["wall_s"] }'
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
