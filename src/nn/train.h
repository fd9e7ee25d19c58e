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
} nn_train_opts;

#define NN_TRAIN_OPTS_INIT {10, 128, 1.3e-3f, 0.9f, 0.999f, 1e-7f, 0.0f, 1}

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

/* Mean cross-entropy and accuracy of `m` (inference mode) on `t`; confusion may be NULL or
 * (n_out, n_out) row = true class, column = predicted. */
int nn_evaluate(const nn_mlp *m, const ds_tensor *t, double *loss, double *acc, size_t *confusion);

#endif
