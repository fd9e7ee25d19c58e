/* train — mini-batch training of an nn_mlp with Adam, and evaluation.
 *
 * The trainer preallocates every buffer it needs (activations for max_batch,
 * gradients, Adam moments, the shuffled index) in nn_trainer_new(); a training
 * step allocates nothing. Mini-batches are drawn by the explicit rng passed in,
 * so the same seed gives bitwise-identical weights.
 */
#ifndef SNAC_NN_TRAIN_H
#define SNAC_NN_TRAIN_H

#include "datasets/dataset.h"
#include "nn/mlp.h"
#include "util/rng.h"

typedef struct nn_train_opts {
    size_t epochs;
    size_t batch_size;
    float learning_rate;
    float beta1, beta2, eps;   /* Adam */
    float l1;                  /* L1 penalty on dense weights (not biases, not BN) */
    int threads;               /* OpenBLAS threads; 0 = leave as is */
    float bn_momentum;         /* running BN statistics: r = mom * r + (1 - mom) * batch */
} nn_train_opts;

#define NN_TRAIN_OPTS_INIT {10, 128, 1.3e-3f, 0.9f, 0.999f, 1e-7f, 0.0f, 1, 0.99f}

typedef struct nn_epoch_stats {
    size_t epoch;              /* 1-based */
    double train_loss;         /* mean over the epoch's batches (incl. nothing from L1) */
    double train_acc;
    double val_loss, val_acc;  /* NAN when there is no validation set */
    double seconds;
    double samples_per_s;
} nn_epoch_stats;

/* Called after each epoch (progress line, database row). Non-zero return stops training
 * and becomes nn_train's return value. */
typedef int (*nn_epoch_cb)(const nn_epoch_stats *st, void *ctx);

/* Train `m` in place on `train`, evaluate on `val` (may be NULL or empty) after each epoch. */
int nn_train(nn_mlp *m, const ds_tensor *train, const ds_tensor *val,
             const nn_train_opts *o, snac_rng *rng, nn_epoch_cb cb, void *ctx);

/* Training in instalments: the Adam moments and step count carried from one call to the
 * next (the model carries the weights and running statistics, the rng the stream). With
 * adam->t == 0 training starts fresh; on success *adam holds the state after the last step
 * (its arrays malloc'd, n = nn_mlp n_train). So nn_train_more for a epochs and then for b
 * more, with the same model, rng and state, gives bitwise the weights of nn_train for a + b
 * epochs (no schedule depends on the total: there is none). Multi-fidelity search uses it. */
typedef struct nn_adam_state {
    uint64_t t;      /* Adam steps taken; 0 = none (start fresh) */
    size_t n;        /* parameters in m and v */
    float *m, *v;    /* (n) first and second moments */
} nn_adam_state;

int nn_train_more(nn_mlp *m, const ds_tensor *train, const ds_tensor *val, const nn_train_opts *o,
                  snac_rng *rng, nn_adam_state *adam, nn_epoch_cb cb, void *ctx);
/* Free the arrays and zero the state; NULL is a no-op. */
void nn_adam_state_clear(nn_adam_state *st);

/* ---- the step-level API nn_train is built on (benchmarks, custom loops, tests) ---- */

typedef struct nn_trainer nn_trainer;

/* A trainer for `m` (borrowed, updated in place; must outlive the trainer) and batches of
 * up to max_batch rows. One allocation holds gradients, Adam moments, every activation
 * buffer and the evaluation scratch; the step functions below allocate nothing. */
int nn_trainer_new(nn_mlp *m, const nn_train_opts *o, size_t max_batch, nn_trainer **out);
void nn_trainer_free(nn_trainer *t);

/* One Adam step on x (n, n_in), y (n), 1 <= n <= max_batch (training mode: batch
 * statistics, dropout masks drawn from rng, running statistics updated).
 * *loss_sum: summed cross-entropy over the n rows (no L1); *correct: argmax hits.
 * Either output may be NULL. */
int nn_trainer_step(nn_trainer *t, const float *x, const int32_t *y, size_t n, snac_rng *rng,
                    double *loss_sum, size_t *correct);
/* Same, on rows `rows` (n) of `d`, gathered into the trainer's input buffer. */
int nn_trainer_step_rows(nn_trainer *t, const ds_tensor *d, const size_t *rows, size_t n,
                         snac_rng *rng, double *loss_sum, size_t *correct);
/* Forward and backward only, no update: the gradient of the mean batch loss (without
 * L1) with respect to nn_mlp_params(), in the same order, valid until the next call.
 * Running statistics are updated as in a step. For gradient checks. */
int nn_trainer_gradient(nn_trainer *t, const float *x, const int32_t *y, size_t n,
                        snac_rng *rng, double *loss_sum, const float **grad);
/* Adam steps taken so far. */
size_t nn_trainer_steps(const nn_trainer *t);

/* Mean cross-entropy and accuracy of `m` (inference mode) on `t`; confusion may be NULL or
 * (n_out, n_out) row = true class, column = predicted. */
int nn_evaluate(const nn_mlp *m, const ds_tensor *t, double *loss, double *acc, size_t *confusion);

#endif
