/* loss — softmax cross-entropy over the output logits, fused with its gradient.
 *
 * For a row of logits z (C) and label y: p = softmax(z), loss = -log p[y],
 * dL/dz = p - onehot(y). Computed with the max subtracted (no overflow).
 * Memory: none allocated. Workload: B * C with C = 5 for the jet task.
 */
#ifndef SNAC_NN_LOSS_H
#define SNAC_NN_LOSS_H

#include <stddef.h>
#include <stdint.h>

/* dlogits (B, C) = (softmax(logits) - onehot(y)) * grad_scale (dlogits may equal logits;
 * grad_scale = 1/B for a mean loss). Returns the summed loss over the rows in *loss_sum
 * and the number of rows whose argmax (first maximum) equals y in *correct.
 * y (B) must lie in [0, C). */
void softmax_xent_backward(float *dlogits, double *loss_sum, size_t *correct,
                           const float *logits, const int32_t *y, size_t n_batch, size_t n_cls,
                           float grad_scale);

/* probs (B, C) = softmax(logits (B, C)); probs may equal logits. */
void softmax_forward(float *probs, const float *logits, size_t n_batch, size_t n_cls);

/* Index of the first maximum of row (n). */
size_t argmax_row(const float *row, size_t n);

#endif
