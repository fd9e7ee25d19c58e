/* local_run — the local-search driver and its front; see local_run.h.
 *
 * Memory: the driver struct owns the configs, the data, the source list and the surrogate
 * version; a chain owns its QAT state and checkpoint and frees them before the next.
 * Workload: QAT epochs dominate; a stored iteration costs an export, two exact evaluations
 * (validation, test) and one surrogate prediction.
 */
#define _POSIX_C_SOURCE 200809L
#include "search/local_run.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "datasets/dataset.h"
#include "nn/train.h"
#include "prune/prune.h"
#include "quant/qat.h"
#include "quant/qengine.h"
#include "search/local_config.h"
#include "search/local_priv.h"
#include "search/search_config.h"
#include "search/search_eval.h"
#include "search/search_space.h"
#include "surrogate/surr_features.h"
#include "surrogate/surr_spec_mlp.h"
#include "surrogate/surr_part.h"
#include "surrogate/surr_specio.h"
#include "surrogate/surr_store.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/interrupt.h"
#include "util/mpi_farm.h"
#include "util/progress.h"
#include "util/rng.h"

#define MAX_SOURCES LOCAL_MAX_SOURCES

typedef local_driver ldriver;
typedef local_source source;
typedef local_chain chain;

/* Seeded from the source trial's own seed, not its row id: a search resumed with several workers
 * can number its trials in another order, and the chains must not change with it. */
static uint64_t chain_seed(uint64_t seed, uint64_t trial_seed, size_t bits, size_t iteration)
{
    uint64_t h = rng_mix64(seed ^ 0x6c6f63616c5f7365ull); /* "local_se" */
    h = rng_mix64(h ^ trial_seed);
    h = rng_mix64(h ^ (uint64_t)bits);
    return rng_mix64(h ^ (uint64_t)iteration);
}

/* ------------------------------------------------------------------ sources */

static void source_free(source *s)
{
    nn_mlp_free(s->mlp);
    s->mlp = NULL;
}

/* Load trial `id`: its architecture, hyperparameters and float weights (retrained from its
 * genome and seed when the search did not keep them). */
static int source_load(ldriver *d, int64_t id, source *s)
{
    memset(s, 0, sizeof *s);
    s->trial_id = id;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(d->db),
                           "SELECT run_id, genome, seed, status, model_id, accuracy FROM trials WHERE id = ?1", -1,
                           &st, NULL) != SQLITE_OK)
        return db_error(d->db, "prepare trial query");
    sqlite3_bind_int64(st, 1, id);
    int rc = SNAC_OK;
    double g[SEARCH_MAX_GENES];
    uint64_t seed = 0;
    int64_t model_id = 0;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = snac_err_set(SNAC_ENOTFOUND, "%s: no trial %lld", db_path(d->db), (long long)id);
    } else if (sqlite3_column_int64(st, 0) != d->search_run) {
        rc = snac_err_set(SNAC_EINVAL, "trial %lld belongs to run %lld, not to search run %lld", (long long)id,
                          (long long)sqlite3_column_int64(st, 0), (long long)d->search_run);
    } else if (strcmp((const char *)sqlite3_column_text(st, 3), "failed") == 0) {
        rc = snac_err_set(SNAC_EINVAL, "trial %lld failed in the search: nothing to compress", (long long)id);
    } else {
        size_t n_genes = search_space_n_genes(&d->sc.space);
        rc = search_genome_parse((const char *)sqlite3_column_text(st, 1), g, n_genes);
        seed = (uint64_t)sqlite3_column_int64(st, 2);
        s->seed = seed;
        model_id = sqlite3_column_int64(st, 4);
        if (!rc)
            search_space_decode(&d->sc.space, g, d->data.d, d->data.n_classes, &s->arch, &s->hp);
    }
    sqlite3_finalize(st);
    if (rc)
        return rc;
    void *blob = NULL;
    size_t len = 0;
    if (model_id) {
        if ((rc = db_model_load(d->db, model_id, &blob, &len, NULL)))
            return rc;
        rc = nn_mlp_load(blob, len, &s->mlp);
        free(blob);
    } else {
        /* the search kept no weights: train the trial again exactly as the search did */
        progress_line("trial %lld: no stored weights, retraining from its genome and seed", (long long)id);
        search_eval_ctx ec = {&d->sc, &d->cfg.training, &d->data, &d->ver, d->part, NULL, NULL, false};
        search_trial_result r;
        memset(&r, 0, sizeof r);
        if ((rc = search_eval_trial(&ec, g, seed, true, &r)) == 0) {
            if (r.status != SEARCH_TRIAL_DONE || !r.model)
                rc = snac_err_set(SNAC_EINVAL, "trial %lld: retraining failed: %s", (long long)id, r.error);
            else
                rc = nn_mlp_load(r.model, r.model_len, &s->mlp);
        }
        search_trial_result_clear(&r);
    }
    if (rc)
        return rc;
    const nn_arch *a = nn_mlp_arch(s->mlp);
    if (a->n_in != d->data.d || a->n_out != d->data.n_classes)
        rc = snac_err_set(SNAC_EINVAL, "trial %lld: network takes %zu features / %zu classes, the data has %zu / %zu",
                          (long long)id, a->n_in, a->n_out, d->data.d, d->data.n_classes);
    else
        rc = nn_evaluate(s->mlp, &d->data.val, NULL, &s->float_val_acc, NULL);
    if (rc)
        source_free(s);
    else
        progress_line("trial %lld: %zu hidden layers, float validation accuracy %.4f", (long long)s->trial_id,
                      s->arch.n_hidden, s->float_val_acc);
    return rc;
}

