/* db — the SQLite store: one file holds every run, epoch, model, surrogate
 * version, prediction and synthesis result.
 *
 * db_open() creates or opens the file, refuses a schema newer than this tool,
 * turns on WAL and foreign keys, refuses a damaged file (PRAGMA quick_check) and
 * applies forward migrations (PRAGMA user_version). Several processes may open one
 * file at once, a new one included: the schema version that decides a migration is
 * read inside the migration's BEGIN IMMEDIATE transaction, the WAL switch is retried,
 * and every connection waits up to DB_BUSY_TIMEOUT_MS for a lock. Each logical write
 * is one transaction (db_begin/db_commit/db_rollback), so a crash or a bad input
 * loses at most the write in flight. Commands that only read use db_open_readonly(),
 * which never creates a file and works in a read-only directory.
 *
 * Schema, version 1:
 *   runs(id, kind, name, config_yaml, config_path, seed, tool_version, git_rev,
 *        started_at, finished_at, status, data_norm BLOB, state BLOB (resumable search state),
 *        result TEXT json,
 *        owner_pid, owner_host, owner_start (v2: the process running it; owner_start is its
 *        start time in clock ticks since boot, /proc/PID/stat, so a reused pid is not taken
 *        for the owner), data_fingerprint TEXT (v2: what the run's data was; search resume
 *        refuses other data))
 *   epochs(run_id, epoch, train_loss, train_acc, val_loss, val_acc, seconds, samples_per_s)
 *   models(id, run_id, name, arch TEXT json, n_params, macs, test_acc, test_loss,
 *          weights BLOB (nn_mlp_save format), created_at)
 *   surrogate_versions(id, name UNIQUE, family, basis_version, toolchain, parent_id,
 *          coefficients BLOB, fit_stats TEXT json, fitted_on TEXT json, note TEXT,
 *          active 0/1 (at most one active per toolchain), created_at)
 *   predictions(id, version_id, model_id NULL, spec_sha256, target, value, created_at)
 *   synthesis_results(id, model_id NULL, spec TEXT json, spec_sha256, toolchain, tool_version, part,
 *          clock_target_ns, clock_estimated_ns, strategy, reuse_factor, io_type, precision,
 *          lut, ff, dsp, bram18, uram, latency_best, latency_worst, ii_min, ii_max,
 *          avail_{lut,ff,dsp,bram18,uram}, bram_note, source_kind, source_path, source_sha256,
 *          source_row (row within a tabular source; 0 for single-result files),
 *          created_at; UNIQUE(source_sha256, source_row) makes re-ingesting a no-op)
 *   trials(id, run_id, generation, idx, genome TEXT, arch TEXT json, seed, status 'done'|'failed'|'cached',
 *          accuracy, val_loss, bops_mac, bops_bit, objectives TEXT json, violation, train_seconds,
 *          model_id NULL, same_as NULL, created_at; UNIQUE(run_id, generation, idx))
 *          A 'cached' row (an architecture the run already trained: the search's genome
 *          cache answered it) repeats that trial: same_as = the id of the 'done'/'failed'
 *          trial of the same genome identity, whose accuracy, val_loss, BOPs and model_id
 *          it copies (its predictions are the model's); train_seconds 0.
 *   validation_stats(id, version_id, toolchain, target, prediction_kind 'stored'|'fresh', n,
 *          stats TEXT json (MAE, RMSE, MAPE, SMAPE, R2, ... with CIs), created_at)
 * Version 3 (local search):
 *   models.qmodel BLOB    the quantized, pruned form (quant_model_save) of a local-search model;
 *                         its `weights` are then the float master weights (batch norm folded)
 *   local_iterations(id, run_id, source_trial_id, bits, iteration (0 = after the QAT warm-up),
 *          epochs, target_sparsity, sparsity, val_acc, test_acc (the deployed integer network's),
 *          bops_mac, bops_bit, predictions TEXT json (the surrogate's targets), seconds, model_id,
 *          created_at; UNIQUE(run_id, source_trial_id, bits, iteration))
 * Version 5: synthesis_results.top_module, merged_sources (ingest merges a synthesis's reports).
 * Version 6: synthesis_results.details TEXT json: what a tool reports beyond the common columns
 *          (`snac synth`: the Yosys version, LUTs by size, CARRY, INV, MUXF, the logic-depth
 *          estimate, wall time, peak memory; the same text as the yosys_result.json it names)
 * Version 7 (the codesign loop): runs.parent_id (a stage's run points at its `snac run` or
 *          `snac ablate` parent);
 *   pipeline_stages(run_id, seq, stage, status 'pending'|'running'|'done'|'failed'|'skipped',
 *          child_run_id, detail TEXT json (what the stage chose or measured), started_at,
 *          finished_at; PRIMARY KEY(run_id, stage))
 *   ablation_models(id, run_id (the ablate run), objective_set, seed, pipeline_run_id, model_id,
 *          synthesis_id, val_acc, test_acc, sparsity, bits, lut, ff, dsp, bram18, latency (Yosys),
 *          pred_lut, pred_ff, pred_latency (the prediction stored when the model was made))
 *   ablation_sets(run_id, objective_set, seed, pipeline_run_id, n_models, n_failed, best_test_acc,
 *          min_lut, min_latency, hv_lut, hv_latency (hypervolumes of the synthesized fronts),
 *          mape_lut, mape_latency (the surrogate's error on the built models), seconds)
 *   search_synth_jobs(id, run_id, generation (picked after it), trial_id, model_id, pick, score,
 *          status queued/done/failed, synthesis_id, created_at, finished_at): the synthesis queue of
 *          a search with a `synthesis:` section (search_synth.h); unique per (run, model)
 *   search_refits(run_id, generation (refitted before it), version_id, parent_id, activated,
 *          n_results, n_groups, rescored (population + cache entries re-scored), detail JSON)
 */
