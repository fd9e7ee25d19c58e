/* pipeline_ablate — objective sets x seeds through the pipeline, compared after synthesis;
 * see pipeline_ablate.h.
 *
 * Memory: member config texts are made and freed one at a time; the comparison reads its
 * rows into arrays freed before return. Workload: the members' pipelines.
 */
#define _POSIX_C_SOURCE 200809L
#include "pipeline/pipeline_ablate.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <sqlite3.h>

#include "config/config.h"
#include "config/yaml_edit.h"
#include "export/export_synth.h"
#include "pipeline/pipeline_config.h"
#include "pipeline/pipeline_run.h"
#include "reports/rep_report.h"
#include "search/hypervolume.h"
#include "search/search_config.h"
#include "surrogate/surr_spec.h"
#include "surrogate/surr_store.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/interrupt.h"
#include "util/progress.h"
#include "validation/refit.h"

#define MAX_MODELS 4096
#define N_BOOT 2000
#define BOOT_SEED 511

typedef struct ablate {
    const ablate_opts *o;
    char *text;
    char name[600];
    snac_config cfg;
    search_config sc;
    ablate_config ac;
    snac_db *db;
    char db_path[512];
    int64_t run_id;
    char refit_version[128]; /* name of the version the refit sets use */
    char refit_tc[32];       /* its toolchain */
} ablate;

static void say(ablate *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(ablate *a, const char *fmt, ...)
{
    if (!a->o->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(a->o->log, fmt, ap);
    va_end(ap);
    fflush(a->o->log);
}

static int prep(snac_db *db, const char *sql, sqlite3_stmt **st)
{
    return sqlite3_prepare_v2(db_handle(db), sql, -1, st, NULL) == SQLITE_OK ? SNAC_OK : db_error(db, "prepare");
}


/* ---------------------------------------------------------------- statistics */

void ablate_bootstrap_mean(const double *d, size_t n, size_t n_boot, uint64_t seed, double level, double *mean,
                           double *lo, double *hi)
{
    *mean = n ? gsl_stats_mean(d, 1, n) : NAN;
    *lo = *hi = NAN;
    if (n < 2 || !n_boot)
        return;
    double *m = malloc(n_boot * sizeof *m);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (m && r) {
        gsl_rng_set(r, (unsigned long)seed);
        for (size_t b = 0; b < n_boot; b++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += d[gsl_rng_uniform_int(r, (unsigned long)n)];
            m[b] = s / (double)n;
        }
        gsl_sort(m, 1, n_boot);
        *lo = gsl_stats_quantile_from_sorted_data(m, 1, n_boot, (1 - level) / 2);
        *hi = gsl_stats_quantile_from_sorted_data(m, 1, n_boot, (1 + level) / 2);
    }
    gsl_rng_free(r);
    free(m);
}

/* ---------------------------------------------------------------- the run row */

static int open_run(ablate *a)
{
    sqlite3_stmt *st;
    int rc = prep(a->db, "SELECT id FROM runs WHERE kind = 'ablate' AND config_yaml = ?1 ORDER BY id DESC LIMIT 1", &st);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, a->text, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        a->run_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (a->run_id)
        return db_run_claim(a->db, a->run_id);
    db_run r = {"ablate", a->cfg.output.run_name[0] ? a->cfg.output.run_name : NULL, a->text, a->o->config_path,
                a->sc.seed, 0};
    if ((rc = db_begin(a->db)))
        return rc;
    if (!(rc = db_run_insert(a->db, &r, &a->run_id)) &&
        !(rc = prep(a->db, "INSERT INTO pipeline_stages(run_id, seq, stage, status) VALUES(?1, 0, 'refit', 'pending')",
                    &st))) {
        sqlite3_bind_int64(st, 1, a->run_id);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(a->db, "insert ablate stage");
        sqlite3_finalize(st);
    }
    if (rc || (rc = db_commit(a->db)))
        db_rollback(a->db);
    return rc;
}

/* ---------------------------------------------------------------- members */

static int member(ablate *a, const pipe_set *s, size_t k, int64_t *member_id, bool *failed)
{
    char seed[32], obj[256] = "[", name[64];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)(a->sc.seed + k));
    for (size_t i = 0; i < s->n_obj; i++)
        snprintf(obj + strlen(obj), sizeof obj - strlen(obj), "%s%s", i ? ", " : "", search_metric_names[s->obj[i]]);
    strcat(obj, "]");
    snprintf(name, sizeof name, "%s/seed%zu", s->name, k);
    char ver[160];
    snprintf(ver, sizeof ver, "\"%s\"", a->refit_version);
    cfg_set set[8] = {{"search.seed", seed},      {"search.objectives", obj}, {"output.run_name", name},
                      {"pipeline.refit", "false"}, {"pipeline.feedback", "false"}};
    size_t n = 5;
    if (s->refit) {
        set[n++] = (cfg_set){"deploy.toolchain", a->refit_tc};
        set[n++] = (cfg_set){"deploy.surrogate", ver};
    }
    char *text;
    int rc = cfg_text_set(a->text, strlen(a->text), a->name, set, n, &text);
    if (rc)
        return rc;
    pipe_opts po = PIPE_OPTS_INIT;
    po.config_text = text;
    po.config_path = a->o->config_path;
    po.db_path = a->db_path;
    po.parent_id = a->run_id;
    po.name = name;
    po.jobs = a->o->jobs;
    po.workers = a->o->workers;
    po.stages = ((1u << PIPE_STAGE_COUNT) - 1) & ~((1u << PIPE_VALIDATE) | (1u << PIPE_REFIT) |
                                                    (1u << PIPE_FEEDBACK) | (1u << PIPE_SUMMARY));
    pipe_summary sum = {0};
    progress_milestone("ablate run %lld: %s", (long long)a->run_id, name);
    rc = pipe_run(&po, &sum);
    free(text);
    *member_id = sum.run_id;
    *failed = rc || sum.failed_stages;
    if (rc == SNAC_EINTR || rc == SNAC_EBUSY)
        return rc;
    if (rc)
        say(a, "  %-18s run %lld failed: %s\n", name, (long long)sum.run_id, snac_err_msg());
    else
        say(a, "  %-18s run %lld: %s in %.1f s (%zu stage(s) failed, %zu model(s) not synthesized)\n", name,
            (long long)sum.run_id, sum.already_done ? "found done" : "done", sum.seconds, sum.failed_stages,
            sum.failed_models);
    return SNAC_OK;
}