/* ------------------------------------------------------------------ surrogate */

/* The surrogate's estimate of the deployed model, from its real integer weights. */
static int predict(ldriver *d, const quant_model *qm, surr_prediction *p, char sha[65])
{
    surr_model_spec *ms;
    int rc = surr_model_spec_from_qmodel(qm, &ms);
    if (rc)
        return rc;
    surr_spec *s = &ms->spec;
    const search_deploy *dep = &d->sc.deploy;
    s->reuse_factor = dep->reuse_factor;
    s->strategy = dep->strategy;
    s->io_type = dep->io_type;
    snprintf(s->part, sizeof s->part, "%s", dep->part);
    s->clock_ns = dep->clock_ns;
    s->toolchain = dep->toolchain;
    surr_features x;
    if (!(rc = surr_features_extract(s, &x)) && !(rc = surr_spec_sha256(s, sha)))
        surr_predict_interval(&d->ver, &x, d->part, p); /* stored: with its 95% interval */
    surr_model_spec_free(ms);
    return rc;
}

/* ------------------------------------------------------------------ storing an iteration */

/* The golden-model contract on the data itself: QAT's eval pass and the integer engine give
 * the same output codes on every validation row (~0.1 s for 20k jets). A difference is a bug in
 * snac, reported with the row, never stored. *acc: the validation accuracy of those codes. */
static int check_golden(quant_qat *q, const quant_model *qm, const ds_tensor *val, double *acc)
{
    const size_t C = qm->layer[qm->n_layers - 1].n_out, n = val->n;
    int32_t *x = malloc((n * val->d + 1) * sizeof *x), *a = malloc((n * C + 1) * sizeof *a),
            *b = malloc((n * C + 1) * sizeof *b);
    quant_engine *e = NULL;
    int rc = !x || !a || !b ? snac_err_set(SNAC_ENOMEM, "out of memory for the golden-model check") : SNAC_OK;
    if (!rc && !(rc = quant_engine_new(qm, &e)) && !(rc = quant_qat_eval_codes(q, val->x, n, b))) {
        quant_engine_quantize_input(qm, val->x, n, x);
        quant_engine_run(e, x, n, a);
        for (size_t i = 0; i < n * C && !rc; i++)
            if (a[i] != b[i])
                rc = snac_err_set(SNAC_EFORMAT, "internal error: the integer engine and QAT's eval pass differ on "
                                  "validation row %zu, output %zu (%d vs %d)", i / C, i % C, (int)a[i], (int)b[i]);
        size_t hits = 0; /* the deployed network's accuracy, from the same codes */
        for (size_t r = 0; r < n; r++)
            hits += quant_argmax(a + r * C, C) == (size_t)val->y[r];
        *acc = n ? (double)hits / (double)n : NAN;
    }
    quant_engine_free(e);
    free(x);
    free(a);
    free(b);
    return rc;
}

void local_iter_free(local_iter *r)
{
    free(r->wblob);
    free(r->qblob);
    r->wblob = r->qblob = NULL;
}

/* Everything stored of iteration `it`, from the chain's QAT state (no store needed). */
static int compute_iteration(ldriver *d, chain *c, size_t it, size_t epochs, double target, double seconds,
                             local_iter *r)
{
    memset(r, 0, sizeof *r);
    r->it = it;
    r->epochs = epochs;
    r->target = target;
    r->seconds = seconds;
    r->val_acc = r->test_acc = NAN;
    quant_model *qm = NULL;
    nn_mlp *master = NULL;
    int rc;
    if (!(rc = quant_qat_export(c->q, &qm)) && !(rc = quant_model_save(qm, &r->qblob, &r->qlen)) &&
        !(rc = quant_qat_to_mlp(c->q, &c->src->arch, &master)) && !(rc = nn_mlp_save(master, &r->wblob, &r->wlen)) &&
        !(rc = check_golden(c->q, qm, &d->data.val, &r->val_acc)) &&
        !(d->data.test.n && (rc = quant_qat_evaluate(c->q, &d->data.test, &r->test_acc, NULL))) &&
        !(rc = predict(d, qm, &r->p, r->sha)))
        r->sparsity = quant_model_sparsity(qm);
    quant_model_free(qm);
    nn_mlp_free(master);
    if (rc)
        local_iter_free(r);
    return rc;
}

