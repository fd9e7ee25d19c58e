/* surr_store — SQL for surrogate_versions and predictions; see surr_store.h.
 * A prediction row carries its 95% interval in lo/hi (schema 2; NULL when the
 * prediction was made without one).
 *
 * Memory: statements are finalised before return; loaded strings are malloc'd
 * into the version. Workload: a few rows per call.
 */
#include "surrogate/surr_store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "surrogate/surr_calib.h"
#include "util/err.h"

static int bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

static int deactivate(snac_db *db, enum surr_toolchain tc)
{
    sqlite3_stmt *st = NULL;
    int rc = SNAC_OK;
    if (sqlite3_prepare_v2(db_handle(db), "UPDATE surrogate_versions SET active = 0 WHERE toolchain = ?1 AND active = 1",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_text(st, 1, surr_toolchain_names[tc], -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(db, "deactivate surrogate version");
    sqlite3_finalize(st);
    return rc;
}

int surr_version_insert(snac_db *db, surr_version *v, bool activate)
{
    void *blob = NULL;
    size_t len = 0;
    int rc = surr_coef_encode(v, &blob, &len);
    if (rc)
        return rc;
    if ((rc = db_begin(db))) {
        free(blob);
        return rc;
    }
    if (activate && (rc = deactivate(db, v->toolchain)))
        goto fail;
    sqlite3_stmt *st = NULL;
    char now[32];
    db_now(now);
    const char *sql = "INSERT INTO surrogate_versions(name, family, basis_version, toolchain, parent_id, "
                      "coefficients, fit_stats, fitted_on, note, active, created_at) "
                      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(db, "prepare surrogate version insert");
        goto fail;
    }
    int ok = sqlite3_bind_text(st, 1, v->name, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_text(st, 2, v->family, -1, SQLITE_STATIC) == SQLITE_OK &&
             sqlite3_bind_int(st, 3, v->basis_version) == SQLITE_OK &&
             sqlite3_bind_text(st, 4, surr_toolchain_names[v->toolchain], -1, SQLITE_STATIC) == SQLITE_OK &&
             (v->parent_id ? sqlite3_bind_int64(st, 5, v->parent_id) : sqlite3_bind_null(st, 5)) == SQLITE_OK &&
             sqlite3_bind_blob(st, 6, blob, (int)len, SQLITE_STATIC) == SQLITE_OK &&
             bind_text_or_null(st, 7, v->fit_stats) == SQLITE_OK &&
             bind_text_or_null(st, 8, v->fitted_on) == SQLITE_OK &&
             bind_text_or_null(st, 9, v->note) == SQLITE_OK &&
             sqlite3_bind_int(st, 10, activate ? 1 : 0) == SQLITE_OK &&
             sqlite3_bind_text(st, 11, now, -1, SQLITE_STATIC) == SQLITE_OK;
    if (!ok || sqlite3_step(st) != SQLITE_DONE) {
        rc = db_error(db, "insert surrogate version");
        sqlite3_finalize(st);
        goto fail;
    }
    sqlite3_finalize(st);
    v->id = sqlite3_last_insert_rowid(db_handle(db));
    v->active = activate;
    if ((rc = db_commit(db)))
        goto fail;
    free(blob);
    return SNAC_OK;
fail:
    db_rollback(db);
    free(blob);
    return rc;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t)
        return NULL;
    size_t n = strlen((const char *)t) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, t, n);
    return c;
}

/* Load the single row matched by `where` bound to one parameter (int64 or text). */
static int load_where(snac_db *db, const char *where, int64_t id, const char *text, surr_version *out,
                      const char *what)
{
    memset(out, 0, sizeof *out);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, name, family, basis_version, toolchain, parent_id, coefficients, fit_stats, fitted_on, "
             "note, active FROM surrogate_versions WHERE %s", where);
    sqlite3_stmt *st = NULL;
    int rc = SNAC_OK;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare surrogate version load");
    if ((text ? sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC) : sqlite3_bind_int64(st, 1, id)) != SQLITE_OK) {
        rc = db_error(db, "bind");
        goto out;
    }
    int s = sqlite3_step(st);
    if (s == SQLITE_DONE) {
        rc = snac_err_set(SNAC_ENOTFOUND, "%s: no surrogate version %s", db_path(db), what);
        goto out;
    }
    if (s != SQLITE_ROW) {
        rc = db_error(db, "load surrogate version");
        goto out;
    }
    out->id = sqlite3_column_int64(st, 0);
    snprintf(out->name, sizeof out->name, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(out->family, sizeof out->family, "%s", (const char *)sqlite3_column_text(st, 2));
    const char *tc = (const char *)sqlite3_column_text(st, 4);
    int k = surr_enum_from_name(surr_toolchain_names, SURR_TC_COUNT, tc ? tc : "");
    if (k < 0) {
        rc = snac_err_set(SNAC_EFORMAT, "surrogate version %lld: unknown toolchain '%s'",
                          (long long)out->id, tc ? tc : "");
        goto out;
    }
    out->toolchain = (enum surr_toolchain)k;
    out->parent_id = sqlite3_column_type(st, 5) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 5);
    const void *blob = sqlite3_column_blob(st, 6);
    int len = sqlite3_column_bytes(st, 6);
    if ((rc = surr_coef_decode(blob, (size_t)len, out))) {
        snac_err_prefix(rc, "surrogate version %lld: ", (long long)out->id);
        goto out;
    }
    if (sqlite3_column_int(st, 3) != out->basis_version) {
        rc = snac_err_set(SNAC_EFORMAT, "surrogate version %lld: basis_version column disagrees with its blob",
                          (long long)out->id);
        goto out;
    }
    out->fit_stats = dup_col(st, 7);
    out->fitted_on = dup_col(st, 8);
    out->note = dup_col(st, 9);
    out->active = sqlite3_column_int(st, 10) != 0;
