#!/usr/bin/env bash
# bench_closed_loop — synthesis in the loop (issue 20): a closed-loop search (`synthesis:` section:
# K Yosys runs per generation in the background, the yosys-0.23 surrogate refitted every generation,
# the population re-scored) against the open loop on the same data, trial budget and number of Yosys
# runs, deploy toolchain yosys-0.23, for each seed.
#   closed    the search with the section; its final front = every trial re-scored by the version it
#             ended with (`snac pareto --surrogate`)
#   open      the same search without the section (it searches with the default yosys-0.23 version);
#             its final front = the front it reported with that version. Then the same number S of
#             Yosys runs as the closed loop's jobs, spent after the search on that front (most accurate
#             first; when the front has fewer than S members, the rest on the most accurate other
#             trials), and one `snac refit --activate` on them
#   open-re   an extra variant: the open loop's trials re-selected after the fact by that refit (its
#             front re-scored by the refitted version); not what the issue calls the open loop
# Printed per seed:
#   wall      seconds of the whole closed-loop search; of search + Yosys + refit for the open loop
#   S         Yosys runs spent by each loop
#   HV        hypervolume of the final front in synthesized numbers: every member of each front is
#             synthesized (not timed); points (1 - val accuracy, LUT, latency cycles) against one
#             reference per seed (1, and 1.1 x the largest LUT and latency of the three fronts),
#             normalised so that 1 is a perfect front
#   LUT%      LUT MAPE on the front's members of the estimator the loop ended with: closed its final
#             version; open the default version it searched with (out of sample). Extras: closed
#             "unseen" = only the members it did not synthesize during the search; open "refit" = the
#             open loop's post-hoc refit on its own front (in sample: fitted on those rows)
#   lat%      latency-cycle MAPE, same estimators as LUT% (closed, open)
# then the means, the paired (by seed) HV differences closed - open and closed - open-re with a
# seeded percentile-bootstrap 95% interval (2000 resamples), the MAPE ratio and the wall-time ratio.
# Target (issue 20): HV difference closed - open > 0 with an interval excluding 0, LUT MAPE
# closed <= 0.5 x open, wall closed <= 1.25 x open.
#
#   benchmarks/bench_closed_loop.sh [--seeds N] [--first-seed F] [--trials T] [--population P] [--k K] [--epochs E]
#                                   [--train ROWS] [--pick MODE] [--deploy PRECISION] [--layers L]
#                                   [--widths W] [--snac BIN] [--out DIR] [--smoke]
# (--first-seed: seeds F..F+N-1, to add seeds to an earlier run's; the same jets) defaults: 3 seeds, 70 trials, population 10, K 4, 2 epochs, 20000 simulated training jets, pick
# uncertainty (the closed loop's synthesis.pick: uncertainty | front | random); --deploy: the deploy
# section's precision keys (default 'weight: "ap_fixed<4,1>", bias: "ap_fixed<4,1>", input:
# "ap_fixed<6,3>"'; '' = snac's default deployment precision); --layers/--widths: the search space's
# YAML lists;
# space: 1-4 hidden layers, widths 4-20 / 4-16 / 4-12 / 4-8 (205 architectures, x the Table 1
# hyper-parameters), deployed at ap_fixed<4,1> weights and biases, ap_fixed<6,3> inputs (Yosys: seconds
# to tens of seconds per model). K 4 so that the refit could reach 12 architectures (a full fit)
# before generation 4 of 0-6, if the picks find 12 different layer widths; below 12 the refit is a
# recalibration (a + b x the default per target, which keeps each objective's order) or, from 3
# architectures, the anchored fit (the structural basis pulled toward the default), which can reorder.
# --smoke: 2 seeds of 8 trials, population 4, K 1, 1-2 layers of widths 2/4 on 3000 jets (minutes;
# for checking the script). Prints the load average before and after: other users share the cores.
set -euo pipefail
SNAC=build/snac
seeds=3 first=1 trials=70 pop=10 k=4 epochs=2 train=20000 pick=uncertainty out="" smoke=0
precision='weight: "ap_fixed<4,1>", bias: "ap_fixed<4,1>", input: "ap_fixed<6,3>"'
widths="[[4, 8, 12, 16, 20], [4, 8, 12, 16], [4, 8, 12], [4, 8]]" layers="[1, 2, 3, 4]"
while [ $# -gt 0 ]; do
    case $1 in
    --seeds) seeds=$2; shift ;;
    --first-seed) first=$2; shift ;;
    --trials) trials=$2; shift ;;
    --population) pop=$2; shift ;;
    --k) k=$2; shift ;;
    --epochs) epochs=$2; shift ;;
    --train) train=$2; shift ;;
    --pick) pick=$2; shift ;;
    --deploy) precision=$2; shift ;;
    --layers) layers=$2; shift ;;
    --widths) widths=$2; shift ;;
    --snac) SNAC=$2; shift ;;
    --out) out=$2; shift ;;
    --smoke) smoke=1 ;;
    *) echo "bench_closed_loop: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
