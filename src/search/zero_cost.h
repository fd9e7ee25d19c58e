/* zero_cost — training-free scores of an untrained MLP (zero-cost proxies), for measuring
 * whether any of them ranks this search space's candidates like their trained accuracy does
 * (Li et al. 2023, "Zero-Shot Neural Architecture Search", surveys them).
 *
 * - NASWOT (Mellor et al. 2021): the binary activation pattern c_i of each input of a batch
 *   over every hidden unit (unit on iff its pre-activation, after batch norm in training
 *   mode, is > 0: ReLU's gate; the same sign test for tanh/sigmoid), the kernel
 *   K_ij = (units) - Hamming(c_i, c_j), and the score ln|det K| (-inf when two inputs share
 *   a pattern: K is singular).
 * - SynFlow (Tanaka et al. 2020): with every weight and bias replaced by its magnitude, the
 *   data-free all-ones input and the activations linearised, R = sum of the outputs and the
 *   score sum over weights of |w dR/dw|; reported as its natural log.
 * - grad-norm: the L2 norm of the gradient of the batch's mean cross-entropy with respect to
 *   the dense weights (nn_trainer_gradient: batch norm in training mode, no dropout drawn
 *   differently from a training step).
 * Memory: each call allocates its own scratch (batch-sized) and frees it.
 */
#ifndef SNAC_SEARCH_ZERO_COST_H
#define SNAC_SEARCH_ZERO_COST_H

#include <stddef.h>
#include <stdint.h>

#include "nn/mlp.h"

/* x: (n, n_in) row-major, 2 <= n <= 4096. */
int zc_naswot(const nn_mlp *m, const float *x, size_t n, double *score);
int zc_synflow(const nn_mlp *m, double *log_score);
/* m is borrowed mutable (the trainer binds it) but its weights are not changed; its running
 * batch-norm statistics are, as in a training step. seed seeds the dropout masks. */
int zc_gradnorm(nn_mlp *m, const float *x, const int32_t *y, size_t n, uint64_t seed, double *score);

#endif
