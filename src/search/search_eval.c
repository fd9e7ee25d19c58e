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

int search_eval_trial(const search_eval_ctx *ctx, const double *genome, uint64_t seed, bool keep_model,
                      search_trial_result *r)
{
    const search_config *cfg = ctx->cfg;
    memset(r, 0, sizeof *r);
    nn_arch a;
    search_hparams hp;
    search_space_decode(&cfg->space, genome, ctx->data->d, ctx->data->n_classes, &a, &hp);

    nn_train_opts o = *ctx->train;
    o.epochs = cfg->epochs;
    o.learning_rate = (float)hp.learning_rate;
    o.l1 = (float)hp.l1;
    o.threads = 1; /* one trial per core: BLAS stays single-threaded (and bitwise reproducible) */

    snac_rng rng;
    rng_seed(&rng, seed);
    nn_mlp *m = NULL;
    surr_model_spec *ms = NULL;
    int rc = nn_mlp_new(&a, &rng, &m);
    if (rc == SNAC_ENOMEM)
        return rc;
    if (rc)
        return fail(r, cfg, "build");
    double t0 = progress_now();
    rc = nn_train(m, &ctx->data->train, NULL, &o, &rng, NULL, NULL);
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
out:
    surr_model_spec_free(ms);
    nn_mlp_free(m);
    return rc;
}