int local_save_iteration(ldriver *d, chain *c, local_iter *r)
{
    const surr_prediction *p = &r->p;
    nn_arch fa = c->src->arch;
    fa.batch_norm = false;
    fa.dropout = 0.0f;
    char arch[1024], name[96], preds[768];
    search_arch_json(&fa, &c->src->hp, arch, sizeof arch);
    snprintf(name, sizeof name, "local %lld t%lld %zub it%zu", (long long)d->run_id, (long long)c->src->trial_id,
             c->bits, r->it);
    snprintf(preds, sizeof preds,
             "{\"surrogate_version\":%lld,\"spec_sha256\":\"%s\",\"avg_resource_pct\":%.17g,\"latency_ns\":%.17g",
             (long long)d->ver.id, r->sha, p->avg_resource_pct, p->latency_ns);
    for (int t = 0; t < SURR_T_COUNT; t++)
        snprintf(preds + strlen(preds), sizeof preds - strlen(preds), ",\"%s\":%.17g", surr_target_names[t], p->y[t]);
    snprintf(preds + strlen(preds), sizeof preds - strlen(preds), "}");
    db_model m = {d->run_id, name, arch, (int64_t)nn_arch_params(&fa), (int64_t)nn_arch_macs(&fa), r->test_acc, NAN,
                  r->wblob, r->wlen};
    int64_t model_id = 0;
    int rc = db_begin(d->db);
    if (rc)
        goto out;
    if (!(rc = db_model_insert(d->db, &m, &model_id)) &&
        !(rc = db_model_set_qmodel(d->db, model_id, r->qblob, r->qlen))) {
        sqlite3_stmt *st;
        char now[32];
        db_now(now);
        if (sqlite3_prepare_v2(db_handle(d->db),
                               "INSERT INTO local_iterations(run_id, source_trial_id, bits, iteration, epochs, "
                               "target_sparsity, sparsity, val_acc, test_acc, bops_mac, bops_bit, predictions, seconds, "
                               "model_id, created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
                               -1, &st, NULL) != SQLITE_OK) {
            rc = db_error(d->db, "prepare local iteration insert");
        } else {
            sqlite3_bind_int64(st, 1, d->run_id);
            sqlite3_bind_int64(st, 2, c->src->trial_id);
            sqlite3_bind_int64(st, 3, (int64_t)c->bits);
            sqlite3_bind_int64(st, 4, (int64_t)r->it);
            sqlite3_bind_int64(st, 5, (int64_t)r->epochs);
            sqlite3_bind_double(st, 6, r->target);
            sqlite3_bind_double(st, 7, r->sparsity);
            sqlite3_bind_double(st, 8, r->val_acc);
            if (isnan(r->test_acc))
                sqlite3_bind_null(st, 9);
            else
                sqlite3_bind_double(st, 9, r->test_acc);
            sqlite3_bind_double(st, 10, p->bops_mac);
            sqlite3_bind_double(st, 11, p->bops_bitaware);
            sqlite3_bind_text(st, 12, preds, -1, SQLITE_TRANSIENT);
            sqlite3_bind_double(st, 13, r->seconds);
            sqlite3_bind_int64(st, 14, model_id);
            sqlite3_bind_text(st, 15, now, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_error(d->db, "insert local iteration");
            sqlite3_finalize(st);
        }
    }
    if (!rc)
        rc = surr_prediction_insert(d->db, d->ver.id, model_id, r->sha, p);
    if (!rc)
        rc = db_commit(d->db);
    if (rc) {
        db_rollback(d->db);
        goto out;
    }
    d->sum.stored++;
    progress_line("trial %lld %zu bits iteration %zu: sparsity %.4f, val acc %.4f (float %.4f), test acc %.4f, "
                  "avg res %.3f%%, latency %.0f cycles, model %lld",
                  (long long)c->src->trial_id, c->bits, r->it, r->sparsity, r->val_acc, c->src->float_val_acc,
                  r->test_acc, p->avg_resource_pct, p->y[SURR_T_LATENCY_CYCLES], (long long)model_id);
    if (d->kill_after && ++d->stored_total >= d->kill_after)
        raise(SIGKILL); /* test hook: a crash right after a commit */
out:
    local_iter_free(r);
    return rc;
}

/* Compute iteration `it` and hand it to the driver's emit. */
static int finish_iteration(ldriver *d, chain *c, size_t it, size_t epochs, double target, double t0)
{
    local_iter r;
    int rc = compute_iteration(d, c, it, epochs, target, progress_now() - t0, &r);
    if (!rc)
        rc = d->emit(d, c, &r);
    local_iter_free(&r);
    return rc;
}

/* ------------------------------------------------------------------ one chain */

static int train_epochs(ldriver *d, chain *c, size_t it, size_t epochs)
{
    snac_rng rng;
    rng_seed(&rng, chain_seed(d->lc.seed, c->src->seed, c->bits, it));
    for (size_t e = 1; e <= epochs; e++) {
        double t0 = progress_now(), loss, acc;
        int rc = quant_qat_epoch(c->q, &d->data.train, &rng, &loss, &acc);
        if (rc)
            return snac_err_prefix(rc, "trial %lld, %zu bits, iteration %zu, epoch %zu: ", (long long)c->src->trial_id,
                                   c->bits, it, e);
        double dt = progress_now() - t0;
        progress_line("trial %lld %zu bits iteration %zu epoch %zu/%zu: loss %.4f, train acc %.4f, %.0f samples/s",
                      (long long)c->src->trial_id, c->bits, it, e, epochs, loss, acc,
                      dt > 0 ? (double)d->data.train.n / dt : 0.0);
        if (d->pause_ms) { /* test hook: a slow epoch, without burning a core */
            struct timespec ts = {(time_t)(d->pause_ms / 1000), (long)(d->pause_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        if (snac_interrupted()) /* the iteration in flight is dropped; a resume redoes it */
            return snac_err_set(SNAC_EINTR, "interrupted by %s", snac_interrupt_name(snac_interrupted()));
    }
    return SNAC_OK;
}

/* The stored iteration's float weights and quantized model, as blobs. */
static int load_iteration(ldriver *d, int64_t trial, size_t bits, size_t it, void **w, size_t *wlen, void **q,
                          size_t *qlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(d->db),
                           "SELECT model_id FROM local_iterations WHERE run_id = ?1 AND source_trial_id = ?2 "
                           "AND bits = ?3 AND iteration = ?4",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(d->db, "prepare iteration query");
    sqlite3_bind_int64(st, 1, d->run_id);
    sqlite3_bind_int64(st, 2, trial);
    sqlite3_bind_int64(st, 3, (int64_t)bits);
    sqlite3_bind_int64(st, 4, (int64_t)it);
    int64_t model_id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (!model_id)
        return snac_err_set(SNAC_EFORMAT, "run %lld: iteration %zu of trial %lld at %zu bits is missing",
                            (long long)d->run_id, it, (long long)trial, bits);
    int rc = db_model_load(d->db, model_id, w, wlen, NULL);
    if (!rc && q)
        rc = db_model_load_qmodel(d->db, model_id, q, qlen);
    return rc;
}

/* Iterations of this chain already stored: the highest iteration, or -1. */
static long last_stored(ldriver *d, int64_t trial, size_t bits)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(d->db),
                           "SELECT MAX(iteration) FROM local_iterations WHERE run_id = ?1 AND source_trial_id = ?2 "
                           "AND bits = ?3",
                           -1, &st, NULL) != SQLITE_OK)
        return -2;
    sqlite3_bind_int64(st, 1, d->run_id);
    sqlite3_bind_int64(st, 2, trial);
    sqlite3_bind_int64(st, 3, (int64_t)bits);
    long v = -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

void local_chain_start_free(local_chain_start *st)
{
    free(st->w0);
    free(st->wl);
    free(st->ql);
    memset(st, 0, sizeof *st);
    st->last = -1;
}

int local_chain_start_load(ldriver *d, int64_t trial, size_t bits, local_chain_start *st)
{
    memset(st, 0, sizeof *st);
    st->last = last_stored(d, trial, bits);
    if (st->last < -1)
        return db_error(d->db, "query stored iterations");
    if (st->last < 0)
        return SNAC_OK;
    int rc = load_iteration(d, trial, bits, 0, &st->w0, &st->w0_len, NULL, NULL);
    if (!rc)
        rc = load_iteration(d, trial, bits, (size_t)st->last, &st->wl, &st->wl_len, &st->ql, &st->ql_len);
    if (rc)
        local_chain_start_free(st);
    return rc;
}

static int new_qat(ldriver *d, chain *c, const nn_mlp *from)
{
    quant_qat_opts o = QUANT_QAT_OPTS_INIT;
    o.batch_size = d->lc.batch_size < d->data.train.n ? d->lc.batch_size : d->data.train.n;
    o.learning_rate = (float)(d->lc.learning_rate > 0 ? d->lc.learning_rate : c->src->hp.learning_rate);
    o.l1 = (float)c->src->hp.l1;
    o.beta1 = d->cfg.training.beta1;
    o.beta2 = d->cfg.training.beta2;
    o.eps = d->cfg.training.eps;
    quant_qat_free(c->q);
    c->q = NULL;
    return quant_qat_new(from, c->spec, &o, &c->q);
}

int local_prune_rewind(quant_qat *q, const float *ckpt, double target, enum prune_scope scope)
{
    const size_t L = quant_qat_n_layers(q);
    prune_tensor t[QUANT_MAX_LAYERS];
    for (size_t l = 0; l < L; l++) {
        t[l].w = quant_qat_weights(q, l, &t[l].n);
        t[l].mask = quant_qat_mask(q, l);
    }
    int rc = prune_magnitude(t, L, target, scope);
    if (rc)
        return rc;
    /* rewind the survivors to the checkpoint (biases too); masked weights stay 0. The
     * weights are the first block of the parameters, in layer order, as in the checkpoint */
    size_t n, nw = 0;
    float *p = quant_qat_params(q, &n);
    prune_rewind(t, L, ckpt);
    for (size_t l = 0; l < L; l++)
        nw += t[l].n;
    memcpy(p + nw, ckpt + nw, (n - nw) * sizeof *p);
    return SNAC_OK;
}

/* Resume: the checkpoint from iteration 0, the weights and masks of the last stored one. */
static int resume_chain(ldriver *d, chain *c, const local_chain_start *st)
{
    nn_mlp *m0 = NULL, *ml = NULL;
    quant_model *ql = NULL;
    int rc;
    if (!(rc = nn_mlp_load(st->w0, st->w0_len, &m0)) && !(rc = new_qat(d, c, m0)) &&
        !(rc = nn_mlp_load(st->wl, st->wl_len, &ml)) && !(rc = quant_model_load(st->ql, st->ql_len, &ql))) {
        for (size_t l = 0; l < ql->n_layers && l < c->spec->n_layers; l++)
            memcpy(c->spec->layer[l].mask, ql->layer[l].mask, ql->layer[l].n_in * ql->layer[l].n_out);
        size_t n;
        float *p0 = quant_qat_params(c->q, &n);
        if (!(c->ckpt = malloc(n * sizeof *c->ckpt))) {
            rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        } else {
            memcpy(c->ckpt, p0, n * sizeof *c->ckpt);
            c->n_par = n;
            rc = new_qat(d, c, ml);
        }
    }
    nn_mlp_free(m0);
    nn_mlp_free(ml);
    quant_model_free(ql);
    return rc;
}

int local_chain_run(ldriver *d, chain *c, const local_chain_start *st)
{
    int rc = local_model_spec(&d->lc, c->bits, &c->src->arch, &c->spec);
    if (rc)
        return rc;
    if (st->last < 0) {
        double t0 = progress_now();
        if ((rc = new_qat(d, c, c->src->mlp)) || (rc = train_epochs(d, c, 0, d->lc.warmup_epochs)) ||
            (rc = finish_iteration(d, c, 0, d->lc.warmup_epochs, 0.0, t0)))
            return rc;
    } else if ((rc = resume_chain(d, c, st))) {
        return rc;
    }
    if (!c->ckpt) {
        float *p = quant_qat_params(c->q, &c->n_par);
        c->ckpt = malloc(c->n_par * sizeof *c->ckpt);
        if (!c->ckpt)
            return snac_err_set(SNAC_ENOMEM, "out of memory");
        memcpy(c->ckpt, p, c->n_par * sizeof *c->ckpt);
    }
    for (size_t it = st->last < 0 ? 1 : (size_t)st->last + 1; it <= d->lc.iterations; it++) {
        double t0 = progress_now(), target = prune_target_sparsity(d->lc.prune_rate, it);
        if ((rc = local_prune_rewind(c->q, c->ckpt, target, d->lc.scope)))
            return rc;
        quant_qat_reset_optimizer(c->q);
        if ((rc = train_epochs(d, c, it, d->lc.prune_epochs)) ||
            (rc = finish_iteration(d, c, it, d->lc.prune_epochs, target, t0)))
            return rc;
    }
    return SNAC_OK;
}

void local_chain_free(chain *c)
{
    quant_qat_free(c->q);
    quant_model_free(c->spec);
    free(c->ckpt);
    memset(c, 0, sizeof *c);
}

#ifdef SNAC_WITH_MPI
/* Rank 0 of several: every source loaded here (the store is rank 0's), the chains on the workers. */
static int run_sources_mpi(ldriver *d)
{
    source s[MAX_SOURCES];
    size_t n = 0;
    int rc = SNAC_OK;
    for (size_t i = 0; !rc && i < d->n_src; i++)
        if (!(rc = source_load(d, d->src[i], &s[n])))
            n++;
    if (!rc)
        rc = local_mpi_run(d, s, n);
    for (size_t i = 0; i < n; i++)
        source_free(&s[i]);
    return rc;
}
#endif

/* ------------------------------------------------------------------ opening a run */

int local_load_search(ldriver *d, const char *text, size_t len, const char *stored_fp)
{
    int rc;
    if ((rc = snac_config_parse(text, len, "search run config", &d->cfg)) ||
        (rc = search_config_parse(text, len, "search run config", &d->sc)) ||
        (rc = surr_part_find(d->sc.deploy.part, &d->part)) || (rc = ds_load(&d->cfg.data, &d->data)))
        return rc;
    d->have_data = true;
    char diff[700];
    ds_fingerprint(&d->data, d->fingerprint);
    if (ds_fingerprint_diff(stored_fp, d->fingerprint, diff, sizeof diff))
        return snac_err_set(SNAC_EINVAL, "search run %lld was trained on other data than its data.files read now "
                            "(%s): its trials cannot be compressed on this data; restore it", (long long)d->search_run,
                            diff);
    if (d->data.val.n == 0)
        return snac_err_set(SNAC_EINVAL, "local search: the validation set is empty (data.val_fraction > 0 is needed)");
    progress_line("data: %zu train / %zu val / %zu test rows, %zu features, %zu classes", d->data.train.n,
                  d->data.val.n, d->data.test.n, d->data.d, d->data.n_classes);
    return SNAC_OK;
}

static int read_search_run(ldriver *d)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(d->db), "SELECT kind, config_yaml, coalesce(data_fingerprint, '') FROM runs "
                           "WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_error(d->db, "prepare run query");
    sqlite3_bind_int64(st, 1, d->search_run);
    int rc = SNAC_OK;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = snac_err_set(SNAC_ENOTFOUND, "%s: no run %lld", db_path(d->db), (long long)d->search_run);
    } else if (strcmp((const char *)sqlite3_column_text(st, 0), "search") != 0) {
        rc = snac_err_set(SNAC_EINVAL, "run %lld is a '%s' run, not a global search", (long long)d->search_run,
                          (const char *)sqlite3_column_text(st, 0));
    } else {
        const char *text = (const char *)sqlite3_column_text(st, 1);
        rc = local_load_search(d, text, strlen(text), (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    return rc;
}

static int trial_run_of(ldriver *d, int64_t trial, int64_t *run);

static int pick_sources(ldriver *d, const local_run_opts *o)
{
    if (o->n_trials) {
        if (o->n_trials > MAX_SOURCES)
            return snac_err_set(SNAC_EINVAL, "local search: %zu source trials; at most %d", o->n_trials, MAX_SOURCES);
        for (size_t i = 0; i < o->n_trials; i++) {
            int64_t run = 0;
            int rc = trial_run_of(d, o->trials[i], &run);
            if (rc)
                return rc;
            if (run != d->search_run)
                return snac_err_set(SNAC_EINVAL, "trial %lld belongs to run %lld, not to search run %lld",
                                    (long long)o->trials[i], (long long)run, (long long)d->search_run);
            d->src[d->n_src++] = o->trials[i];
        }
        return SNAC_OK;
    }
    if (o->trial > 0) {
        d->src[0] = o->trial;
        d->n_src = 1;
        return SNAC_OK;
    }
    if (o->best) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db_handle(d->db),
                               "SELECT id FROM trials WHERE run_id = ?1 AND status = 'done' "
                               "ORDER BY accuracy DESC, id LIMIT 1",
                               -1, &st, NULL) != SQLITE_OK)
            return db_error(d->db, "prepare best-trial query");
        sqlite3_bind_int64(st, 1, d->search_run);
        if (sqlite3_step(st) == SQLITE_ROW)
            d->src[d->n_src++] = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        if (!d->n_src)
            return snac_err_set(SNAC_ENOTFOUND, "search run %lld has no trained trial", (long long)d->search_run);
        return SNAC_OK;
    }
    int64_t *ids;
    double *acc;
    size_t n;
    int rc = search_pareto_front_trials(d->db, d->search_run, &ids, &acc, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n && d->n_src < MAX_SOURCES; i++)
        if (acc[i] >= o->min_acc)
            d->src[d->n_src++] = ids[i];
    double best = -1;
    for (size_t i = 0; i < n; i++)
        best = acc[i] > best ? acc[i] : best;
    free(ids);
    free(acc);
    if (!d->n_src)
        return snac_err_set(SNAC_ENOTFOUND, "search run %lld: no front member has validation accuracy >= %g "
                            "(the best on the front is %.4f)", (long long)d->search_run, o->min_acc, best);
    return SNAC_OK;
}

