/* search_run — the global-search driver; see search_run.h for the store layout and
 * the resume argument.
 *
 * Memory: one driver struct owns the config, the data, the surrogate version, the
 * NSGA-II object, the prepared statements and every population-sized buffer; all are
 * allocated before the first generation and released by driver_free.
 * Workload: per generation one ask/tell (microseconds), N trainings (the cost), N + 1
 * transactions.
 */
#define _POSIX_C_SOURCE 200809L
#include "search/search_run.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config/config.h"
#include "search/dominance.h"
#include "search/fidelity.h"
#include "search/nsga2.h"
#include "search/search_config.h"
#include "search/search_eval.h"
#include "search/search_synth.h"
#include "export/export_synth.h"
#include "search/search_workers.h"
#ifdef SNAC_WITH_MPI
#include "search/search_mpi.h"
#endif
#include "store/db.h"
#include "nn/mlp.h"
#include "surrogate/surr_part.h"
#include "surrogate/surr_store.h"
#include "util/err.h"
#include "util/interrupt.h"
#include "util/progress.h"

#define JSON_CAP 6144 /* 8 objectives x 8 rungs of history fit */
#define PICK_ARCH 96

typedef struct driver {
    snac_config cfg;
    search_config sc;
    ds_split data;
    snac_db *db;
    int64_t run_id;
    surr_version ver;
    const surr_part *part;
    nsga2 *s;
    size_t n_genes, n_obj, pop, n_workers;
    nsga2_gene genes[SEARCH_MAX_GENES];
    /* population-sized buffers, allocated once */
    double *fk;        /* (pop, n_obj) objectives of the batch's eval rows, in b.eval order */
    double *vk;        /* (pop) */
    double *jg;        /* (pop, n_genes) genomes of the jobs */
    uint64_t *jseed;   /* (pop) */
    size_t *jk;        /* (pop) job -> position in b.eval */
    unsigned char *have; /* (pop) row already stored (resume) */
    double *have_f;    /* (pop, n_obj) */
    double *have_v;    /* (pop) */
    /* multi-fidelity (search.fidelity; n_rungs 0 = off) */
    size_t n_rungs, rung;  /* rung: the one being trained */
    size_t *cand;      /* (pop) the rung's candidates: positions in b.eval */
    size_t *adv;       /* (pop) selection out */
    double *rf, *rv;   /* (pop, n_obj), (pop) objectives of the rung's candidates */
    unsigned char *rfail; /* (pop) */
    unsigned char *kfail; /* (pop) per position in b.eval: failed at its last rung */
    size_t *xlast;     /* (pop) per batch row: the last rung reached (n_rungs = none), extrapolate */
    double *xf;        /* (pop, n_obj) per batch row: the extrapolated objectives */
    double *hf, *hv;   /* (pop, n_rungs, n_obj), (pop, n_rungs) per batch row: objectives at each rung */
    unsigned char *hset; /* (pop, n_rungs) */
    size_t *jep;       /* (pop) epochs of the jobs */
    search_ckpt *ck;   /* (pop) per position in b.eval: the checkpoint of its last rung (owned) */
    search_ckpt *jck;  /* (pop) views of ck per job (not owned) */
    search_fidelity_work *fw;
    int64_t *have_ep;  /* (pop) epochs_done of stored rows */
    unsigned char *have_fail; /* (pop) */
    void *state;       /* nsga2_save buffer */
    size_t state_cap;
    sqlite3_stmt *ins_trial, *upd_trial, *ins_pred, *sel_gen, *upd_state, *sel_same;
    double hv_ref[3];  /* progress hypervolume reference, fixed once set (display only) */
    bool hv_ref_set;
    /* per generation */
    const nsga2_batch *b;
    size_t kill_after, committed, pause_ms;
    char fingerprint[DS_FINGERPRINT_CAP]; /* of the loaded data (ds_fingerprint) */
    bool completing;   /* search_complete: a finished run's partial trials to full fidelity */
    int64_t *cgen, *cidx; /* (pop) search_complete: the jobs' trial rows */
    double *cg;        /* (pop, n_genes) search_complete: a batch view for store_trained */
    search_run_summary sum;
    /* synthesis in the loop (search_synth.h); NULL without a `synthesis:` section */
    search_synth *sy;
    size_t *pick_idx;  /* (pop) */
    double *pick_score, *pick_lo, *pick_hi; /* (pop), (pop, n_obj) x 2 */
    unsigned char *pick_ok; /* (pop) */
    int64_t *pick_trial, *pick_model; /* (pop) */
    size_t *pick_order;    /* (pop) the rule's full order */
    double *pick_oscore;   /* (pop) */
    char *pick_arch;       /* (pop, PICK_ARCH) the hidden widths, "[16,8]" */
    unsigned char *pick_taken; /* (pop) */
    size_t rescored;
} driver;

/* ---------------------------------------------------------------- small helpers */

static int prep(driver *d, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(db_handle(d->db), sql, -1, st, NULL) != SQLITE_OK)
        return db_error(d->db, "prepare");
    return SNAC_OK;
}

static int step_done(driver *d, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? SNAC_OK : db_error(d->db, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static void bind_real(sqlite3_stmt *st, int i, double v)
{
    if (isfinite(v))
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* {"names":[..],"values":[..],"f":[..]<extra>} */
static void objectives_json(const driver *d, const double *f, const char *extra, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "{\"names\":[");
    for (size_t k = 0; k < d->n_obj && n < cap; k++)
        n += (size_t)snprintf(buf + n, cap - n, "%s\"%s\"", k ? "," : "", search_metric_names[d->sc.obj[k]]);
    n += n < cap ? (size_t)snprintf(buf + n, cap - n, "],\"values\":[") : 0;
    for (size_t k = 0; k < d->n_obj && n < cap; k++) {
        double v = d->sc.obj[k] == SEARCH_M_ACCURACY ? 1.0 - f[k] : f[k];
        n += (size_t)snprintf(buf + n, cap - n, "%s%.17g", k ? "," : "", v);
    }
    n += n < cap ? (size_t)snprintf(buf + n, cap - n, "],\"f\":[") : 0;
    for (size_t k = 0; k < d->n_obj && n < cap; k++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%.17g", k ? "," : "", f[k]);
    if (n < cap)
        snprintf(buf + n, cap - n, "]%s}", extra ? extra : "");
}

/* ---------------------------------------------------------------- store writes */

/* The measured columns of a trial row; NAN / 0 store NULL. */
typedef struct trial_vals {
    double accuracy, val_loss, bops_mac, bops_bit, train_seconds;
    int64_t model_id, same_as;
    int64_t epochs; /* epochs_done */
} trial_vals;

/* Insert the trial row, or (st = upd_trial) overwrite it with a later rung's numbers. */
static int write_trial(driver *d, sqlite3_stmt *st, size_t gen, size_t row, const char *status, uint64_t seed,
                       const double *f, double viol, const trial_vals *v, const char *extra)
{
    char genome[256], arch[1024], obj[JSON_CAP], now[32];
    const double *g = d->b->genomes + row * d->n_genes;
    nn_arch a;
    search_hparams hp;
    search_space_decode(&d->sc.space, g, d->data.d, d->data.n_classes, &a, &hp);
    search_genome_format(g, d->n_genes, genome, sizeof genome);
    search_arch_json(&a, &hp, arch, sizeof arch);
    objectives_json(d, f, extra, obj, sizeof obj);
    db_now(now);
    sqlite3_bind_int64(st, 1, d->run_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)gen);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)row);
    sqlite3_bind_text(st, 4, genome, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, arch, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)seed);
    sqlite3_bind_text(st, 7, status, -1, SQLITE_STATIC);
    bind_real(st, 8, v->accuracy);
    bind_real(st, 9, v->val_loss);
    bind_real(st, 10, isfinite(v->bops_mac) ? v->bops_mac : (double)nn_arch_macs(&a));
    bind_real(st, 11, v->bops_bit);
    sqlite3_bind_text(st, 12, obj, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 13, viol);
    bind_real(st, 14, v->train_seconds);
    if (v->model_id)
        sqlite3_bind_int64(st, 15, v->model_id);
    sqlite3_bind_text(st, 16, now, -1, SQLITE_TRANSIENT);
    if (v->same_as)
        sqlite3_bind_int64(st, 17, v->same_as);
    if (v->epochs)
        sqlite3_bind_int64(st, 18, v->epochs);
    return step_done(d, st, st == d->upd_trial ? "update trial" : "insert trial");
}