out:
    sqlite3_finalize(st);
    if (rc)
        surr_version_clear(out);
    return rc;
}

int surr_version_load(snac_db *db, int64_t id, surr_version *out)
{
    char what[48];
    snprintf(what, sizeof what, "with id %lld", (long long)id);
    return load_where(db, "id = ?1", id, NULL, out, what);
}

int surr_version_load_name(snac_db *db, const char *name, surr_version *out)
{
    char what[160];
    snprintf(what, sizeof what, "named '%s'", name);
    return load_where(db, "name = ?1", 0, name, out, what);
}

int surr_version_load_active(snac_db *db, enum surr_toolchain tc, surr_version *out)
{
    char what[96];
    snprintf(what, sizeof what, "active for toolchain %s", surr_toolchain_names[tc]);
    return load_where(db, "toolchain = ?1 AND active = 1", 0, surr_toolchain_names[tc], out, what);
}

int surr_version_load_ref(snac_db *db, const char *ref, surr_version *out)
{
    char *end;
    long long id = strtoll(ref, &end, 10);
    if (*ref && *end == '\0')
        return surr_version_load(db, (int64_t)id, out);
    return surr_version_load_name(db, ref, out);
}

int surr_version_activate(snac_db *db, int64_t id)
{
    surr_version v;
    int rc = surr_version_load(db, id, &v);
    if (rc)
        return rc;
    surr_version_clear(&v);
    if ((rc = db_begin(db)))
        return rc;
    if ((rc = deactivate(db, v.toolchain)))
        goto fail;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db_handle(db), "UPDATE surrogate_versions SET active = 1 WHERE id = ?1", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, id) != SQLITE_OK || sqlite3_step(st) != SQLITE_DONE) {
        rc = db_error(db, "activate surrogate version");
        sqlite3_finalize(st);
        goto fail;
    }
    sqlite3_finalize(st);
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

