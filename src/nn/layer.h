/* layer — fused epilogues of a hidden layer: everything between one GEMM and the next.
 *
 * A hidden layer is  z = x·W^T (GEMM, dense.c)  then  [bias | batch norm] -> activation
 * -> [dropout]. These kernels do the part after the GEMM a panel of features at a time
 * (layer.c), so the data is read from L1 a few times instead of once per operation:
 *
 *   forward, BN:     xhat = (z - mean) * istd;  a = f(gamma * xhat + beta);  h = a * mask
 *   forward, no BN:  a = f(z + b);  h = a * mask
 *   backward, BN:    dy = dh * mask * f'(a);  dgamma, dbeta;  dz = BN backward (bn_backward)
 *   backward, no BN: dz = dh * mask * f'(a);  db = column sums of dz
 *
 * With BN the dense bias is not added: BN subtracts the batch mean, so the bias cancels
 * exactly and its gradient is zero; the running mean is kept *with* the bias (the caller
 * passes it as the shift to bn_update_running), so inference z + b - run_mean agrees.
 * mask (B, n) may be NULL (no dropout; then h is not written and a is the output).
 * Memory: none allocated. Workload: B * width floats per layer, ~2 passes each way.
 */
#ifndef SNAC_NN_LAYER_H
#define SNAC_NN_LAYER_H

#include <stddef.h>

#include "nn/arch.h"

/* zx (B, n): in z, out xhat.  a (B, n), h (B, n) or NULL.  mean, var, istd (n): batch
 * statistics out (var biased).  mask (B, n) or NULL; gamma, beta (n). */
void layer_bn_forward_train(float *h, float *a, float *zx, float *mean, float *var, float *istd,
                            const float *mask, const float *gamma, const float *beta,
                            size_t n_batch, size_t n, float eps, enum nn_act act);

/* dzh (B, n): in dL/dh, out dL/dz.  dgamma, dbeta (n) overwritten.  a, xhat (B, n) and
 * mask (B, n or NULL) from the forward pass; gamma, istd (n). */
void layer_bn_backward(float *dzh, float *dgamma, float *dbeta, const float *a,
                       const float *xhat, const float *mask, const float *gamma,
                       const float *istd, size_t n_batch, size_t n, enum nn_act act);

/* za (B, n): in z (without bias), out a = f(z + b).  h (B, n) or NULL; mask as above. */
void layer_forward_train(float *h, float *za, const float *mask, const float *b,
                         size_t n_batch, size_t n, enum nn_act act);

/* dzh (B, n): in dL/dh, out dL/dz.  db (n) overwritten.  a (B, n), mask (B, n or NULL). */
void layer_backward(float *dzh, float *db, const float *a, const float *mask,
                    size_t n_batch, size_t n, enum nn_act act);

#endif