static int trial_run_of(ldriver *d, int64_t trial, int64_t *run)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(d->db), "SELECT run_id FROM trials WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_error(d->db, "prepare trial query");
    sqlite3_bind_int64(st, 1, trial);
    int rc = SNAC_OK;
    if (sqlite3_step(st) == SQLITE_ROW)
        *run = sqlite3_column_int64(st, 0);
    else
        rc = snac_err_set(SNAC_ENOTFOUND, "%s: no trial %lld", db_path(d->db), (long long)trial);
    sqlite3_finalize(st);
    return rc;
}

static int load_surrogate(ldriver *d, int64_t version_id)
{
    if (version_id)
        return surr_version_load(d->db, version_id, &d->ver);
    if (d->sc.deploy.surrogate[0])
        return surr_version_load_ref(d->db, d->sc.deploy.surrogate, &d->ver);
    bool created;
    return surr_version_ensure_default(d->db, d->sc.deploy.toolchain, &d->ver, &created);
}

static int write_result(ldriver *d, const char *status)
{
    char result[64 + MAX_SOURCES * 24];
    size_t n = (size_t)snprintf(result, sizeof result, "{\"search_run\":%lld,\"sources\":[", (long long)d->search_run);
    for (size_t i = 0; i < d->n_src; i++)
        n += (size_t)snprintf(result + n, sizeof result - n, "%s%lld", i ? "," : "", (long long)d->src[i]);
    snprintf(result + n, sizeof result - n, "],\"surrogate_version\":%lld}", (long long)d->ver.id);
    return db_run_finish(d->db, d->run_id, status, result);
}

