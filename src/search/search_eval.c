/* search_eval — train + surrogate for one trial; see search_eval.h.
 *
 * Memory: per trial one nn_mlp, its trainer (inside nn_train) and a folded copy for the
 * spec; all released before return except the saved model blob handed to the caller.
 * Workload: dominated by nn_train (single-threaded BLAS inside a worker).
 */
#include "search/search_eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/mlp.h"
#include "surrogate/surr_features.h"
#include "surrogate/surr_spec_mlp.h"
#include "surrogate/surr_specio.h"
#include "util/err.h"
#include "util/progress.h"
#include "util/rng.h"

#define FAILED_COST 1e30
#define FAILED_VIOLATION 1e6

void search_trial_result_clear(search_trial_result *r)
{
    if (!r)
        return;
    free(r->model);
    free(r->ckpt);
    memset(r, 0, sizeof *r);
}

/* splitmix64 steps over the three inputs: independent streams per trial. */
static uint64_t mix(uint64_t x) { return rng_mix64(x + RNG_GOLDEN_GAMMA); }

uint64_t search_trial_seed(uint64_t run_seed, size_t generation, size_t row)
{
    return mix(mix(mix(run_seed) ^ (uint64_t)generation) ^ ((uint64_t)row << 32 | 0x5eedu));
}

void search_objectives(const search_config *cfg, double accuracy, const surr_prediction *p, double *f, double *viol)
{
    for (size_t k = 0; k < cfg->n_obj; k++) {
        double v = search_metric_minimised(cfg->obj[k], search_metric_value(cfg->obj[k], accuracy, p));
        f[k] = isfinite(v) ? v : FAILED_COST;
    }
    double total = 0;
    for (size_t c = 0; c < cfg->n_cons; c++) {
        const search_constraint *k = &cfg->cons[c];
        double v = search_metric_value(k->metric, accuracy, p);
        if (!isfinite(v)) {
            total += FAILED_VIOLATION;
            continue;
        }
        /* relative to the bound, so constraints on LUTs and on cycles weigh alike */
        if (v > k->max)
            total += (v - k->max) / fmax(fabs(k->max), 1e-12);
        if (v < k->min)
            total += (k->min - v) / fmax(fabs(k->min), 1e-12);
    }
    *viol = total;
}

void search_objectives_failed(const search_config *cfg, double *f, double *viol)
{
    for (size_t k = 0; k < cfg->n_obj; k++)
        f[k] = cfg->obj[k] == SEARCH_M_ACCURACY ? 1.0 : FAILED_COST;
    *viol = FAILED_VIOLATION;
}

int search_deploy_spec(const search_deploy *d, const nn_mlp *m, surr_model_spec **out)
{
    surr_model_spec *ms = NULL;
    int rc = surr_model_spec_from_mlp(m, &ms);
    if (rc)
        return rc;
    surr_spec *s = &ms->spec;
    surr_spec_set_precision(s, &d->weight, &d->bias, &d->input, &d->output, NULL);
    s->reuse_factor = d->reuse_factor;
    for (size_t l = 0; l < s->n_layers; l++)
        s->layer[l].reuse_factor = 0;
    s->strategy = d->strategy;
    s->io_type = d->io_type;
    snprintf(s->part, sizeof s->part, "%s", d->part);
    s->clock_ns = d->clock_ns;
    s->toolchain = d->toolchain;
    *out = ms;
    return SNAC_OK;
}

static int fail(search_trial_result *r, const search_config *cfg, const char *what)
{
    r->status = SEARCH_TRIAL_FAILED;
    snprintf(r->error, sizeof r->error, "%s: %s", what, snac_err_msg());
    r->accuracy = NAN;
    r->val_loss = NAN;
    search_objectives_failed(cfg, r->f, &r->viol);
    return SNAC_OK;
}

/* ---------------------------------------------------------------- checkpoints */

/* [ckpt_head][model blob (model_len)][adam m (n floats)][adam v (n floats)], host byte
 * order: a checkpoint lives within one run on one machine (it is never stored). */
typedef struct ckpt_head {
    uint64_t epochs, adam_t, n, model_len;
    snac_rng rng;
} ckpt_head;

void search_ckpt_clear(search_ckpt *c)
{
    if (!c)
        return;
    free(c->blob);
    memset(c, 0, sizeof *c);
}

static int ckpt_pack(const nn_mlp *m, const snac_rng *rng, const nn_adam_state *adam, size_t epochs, void **out,
                     size_t *out_len)
{
    void *model = NULL;
    size_t model_len = 0;
    int rc = nn_mlp_save(m, &model, &model_len);
    if (rc)
        return rc;
    ckpt_head h = {epochs, adam->t, adam->n, model_len, *rng};
    size_t len = sizeof h + model_len + 2 * adam->n * sizeof(float);
    unsigned char *b = malloc(len);
    if (!b) {
        free(model);
        return snac_err_set(SNAC_ENOMEM, "out of memory for a checkpoint");
    }
    memcpy(b, &h, sizeof h);
    memcpy(b + sizeof h, model, model_len);
    memcpy(b + sizeof h + model_len, adam->m, adam->n * sizeof(float));
    memcpy(b + sizeof h + model_len + adam->n * sizeof(float), adam->v, adam->n * sizeof(float));
    free(model);
    *out = b;
    *out_len = len;
    return SNAC_OK;
}