static int insert_predictions(driver *d, int64_t model_id, const search_trial_result *r)
{
    char now[32];
    db_now(now);
    static const char *const extra_names[2] = {"avg_resource_pct", "latency_ns"};
    for (int t = 0; t < SURR_T_COUNT + 2; t++) {
        sqlite3_stmt *st = d->ins_pred;
        sqlite3_bind_int64(st, 1, d->ver.id);
        if (model_id)
            sqlite3_bind_int64(st, 2, model_id);
        sqlite3_bind_text(st, 3, r->spec_sha256, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, t < SURR_T_COUNT ? surr_target_names[t] : extra_names[t - SURR_T_COUNT], -1,
                          SQLITE_STATIC);
        sqlite3_bind_double(st, 5, t < SURR_T_COUNT ? r->pred.y[t] : t == SURR_T_COUNT ? r->pred.avg_resource_pct
                                                                                         : r->pred.latency_ns);
        sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
        int rc = step_done(d, st, "insert prediction");
        if (rc)
            return rc;
    }
    return SNAC_OK;
}

/* The rung history of a batch row: ,"f@E":[..],"viol@E":v for each rung measured. */
static void rungs_json(const driver *d, size_t row, char *buf, size_t cap)
{
    size_t n = 0, M = d->n_obj;
    buf[0] = 0;
    for (size_t i = 0; i < d->n_rungs && n < cap; i++) {
        if (!d->hset[row * d->n_rungs + i])
            continue;
        const double *f = d->hf + (row * d->n_rungs + i) * M;
        n += (size_t)snprintf(buf + n, cap - n, ",\"f@%zu\":[", d->sc.fidelity.rungs[i]);
        for (size_t k = 0; k < M && n < cap; k++)
            n += (size_t)snprintf(buf + n, cap - n, "%s%.17g", k ? "," : "", f[k]);
        if (n < cap)
            n += (size_t)snprintf(buf + n, cap - n, "],\"viol@%zu\":%.17g", d->sc.fidelity.rungs[i],
                                  d->hv[row * d->n_rungs + i]);
    }
}

/* One trained trial: model, trial row and predictions in one transaction. A later rung
 * of multi-fidelity search overwrites the row (update) with its numbers and history. */
static int store_trained(driver *d, size_t row, uint64_t seed, const search_trial_result *r, bool update)
{
    int rc = db_begin(d->db);
    if (rc)
        return rc;
    int64_t model_id = 0;
    const double *g = d->b->genomes + row * d->n_genes;
    nn_arch a;
    search_hparams hp;
    search_space_decode(&d->sc.space, g, d->data.d, d->data.n_classes, &a, &hp);
    if (r->status == SEARCH_TRIAL_DONE && r->model) {
        char arch[1024], name[64];
        search_arch_json(&a, &hp, arch, sizeof arch);
        snprintf(name, sizeof name, "search %lld g%zu/%zu", (long long)d->run_id, d->b->generation, row);
        db_model m = {d->run_id, name, arch, (int64_t)nn_arch_params(&a), (int64_t)nn_arch_macs(&a), NAN, NAN,
                      r->model, r->model_len};
        rc = db_model_insert(d->db, &m, &model_id);
    }
    char extra[4096], hist[3072] = "";
    if (d->n_rungs)
        rungs_json(d, row, hist, sizeof hist);
    if (r->status == SEARCH_TRIAL_DONE)
        snprintf(extra, sizeof extra, ",\"surrogate_version\":%lld,\"spec_sha256\":\"%s\"%s", (long long)d->ver.id,
                 r->spec_sha256, hist);
    else {
        /* the error text may hold quotes: keep the JSON valid */
        size_t n = (size_t)snprintf(extra, sizeof extra, ",\"error\":\"");
        for (const char *p = r->error; *p && n + 8 < sizeof extra; p++)
            extra[n++] = (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) ? '\'' : *p;
        snprintf(extra + n, sizeof extra - n, "\"%s", hist);
    }
    bool ok = r->status == SEARCH_TRIAL_DONE;
    trial_vals v = {r->accuracy, r->val_loss, ok ? r->pred.bops_mac : NAN, ok ? r->pred.bops_bitaware : NAN,
                    r->train_seconds, model_id, 0, (int64_t)r->epochs};
    if (!rc)
        rc = write_trial(d, update ? d->upd_trial : d->ins_trial, d->b->generation, row, ok ? "done" : "failed",
                         seed, r->f, r->viol, &v, extra);
    if (!rc && r->status == SEARCH_TRIAL_DONE)
        rc = insert_predictions(d, model_id, r);
    if (!rc)
        rc = db_commit(d->db);
    if (rc)
        db_rollback(d->db);
    return rc;
}

static int save_state(driver *d)
{
    size_t need = nsga2_save_size(d->s), len = 0;
    if (need > d->state_cap) {
        void *nb = realloc(d->state, need);
        if (!nb)
            return snac_err_set(SNAC_ENOMEM, "out of memory");
        d->state = nb;
        d->state_cap = need;
    }
    int rc = nsga2_save(d->s, d->state, d->state_cap, &len);
    if (rc)
        return rc;
    sqlite3_bind_blob(d->upd_state, 1, d->state, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(d->upd_state, 2, d->run_id);
    return step_done(d, d->upd_state, "save search state");
}

static double column_real(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* The trained trial a cache-answered row repeats: the latest 'done'/'failed' trial of this
 * run up to this generation with the same genome identity (genome.h: active genes only) —
 * the one whose objectives the NSGA-II cache holds (a CACHED row), or the batch's NEW twin
 * (a DUP row). Candidates are narrowed by the architecture JSON (the same identity always
 * gives the same JSON) and confirmed on the genome itself. v->same_as = 0 if none. */
static int find_trained(driver *d, const double *g, size_t max_gen, trial_vals *v)
{
    nsga2_space sp = {d->n_genes, d->genes};
    char arch[1024];
    nn_arch a;
    search_hparams hp;
    search_space_decode(&d->sc.space, g, d->data.d, d->data.n_classes, &a, &hp);
    search_arch_json(&a, &hp, arch, sizeof arch);
    sqlite3_stmt *st = d->sel_same;
    sqlite3_bind_int64(st, 1, d->run_id);
    sqlite3_bind_text(st, 2, arch, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)max_gen);
    int s;
    double cand[SEARCH_MAX_GENES];
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 1);
        if (!text || search_genome_parse(text, cand, d->n_genes) || nsga2_genome_check(&sp, cand) ||
            !nsga2_genome_same(&sp, g, cand))
            continue;
        v->same_as = sqlite3_column_int64(st, 0);
        v->accuracy = column_real(st, 2);
        v->val_loss = column_real(st, 3);
        v->bops_mac = column_real(st, 4);
        v->bops_bit = column_real(st, 5);
        v->model_id = sqlite3_column_type(st, 6) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 6);
        v->epochs = sqlite3_column_type(st, 7) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 7);
        s = SQLITE_DONE;
        break;
    }
    int rc = s == SQLITE_DONE ? SNAC_OK : db_error(d->db, "find the trial a cached row repeats");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int find_repeated(driver *d, size_t row, trial_vals *v)
{
    return find_trained(d, d->b->genomes + row * d->n_genes, d->b->generation, v);
}

/* ---------------------------------------------------------------- synthesis in the loop */

static int set_result(driver *d, const char *status, const char *json);

/* The current version's prediction, with its 95% interval, of stored model `model_id`. */
static int predict_model(driver *d, int64_t model_id, surr_prediction *p, char sha[65])
{
    return search_synth_predict_model(d->db, model_id, &d->sc.deploy, &d->ver, d->part, p, sha);
}

/* p with its targets replaced by y (a bound of the interval), the derived figures scaled alike. */
static void bound_prediction(const surr_prediction *p, const double *y, surr_prediction *out)
{
    *out = *p;
    for (int t = 0; t < SURR_T_COUNT; t++) {
        out->y[t] = isfinite(y[t]) ? y[t] : p->y[t];
        out->pct[t] = p->y[t] > 0 ? p->pct[t] * out->y[t] / p->y[t] : p->pct[t];
    }
    out->avg_resource_pct = (out->pct[SURR_T_LUT] + out->pct[SURR_T_FF] + out->pct[SURR_T_DSP] + out->pct[SURR_T_BRAM18]) / 4.0;
    if (p->y[SURR_T_LATENCY_CYCLES] > 0)
        out->latency_ns = p->latency_ns * out->y[SURR_T_LATENCY_CYCLES] / p->y[SURR_T_LATENCY_CYCLES];
}

