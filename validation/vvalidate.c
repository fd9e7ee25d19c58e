/* vvalidate — fresh and stored prediction errors per target; see vvalidate.h.
 *
 * Memory: the rows, a (n, SURR_T_COUNT) block of stored predictions with their
 * version ids, and the actual/predicted pair arrays are freed before vval_run
 * returns; the report's stored blocks are the caller's (vval_report_free).
 * Workload: one query per linked model for its stored prediction.
 */
#include "validation/vvalidate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

const char *const vval_kind_names[VVAL_KIND_COUNT] = {"stored", "fresh"};

/* The first stored prediction of model `id`: its version and values (NaN where absent). */
static int first_prediction(snac_db *db, sqlite3_stmt *st, int64_t model_id, int64_t *version, double *y)
{
    for (int t = 0; t < SURR_T_COUNT; t++)
        y[t] = NAN;
    *version = 0;
    sqlite3_reset(st);
    if (sqlite3_bind_int64(st, 1, model_id) != SQLITE_OK)
        return db_error(db, "bind model id");
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t v = sqlite3_column_int64(st, 0);
        if (*version == 0)
            *version = v;
        if (v != *version)
            continue;
        int t = surr_enum_from_name(surr_target_names, SURR_T_COUNT, (const char *)sqlite3_column_text(st, 1));
        if (t >= 0 && isnan(y[t]))
            y[t] = sqlite3_column_double(st, 2);
    }
    return s == SQLITE_DONE ? SNAC_OK : db_error(db, "read predictions");
}

static int version_name(snac_db *db, int64_t id, char *buf, size_t cap)
{
    sqlite3_stmt *st = NULL;
    buf[0] = '\0';
    if (sqlite3_prepare_v2(db_handle(db), "SELECT name FROM surrogate_versions WHERE id = ?", -1, &st, NULL) !=
        SQLITE_OK)
        return db_error(db, "select version name");
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return SNAC_OK;
}

/* Stats of block b from rows whose prediction version equals `version` (0 = all, fresh). */
static int block_stats(const vrows *R, const double *pred, const int64_t *pver, int64_t version,
                       const vstats_opts *o, double *ya, double *pa, vval_block *b)
{
    for (int t = 0; t < SURR_T_COUNT; t++) {
        size_t m = 0;
        for (size_t i = 0; i < R->n; i++) {
            double p = pred[i * SURR_T_COUNT + (size_t)t];
            if ((version && pver[i] != version) || !isfinite(p) || !isfinite(R->row[i].y[t]))
                continue;
            ya[m] = R->row[i].y[t];
            pa[m] = p;
            m++;
        }
        int rc = vstats_compute(ya, pa, m, o, &b->t[t]);
        if (rc)
            return rc;
    }
    return SNAC_OK;
}