static int ckpt_unpack(const void *blob, size_t len, nn_mlp **m, snac_rng *rng, nn_adam_state *adam, size_t *epochs)
{
    ckpt_head h;
    const unsigned char *b = blob;
    if (len < sizeof h)
        return snac_err_set(SNAC_EFORMAT, "checkpoint of %zu bytes", len);
    memcpy(&h, b, sizeof h);
    if (len != sizeof h + h.model_len + 2 * h.n * sizeof(float))
        return snac_err_set(SNAC_EFORMAT, "checkpoint of %zu bytes does not match its header", len);
    int rc = nn_mlp_load(b + sizeof h, h.model_len, m);
    if (rc)
        return rc;
    adam->m = malloc(h.n * sizeof(float));
    adam->v = malloc(h.n * sizeof(float));
    if (!adam->m || !adam->v) {
        nn_adam_state_clear(adam);
        nn_mlp_free(*m);
        *m = NULL;
        return snac_err_set(SNAC_ENOMEM, "out of memory for a checkpoint");
    }
    memcpy(adam->m, b + sizeof h + h.model_len, h.n * sizeof(float));
    memcpy(adam->v, b + sizeof h + h.model_len + h.n * sizeof(float), h.n * sizeof(float));
    adam->n = h.n;
    adam->t = h.adam_t;
    *rng = h.rng;
    *epochs = h.epochs;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- one trial */

/* Train genome to `epochs` (from the checkpoint ck when given, else from scratch), then
 * measure; a checkpoint is returned in r->ckpt when want_ckpt and epochs < cfg->epochs. */
static int eval_at(const search_eval_ctx *ctx, const double *genome, uint64_t seed, size_t epochs,
                   const search_ckpt *ck, bool want_ckpt, bool keep_model, search_trial_result *r)
{
    const search_config *cfg = ctx->cfg;
    memset(r, 0, sizeof *r);
    nn_arch a;
    search_hparams hp;
    search_space_decode(&cfg->space, genome, ctx->data->d, ctx->data->n_classes, &a, &hp);

    nn_train_opts o = *ctx->train;
    o.learning_rate = (float)hp.learning_rate;
    o.l1 = (float)hp.l1;
    o.threads = 1; /* one trial per core: BLAS stays single-threaded (and bitwise reproducible) */
    r->epochs = epochs;

    snac_rng rng;
    nn_adam_state adam = {0};
    nn_mlp *m = NULL;
    surr_model_spec *ms = NULL;
    size_t done = 0;
    int rc;
    if (ck && ck->len && ck->epochs < epochs) {
        if ((rc = ckpt_unpack(ck->blob, ck->len, &m, &rng, &adam, &done)))
            return rc == SNAC_ENOMEM ? rc : fail(r, cfg, "checkpoint");
    } else {
        rng_seed(&rng, seed);
        rc = nn_mlp_new(&a, &rng, &m);
        if (rc == SNAC_ENOMEM)
            return rc;
        if (rc)
            return fail(r, cfg, "build");
    }
    o.epochs = epochs - done;
    double t0 = progress_now();
    rc = nn_train_more(m, &ctx->data->train, NULL, &o, &rng, &adam, NULL, NULL);
    r->train_seconds = progress_now() - t0;
    if (rc == SNAC_ENOMEM)
        goto out;
    if (rc) {
        rc = fail(r, cfg, "training");
        goto out;
    }
    if ((rc = nn_evaluate(m, &ctx->data->val, &r->val_loss, &r->accuracy, NULL)) ||
        !isfinite(r->val_loss) || !isfinite(r->accuracy)) {
        if (!rc)
            snac_err_set(SNAC_ERANGE, "validation loss is not finite");
        rc = fail(r, cfg, "evaluation");
        goto out;
    }
    surr_features x;
    if ((rc = search_deploy_spec(&cfg->deploy, m, &ms)) || (rc = surr_features_extract(&ms->spec, &x)) ||
        (rc = surr_spec_sha256(&ms->spec, r->spec_sha256))) {
        if (rc == SNAC_ENOMEM)
            goto out;
        rc = fail(r, cfg, "surrogate");
        goto out;
    }
    surr_predict(ctx->surrogate, &x, ctx->part, &r->pred);
    r->status = SEARCH_TRIAL_DONE;
    search_objectives(cfg, r->accuracy, &r->pred, r->f, &r->viol);
    if (keep_model)
        rc = nn_mlp_save(m, &r->model, &r->model_len);
    if (!rc && want_ckpt && epochs < cfg->epochs)
        rc = ckpt_pack(m, &rng, &adam, epochs, &r->ckpt, &r->ckpt_len);
out:
    nn_adam_state_clear(&adam);
    surr_model_spec_free(ms);
    nn_mlp_free(m);
    return rc;
}

int search_eval_trial(const search_eval_ctx *ctx, const double *genome, uint64_t seed, bool keep_model,
                      search_trial_result *r)
{
    return eval_at(ctx, genome, seed, ctx->cfg->epochs, NULL, false, keep_model, r);
}

int search_eval_job(const search_eval_ctx *ctx, size_t job, const double *genome, uint64_t seed, bool keep_model,
                    search_trial_result *r)
{
    size_t epochs = ctx->job_epochs ? ctx->job_epochs[job] : ctx->cfg->epochs;
    const search_ckpt *ck = ctx->job_ckpt ? &ctx->job_ckpt[job] : NULL;
    return eval_at(ctx, genome, seed, epochs, ck, ctx->want_ckpt, keep_model, r);
}
