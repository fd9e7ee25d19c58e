/* batchnorm — batch normalisation over the batch axis of a (B, n) activation.
 *
 * Training: y = gamma * xhat + beta with xhat = (x - mean) / sqrt(var + eps), mean and
 * (biased) var over the B rows of the batch. Inference: the running statistics replace
 * the batch ones. Running statistics follow r = momentum * r + (1 - momentum) * batch
 * (Keras convention, momentum 0.99), the variance with Bessel's correction B / (B - 1).
 * At inference BN is an affine map per feature and folds into the preceding dense layer
 * (nn_mlp_fold_bn).
 *
 * These are the stand-alone kernels (and the reference for the fused epilogues in
 * layer.c). Reductions run row by row, so the vectorised loops run across features and
 * the summation order is fixed: results are bitwise reproducible.
 * Memory: none allocated. Workload: a few passes over B * width floats per layer.
 */
#ifndef SNAC_NN_BATCHNORM_H
#define SNAC_NN_BATCHNORM_H

#include <stddef.h>

#define BN_EPS_DEFAULT 1e-3f
#define BN_MOMENTUM_DEFAULT 0.99f

/* mean (n), var (n) = batch mean and biased variance of x (B, n), two-pass. */
void bn_stats(float *mean, float *var, const float *x, size_t n_batch, size_t n);

/* y (B, n), xhat (B, n), mean (n), istd (n) from x (B, n), gamma (n), beta (n).
 * var_out (n) receives the biased batch variance (for the running statistics). */
void bn_forward_train(float *y, float *xhat, float *mean, float *var_out, float *istd,
                      const float *x, const float *gamma, const float *beta,
                      size_t n_batch, size_t n, float eps);

/* y (B, n) = gamma * (x - run_mean) / sqrt(run_var + eps) + beta; y may equal x. */
void bn_forward_infer(float *y, const float *x, const float *gamma, const float *beta,
                      const float *run_mean, const float *run_var, size_t n_batch, size_t n,
                      float eps);

/* dx (B, n), dgamma (n), dbeta (n) from dy (B, n), xhat (B, n), gamma (n), istd (n).
 * dx may equal dy. */
void bn_backward(float *dx, float *dgamma, float *dbeta, const float *dy, const float *xhat,
                 const float *gamma, const float *istd, size_t n_batch, size_t n);

/* run_mean (n), run_var (n) <- momentum-averaged batch mean (n) + shift (n, may be NULL:
 * a bias the batch statistics were computed without) and unbiased batch var (n). */
void bn_update_running(float *run_mean, float *run_var, const float *mean, const float *shift,
                       const float *var, size_t n_batch, size_t n, float momentum);

#endif
