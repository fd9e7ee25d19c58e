/* search_eval — one trial of the global search: decode the genome, train the MLP for
 * the configured epochs on the training set, measure validation accuracy, build the
 * deployment spec from the trained network's own weights (batch norm folded, quantised
 * to the deploy precision), run the surrogate, and turn it all into objectives and a
 * constraint violation.
 *
 * The trial's random stream (weights init, batch order, dropout) is seeded by
 * search_trial_seed(run seed, generation, row): the result does not depend on which
 * process or in which order trials run.
 *
 * Memory: the context borrows everything (config, data, surrogate version, part). A
 * result owns `model` (nn_mlp_save blob, malloc'd; search_trial_result_clear frees it).
 * Training allocates its network and trainer per trial (sized by the architecture).
 * Workload: epochs x train rows x MACs per trial: seconds to minutes; the surrogate
 * (feature extraction over ~30k weights + predict) is well under a millisecond.
 */
#ifndef SNAC_SEARCH_SEARCH_EVAL_H
#define SNAC_SEARCH_SEARCH_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "datasets/dataset.h"
#include "nn/train.h"
#include "search/search_config.h"
#include "surrogate/surr_model.h"
#include "surrogate/surr_part.h"
#include "surrogate/surr_spec_mlp.h"

/* A partly trained trial (multi-fidelity search): the blob search_eval_job returns when
 * asked, enough to continue the training bitwise as if it had never stopped (weights,
 * Adam moments and step count, the trial's random stream). */
typedef struct search_ckpt {
    size_t epochs;               /* epochs trained */
    size_t len;                  /* 0 = none */
    void *blob;                  /* malloc'd */
} search_ckpt;

void search_ckpt_clear(search_ckpt *c);

typedef struct search_eval_ctx {
    const search_config *cfg;
    const nn_train_opts *train;  /* batch size, Adam betas, BN momentum; epochs/lr/L1 come from the trial */
    const ds_split *data;        /* train and val (val must not be empty) */
    const surr_version *surrogate;
    const surr_part *part;
    /* multi-fidelity (search_run), indexed by job; NULL = every job trains cfg->epochs from scratch */
    const size_t *job_epochs;       /* (n_jobs) epochs the job's trial reaches */
    const search_ckpt *job_ckpt;    /* (n_jobs) where to continue from (len 0: from scratch), or NULL */
    bool want_ckpt;                 /* return r->ckpt from a job that stops short of cfg->epochs */
} search_eval_ctx;

enum search_trial_status { SEARCH_TRIAL_DONE, SEARCH_TRIAL_FAILED, SEARCH_TRIAL_STATUS_COUNT };

/* Plain data apart from `model`, so it can cross a pipe as bytes (the model follows it). */
typedef struct search_trial_result {
    int32_t status;              /* enum search_trial_status */
    double accuracy, val_loss;   /* validation set; NAN when failed */
    double train_seconds;
    surr_prediction pred;        /* zeros when failed */
    char spec_sha256[65];
    double f[SEARCH_MAX_OBJ];    /* minimised objectives (finite even when failed) */
    double viol;                 /* total relative constraint violation, >= 0 */
    char error[256];             /* why it failed */
    uint64_t epochs;             /* epochs trained: the fidelity the result was measured at */
    size_t model_len;
    void *model;                 /* nn_mlp_save blob (NULL when failed or not kept) */
    size_t ckpt_len;
    void *ckpt;                  /* search_ckpt blob (NULL unless asked for and short of cfg->epochs) */
} search_trial_result;

void search_trial_result_clear(search_trial_result *r);

uint64_t search_trial_seed(uint64_t run_seed, size_t generation, size_t row);

/* Objectives and violation for a trained candidate (also the wiring the tests check). */
void search_objectives(const search_config *cfg, double accuracy, const surr_prediction *p, double *f, double *viol);
/* The values given to a failed trial: accuracy 0, every cost 1e30, violation 1e6. */
void search_objectives_failed(const search_config *cfg, double *f, double *viol);

/* Build the deployment spec of a trained network (surr_model_spec_free the result). */
int search_deploy_spec(const search_deploy *d, const nn_mlp *m, surr_model_spec **out);

/* Evaluate one genome. Returns 0 with r->status DONE or FAILED (a trial that cannot be
 * trained, e.g. diverges, is a result, not an error); negative only for out-of-memory. */
int search_eval_trial(const search_eval_ctx *ctx, const double *genome, uint64_t seed, bool keep_model,
                      search_trial_result *r);
/* The same for job `job` of a batch: its epochs and checkpoint from ctx->job_* when set.
 * Continuing from a checkpoint gives bitwise the result of training from scratch. */
int search_eval_job(const search_eval_ctx *ctx, size_t job, const double *genome, uint64_t seed, bool keep_model,
                    search_trial_result *r);

#endif
