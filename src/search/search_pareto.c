/* search_pareto — front extraction and export of a stored search run; see search_pareto.h.
 *
 * Memory: one array of rows (grown by doubling) and their strings, freed on return.
 * Workload: a query over the run's trials, O(T^2) dominance checks, a query per printed row.
 */
#define _POSIX_C_SOURCE 200809L
#include "search/search_pareto.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "search/dominance.h"
#include "search/hypervolume.h"
#include "search/search_config.h"
#include "search/search_run.h"
#include "search/search_eval.h"
#include "search/search_synth.h"
#include "surrogate/surr_store.h"
#include "surrogate/surr_model.h"
#include "util/err.h"

const char *const search_pareto_format_names[SEARCH_PARETO_FORMAT_COUNT] = {"text", "csv", "json"};

typedef struct prow {
    int64_t id, generation, idx, model_id;
    double accuracy, val_loss, bops_mac, bops_bit, viol, train_seconds;
    double f[SEARCH_MAX_OBJ];
    char *genome, *arch;
    char sha[65];
    bool front;
    double pred[SURR_T_COUNT + 2]; /* targets, avg_resource_pct, latency_ns (NAN when missing) */
} prow;

static char *dup_text(sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    return strdup(s ? s : "");
}

static double col_real(sqlite3_stmt *st, int col)
{
    return sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
}

static void free_rows(prow *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].genome);
        free(r[i].arch);
    }
    free(r);
}

/* Trained trials of the run at full fidelity (epochs_done NULL: from before multi-fidelity). */
static int load_rows(snac_db *db, int64_t run_id, size_t n_obj, size_t full_epochs, prow **out, size_t *n_out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT id, generation, idx, genome, arch, accuracy, val_loss, bops_mac, bops_bit, "
                           "objectives, violation, train_seconds, model_id FROM trials "
                           "WHERE run_id = ?1 AND status = 'done' AND (epochs_done IS NULL OR epochs_done >= ?2) "
                           "ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare trial query");
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)full_epochs);
    prow *rows = NULL;
    size_t n = 0, cap = 0;
    int rc = SNAC_OK, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            prow *nr = realloc(rows, nc * sizeof *nr);
            if (!nr) {
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                break;
            }
            rows = nr;
            cap = nc;
        }
        prow *r = &rows[n];
        memset(r, 0, sizeof *r);
        r->id = sqlite3_column_int64(st, 0);
        r->generation = sqlite3_column_int64(st, 1);
        r->idx = sqlite3_column_int64(st, 2);
        r->genome = dup_text(st, 3);
        r->arch = dup_text(st, 4);
        n++;
        r->accuracy = col_real(st, 5);
        r->val_loss = col_real(st, 6);
        r->bops_mac = col_real(st, 7);
        r->bops_bit = col_real(st, 8);
        const char *obj = (const char *)sqlite3_column_text(st, 9);
        r->viol = col_real(st, 10);
        r->train_seconds = col_real(st, 11);
        r->model_id = sqlite3_column_int64(st, 12);
        if (!r->genome || !r->arch) {
            rc = snac_err_set(SNAC_ENOMEM, "out of memory");
            break;
        }
        const char *sha = obj ? strstr(obj, "\"spec_sha256\":\"") : NULL;
        if (sha)
            snprintf(r->sha, sizeof r->sha, "%.64s", sha + 15);
        if (search_objectives_f(obj, r->f, n_obj)) {
            rc = snac_err_set(SNAC_EFORMAT, "trial %lld: objectives are unreadable", (long long)r->id);
            break;
        }
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(db, "read trials");
    sqlite3_finalize(st);
    if (rc) {
        free_rows(rows, n);
        return rc;
    }
    *out = rows;
    *n_out = n;
    return SNAC_OK;
}

