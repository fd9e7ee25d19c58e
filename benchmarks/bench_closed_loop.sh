#!/usr/bin/env bash
# bench_closed_loop — synthesis in the loop (issue 20): a closed-loop search (`synthesis:` section:
# K Yosys runs per generation in the background, the yosys-0.23 surrogate refitted every generation,
# the population re-scored) against the open loop on the same data, trial budget and number of Yosys
# runs (the plain search, then the same number of Yosys runs spent on its final front, most accurate
# first, and one `snac refit`), deploy toolchain yosys-0.23, for each seed:
#   wall       seconds of the whole closed-loop search; of search + Yosys + refit for the open loop
#   syntheses  Yosys runs spent (the closed loop's jobs; the open loop spends the same number)
#   HV         hypervolume of the final front in synthesized numbers: every member of each run's final
#              front (its trials re-scored by the run's final surrogate version, `snac pareto
#              --surrogate`) is synthesized (not timed); points (1 - val accuracy, LUT, latency cycles)
#              against one reference per seed (1, and 1.1 x the largest LUT and latency of both fronts),
#              normalised so that 1 is a perfect front
#   MAPE       the final version's LUT and latency error on its final-front members (%)
# then the mean over seeds, the paired (by seed) HV difference closed - open with a seeded
# percentile-bootstrap 95% interval (2000 resamples), the MAPE ratio and the wall-time ratio.
# Target (issue 20): HV difference > 0 with an interval excluding 0, MAPE closed <= 0.5 x open,
# wall closed <= 1.25 x open.
#
#   benchmarks/bench_closed_loop.sh [--seeds N] [--trials T] [--population P] [--k K] [--epochs E]
#                                   [--train ROWS] [--snac BIN] [--out DIR] [--smoke]
# defaults: 3 seeds, 60 trials, population 10, K 2, 2 epochs, 20000 simulated training jets, 1-3
# hidden layers of widths 4/8/16 (Yosys: tens of seconds per model); --smoke: 2 seeds of 8 trials,
# population 4, K 1, 1-2 layers of widths 2/4 on 3000 jets (minutes; for checking the script).
# Prints the load average before and after: other users share the cores.
set -euo pipefail
SNAC=build/snac
seeds=3 trials=60 pop=10 k=2 epochs=2 train=20000 out="" smoke=0
while [ $# -gt 0 ]; do
    case $1 in
    --seeds) seeds=$2; shift ;;
    --trials) trials=$2; shift ;;
    --population) pop=$2; shift ;;
    --k) k=$2; shift ;;
    --epochs) epochs=$2; shift ;;
    --train) train=$2; shift ;;
    --snac) SNAC=$2; shift ;;
    --out) out=$2; shift ;;
    --smoke) smoke=1 ;;
    *) echo "bench_closed_loop: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
widths="[[4, 8, 16], [4, 8, 16], [4, 8]]" layers="[1, 2, 3]"
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
echo "  $seeds seeds x $trials trials (population $pop, $epochs epochs), K $k per generation, widths $widths"
"$SNAC" data gen --out jets --train "$train" --val $((train / 4)) --test 500 --seed 5 > /dev/null