static int sql_exists(driver *d, const char *sql, int64_t a, int64_t b, bool *yes)
{
    sqlite3_stmt *st;
    int rc = prep(d, sql, &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    int s = sqlite3_step(st);
    *yes = s == SQLITE_ROW;
    sqlite3_finalize(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? SNAC_OK : db_error(d->db, "query");
}

/* After tell, before the generation's transaction: the population's intervals and the pick. */
static int synth_pick(driver *d, size_t *n_picked)
{
    *n_picked = 0;
    nsga2_population p;
    int rc = nsga2_get_population(d->s, &p);
    if (rc)
        return rc;
    size_t M = d->n_obj;
    for (size_t i = 0; i < p.n; i++) {
        trial_vals v = {NAN, NAN, NAN, NAN, 0.0, 0, 0, 0};
        memcpy(d->pick_lo + i * M, p.f + i * M, M * sizeof(double));
        memcpy(d->pick_hi + i * M, p.f + i * M, M * sizeof(double));
        d->pick_ok[i] = 0;
        d->pick_trial[i] = d->pick_model[i] = 0;
        if ((rc = find_trained(d, p.genomes + i * d->n_genes, d->b->generation, &v)))
            return rc;
        if (!v.model_id || !isfinite(v.accuracy))
            continue;
        bool dup = false, queued, synthesized;
        for (size_t j = 0; j < i && !dup; j++)
            dup = d->pick_model[j] == v.model_id;
        d->pick_trial[i] = v.same_as;
        d->pick_model[i] = v.model_id;
        if ((rc = sql_exists(d, "SELECT 1 FROM search_synth_jobs WHERE run_id = ?1 AND model_id = ?2", d->run_id,
                             v.model_id, &queued)) ||
            (rc = sql_exists(d, "SELECT 1 FROM synthesis_results WHERE model_id = ?2 AND ?1 = ?1 AND toolchain = "
                                "'yosys' AND source_kind = 'yosys'", 0, v.model_id, &synthesized)))
            return rc;
        surr_prediction pr, pb;
        char sha[65];
        if ((rc = predict_model(d, v.model_id, &pr, sha)))
            return rc;
        double viol, flo[SEARCH_MAX_OBJ], fhi[SEARCH_MAX_OBJ];
        bound_prediction(&pr, pr.lo, &pb);
        search_objectives(&d->sc, v.accuracy, &pb, flo, &viol);
        bound_prediction(&pr, pr.hi, &pb);
        search_objectives(&d->sc, v.accuracy, &pb, fhi, &viol);
        for (size_t k = 0; k < M; k++) {
            d->pick_lo[i * M + k] = fmin(flo[k], p.f[i * M + k]);
            d->pick_hi[i * M + k] = fmax(fhi[k], p.f[i * M + k]);
        }
        d->pick_ok[i] = !dup && !queued && !synthesized;
    }
    snac_rng rng;
    rng_seed(&rng, search_trial_seed(d->sc.seed ^ 0x5717u, d->b->generation, 0));
    size_t n_order = 0, K = d->sc.synthesis.per_generation;
    if ((rc = search_synth_pick(d->sc.synthesis.pick, p.n, M, p.f, d->pick_lo, d->pick_hi, d->pick_ok, p.n, &rng,
                                d->pick_order, d->pick_oscore, &n_order)))
        return rc;
    /* In the rule's order, first candidates of layer widths this run has not synthesized (the refit
     * learns from architectures: its folds and its full fit count them), then the rest. */
    for (size_t i = 0; i < p.n; i++) {
        nn_arch a;
        search_hparams hp;
        char js[1024];
        search_space_decode(&d->sc.space, p.genomes + i * d->n_genes, d->data.d, d->data.n_classes, &a, &hp);
        search_arch_json(&a, &hp, js, sizeof js);
        const char *h = strstr(js, "\"hidden\":");
        size_t len = h ? strcspn(h, "]") + 1 : 0;
        snprintf(d->pick_arch + i * PICK_ARCH, PICK_ARCH, "%.*s", (int)len, h ? h : "");
        d->pick_taken[i] = 0;
    }
    for (int pass = 0; pass < 2; pass++)
        for (size_t q = 0; q < n_order && *n_picked < K; q++) {
            size_t i = d->pick_order[q];
            const char *arch = d->pick_arch + i * PICK_ARCH;
            if (d->pick_taken[i])
                continue;
            bool seen = false;
            for (size_t r = 0; r < *n_picked && !seen; r++)
                seen = strcmp(d->pick_arch + d->pick_idx[r] * PICK_ARCH, arch) == 0;
            if (!seen && pass == 0) {
                sqlite3_stmt *st;
                if ((rc = prep(d, "SELECT 1 FROM search_synth_jobs j JOIN trials t ON t.id = j.trial_id "
                                  "WHERE j.run_id = ?1 AND instr(t.arch, ?2) > 0", &st)))
                    return rc;
                sqlite3_bind_int64(st, 1, d->run_id);
                sqlite3_bind_text(st, 2, arch, -1, SQLITE_TRANSIENT);
                int sr = sqlite3_step(st);
                seen = sr == SQLITE_ROW;
                sqlite3_finalize(st);
                if (sr != SQLITE_ROW && sr != SQLITE_DONE)
                    return db_error(d->db, "read the synthesized architectures");
            }
            if (pass == 0 && seen)
                continue;
            d->pick_taken[i] = 1;
            d->pick_idx[*n_picked] = i;
            d->pick_score[(*n_picked)++] = d->pick_oscore[q];
        }
    return SNAC_OK;
}

/* Inside the generation's transaction: the picks become queued jobs. */
static int synth_queue(driver *d, size_t n_picked)
{
    sqlite3_stmt *st;
    int rc = prep(d,
                  "INSERT INTO search_synth_jobs(run_id, generation, trial_id, model_id, pick, score, status, "
                  "created_at) VALUES(?1,?2,?3,?4,?5,?6,'queued',?7)",
                  &st);
    if (rc)
        return rc;
    char now[32];
    db_now(now);
    for (size_t q = 0; q < n_picked && !rc; q++) {
        size_t i = d->pick_idx[q];
        sqlite3_bind_int64(st, 1, d->run_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)d->b->generation);
        sqlite3_bind_int64(st, 3, d->pick_trial[i]);
        sqlite3_bind_int64(st, 4, d->pick_model[i]);
        sqlite3_bind_text(st, 5, search_pick_names[d->sc.synthesis.pick], -1, SQLITE_STATIC);
        bind_real(st, 6, d->pick_score[q]);
        sqlite3_bind_text(st, 7, now, -1, SQLITE_TRANSIENT);
        rc = step_done(d, st, "queue a synthesis");
    }
    sqlite3_finalize(st);
    return rc;
}

/* nsga2_rescore callback: the objectives of a genome's trained model under d->ver; the
 * predictions are stored under that version (once per model and version). */
static int rescore_one(const double *g, double *f, double *viol, void *ctx)
{
    driver *d = ctx;
    trial_vals v = {NAN, NAN, NAN, NAN, 0.0, 0, 0, 0};
    int rc = find_trained(d, g, (size_t)-1 >> 1, &v);
    if (rc || !v.model_id || !isfinite(v.accuracy))
        return rc; /* a failed trial keeps its failure objectives */
    surr_prediction p;
    char sha[65];
    if ((rc = predict_model(d, v.model_id, &p, sha)))
        return rc;
    search_objectives(&d->sc, v.accuracy, &p, f, viol);
    bool have;
    if ((rc = sql_exists(d, "SELECT 1 FROM predictions WHERE version_id = ?1 AND model_id = ?2", d->ver.id,
                         v.model_id, &have)))
        return rc;
    if (!have && (rc = surr_prediction_insert(d->db, d->ver.id, v.model_id, sha, &p)))
        return rc;
    d->rescored++;
    return SNAC_OK;
}

/* Before generation g's ask: wait for the lagged jobs, refit, and when a new version is
 * active, re-score the population (and the cache) with it, recorded in search_refits. */
static int synth_refit(driver *d, size_t g)
{
    const search_synthesis *sy = &d->sc.synthesis;
    bool final = g == search_config_generations(&d->sc); /* after the last generation: every job */
    if (!d->sy || !sy->refit_every || g == 0 || (g % sy->refit_every && !final))
        return SNAC_OK;
    long long max_job = final ? (long long)g : (long long)g - 2; /* the lag: search_synth.h */
    int rc = max_job >= 0 ? search_synth_wait(d->sy, d->db, max_job) : SNAC_OK;
    search_refit_out o;
    if (rc || (rc = search_synth_refit(d->db, d->run_id, g, max_job, &d->ver, sy->kfold, search_synth_gate_targets(&d->sc),
                                       sy->force, &o)))
        return rc;
    if (final)
        progress_milestone("final refit: %zu results of %zu architectures: %s%s", o.n_results, o.n_groups, o.reason,
                           o.reused ? " (stored)" : "");
    else
        progress_milestone("refit before generation %zu: %zu results of %zu architectures: %s%s", g + 1, o.n_results,
                           o.n_groups, o.reason, o.reused ? " (stored)" : "");
    if (!o.activated)
        return SNAC_OK;
    if (d->ver.id != o.version_id) {
        surr_version_clear(&d->ver);
        if ((rc = surr_version_load(d->db, o.version_id, &d->ver)))
            return rc;
    }
    d->rescored = 0;
    if ((rc = db_begin(d->db)))
        return rc;
    rc = nsga2_rescore(d->s, rescore_one, d);
    char result[128];
    snprintf(result, sizeof result, "{\"surrogate_version\":%lld}", (long long)d->ver.id);
    sqlite3_stmt *st = NULL;
    if (!rc && !(rc = prep(d, "UPDATE search_refits SET rescored = ?3 WHERE run_id = ?1 AND generation = ?2", &st))) {
        sqlite3_bind_int64(st, 1, d->run_id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)g);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)d->rescored);
        rc = sqlite3_step(st) == SQLITE_DONE ? SNAC_OK : db_error(d->db, "record the re-score");
        sqlite3_finalize(st);
    }
    if (!rc)
        rc = set_result(d, NULL, result);
    if (rc || (rc = db_commit(d->db)))
        db_rollback(d->db);
    if (!rc)
        progress_milestone("re-scored %zu population and cache entries with surrogate version %lld", d->rescored,
                           (long long)d->ver.id);
    return rc;
}