if [ "$smoke" -eq 1 ]; then
    seeds=2 trials=8 pop=4 k=1 epochs=1 train=3000 widths="[[2, 4], [2, 4]]" layers="[1, 2]"
fi
SNAC=$(realpath "$SNAC")
command -v yosys > /dev/null || { echo "bench_closed_loop: needs yosys on PATH" >&2; exit 1; }
if [ -z "$out" ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
cd "$out"
export OPENBLAS_NUM_THREADS=1
echo "bench_closed_loop: $(date -u +%FT%TZ), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  $seeds seeds (from $first) x $trials trials (population $pop, $epochs epochs), K $k per generation, pick $pick"
echo "  layers $layers, widths $widths, deploy {${precision:-snac default precision}}"
"$SNAC" data gen --out jets --train "$train" --val $((train / 4)) --test 500 --seed 5 > /dev/null

config() { # config SEED CLOSED(0/1)
    cat <<YAML
training: {batch_size: 128, threads: 1}
data: {format: hdf5, files: [jets/train, jets/val], constituents: 8, features: [pt, etarel, phirel],
       normalisation: robust, val_fraction: 0.2, seed: 1}
search: {trials: $trials, population: $pop, epochs: $epochs, seed: $1, workers: 2, store_models: true,
         objectives: [accuracy, lut, latency_cycles]}
search_space: {layers: $layers, widths: $widths, activation: [relu]}
deploy: {toolchain: yosys-0.23${precision:+, $precision}}
YAML
    [ "$2" -eq 1 ] && echo "synthesis: {per_generation: $k, pick: $pick, refit_every: 1, jobs: 1}"
    true
}
now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
# scored DB VERSION > FILE: every trial of run 1 re-scored by VERSION, as
# "model_id front(0/1) accuracy pred_lut pred_lat"
scored() {
    "$SNAC" pareto 1 --db "$1" --surrogate "$2" --all --csv - |
        awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                 { print $c["model_id"], $c["front"], $c["accuracy"], $c["pred_lut"], $c["pred_latency_cycles"] }'
}
# front SCORED > FILE: its front members, "model_id acc pred_lut pred_lat"
front() { awk '$2 == 1 { print $1, $3, $4, $5 }' "$1"; }
# repredict FRONT SCORED > FILE: the front's members with the predictions of another scoring
repredict() { awk 'NR == FNR { p[$1] = $4 " " $5; next } { print $1, $2, p[$1] }' "$2" "$1"; }
# synth DB WORK FILE: synthesizes the models named in the first column (skips those with a row)
synth() {
    if [ -s "$3" ]; then
        "$SNAC" synth $(awk '{ print $1 }' "$3") --deploy --db "$1" --work "$2" --quiet > /dev/null || true
    fi
}
# synthesized DB MODEL: "lut latency" of its Yosys row
synthesized() {
    sqlite3 -separator ' ' "$1" "SELECT lut, latency_worst FROM synthesis_results WHERE model_id = $2 AND
        toolchain = 'yosys' AND source_kind = 'yosys' ORDER BY id DESC LIMIT 1"
}
# points DB FRONTFILE > FILE: "1-acc lut latency pred_lut pred_lat model_id" of the synthesized members
points() {
    local m acc plut plat y
    while read -r m acc plut plat; do
        y=$(synthesized "$1" "$m")
        if [ -n "$y" ]; then echo "$(calc "1 - $acc") $y $plut $plat $m"; fi
    done < "$2"
}
# hv3 FILE REF_LUT REF_LAT: normalised hypervolume of the points (minimised; reference 1, ref_lut, ref_lat)
hv3() {
    awk -v rl="$2" -v rt="$3" '
    { a[NR] = $1; l[NR] = $2 / rl; t[NR] = $3 / rt; n = NR }
    function hv2(k,   i, j, x, s, cnt, ol, ot, tmp, best, area) { # 2-D HV of the points with a <= a-slice k
        cnt = 0
        for (i = 1; i <= n; i++) if (a[i] <= a[o[k]] && l[i] < 1 && t[i] < 1) { cnt++; ol[cnt] = l[i]; ot[cnt] = t[i] }
        for (i = 2; i <= cnt; i++) for (j = i; j > 1 && ol[j - 1] > ol[j]; j--) {
            tmp = ol[j]; ol[j] = ol[j - 1]; ol[j - 1] = tmp; tmp = ot[j]; ot[j] = ot[j - 1]; ot[j - 1] = tmp }
        area = 0; best = 1
        for (i = 1; i <= cnt; i++) { if (ot[i] < best) { area += (1 - ol[i]) * (best - ot[i]); best = ot[i] } }
        return area
    }
    END {
        for (i = 1; i <= n; i++) o[i] = i
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[o[j - 1]] > a[o[j]]; j--) { tmp = o[j]; o[j] = o[j - 1]; o[j - 1] = tmp }
        hv = 0
        for (k = 1; k <= n; k++) { next_a = k < n ? a[o[k + 1]] : 1; if (a[o[k]] < 1) hv += (next_a - a[o[k]]) * hv2(k) }
        printf "%.6f\n", hv
    }' "$1"
}
mape() { # mape FILE COL_ACTUAL COL_PRED: in %, "-1" for no rows
    awk -v y="$2" -v p="$3" '$y > 0 { s += ($p > $y ? $p - $y : $y - $p) / $y; n++ } END { printf "%.2f\n", n ? 100 * s / n : -1 }' "$1"
}
version() { sqlite3 "$1" "SELECT json_extract(result, '$.surrogate_version') FROM runs WHERE id = 1"; }

