#!/usr/bin/env bash
# bench_fidelity — the global search at full fidelity vs multi-fidelity (search.fidelity:
# successive halving inside each generation), same budget, several seeds: wall time and the
# hypervolume of the final front (full-fidelity trials only: validation accuracy after
# search.epochs, surrogate average resources %, surrogate cycles) w.r.t. one fixed reference.
#
#   benchmarks/bench_fidelity.sh [SNAC_BIN] [TRAIN] [VAL] [TRIALS] [SEEDS] [FIDELITY] [MODES] [REF]
#     defaults: build/snac 620000 124000 500 "1 2 3" "{rungs: [1, 3, 5], keep: 0.5}" "full multi"
#               REF "0.2,10,50" (accuracy 0.2 = chance for 5 classes, 10% average resources, 50 cycles)
#     the paper scale: `snac data gen --train 620000 --val 124000`, configs/search_snac.yaml's
#     budget (500 trials x 5 epochs, population 20): ~17 min per full-fidelity seed on 2 cores.
#   MODES "multi" skips the full-fidelity runs (baselines may be run once and kept: the log
#   lines are the record); "complete" is multi followed by `snac pareto --complete` (the
#   partial trials no full one dominates trained to full fidelity from scratch), its time in
#   the wall time and its epochs (5 per completed trial) in the count. Workers: search.workers
#   0 = one per core.
# Data: simulated jets into a scratch folder (`snac data gen --train TRAIN --val VAL --seed 1`);
# each run its own scratch database. Prints one line per run, then per mode the median wall
# time and the mean hypervolume over the seeds, and multi/full ratios.
set -eu
SNAC=$(realpath "${1:-build/snac}")
TRAIN=${2:-620000}
VAL=${3:-124000}
TRIALS=${4:-500}
SEEDS=${5:-1 2 3}
FIDELITY=${6:-"{rungs: [1, 3, 5], keep: 0.5}"}
MODES=${7:-full multi}
REF=${8:-0.2,10,50}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
echo "bench_fidelity: $TRAIN train / $VAL val jets, $TRIALS trials, seeds $SEEDS, fidelity $FIDELITY," \
     "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$SNAC" data gen --out jets --train "$TRAIN" --val "$VAL" --test 10000 --seed 1 > /dev/null
for mode in $MODES; do
    for seed in $SEEDS; do
        sed -e "s#^  trials: 500#  trials: $TRIALS#" -e "s#^  seed: 2025#  seed: $seed#" \
            -e "s#out/jets/#$work/jets/#g" -e "s#^  db: out/snac.db#  db: $work/$mode$seed.db#" \
            "$root/configs/search_snac.yaml" > $mode$seed.yaml
        [ "$mode" != full ] && sed -i "s#^  epochs: 5#  epochs: 5\n  fidelity: $FIDELITY#" $mode$seed.yaml
        start=$(date +%s.%N)
        "$SNAC" search -c $mode$seed.yaml --quiet > $mode$seed.out
        ep0=$(sqlite3 $mode$seed.db "SELECT sum(epochs_done) FROM trials WHERE status IN ('done','failed')")
        part0=$(sqlite3 $mode$seed.db "SELECT count(*) FROM trials WHERE status IN ('done','failed') AND epochs_done < 5")
        pre=""
        if [ "$mode" = complete ]; then
            mid=$(date +%s.%N)
            hv0=$("$SNAC" pareto 1 --db $mode$seed.db --hv-ref "$REF" | sed -n 's/^hypervolume \([^ ]*\) of the \([0-9]*\) .*/\1/p')
            pre=$(awk -v a="$start" -v b="$mid" -v hv="$hv0" -v e="$ep0" \
                  'BEGIN { printf "  (before --complete: wall %.1f s, hypervolume %.6f, %d epochs)", b - a, hv, e }')
            "$SNAC" pareto 1 --db $mode$seed.db --complete > /dev/null
        fi
        end=$(date +%s.%N)
        hv=$("$SNAC" pareto 1 --db $mode$seed.db --hv-ref "$REF" | sed -n 's/^hypervolume \([^ ]*\) of the \([0-9]*\) .*/\1 \2/p')
        part1=$(sqlite3 $mode$seed.db "SELECT count(*) FROM trials WHERE status IN ('done','failed') AND epochs_done < 5")
        ep="$((ep0 + 5 * (part0 - part1)))|$(sqlite3 $mode$seed.db "SELECT count(*) FROM trials WHERE status IN ('done','failed')")"
        awk -v m=$mode -v s=$seed -v a="$start" -v b="$end" -v hv="$hv" -v ep="$ep" -v pre="$pre" 'BEGIN {
          split(hv, h, " "); split(ep, e, "|")
          printf "  %-5s seed %-3s wall %7.1f s  hypervolume %.6f  front %3d  trained %4d trials, %5d epochs%s\n",
                 m, s, b - a, h[1], h[2], e[2], e[1], pre }' | tee -a runs.txt
    done
done
awk -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
  { m = $1; wall[m, ++n[m]] = $5; hv[m] += $8 }
  END {
    for (m in n) {
      k = n[m]; for (i = 1; i <= k; i++) w[i] = wall[m, i]
      for (i = 2; i <= k; i++) for (j = i; j > 1 && w[j] < w[j - 1]; j--) { t = w[j]; w[j] = w[j - 1]; w[j - 1] = t }
      med[m] = k % 2 ? w[(k + 1) / 2] : (w[k / 2] + w[k / 2 + 1]) / 2; mean[m] = hv[m] / k
      printf "  %-5s median wall %7.1f s (%.1f min), mean hypervolume %.6f over %d seeds\n", m, med[m], med[m] / 60, mean[m], k
    }
    for (m in n)
      if (m != "full" && ("full" in n))
        printf "  %s/full: wall %.3f, hypervolume %.4f (%+.2f%%); load average at the end %s\n", m,
               med[m] / med["full"], mean[m] / mean["full"], 100 * (mean[m] / mean["full"] - 1), load
  }' runs.txt
