/* db — SQLite store: open, migrate, transactions, runs/epochs/models; see db.h.
 *
 * Memory: snac_db owns the sqlite3 connection and a copy of the path.
 * Workload: a handful of writes per epoch or trial; statements are prepared per
 * call (microseconds) to keep the code plain.
 */
#define _POSIX_C_SOURCE 200809L
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "snac_version.h"
#include "util/err.h"

struct snac_db {
    sqlite3 *h;
    char path[1024];
};

/* Forward migrations: migrations[i] takes user_version i to i + 1. Never edit a
 * released entry; append a new one and bump DB_SCHEMA_VERSION. */
static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE runs("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  name TEXT,"
    "  config_yaml TEXT NOT NULL,"
    "  config_path TEXT,"
    "  seed INTEGER NOT NULL,"
    "  tool_version TEXT NOT NULL,"
    "  git_rev TEXT NOT NULL,"
    "  started_at TEXT NOT NULL,"
    "  finished_at TEXT,"
    "  status TEXT NOT NULL DEFAULT 'running' CHECK(status IN ('running','done','failed','interrupted')),"
    "  data_norm BLOB,"
    "  state BLOB,"
    "  result TEXT);"
    "CREATE TABLE epochs("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  epoch INTEGER NOT NULL,"
    "  train_loss REAL, train_acc REAL, val_loss REAL, val_acc REAL,"
    "  seconds REAL, samples_per_s REAL,"
    "  PRIMARY KEY(run_id, epoch));"
    "CREATE TABLE models("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,"
    "  name TEXT,"
    "  arch TEXT NOT NULL,"
    "  n_params INTEGER NOT NULL,"
    "  macs INTEGER NOT NULL,"
    "  test_acc REAL, test_loss REAL,"
    "  weights BLOB NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX models_run ON models(run_id);"
    "CREATE TABLE surrogate_versions("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  family TEXT NOT NULL,"
    "  basis_version INTEGER NOT NULL,"
    "  toolchain TEXT NOT NULL,"
    "  parent_id INTEGER REFERENCES surrogate_versions(id),"
    "  coefficients BLOB NOT NULL,"
    "  fit_stats TEXT,"
    "  fitted_on TEXT,"
    "  note TEXT,"
    "  active INTEGER NOT NULL DEFAULT 0 CHECK(active IN (0,1)),"
    "  created_at TEXT NOT NULL);"
    "CREATE UNIQUE INDEX surrogate_one_active ON surrogate_versions(toolchain) WHERE active = 1;"
    "CREATE TABLE predictions("
    "  id INTEGER PRIMARY KEY,"
    "  version_id INTEGER NOT NULL REFERENCES surrogate_versions(id),"
    "  model_id INTEGER REFERENCES models(id) ON DELETE CASCADE,"
    "  spec_sha256 TEXT,"
    "  target TEXT NOT NULL,"
    "  value REAL NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX predictions_model ON predictions(model_id, version_id);"
    "CREATE TABLE synthesis_results("
    "  id INTEGER PRIMARY KEY,"
    "  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,"
    "  spec TEXT,"
    "  spec_sha256 TEXT,"
    "  toolchain TEXT NOT NULL,"
    "  tool_version TEXT,"
    "  part TEXT,"
    "  clock_target_ns REAL, clock_estimated_ns REAL,"
    "  strategy TEXT, reuse_factor INTEGER, io_type TEXT, precision TEXT,"
    "  lut REAL, ff REAL, dsp REAL, bram18 REAL, uram REAL,"
    "  latency_best REAL, latency_worst REAL, ii_min REAL, ii_max REAL,"
    "  avail_lut REAL, avail_ff REAL, avail_dsp REAL, avail_bram18 REAL, avail_uram REAL,"
    "  bram_note TEXT,"
    "  source_kind TEXT NOT NULL,"
    "  source_path TEXT NOT NULL,"
    "  source_sha256 TEXT NOT NULL,"
    "  source_row INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(source_sha256, source_row));"
    "CREATE INDEX synthesis_model ON synthesis_results(model_id);"
    "CREATE TABLE trials("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  generation INTEGER NOT NULL,"
    "  idx INTEGER NOT NULL,"
    "  genome TEXT NOT NULL,"
    "  arch TEXT NOT NULL,"
    "  seed INTEGER NOT NULL,"
    "  status TEXT NOT NULL CHECK(status IN ('done','failed','cached')),"
    "  accuracy REAL, val_loss REAL,"
    "  bops_mac REAL, bops_bit REAL,"
    "  objectives TEXT,"
    "  violation REAL,"
    "  train_seconds REAL,"
    "  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,"
    "  same_as INTEGER REFERENCES trials(id),"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(run_id, generation, idx));"
    "CREATE TABLE validation_stats("
    "  id INTEGER PRIMARY KEY,"
    "  version_id INTEGER NOT NULL REFERENCES surrogate_versions(id),"
    "  toolchain TEXT NOT NULL,"
    "  target TEXT NOT NULL,"
    "  prediction_kind TEXT NOT NULL CHECK(prediction_kind IN ('stored','fresh')),"
    "  n INTEGER NOT NULL,"
    "  stats TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);",
    /* 1 -> 2 (ingest, issue 11): the synthesized top module, and the other report files
     * of the same synthesis merged into the row ("path<TAB>sha256" lines). */
    "ALTER TABLE synthesis_results ADD COLUMN top_module TEXT;"
    "ALTER TABLE synthesis_results ADD COLUMN merged_sources TEXT;",
};
_Static_assert(sizeof migrations / sizeof migrations[0] == DB_SCHEMA_VERSION,
               "one migration per schema version");

