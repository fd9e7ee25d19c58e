/* dropout — inverted dropout: at training time each activation is kept with probability
 * 1 - p and scaled by 1 / (1 - p), so inference needs no rescaling.
 *
 * The mask holds the per-element factor (0 or 1/(1-p)) and is drawn from the explicit
 * rng: one rng_u64 gives four 16-bit uniforms, element dropped when u16 < p * 65536
 * (rates resolved to 1/65536, ample for p in [0, 0.5]). The same rng state gives the
 * same mask. Memory: none allocated. Workload: B * width elements per layer and step.
 */
#ifndef SNAC_NN_DROPOUT_H
#define SNAC_NN_DROPOUT_H

#include <stddef.h>

#include "util/rng.h"

/* mask (n) = 0 with probability p, else 1/(1-p). p in [0, 1). */
void dropout_mask(float *mask, size_t n, float p, snac_rng *rng);
/* out (n) = in (n) * mask (n); out may equal in. */
void dropout_forward(float *out, const float *in, const float *mask, size_t n);
/* din (n) = dout (n) * mask (n); din may equal dout. */
void dropout_backward(float *din, const float *dout, const float *mask, size_t n);

#endif