/* The refit the refit sets use: once per ablation, on every Yosys result in the store. */
static int ablation_refit(ablate *a)
{
    sqlite3_stmt *st;
    int rc = prep(a->db, "SELECT status, detail FROM pipeline_stages WHERE run_id = ?1 AND stage = 'refit'", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, a->run_id);
    bool done = false;
    if (sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "done") == 0) {
        const char *d = (const char *)sqlite3_column_text(st, 1);
        const char *v = d ? strstr(d, "\"name\":\"") : NULL, *t = d ? strstr(d, "\"toolchain\":\"") : NULL;
        if (v && t) {
            snprintf(a->refit_version, sizeof a->refit_version, "%.*s", (int)strcspn(v + 8, "\""), v + 8);
            snprintf(a->refit_tc, sizeof a->refit_tc, "%.*s", (int)strcspn(t + 13, "\""), t + 13);
            done = true;
        }
    }
    sqlite3_finalize(st);
    if (done)
        return SNAC_OK;
    char yv[32], tcname[64], note[256];
    enum surr_toolchain tc;
    if ((rc = export_synth_yosys_version(yv, sizeof yv)))
        return rc;
    snprintf(tcname, sizeof tcname, "yosys-%s", yv);
    if ((rc = surr_toolchain_resolve(tcname, &tc, note, sizeof note)))
        return rc;
    pipe_refit f;
    if ((rc = pipe_refit_fit(a->db, tc, 5, &f)))
        return snac_err_prefix(rc, "ablate: the refit sets' surrogate: ");
    if (!(rc = db_begin(a->db))) {
        char detail[1024], now[32];
        db_now(now);
        if (!(rc = refit_store(a->db, &f.v, f.rep.gate_ok))) {
            snprintf(detail, sizeof detail,
                     "{\"toolchain\":\"%s\",\"version\":%lld,\"name\":\"%s\",\"results\":%zu,\"architectures\":%zu,"
                     "\"activated\":%s,\"score_new\":%.6g,\"score_parent\":%.6g}",
                     surr_toolchain_names[tc], (long long)f.v.id, f.v.name, f.n_results, f.n_groups,
                     f.rep.gate_ok ? "true" : "false", f.rep.cand.score, f.rep.parent.score);
            if (!(rc = prep(a->db, "UPDATE pipeline_stages SET status = 'done', detail = ?2, finished_at = ?3 "
                                   "WHERE run_id = ?1 AND stage = 'refit'", &st))) {
                sqlite3_bind_int64(st, 1, a->run_id);
                sqlite3_bind_text(st, 2, detail, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
                rc = sqlite3_step(st) == SQLITE_DONE ? SNAC_OK : db_error(a->db, "update ablate stage");
                sqlite3_finalize(st);
            }
        }
        if (rc || (rc = db_commit(a->db)))
            db_rollback(a->db);
    }
    if (!rc) {
        snprintf(a->refit_version, sizeof a->refit_version, "%s", f.v.name);
        snprintf(a->refit_tc, sizeof a->refit_tc, "%s", surr_toolchain_names[tc]);
        say(a, "  refit %s on %zu results of %zu architectures: version %lld %s (held-out score %.2f%% vs %.2f%%, "
               "%s)\n",
            surr_toolchain_names[tc], f.n_results, f.n_groups, (long long)f.v.id, f.v.name, f.rep.cand.score,
            f.rep.parent.score, f.rep.gate_ok ? "activated" : "not activated; the refit sets use it all the same");
    }
    pipe_refit_clear(&f);
    return rc;
}

