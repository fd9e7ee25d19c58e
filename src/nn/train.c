/* train — the trainer: preallocated workspace, one training step, the epoch loop and
 * evaluation.
 *
 * Memory: nn_trainer_new() makes one allocation for the struct and one block that is
 * carved (64-byte aligned pieces) into
 *   grad, adam_m, adam_v               (n_train) each, parameter order of mlp_priv.h
 *   x (B, n_in), y (B)                 gathered mini-batch
 *   per hidden layer l of width n:     z (B, n)   GEMM output; xhat with BN, a without
 *                                      a (B, n)   activation output (BN only)
 *                                      mask, h (B, n)   dropout factor and output
 *                                      mean, var, istd (n)  batch statistics
 *   logits (B, n_out)                  logits, then their gradient in place
 *   dbuf[2] (B, max width)             ping-pong gradients flowing backward
 *   eval (EVAL_CHUNK rows)             inference workspace and logits
 * nn_train() adds the shuffled row index (n_train) and frees everything it made.
 * A step (nn_trainer_step*) allocates nothing; nn_alloc_count() lets the tests check.
 *
 * Workload: the baseline at batch 128 is ~19 MFLOP of GEMMs per step plus a few
 * elementwise passes over ~61k activations and one Adam pass over 27k parameters.
 */
#include "nn/train.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/adam.h"
#include "nn/batchnorm.h"
#include "nn/dense.h"
#include "nn/dropout.h"
#include "nn/layer.h"
#include "nn/loss.h"
#include "nn/mlp_priv.h"
#include "nn/nnalloc.h"
#include "util/err.h"
#include "util/progress.h"

#define EVAL_CHUNK 512

struct nn_trainer {
    nn_mlp *m;
    nn_train_opts o;
    adam_hparams hp;
    size_t max_batch;
    uint64_t t;                           /* Adam steps taken */
    float *block;                         /* the one workspace allocation */
    float *grad, *adam_m, *adam_v;        /* (n_train) */
    float *x;                             /* (B, n_in) */
    int32_t *y;                           /* (B) */
    float *z[NN_MAX_LAYERS];              /* (B, n): xhat with BN, a without */
    float *a[NN_MAX_LAYERS];              /* (B, n): activation output */
    float *mask[NN_MAX_LAYERS];           /* (B, n) or NULL */
    float *h[NN_MAX_LAYERS];              /* (B, n): layer output (a, or a * mask) */
    float *mean[NN_MAX_LAYERS], *var[NN_MAX_LAYERS], *istd[NN_MAX_LAYERS]; /* (n) */
    float *logits;                        /* (B, n_out) */
    float *dbuf[2];                       /* (B, max width) */
    float *eval_ws;                       /* mlp_infer_ws_floats(EVAL_CHUNK) */
    float *eval_logits;                   /* (EVAL_CHUNK, n_out) */
    /* views into grad, per layer, same layout as the model's parameters */
    float *gw[NN_MAX_LAYERS], *gb[NN_MAX_LAYERS], *ggamma[NN_MAX_LAYERS], *gbeta[NN_MAX_LAYERS];
};

/* ---------------------------------------------------------------------------------- */
/* construction */

static int check_opts(const nn_train_opts *o)
{
    if (!o)
        return snac_err_set(SNAC_EINVAL, "train: no options");
    if (o->batch_size == 0 || o->batch_size > DENSE_MAX_DIM)
        return snac_err_set(SNAC_EINVAL, "train: batch_size %zu, expected 1..%zu", o->batch_size,
                            DENSE_MAX_DIM);
    if (!(o->learning_rate > 0.0f && isfinite(o->learning_rate)))
        return snac_err_set(SNAC_EINVAL, "train: learning_rate %g must be > 0",
                            (double)o->learning_rate);
    if (!(o->beta1 >= 0.0f && o->beta1 < 1.0f) || !(o->beta2 >= 0.0f && o->beta2 < 1.0f))
        return snac_err_set(SNAC_EINVAL, "train: Adam betas (%g, %g) outside [0, 1)",
                            (double)o->beta1, (double)o->beta2);
    if (!(o->eps > 0.0f))
        return snac_err_set(SNAC_EINVAL, "train: Adam eps %g must be > 0", (double)o->eps);
    if (!(o->l1 >= 0.0f && isfinite(o->l1)))
        return snac_err_set(SNAC_EINVAL, "train: l1 %g must be >= 0", (double)o->l1);
    if (!(o->bn_momentum >= 0.0f && o->bn_momentum <= 1.0f))
        return snac_err_set(SNAC_EINVAL, "train: bn_momentum %g outside [0, 1]",
                            (double)o->bn_momentum);
    return 0;
}