/* After tell: the rows the cache answered (CACHED, DUP) and the state, in one transaction. */
static int finish_generation(driver *d)
{
    const nsga2_batch *b = d->b;
    size_t n_picked = 0;
    int rc = d->sy ? synth_pick(d, &n_picked) : SNAC_OK;
    if (rc || (rc = db_begin(d->db)))
        return rc;
    if (n_picked)
        rc = synth_queue(d, n_picked);
    for (size_t row = 0; !rc && row < b->n; row++) {
        if (b->status[row] == NSGA2_ROW_NEW)
            continue;
        char extra[96];
        snprintf(extra, sizeof extra, ",\"cache\":\"%s\"", nsga2_row_names[b->status[row]]);
        trial_vals v = {NAN, NAN, NAN, NAN, 0.0, 0, 0, 0}; /* nothing trained for this row */
        if ((rc = find_repeated(d, row, &v)))
            break;
        rc = write_trial(d, d->ins_trial, b->generation, row, "cached", search_trial_seed(d->sc.seed, b->generation, row),
                          b->f + row * d->n_obj, b->viol[row], &v, extra);
        d->sum.cached++;
    }
    if (!rc)
        rc = save_state(d);
    if (!rc)
        rc = db_commit(d->db);
    if (rc)
        db_rollback(d->db);
    return rc;
}

/* ---------------------------------------------------------------- resume support */

/* Read the n numbers of the array that follows key (which ends in '[') in an objectives JSON
 * (written with %.17g). */
static int json_f_array(const char *json, const char *key, double *f, size_t n)
{
    const char *p = json ? strstr(json, key) : NULL;
    if (!p)
        return -1;
    p += strlen(key);
    for (size_t k = 0; k < n; k++) {
        char *end;
        f[k] = strtod(p, &end);
        if (end == p)
            return -1;
        p = end + (*end == ',');
    }
    return 0;
}

/* Read "f":[a,b,...] out of an objectives JSON (written by objectives_json). */
int search_objectives_f(const char *json, double *f, size_t n)
{
    return json_f_array(json, "\"f\":[", f, n);
}

/* Read "f@E":[..] and "viol@E":v (rungs_json) out of an objectives JSON. */
static int rung_f(const char *json, size_t epochs, double *f, size_t n, double *viol)
{
    char key[48];
    snprintf(key, sizeof key, "\"f@%zu\":[", epochs);
    if (json_f_array(json, key, f, n))
        return -1;
    snprintf(key, sizeof key, "\"viol@%zu\":", epochs);
    const char *p = strstr(json, key);
    if (!p)
        return -1;
    char *end;
    *viol = strtod(p + strlen(key), &end);
    return end == p + strlen(key) ? -1 : 0;
}

/* Trials of generation gen already stored (an interrupted generation). */
static int load_generation(driver *d, size_t gen)
{
    memset(d->have, 0, d->pop);
    memset(d->have_fail, 0, d->pop);
    if (d->n_rungs)
        memset(d->hset, 0, d->pop * d->n_rungs);
    sqlite3_stmt *st = d->sel_gen;
    sqlite3_bind_int64(st, 1, d->run_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)gen);
    int s, rc = SNAC_OK;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        sqlite3_int64 row = sqlite3_column_int64(st, 0);
        const char *obj = (const char *)sqlite3_column_text(st, 1);
        if (row < 0 || (size_t)row >= d->pop || search_objectives_f(obj, d->have_f + (size_t)row * d->n_obj, d->n_obj)) {
            rc = snac_err_set(SNAC_EFORMAT, "run %lld: trial row %lld of generation %zu is unreadable",
                              (long long)d->run_id, (long long)row, gen);
            break;
        }
        d->have_v[row] = sqlite3_column_double(st, 2);
        d->have[row] = 1;
        d->have_ep[row] = sqlite3_column_type(st, 3) == SQLITE_NULL ? (int64_t)d->sc.epochs
                                                                    : sqlite3_column_int64(st, 3);
        d->have_fail[row] = strcmp((const char *)sqlite3_column_text(st, 4), "failed") == 0;
        for (size_t i = 0; i < d->n_rungs; i++) { /* the rung history (multi-fidelity) */
            size_t at = (size_t)row * d->n_rungs + i;
            d->hset[at] = rung_f(obj, d->sc.fidelity.rungs[i], d->hf + at * d->n_obj, d->n_obj, &d->hv[at]) == 0;
        }
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(d->db, "read stored trials");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* ---------------------------------------------------------------- the generation loop */