/* ---------------------------------------------------------------- the comparison */

typedef struct mrow {
    int set;
    size_t seed;
    int64_t member, model, synth;
    double val_acc, test_acc, sparsity, bits, lut, ff, dsp, bram, lat, p_lut, p_ff, p_lat;
} mrow;

/* Every built model of every member, with its Yosys numbers (NaN when not synthesized). */
static int collect(ablate *a, mrow **out, size_t *n_out)
{
    sqlite3_stmt *mem, *det, *mod;
    int rc = prep(a->db, "SELECT id, name FROM runs WHERE parent_id = ?1 AND kind = 'pipeline' ORDER BY id", &mem);
    if (rc)
        return rc;
    if ((rc = prep(a->db, "SELECT detail FROM pipeline_stages WHERE run_id = ?1 AND stage = 'build' AND "
                          "status = 'done'", &det))) {
        sqlite3_finalize(mem);
        return rc;
    }
    if ((rc = prep(a->db, "SELECT li.val_acc, li.test_acc, li.sparsity, li.bits, li.predictions, s.id, s.lut, s.ff, "
                          "s.dsp, s.bram18, s.latency_best FROM local_iterations li LEFT JOIN synthesis_results s ON "
                          "s.model_id = li.model_id AND s.toolchain = 'yosys' AND s.source_kind != 'yosys-failed' "
                          "WHERE li.model_id = ?1 ORDER BY s.id DESC LIMIT 1", &mod))) {
        sqlite3_finalize(mem);
        sqlite3_finalize(det);
        return rc;
    }
    sqlite3_bind_int64(mem, 1, a->run_id);
    mrow *r = NULL;
    size_t n = 0, cap = 0;
    while (!rc && sqlite3_step(mem) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(mem, 0);
        const char *name = (const char *)sqlite3_column_text(mem, 1);
        int set = -1;
        size_t seed = 0;
        for (size_t s = 0; name && s < a->ac.n_sets; s++) {
            size_t l = strlen(a->ac.set[s].name);
            if (strncmp(name, a->ac.set[s].name, l) == 0 && strncmp(name + l, "/seed", 5) == 0) {
                set = (int)s;
                seed = (size_t)strtoull(name + l + 5, NULL, 10);
            }
        }
        if (set < 0 || seed >= a->ac.seeds)
            continue;
        sqlite3_reset(det);
        sqlite3_bind_int64(det, 1, id);
        if (sqlite3_step(det) != SQLITE_ROW)
            continue;
        int64_t ids[MAX_MODELS];
        size_t k = pipe_json_ids((const char *)sqlite3_column_text(det, 0), "models", ids, MAX_MODELS);
        for (size_t i = 0; i < k; i++) {
            sqlite3_reset(mod);
            sqlite3_bind_int64(mod, 1, ids[i]);
            if (sqlite3_step(mod) != SQLITE_ROW)
                continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                mrow *nr = realloc(r, cap * sizeof *r);
                if (!nr) {
                    rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                    break;
                }
                r = nr;
            }
            const char *pj = (const char *)sqlite3_column_text(mod, 4);
            bool syn = sqlite3_column_type(mod, 5) != SQLITE_NULL;
            r[n++] = (mrow){set,
                            seed,
                            id,
                            ids[i],
                            syn ? sqlite3_column_int64(mod, 5) : 0,
                            sqlite3_column_double(mod, 0),
                            sqlite3_column_double(mod, 1),
                            sqlite3_column_double(mod, 2),
                            sqlite3_column_double(mod, 3),
                            syn ? sqlite3_column_double(mod, 6) : NAN,
                            syn ? sqlite3_column_double(mod, 7) : NAN,
                            syn ? sqlite3_column_double(mod, 8) : NAN,
                            syn ? sqlite3_column_double(mod, 9) : NAN,
                            syn ? sqlite3_column_double(mod, 10) : NAN,
                            pipe_json_num(pj, "lut"),
                            pipe_json_num(pj, "ff"),
                            pipe_json_num(pj, "latency_cycles")};
        }
    }
    sqlite3_finalize(mem);
    sqlite3_finalize(det);
    sqlite3_finalize(mod);
    if (rc) {
        free(r);
        return rc;
    }
    *out = r;
    *n_out = n;
    return SNAC_OK;
}

