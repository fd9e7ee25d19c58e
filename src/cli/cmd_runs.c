/* cmd_runs — `snac runs [--db FILE]`: every run of a store, one line each: id, kind, name,
 * status, start and end (UTC), progress (epochs or trials stored) and what to run next
 * (resume an interrupted search, look at a finished one's front, ...).
 *
 * A 'running' run whose process is gone (runs.owner_pid/host/start, store/db.h) is shown
 * as interrupted: a SIGKILL, a power cut or a full disk leave no chance to write it. The
 * store is opened read-only, so this works on any copy of a database.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "cli/commands.h"
#include "config/config.h"
#include "pipeline/pipeline_run.h"
#include "search/search_config.h"
#include "store/db.h"
#include "util/err.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac runs [--db FILE]\n"
               "  List the runs of the store (default snac.db): id, kind, name, status, started, finished,\n"
               "  progress and the command to run next. A running run whose process is gone shows as\n"
               "  interrupted.\n");
}

static const char *text(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

/* "12/24 trials" or "3/10 epochs": what is stored against the budget of the run's own
 * config text; just the count if the text does not parse (a run of another snac). */
static void progress_of(sqlite3_stmt *st, char *out, size_t cap)
{
    const char *kind = text(st, 1), *yaml = text(st, 12);
    long long done = sqlite3_column_int64(st, 6);
    bool search = strcmp(kind, "search") == 0;
    size_t budget = 0;
    if (strcmp(kind, "local") == 0) { /* iterations stored; the budget depends on the sources */
        snprintf(out, cap, "%lld iterations", done);
        return;
    }
    if (strcmp(kind, "pipeline") == 0) { /* stages finished (done, failed or skipped) */
        snprintf(out, cap, "%lld/%d stages", done, PIPE_STAGE_COUNT);
        return;
    }
    if (strcmp(kind, "ablate") == 0) {
        snprintf(out, cap, "%lld members done", done);
        return;
    }
    if (search) {
        search_config sc;
        if (search_config_parse(yaml, strlen(yaml), "config", &sc) == SNAC_OK)
            budget = sc.trials;
    } else {
        snac_config c;
        if (snac_config_parse(yaml, strlen(yaml), "config", &c) == SNAC_OK)
            budget = c.training.epochs;
        snac_config_free(&c);
    }
    if (budget)
        snprintf(out, cap, "%lld/%zu %s", done, budget, search ? "trials" : "epochs");
    else
        snprintf(out, cap, "%lld %s", done, search ? "trials" : "epochs");
}

/* The effective status and the next command of one row. */
static void describe(const char *db, sqlite3_stmt *st, const char **status, char *next, size_t cap)
{
    long long id = sqlite3_column_int64(st, 0);
    const char *kind = text(st, 1), *path = text(st, 5);
    const char *host = (const char *)sqlite3_column_text(st, 9);
    *status = text(st, 4);
    if (strcmp(*status, "running") == 0) {
        int alive = db_owner_alive(host, sqlite3_column_int64(st, 8), sqlite3_column_int64(st, 10));
        if (alive == 0)
            *status = "interrupted";
        else if (alive < 0 && host)
            *status = "running@other-host";
    }
    bool search = strcmp(kind, "search") == 0;
    bool stopped = strcmp(*status, "interrupted") == 0 || strcmp(*status, "failed") == 0;
    if (strcmp(kind, "pipeline") == 0 && stopped)
        snprintf(next, cap, "snac run --resume %lld --db %s", id, db);
    else if (strcmp(kind, "ablate") == 0 && strcmp(*status, "done") == 0)
        snprintf(next, cap, "snac ablate --show %lld --db %s", id, db);
    else if (strcmp(kind, "ablate") == 0 && stopped)
        snprintf(next, cap, "snac ablate -c %s --db %s", path[0] ? path : "CONFIG", db);
    else if (strcmp(kind, "pipeline") == 0 || strcmp(kind, "ablate") == 0)
        snprintf(next, cap, strcmp(*status, "running") == 0 ? "(running: process %lld)" : "-",
                 (long long)sqlite3_column_int64(st, 8));
    else if (strcmp(kind, "local") == 0 && strcmp(*status, "done") == 0)
        snprintf(next, cap, "snac local --front %lld --db %s", id, db);
    else if (strcmp(kind, "local") == 0 && (strcmp(*status, "interrupted") == 0 || strcmp(*status, "failed") == 0))
        snprintf(next, cap, "snac local --resume %lld --db %s", id, db);
    else if (strcmp(*status, "done") == 0 && search)
        snprintf(next, cap, "snac pareto %lld --db %s", id, db);
    else if (strcmp(*status, "done") == 0 && sqlite3_column_type(st, 7) != SQLITE_NULL)
        snprintf(next, cap, "snac predict --model %lld --db %s", (long long)sqlite3_column_int64(st, 7), db);
    else if ((strcmp(*status, "interrupted") == 0 || strcmp(*status, "failed") == 0) && search)
        snprintf(next, cap, "snac search --resume %lld --db %s", id, db);
    else if (strcmp(*status, "interrupted") == 0 || strcmp(*status, "failed") == 0)
        snprintf(next, cap, "snac %s -c %s --db %s", kind, path[0] ? path : "CONFIG", db);
    else if (strcmp(*status, "running") == 0)
        snprintf(next, cap, "(running: process %lld)", (long long)sqlite3_column_int64(st, 8));
    else
        snprintf(next, cap, "-");
}

