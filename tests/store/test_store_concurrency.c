/* Store under concurrent processes (issue 13, items 1, 4, 10, 11): forked children open
 * one fresh database at the same instant (migration and the WAL switch race), create
 * the default surrogate version at the same instant (insert-or-reuse), a run owned by a
 * live process cannot be claimed while one whose owner is gone can, and a damaged file
 * is refused for writing with its name. Real processes (fork), each with its own connection. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "store/db.h"
#include "surrogate/surr_store.h"
#include "util/err.h"

static const char *DB = "test_store_concurrency.db";

static void remove_db(void)
{
    unlink(DB);
    unlink("test_store_concurrency.db-wal");
    unlink("test_store_concurrency.db-shm");
    unlink("test_store_concurrency.db-journal");
}

enum { OPEN_ONLY, ENSURE_DEFAULT };

/* Fork n children that wait on one pipe (a start barrier), then run `what`; the
 * number of children that exited 0. A failing child prints its error. */
static int race(int n, int what)
{
    int gate[2];
    if (pipe(gate))
        return -1;
    pid_t pids[16];
    for (int i = 0; i < n; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            close(gate[1]);
            char c;
            if (read(gate[0], &c, 1) < 0) /* EOF: everyone starts together */
                _exit(3);
            snac_db *db = NULL;
            int rc = db_open(DB, &db);
            if (!rc && what == ENSURE_DEFAULT) {
                surr_version v = {0};
                bool created = false;
                rc = surr_version_ensure_default(db, SURR_TC_VIVADO_2019_1, &v, &created);
                surr_version_clear(&v);
            }
            if (rc)
                fprintf(stderr, "child %d: %s\n", i, snac_err_msg());
            db_close(db);
            _exit(rc ? 1 : 0);
        }
    }
    close(gate[0]);
    struct timespec ts = {0, 20000000L};
    nanosleep(&ts, NULL);
    close(gate[1]);
    int ok = 0;
    for (int i = 0; i < n; i++) {
        int st;
        waitpid(pids[i], &st, 0);
        ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    return ok;
}

static long long scalar(const char *sql)
{
    snac_db *db;
    long long v = -1;
    if (db_open_existing(DB, &db))
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    db_close(db);
    return v;
}

static void processes_opening_a_new_database_at_once_should_all_succeed(void)
{
    for (int round = 0; round < 10; round++) {
        remove_db();
        int ok = race(4, OPEN_ONLY);
        CHECK_MSG(ok == 4, "round %d: %d of 4 opens succeeded", round, ok);
    }
    CHECK(scalar("PRAGMA user_version") == DB_SCHEMA_VERSION);
    CHECK(scalar("SELECT count(*) FROM sqlite_master WHERE name = 'runs'") == 1);
}

static void processes_creating_the_default_surrogate_at_once_should_share_one_version(void)
{
    for (int round = 0; round < 4; round++) {
        remove_db();
        snac_db *db;
        CHECK(db_open(DB, &db) == 0); /* an existing database without any surrogate version */
        db_close(db);
        int ok = race(3, ENSURE_DEFAULT);
        CHECK_MSG(ok == 3, "round %d: %d of 3 succeeded", round, ok);
        CHECK(scalar("SELECT count(*) FROM surrogate_versions") == 1);
        CHECK(scalar("SELECT count(*) FROM surrogate_versions WHERE active = 1") == 1);
    }
}

static void a_run_owned_by_a_live_process_should_not_be_claimed(void)
{
    remove_db();
    snac_db *db;
    CHECK(db_open(DB, &db) == 0);
    int64_t run = 0;
    db_run r = {"search", "s", "x: 1\n", "s.yaml", 1, 0};
    CHECK(db_run_insert(db, &r, &run) == 0);
    CHECK(db_run_finish(db, run, "interrupted", NULL) == 0); /* its first process stopped */
    db_close(db);
    /* a child claims the run and stays alive until told to go */
    int ready[2], go[2];
    CHECK(pipe(ready) == 0 && pipe(go) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        close(go[1]);
        snac_db *c;
        int rc = db_open(DB, &c) || db_run_claim(c, run);
        db_close(c);
        if (write(ready[1], "x", 1) < 0 || rc)
            _exit(1);
        char ch;
        if (read(go[0], &ch, 1) < 0)
            _exit(1);
        _exit(0);
    }
    close(ready[1]);
    close(go[0]);
    char ch;
    CHECK(read(ready[0], &ch, 1) == 1);
    CHECK(db_open(DB, &db) == 0);
    CHECK(db_run_claim(db, run) == SNAC_EBUSY);
    char want[64];
    snprintf(want, sizeof want, "being run by process %lld", (long long)pid);
    CHECK_MSG(strstr(snac_err_msg(), want) && strstr(snac_err_msg(), DB), "%s", snac_err_msg());
    /* the owner dies without a word (SIGKILL): the run is free, and now ours */
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    CHECK_MSG(db_run_claim(db, run) == SNAC_OK, "%s", snac_err_msg());
    CHECK(db_run_claim(db, run) == SNAC_OK); /* claiming again from the owner is fine */
    db_close(db);
    CHECK(scalar("SELECT owner_pid FROM runs") == (long long)getpid());
    CHECK(db_owner_alive("no-such-host.invalid", 1, 0) == -1);
    close(go[1]);
    close(ready[0]);
}

static void a_corrupt_database_should_be_refused_for_writing(void)
{
    remove_db();
    snac_db *db;
    CHECK(db_open(DB, &db) == 0);
    /* enough rows for an index with several pages */
    CHECK(sqlite3_exec(db_handle(db),
                       "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                       "INSERT INTO runs(kind, name, config_yaml, seed, tool_version, git_rev, started_at) "
                       "SELECT 'train', printf('run-%08d-padding-padding', i), '', i, 'v', 'g', 'now' FROM n; "
                       "CREATE INDEX runs_name ON runs(name); COMMIT; PRAGMA wal_checkpoint(TRUNCATE);",
                       NULL, NULL, NULL) == SQLITE_OK);
    long long root = -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT rootpage FROM sqlite_master WHERE name = 'runs_name'", -1, &st,
                           NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        root = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    long long page = scalar("PRAGMA page_size");
    db_close(db);
    CHECK(root > 1 && page > 0);
    /* scribble over the index's root page (not the schema page): quick_check sees it */
    FILE *f = fopen(DB, "r+b");
    CHECK(f != NULL);
    if (f) {
        fseek(f, (long)((root - 1) * page), SEEK_SET);
        for (int i = 0; i < 200; i++)
            fputc(0x5a, f);
        fclose(f);
    }
    CHECK(db_open(DB, &db) == SNAC_EDB && db == NULL);
    CHECK_MSG(strstr(snac_err_msg(), "test_store_concurrency.db: the database is corrupt") != NULL, "%s",
              snac_err_msg());
    CHECK(strstr(snac_err_msg(), "refusing to write") != NULL);
}

int main(void)
{
    TEST(processes_opening_a_new_database_at_once_should_all_succeed);
    TEST(processes_creating_the_default_surrogate_at_once_should_share_one_version);
    TEST(a_run_owned_by_a_live_process_should_not_be_claimed);
    TEST(a_corrupt_database_should_be_refused_for_writing);
    return check_report();
}
