/* db — SQLite store: open, migrate, transactions, runs/epochs/models; see db.h.
 *
 * Memory: snac_db owns the sqlite3 connection and a copy of the path.
 * Workload: a handful of writes per epoch or trial; statements are prepared per
 * call (microseconds) to keep the code plain. A write open reads the whole file once
 * (PRAGMA quick_check); a migration or a WAL switch may wait for other processes up to
 * DB_BUSY_TIMEOUT_MS.
 */
#define _POSIX_C_SOURCE 200809L
#include "store/db.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "snac_version.h"
#include "util/err.h"

struct snac_db {
    sqlite3 *h;
    char path[1024];
    int joined; /* db_begin calls that joined an open transaction, not yet committed */
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
    /* 1 -> 2: the process that owns a running run (a resume claims it; `snac runs` shows a
     * run whose process is gone as interrupted) and the fingerprint of the data it read */
    "ALTER TABLE runs ADD COLUMN owner_pid INTEGER;"
    "ALTER TABLE runs ADD COLUMN owner_host TEXT;"
    "ALTER TABLE runs ADD COLUMN owner_start INTEGER;"
    "ALTER TABLE runs ADD COLUMN data_fingerprint TEXT;",
    /* 2 -> 3: local search (QAT + iterative pruning): a model may carry its quantized form */
    "ALTER TABLE models ADD COLUMN qmodel BLOB;"
    "CREATE TABLE local_iterations("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  source_trial_id INTEGER NOT NULL REFERENCES trials(id),"
    "  bits INTEGER NOT NULL,"
    "  iteration INTEGER NOT NULL,"
    "  epochs INTEGER NOT NULL,"
    "  target_sparsity REAL NOT NULL, sparsity REAL NOT NULL,"
    "  val_acc REAL, test_acc REAL,"
    "  bops_mac REAL, bops_bit REAL,"
    "  predictions TEXT,"
    "  seconds REAL,"
    "  model_id INTEGER NOT NULL REFERENCES models(id),"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(run_id, source_trial_id, bits, iteration));",
    /* 3 -> 4 (issue 12): each prediction carries its 95% interval from the fit covariance */
    "ALTER TABLE predictions ADD COLUMN lo REAL;"
    "ALTER TABLE predictions ADD COLUMN hi REAL;",
    /* 4 -> 5 (ingest, issue 11): the synthesized top module, and the other report files
     * of the same synthesis merged into the row ("path<TAB>sha256" lines). */
    "ALTER TABLE synthesis_results ADD COLUMN top_module TEXT;"
    "ALTER TABLE synthesis_results ADD COLUMN merged_sources TEXT;",
    /* 5 -> 6 (local synthesis, issue 10): a tool's figures beyond the common columns, as JSON */
    "ALTER TABLE synthesis_results ADD COLUMN details TEXT;",
    /* 6 -> 7 (the codesign loop, issue 18): a run's parent (`snac run`, `snac ablate`), the
     * stages of a pipeline run, and an ablation's synthesized comparison */
    "ALTER TABLE runs ADD COLUMN parent_id INTEGER REFERENCES runs(id);"
    "CREATE INDEX runs_parent ON runs(parent_id);"
    "CREATE TABLE pipeline_stages("
    " run_id INTEGER NOT NULL REFERENCES runs(id),"
    " seq INTEGER NOT NULL,"
    " stage TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK(status IN ('pending','running','done','failed','skipped')),"
    " child_run_id INTEGER REFERENCES runs(id),"
    " detail TEXT,"
    " started_at TEXT, finished_at TEXT,"
    " PRIMARY KEY(run_id, stage));"
    "CREATE TABLE ablation_models("
    " id INTEGER PRIMARY KEY,"
    " run_id INTEGER NOT NULL REFERENCES runs(id),"
    " objective_set TEXT NOT NULL,"
    " seed INTEGER NOT NULL,"
    " pipeline_run_id INTEGER NOT NULL REFERENCES runs(id),"
    " model_id INTEGER NOT NULL REFERENCES models(id),"
    " synthesis_id INTEGER REFERENCES synthesis_results(id),"
    " val_acc REAL, test_acc REAL, sparsity REAL, bits INTEGER,"
    " lut REAL, ff REAL, dsp REAL, bram18 REAL, latency REAL,"
    " pred_lut REAL, pred_ff REAL, pred_latency REAL,"
    " UNIQUE(run_id, objective_set, seed, model_id));"
    "CREATE TABLE ablation_sets("
    " run_id INTEGER NOT NULL REFERENCES runs(id),"
    " objective_set TEXT NOT NULL,"
    " seed INTEGER NOT NULL,"
    " pipeline_run_id INTEGER NOT NULL REFERENCES runs(id),"
    " n_models INTEGER NOT NULL, n_failed INTEGER NOT NULL,"
    " best_test_acc REAL, min_lut REAL, min_latency REAL,"
    " hv_lut REAL, hv_latency REAL, mape_lut REAL, mape_latency REAL,"
    " seconds REAL,"
    " PRIMARY KEY(run_id, objective_set, seed));",
    /* 7 -> 8 (multi-fidelity search, issue 21): the epochs a trial's numbers were measured
     * after; NULL (rows from before) = the run's search.epochs, full fidelity */
    "ALTER TABLE trials ADD COLUMN epochs_done INTEGER;",
    /* 8 -> 9 (synthesis in the loop, issue 20): a search's durable synthesis queue (one row per
     * picked candidate; a resume re-runs the 'queued' ones) and its online refits */
    "CREATE TABLE search_synth_jobs("
    " id INTEGER PRIMARY KEY,"
    " run_id INTEGER NOT NULL REFERENCES runs(id),"
    " generation INTEGER NOT NULL,"
    " trial_id INTEGER NOT NULL REFERENCES trials(id),"
    " model_id INTEGER NOT NULL REFERENCES models(id),"
    " pick TEXT NOT NULL,"
    " score REAL,"
    " status TEXT NOT NULL CHECK(status IN ('queued','done','failed')),"
    " synthesis_id INTEGER REFERENCES synthesis_results(id),"
    " created_at TEXT NOT NULL, finished_at TEXT,"
    " UNIQUE(run_id, model_id));"
    "CREATE TABLE search_refits("
    " run_id INTEGER NOT NULL REFERENCES runs(id),"
    " generation INTEGER NOT NULL,"
    " version_id INTEGER REFERENCES surrogate_versions(id),"
    " parent_id INTEGER REFERENCES surrogate_versions(id),"
    " activated INTEGER NOT NULL,"
    " n_results INTEGER NOT NULL, n_groups INTEGER NOT NULL,"
    " rescored INTEGER NOT NULL DEFAULT 0,"
    " detail TEXT,"
    " created_at TEXT NOT NULL,"
    " PRIMARY KEY(run_id, generation));",
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