int cmd_runs(int argc, char **argv)
{
    const char *db_file = "snac.db";
    static const struct option opts[] = {{"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db_file = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    snac_db *db = NULL;
    if (db_open_readonly(db_file, &db))
        return cli_fail("runs");
    sqlite3_stmt *st = NULL;
    const char *sql =
        "SELECT r.id, r.kind, coalesce(r.name, ''), r.started_at, r.status, coalesce(r.config_path, ''),"
        " CASE r.kind WHEN 'search' THEN (SELECT count(*) FROM trials t WHERE t.run_id = r.id)"
        "             WHEN 'local' THEN (SELECT count(*) FROM local_iterations i WHERE i.run_id = r.id)"
        "             WHEN 'pipeline' THEN (SELECT count(*) FROM pipeline_stages p WHERE p.run_id = r.id"
        "                                   AND p.status IN ('done', 'failed', 'skipped'))"
        "             WHEN 'ablate' THEN (SELECT count(*) FROM runs c WHERE c.parent_id = r.id AND c.status = 'done')"
        "             ELSE (SELECT count(*) FROM epochs e WHERE e.run_id = r.id) END,"
        " (SELECT max(m.id) FROM models m WHERE m.run_id = r.id AND r.kind <> 'search'),"
        " r.owner_pid, r.owner_host, r.owner_start, coalesce(r.finished_at, '-'), r.config_yaml,"
        " r.parent_id"
        " FROM runs r ORDER BY r.id";
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
        db_error(db, "listing runs");
        db_close(db);
        return cli_fail("runs");
    }
    printf("%5s  %-8s %-20s %-12s %-20s  %-20s  %-12s  %s\n", "id", "kind", "name", "status", "started", "finished",
           "progress", "next");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *status;
        char next[1200], prog[64];
        describe(db_file, st, &status, next, sizeof next);
        progress_of(st, prog, sizeof prog);
        char name[64]; /* a stage's run shows its parent: "3/search" */
        if (sqlite3_column_type(st, 13) != SQLITE_NULL)
            snprintf(name, sizeof name, "%lld/%s", (long long)sqlite3_column_int64(st, 13), text(st, 2));
        else
            snprintf(name, sizeof name, "%s", text(st, 2));
        printf("%5lld  %-8s %-20.20s %-12s %-20s  %-20s  %-12s  %s\n", (long long)sqlite3_column_int64(st, 0),
               text(st, 1), name, status, text(st, 3), text(st, 11), prog, next);
        if (strcmp(text(st, 1), "pipeline") == 0)
            pipe_stages_write(db, sqlite3_column_int64(st, 0), stdout);
    }
    int rc = s == SQLITE_DONE ? SNAC_OK : db_error(db, "listing runs");
    sqlite3_finalize(st);
    db_close(db);
    return rc ? cli_fail("runs") : 0;
}
