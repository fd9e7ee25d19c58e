/* penalty — L1 weight penalty  lambda * sum |w|  on the dense weights (not biases, not BN).
 *
 * Its subgradient lambda * sign(w) (0 at w = 0) is what the optimiser adds; adam_update()
 * fuses it into its loop, these kernels are the stand-alone form (and the test reference).
 * Memory: none allocated. Workload: one pass over the weights (26k for the baseline).
 */
#ifndef SNAC_NN_PENALTY_H
#define SNAC_NN_PENALTY_H

#include <stddef.h>

/* lambda * sum |w (n)| */
double l1_penalty(const float *w, size_t n, float lambda);
/* grad (n) += lambda * sign(w (n)) */
void l1_grad(float *grad, const float *w, size_t n, float lambda);

/* sign(w) in {-1, 0, 1}, written without branches so loops using it vectorise. */
static inline float l1_sign(float w) { return (float)((w > 0.0f) - (w < 0.0f)); }

#endif
