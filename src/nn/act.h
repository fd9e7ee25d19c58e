/* act — hidden-layer activations (ReLU, Tanh, Sigmoid): forward and backward.
 *
 * The backward pass is written in terms of the activation's *output* a = f(y), which
 * the trainer keeps anyway: ReLU' = [a > 0], tanh' = 1 - a^2, sigmoid' = a (1 - a).
 * The static inline helpers are what the fused layer epilogues (batchnorm.c, layer.c)
 * call inside their row loops; act_forward/act_backward are the stand-alone kernels.
 * Memory: none allocated. Workload: B * width elements per layer and step.
 */
#ifndef SNAC_NN_ACT_H
#define SNAC_NN_ACT_H

#include <math.h>
#include <stddef.h>

#include "nn/arch.h"

/* row (n): row[i] = f(row[i]) in place. */
static inline void act_apply_row(float *restrict row, size_t n, enum nn_act act)
{
    switch (act) {
    case NN_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            row[i] = row[i] > 0.0f ? row[i] : 0.0f;
        break;
    case NN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            row[i] = tanhf(row[i]);
        break;
    case NN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            row[i] = 1.0f / (1.0f + expf(-row[i]));
        break;
    default:
        break;
    }
}

/* grad (n) *= f'(y) expressed through out (n) = f(y). */
static inline void act_grad_row(float *restrict grad, const float *restrict out, size_t n,
                                enum nn_act act)
{
    switch (act) {
    case NN_ACT_RELU:
        for (size_t i = 0; i < n; i++)
            grad[i] = out[i] > 0.0f ? grad[i] : 0.0f;
        break;
    case NN_ACT_TANH:
        for (size_t i = 0; i < n; i++)
            grad[i] *= 1.0f - out[i] * out[i];
        break;
    case NN_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            grad[i] *= out[i] * (1.0f - out[i]);
        break;
    default:
        break;
    }
}

/* out (n) = f(in (n)); out may equal in. */
void act_forward(float *out, const float *in, size_t n, enum nn_act act);
/* din (n) = dout (n) * f'(y), with out (n) = f(y) from the forward pass; din may equal dout. */
void act_backward(float *din, const float *dout, const float *out, size_t n, enum nn_act act);

#endif