printf "%4s %7s %7s %3s %3s %7s %7s %7s %7s %7s %7s %7s %6s %6s %6s\n" seed wall_c wall_o S_c S_o \
    HV_c HV_o HV_ore LUT%_c LUT%_o unseen_c refit_o n_c n_o lat%c/o
: > rows.txt
for s in $(seq "$first" $((first + seeds - 1))); do
    config "$s" 1 > closed$s.yaml
    config "$s" 0 > open$s.yaml
    rm -rf closed$s.db* open$s.db*
    t0=$(now)
    "$SNAC" search -c closed$s.yaml --db closed$s.db --quiet > closed$s.out 2> closed$s.err
    wall_c=$(calc "$(now) - $t0")
    S=$(sqlite3 closed$s.db "SELECT count(*) FROM search_synth_jobs")

    t0=$(now)
    "$SNAC" search -c open$s.yaml --db open$s.db --quiet > open$s.out 2> open$s.err
    v0=$(version open$s.db)
    scored open$s.db "$v0" > open$s.scored0
    # the budget: the front most accurate first, then the other trials most accurate first
    { awk '$2 == 1' open$s.scored0 | sort -k3,3gr; awk '$2 != 1' open$s.scored0 | sort -k3,3gr; } |
        awk -v n="$S" 'NR <= n' > open$s.picked
    synth open$s.db open$s.synth open$s.picked
    "$SNAC" refit --toolchain yosys-0.23 --kfold 5 --activate --db open$s.db > open$s.refit 2>&1 || true
    wall_o=$(calc "$(now) - $t0")
    So=$(sqlite3 open$s.db "SELECT count(*) FROM synthesis_results WHERE source_kind = 'yosys'")
    vr=$(sqlite3 open$s.db "SELECT id FROM surrogate_versions WHERE toolchain = 'yosys-0.23' AND active = 1")

    # evaluation (not timed): every member of the three fronts synthesized
    scored closed$s.db "$(version closed$s.db)" > closed$s.scored
    scored open$s.db "$vr" > open$s.scoredr
    front closed$s.scored > closed$s.front
    front open$s.scored0 > open$s.front
    front open$s.scoredr > openre$s.front
    repredict open$s.front open$s.scoredr > openrefit$s.front
    synth closed$s.db closed$s.synth closed$s.front
    synth open$s.db open$s.synth open$s.front
    synth open$s.db open$s.synth openre$s.front
    points closed$s.db closed$s.front > closed$s.pts
    points open$s.db open$s.front > open$s.pts
    points open$s.db openre$s.front > openre$s.pts
    points open$s.db openrefit$s.front > openrefit$s.pts
    sqlite3 closed$s.db "SELECT model_id FROM search_synth_jobs" > closed$s.jobs
    awk 'NR == FNR { seen[$1] = 1; next } !($6 in seen)' closed$s.jobs closed$s.pts > closed$s.unseen
    rl=$(cat closed$s.pts open$s.pts openre$s.pts | awk '$2 > m { m = $2 } END { print 1.1 * m }')
    rt=$(cat closed$s.pts open$s.pts openre$s.pts | awk '$3 > m { m = $3 } END { print 1.1 * m }')
    row="$s $wall_c $wall_o $S $So $(hv3 closed$s.pts "$rl" "$rt") $(hv3 open$s.pts "$rl" "$rt")"
    row="$row $(hv3 openre$s.pts "$rl" "$rt") $(mape closed$s.pts 2 4) $(mape open$s.pts 2 4)"
    row="$row $(mape closed$s.unseen 2 4) $(mape openrefit$s.pts 2 4) $(wc -l < closed$s.pts) $(wc -l < open$s.pts)"
    row="$row $(mape closed$s.pts 3 5) $(mape open$s.pts 3 5)"
    echo "$row" >> rows.txt
    echo "$row" | awk '{ printf "%4d %7.1f %7.1f %3d %3d %7.4f %7.4f %7.4f %7.2f %7.2f %7.2f %7.2f %6d %6d %6s\n",
        $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, sprintf("%.0f/%.0f", $15, $16) }'
