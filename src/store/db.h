/* db — the SQLite store: one file holds every run, epoch, model, surrogate
 * version, prediction and synthesis result.
 *
 * db_open() creates or opens the file, refuses a schema newer than this tool,
 * applies forward migrations (PRAGMA user_version), turns on WAL and foreign
 * keys. Each logical write is one transaction (db_begin/db_commit/db_rollback),
 * so a crash or a bad input loses at most the write in flight.
 *
 * Schema, version 1:
 *   runs(id, kind, name, config_yaml, config_path, seed, tool_version, git_rev,
 *        started_at, finished_at, status, data_norm BLOB, state BLOB (resumable search state),
 *        result TEXT json)
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
 */
#ifndef SNAC_STORE_DB_H
#define SNAC_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define DB_SCHEMA_VERSION 2

typedef struct snac_db snac_db;

int db_open(const char *path, snac_db **out);
/* Like db_open, but a missing file is an error (commands that only read what exists). */
int db_open_existing(const char *path, snac_db **out);
void db_close(snac_db *db);
sqlite3 *db_handle(snac_db *db);
const char *db_path(const snac_db *db);

int db_begin(snac_db *db);     /* BEGIN IMMEDIATE */
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
} db_run;

int db_run_insert(snac_db *db, const db_run *r, int64_t *run_id);
int db_run_finish(snac_db *db, int64_t run_id, const char *status, const char *result_json);
int db_run_set_norm(snac_db *db, int64_t run_id, const void *blob, size_t len);

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

#endif