static int open_new(ldriver *d, const local_run_opts *o)
{
    size_t len = 0;
    int rc = SNAC_OK;
    if (o->config_text) {
        len = strlen(o->config_text);
        if (!(d->local_text = strdup(o->config_text)))
            rc = snac_err_set(SNAC_ENOMEM, "out of memory");
    } else {
        rc = snac_read_file(o->config_path, &d->local_text, &len);
    }
    if (!rc)
        rc = local_config_parse(d->local_text, len, o->config_path ? o->config_path : "config", &d->lc);
    if (rc)
        return rc;
    if ((rc = db_open_existing(o->db_path, &d->db)))
        return rc;
    d->search_run = o->search_run;
    if (o->trial > 0) {
        int64_t run = 0;
        if ((rc = trial_run_of(d, o->trial, &run)))
            return rc;
        if (d->search_run && d->search_run != run)
            return snac_err_set(SNAC_EINVAL, "trial %lld belongs to run %lld, not to --run %lld", (long long)o->trial,
                                (long long)run, (long long)d->search_run);
        d->search_run = run;
    }
    if ((rc = read_search_run(d)) || (rc = pick_sources(d, o)) || (rc = load_surrogate(d, 0)))
        return rc;
    db_run r = {"local", "local", d->local_text, o->config_path, d->lc.seed, o->parent_id};
    if ((rc = db_run_insert(d->db, &r, &d->run_id)))
        return rc;
    return write_result(d, "running");
}