done
awk 'BEGIN { srand(1) }
function boot(d, label,   b, s, i, j, t, m, md) {
    for (b = 1; b <= 2000; b++) { s = 0; for (i = 1; i <= n; i++) s += d[1 + int(rand() * n)]; m[b] = s / n }
    for (i = 2; i <= 2000; i++) for (j = i; j > 1 && m[j - 1] > m[j]; j--) { t = m[j]; m[j] = m[j - 1]; m[j - 1] = t }
    md = 0; for (i = 1; i <= n; i++) md += d[i]; md /= n
    printf "HV %s: %+.4f [%+.4f, %+.4f] (paired by seed, bootstrap 95%%)\n", label, md, m[50], m[1951]
}
{ n++; wc += $2; wo += $3; hc += $6; ho += $7; hr += $8; mc += $9; mo += $10; mr += $12
  if ($11 >= 0) { mu += $11; nu++ }
  d[n] = $6 - $7; e[n] = $6 - $8 }
END {
    printf "mean %7.1f %7.1f %7s %7.4f %7.4f %7.4f %7.2f %7.2f %7.2f %7.2f\n", wc / n, wo / n, "", hc / n, ho / n,
        hr / n, mc / n, mo / n, nu ? mu / nu : -1, mr / n
    boot(d, "closed - open   ")
    boot(e, "closed - open-re")
    printf "LUT MAPE closed / open: %.3f (closed / open refit, in sample: %.2f); wall closed / open: %.2f\n",
        (mo > 0 ? mc / mo : -1), (mr > 0 ? mc / mr : -1), (wo > 0 ? wc / wo : -1)
}' rows.txt
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