int db_error(snac_db *db, const char *what)
{
    return snac_err_set(SNAC_EDB, "%s: %s: %s", db->path, what, sqlite3_errmsg(db->h));
}

static int exec(snac_db *db, const char *sql, const char *what)
{
    char *msg = NULL;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = snac_err_set(SNAC_EDB, "%s: %s: %s", db->path, what, msg ? msg : sqlite3_errmsg(db->h));
        sqlite3_free(msg);
        return rc;
    }
    return SNAC_OK;
}

static int user_version(snac_db *db, int *v)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "reading schema version");
    int rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? SNAC_OK : db_error(db, "reading schema version");
}

static int migrate(snac_db *db)
{
    int v;
    int rc = user_version(db, &v);
    if (rc)
        return rc;
    if (v > DB_SCHEMA_VERSION)
        return snac_err_set(SNAC_EDB,
                            "%s: database schema version %d is newer than this snac supports (%d); "
                            "use a newer snac, or a different database file",
                            db->path, v, DB_SCHEMA_VERSION);
    if (v < 0)
        return snac_err_set(SNAC_EDB, "%s: invalid schema version %d", db->path, v);
    for (; v < DB_SCHEMA_VERSION; v++) {
        if ((rc = db_begin(db)))
            return rc;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if ((rc = exec(db, migrations[v], "migrating schema")) || (rc = exec(db, pragma, "setting schema version"))) {
            db_rollback(db);
            return rc;
        }
        if ((rc = db_commit(db)))
            return rc;
    }
    return SNAC_OK;
}

int db_open(const char *path, snac_db **out)
{
    *out = NULL;
    snac_db *db = calloc(1, sizeof *db);
    if (!db)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    snprintf(db->path, sizeof db->path, "%s", path);
    if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        int rc = db->h ? db_error(db, "cannot open database")
                       : snac_err_set(SNAC_EDB, "%s: cannot open database", path);
        db_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db->h, 10000); /* worker processes share the file */
    int rc;
    /* The version check reads only; a refused (newer) file is left exactly as it was. */
    int v = 0;
    if ((rc = exec(db, "PRAGMA foreign_keys = ON", "enabling foreign keys")) || (rc = user_version(db, &v)) ||
        (rc = v > DB_SCHEMA_VERSION ? migrate(db) : SNAC_OK) ||
        (rc = exec(db, "PRAGMA journal_mode = WAL", "enabling WAL")) ||
        (rc = exec(db, "PRAGMA synchronous = NORMAL", "setting synchronous")) || (rc = migrate(db))) {
        if (strstr(snac_err_msg(), "file is not a database"))
            rc = snac_err_set(SNAC_EDB, "%s: not an SQLite database", path);
        db_close(db);
        return rc;
    }
    *out = db;
    return SNAC_OK;
}

int db_open_existing(const char *path, snac_db **out)
{
    *out = NULL;
    if (access(path, F_OK) != 0)
        return snac_err_set(SNAC_ENOTFOUND, "%s: no such database (give --db, or run a command that creates it)",
                            path);
    return db_open(path, out);
}

void db_close(snac_db *db)
{
    if (!db)
        return;
    sqlite3_close(db->h);
    free(db);
}

sqlite3 *db_handle(snac_db *db) { return db->h; }
const char *db_path(const snac_db *db) { return db->path; }

int db_begin(snac_db *db) { return exec(db, "BEGIN IMMEDIATE", "begin transaction"); }
int db_commit(snac_db *db) { return exec(db, "COMMIT", "commit"); }

void db_rollback(snac_db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

void db_now(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---------------------------------------------------------------- statements */

/* Prepare, bind by the caller, step to DONE, finalize: the shape of every write here. */
static int prepare(snac_db *db, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) != SQLITE_OK)
        return db_error(db, "prepare");
    return SNAC_OK;
}

