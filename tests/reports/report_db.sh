# report_db.sh — a small real store for the report tests (sourced after lib.sh):
# report_db SNAC builds r.db in the current folder: tiny simulated jets, a 1-epoch baseline
# (run 1), an 8-trial global search of 1 epoch (run 2), a 3-iteration local search of its best
# trial (run 3), and two report folders of the fixtures ingested as synthesis results of two
# local-search models; exits on failure. Seconds.
report_db() {
    local snac=$1 fx
    fx="$(cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures/validation/reports" && pwd)"
    "$snac" data gen --out jets --train 1200 --val 300 --test 300 --seed 5 > /dev/null || exit 1
    cat > data.yaml <<YAML
data: {format: hdf5, files: [jets/train, jets/val], test_files: [jets/test], constituents: 8,
       features: [pt, etarel, phirel], normalisation: robust, val_fraction: 0.2, seed: 1}
YAML
    { echo "model: {hidden: [8, 8], activation: relu, batch_norm: false, dropout: 0.0}"
      echo "training: {epochs: 1, batch_size: 64, learning_rate: 0.0013, l1: 0.0, seed: 511, threads: 1}"
      cat data.yaml
      echo "output: {db: r.db, run_name: baseline}"; } > t.yaml
    "$snac" train -c t.yaml --quiet > /dev/null 2>&1 || exit 1
    { echo "training: {batch_size: 64, threads: 1}"
      cat data.yaml
      echo "output: {db: r.db}"
      echo "search: {trials: 8, population: 4, epochs: 1, seed: 3, workers: 1, store_models: true}"
      echo "search_space: {layers: [2, 3], widths: [[8, 16], [8, 16], [8]], activation: [relu]}"; } > s.yaml
    "$snac" search -c s.yaml --quiet > /dev/null 2>&1 || exit 1
    echo 'local: {warmup_epochs: 1, iterations: 3, prune_rate: 0.5, prune_epochs: 1, bits: [6], batch_size: 64, seed: 9}' > l.yaml
    "$snac" local -c l.yaml --run 2 --best --db r.db --quiet > /dev/null 2>&1 || exit 1
    local m0 m2
    m0=$(sqlite3 r.db "SELECT model_id FROM local_iterations WHERE iteration = 0")
    m2=$(sqlite3 r.db "SELECT model_id FROM local_iterations WHERE iteration = 2")
    "$snac" ingest --db r.db --model "$m0" -r "$fx/hls4ml_test_vivado_2020.1" > /dev/null 2>&1 || exit 1
    "$snac" ingest --db r.db --model "$m2" -r "$fx/nac_tutorial" > /dev/null 2>&1 || exit 1
}