static int too_new(snac_db *db, int v)
{
    if (v > DB_SCHEMA_VERSION)
        return snac_err_set(SNAC_EDB,
                            "%s: database schema version %d is newer than this snac supports (%d); "
                            "use a newer snac, or a different database file",
                            db->path, v, DB_SCHEMA_VERSION);
    if (v < 0)
        return snac_err_set(SNAC_EDB, "%s: invalid schema version %d", db->path, v);
    return SNAC_OK;
}

/* Bring the schema to DB_SCHEMA_VERSION. Another process may be migrating the same file
 * at this moment, so the version read outside a transaction is only a hint: the version
 * that decides is read again inside BEGIN IMMEDIATE (which waits for the other writer),
 * and every step runs in that one transaction. */
static int migrate(snac_db *db)
{
    int v;
    int rc = user_version(db, &v);
    if (rc || (rc = too_new(db, v)))
        return rc;
    if (v == DB_SCHEMA_VERSION)
        return SNAC_OK;
    if ((rc = db_begin(db)))
        return rc;
    if ((rc = user_version(db, &v)) || (rc = too_new(db, v))) {
        db_rollback(db);
        return rc;
    }
    for (; v < DB_SCHEMA_VERSION; v++) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if ((rc = exec(db, migrations[v], "migrating schema")) || (rc = exec(db, pragma, "setting schema version"))) {
            db_rollback(db);
            return rc;
        }
    }
    return db_commit(db);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* PRAGMA journal_mode = WAL needs a moment with no other writer; the busy handler is not
 * always consulted for it, so it is retried here (up to the busy timeout). The pragma
 * answers with the mode in force: anything but "wal" means "not yet". */