static double mape(const mrow *r, size_t n, int set, size_t seed, bool lat)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double y = lat ? r[i].lat : r[i].lut, p = lat ? r[i].p_lat : r[i].p_lut;
        if (r[i].set != set || r[i].seed != seed || !isfinite(y) || !isfinite(p) || y == 0)
            continue;
        s += fabs(p - y) / y;
        k++;
    }
    return k ? 100 * s / (double)k : NAN;
}

/* Hypervolume of the (1 - test accuracy, value / ref) points of one member, reference (1, 1). */
static double member_hv(const mrow *r, size_t n, int set, size_t seed, bool lat, double ref, nsga2_hv_work *w)
{
    double *f = malloc(2 * (n ? n : 1) * sizeof *f);
    size_t k = 0;
    for (size_t i = 0; f && i < n; i++) {
        double v = lat ? r[i].lat : r[i].lut;
        if (r[i].set != set || r[i].seed != seed || !isfinite(v))
            continue;
        f[2 * k] = 1 - r[i].test_acc;
        f[2 * k + 1] = v / ref;
        k++;
    }
    double hv = 0, ones[2] = {1, 1};
    if (!f || nsga2_hv(f, k, 2, ones, &hv, w))
        hv = NAN;
    free(f);
    return hv;
}

static int compare_store(ablate *a)
{
    mrow *r;
    size_t n;
    int rc = collect(a, &r, &n);
    if (rc)
        return rc;
    double lut_ref = 0, lat_ref = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(r[i].lut) && r[i].lut > lut_ref)
            lut_ref = r[i].lut;
        if (isfinite(r[i].lat) && r[i].lat > lat_ref)
            lat_ref = r[i].lat;
    }
    lut_ref = 1.1 * (lut_ref > 0 ? lut_ref : 1);
    lat_ref = 1.1 * (lat_ref > 0 ? lat_ref : 1);
    nsga2_hv_work *w = NULL;
    if ((rc = nsga2_hv_work_alloc(n ? n : 1, &w))) {
        free(r);
        return rc;
    }
    sqlite3_stmt *im = NULL, *is = NULL, *del = NULL;
    if ((rc = db_begin(a->db)))
        goto out;
    if ((rc = prep(a->db, "DELETE FROM ablation_models WHERE run_id = ?1", &del)))
        goto tx;
    sqlite3_bind_int64(del, 1, a->run_id);
    if (sqlite3_step(del) != SQLITE_DONE)
        rc = db_error(a->db, "clear ablation rows");
    sqlite3_finalize(del);
    if (!rc && !(rc = prep(a->db, "DELETE FROM ablation_sets WHERE run_id = ?1", &del))) {
        sqlite3_bind_int64(del, 1, a->run_id);
        if (sqlite3_step(del) != SQLITE_DONE)
            rc = db_error(a->db, "clear ablation rows");
        sqlite3_finalize(del);
    }
    if (rc || (rc = prep(a->db, "INSERT INTO ablation_models(run_id, objective_set, seed, pipeline_run_id, model_id, "
                                "synthesis_id, val_acc, test_acc, sparsity, bits, lut, ff, dsp, bram18, latency, "
                                "pred_lut, pred_ff, pred_latency) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,"
                                "?15,?16,?17,?18)", &im)))
        goto tx;
    for (size_t i = 0; !rc && i < n; i++) {
        const mrow *x = &r[i];
        sqlite3_reset(im);
        sqlite3_clear_bindings(im);
        sqlite3_bind_int64(im, 1, a->run_id);
        sqlite3_bind_text(im, 2, a->ac.set[x->set].name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(im, 3, (int64_t)x->seed);
        sqlite3_bind_int64(im, 4, x->member);
        sqlite3_bind_int64(im, 5, x->model);
        if (x->synth)
            sqlite3_bind_int64(im, 6, x->synth);
        const double v[12] = {x->val_acc, x->test_acc, x->sparsity, x->bits, x->lut, x->ff,
                              x->dsp,     x->bram,     x->lat,      x->p_lut, x->p_ff, x->p_lat};
        for (int k = 0; k < 12; k++)
            if (isfinite(v[k]))
                sqlite3_bind_double(im, 7 + k, v[k]);
        if (sqlite3_step(im) != SQLITE_DONE)
            rc = db_error(a->db, "insert ablation model");
    }
    if (rc || (rc = prep(a->db, "INSERT INTO ablation_sets(run_id, objective_set, seed, pipeline_run_id, n_models, "
                                "n_failed, best_test_acc, min_lut, min_latency, hv_lut, hv_latency, mape_lut, "
                                "mape_latency, seconds) SELECT ?1, ?2, ?3, id, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                "(julianday(finished_at) - julianday(started_at)) * 86400 FROM runs WHERE id = ?13",
                         &is)))
        goto tx;
    for (size_t s = 0; !rc && s < a->ac.n_sets; s++)
        for (size_t k = 0; !rc && k < a->ac.seeds; k++) {
            size_t models = 0, failed = 0;
            int64_t member = 0;
            double best = NAN, min_lut = NAN, min_lat = NAN;
            for (size_t i = 0; i < n; i++) {
                if (r[i].set != (int)s || r[i].seed != k)
                    continue;
                member = r[i].member;
                models++;
                if (!isfinite(r[i].lut)) {
                    failed++;
                    continue;
                }
                best = isnan(best) || r[i].test_acc > best ? r[i].test_acc : best;
                min_lut = isnan(min_lut) || r[i].lut < min_lut ? r[i].lut : min_lut;
                min_lat = isnan(min_lat) || r[i].lat < min_lat ? r[i].lat : min_lat;
            }
            if (!member)
                continue;
            sqlite3_reset(is);
            sqlite3_clear_bindings(is);
            sqlite3_bind_int64(is, 1, a->run_id);
            sqlite3_bind_text(is, 2, a->ac.set[s].name, -1, SQLITE_STATIC);
            sqlite3_bind_int64(is, 3, (int64_t)k);
            sqlite3_bind_int64(is, 4, (int64_t)models);
            sqlite3_bind_int64(is, 5, (int64_t)failed);
            const double v[7] = {best,
                                 min_lut,
                                 min_lat,
                                 member_hv(r, n, (int)s, k, false, lut_ref, w),
                                 member_hv(r, n, (int)s, k, true, lat_ref, w),
                                 mape(r, n, (int)s, k, false),
                                 mape(r, n, (int)s, k, true)};
            for (int j = 0; j < 7; j++)
                if (isfinite(v[j]))
                    sqlite3_bind_double(is, 6 + j, v[j]);
            sqlite3_bind_int64(is, 13, member);
            if (sqlite3_step(is) != SQLITE_DONE)
                rc = db_error(a->db, "insert ablation set");
        }
tx:
    sqlite3_finalize(im);
    sqlite3_finalize(is);
    if (rc || (rc = db_commit(a->db)))
        db_rollback(a->db);
out:
    nsga2_hv_work_free(w);
    free(r);
    return rc;
}