static int open_resume(ldriver *d, const local_run_opts *o)
{
    int rc = db_open_existing(o->db_path, &d->db);
    if (rc)
        return rc;
    d->run_id = o->resume;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(d->db), "SELECT kind, config_yaml, result FROM runs WHERE id = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return db_error(d->db, "prepare run query");
    sqlite3_bind_int64(st, 1, d->run_id);
    int64_t version = 0;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = snac_err_set(SNAC_ENOTFOUND, "%s: no run %lld", db_path(d->db), (long long)d->run_id);
    } else if (strcmp((const char *)sqlite3_column_text(st, 0), "local") != 0) {
        rc = snac_err_set(SNAC_EINVAL, "run %lld is a '%s' run, not a local search", (long long)d->run_id,
                          (const char *)sqlite3_column_text(st, 0));
    } else {
        const char *text = (const char *)sqlite3_column_text(st, 1);
        const char *res = (const char *)sqlite3_column_text(st, 2);
        d->local_text = strdup(text);
        rc = d->local_text ? local_config_parse(text, strlen(text), "stored local config", &d->lc)
                           : snac_err_set(SNAC_ENOMEM, "out of memory");
        const char *p = res ? strstr(res, "\"search_run\":") : NULL;
        const char *s = res ? strstr(res, "\"sources\":[") : NULL;
        const char *v = res ? strstr(res, "\"surrogate_version\":") : NULL;
        if (!rc && (!p || !s || !v))
            rc = snac_err_set(SNAC_EFORMAT, "run %lld: its result does not record the search run and sources",
                              (long long)d->run_id);
        if (!rc) {
            d->search_run = strtoll(p + 13, NULL, 10);
            version = strtoll(v + 20, NULL, 10);
            for (s += 11; *s && *s != ']' && d->n_src < MAX_SOURCES; s++) {
                char *end;
                long long id = strtoll(s, &end, 10);
                if (end == s)
                    break;
                d->src[d->n_src++] = id;
                s = end;
                if (*s == ']')
                    break;
            }
        }
    }
    sqlite3_finalize(st);
    if (rc || (rc = db_run_claim(d->db, d->run_id)) || (rc = read_search_run(d)) || (rc = load_surrogate(d, version)))
        return rc;
    return write_result(d, "running");
}