static int enable_wal(snac_db *db)
{
    for (long waited = 0;; waited += 20) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db->h, "PRAGMA journal_mode = WAL", -1, &st, NULL);
        bool wal = false;
        if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *m = (const char *)sqlite3_column_text(st, 0);
            wal = m && strcmp(m, "wal") == 0;
            rc = SQLITE_OK;
        }
        sqlite3_finalize(st);
        if (wal)
            return SNAC_OK;
        int busy = rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_OK;
        if (!busy || waited >= DB_BUSY_TIMEOUT_MS)
            return rc == SQLITE_OK ? snac_err_set(SNAC_EDB, "%s: enabling WAL: the database stayed busy for %d s",
                                                  db->path, DB_BUSY_TIMEOUT_MS / 1000)
                                   : db_error(db, "enabling WAL");
        sleep_ms(20);
    }
}

/* PRAGMA quick_check: refuse to write into a damaged file (writes would spread the damage). */
static int check_integrity(snac_db *db)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->h, "PRAGMA quick_check(20)", -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "checking integrity");
    char first[256] = "";
    int n = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *m = (const char *)sqlite3_column_text(st, 0);
        if (m && strcmp(m, "ok") == 0)
            continue;
        if (!n++)
            snprintf(first, sizeof first, "%s", m ? m : "?");
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        int code = sqlite3_errcode(db->h);
        if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
            return snac_err_set(SNAC_EDB, "%s: the database is corrupt (%s); refusing to write to it. Restore a "
                                "backup, or salvage it with `sqlite3 %s .recover`", db->path, sqlite3_errmsg(db->h),
                                db->path);
        return db_error(db, "checking integrity");
    }
    if (n)
        return snac_err_set(SNAC_EDB, "%s: the database is corrupt (PRAGMA quick_check found %d%s problem%s; first: "
                            "%s); refusing to write to it. Restore a backup, or salvage it with `sqlite3 %s .recover`",
                            db->path, n, n >= 20 ? " or more" : "", n == 1 ? "" : "s", first, db->path);
    return SNAC_OK;
}

/* The directory of path, for messages about journal files. */
static void dir_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, cap, ".");
    else if (slash == path)
        snprintf(dir, cap, "/");
    else
        snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

/* A write open that failed for want of permission: say which permission. */
static int explain_readonly(snac_db *db, int rc)
{
    int code = sqlite3_extended_errcode(db->h) & 0xff;
    if (code != SQLITE_READONLY && code != SQLITE_CANTOPEN && code != SQLITE_PERM)
        return rc;
    char dir[1024];
    dir_of(db->path, dir, sizeof dir);
    if (access(dir, W_OK) != 0)
        return snac_err_set(SNAC_EDB, "%s: cannot write: the directory %s is not writable (SQLite keeps its "
                            "journal files next to the database); read-only commands (pareto, runs) still work",
                            db->path, dir);
    if (access(db->path, W_OK) != 0)
        return snac_err_set(SNAC_EDB, "%s: cannot write: the file is read-only", db->path);
    return rc;
}