static void mark_front(prow *r, size_t n, size_t m)
{
    bool any_feasible = false;
    double least = INFINITY;
    for (size_t i = 0; i < n; i++) {
        any_feasible |= r[i].viol <= 0;
        least = fmin(least, r[i].viol);
    }
    for (size_t i = 0; i < n; i++) {
        bool ok = any_feasible ? r[i].viol <= 0 : r[i].viol <= least;
        for (size_t j = 0; ok && j < n; j++) {
            bool cand = any_feasible ? r[j].viol <= 0 : r[j].viol <= least;
            if (j != i && cand && nsga2_pareto_dominates(r[j].f, r[i].f, m))
                ok = false;
            /* the same architecture evaluated again (cache eviction) is listed once */
            if (ok && j < i && r[j].front && strcmp(r[j].arch, r[i].arch) == 0 &&
                memcmp(r[j].f, r[i].f, m * sizeof(double)) == 0)
                ok = false;
        }
        r[i].front = ok;
    }
}

static int load_predictions(snac_db *db, int64_t version_id, prow *r)
{
    for (int t = 0; t < SURR_T_COUNT + 2; t++)
        r->pred[t] = NAN;
    if (!r->sha[0])
        return SNAC_OK;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT target, value FROM predictions WHERE spec_sha256 = ?1 AND version_id = ?2 ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare prediction query");
    sqlite3_bind_text(st, 1, r->sha, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, version_id);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        double v = sqlite3_column_double(st, 1);
        for (int t = 0; t < SURR_T_COUNT; t++)
            if (name && strcmp(name, surr_target_names[t]) == 0)
                r->pred[t] = v;
        if (name && strcmp(name, "avg_resource_pct") == 0)
            r->pred[SURR_T_COUNT] = v;
        if (name && strcmp(name, "latency_ns") == 0)
            r->pred[SURR_T_COUNT + 1] = v;
    }
    int rc = s == SQLITE_DONE ? SNAC_OK : db_error(db, "read predictions");
    sqlite3_finalize(st);
    return rc;
}

/* NAN prints as an empty CSV cell / JSON null. */
static void put_num(FILE *out, enum search_pareto_format fmt, double v)
{
    if (isfinite(v))
        fprintf(out, "%.10g", v);
    else if (fmt == SEARCH_PARETO_JSON)
        fputs("null", out);
}

static double objective_value(enum search_metric m, double f) { return m == SEARCH_M_ACCURACY ? 1.0 - f : f; }

/* Trained trials of a multi-fidelity run that stopped at a lower rung. */
static int count_partial(snac_db *db, int64_t run_id, size_t full_epochs, size_t *n)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT count(*) FROM trials WHERE run_id = ?1 AND status = 'done' AND epochs_done < ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare trial count");
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)full_epochs);
    int rc = sqlite3_step(st) == SQLITE_ROW ? SNAC_OK : db_error(db, "count partial trials");
    *n = rc ? 0 : (size_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc;
}