int local_run(const local_run_opts *o, local_run_summary *out)
{
    ldriver *d = calloc(1, sizeof *d);
    if (!d)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    snac_config_init(&d->cfg);
    double t0 = progress_now();
    int rc = o->resume > 0 ? open_resume(d, o) : open_new(d, o);
    const char *k = getenv("SNAC_LOCAL_KILL_AFTER");
    d->kill_after = k ? (size_t)strtoull(k, NULL, 10) : 0;
    const char *pm = getenv("SNAC_LOCAL_PAUSE_MS");
    d->pause_ms = pm ? (size_t)strtoull(pm, NULL, 10) : 0;
    if (!rc)
        progress_line("local run %lld: %zu source trial(s) of search run %lld, bits x %zu, %zu + %zu x %zu epochs, "
                      "surrogate version %lld",
                      (long long)d->run_id, d->n_src, (long long)d->search_run, d->lc.n_bits, d->lc.warmup_epochs,
                      d->lc.iterations, d->lc.prune_epochs, (long long)d->ver.id);
    d->emit = local_save_iteration;
#ifdef SNAC_WITH_MPI
    if (!rc && mpi_farm_size() > 1)
        rc = run_sources_mpi(d);
    else
#endif
        for (size_t i = 0; !rc && i < d->n_src; i++) {
            source s;
            if ((rc = source_load(d, d->src[i], &s)))
                break;
            for (size_t b = 0; !rc && b < d->lc.n_bits; b++) {
                chain c = {.src = &s, .bits = d->lc.bits[b]};
                local_chain_start st;
                if (!(rc = local_chain_start_load(d, s.trial_id, c.bits, &st))) {
                    d->sum.reused += (size_t)(st.last + 1);
                    rc = local_chain_run(d, &c, &st);
                }
                local_chain_start_free(&st);
                local_chain_free(&c);
                d->sum.chains++;
            }
            source_free(&s);
            d->sum.sources++;
        }
    if (rc == SNAC_EINTR && d->run_id)
        snac_err_set(rc, "local run %lld interrupted by %s after %zu stored iterations; resume it with: "
                     "snac local --resume %lld --db %s", (long long)d->run_id,
                     snac_interrupt_name(snac_interrupted()), d->sum.stored, (long long)d->run_id, o->db_path);
    if (d->db && d->run_id && rc != SNAC_EBUSY) { /* a run owned by another process is left alone */
        char *msg = rc ? strdup(snac_err_msg()) : NULL;
        int frc = write_result(d, rc == SNAC_EINTR ? "interrupted" : rc ? "failed" : "done");
        if (msg) { /* keep the run's own error, not the bookkeeping's */
            snac_err_set(rc, "%s", msg);
            free(msg);
        } else if (frc) {
            rc = frc;
        }
    }
    d->sum.run_id = d->run_id;
    d->sum.seconds = progress_now() - t0;
    if (out)
        *out = d->sum;
    if (d->have_data)
        ds_split_free(&d->data);
    surr_version_clear(&d->ver);
    snac_config_free(&d->cfg);
    free(d->local_text);
    db_close(d->db);
    free(d);
    return rc;
}

/* ------------------------------------------------------------------ the local front */

typedef struct lrow {
    int64_t trial, model_id;
    long bits, iteration;
    double sparsity, val_acc, test_acc, bops_mac, avg_res, latency, lut, ff, dsp;
    bool front;
} lrow;

static double json_num(const char *js, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = js ? strstr(js, pat) : NULL;
    return p ? strtod(p + strlen(pat), NULL) : NAN;
}

/* a no worse than b in every criterion and better in one */
static bool ldominates(const lrow *a, const lrow *b)
{
    double fa[4] = {-a->val_acc, a->avg_res, a->latency, -a->sparsity};
    double fb[4] = {-b->val_acc, b->avg_res, b->latency, -b->sparsity};
    bool better = false;
    for (int k = 0; k < 4; k++) {
        if (fa[k] > fb[k])
            return false;
        better |= fa[k] < fb[k];
    }
    return better;
}

/* Every stored iteration of local run run_id, in (trial, bits, iteration) order, front members
 * flagged; *r is malloc'd (the caller frees). */
