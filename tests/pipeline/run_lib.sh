# run_lib.sh — what the `snac run` tests share: the tiny config and the rows a run leaves.
# Source it after lib.sh.

config() { # config DB [extra YAML lines]
    cat <<YAML
training: {batch_size: 128, threads: 1}
data: {format: hdf5, files: [jets/train, jets/val], test_files: [jets/test], constituents: 8,
       features: [pt, etarel, phirel], normalisation: robust, val_fraction: 0.2, seed: 1}
output: {db: $1, run_name: tiny}
search: {trials: 8, population: 4, epochs: 1, seed: 12, workers: 2,
         objectives: [accuracy, avg_resource_pct, latency_cycles], seed_architectures: []}
search_space: {layers: [1, 2], widths: [[4, 8], [4, 8]], activation: [relu], batch_norm: [false]}
deploy: {toolchain: yosys-0.23}
local: {warmup_epochs: 1, iterations: 2, prune_rate: 0.5, prune_epochs: 1, bits: [6]}
pipeline:
  data: {out: jets, train: 3000, val: 1000, test: 1000, seed: 7}
  select: {min_acc: 0, top_k: 2}
  build: {every: 0, max_models: 2}
  synth: {jobs: 1, timeout: 300, work: work_$1}
  refit: true
  kfold: 2
  feedback: true
  feedback_trials: 4
YAML
}
# the rows a run leaves, by natural keys (trial generation/index, chain, iteration, target)
rows() {
    sqlite3 "$1" <<'SQL'
SELECT 'trial', r.name, t.generation, t.idx, t.genome, t.status, printf('%.9g', t.accuracy), t.objectives
  FROM trials t JOIN runs r ON r.id = t.run_id ORDER BY r.name, t.generation, t.idx;
SELECT 'iter', t.generation, t.idx, i.bits, i.iteration, printf('%.9g', i.sparsity), printf('%.9g', i.val_acc),
       printf('%.9g', i.test_acc), i.predictions
  FROM local_iterations i JOIN trials t ON t.id = i.source_trial_id ORDER BY 2, 3, 4, 5;
SELECT 'synth', t.generation, t.idx, i.bits, i.iteration, s.source_kind, s.lut, s.ff, s.dsp, s.bram18, s.latency_best
  FROM synthesis_results s JOIN local_iterations i ON i.model_id = s.model_id
  JOIN trials t ON t.id = i.source_trial_id ORDER BY 2, 3, 4, 5;
SELECT 'version', name, family, toolchain, active, hex(coefficients) FROM surrogate_versions ORDER BY name;
SELECT 'stats', v.name, s.target, s.prediction_kind, s.n, s.stats FROM validation_stats s
  JOIN surrogate_versions v ON v.id = s.version_id ORDER BY 2, 3, 4;
SELECT 'stage', stage, status FROM pipeline_stages ORDER BY run_id, seq;
SELECT 'run', kind, name, status FROM runs ORDER BY kind, name;
SQL
}