static int open_rw(const char *path, bool create, snac_db **out)
{
    *out = NULL;
    snac_db *db = calloc(1, sizeof *db);
    if (!db)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    snprintf(db->path, sizeof db->path, "%s", path);
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
        int rc = db->h ? db_error(db, "cannot open database")
                       : snac_err_set(SNAC_EDB, "%s: cannot open database", path);
        if (db->h)
            rc = explain_readonly(db, rc);
        db_close(db);
        return rc;
    }
    sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS); /* processes share the file */
    int rc;
    /* The version check reads only; a refused (newer) file is left exactly as it was. */
    int v = 0;
    if ((rc = exec(db, "PRAGMA foreign_keys = ON", "enabling foreign keys")) || (rc = user_version(db, &v)) ||
        (rc = too_new(db, v)) || (rc = enable_wal(db)) ||
        (rc = exec(db, "PRAGMA synchronous = NORMAL", "setting synchronous")) || (rc = check_integrity(db)) ||
        (rc = migrate(db))) {
        if (strstr(snac_err_msg(), "file is not a database"))
            rc = snac_err_set(SNAC_EDB, "%s: not an SQLite database", path);
        else
            rc = explain_readonly(db, rc);
        db_close(db);
        return rc;
    }
    *out = db;
    return SNAC_OK;
}

int db_open(const char *path, snac_db **out) { return open_rw(path, true, out); }

static int missing(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return snac_err_set(SNAC_ENOTFOUND, "%s: no such database (give --db, or run a command that creates it)",
                            path);
    if (!S_ISREG(sb.st_mode))
        return snac_err_set(SNAC_EDB, "%s: not a database file (a %s)", path,
                            S_ISDIR(sb.st_mode) ? "directory" : "special file");
    if (sb.st_size == 0) /* SQLite would take it as a new database and write the schema into it */
        return snac_err_set(SNAC_ENOTFOUND, "%s: no database (an empty file; give --db, or run a command that "
                            "creates it)", path);
    return SNAC_OK;
}

int db_open_existing(const char *path, snac_db **out)
{
    *out = NULL;
    int rc = missing(path);
    return rc ? rc : open_rw(path, false, out);
}

/* A connection that reads only. Where the file and its directory are writable it is an
 * ordinary read-write connection with PRAGMA query_only (so, as the last one to close, it
 * checkpoints and removes the -wal/-shm files like any other); elsewhere SQLITE_OPEN_READONLY,
 * and if SQLite cannot set up WAL shared memory there (a read-only directory or medium), an
 * immutable open: no locks, no journal files. */
enum ro_mode { RO_QUERY_ONLY, RO_READONLY, RO_IMMUTABLE };

static int open_ro_as(snac_db *db, enum ro_mode mode)
{
    char uri[2200];
    int flags = mode == RO_QUERY_ONLY ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    const char *name = db->path;
    if (mode == RO_IMMUTABLE) {
        /* file: URI; '%', '?' and '#' in the path are escaped */
        size_t n = (size_t)snprintf(uri, sizeof uri, "file:");
        for (const char *p = db->path; *p && n + 4 < sizeof uri; p++)
            n += (size_t)(strchr("%?#", *p) ? snprintf(uri + n, sizeof uri - n, "%%%02X", (unsigned char)*p)
                                            : snprintf(uri + n, sizeof uri - n, "%c", *p));
        snprintf(uri + n, sizeof uri - n, "?immutable=1");
        name = uri;
        flags |= SQLITE_OPEN_URI;
    }
    if (sqlite3_open_v2(name, &db->h, flags, NULL) != SQLITE_OK)
        return SNAC_EDB;
    sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
    int v = 0, rc;
    if (mode == RO_QUERY_ONLY && (rc = exec(db, "PRAGMA query_only = 1", "opening read-only")))
        return rc;
    return user_version(db, &v);
}