static int on_result(size_t job, const search_trial_result *r, void *ctx)
{
    driver *d = ctx;
    size_t k = d->jk[job], M = d->n_obj;
    if (d->n_rungs) { /* the job is the rung's candidate p */
        size_t p = k, at;
        k = d->cand[p];
        at = d->b->eval[k] * d->n_rungs + d->rung;
        memcpy(d->rf + p * M, r->f, M * sizeof(double));
        d->rv[p] = r->viol;
        d->rfail[p] = r->status != SEARCH_TRIAL_DONE;
        d->kfail[k] = d->rfail[p];
        memcpy(d->hf + at * M, r->f, M * sizeof(double));
        d->hv[at] = r->viol;
        d->hset[at] = 1;
        search_ckpt_clear(&d->ck[k]);
        if (r->ckpt_len) { /* keep it: the next rung continues from here */
            if (!(d->ck[k].blob = malloc(r->ckpt_len)))
                return snac_err_set(SNAC_ENOMEM, "out of memory for a checkpoint");
            memcpy(d->ck[k].blob, r->ckpt, r->ckpt_len);
            d->ck[k].len = r->ckpt_len;
            d->ck[k].epochs = (size_t)r->epochs;
        }
    }
    size_t row = d->b->eval[k];
    memcpy(d->fk + k * M, r->f, M * sizeof(double));
    d->vk[k] = r->viol;
    int rc = store_trained(d, row, d->jseed[job], r, d->n_rungs && d->rung > 0);
    if (rc)
        return rc;
    d->sum.trained += !d->n_rungs || d->rung == 0; /* a trial, not each rung of it */
    d->sum.failed += r->status != SEARCH_TRIAL_DONE;
    if (r->status == SEARCH_TRIAL_DONE)
        progress_line("gen %zu trial %2zu: %sacc %.4f  bops %.0f  avg %.3f%%  lat %.0f cyc  dsp %.0f  viol %.3g  %.1f s",
                      d->b->generation, row, d->n_rungs ? (r->epochs < d->sc.epochs ? "(partial) " : "(full) ") : "",
                      r->accuracy, r->pred.bops_mac, r->pred.avg_resource_pct,
                      r->pred.y[SURR_T_LATENCY_CYCLES], r->pred.y[SURR_T_DSP], r->viol, r->train_seconds);
    else
        progress_line("gen %zu trial %2zu: failed: %s", d->b->generation, row, r->error);
    if (d->kill_after && ++d->committed >= d->kill_after)
        raise(SIGKILL); /* test hook: a crash right after a commit */
    if (d->pause_ms) { /* test hook: a slow trial, without burning a core */
        struct timespec ts = {(time_t)(d->pause_ms / 1000), (long)(d->pause_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (snac_interrupted())
        return snac_err_set(SNAC_EINTR, "interrupted by %s", snac_interrupt_name(snac_interrupted()));
    return SNAC_OK;
}

/* Progress hypervolume reference (display only): 10% beyond the worst feasible value of
 * each objective over the n points (those with mask[i], if mask); unset if none is feasible. */
static void set_hv_ref(driver *d, const double *f, const double *viol, const unsigned char *mask, size_t n)
{
    double ref[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d->n_obj && viol[i] <= 0 && (!mask || mask[i]); k++)
            ref[k] = fmax(ref[k], f[i * d->n_obj + k]);
    if (!isfinite(ref[0]))
        return;
    for (size_t k = 0; k < d->n_obj; k++)
        d->hv_ref[k] = ref[k] + 0.1 * fabs(ref[k]) + 1e-9;
    d->hv_ref_set = true;
}

static void generation_summary(driver *d, double seconds)
{
    nsga2_population p;
    if (nsga2_get_population(d->s, &p))
        return;
    size_t front = 0;
    double best_acc = NAN;
    for (size_t i = 0; i < p.n; i++) {
        front += p.rank[i] == 0 && p.viol[i] <= 0;
        for (size_t k = 0; k < d->n_obj; k++)
            if (d->sc.obj[k] == SEARCH_M_ACCURACY && p.viol[i] <= 0 && !(1.0 - p.f[i * d->n_obj + k] <= best_acc))
                best_acc = 1.0 - p.f[i * d->n_obj + k];
    }
    double hv = NAN;
    if ((d->n_obj == 2 || d->n_obj == 3) && !d->hv_ref_set) {
        /* The reference is fixed for the run, so the values are comparable across
         * generations: the initial population's (on resume: its stored trained trials,
         * which cover its duplicates too); until some trial is feasible, the current one. */
        if (d->b->generation == 0)
            set_hv_ref(d, p.f, p.viol, NULL, p.n);
        else if (load_generation(d, 0) == SNAC_OK) /* have_* are reloaded at each generation's start */
            set_hv_ref(d, d->have_f, d->have_v, d->have, d->pop);
        if (!d->hv_ref_set)
            set_hv_ref(d, p.f, p.viol, NULL, p.n);
    }
    if (d->hv_ref_set && nsga2_front_hv(d->s, d->hv_ref, &hv))
        hv = NAN;
    progress_milestone("generation %zu/%zu done: front %zu, best accuracy %.4f, hypervolume %.6g, %.1f s",
                  d->b->generation + 1, search_config_generations(&d->sc), front, best_acc, hv, seconds);
}

/* The jobs in jg / jseed (/ jep, jck) on the MPI ranks or the fork workers. */
static int run_jobs(driver *d, const search_eval_ctx *ec, size_t n_jobs)
{
#ifdef SNAC_WITH_MPI
    if (mpi_farm_size() > 1)
        return search_mpi_run(ec, d->cfg.text, d->cfg.path, d->fingerprint, d->jg, d->n_genes, d->jseed, n_jobs,
                              d->sc.store_models, on_result, d);
#endif
    return search_workers_run(ec, d->jg, d->n_genes, d->jseed, n_jobs, d->n_workers, d->sc.store_models, on_result,
                              d);
}

/* Multi-fidelity evaluation of the batch's new rows (successive halving): every one trains
 * to the first rung; at each rung fidelity.h picks the ones that continue to the next,
 * from their checkpoint (fork workers) or from scratch (MPI ranks, a resume that lost the
 * checkpoint): the same numbers either way. A row's objectives told to NSGA-II are those
 * of the last rung it reached (with fidelity.extrapolate: plus the generation's mean gain
 * from that rung to the last, fidelity.h); its trial row says which (epochs_done) and keeps
 * the measured numbers. On resume a rung result already stored (the row's "f@E" history)
 * is taken as it is, so the selections replay exactly. */
static int run_rungs(driver *d, search_eval_ctx *ec)
{
    const nsga2_batch *b = d->b;
    const search_fidelity *fi = &d->sc.fidelity;
    size_t M = d->n_obj, R = d->n_rungs, np = b->n_eval;
    bool farm = false;
#ifdef SNAC_WITH_MPI
    farm = mpi_farm_size() > 1;
#endif
    for (size_t p = 0; p < np; p++)
        d->cand[p] = p;
    int rc = SNAC_OK;
    for (size_t i = 0; i < R && np && !rc; i++) {
        d->rung = i;
        size_t n_jobs = 0;
        for (size_t p = 0; p < np; p++) {
            size_t k = d->cand[p], row = b->eval[k], at = row * R + i;
            if (d->have[row] && d->hset[at]) { /* stored before an interruption */
                memcpy(d->rf + p * M, d->hf + at * M, M * sizeof(double));
                d->rv[p] = d->hv[at];
                d->rfail[p] = d->have_fail[row] && d->have_ep[row] == (int64_t)fi->rungs[i];
                d->kfail[k] = d->rfail[p];
                memcpy(d->fk + k * M, d->hf + at * M, M * sizeof(double));
                d->vk[k] = d->hv[at];
                d->sum.reused += i == 0;
                continue;
            }
            memcpy(d->jg + n_jobs * d->n_genes, b->genomes + row * d->n_genes, d->n_genes * sizeof(double));
            d->jseed[n_jobs] = search_trial_seed(d->sc.seed, b->generation, row);
            d->jep[n_jobs] = fi->rungs[i];
            d->jck[n_jobs] = d->ck[k]; /* a view; len 0: from scratch */
            d->jk[n_jobs++] = p;
        }
        ec->job_epochs = d->jep;
        ec->job_ckpt = d->jck;
        ec->want_ckpt = !farm && i + 1 < R;
        if ((rc = run_jobs(d, ec, n_jobs)) || i + 1 == R)
            break;
        size_t n_adv = 0;
        if ((rc = search_fidelity_select(d->rf, d->rv, d->rfail, np, M, fi->keep, d->adv, &n_adv, d->fw)))
            break;
        for (size_t j = 0; j < n_adv; j++) /* adv is ascending: in place */
            d->cand[j] = d->cand[d->adv[j]];
        np = n_adv;
    }
    ec->job_epochs = NULL;
    ec->job_ckpt = NULL;
    ec->want_ckpt = false;
    for (size_t k = 0; k < d->pop; k++)
        search_ckpt_clear(&d->ck[k]);
    if (!rc && fi->extrapolate) { /* survival sees partial candidates at their predicted last rung */
        for (size_t row = 0; row < b->n; row++)
            d->xlast[row] = R;
        for (size_t k = 0; k < b->n_eval; k++) {
            size_t row = b->eval[k];
            for (size_t i = 0; i < R && !d->kfail[k]; i++)
                if (d->hset[row * R + i])
                    d->xlast[row] = i;
        }
        search_fidelity_extrapolate(d->hf, d->xlast, b->n, R, M, d->xf);
        for (size_t k = 0; k < b->n_eval; k++) {
            size_t row = b->eval[k];
            if (d->xlast[row] < R)
                memcpy(d->fk + k * M, d->xf + row * M, M * sizeof(double));
        }
    }
    return rc;
}

static int run_generations(driver *d)
{
    search_eval_ctx ec = {&d->sc, &d->cfg.training, &d->data, &d->ver, d->part, NULL, NULL, false};
    size_t n_gen = search_config_generations(&d->sc);
    nsga2_stats stats;
    nsga2_get_stats(d->s, &stats);
    while (stats.generation < n_gen) {
        if (snac_interrupted())
            return snac_err_set(SNAC_EINTR, "interrupted by %s", snac_interrupt_name(snac_interrupted()));
        double t0 = progress_now();
        nsga2_batch b;
        int rc = synth_refit(d, stats.generation);
        if (rc || (rc = nsga2_ask(d->s, &b)))
            return rc;
        if (rc)
            return rc;
        d->b = &b;
        if ((rc = load_generation(d, b.generation)))
            return rc;
        if (d->n_rungs) {
            rc = run_rungs(d, &ec);
        } else {
            size_t n_jobs = 0;
            for (size_t k = 0; k < b.n_eval; k++) {
                size_t row = b.eval[k];
                if (d->have[row]) {
                    memcpy(d->fk + k * d->n_obj, d->have_f + row * d->n_obj, d->n_obj * sizeof(double));
                    d->vk[k] = d->have_v[row];
                    d->sum.reused++;
                    continue;
                }
                memcpy(d->jg + n_jobs * d->n_genes, b.genomes + row * d->n_genes, d->n_genes * sizeof(double));
                d->jseed[n_jobs] = search_trial_seed(d->sc.seed, b.generation, row);
                d->jk[n_jobs++] = k;
            }
            rc = run_jobs(d, &ec, n_jobs);
        }
        if (rc)
            return rc;
        if ((rc = nsga2_tell(d->s, d->fk, d->vk)))
            return rc;
        /* the batch view stays readable after tell, now with every row's objectives (nsga2.h) */
        if ((rc = finish_generation(d)))
            return rc;
        if (d->sy && (rc = search_synth_kick(d->sy, d->db)))
            return rc;
        nsga2_get_stats(d->s, &stats);
        d->sum.generations = stats.generation;
        generation_summary(d, progress_now() - t0);
    }
    if (d->sy) { /* the last picks: the run is done when their rows are stored and refitted on */
        progress_line("waiting for the queued syntheses");
        int rc = search_synth_wait(d->sy, d->db, -1);
        return rc ? rc : synth_refit(d, stats.generation);
    }
    return SNAC_OK;
}

/* ---------------------------------------------------------------- setup and teardown */

static void driver_free(driver *d)
{
    search_synth_free(d->sy);
    free(d->pick_idx);
    free(d->pick_score);
    free(d->pick_lo);
    free(d->pick_hi);
    free(d->pick_ok);
    free(d->pick_trial);
    free(d->pick_model);
    free(d->pick_order);
    free(d->pick_oscore);
    free(d->pick_arch);
    free(d->pick_taken);
    sqlite3_finalize(d->ins_trial);
    sqlite3_finalize(d->upd_trial);
    sqlite3_finalize(d->ins_pred);
    sqlite3_finalize(d->sel_gen);
    sqlite3_finalize(d->upd_state);
    sqlite3_finalize(d->sel_same);
    nsga2_free(d->s);
    surr_version_clear(&d->ver);
    db_close(d->db);
    ds_split_free(&d->data);
    snac_config_free(&d->cfg);
    free(d->fk);
    free(d->vk);
    free(d->jg);
    free(d->jseed);
    free(d->jk);
    free(d->have);
    free(d->have_f);
    free(d->have_v);
    free(d->cgen);
    free(d->cidx);
    free(d->cg);
    free(d->have_ep);
    free(d->have_fail);
    free(d->cand);
    free(d->adv);
    free(d->rf);
    free(d->rv);
    free(d->rfail);
    free(d->kfail);
    free(d->xlast);
    free(d->xf);
    free(d->hf);
    free(d->hv);
    free(d->hset);
    free(d->jep);
    if (d->ck)
        for (size_t k = 0; k < d->pop; k++)
            search_ckpt_clear(&d->ck[k]);
    free(d->ck);
    free(d->jck);
    search_fidelity_work_free(d->fw);
    free(d->state);
}

/* Both configs from the YAML text (a new run's file, or the text stored with the run). */
static int parse_configs(driver *d, const char *text, size_t len, const char *name)
{
    int rc = snac_config_parse(text, len, name, &d->cfg);
    if (!rc)
        rc = search_config_parse(text, len, name, &d->sc);
    return rc;
}

static int load_data(driver *d)
{
    int rc = ds_load(&d->cfg.data, &d->data);
    if (rc)
        return rc;
    if (d->data.val.n == 0)
        return snac_err_set(SNAC_EINVAL, "search: the validation set is empty (data.val_fraction > 0 is needed: "
                                         "accuracy objectives are measured on it)");
    progress_line("data: %zu train / %zu val rows, %zu features, %zu classes", d->data.train.n, d->data.val.n,
                  d->data.d, d->data.n_classes);
    ds_fingerprint(&d->data, d->fingerprint);
    return SNAC_OK;
}

static int alloc_buffers(driver *d)
{
    size_t N = d->pop, M = d->n_obj, G = d->n_genes;
    d->fk = calloc(N * M, sizeof *d->fk);
    d->vk = calloc(N, sizeof *d->vk);
    d->jg = calloc(N * G, sizeof *d->jg);
    d->jseed = calloc(N, sizeof *d->jseed);
    d->jk = calloc(N, sizeof *d->jk);
    d->have = calloc(N, 1);
    d->have_f = calloc(N * M, sizeof *d->have_f);
    d->have_v = calloc(N, sizeof *d->have_v);
    if (!d->fk || !d->vk || !d->jg || !d->jseed || !d->jk || !d->have || !d->have_f || !d->have_v)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    size_t R = d->n_rungs ? d->n_rungs : 1;
    d->have_ep = calloc(N, sizeof *d->have_ep);
    d->have_fail = calloc(N, 1);
    d->cand = calloc(N, sizeof *d->cand);
    d->adv = calloc(N, sizeof *d->adv);
    d->rf = calloc(N * M, sizeof *d->rf);
    d->rv = calloc(N, sizeof *d->rv);
    d->rfail = calloc(N, 1);
    d->kfail = calloc(N, 1);
    d->xlast = calloc(N, sizeof *d->xlast);
    d->xf = calloc(N * M, sizeof *d->xf);
    d->hf = calloc(N * R * M, sizeof *d->hf);
    d->hv = calloc(N * R, sizeof *d->hv);
    d->hset = calloc(N * R, 1);
    d->jep = calloc(N, sizeof *d->jep);
    d->ck = calloc(N, sizeof *d->ck);
    d->jck = calloc(N, sizeof *d->jck);
    if (!d->have_ep || !d->have_fail || !d->cand || !d->adv || !d->rf || !d->rv || !d->rfail || !d->kfail || !d->xlast || !d->xf || !d->hf || !d->hv ||
        !d->hset || !d->jep || !d->ck || !d->jck)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    if (d->sc.synthesis.enabled) {
        d->pick_idx = calloc(N, sizeof *d->pick_idx);
        d->pick_score = calloc(N, sizeof *d->pick_score);
        d->pick_lo = calloc(N * M, sizeof *d->pick_lo);
        d->pick_hi = calloc(N * M, sizeof *d->pick_hi);
        d->pick_ok = calloc(N, 1);
        d->pick_trial = calloc(N, sizeof *d->pick_trial);
        d->pick_model = calloc(N, sizeof *d->pick_model);
        d->pick_order = calloc(N, sizeof *d->pick_order);
        d->pick_oscore = calloc(N, sizeof *d->pick_oscore);
        d->pick_arch = calloc(N, PICK_ARCH);
        d->pick_taken = calloc(N, 1);
        if (!d->pick_idx || !d->pick_score || !d->pick_lo || !d->pick_hi || !d->pick_ok || !d->pick_trial ||
            !d->pick_model || !d->pick_order || !d->pick_oscore || !d->pick_arch || !d->pick_taken)
            return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    int rc;
    if (d->n_rungs && (rc = search_fidelity_work_alloc(N, &d->fw)))
        return rc;
    if ((rc = prep(d,
                   "INSERT INTO trials(run_id, generation, idx, genome, arch, seed, status, accuracy, val_loss, "
                   "bops_mac, bops_bit, objectives, violation, train_seconds, model_id, created_at, same_as, "
                   "epochs_done) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)",
                   &d->ins_trial)) ||
        (rc = prep(d,
                   "UPDATE trials SET genome = ?4, arch = ?5, seed = ?6, status = ?7, accuracy = ?8, val_loss = ?9, "
                   "bops_mac = ?10, bops_bit = ?11, objectives = ?12, violation = ?13, "
                   "train_seconds = COALESCE(train_seconds, 0) + ?14, model_id = ?15, created_at = ?16, "
                   "same_as = ?17, epochs_done = ?18 WHERE run_id = ?1 AND generation = ?2 AND idx = ?3",
                   &d->upd_trial)) ||
        (rc = prep(d,
                   "INSERT INTO predictions(version_id, model_id, spec_sha256, target, value, created_at) "
                   "VALUES(?1,?2,?3,?4,?5,?6)",
                   &d->ins_pred)) ||
        (rc = prep(d,
                   "SELECT idx, objectives, violation, epochs_done, status FROM trials WHERE run_id = ?1 "
                   "AND generation = ?2 "
                   "AND status IN ('done','failed')",
                   &d->sel_gen)) ||
        (rc = prep(d,
                   "SELECT id, genome, accuracy, val_loss, bops_mac, bops_bit, model_id, epochs_done FROM trials "
                   "WHERE run_id = ?1 AND arch = ?2 AND generation <= ?3 AND status IN ('done','failed') "
                   "ORDER BY generation DESC, idx DESC",
                   &d->sel_same)) ||
        (rc = prep(d, "UPDATE runs SET state = ?1 WHERE id = ?2", &d->upd_state)))
        return rc;
    return SNAC_OK;
}

static void space_setup(driver *d)
{
    d->n_genes = search_space_n_genes(&d->sc.space);
    search_space_genes(&d->sc.space, d->genes);
    d->n_obj = d->sc.n_obj;
    d->pop = d->sc.population;
    d->n_rungs = d->sc.fidelity.n_rungs;
}

static int new_nsga2(driver *d)
{
    double seeds[SEARCH_MAX_SEEDS * SEARCH_MAX_GENES];
    size_t n_seeds = d->sc.n_seeds < d->pop ? d->sc.n_seeds : d->pop;
    for (size_t i = 0; i < n_seeds; i++) {
        int rc = search_space_encode(&d->sc.space, &d->sc.seed_arch[i], &d->sc.seed_hp[i], seeds + i * d->n_genes);
        if (rc)
            return snac_err_prefix(rc, "search.seed_architectures[%zu]: ", i);
    }
    nsga2_config nc = NSGA2_CONFIG_INIT;
    nc.pop_size = d->pop;
    nc.n_obj = d->n_obj;
    nc.n_genes = d->n_genes;
    nc.genes = d->genes;
    nc.p_crossover = d->sc.p_crossover;
    nc.p_mutation = d->sc.p_mutation;
    nc.n_seeds = n_seeds;
    nc.seeds = seeds;
    snac_rng rng;
    rng_seed(&rng, d->sc.seed);
    return nsga2_new(&nc, &rng, &d->s);
}

static int find_surrogate(driver *d)
{
    int rc;
    if (d->sc.deploy.surrogate[0]) {
        if ((rc = surr_version_load_ref(d->db, d->sc.deploy.surrogate, &d->ver)))
            return rc;
    } else {
        bool created = false;
        if ((rc = surr_version_ensure_default(d->db, d->sc.deploy.toolchain, &d->ver, &created)))
            return rc;
    }
    return surr_part_find(d->sc.deploy.part, &d->part);
}

/* A `synthesis:` section needs Yosys, a Yosys deploy toolchain (the refit's rows are Yosys
 * rows) and the models; checked before the store is touched. */
static int synth_check(driver *d, const char *name)
{
    const search_synthesis *sy = &d->sc.synthesis;
    if (!sy->enabled)
        return SNAC_OK;
    if (d->sc.deploy.toolchain != SURR_TC_YOSYS_0_23)
        return snac_err_set(SNAC_EINVAL, "%s: synthesis: needs deploy.toolchain: yosys-0.23 (the Yosys results refit "
                            "that toolchain's surrogate), got %s", name, surr_toolchain_names[d->sc.deploy.toolchain]);
    if (!d->sc.store_models)
        return snac_err_set(SNAC_EINVAL, "%s: synthesis: needs search.store_models: true (a picked candidate is "
                            "synthesized from its stored weights)", name);
    if (d->sc.fidelity.n_rungs) /* a pick could land on a candidate still climbing its rungs */
        return snac_err_set(SNAC_EINVAL, "%s: synthesis: not supported with search.fidelity yet (drop one of "
                            "the two)", name);
#ifdef SNAC_WITH_MPI
    if (mpi_farm_size() > 1)
        return snac_err_set(SNAC_EINVAL, "%s: synthesis: not supported under mpirun yet (run the search on one "
                            "machine, or drop the section)", name);
#endif
    char ver[32];
    int rc = export_synth_yosys_version(ver, sizeof ver);
    return rc ? snac_err_prefix(rc, "%s: synthesis: ", name) : SNAC_OK;
}

static int synth_open(driver *d)
{
    if (!d->sc.synthesis.enabled)
        return SNAC_OK;
    int rc = search_synth_new(&d->sc, db_path(d->db), d->run_id, &d->sy);
    if (!rc)
        rc = search_synth_kick(d->sy, d->db); /* a resume: the jobs a kill left queued */
    return rc;
}

static int set_result(driver *d, const char *status, const char *json)
{
    sqlite3_stmt *st;
    int rc = prep(d, status ? "UPDATE runs SET result = ?1, status = ?3, finished_at = NULL WHERE id = ?2"
                            : "UPDATE runs SET result = ?1 WHERE id = ?2",
                  &st);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, json, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, d->run_id);
    if (status)
        sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? SNAC_OK : db_error(d->db, "update run");
    sqlite3_finalize(st);
    return rc;
}

static int open_new(driver *d, const search_run_opts *o)
{
    const char *name = o->config_path ? o->config_path : "config";
    int rc = o->config_text ? snac_config_parse(o->config_text, strlen(o->config_text), name, &d->cfg)
                            : snac_config_load(o->config_path, &d->cfg);
    if (!rc)
        rc = search_config_parse(d->cfg.text, strlen(d->cfg.text), name, &d->sc);
    if (rc)
        return rc;
    space_setup(d);
    /* everything the user can get wrong is checked before the store is touched */
    if ((rc = surr_part_find(d->sc.deploy.part, &d->part)))
        return snac_err_prefix(rc, "%s: deploy.part: ", name);
    if ((rc = synth_check(d, name)))
        return rc;
    if ((rc = new_nsga2(d)) || (rc = load_data(d)))
        return rc;
    if ((rc = db_open(o->db_path ? o->db_path : d->cfg.output.db, &d->db)) || (rc = find_surrogate(d)) ||
        (rc = alloc_buffers(d)))
        return rc;
    void *norm = NULL;
    size_t norm_len = 0;
    if ((rc = ds_norm_save(&d->data.norm, &norm, &norm_len)))
        return rc;
    char result[128];
    snprintf(result, sizeof result, "{\"surrogate_version\":%lld}", (long long)d->ver.id);
    db_run run = {"search", d->cfg.output.run_name[0] ? d->cfg.output.run_name : NULL, d->cfg.text, d->cfg.path,
                  d->sc.seed, o->parent_id};
    if (!(rc = db_begin(d->db))) {
        if ((rc = db_run_insert(d->db, &run, &d->run_id)) || (rc = db_run_set_norm(d->db, d->run_id, norm, norm_len)) ||
            (rc = db_run_set_fingerprint(d->db, d->run_id, d->fingerprint)) || (rc = set_result(d, NULL, result)) ||
            (rc = db_commit(d->db)))
            db_rollback(d->db);
    }
    free(norm);
    return rc;
}

/* The data read now must be the data the run started on ("" stored: a run from before
 * fingerprints, accepted). */
static int check_fingerprint(driver *d, const char *stored)
{
    char diff[700];
    if (!ds_fingerprint_diff(stored, d->fingerprint, diff, sizeof diff))
        return SNAC_OK;
    return snac_err_set(SNAC_EINVAL,
                        "%s: run %lld was started on other data than data.files reads now (%s); a resume must see "
                        "the same data: restore it, or start a new search",
                        db_path(d->db), (long long)d->run_id, diff);
}

static int open_resume(driver *d, const search_run_opts *o, bool *done)
{
    if (!o->db_path)
        return snac_err_set(SNAC_EINVAL, "search: --resume needs the database (--db FILE)");
    int rc = db_open_existing(o->db_path, &d->db); /* a mistyped --db is not created */
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = prep(d, "SELECT kind, config_yaml, config_path, status, state, result, data_fingerprint FROM runs "
                      "WHERE id = ?1", &st)))
        return rc;
    sqlite3_bind_int64(st, 1, o->resume);
    void *state = NULL;
    size_t state_len = 0;
    int64_t ver_id = 0;
    char stored_fp[DS_FINGERPRINT_CAP] = "";
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = snac_err_set(SNAC_ENOTFOUND, "no run %lld in %s", (long long)o->resume, o->db_path);
    } else if (strcmp((const char *)sqlite3_column_text(st, 0), "search") != 0) {
        rc = snac_err_set(SNAC_EINVAL, "search: run %lld is a '%s' run, not a search", (long long)o->resume,
                          (const char *)sqlite3_column_text(st, 0));
    } else {
        const char *text = (const char *)sqlite3_column_text(st, 1);
        const char *path = (const char *)sqlite3_column_text(st, 2);
        char name[600];
        snprintf(name, sizeof name, "%s (stored with run %lld)", path ? path : "config", (long long)o->resume);
        *done = strcmp((const char *)sqlite3_column_text(st, 3), "done") == 0;
        rc = parse_configs(d, text, strlen(text), name);
        state_len = (size_t)sqlite3_column_bytes(st, 4);
        if (!rc && state_len) {
            state = malloc(state_len);
            if (!state)
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
            else
                memcpy(state, sqlite3_column_blob(st, 4), state_len);
        }
        const char *res = (const char *)sqlite3_column_text(st, 5);
        const char *p = res ? strstr(res, "\"surrogate_version\":") : NULL;
        if (p)
            ver_id = strtoll(p + 20, NULL, 10);
        const char *fp = (const char *)sqlite3_column_text(st, 6);
        snprintf(stored_fp, sizeof stored_fp, "%s", fp ? fp : "");
    }
    sqlite3_finalize(st);
    d->run_id = o->resume;
    if (!rc) {
        space_setup(d);
        rc = state ? nsga2_load(state, state_len, &d->s) : new_nsga2(d);
        if (rc && state)
            rc = snac_err_prefix(rc, "%s: run %lld: stored search state: ", o->db_path, (long long)d->run_id);
    }
    free(state);
    if (rc || (*done && !d->completing))
        return rc;
    if (d->completing && !*done)
        return snac_err_set(SNAC_EINVAL, "run %lld has not finished; resume it first (snac search --resume %lld)",
                            (long long)d->run_id, (long long)d->run_id);
    if (!ver_id)
        return snac_err_set(SNAC_EFORMAT, "search: run %lld does not record its surrogate version", (long long)d->run_id);
    if ((rc = surr_version_load(d->db, ver_id, &d->ver)) || (rc = surr_part_find(d->sc.deploy.part, &d->part)) ||
        (rc = load_data(d)) || (rc = check_fingerprint(d, stored_fp)) || (rc = alloc_buffers(d)))
        return rc;
    if (d->completing) /* a finished run stays finished: its trials are only brought to full fidelity */
        return SNAC_OK;
    if ((rc = synth_check(d, "search")) || (rc = db_run_claim(d->db, d->run_id)))
        return rc;
    char result[128];
    snprintf(result, sizeof result, "{\"surrogate_version\":%lld}", (long long)d->ver.id);
    return set_result(d, "running", result);
}