static int load_rows(snac_db *db, int64_t run_id, lrow **out, size_t *n_out, size_t *n_front)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT kind FROM runs WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare run query");
    sqlite3_bind_int64(st, 1, run_id);
    int rc = SNAC_OK;
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = snac_err_set(SNAC_ENOTFOUND, "no run %lld in %s", (long long)run_id, db_path(db));
    else if (strcmp((const char *)sqlite3_column_text(st, 0), "local") != 0)
        rc = snac_err_set(SNAC_EINVAL, "run %lld is a '%s' run, not a local search", (long long)run_id,
                          (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc)
        return rc;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT source_trial_id, bits, iteration, sparsity, val_acc, test_acc, bops_mac, predictions, "
                           "model_id FROM local_iterations WHERE run_id = ?1 ORDER BY source_trial_id, bits, iteration",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare iteration query");
    sqlite3_bind_int64(st, 1, run_id);
    lrow *r = NULL;
    size_t n = 0, cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            lrow *nr = realloc(r, cap * sizeof *r);
            if (!nr) {
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                break;
            }
            r = nr;
        }
        lrow *x = &r[n++];
        const char *pj = (const char *)sqlite3_column_text(st, 7);
        x->trial = sqlite3_column_int64(st, 0);
        x->bits = (long)sqlite3_column_int64(st, 1);
        x->iteration = (long)sqlite3_column_int64(st, 2);
        x->sparsity = sqlite3_column_double(st, 3);
        x->val_acc = sqlite3_column_double(st, 4);
        x->test_acc = sqlite3_column_type(st, 5) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 5);
        x->bops_mac = sqlite3_column_double(st, 6);
        x->avg_res = json_num(pj, "avg_resource_pct");
        x->latency = json_num(pj, "latency_cycles");
        x->lut = json_num(pj, "lut");
        x->ff = json_num(pj, "ff");
        x->dsp = json_num(pj, "dsp");
        x->model_id = sqlite3_column_int64(st, 8);
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(db, "read local iterations");
    sqlite3_finalize(st);
    if (rc) {
        free(r);
        return rc;
    }
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        r[i].front = true;
        for (size_t j = 0; j < n && r[i].front; j++)
            if (j != i && ldominates(&r[j], &r[i]))
                r[i].front = false;
        nf += r[i].front;
    }
    *out = r;
    *n_out = n;
    *n_front = nf;
    return SNAC_OK;
}

int local_front_models(snac_db *db, int64_t run_id, size_t every, int64_t **ids, size_t *n_ids)
{
    lrow *r;
    size_t n, nf;
    *ids = NULL;
    *n_ids = 0;
    int rc = load_rows(db, run_id, &r, &n, &nf);
    if (rc)
        return rc;
    int64_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        free(r);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (every ? r[i].iteration % (long)every == 0 : r[i].front)
            v[k++] = r[i].model_id;
    free(r);
    *ids = v;
    *n_ids = k;
    return SNAC_OK;
}

int local_front_write(snac_db *db, int64_t run_id, enum search_pareto_format fmt, bool all, FILE *out,
                      size_t *n_front)
{
    lrow *r;
    size_t n, nf;
    int rc = load_rows(db, run_id, &r, &n, &nf);
    if (rc)
        return rc;
    if (fmt == SEARCH_PARETO_TEXT)
        fprintf(out, "local run %lld: %zu of %zu iterations on the front (validation accuracy max, average resources "
                     "min, latency min, sparsity max)\n  %s  trial bits iter sparsity val_acc  test_acc      lut      ff"
                     "    dsp latency avg_res%%  model\n",
                (long long)run_id, nf, n, all ? "front" : "");
    else if (fmt == SEARCH_PARETO_CSV)
        fprintf(out, "front,trial,bits,iteration,sparsity,val_acc,test_acc,bops_mac,lut,ff,dsp,latency_cycles,"
                     "avg_resource_pct,model_id\n");
    else
        fprintf(out, "{\"run\":%lld,\"iterations\":[", (long long)run_id);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const lrow *x = &r[i];
        if (!all && !x->front)
            continue;
        if (fmt == SEARCH_PARETO_TEXT)
            fprintf(out, "  %s %5lld %4ld %4ld %8.4f %7.4f %8.4f %8.0f %7.0f %6.0f %7.0f %8.4f %6lld\n",
                    all ? (x->front ? "    *" : "     ") : "", (long long)x->trial, x->bits, x->iteration, x->sparsity,
                    x->val_acc, x->test_acc, x->lut, x->ff, x->dsp, x->latency, x->avg_res, (long long)x->model_id);
        else if (fmt == SEARCH_PARETO_CSV)
            fprintf(out, "%d,%lld,%ld,%ld,%.6f,%.6f,%.6f,%.0f,%.6g,%.6g,%.6g,%.6g,%.6g,%lld\n", x->front ? 1 : 0,
                    (long long)x->trial, x->bits, x->iteration, x->sparsity, x->val_acc, x->test_acc, x->bops_mac,
                    x->lut, x->ff, x->dsp, x->latency, x->avg_res, (long long)x->model_id);
        else
            fprintf(out,
                    "%s{\"front\":%s,\"trial\":%lld,\"bits\":%ld,\"iteration\":%ld,\"sparsity\":%.6f,\"val_acc\":%.6f,"
                    "\"test_acc\":%.6f,\"bops_mac\":%.0f,\"lut\":%.6g,\"ff\":%.6g,\"dsp\":%.6g,\"latency_cycles\":%.6g,"
                    "\"avg_resource_pct\":%.6g,\"model_id\":%lld}",
                    k ? "," : "", x->front ? "true" : "false", (long long)x->trial, x->bits, x->iteration,
                    x->sparsity, x->val_acc, isnan(x->test_acc) ? -1.0 : x->test_acc, x->bops_mac, x->lut, x->ff,
                    x->dsp, x->latency, x->avg_res, (long long)x->model_id);
        k++;
    }
    if (fmt == SEARCH_PARETO_JSON)
        fprintf(out, "]}\n");
    free(r);
    if (n_front)
        *n_front = nf;
    return SNAC_OK;
}