/* ---------------------------------------------------------------- the table */

typedef struct srow {
    char set[32];
    size_t seed, n_models, n_failed;
    double v[7]; /* best_test_acc, min_lut, min_latency, hv_lut, hv_latency, mape_lut, mape_latency */
} srow;

static const char *const col_names[7] = {"best_test_acc", "min_lut", "min_latency", "hv_acc_lut", "hv_acc_latency",
                                         "mape_lut", "mape_latency"};

static void mean_sd(const srow *r, size_t n, const char *set, int c, double *m, double *sd, size_t *k)
{
    double v[256];
    *k = 0;
    for (size_t i = 0; i < n && *k < 256; i++)
        if (strcmp(r[i].set, set) == 0 && isfinite(r[i].v[c]))
            v[(*k)++] = r[i].v[c];
    *m = *k ? gsl_stats_mean(v, 1, *k) : NAN;
    *sd = *k > 1 ? gsl_stats_sd(v, 1, *k) : NAN;
}

/* The paired (by seed) differences of column c between set and "nac", bootstrapped. */
static void diff_nac(const srow *r, size_t n, const char *set, int c, double *m, double *lo, double *hi)
{
    double d[256];
    size_t k = 0;
    for (size_t i = 0; i < n && k < 256; i++) {
        if (strcmp(r[i].set, set) != 0 || !isfinite(r[i].v[c]))
            continue;
        for (size_t j = 0; j < n; j++)
            if (strcmp(r[j].set, "nac") == 0 && r[j].seed == r[i].seed && isfinite(r[j].v[c]))
                d[k++] = r[i].v[c] - r[j].v[c];
    }
    ablate_bootstrap_mean(d, k, N_BOOT, BOOT_SEED, 0.95, m, lo, hi);
}