int search_run(const search_run_opts *o, search_run_summary *out)
{
    driver *d = calloc(1, sizeof *d);
    if (!d)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    snac_config_init(&d->cfg);
    double t0 = progress_now();
    bool done = false;
    int rc = o->resume > 0 ? open_resume(d, o, &done) : open_new(d, o);
    if (!rc && !done) {
        d->n_workers = o->workers ? o->workers : d->sc.workers ? d->sc.workers : search_workers_default();
#ifdef SNAC_WITH_MPI
        if (mpi_farm_size() > 1) /* rank 0 coordinates; every other rank trains */
            d->n_workers = (size_t)mpi_farm_size() - 1;
#endif
        /* a generation never has more jobs than the population: that many processes at most */
        d->sum.workers = d->n_workers < d->pop ? d->n_workers : d->pop;
        rc = synth_open(d);
        const char *k = getenv("SNAC_SEARCH_KILL_AFTER");
        d->kill_after = k ? (size_t)strtoull(k, NULL, 10) : 0;
        const char *pm = getenv("SNAC_SEARCH_PAUSE_MS");
        d->pause_ms = pm ? (size_t)strtoull(pm, NULL, 10) : 0;
        progress_line("search run %lld: %zu generations x %zu, %zu epochs per trial, %zu workers, surrogate version %lld",
                      (long long)d->run_id, search_config_generations(&d->sc), d->pop, d->sc.epochs, d->n_workers,
                      (long long)d->ver.id);
        if (!rc)
            rc = run_generations(d);
        nsga2_stats stats;
        nsga2_get_stats(d->s, &stats);
        d->sum.generations = stats.generation;
        char result[256];
        snprintf(result, sizeof result, "{\"surrogate_version\":%lld,\"generations\":%zu,\"evaluations\":%zu}",
                 (long long)d->ver.id, stats.generation, stats.n_evals);
        if (!rc) {
            rc = db_run_finish(d->db, d->run_id, "done", result);
        } else if (d->run_id && snac_interrupted()) {
            /* the transaction in flight was finished; nothing is lost that a resume cannot redo */
            db_run_finish(d->db, d->run_id, "interrupted", result);
            rc = snac_err_set(SNAC_EINTR, "run %lld interrupted by %s after %zu finished generations; resume it "
                              "with: snac search --resume %lld --db %s", (long long)d->run_id,
                              snac_interrupt_name(snac_interrupted()), stats.generation, (long long)d->run_id,
                              db_path(d->db));
        } else if (d->run_id) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", snac_err_msg());
            db_run_finish(d->db, d->run_id, "failed", result); /* best effort; resumable all the same */
            snac_err_set(rc, "%s", msg);
        }
    } else if (!rc && d->s) {
        nsga2_stats stats;
        nsga2_get_stats(d->s, &stats);
        d->sum.generations = stats.generation;
    }
    d->sum.run_id = d->run_id;
    if (d->db)
        snprintf(d->sum.db_path, sizeof d->sum.db_path, "%s", db_path(d->db));
    d->sum.seconds = progress_now() - t0;
    if (out)
        *out = d->sum;
    driver_free(d);
    free(d);
    return rc;
}