#ifndef SNAC_STORE_DB_H
#define SNAC_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define DB_SCHEMA_VERSION 9
#define DB_BUSY_TIMEOUT_MS 10000

typedef struct snac_db snac_db;

int db_open(const char *path, snac_db **out);
/* Like db_open, but a missing or empty (0-byte) file is an error (commands that only read what exists). */
int db_open_existing(const char *path, snac_db **out);
/* Read only: a missing or 0-byte file is an error (never created), nothing is written, and a file in
 * a read-only directory is opened immutable. An older schema is migrated first when the
 * file can be written, else refused with a message. */
int db_open_readonly(const char *path, snac_db **out);
void db_close(snac_db *db);
sqlite3 *db_handle(snac_db *db);
const char *db_path(const snac_db *db);

int db_begin(snac_db *db);     /* BEGIN IMMEDIATE; inside an open transaction: joins it */
int db_commit(snac_db *db);
void db_rollback(snac_db *db); /* safe to call when no transaction is open */

/* Set an error from the connection's last message: "db: <what>: <sqlite msg>". */
int db_error(snac_db *db, const char *what);

/* Current UTC time as ISO-8601 "YYYY-MM-DDTHH:MM:SSZ" into buf[32]. */
void db_now(char buf[32]);

/* ---- runs ---- */
typedef struct db_run {
    const char *kind;        /* "train", "search", ... */
    const char *name;        /* may be NULL */
    const char *config_yaml;
    const char *config_path;
    uint64_t seed;
    int64_t parent_id;       /* 0 = none; else the pipeline/ablation run this one is a stage of */
} db_run;

/* Inserts a 'running' run owned by this process (owner_pid/host/start). */
int db_run_insert(snac_db *db, const db_run *r, int64_t *run_id);
int db_run_finish(snac_db *db, int64_t run_id, const char *status, const char *result_json);
int db_run_set_norm(snac_db *db, int64_t run_id, const void *blob, size_t len);
int db_run_set_fingerprint(snac_db *db, int64_t run_id, const char *fingerprint);

/* Take over run `run_id` for this process (a resume): in one BEGIN IMMEDIATE transaction,
 * refuse (SNAC_EBUSY, naming the pid and host) if the run is 'running' and its owner is
 * alive, or runs on another host; otherwise set status 'running' and this process as the
 * owner. A run of another kind or a missing run is not checked here. */
int db_run_claim(snac_db *db, int64_t run_id);

/* Whether the owner recorded with a running run still exists: 1 alive, 0 gone (same host,
 * no such process or another process under that pid), -1 unknown (another host, no owner). */
int db_owner_alive(const char *host, int64_t pid, int64_t start);
/* This machine's host name and this process's start time (0 if unknown). */
void db_self_host(char *host, size_t cap);
int64_t db_proc_start(int64_t pid);

typedef struct db_epoch {
    int64_t epoch;
    double train_loss, train_acc, val_loss, val_acc, seconds, samples_per_s;
} db_epoch;
int db_epoch_insert(snac_db *db, int64_t run_id, const db_epoch *e);

/* ---- models ---- */
typedef struct db_model {
    int64_t run_id;          /* 0 = none */
    const char *name;
    const char *arch_json;
    int64_t n_params, macs;
    double test_acc, test_loss;
    const void *weights;
    size_t weights_len;
} db_model;
int db_model_insert(snac_db *db, const db_model *m, int64_t *model_id);
/* Weights blob of model `id` (malloc'd copy; caller frees) and its arch JSON (malloc'd). */
int db_model_load(snac_db *db, int64_t id, void **weights, size_t *len, char **arch_json);
/* Attach the quantized form (quant_model_save blob) to model `id`. */
int db_model_set_qmodel(snac_db *db, int64_t id, const void *blob, size_t len);
/* Quantized form of model `id` (malloc'd copy); SNAC_ENOTFOUND when the model does not exist
 * or has none (a float model). */
int db_model_load_qmodel(snac_db *db, int64_t id, void **blob, size_t *len);

#endif
