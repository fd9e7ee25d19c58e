/* rep_report — page assembly and the atomic write of `snac report` (see rep_report.h). */
#include "reports/rep_report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/rep_page.h"
#include "reports/rep_sections.h"
#include "snac_version.h"
#include "util/err.h"

/* ---- helpers shared by the section writers (rep_sections.h) -------------------------------- */

double rep_col_real(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
}

void rep_col_text(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
    const char *t = (const char *)sqlite3_column_text(st, col);
    snprintf(buf, cap, "%s", t ? t : "");
}

int rep_table_exists(snac_db *db, const char *name, int *exists)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare table lookup");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_ROW ? SNAC_OK : db_error(db, "look up a table");
    *exists = rc ? 0 : sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    return rc;
}

/* ---- the run list ------------------------------------------------------------------------ */

typedef struct run_ref {
    int64_t id;
    char kind[16];
} run_ref;

static int cmp_run(const void *a, const void *b)
{
    int64_t x = ((const run_ref *)a)->id, y = ((const run_ref *)b)->id;
    return (x > y) - (x < y);
}

/* The runs to report, ascending and without repeats; every given id must exist. */
static int resolve_runs(snac_db *db, const int64_t *ids, size_t n_ids, run_ref **out, size_t *n_out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT id, kind FROM runs ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare run list");
    run_ref *all = NULL;
    size_t n = 0, cap = 0;
    int rc = SNAC_OK, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            run_ref *nr = realloc(all, cap * sizeof *nr);
            if (!nr) {
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                break;
            }
            all = nr;
        }
        all[n].id = sqlite3_column_int64(st, 0);
        rep_col_text(st, 1, all[n].kind, sizeof all[n].kind);
        n++;
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(db, "read runs");
    sqlite3_finalize(st);
    if (rc) {
        free(all);
        return rc;
    }
    if (n_ids == 0) {
        *out = all;
        *n_out = n;
        return SNAC_OK;
    }
    run_ref *sel = calloc(n_ids, sizeof *sel);
    if (!sel) {
        free(all);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < n_ids && !rc; i++) {
        size_t j = 0;
        while (j < n && all[j].id != ids[i])
            j++;
        if (j == n)
            rc = snac_err_set(SNAC_ENOTFOUND, "no run %lld in %s", (long long)ids[i], db_path(db));
        else
            sel[k++] = all[j];
    }
    free(all);
    if (rc) {
        free(sel);
        return rc;
    }
    qsort(sel, k, sizeof *sel, cmp_run);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || sel[u - 1].id != sel[i].id)
            sel[u++] = sel[i];
    *out = sel;
    *n_out = u;
    return SNAC_OK;
}

/* ---- the page ---------------------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int rep_report_build(snac_db *db, const int64_t *runs, size_t n_runs, strbuf *b)
{
    run_ref *rr = NULL;
    size_t n = 0;
    int rc = resolve_runs(db, runs, n_runs, &rr, &n);
    if (rc)
        return rc;
    char title[512];
    snprintf(title, sizeof title, "snac report: %s", base_name(db_path(db)));
    rep_page_begin(b, title);
    strbuf_puts(b, "<p class=\"note\">Store <code>");
    rep_buf_esc(b, db_path(db));
    strbuf_printf(b, "</code>; written by snac %s (git %s). Hover a point for its values; every plot's "
                     "numbers are in the table below it.</p>\n", SNAC_VERSION, SNAC_GIT_REV);
    strbuf_puts(b, "<nav>");
    for (size_t i = 0; i < n; i++)
        if (strcmp(rr[i].kind, "search") == 0 || strcmp(rr[i].kind, "local") == 0)
            strbuf_printf(b, "<a href=\"#run-%lld\">%s run %lld</a>", (long long)rr[i].id,
                          strcmp(rr[i].kind, "search") == 0 ? "global search" : "local search", (long long)rr[i].id);
    strbuf_puts(b, "<a href=\"#validation\">validation</a><a href=\"#ablation\">ablation</a>"
                   "<a href=\"#provenance\">runs and provenance</a></nav>\n");

    size_t n_shown = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (strcmp(rr[i].kind, "search") == 0) {
            rc = rep_global_section(db, rr[i].id, b);
            n_shown++;
        } else if (strcmp(rr[i].kind, "local") == 0) {
            rc = rep_local_section(db, rr[i].id, b);
            n_shown++;
        }
    }
    if (!rc && n_shown == 0) {
        rep_section_begin(b, "searches", "Searches");
        rep_note(b, "empty", "no global or local search run in this report");
        rep_section_end(b);
    }
    if (!rc)
        rc = rep_valid_section(db, b);
    if (!rc)
        rc = rep_ablation_section(db, b);
    if (!rc) {
        int64_t *ids = NULL;
        if (n && !(ids = malloc(n * sizeof *ids)))
            rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        for (size_t i = 0; ids && i < n; i++)
            ids[i] = rr[i].id;
        if (!rc)
            rc = rep_prov_section(db, ids, n, b);
        free(ids);
    }
    free(rr);
    if (rc)
        return rc;
    rep_page_end(b);
    return rep_buf_status(b);
}

int rep_report_write(snac_db *db, const int64_t *runs, size_t n_runs, const char *path)
{
    strbuf b = STRBUF_INIT;
    int rc = rep_report_build(db, runs, n_runs, &b);
    if (rc) {
        strbuf_free(&b);
        return rc;
    }
    size_t cap = strlen(path) + 32;
    char *tmp = malloc(cap);
    if (!tmp) {
        strbuf_free(&b);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    snprintf(tmp, cap, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        rc = snac_err_set(SNAC_EIO, "cannot write %s", path);
    } else {
        int bad = fwrite(b.s, 1, b.len, f) != b.len;
        bad |= fclose(f) != 0;
        if (bad || rename(tmp, path) != 0) {
            remove(tmp);
            rc = snac_err_set(SNAC_EIO, "cannot write %s", path);
        }
    }
    free(tmp);
    strbuf_free(&b);
    return rc;
}