/* ---------------------------------------------------------------- completion */

/* A completed trial: its row rewritten at full fidelity, its rung history kept. */
static int on_complete(size_t job, const search_trial_result *r, void *ctx)
{
    driver *d = ctx;
    size_t row = (size_t)d->cidx[job], R = d->n_rungs, M = d->n_obj;
    /* store_trained reads the genome at b.genomes + row * n_genes: a population-sized view */
    memcpy(d->cg + row * d->n_genes, d->jg + job * d->n_genes, d->n_genes * sizeof(double));
    nsga2_batch b = {.generation = (size_t)d->cgen[job], .n = d->pop, .n_genes = d->n_genes, .n_obj = M,
                     .genomes = d->cg};
    /* the row's rung history as stored, then this result as the last rung */
    sqlite3_stmt *st;
    int rc = prep(d, "SELECT objectives FROM trials WHERE run_id = ?1 AND generation = ?2 AND idx = ?3", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, d->run_id);
    sqlite3_bind_int64(st, 2, d->cgen[job]);
    sqlite3_bind_int64(st, 3, d->cidx[job]);
    const char *obj = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    for (size_t i = 0; i < R; i++) {
        size_t at = row * R + i;
        d->hset[at] = rung_f(obj, d->sc.fidelity.rungs[i], d->hf + at * M, M, &d->hv[at]) == 0;
    }
    sqlite3_finalize(st);
    size_t at = row * R + R - 1;
    memcpy(d->hf + at * M, r->f, M * sizeof(double));
    d->hv[at] = r->viol;
    d->hset[at] = 1;
    d->b = &b;
    rc = store_trained(d, row, d->jseed[job], r, true);
    d->b = NULL;
    if (rc)
        return rc;
    d->sum.trained++;
    progress_line("completed trial gen %lld idx %lld to %zu epochs: acc %.4f", (long long)d->cgen[job],
                  (long long)d->cidx[job], d->sc.epochs, r->accuracy);
    return SNAC_OK;
}

