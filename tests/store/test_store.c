/* Store: schema creation and versioning, WAL and foreign keys, refusal of newer
 * schemas and non-databases without touching them, and row round trips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "store/db.h"
#include "util/err.h"
#include "util/fileio.h"

static const char *DB = "test_store.db";

static void remove_db(void)
{
    unlink(DB);
    unlink("test_store.db-wal");
    unlink("test_store.db-shm");
}

static long long scalar(snac_db *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void open_should_create_a_versioned_wal_database(void)
{
    remove_db();
    snac_db *db;
    CHECK(db_open(DB, &db) == 0);
    CHECK(access(DB, F_OK) == 0);
    CHECK(scalar(db, "PRAGMA user_version") == DB_SCHEMA_VERSION);
    CHECK(scalar(db, "PRAGMA foreign_keys") == 1);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db_handle(db), "PRAGMA journal_mode", -1, &st, NULL);
    CHECK(sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "wal") == 0);
    sqlite3_finalize(st);
    CHECK(scalar(db, "SELECT count(*) FROM sqlite_master WHERE name IN ('runs','epochs','models',"
                     "'surrogate_versions','predictions')") == 5);
    db_close(db);
    CHECK(db_open(DB, &db) == 0); /* reopening migrates nothing and succeeds */
    CHECK(scalar(db, "PRAGMA user_version") == DB_SCHEMA_VERSION);
    db_close(db);
}

static void run_epoch_and_model_rows_should_round_trip(void)
{
    remove_db();
    snac_db *db;
    CHECK(db_open(DB, &db) == 0);
    int64_t run = 0, model = 0;
    db_run r = {"train", "t", "model: {}\n", "c.yaml", 511, 0};
    CHECK(db_run_insert(db, &r, &run) == 0 && run > 0);
    db_epoch e = {1, 0.9, 0.6, 1.0, 0.55, 2.0, 1000.0};
    CHECK(db_epoch_insert(db, run, &e) == 0);
    CHECK(db_epoch_insert(db, run, &e) == SNAC_EDB); /* (run, epoch) is unique */
    unsigned char w[300];
    for (size_t i = 0; i < sizeof w; i++)
        w[i] = (unsigned char)(i * 7);
    db_model m = {run, "m", "{\"n_in\":24}", 10, 20, 0.7, 0.8, w, sizeof w};
    CHECK(db_model_insert(db, &m, &model) == 0 && model > 0);
    CHECK(db_run_finish(db, run, "done", "{\"test_acc\":0.7}") == 0);
    void *blob;
    size_t len;
    char *arch;
    CHECK(db_model_load(db, model, &blob, &len, &arch) == 0);
    CHECK(len == sizeof w && memcmp(blob, w, len) == 0 && strcmp(arch, "{\"n_in\":24}") == 0);
    free(blob);
    free(arch);
    CHECK(db_model_load(db, model + 100, &blob, &len, NULL) == SNAC_ENOTFOUND);
    CHECK_STR_CONTAINS(snac_err_msg(), "no model with id");
    CHECK(scalar(db, "SELECT seed FROM runs") == 511);
    CHECK(scalar(db, "SELECT count(*) FROM runs WHERE status = 'done' AND git_rev <> '' AND finished_at IS NOT NULL") == 1);
    db_close(db);
}

static void foreign_keys_should_reject_orphans(void)
{
    remove_db();
    snac_db *db;
    CHECK(db_open(DB, &db) == 0);
    db_epoch e = {1, 0, 0, 0, 0, 0, 0};
    CHECK(db_epoch_insert(db, 999, &e) == SNAC_EDB);
    CHECK_STR_CONTAINS(snac_err_msg(), "FOREIGN KEY");
    db_close(db);
}

static void rollback_should_leave_no_partial_rows(void)
{
    remove_db();
    snac_db *db;
    CHECK(db_open(DB, &db) == 0);
    int64_t run;
    db_run r = {"train", NULL, "", NULL, 1, 0};
    CHECK(db_begin(db) == 0);
    CHECK(db_run_insert(db, &r, &run) == 0);
    db_rollback(db);
    CHECK(scalar(db, "SELECT count(*) FROM runs") == 0);
    db_rollback(db); /* no transaction open: harmless */
    db_close(db);
}

static void newer_schema_should_be_refused_and_left_untouched(void)
{
    remove_db();
    sqlite3 *h;
    CHECK(sqlite3_open(DB, &h) == SQLITE_OK);
    CHECK(sqlite3_exec(h, "CREATE TABLE future(x); PRAGMA user_version = 99;", NULL, NULL, NULL) == SQLITE_OK);
    sqlite3_close(h);
    char *before, *after;
    size_t nb, na;
    CHECK(snac_read_file(DB, &before, &nb) == 0);
    snac_db *db;
    CHECK(db_open(DB, &db) == SNAC_EDB && db == NULL);
    CHECK_STR_CONTAINS(snac_err_msg(), "schema version 99 is newer");
    CHECK(snac_read_file(DB, &after, &na) == 0);
    CHECK(nb == na && memcmp(before, after, nb) == 0);
    CHECK(access("test_store.db-wal", F_OK) != 0);
    free(before);
    free(after);
}

static void non_database_should_be_refused(void)
{
    remove_db();
    FILE *f = fopen(DB, "wb");
    fputs("this is not an sqlite file, just text long enough to have a header .......................", f);
    fclose(f);
    snac_db *db;
    CHECK(db_open(DB, &db) == SNAC_EDB);
    CHECK_STR_CONTAINS(snac_err_msg(), "not an SQLite database");
    CHECK(db_open("/nonexistent-dir/x.db", &db) == SNAC_EDB);
    CHECK_STR_CONTAINS(snac_err_msg(), "/nonexistent-dir/x.db");
    remove_db();
}

static void open_existing_should_not_create_a_file(void)
{
    remove_db();
    snac_db *db;
    CHECK(db_open_existing(DB, &db) == SNAC_ENOTFOUND && db == NULL);
    CHECK_STR_CONTAINS(snac_err_msg(), "no such database");
    CHECK(access(DB, F_OK) != 0);
    CHECK(db_open(DB, &db) == 0);
    db_close(db);
    CHECK(db_open_existing(DB, &db) == 0);
    db_close(db);
}

int main(void)
{
    TEST(open_should_create_a_versioned_wal_database);
    TEST(run_epoch_and_model_rows_should_round_trip);
    TEST(foreign_keys_should_reject_orphans);
    TEST(rollback_should_leave_no_partial_rows);
    TEST(newer_schema_should_be_refused_and_left_untouched);
    TEST(non_database_should_be_refused);
    TEST(open_existing_should_not_create_a_file);
    remove_db();
    return check_report();
}
