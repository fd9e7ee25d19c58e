/* adam — the Adam optimiser (Kingma & Ba 2015) with bias correction, over one block.
 *
 *   g  = grad + l1 * sign(p)                  (L1 fused in; l1 = 0 for biases and BN)
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g^2
 *   p -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 *
 * The model keeps all trainable parameters in one block with the dense weights first,
 * so a step is two calls: weights with l1, the rest with l1 = 0.
 * Memory: none allocated; m and v are the trainer's. Workload: one pass over the
 * parameters (27k floats for the baseline), vectorised (sqrt needs -fno-math-errno).
 */
#ifndef SNAC_NN_ADAM_H
#define SNAC_NN_ADAM_H

#include <stddef.h>
#include <stdint.h>

typedef struct adam_hparams {
    float lr, beta1, beta2, eps;
} adam_hparams;

/* p, m, v (n) updated from grad (n) for step t >= 1 (1-based, for the bias correction). */
void adam_update(float *p, float *m, float *v, const float *grad, size_t n,
                 const adam_hparams *h, float l1, uint64_t t);

#endif