/* Hand out n floats at *off of base (NULL while only sizing), keeping 64-byte alignment. */
static float *carve(float *base, size_t *off, size_t n)
{
    float *p = base ? base + *off : NULL;
    *off += nn_pad_floats(n);
    return p;
}

/* Lay out the workspace from `base`; returns the number of floats used. With base NULL
 * only the size is computed (the pointers are left NULL and never used). */
static size_t layout(nn_trainer *t, float *base)
{
    const nn_mlp *m = t->m;
    const nn_arch *a = &m->arch;
    size_t B = t->max_batch, maxw = mlp_max_width(m), off = 0;
    t->grad = carve(base, &off, m->n_train);
    t->adam_m = carve(base, &off, m->n_train);
    t->adam_v = carve(base, &off, m->n_train);
    t->x = carve(base, &off, B * a->n_in);
    t->y = (int32_t *)carve(base, &off, B); /* int32 and float have the same size */
    for (size_t l = 0; l < a->n_hidden; l++) {
        size_t n = m->dim[l + 1];
        t->z[l] = carve(base, &off, B * n);
        t->a[l] = a->batch_norm ? carve(base, &off, B * n) : t->z[l];
        t->mask[l] = a->dropout > 0.0f ? carve(base, &off, B * n) : NULL;
        t->h[l] = a->dropout > 0.0f ? carve(base, &off, B * n) : t->a[l];
        t->mean[l] = carve(base, &off, n);
        t->var[l] = carve(base, &off, n);
        t->istd[l] = carve(base, &off, n);
    }
    t->logits = carve(base, &off, B * a->n_out);
    t->dbuf[0] = carve(base, &off, B * maxw);
    t->dbuf[1] = carve(base, &off, B * maxw);
    t->eval_ws = carve(base, &off, mlp_infer_ws_floats(m, EVAL_CHUNK));
    t->eval_logits = carve(base, &off, EVAL_CHUNK * a->n_out);
    return off;
}

int nn_trainer_new(nn_mlp *m, const nn_train_opts *o, size_t max_batch, nn_trainer **out)
{
    if (!out)
        return snac_err_set(SNAC_EINVAL, "trainer: no output pointer");
    *out = NULL;
    if (!m)
        return snac_err_set(SNAC_EINVAL, "trainer: no model");
    int rc = check_opts(o);
    if (rc)
        return rc;
    if (max_batch == 0 || max_batch > DENSE_MAX_DIM)
        return snac_err_set(SNAC_EINVAL, "trainer: max_batch %zu, expected 1..%zu", max_batch,
                            DENSE_MAX_DIM);
    nn_trainer *t = nn_alloc_zero(sizeof *t);
    if (!t)
        return snac_err_set(SNAC_ENOMEM, "trainer: out of memory");
    t->m = m;
    t->o = *o;
    t->hp = (adam_hparams){o->learning_rate, o->beta1, o->beta2, o->eps};
    t->max_batch = max_batch;
    size_t n = layout(t, NULL);
    t->block = nn_alloc_zero(n * sizeof(float));
    if (!t->block) {
        nn_trainer_free(t);
        return snac_err_set(SNAC_ENOMEM, "trainer: out of memory for %zu floats", n);
    }
    layout(t, t->block);
    /* gradient views mirror the parameter views of the model */
    for (size_t l = 0; l < m->n_layers; l++) {
        t->gw[l] = t->grad + (m->w[l] - m->params);
        t->gb[l] = t->grad + (m->b[l] - m->params);
        t->ggamma[l] = m->gamma[l] ? t->grad + (m->gamma[l] - m->params) : NULL;
        t->gbeta[l] = m->beta[l] ? t->grad + (m->beta[l] - m->params) : NULL;
    }
    *out = t;
    return 0;
}

void nn_trainer_free(nn_trainer *t)
{
    if (!t)
        return;
    nn_dealloc(t->block);
    nn_dealloc(t);
}

size_t nn_trainer_steps(const nn_trainer *t) { return (size_t)t->t; }

/* ---------------------------------------------------------------------------------- */
/* forward + backward on the batch in t->x / t->y (n rows); gradient left in t->grad */