int db_open_readonly(const char *path, snac_db **out)
{
    *out = NULL;
    int rc = missing(path);
    if (rc)
        return rc;
    snac_db *db = calloc(1, sizeof *db);
    if (!db)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    snprintf(db->path, sizeof db->path, "%s", path);
    char dir[1024];
    dir_of(path, dir, sizeof dir);
    enum ro_mode mode = access(path, W_OK) == 0 && access(dir, W_OK) == 0 ? RO_QUERY_ONLY : RO_READONLY;
    if (open_ro_as(db, mode)) {
        sqlite3_close(db->h);
        db->h = NULL;
        if ((rc = open_ro_as(db, RO_IMMUTABLE))) {
            rc = db->h ? db_error(db, "cannot open database for reading")
                       : snac_err_set(SNAC_EDB, "%s: cannot open database for reading", path);
            if (strstr(snac_err_msg(), "file is not a database"))
                rc = snac_err_set(SNAC_EDB, "%s: not an SQLite database", path);
            db_close(db);
            return rc;
        }
    }
    int v = 0;
    if ((rc = user_version(db, &v)) || (rc = too_new(db, v))) {
        db_close(db);
        return rc;
    }
    if (v < DB_SCHEMA_VERSION) {
        /* an older file: migrate it if it can be written, else say what to do */
        db_close(db);
        if (open_rw(path, false, out) == SNAC_OK)
            return SNAC_OK;
        return snac_err_set(SNAC_EDB, "%s: schema version %d is older than this snac's (%d) and the file cannot be "
                            "written to upgrade it: copy it somewhere writable, or use the snac that wrote it",
                            path, v, DB_SCHEMA_VERSION);
    }
    *out = db;
    return SNAC_OK;
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

/* A write that is one step of a larger one (a pipeline stage's result and the stage's own
 * row) joins the caller's open transaction: its commit then only leaves it, and its
 * rollback ends the whole transaction, so the caller's commit fails instead of storing half. */
int db_begin(snac_db *db)
{
    if (!sqlite3_get_autocommit(db->h)) {
        db->joined++;
        return SNAC_OK;
    }
    db->joined = 0;
    return exec(db, "BEGIN IMMEDIATE", "begin transaction");
}

int db_commit(snac_db *db)
{
    if (db->joined > 0) {
        db->joined--;
        return SNAC_OK;
    }
    return exec(db, "COMMIT", "commit");
}

void db_rollback(snac_db *db)
{
    db->joined = 0;
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

/* ---------------------------------------------------------------- run owners */

void db_self_host(char *host, size_t cap)
{
    if (gethostname(host, cap) != 0 || !host[0])
        snprintf(host, cap, "localhost");
    host[cap - 1] = '\0';
}

/* State letter and start time (field 22, clock ticks since boot) of /proc/PID/stat; -1 if unreadable. */
static int proc_stat(int64_t pid, char *state, int64_t *start)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%lld/stat", (long long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* "pid (comm) state ppid ...": comm may hold blanks and ')' */
    char *p = strrchr(buf, ')');
    if (!p || p[1] != ' ' || !p[2])
        return -1;
    *state = p[2];
    p++; /* the blank before field 3 */
    for (int field = 3; field < 22 && p; field++)
        p = strchr(p + 1, ' ');
    *start = p ? strtoll(p + 1, NULL, 10) : 0;
    return 0;
}

int64_t db_proc_start(int64_t pid)
{
    char state;
    int64_t start = 0;
    return proc_stat(pid, &state, &start) ? 0 : start;
}

int db_owner_alive(const char *host, int64_t pid, int64_t start)
{
    char self[256];
    db_self_host(self, sizeof self);
    if (!host || pid <= 0 || strcmp(host, self) != 0)
        return -1;
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return 0;
    char state;
    int64_t now = 0;
    if (proc_stat(pid, &state, &now) == 0) {
        if (state == 'Z' || state == 'X')
            return 0; /* exited, not yet reaped */
        if (start && now && now != start)
            return 0; /* the pid was reused by another process */
    }
    return 1;
}

int db_run_claim(snac_db *db, int64_t run_id)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db->h, "SELECT status, owner_pid, owner_host, owner_start FROM runs WHERE id = ?", -1,
                           &st, NULL) != SQLITE_OK) {
        rc = db_error(db, "prepare");
        db_rollback(db);
        return rc;
    }
    sqlite3_bind_int64(st, 1, run_id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        const char *status = (const char *)sqlite3_column_text(st, 0);
        int64_t pid = sqlite3_column_int64(st, 1), start = sqlite3_column_int64(st, 3);
        const char *host = (const char *)sqlite3_column_text(st, 2);
        int alive = db_owner_alive(host, pid, start);
        bool self = alive == 1 && pid == (int64_t)getpid();
        if (status && strcmp(status, "running") == 0 && !self && (alive == 1 || (alive == -1 && host && pid > 0)))
            rc = snac_err_set(SNAC_EBUSY,
                              "%s: run %lld is being run by process %lld on %s%s; wait for it to finish or stop "
                              "it (kill -INT %lld), then resume",
                              db->path, (long long)run_id, (long long)pid, host,
                              alive == -1 ? " (another host: cannot check whether it still runs)" : "",
                              (long long)pid);
    } else if (s != SQLITE_DONE) {
        rc = db_error(db, "reading run owner");
    }
    sqlite3_finalize(st);
    if (!rc && s == SQLITE_ROW) {
        char host[256];
        db_self_host(host, sizeof host);
        if ((rc = prepare(db, "UPDATE runs SET status = 'running', finished_at = NULL, owner_pid = ?, owner_host = ?, "
                              "owner_start = ? WHERE id = ?", &st)) == SNAC_OK) {
            sqlite3_bind_int64(st, 1, (sqlite3_int64)getpid());
            bind_text(st, 2, host);
            sqlite3_bind_int64(st, 3, db_proc_start(getpid()));
            sqlite3_bind_int64(st, 4, run_id);
            rc = step_done(db, st, "claiming run");
        }
    }
    if (!rc)
        rc = db_commit(db);
    if (rc)
        db_rollback(db);
    return rc;
}