# add_ablation DB: rows in the tables `snac ablate` writes (ablation_models, ablation_sets; created here
# when the store predates them, without the foreign keys), 2 sets x 2 seeds, one model failed synthesis
add_ablation() {
    sqlite3 "$1" "CREATE TABLE IF NOT EXISTS ablation_models(id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL,
        objective_set TEXT NOT NULL, seed INTEGER NOT NULL, pipeline_run_id INTEGER NOT NULL, model_id INTEGER NOT NULL,
        synthesis_id INTEGER, val_acc REAL, test_acc REAL, sparsity REAL, bits INTEGER, lut REAL, ff REAL, dsp REAL,
        bram18 REAL, latency REAL, pred_lut REAL, pred_ff REAL, pred_latency REAL);
      CREATE TABLE IF NOT EXISTS ablation_sets(run_id INTEGER NOT NULL, objective_set TEXT NOT NULL, seed INTEGER NOT NULL,
        pipeline_run_id INTEGER NOT NULL, n_models INTEGER NOT NULL, n_failed INTEGER NOT NULL, best_test_acc REAL,
        min_lut REAL, min_latency REAL, hv_lut REAL, hv_latency REAL, mape_lut REAL, mape_latency REAL, seconds REAL,
        PRIMARY KEY(run_id, objective_set, seed));
      INSERT INTO ablation_models(run_id, objective_set, seed, pipeline_run_id, model_id, test_acc, lut, ff, dsp, latency)
        VALUES (9, 'accuracy+bops', 1, 10, 1, 0.50, 900, 300, 0, 4), (9, 'accuracy+bops', 2, 11, 1, 0.52, 1100, 320, 0, 5),
               (9, 'accuracy+surrogate', 1, 12, 1, 0.51, 500, 200, 0, 3), (9, 'accuracy+surrogate', 2, 13, 1, 0.49, NULL, NULL, NULL, NULL),
               (9, 'accuracy+surrogate', 2, 13, 2, 0.53, 700, 210, 0, 3);
      INSERT INTO ablation_sets(run_id, objective_set, seed, pipeline_run_id, n_models, n_failed, hv_lut, hv_latency, mape_lut)
        VALUES (9, 'accuracy+bops', 1, 10, 1, 0, 0.20, 0.30, 40), (9, 'accuracy+bops', 2, 11, 1, 0, 0.30, 0.32, 20),
               (9, 'accuracy+surrogate', 1, 12, 1, 0, 0.40, 0.50, 10), (9, 'accuracy+surrogate', 2, 13, 2, 1, 0.50, 0.52, 12);" || exit 1
}

# marks_per_plot FILE: "PLOT COUNT" lines, the <circle class="m ..."> marks of each <svg data-plot=PLOT>
marks_per_plot() {
    grep -o '<svg [^>]*data-plot="[^"]*"\|<circle class="m [^"]*"' "$1" |
        awk '/^<svg/ { match($0, /data-plot="[^"]*"/); p = substr($0, RSTART + 11, RLENGTH - 12); n[p] += 0; order[++k] = p; next }
             { n[p]++ } END { for (i = 1; i <= k; i++) print order[i], n[order[i]] }'
}

# expected_marks DB: "PLOT COUNT" for every plot that should have points, counted with sqlite3
# from the store itself (sorted by plot id), to compare with marks_per_plot.
expected_marks() {
    local db=$1 r n t col
    for r in $(sqlite3 "$db" "SELECT id FROM runs WHERE kind = 'search' ORDER BY id"); do
        n=$(sqlite3 "$db" "SELECT count(*) FROM trials WHERE run_id = $r AND status = 'done'")
        for t in res-cyc acc-res acc-cyc acc-bops; do echo "g$r-$t $n"; done
    done
    for r in $(sqlite3 "$db" "SELECT id FROM runs WHERE kind = 'local' ORDER BY id"); do
        echo "l$r-acc $(sqlite3 "$db" "SELECT count(val_acc) + count(test_acc) FROM local_iterations WHERE run_id = $r")"
        echo "l$r-res $(sqlite3 "$db" "SELECT count(json_extract(predictions, '$.avg_resource_pct')) FROM local_iterations WHERE run_id = $r")"
    done
    for t in lut:lut ff:ff dsp:dsp bram18:bram18 latency_cycles:latency_worst; do
        col=${t#*:}; t=${t%%:*}
        echo "v-$t $(sqlite3 "$db" "SELECT count(*) FROM (SELECT DISTINCT s.id, p.version_id FROM synthesis_results s
            JOIN predictions p ON p.model_id = s.model_id WHERE p.target = '$t' AND s.$col IS NOT NULL)")"
    done
    if [ "$(sqlite3 "$db" "SELECT count(*) FROM sqlite_master WHERE name = 'ablation_models'")" = 1 ]; then
        echo "ab-acc-lut $(sqlite3 "$db" "SELECT count(*) FROM ablation_models WHERE test_acc IS NOT NULL AND lut IS NOT NULL")"
        echo "ab-acc-lat $(sqlite3 "$db" "SELECT count(*) FROM ablation_models WHERE test_acc IS NOT NULL AND latency IS NOT NULL")"
    fi
}