static void forward_backward(nn_trainer *t, const float *x, const int32_t *y, size_t n,
                             snac_rng *rng, double *loss_sum, size_t *correct)
{
    nn_mlp *m = t->m;
    const nn_arch *a = &m->arch;
    const size_t L = m->n_layers, H = a->n_hidden;

    /* forward: dense (GEMM) then the fused epilogue of each hidden layer */
    const float *in = x; /* (n, dim[l]) */
    for (size_t l = 0; l < H; l++) {
        size_t n_in = m->dim[l], w = m->dim[l + 1];
        if (t->mask[l])
            dropout_mask(t->mask[l], n * w, a->dropout, rng);
        dense_forward(t->z[l], in, m->w[l], NULL, n, n_in, w);
        if (a->batch_norm) {
            layer_bn_forward_train(t->h[l], t->a[l], t->z[l], t->mean[l], t->var[l], t->istd[l],
                                   t->mask[l], m->gamma[l], m->beta[l], n, w, m->bn_eps, a->act);
            bn_update_running(m->run_mean[l], m->run_var[l], t->mean[l], m->b[l], t->var[l], n, w,
                              t->o.bn_momentum);
        } else {
            layer_forward_train(t->h[l], t->z[l], t->mask[l], m->b[l], n, w, a->act);
        }
        in = t->h[l];
    }
    dense_forward(t->logits, in, m->w[L - 1], m->b[L - 1], n, m->dim[L - 1], a->n_out);

    /* loss, and its gradient in place of the logits */
    double loss = 0.0;
    size_t hits = 0;
    softmax_xent_backward(t->logits, &loss, &hits, t->logits, y, n, a->n_out, 1.0f / (float)n);
    if (loss_sum)
        *loss_sum = loss;
    if (correct)
        *correct = hits;

    /* backward: layer l receives dz (n, dim[l+1]) and hands dh (n, dim[l]) to layer l-1 */
    float *dz = t->logits;
    for (size_t l = L; l-- > 0;) {
        size_t n_in = m->dim[l], n_out = m->dim[l + 1];
        const float *layer_in = l == 0 ? x : t->h[l - 1];
        bool bias_here = l == L - 1; /* hidden biases come from the epilogue (or are 0 with BN) */
        dense_backward_params(t->gw[l], bias_here ? t->gb[l] : NULL, dz, layer_in, n, n_in, n_out);
        if (l == 0)
            break; /* the input gradient of the first layer is never needed */
        float *dh = t->dbuf[l & 1]; /* (n, n_in) */
        dense_backward_input(dh, dz, m->w[l], n, n_in, n_out);
        size_t k = l - 1; /* the hidden layer whose output dh is */
        if (a->batch_norm)
            layer_bn_backward(dh, t->ggamma[k], t->gbeta[k], t->a[k], t->z[k], t->mask[k],
                              m->gamma[k], t->istd[k], n, n_in, a->act);
        else
            layer_backward(dh, t->gb[k], t->a[k], t->mask[k], n, n_in, a->act);
        dz = dh;
    }
}

static int check_batch(const nn_trainer *t, const int32_t *y, size_t n)
{
    if (n == 0 || n > t->max_batch)
        return snac_err_set(SNAC_EINVAL, "trainer: batch of %zu rows, expected 1..%zu", n,
                            t->max_batch);
    int32_t n_cls = (int32_t)t->m->arch.n_out;
    for (size_t i = 0; i < n; i++)
        if (y[i] < 0 || y[i] >= n_cls)
            return snac_err_set(SNAC_EINVAL, "trainer: label %d of batch row %zu outside [0, %d)",
                                (int)y[i], i, (int)n_cls);
    return 0;
}

static void adam_step(nn_trainer *t)
{
    nn_mlp *m = t->m;
    t->t++;
    /* the trainable block: dense weights (with L1), then biases and BN (without) */
    adam_update(m->params, t->adam_m, t->adam_v, t->grad, m->n_weights, &t->hp, t->o.l1, t->t);
    size_t nw = m->n_weights;
    adam_update(m->params + nw, t->adam_m + nw, t->adam_v + nw, t->grad + nw, m->n_train - nw,
                &t->hp, 0.0f, t->t);
}

int nn_trainer_step(nn_trainer *t, const float *x, const int32_t *y, size_t n, snac_rng *rng,
                    double *loss_sum, size_t *correct)
{
    if (!t || !x || !y || !rng)
        return snac_err_set(SNAC_EINVAL, "trainer_step: NULL argument");
    int rc = check_batch(t, y, n);
    if (rc)
        return rc;
    forward_backward(t, x, y, n, rng, loss_sum, correct);
    adam_step(t);
    return 0;
}

