/* rep_prov — the provenance section of the report: each reported run's kind, name, status,
 * seed, tool version and git revision, start and end (as stored), config path, data
 * fingerprint, the command that reproduces it and its stored config; then every surrogate
 * version of the store (family, toolchain, parent, active, what it was fitted on).
 *
 * Memory: nothing kept. Workload: a handful of runs and versions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/rep_page.h"
#include "reports/rep_sections.h"
#include "util/err.h"

/* The command line that runs this kind of run again from its config. */
static void command_of(const char *kind, const char *config, int64_t id, const char *result, char *buf, size_t cap)
{
    const char *cfg = config[0] ? config : "CONFIG.yaml";
    if (strcmp(kind, "train") == 0)
        snprintf(buf, cap, "snac train -c %s", cfg);
    else if (strcmp(kind, "search") == 0)
        snprintf(buf, cap, "snac search -c %s   (resume: snac search --resume %lld)", cfg, (long long)id);
    else if (strcmp(kind, "local") == 0) {
        const char *s = strstr(result, "\"search_run\":");
        long long src = s ? strtoll(s + 13, NULL, 10) : 0;
        snprintf(buf, cap, "snac local -c %s --run %lld ...   (resume: snac local --resume %lld)", cfg, src,
                 (long long)id);
    } else
        snprintf(buf, cap, "snac %s ...", kind);
}

static int run_block(snac_db *db, int64_t id, strbuf *b)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT kind, ifnull(name, ''), status, seed, tool_version, git_rev, started_at, "
                           "ifnull(finished_at, ''), ifnull(config_path, ''), ifnull(data_fingerprint, ''), "
                           "config_yaml, ifnull(result, '') FROM runs WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare run query");
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s != SQLITE_ROW) {
        int rc = s == SQLITE_DONE ? snac_err_set(SNAC_ENOTFOUND, "no run %lld in %s", (long long)id, db_path(db))
                                  : db_error(db, "read run");
        sqlite3_finalize(st);
        return rc;
    }
    char kind[32], name[128], status[32], tool[64], git[64], start[40], end[40], path[512], fp[160], cmd[768];
    rep_col_text(st, 0, kind, sizeof kind);
    rep_col_text(st, 1, name, sizeof name);
    rep_col_text(st, 2, status, sizeof status);
    rep_col_text(st, 4, tool, sizeof tool);
    rep_col_text(st, 5, git, sizeof git);
    rep_col_text(st, 6, start, sizeof start);
    rep_col_text(st, 7, end, sizeof end);
    rep_col_text(st, 8, path, sizeof path);
    rep_col_text(st, 9, fp, sizeof fp);
    const char *result = (const char *)sqlite3_column_text(st, 11);
    command_of(kind, path, id, result ? result : "", cmd, sizeof cmd);
    strbuf_puts(b, "<tr>");
    rep_td_int(b, (long long)id);
    rep_td(b, kind);
    rep_td(b, name);
    rep_td(b, status);
    strbuf_printf(b, "<td>%llu</td>", (unsigned long long)sqlite3_column_int64(st, 3));
    rep_td(b, tool);
    rep_td(b, git);
    rep_td(b, start);
    rep_td(b, end);
    rep_td(b, fp);
    strbuf_puts(b, "<td class=\"t\"><code>");
    rep_buf_esc(b, cmd);
    strbuf_puts(b, "</code><details><summary>config");
    if (path[0]) {
        strbuf_puts(b, " (");
        rep_buf_esc(b, path);
        strbuf_puts(b, ")");
    }
    strbuf_puts(b, "</summary><pre>");
    rep_buf_esc(b, (const char *)sqlite3_column_text(st, 10));
    strbuf_puts(b, "</pre>");
    if (result && result[0]) {
        strbuf_puts(b, "result: <code>");
        rep_buf_esc(b, result);
        strbuf_puts(b, "</code>");
    }
    strbuf_puts(b, "</details></td></tr>\n");
    sqlite3_finalize(st);
    return SNAC_OK;
}

static int versions_table(snac_db *db, strbuf *b)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT id, name, family, toolchain, ifnull(parent_id, 0), active, created_at, ifnull(note, '') "
                           "FROM surrogate_versions ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare surrogate version query");
    rep_table_begin(b, "Surrogate versions", "id|name|family|toolchain|parent|active|created|note", 0);
    int s;
    char t[1024];
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        strbuf_puts(b, "<tr>");
        rep_td_int(b, sqlite3_column_int64(st, 0));
        for (int c = 1; c <= 3; c++) {
            rep_col_text(st, c, t, sizeof t);
            rep_td(b, t);
        }
        int64_t parent = sqlite3_column_int64(st, 4);
        if (parent)
            rep_td_int(b, (long long)parent);
        else
            rep_td(b, "");
        rep_td(b, sqlite3_column_int(st, 5) ? "yes" : "");
        rep_col_text(st, 6, t, sizeof t);
        rep_td(b, t);
        rep_col_text(st, 7, t, sizeof t);
        rep_td(b, t);
        strbuf_puts(b, "</tr>\n");
    }
    int rc = s == SQLITE_DONE ? SNAC_OK : db_error(db, "read surrogate versions");
    sqlite3_finalize(st);
    rep_table_end(b);
    return rc;
}

int rep_prov_section(snac_db *db, const int64_t *runs, size_t n, strbuf *b)
{
    rep_section_begin(b, "provenance", "Runs, configs and provenance");
    int rc = SNAC_OK;
    if (n == 0) {
        rep_note(b, "empty", "no run in this report");
    } else {
        rep_table_begin(b, "Runs", "run|kind|name|status|seed|snac version|git revision|started|finished|"
                                   "data fingerprint|command and config", 1);
        for (size_t i = 0; i < n && !rc; i++)
            rc = run_block(db, runs[i], b);
        rep_table_end(b);
    }
    if (!rc)
        rc = versions_table(db, b);
    rep_section_end(b);
    return rc;
}