static int complete_batch(driver *d, const search_eval_ctx *ec, size_t n_jobs)
{
    return search_workers_run(ec, d->jg, d->n_genes, d->jseed, n_jobs, d->n_workers, d->sc.store_models, on_complete,
                              d);
}

int search_complete(const char *db_path, int64_t run_id, size_t workers, size_t *n_done)
{
    *n_done = 0;
    driver *d = calloc(1, sizeof *d);
    if (!d)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    snac_config_init(&d->cfg);
    d->completing = true;
    search_run_opts o = SEARCH_RUN_OPTS_INIT;
    o.db_path = db_path;
    o.resume = run_id;
    bool done = false;
    int rc = open_resume(d, &o, &done);
    sqlite3_stmt *st = NULL;
    size_t n = 0, cap = 0, M = d->n_obj;
    struct crow {                 /* a trained trial of the run */
        int64_t gen, idx, ep;     /* its row; epochs_done */
        uint64_t seed;
        double f[SEARCH_MAX_OBJ], viol;
        double g[SEARCH_MAX_GENES];
    } *rows = NULL;
    if (!rc && !d->n_rungs)
        rc = snac_err_set(SNAC_EINVAL, "run %lld is not a multi-fidelity search (no search.fidelity): every trial is "
                          "at full fidelity already", (long long)run_id);
    if (!rc)
        rc = prep(d, "SELECT generation, idx, seed, genome, objectives, violation, epochs_done FROM trials "
                     "WHERE run_id = ?1 AND status = 'done' ORDER BY generation, idx", &st);
    if (!rc) {
        sqlite3_bind_int64(st, 1, run_id);
        int s;
        while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
            if (n == cap) {
                void *nr = realloc(rows, (cap = cap ? 2 * cap : 64) * sizeof *rows);
                if (!nr) {
                    rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                    break;
                }
                rows = nr;
            }
            struct crow *c = &rows[n];
            c->gen = sqlite3_column_int64(st, 0);
            c->idx = sqlite3_column_int64(st, 1);
            c->seed = (uint64_t)sqlite3_column_int64(st, 2);
            c->viol = sqlite3_column_double(st, 5);
            c->ep = sqlite3_column_type(st, 6) == SQLITE_NULL ? (int64_t)d->sc.epochs : sqlite3_column_int64(st, 6);
            if (search_genome_parse((const char *)sqlite3_column_text(st, 3), c->g, d->n_genes) ||
                search_objectives_f((const char *)sqlite3_column_text(st, 4), c->f, M) || c->idx < 0 ||
                (size_t)c->idx >= d->pop)
                rc = snac_err_set(SNAC_EFORMAT, "run %lld: trial gen %lld idx %lld is unreadable", (long long)run_id,
                                  (long long)c->gen, (long long)c->idx);
            n++;
        }
        if (!rc && s != SQLITE_DONE)
            rc = db_error(d->db, "read trials");
        sqlite3_finalize(st);
    }
    /* the partial trials no full-fidelity trial constrained-dominates: at full fidelity they may
     * be on the front. Completed in batches of at most a population. */
    size_t i = 0;
    search_eval_ctx ec = {&d->sc, &d->cfg.training, &d->data, &d->ver, d->part, NULL, NULL, false};
    d->n_workers = workers ? workers : d->sc.workers ? d->sc.workers : search_workers_default();
    while (!rc && i < n) {
        size_t n_jobs = 0;
        for (; i < n && n_jobs < d->pop; i++) {
            const struct crow *c = &rows[i];
            bool dominated = c->ep >= (int64_t)d->sc.epochs;
            for (size_t j = 0; j < n && !dominated; j++)
                dominated = rows[j].ep >= (int64_t)d->sc.epochs &&
                            nsga2_constrained_dominates(rows[j].f, rows[j].viol, c->f, c->viol, M);
            if (dominated)
                continue;
            d->jseed[n_jobs] = c->seed;
            d->cgen = d->cgen ? d->cgen : calloc(d->pop, sizeof *d->cgen);
            d->cidx = d->cidx ? d->cidx : calloc(d->pop, sizeof *d->cidx);
            d->cg = d->cg ? d->cg : calloc(d->pop * d->n_genes, sizeof *d->cg);
            if (!d->cgen || !d->cidx || !d->cg) {
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                break;
            }
            d->cgen[n_jobs] = c->gen;
            d->cidx[n_jobs] = c->idx;
            memcpy(d->jg + n_jobs * d->n_genes, c->g, d->n_genes * sizeof(double));
            n_jobs++;
        }
        if (!rc && n_jobs)
            rc = complete_batch(d, &ec, n_jobs);
    }
    *n_done = d->sum.trained;
    free(rows);
    driver_free(d);
    free(d);
    return rc;
}