int ablate_write(snac_db *db, int64_t run_id, enum ablate_format fmt, FILE *out)
{
    sqlite3_stmt *st;
    int rc = prep(db, "SELECT objective_set, seed, n_models, n_failed, best_test_acc, min_lut, min_latency, hv_lut, "
                      "hv_latency, mape_lut, mape_latency FROM ablation_sets WHERE run_id = ?1 "
                      "ORDER BY rowid", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, run_id);
    srow r[256];
    size_t n = 0;
    while (n < 256 && sqlite3_step(st) == SQLITE_ROW) {
        srow *x = &r[n++];
        snprintf(x->set, sizeof x->set, "%s", (const char *)sqlite3_column_text(st, 0));
        x->seed = (size_t)sqlite3_column_int64(st, 1);
        x->n_models = (size_t)sqlite3_column_int64(st, 2);
        x->n_failed = (size_t)sqlite3_column_int64(st, 3);
        for (int c = 0; c < 7; c++)
            x->v[c] = sqlite3_column_type(st, 4 + c) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4 + c);
    }
    sqlite3_finalize(st);
    if (!n)
        return snac_err_set(SNAC_ENOTFOUND, "ablate run %lld has no compared sets yet", (long long)run_id);
    /* the set names in first-seen order */
    const char *sets[PIPE_MAX_SETS * 4];
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < ns && strcmp(sets[j], r[i].set) != 0)
            j++;
        if (j == ns && ns < sizeof sets / sizeof sets[0])
            sets[ns++] = r[i].set;
    }
    if (fmt == ABLATE_CSV) {
        fprintf(out, "objective_set,seed,n_models,n_failed");
        for (int c = 0; c < 7; c++)
            fprintf(out, ",%s", col_names[c]);
        fprintf(out, "\n");
        for (size_t i = 0; i < n; i++) {
            fprintf(out, "%s,%zu,%zu,%zu", r[i].set, r[i].seed, r[i].n_models, r[i].n_failed);
            for (int c = 0; c < 7; c++)
                isfinite(r[i].v[c]) ? fprintf(out, ",%.6g", r[i].v[c]) : fprintf(out, ",");
            fprintf(out, "\n");
        }
        return SNAC_OK;
    }
    if (fmt == ABLATE_JSON) {
        fprintf(out, "{\"run\":%lld,\"rows\":[", (long long)run_id);
        for (size_t i = 0; i < n; i++) {
            fprintf(out, "%s{\"objective_set\":\"%s\",\"seed\":%zu,\"n_models\":%zu,\"n_failed\":%zu", i ? "," : "",
                    r[i].set, r[i].seed, r[i].n_models, r[i].n_failed);
            for (int c = 0; c < 7; c++)
                isfinite(r[i].v[c]) ? fprintf(out, ",\"%s\":%.6g", col_names[c], r[i].v[c])
                                    : fprintf(out, ",\"%s\":null", col_names[c]);
            fprintf(out, "}");
        }
        fprintf(out, "],\"vs_nac\":[");
        for (size_t s = 0; s < ns; s++) {
            fprintf(out, "%s{\"objective_set\":\"%s\"", s ? "," : "", sets[s]);
            for (int c = 0; c < 7; c++) {
                double m, lo, hi;
                diff_nac(r, n, sets[s], c, &m, &lo, &hi);
                fprintf(out, ",\"%s\":{\"mean\":", col_names[c]);
                isfinite(m) ? fprintf(out, "%.6g", m) : fprintf(out, "null");
                fprintf(out, ",\"lo\":");
                isfinite(lo) ? fprintf(out, "%.6g", lo) : fprintf(out, "null");
                fprintf(out, ",\"hi\":");
                isfinite(hi) ? fprintf(out, "%.6g", hi) : fprintf(out, "null");
                fprintf(out, "}");
            }
            fprintf(out, "}");
        }
        fprintf(out, "]}\n");
        return SNAC_OK;
    }
    fprintf(out, "ablate run %lld: mean ± sd over seeds of the built models' synthesized (Yosys) numbers; HV: "
                 "hypervolume of (1 - test accuracy, LUT or latency) against one reference for the whole ablation "
                 "(1 = perfect)\n",
            (long long)run_id);
    fprintf(out, "%-12s %5s %6s  %-17s %-17s %-17s %-17s %-17s %-17s\n", "set", "seeds", "models", "best test acc",
            "min LUT", "min latency", "HV(acc, LUT)", "HV(acc, latency)", "MAPE LUT %");
    for (size_t s = 0; s < ns; s++) {
        size_t models = 0, seeds = 0, k;
        for (size_t i = 0; i < n; i++)
            if (strcmp(r[i].set, sets[s]) == 0)
                models += r[i].n_models, seeds++;
        fprintf(out, "%-12s %5zu %6zu ", sets[s], seeds, models);
        static const int fmt_prec[7] = {4, 0, 1, 4, 4, 1, 1};
        static const int cols[6] = {0, 1, 2, 3, 4, 5};
        for (int j = 0; j < 6; j++) {
            double m, sd;
            mean_sd(r, n, sets[s], cols[j], &m, &sd, &k);
            char cell[40];
            int w; /* "±" is two bytes and one column: pad by columns */
            if (isfinite(sd))
                w = snprintf(cell, sizeof cell, "%.*f ± %.*f", fmt_prec[cols[j]], m, fmt_prec[cols[j]], sd) - 1;
            else
                w = snprintf(cell, sizeof cell, "%.*f", fmt_prec[cols[j]], m);
            fprintf(out, " %s%*s", cell, w < 17 ? 17 - w : 0, "");
        }
        fprintf(out, "\n");
    }
    fprintf(out, "\ndifference to nac (paired by seed; mean and bootstrap 95%% interval over seeds):\n");
    fprintf(out, "%-12s  %-30s %-30s %-30s\n", "set", "best test acc", "HV(acc, LUT)", "HV(acc, latency)");
    for (size_t s = 0; s < ns; s++) {
        if (strcmp(sets[s], "nac") == 0)
            continue;
        fprintf(out, "%-12s ", sets[s]);
        static const int cols[3] = {0, 3, 4};
        for (int j = 0; j < 3; j++) {
            double m, lo, hi;
            diff_nac(r, n, sets[s], cols[j], &m, &lo, &hi);
            char cell[48];
            snprintf(cell, sizeof cell, "%+.4f [%+.4f, %+.4f]", m, lo, hi);
            fprintf(out, " %-30s", cell);
        }
        fprintf(out, "\n");
    }
    return SNAC_OK;
}