/* The search config stored with run_id and the surrogate version its predictions used. */
static int read_search_run(snac_db *db, int64_t run_id, search_config *sc, int64_t *version_id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT kind, config_yaml, result FROM runs WHERE id = ?1", -1, &st, NULL) !=
        SQLITE_OK)
        return db_error(db, "prepare run query");
    sqlite3_bind_int64(st, 1, run_id);
    int rc = SNAC_OK;
    *version_id = 0;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = snac_err_set(SNAC_ENOTFOUND, "no run %lld in %s", (long long)run_id, db_path(db));
    } else if (strcmp((const char *)sqlite3_column_text(st, 0), "search") != 0) {
        rc = snac_err_set(SNAC_EINVAL, "run %lld is a '%s' run, not a search", (long long)run_id,
                          (const char *)sqlite3_column_text(st, 0));
    } else {
        const char *text = (const char *)sqlite3_column_text(st, 1);
        rc = search_config_parse(text, strlen(text), "stored config", sc);
        const char *res = (const char *)sqlite3_column_text(st, 2);
        const char *p = res ? strstr(res, "\"surrogate_version\":") : NULL;
        *version_id = p ? strtoll(p + 20, NULL, 10) : 0;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Every trial with a stored model re-scored by version `ref`: objectives, violation, predictions. */
static int rescore_rows(snac_db *db, const search_config *sc, const char *ref, prow *rows, size_t n, int64_t *version_id)
{
    surr_version v = {0};
    const surr_part *part = NULL;
    int rc = surr_version_load_ref(db, ref, &v);
    if (!rc)
        rc = surr_part_find(sc->deploy.part, &part);
    for (size_t i = 0; !rc && i < n; i++) {
        prow *r = &rows[i];
        for (int t = 0; t < SURR_T_COUNT + 2; t++)
            r->pred[t] = NAN;
        if (!r->model_id || !isfinite(r->accuracy))
            continue;
        surr_prediction p;
        if ((rc = search_synth_predict_model(db, r->model_id, &sc->deploy, &v, part, &p, r->sha)))
            break;
        search_objectives(sc, r->accuracy, &p, r->f, &r->viol);
        memcpy(r->pred, p.y, sizeof p.y);
        r->pred[SURR_T_COUNT] = p.avg_resource_pct;
        r->pred[SURR_T_COUNT + 1] = p.latency_ns;
    }
    if (!rc)
        *version_id = v.id;
    surr_version_clear(&v);
    return rc;
}

int search_pareto_front_trials(snac_db *db, int64_t run_id, int64_t **ids, double **acc, size_t *n_out)
{
    *ids = NULL;
    *acc = NULL;
    *n_out = 0;
    search_config sc;
    int64_t version_id;
    int rc = read_search_run(db, run_id, &sc, &version_id);
    prow *rows = NULL;
    size_t n = 0, k = 0;
    if (rc || (rc = load_rows(db, run_id, sc.n_obj, sc.epochs, &rows, &n)))
        return rc;
    mark_front(rows, n, sc.n_obj);
    *ids = malloc((n ? n : 1) * sizeof **ids);
    *acc = malloc((n ? n : 1) * sizeof **acc);
    if (!*ids || !*acc) {
        free(*ids);
        free(*acc);
        *ids = NULL;
        *acc = NULL;
        free_rows(rows, n);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        if (rows[i].front) {
            (*ids)[k] = rows[i].id;
            (*acc)[k++] = rows[i].accuracy;
        }
    *n_out = k;
    free_rows(rows, n);
    return SNAC_OK;
}

/* "hypervolume H of the N front members w.r.t. accuracy A, ..." (hypervolume.h, minimised objectives) */
static int print_hv(const prow *rows, size_t n, const search_config *sc, const search_pareto_opts *o, FILE *out)
{
    size_t m = sc->n_obj, k = 0;
    if (o->n_hv_ref != m || (m != 2 && m != 3))
        return snac_err_set(SNAC_EINVAL, "pareto: --hv-ref needs one value per objective (%zu) and 2 or 3 of them",
                            m);
    double ref[SEARCH_MAX_OBJ], hv = 0.0;
    for (size_t j = 0; j < m; j++)
        ref[j] = search_metric_minimised(sc->obj[j], o->hv_ref[j]);
    double *pts = malloc((n ? n : 1) * m * sizeof *pts);
    nsga2_hv_work *w = NULL;
    int rc = pts ? nsga2_hv_work_alloc(n ? n : 1, &w) : snac_err_set(SNAC_ENOMEM, "out of memory");
    for (size_t i = 0; !rc && i < n; i++)
        if (rows[i].front && rows[i].viol <= 0)
            memcpy(pts + (k++) * m, rows[i].f, m * sizeof *pts);
    if (!rc && !(rc = nsga2_hv(pts, k, m, ref, &hv, w))) {
        fprintf(out, "hypervolume %.9g of the %zu feasible front members w.r.t.", hv, k);
        for (size_t j = 0; j < m; j++)
            fprintf(out, " %s %g", search_metric_names[sc->obj[j]], o->hv_ref[j]);
        fputc('\n', out);
    }
    nsga2_hv_work_free(w);
    free(pts);
    return rc;
}

int search_pareto_write(snac_db *db, const search_pareto_opts *o, FILE *out, size_t *n_front)
{
    const char *ref = o->surrogate;
    search_config sc;
    int64_t version_id = 0;
    int rc = read_search_run(db, o->run_id, &sc, &version_id);
    if (rc)
        return rc;

    prow *rows = NULL;
    size_t n = 0, m = sc.n_obj, nf = 0;
    if ((rc = load_rows(db, o->run_id, m, sc.epochs, &rows, &n)))
        return rc;
    size_t n_partial = 0;
    if ((rc = count_partial(db, o->run_id, sc.epochs, &n_partial))) {
        free_rows(rows, n);
        return rc;
    }
    bool rescored = false;
    if (ref && (rc = rescore_rows(db, &sc, ref, rows, n, &version_id))) {
        free_rows(rows, n);
        return rc;
    }
    rescored = ref != NULL;
    mark_front(rows, n, m);
    /* front first, then by the first objective (ascending minimised value) */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            prow *a = &rows[j - 1], *b = &rows[j];
            bool swap = (b->front && !a->front) || (b->front == a->front && b->f[0] < a->f[0]);
            if (!swap)
                break;
            prow t = *a;
            *a = *b;
            *b = t;
        }
    for (size_t i = 0; i < n; i++)
        nf += rows[i].front;

    const enum search_pareto_format fmt = o->format;
    if (fmt == SEARCH_PARETO_TEXT) {
        if (n_partial)
            fprintf(out, "run %lld: %zu trials on the front of %zu trained to full fidelity (%zu partial-fidelity "
                         "trials, fewer than %zu epochs, left out); objectives:",
                    (long long)o->run_id, nf, n, n_partial, sc.epochs);
        else
            fprintf(out, "run %lld: %zu trials on the front of %zu trained; objectives:", (long long)o->run_id, nf, n);
        for (size_t k = 0; k < m; k++)
            fprintf(out, " %s (%s)", search_metric_names[sc.obj[k]], sc.obj[k] == SEARCH_M_ACCURACY ? "max" : "min");
        fprintf(out, "\n%7s %4s %4s %8s %9s %9s %9s %6s %7s %9s  %s\n", "trial", "gen", "idx", "accuracy", "bops",
                "lut", "ff", "dsp", "latency", "avg_res%", "architecture");
    } else if (fmt == SEARCH_PARETO_CSV) {
        fprintf(out, "trial_id,generation,idx,front,accuracy,val_loss,bops_mac,bops_bitaware");
        for (size_t k = 0; k < m; k++)
            fprintf(out, ",obj_%s", search_metric_names[sc.obj[k]]);
        fprintf(out, ",violation");
        for (int t = 0; t < SURR_T_COUNT; t++)
            fprintf(out, ",pred_%s", surr_target_names[t]);
        fprintf(out, ",pred_avg_resource_pct,pred_latency_ns,train_seconds,model_id,genome,arch\n");
    } else {
        fprintf(out, "{\"run_id\":%lld,\"surrogate_version\":%lld,\"objectives\":[", (long long)o->run_id,
                (long long)version_id);
        for (size_t k = 0; k < m; k++)
            fprintf(out, "%s\"%s\"", k ? "," : "", search_metric_names[sc.obj[k]]);
        fprintf(out, "],\"trials\":[");
    }
    size_t printed = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        prow *r = &rows[i];
        if (!r->front && !o->all)
            continue;
        if (!rescored && (rc = load_predictions(db, version_id, r)))
            break;
        if (fmt == SEARCH_PARETO_TEXT) {
            /* "120-60-32 relu bn": readable form of the stored arch JSON */
            char summary[256] = "";
            const char *h = strstr(r->arch, "\"hidden\":[");
            size_t u = 0;
            for (h = h ? h + 10 : ""; *h && *h != ']' && u + 2 < sizeof summary; h++)
                summary[u++] = *h == ',' ? '-' : *h;
            summary[u] = '\0';
            const char *act = strstr(r->arch, "\"activation\":\"");
            char actname[16] = "";
            if (act)
                sscanf(act + 14, "%15[a-z]", actname);
            fprintf(out, "%7lld %4lld %4lld %8.4f %9.0f %9.0f %9.0f %6.0f %7.0f %9.4f  %s %s%s%s\n", (long long)r->id,
                    (long long)r->generation, (long long)r->idx, r->accuracy, r->bops_mac, r->pred[SURR_T_LUT],
                    r->pred[SURR_T_FF], r->pred[SURR_T_DSP], r->pred[SURR_T_LATENCY_CYCLES], r->pred[SURR_T_COUNT],
                    summary, actname, strstr(r->arch, "\"batch_norm\":true") ? " bn" : "",
                    r->front || !o->all ? "" : "  (dominated)");
        } else if (fmt == SEARCH_PARETO_CSV) {
            fprintf(out, "%lld,%lld,%lld,%d,", (long long)r->id, (long long)r->generation, (long long)r->idx, r->front);
            double base[4] = {r->accuracy, r->val_loss, r->bops_mac, r->bops_bit};
            for (int k = 0; k < 4; k++) {
                put_num(out, fmt, base[k]);
                fputc(',', out);
            }
            for (size_t k = 0; k < m; k++) {
                put_num(out, fmt, objective_value(sc.obj[k], r->f[k]));
                fputc(',', out);
            }
            put_num(out, fmt, r->viol);
            for (int t = 0; t < SURR_T_COUNT + 2; t++) {
                fputc(',', out);
                put_num(out, fmt, r->pred[t]);
            }
            fputc(',', out);
            put_num(out, fmt, r->train_seconds);
            fprintf(out, ",%lld,\"%s\",\"", (long long)r->model_id, r->genome);
            for (const char *p = r->arch; *p; p++) /* CSV quoting: double the quotes */
                fputs(*p == '"' ? "\"\"" : (char[2]){*p, 0}, out);
            fputs("\"\n", out);
        } else {
            fprintf(out, "%s{\"trial_id\":%lld,\"generation\":%lld,\"idx\":%lld,\"front\":%s,\"accuracy\":", printed ? "," : "",
                    (long long)r->id, (long long)r->generation, (long long)r->idx, r->front ? "true" : "false");
            put_num(out, fmt, r->accuracy);
            fputs(",\"val_loss\":", out);
            put_num(out, fmt, r->val_loss);
            fputs(",\"bops_mac\":", out);
            put_num(out, fmt, r->bops_mac);
            fputs(",\"bops_bitaware\":", out);
            put_num(out, fmt, r->bops_bit);
            fputs(",\"objectives\":{", out);
            for (size_t k = 0; k < m; k++) {
                fprintf(out, "%s\"%s\":", k ? "," : "", search_metric_names[sc.obj[k]]);
                put_num(out, fmt, objective_value(sc.obj[k], r->f[k]));
            }
            fputs("},\"violation\":", out);
            put_num(out, fmt, r->viol);
            fputs(",\"predictions\":{", out);
            for (int t = 0; t < SURR_T_COUNT + 2; t++) {
                fprintf(out, "%s\"%s\":", t ? "," : "",
                        t < SURR_T_COUNT ? surr_target_names[t] : t == SURR_T_COUNT ? "avg_resource_pct" : "latency_ns");
                put_num(out, fmt, r->pred[t]);
            }
            fputs("},\"train_seconds\":", out);
            put_num(out, fmt, r->train_seconds);
            fprintf(out, ",\"model_id\":%lld,\"genome\":\"%s\",\"arch\":%s}", (long long)r->model_id, r->genome, r->arch);
        }
        printed++;
    }
    if (!rc && fmt == SEARCH_PARETO_JSON)
        fputs("]}\n", out);
    if (!rc && fmt == SEARCH_PARETO_TEXT && o->n_hv_ref)
        rc = print_hv(rows, n, &sc, o, out);
    free_rows(rows, n);
    if (!rc && n_front)
        *n_front = nf;
    return rc;
}