int vval_run(snac_db *db, enum surr_toolchain tc, const surr_version *v, const vstats_opts *o, vval_report *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->tc = tc;
    vrows R;
    int rc = vrows_load(db, tc, &R);
    if (rc)
        return rc;
    rep->n_rows = R.n;
    rep->n_groups = R.n_groups;
    rep->n_no_spec = R.n_no_spec;
    rep->n_weights_missing = R.n_weights_missing;
    rep->first_weights_missing = R.first_weights_missing;
    rep->skip = R.skip; /* the report owns the skip list now */
    R.skip = NULL;
    rep->n_other = R.n_other;
    rep->n_unmapped = R.n_unmapped;
    size_t n = R.n ? R.n : 1;
    double *fresh = malloc(n * SURR_T_COUNT * sizeof *fresh), *stored = malloc(n * SURR_T_COUNT * sizeof *stored);
    int64_t *sver = calloc(n, sizeof *sver), *vers = calloc(n, sizeof *vers);
    double *ya = malloc(n * sizeof *ya), *pa = malloc(n * sizeof *pa);
    sqlite3_stmt *st = NULL;
    if (!fresh || !stored || !sver || !vers || !ya || !pa) {
        rc = snac_err_set(SNAC_ENOMEM, "validate: out of memory (%zu rows)", R.n);
        goto out;
    }
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT version_id, target, value FROM predictions WHERE model_id = ?"
                           " ORDER BY created_at, id",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(db, "select predictions");
        goto out;
    }
    for (size_t i = 0; i < n * SURR_T_COUNT; i++)
        fresh[i] = stored[i] = NAN;
    size_t n_vers = 0;
    for (size_t i = 0; i < R.n; i++) {
        surr_prediction p;
        surr_predict(v, &R.row[i].x, R.row[i].part, &p);
        memcpy(fresh + i * SURR_T_COUNT, p.y, sizeof p.y);
        double *sy = stored + i * SURR_T_COUNT;
        if (R.row[i].model_id > 0) {
            if ((rc = first_prediction(db, st, R.row[i].model_id, &sver[i], sy)))
                goto out;
            if (sver[i]) {
                rep->n_with_stored++;
                size_t k = 0;
                while (k < n_vers && vers[k] != sver[i])
                    k++;
                if (k == n_vers)
                    vers[n_vers++] = sver[i];
            }
        }
    }
    rep->fresh.kind = VVAL_FRESH;
    rep->fresh.version_id = v->id;
    snprintf(rep->fresh.version_name, sizeof rep->fresh.version_name, "%s", v->name);
    if ((rc = block_stats(&R, fresh, sver, 0, o, ya, pa, &rep->fresh)))
        goto out;
    if (n_vers) {
        rep->stored = calloc(n_vers, sizeof *rep->stored);
        if (!rep->stored) {
            rc = snac_err_set(SNAC_ENOMEM, "out of memory");
            goto out;
        }
        for (size_t k = 0; k < n_vers; k++) {
            vval_block *b = &rep->stored[k];
            b->kind = VVAL_STORED;
            b->version_id = vers[k];
            if ((rc = version_name(db, vers[k], b->version_name, sizeof b->version_name)) ||
                (rc = block_stats(&R, stored, sver, vers[k], o, ya, pa, b)))
                goto out;
            rep->n_stored++;
        }
    }
out:
    sqlite3_finalize(st);
    free(fresh);
    free(stored);
    free(sver);
    free(vers);
    free(ya);
    free(pa);
    vrows_free(&R);
    if (rc)
        vval_report_free(rep);
    return rc;
}

static int store_block(snac_db *db, sqlite3_stmt *st, enum surr_toolchain tc, const vval_block *b, const char *now)
{
    for (int t = 0; t < SURR_T_COUNT; t++) {
        if (b->t[t].n == 0 || b->version_id <= 0)
            continue;
        char *js = NULL;
        int rc = vstats_json(&b->t[t], &js);
        if (rc)
            return rc;
        sqlite3_reset(st);
        int ok = sqlite3_bind_int64(st, 1, b->version_id) == SQLITE_OK &&
                 sqlite3_bind_text(st, 2, surr_toolchain_names[tc], -1, SQLITE_STATIC) == SQLITE_OK &&
                 sqlite3_bind_text(st, 3, surr_target_names[t], -1, SQLITE_STATIC) == SQLITE_OK &&
                 sqlite3_bind_text(st, 4, vval_kind_names[b->kind], -1, SQLITE_STATIC) == SQLITE_OK &&
                 sqlite3_bind_int64(st, 5, (sqlite3_int64)b->t[t].n) == SQLITE_OK &&
                 sqlite3_bind_text(st, 6, js, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
                 sqlite3_bind_text(st, 7, now, -1, SQLITE_STATIC) == SQLITE_OK;
        free(js);
        if (!ok || sqlite3_step(st) != SQLITE_DONE)
            return db_error(db, "insert validation_stats");
    }
    return SNAC_OK;
}

int vval_store(snac_db *db, const vval_report *rep)
{
    char now[32];
    db_now(now);
    int rc = db_begin(db);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db_handle(db),
                           "INSERT INTO validation_stats(version_id, toolchain, target, prediction_kind, n, stats,"
                           " created_at) VALUES(?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(db, "prepare validation_stats");
        goto fail;
    }
    if ((rc = store_block(db, st, rep->tc, &rep->fresh, now)))
        goto fail;
    for (size_t k = 0; k < rep->n_stored; k++)
        if ((rc = store_block(db, st, rep->tc, &rep->stored[k], now)))
            goto fail;
    sqlite3_finalize(st);
    return db_commit(db);
fail:
    sqlite3_finalize(st);
    db_rollback(db);
    return rc;
}

void vval_report_free(vval_report *rep)
{
    if (!rep)
        return;
    free(rep->stored);
    rep->stored = NULL;
    rep->n_stored = 0;
    free(rep->skip);
    rep->skip = NULL;
}