config() { # config SEED CLOSED(0/1)
    cat <<YAML
training: {batch_size: 128, threads: 1}
data: {format: hdf5, files: [jets/train, jets/val], constituents: 8, features: [pt, etarel, phirel],
       normalisation: robust, val_fraction: 0.2, seed: 1}
search: {trials: $trials, population: $pop, epochs: $epochs, seed: $1, workers: 2, store_models: true,
         objectives: [accuracy, lut, latency_cycles]}
search_space: {layers: $layers, widths: $widths, activation: [relu]}
deploy: {toolchain: yosys-0.23}
YAML
    [ "$2" -eq 1 ] && echo "synthesis: {per_generation: $k, pick: uncertainty, refit_every: 1, jobs: 1}"
    true
}
now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
# front_csv DB VERSION > FILE: the final front re-scored by VERSION, as "model_id acc pred_lut pred_lat"
front() {
    "$SNAC" pareto 1 --db "$1" --surrogate "$2" --csv - |
        awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
                 $c["front"] == 1 { print $c["model_id"], $c["accuracy"], $c["pred_lut"], $c["pred_latency_cycles"] }'
}
# synthesized DB MODEL: "lut latency" of its Yosys row
synthesized() {
    sqlite3 -separator ' ' "$1" "SELECT lut, latency_worst FROM synthesis_results WHERE model_id = $2 AND
        toolchain = 'yosys' AND source_kind = 'yosys' ORDER BY id DESC LIMIT 1"
}
# points DB FRONTFILE > FILE: "1-acc lut latency pred_lut pred_lat" of the synthesized members
points() {
    local m acc plut plat y
    while read -r m acc plut plat; do
        y=$(synthesized "$1" "$m")
        if [ -n "$y" ]; then echo "$(calc "1 - $acc") $y $plut $plat"; fi
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
mape() { # mape FILE COL_ACTUAL COL_PRED
    awk -v y="$2" -v p="$3" '$y > 0 { s += ($p > $y ? $p - $y : $y - $p) / $y; n++ } END { printf "%.2f\n", n ? 100 * s / n : -1 }' "$1"
}

printf "%5s %9s %9s %6s %9s %9s %10s %10s %10s %10s\n" seed wall_c wall_o synths HV_c HV_o MAPElut_c MAPElut_o MAPElat_c MAPElat_o
: > rows.txt
for s in $(seq 1 "$seeds"); do
    config "$s" 1 > closed$s.yaml
    config "$s" 0 > open$s.yaml
    rm -f closed$s.db* open$s.db*
    t0=$(now)
    "$SNAC" search -c closed$s.yaml --db closed$s.db --quiet > closed$s.out 2> closed$s.err
    wall_c=$(calc "$(now) - $t0")
    S=$(sqlite3 closed$s.db "SELECT count(*) FROM search_synth_jobs")
    vc=$(sqlite3 closed$s.db "SELECT json_extract(result, '$.surrogate_version') FROM runs WHERE id = 1")

    t0=$(now)
    "$SNAC" search -c open$s.yaml --db open$s.db --quiet > open$s.out 2> open$s.err
    v0=$(sqlite3 open$s.db "SELECT json_extract(result, '$.surrogate_version') FROM runs WHERE id = 1")
    front open$s.db "$v0" | sort -k2,2gr | head -n "$S" | awk '{ print $1 }' > open$s.picked
    if [ -s open$s.picked ]; then
        "$SNAC" synth $(cat open$s.picked) --deploy --db open$s.db --work open$s.synth --quiet > /dev/null || true
    fi
    "$SNAC" refit --toolchain yosys-0.23 --kfold 5 --activate --db open$s.db > open$s.refit 2>&1 || true
    wall_o=$(calc "$(now) - $t0")
    vo=$(sqlite3 open$s.db "SELECT id FROM surrogate_versions WHERE toolchain = 'yosys-0.23' AND active = 1")

    # evaluation (not timed): every final-front member synthesized
    front closed$s.db "$vc" > closed$s.front
    front open$s.db "$vo" > open$s.front
    "$SNAC" synth $(awk '{ print $1 }' closed$s.front) --deploy --db closed$s.db --work closed$s.synth --quiet > /dev/null || true
    "$SNAC" synth $(awk '{ print $1 }' open$s.front) --deploy --db open$s.db --work open$s.synth --quiet > /dev/null || true
    points closed$s.db closed$s.front > closed$s.pts
    points open$s.db open$s.front > open$s.pts
    rl=$(cat closed$s.pts open$s.pts | awk '$2 > m { m = $2 } END { print 1.1 * m }')
    rt=$(cat closed$s.pts open$s.pts | awk '$3 > m { m = $3 } END { print 1.1 * m }')
    hc=$(hv3 closed$s.pts "$rl" "$rt")
    ho=$(hv3 open$s.pts "$rl" "$rt")
    row="$s $wall_c $wall_o $S $hc $ho $(mape closed$s.pts 2 4) $(mape open$s.pts 2 4) $(mape closed$s.pts 3 5) $(mape open$s.pts 3 5)"
    echo "$row" >> rows.txt
    echo "$row" | awk '{ printf "%5d %9.1f %9.1f %6d %9.4f %9.4f %10.2f %10.2f %10.2f %10.2f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
done
awk 'BEGIN { srand(1) }
{ n++; wc += $2; wo += $3; hc += $5; ho += $6; mc += $7; mo += $8; d[n] = $5 - $6 }
END {
    printf "mean   %9.1f %9.1f %6s %9.4f %9.4f %10.2f %10.2f\n", wc / n, wo / n, "", hc / n, ho / n, mc / n, mo / n
    for (b = 1; b <= 2000; b++) { s = 0; for (i = 1; i <= n; i++) s += d[1 + int(rand() * n)]; m[b] = s / n }
    for (i = 2; i <= 2000; i++) for (j = i; j > 1 && m[j - 1] > m[j]; j--) { t = m[j]; m[j] = m[j - 1]; m[j - 1] = t }
    md = 0; for (i = 1; i <= n; i++) md += d[i]; md /= n
    printf "HV closed - open: %+.4f [%+.4f, %+.4f] (paired by seed, bootstrap 95%%)\n", md, m[50], m[1951]
    printf "MAPE LUT closed / open: %.2f; wall closed / open: %.2f\n", (mo > 0 ? mc / mo : -1), (wo > 0 ? wc / wo : -1)
}' rows.txt
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