/* ---------------------------------------------------------------- the run */

int ablate_run(const ablate_opts *o, ablate_summary *out)
{
    ablate *a = calloc(1, sizeof *a);
    if (!a)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    a->o = o;
    snac_config_init(&a->cfg);
    ablate_config_init(&a->ac);
    double t0 = progress_now();
    ablate_summary sum = {0};
    size_t len;
    char *file = NULL;
    int rc = snac_read_file(o->config_path, &file, &len);
    snprintf(a->name, sizeof a->name, "%s", o->config_path);
    if (!rc && o->seeds) { /* the stored text says how many seeds the run has */
        char seeds[32];
        snprintf(seeds, sizeof seeds, "%zu", o->seeds);
        cfg_set set = {"ablate.seeds", seeds};
        rc = cfg_text_set(file, len, a->name, &set, 1, &a->text);
        free(file);
    } else {
        a->text = file;
    }
    pipe_config pc;
    pipe_config_init(&pc);
    if (!rc)
        rc = snac_config_parse(a->text, strlen(a->text), a->name, &a->cfg);
    if (!rc)
        rc = search_config_parse(a->text, strlen(a->text), a->name, &a->sc);
    if (!rc)
        rc = ablate_config_parse(a->text, strlen(a->text), a->name, &a->ac);
    if (!rc)
        rc = pipe_config_parse(a->text, strlen(a->text), a->name, &pc);
    bool need_refit = false;
    for (size_t s = 0; !rc && s < a->ac.n_sets; s++)
        need_refit |= a->ac.set[s].refit;
    char yv[32];
    if (!rc) /* every set synthesizes: no Yosys, no ablation (said before the store is touched) */
        rc = export_synth_yosys_version(yv, sizeof yv);
    if (!rc) {
        snprintf(a->db_path, sizeof a->db_path, "%s", o->db_path ? o->db_path : a->cfg.output.db);
        if (!(rc = pipe_mkdir_parent(a->db_path)) && !(rc = db_open(a->db_path, &a->db)))
            rc = open_run(a);
    }
    if (!rc)
        say(a, "ablate run %lld: %zu sets x %zu seeds in %s\n", (long long)a->run_id, a->ac.n_sets, a->ac.seeds,
            a->db_path);
    /* the sets that use the default first, then the refit on their results, then the refit sets */
    for (int pass = 0; !rc && pass < 2; pass++) {
        if (pass == 1 && need_refit && (rc = ablation_refit(a))) {
            if (rc == SNAC_EINTR)
                break;
            say(a, "  refit failed: %s; the refit sets are not run\n", snac_err_msg());
            sum.failed_members += a->ac.seeds;
            rc = SNAC_OK;
            break;
        }
        for (size_t s = 0; !rc && s < a->ac.n_sets; s++) {
            if (a->ac.set[s].refit != (pass == 1))
                continue;
            for (size_t k = 0; !rc && k < a->ac.seeds; k++) {
                int64_t id = 0;
                bool failed = false;
                rc = member(a, &a->ac.set[s], k, &id, &failed);
                sum.members++;
                sum.failed_members += failed;
            }
        }
    }
    if (!rc)
        rc = compare_store(a);
    if (!rc && o->log) {
        say(a, "\n");
        rc = ablate_write(a->db, a->run_id, ABLATE_TEXT, o->log);
    }
    char report[DS_PATH_CAP + 16];
    pipe_report_path(pc.report, a->db_path, report, sizeof report);
    if (!rc && report[0] && !(rc = rep_report_write(a->db, NULL, 0, report)))
        say(a, "\nreport: %s\n", report);
    if (a->db && a->run_id) {
        char result[96];
        snprintf(result, sizeof result, "{\"members\":%zu,\"failed_members\":%zu}", sum.members, sum.failed_members);
        if (rc == SNAC_EINTR)
            db_run_finish(a->db, a->run_id, "interrupted", result);
        else if (rc && rc != SNAC_EBUSY) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", snac_err_msg());
            db_run_finish(a->db, a->run_id, "failed", result);
            snac_err_set(rc, "%s", msg);
        } else if (!rc)
            rc = db_run_finish(a->db, a->run_id, sum.failed_members ? "failed" : "done", result);
    }
    sum.run_id = a->run_id;
    sum.seconds = progress_now() - t0;
    snprintf(sum.db_path, sizeof sum.db_path, "%s", a->db_path);
    if (out)
        *out = sum;
    snac_config_free(&a->cfg);
    free(a->text);
    db_close(a->db);
    free(a);
    return rc;
}