static int step_done(snac_db *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? SNAC_OK : db_error(db, what);
    sqlite3_finalize(st);
    return rc;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* NaN is stored as NULL (SQLite has no NaN). */
static void bind_real(sqlite3_stmt *st, int i, double v)
{
    if (v != v)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

/* ---------------------------------------------------------------- runs */

int db_run_insert(snac_db *db, const db_run *r, int64_t *run_id)
{
    char now[32];
    db_now(now);
    sqlite3_stmt *st;
    int rc = prepare(db,
                     "INSERT INTO runs(kind, name, config_yaml, config_path, seed, tool_version, git_rev, started_at)"
                     " VALUES(?,?,?,?,?,?,?,?)",
                     &st);
    if (rc)
        return rc;
    bind_text(st, 1, r->kind);
    bind_text(st, 2, r->name);
    bind_text(st, 3, r->config_yaml ? r->config_yaml : "");
    bind_text(st, 4, r->config_path);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)r->seed);
    bind_text(st, 6, SNAC_VERSION);
    bind_text(st, 7, SNAC_GIT_REV);
    bind_text(st, 8, now);
    if ((rc = step_done(db, st, "inserting run")))
        return rc;
    *run_id = sqlite3_last_insert_rowid(db->h);
    return SNAC_OK;
}

int db_run_finish(snac_db *db, int64_t run_id, const char *status, const char *result_json)
{
    char now[32];
    db_now(now);
    sqlite3_stmt *st;
    int rc = prepare(db, "UPDATE runs SET status = ?, finished_at = ?, result = ? WHERE id = ?", &st);
    if (rc)
        return rc;
    bind_text(st, 1, status);
    bind_text(st, 2, now);
    bind_text(st, 3, result_json);
    sqlite3_bind_int64(st, 4, run_id);
    return step_done(db, st, "finishing run");
}

int db_run_set_norm(snac_db *db, int64_t run_id, const void *blob, size_t len)
{
    sqlite3_stmt *st;
    int rc = prepare(db, "UPDATE runs SET data_norm = ? WHERE id = ?", &st);
    if (rc)
        return rc;
    sqlite3_bind_blob64(st, 1, blob, len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, run_id);
    return step_done(db, st, "storing normalisation");
}

int db_epoch_insert(snac_db *db, int64_t run_id, const db_epoch *e)
{
    sqlite3_stmt *st;
    int rc = prepare(db,
                     "INSERT INTO epochs(run_id, epoch, train_loss, train_acc, val_loss, val_acc, seconds,"
                     " samples_per_s) VALUES(?,?,?,?,?,?,?,?)",
                     &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, e->epoch);
    bind_real(st, 3, e->train_loss);
    bind_real(st, 4, e->train_acc);
    bind_real(st, 5, e->val_loss);
    bind_real(st, 6, e->val_acc);
    bind_real(st, 7, e->seconds);
    bind_real(st, 8, e->samples_per_s);
    return step_done(db, st, "inserting epoch");
}

/* ---------------------------------------------------------------- models */

int db_model_insert(snac_db *db, const db_model *m, int64_t *model_id)
{
    char now[32];
    db_now(now);
    sqlite3_stmt *st;
    int rc = prepare(db,
                     "INSERT INTO models(run_id, name, arch, n_params, macs, test_acc, test_loss, weights, created_at)"
                     " VALUES(?,?,?,?,?,?,?,?,?)",
                     &st);
    if (rc)
        return rc;
    if (m->run_id)
        sqlite3_bind_int64(st, 1, m->run_id);
    else
        sqlite3_bind_null(st, 1);
    bind_text(st, 2, m->name);
    bind_text(st, 3, m->arch_json);
    sqlite3_bind_int64(st, 4, m->n_params);
    sqlite3_bind_int64(st, 5, m->macs);
    bind_real(st, 6, m->test_acc);
    bind_real(st, 7, m->test_loss);
    sqlite3_bind_blob64(st, 8, m->weights, m->weights_len, SQLITE_TRANSIENT);
    bind_text(st, 9, now);
    if ((rc = step_done(db, st, "inserting model")))
        return rc;
    *model_id = sqlite3_last_insert_rowid(db->h);
    return SNAC_OK;
}

int db_model_load(snac_db *db, int64_t id, void **weights, size_t *len, char **arch_json)
{
    *weights = NULL;
    *len = 0;
    if (arch_json)
        *arch_json = NULL;
    sqlite3_stmt *st;
    int rc = prepare(db, "SELECT weights, arch FROM models WHERE id = ?", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s != SQLITE_ROW) {
        rc = s == SQLITE_DONE ? snac_err_set(SNAC_ENOTFOUND, "%s: no model with id %lld", db->path, (long long)id)
                              : db_error(db, "loading model");
        sqlite3_finalize(st);
        return rc;
    }
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    const void *b = sqlite3_column_blob(st, 0);
    const char *a = (const char *)sqlite3_column_text(st, 1);
    *weights = malloc(n ? n : 1);
    if (arch_json && a)
        *arch_json = strdup(a);
    if (!*weights || (arch_json && a && !*arch_json)) {
        free(*weights);
        *weights = NULL;
        sqlite3_finalize(st);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    if (n)
        memcpy(*weights, b, n);
    *len = n;
    sqlite3_finalize(st);
    return SNAC_OK;
}