int surr_version_ensure_default(snac_db *db, enum surr_toolchain tc, surr_version *out, bool *created)
{
    if (created)
        *created = false;
    int rc = surr_version_load_active(db, tc, out);
    if (rc == SNAC_EFORMAT) {
        /* an active version of an older model family (log-linear, blob format 1): this
         * tool cannot evaluate it; the structural default replaces it as the active one
         * (the old row stays, inactive; *created tells the caller) */
        snac_err_clear();
    } else if (rc != SNAC_ENOTFOUND) {
        return rc;
    }
    surr_fit_report rep;
    if ((rc = surr_calib_default_version(tc, out, &rep)))
        return rc;
    /* A default of the same name may exist but have been deactivated: reuse it. */
    surr_version old;
    if (surr_version_load_name(db, out->name, &old) == SNAC_OK) {
        int64_t id = old.id;
        surr_version_clear(&old);
        surr_version_clear(out);
        if ((rc = surr_version_activate(db, id)))
            return rc;
        return surr_version_load(db, id, out);
    }
    snac_err_clear();
    if ((rc = surr_version_insert(db, out, true))) {
        /* insert-or-reuse: another process may have stored the default since we looked
         * (name is UNIQUE, the insert is one BEGIN IMMEDIATE transaction): take its version */
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", snac_err_msg());
        surr_version_clear(out);
        if (surr_version_load_active(db, tc, out) == SNAC_OK)
            return SNAC_OK;
        return snac_err_set(rc, "%s", msg);
    }
    if (created)
        *created = true;
    return SNAC_OK;
}

int surr_prediction_insert(snac_db *db, int64_t version_id, int64_t model_id, const char *spec_sha256,
                           const surr_prediction *p)
{
    /* joins the caller's transaction when one is open (a model and its predictions land together) */
    const bool own = sqlite3_get_autocommit(db_handle(db)) != 0;
    int rc = own ? db_begin(db) : SNAC_OK;
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    char now[32];
    db_now(now);
    if (sqlite3_prepare_v2(db_handle(db),
                           "INSERT INTO predictions(version_id, model_id, spec_sha256, target, value, created_at, lo, hi) "
                           "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(db, "prepare prediction insert");
        goto fail;
    }
    const char *extra_names[2] = {"avg_resource_pct", "latency_ns"};
    double extra[2] = {p->avg_resource_pct, p->latency_ns};
    for (int t = 0; t < SURR_T_COUNT + 2; t++) {
        const char *name = t < SURR_T_COUNT ? surr_target_names[t] : extra_names[t - SURR_T_COUNT];
        double value = t < SURR_T_COUNT ? p->y[t] : extra[t - SURR_T_COUNT];
        double lo = t < SURR_T_COUNT ? p->lo[t] : NAN, hi = t < SURR_T_COUNT ? p->hi[t] : NAN;
        sqlite3_reset(st);
        int ok = sqlite3_bind_int64(st, 1, version_id) == SQLITE_OK &&
                 (model_id ? sqlite3_bind_int64(st, 2, model_id) : sqlite3_bind_null(st, 2)) == SQLITE_OK &&
                 bind_text_or_null(st, 3, spec_sha256) == SQLITE_OK &&
                 sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC) == SQLITE_OK &&
                 sqlite3_bind_double(st, 5, value) == SQLITE_OK &&
                 sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC) == SQLITE_OK &&
                 (isfinite(lo) ? sqlite3_bind_double(st, 7, lo) : sqlite3_bind_null(st, 7)) == SQLITE_OK &&
                 (isfinite(hi) ? sqlite3_bind_double(st, 8, hi) : sqlite3_bind_null(st, 8)) == SQLITE_OK;
        if (!ok || sqlite3_step(st) != SQLITE_DONE) {
            rc = db_error(db, "insert prediction");
            goto fail;
        }
    }
    sqlite3_finalize(st);
    return own ? db_commit(db) : SNAC_OK;
fail:
    sqlite3_finalize(st);
    if (own)
        db_rollback(db);
    return rc;
}