/* ---------------------------------------------------------------- runs */

int db_run_insert(snac_db *db, const db_run *r, int64_t *run_id)
{
    char now[32], host[256];
    db_now(now);
    db_self_host(host, sizeof host);
    sqlite3_stmt *st;
    int rc = prepare(db,
                     "INSERT INTO runs(kind, name, config_yaml, config_path, seed, tool_version, git_rev, started_at,"
                     " owner_pid, owner_host, owner_start, parent_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)",
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
    sqlite3_bind_int64(st, 9, (sqlite3_int64)getpid());
    bind_text(st, 10, host);
    sqlite3_bind_int64(st, 11, db_proc_start(getpid()));
    if (r->parent_id > 0)
        sqlite3_bind_int64(st, 12, r->parent_id);
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

int db_run_set_fingerprint(snac_db *db, int64_t run_id, const char *fingerprint)
{
    sqlite3_stmt *st;
    int rc = prepare(db, "UPDATE runs SET data_fingerprint = ? WHERE id = ?", &st);
    if (rc)
        return rc;
    bind_text(st, 1, fingerprint);
    sqlite3_bind_int64(st, 2, run_id);
    return step_done(db, st, "storing data fingerprint");
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

int db_model_set_qmodel(snac_db *db, int64_t id, const void *blob, size_t len)
{
    sqlite3_stmt *st;
    int rc = prepare(db, "UPDATE models SET qmodel = ? WHERE id = ?", &st);
    if (rc)
        return rc;
    sqlite3_bind_blob64(st, 1, blob, len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, id);
    if ((rc = step_done(db, st, "storing the quantized model")))
        return rc;
    if (sqlite3_changes(db->h) != 1)
        return snac_err_set(SNAC_ENOTFOUND, "%s: no model %lld", db->path, (long long)id);
    return SNAC_OK;
}

int db_model_load_qmodel(snac_db *db, int64_t id, void **blob, size_t *len)
{
    *blob = NULL;
    *len = 0;
    sqlite3_stmt *st;
    int rc = prepare(db, "SELECT qmodel FROM models WHERE id = ?", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB) {
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        *blob = malloc(n ? n : 1);
        if (!*blob)
            rc = snac_err_set(SNAC_ENOMEM, "out of memory for model %lld", (long long)id);
        else {
            memcpy(*blob, sqlite3_column_blob(st, 0), n);
            *len = n;
        }
    } else if (s == SQLITE_ROW || s == SQLITE_DONE) {
        rc = snac_err_set(SNAC_ENOTFOUND, "%s: model %lld %s", db->path, (long long)id,
                          s == SQLITE_ROW ? "is a float model (no quantized form: run `snac local` first)"
                                          : "does not exist");
    } else {
        rc = db_error(db, "reading model");
    }
    sqlite3_finalize(st);
    return rc;
}