int nn_trainer_step_rows(nn_trainer *t, const ds_tensor *d, const size_t *rows, size_t n,
                         snac_rng *rng, double *loss_sum, size_t *correct)
{
    if (!t || !d || !rows || !rng)
        return snac_err_set(SNAC_EINVAL, "trainer_step: NULL argument");
    if (d->d != t->m->arch.n_in)
        return snac_err_set(SNAC_EINVAL, "trainer_step: data has %zu features, model expects %zu",
                            d->d, t->m->arch.n_in);
    if (n == 0 || n > t->max_batch)
        return snac_err_set(SNAC_EINVAL, "trainer: batch of %zu rows, expected 1..%zu", n,
                            t->max_batch);
    size_t dim = d->d;
    for (size_t i = 0; i < n; i++) {
        if (rows[i] >= d->n)
            return snac_err_set(SNAC_EINVAL, "trainer_step: row %zu outside the %zu rows", rows[i],
                                d->n);
        memcpy(t->x + i * dim, d->x + rows[i] * dim, dim * sizeof(float));
        t->y[i] = d->y[rows[i]];
    }
    return nn_trainer_step(t, t->x, t->y, n, rng, loss_sum, correct);
}

int nn_trainer_gradient(nn_trainer *t, const float *x, const int32_t *y, size_t n,
                        snac_rng *rng, double *loss_sum, const float **grad)
{
    if (!t || !x || !y || !rng || !grad)
        return snac_err_set(SNAC_EINVAL, "trainer_gradient: NULL argument");
    int rc = check_batch(t, y, n);
    if (rc)
        return rc;
    forward_backward(t, x, y, n, rng, loss_sum, NULL);
    *grad = t->grad;
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* evaluation */

static int check_tensor(const nn_mlp *m, const ds_tensor *d, const char *what)
{
    if (d->n && (!d->x || !d->y))
        return snac_err_set(SNAC_EINVAL, "%s: tensor has %zu rows but no data", what, d->n);
    if (d->n && d->d != m->arch.n_in)
        return snac_err_set(SNAC_EINVAL, "%s: data has %zu features, model expects %zu", what, d->d,
                            m->arch.n_in);
    int32_t n_cls = (int32_t)m->arch.n_out;
    for (size_t i = 0; i < d->n; i++)
        if (d->y[i] < 0 || d->y[i] >= n_cls)
            return snac_err_set(SNAC_EINVAL, "%s: label %d of row %zu outside [0, %d)", what,
                                (int)d->y[i], i, (int)n_cls);
    return 0;
}

/* Inference over t (n rows) in chunks of `chunk` using ws / logits scratch. */
static void evaluate_with(const nn_mlp *m, const ds_tensor *d, double *loss, double *acc,
                          size_t *confusion, float *ws, float *logits, size_t chunk)
{
    size_t C = m->arch.n_out, hits = 0;
    double total = 0.0;
    if (confusion)
        memset(confusion, 0, C * C * sizeof *confusion);
    for (size_t r = 0; r < d->n; r += chunk) {
        size_t k = d->n - r < chunk ? d->n - r : chunk;
        mlp_infer_logits(m, d->x + r * d->d, k, logits, ws);
        if (confusion)
            for (size_t i = 0; i < k; i++)
                confusion[(size_t)d->y[r + i] * C + argmax_row(logits + i * C, C)]++;
        double part;
        size_t part_hits;
        softmax_xent_backward(logits, &part, &part_hits, logits, d->y + r, k, C, 1.0f);
        total += part;
        hits += part_hits;
    }
    if (loss)
        *loss = d->n ? total / (double)d->n : NAN;
    if (acc)
        *acc = d->n ? (double)hits / (double)d->n : NAN;
}

int nn_evaluate(const nn_mlp *m, const ds_tensor *t, double *loss, double *acc, size_t *confusion)
{
    if (!m || !t)
        return snac_err_set(SNAC_EINVAL, "evaluate: NULL argument");
    int rc = check_tensor(m, t, "evaluate");
    if (rc)
        return rc;
    size_t chunk = t->n < EVAL_CHUNK ? (t->n ? t->n : 1) : EVAL_CHUNK;
    size_t n_ws = mlp_infer_ws_floats(m, chunk), n_lg = nn_pad_floats(chunk * m->arch.n_out);
    float *ws = nn_alloc((n_ws + n_lg) * sizeof(float));
    if (!ws)
        return snac_err_set(SNAC_ENOMEM, "evaluate: out of memory");
    evaluate_with(m, t, loss, acc, confusion, ws, ws + n_ws, chunk);
    nn_dealloc(ws);
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* the epoch loop */

void nn_adam_state_clear(nn_adam_state *st)
{
    if (!st)
        return;
    free(st->m);
    free(st->v);
    memset(st, 0, sizeof *st);
}

int nn_train(nn_mlp *m, const ds_tensor *train, const ds_tensor *val,
             const nn_train_opts *o, snac_rng *rng, nn_epoch_cb cb, void *ctx)
{
    return nn_train_more(m, train, val, o, rng, NULL, cb, ctx);
}

int nn_train_more(nn_mlp *m, const ds_tensor *train, const ds_tensor *val, const nn_train_opts *o,
                  snac_rng *rng, nn_adam_state *adam, nn_epoch_cb cb, void *ctx)
{
    if (!m || !train || !rng)
        return snac_err_set(SNAC_EINVAL, "train: NULL argument");
    int rc = check_opts(o);
    if (rc)
        return rc;
    if (train->n == 0)
        return snac_err_set(SNAC_EINVAL, "train: empty training set");
    if ((rc = check_tensor(m, train, "train: training set")) != 0)
        return rc;
    bool has_val = val && val->n > 0;
    if (has_val && (rc = check_tensor(m, val, "train: validation set")) != 0)
        return rc;
    if (o->threads > 0)
        openblas_set_num_threads(o->threads);

    size_t B = o->batch_size < train->n ? o->batch_size : train->n;
    nn_trainer *t;
    if ((rc = nn_trainer_new(m, o, B, &t)) != 0)
        return rc;
    size_t *idx = nn_alloc(train->n * sizeof *idx);
    if (!idx) {
        nn_trainer_free(t);
        return snac_err_set(SNAC_ENOMEM, "train: out of memory for the row index");
    }
    if (adam && adam->t) { /* continue a run: its Adam moments and step count */
        if (adam->n != m->n_train) {
            nn_dealloc(idx);
            nn_trainer_free(t);
            return snac_err_set(SNAC_EINVAL, "train: Adam state of %zu parameters for a model of %zu", adam->n,
                                m->n_train);
        }
        memcpy(t->adam_m, adam->m, m->n_train * sizeof(float));
        memcpy(t->adam_v, adam->v, m->n_train * sizeof(float));
        t->t = adam->t;
    }

    for (size_t e = 1; e <= o->epochs && rc == 0; e++) {
        double t0 = progress_now(), loss = 0.0;
        size_t hits = 0;
        for (size_t i = 0; i < train->n; i++)
            idx[i] = i;
        rng_shuffle_size(rng, idx, train->n);
        for (size_t r = 0; r < train->n && rc == 0; r += B) {
            size_t k = train->n - r < B ? train->n - r : B;
            double part;
            size_t part_hits;
            rc = nn_trainer_step_rows(t, train, idx + r, k, rng, &part, &part_hits);
            loss += part;
            hits += part_hits;
        }
        if (rc)
            break;
        nn_epoch_stats st = {.epoch = e,
                             .train_loss = loss / (double)train->n,
                             .train_acc = (double)hits / (double)train->n,
                             .val_loss = NAN,
                             .val_acc = NAN};
        double t1 = progress_now();
        st.seconds = t1 - t0;
        st.samples_per_s = st.seconds > 0.0 ? (double)train->n / st.seconds : 0.0;
        if (!isfinite(st.train_loss)) {
            rc = snac_err_set(SNAC_ERANGE, "train: loss diverged (%g) in epoch %zu",
                              st.train_loss, e);
            break;
        }
        if (has_val)
            evaluate_with(m, val, &st.val_loss, &st.val_acc, NULL, t->eval_ws, t->eval_logits,
                          EVAL_CHUNK);
        if (cb)
            rc = cb(&st, ctx);
    }
    if (!rc && adam) { /* hand the moments back for the next call */
        if (adam->n != m->n_train) {
            nn_adam_state_clear(adam);
            adam->m = malloc(m->n_train * sizeof(float));
            adam->v = malloc(m->n_train * sizeof(float));
            if (!adam->m || !adam->v) {
                nn_adam_state_clear(adam);
                rc = snac_err_set(SNAC_ENOMEM, "train: out of memory for the Adam state");
            } else {
                adam->n = m->n_train;
            }
        }
        if (!rc) {
            memcpy(adam->m, t->adam_m, m->n_train * sizeof(float));
            memcpy(adam->v, t->adam_v, m->n_train * sizeof(float));
            adam->t = t->t;
        }
    }
    nn_dealloc(idx);
    nn_trainer_free(t);
    return rc;
}
