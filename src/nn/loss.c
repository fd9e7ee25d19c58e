/* loss — softmax and softmax cross-entropy; see loss.h.
 *
 * Memory: none allocated. Workload: tiny (B x 5 on the jet task).
 */
#include "nn/loss.h"

#include <math.h>

size_t argmax_row(const float *row, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (row[i] > row[best])
            best = i;
    return best;
}

void softmax_forward(float *probs, const float *logits, size_t n_batch, size_t n_cls)
{
    for (size_t r = 0; r < n_batch; r++) {
        const float *z = logits + r * n_cls; /* (C) */
        float *p = probs + r * n_cls;        /* (C) */
        float zmax = z[argmax_row(z, n_cls)];
        float sum = 0.0f;
        for (size_t c = 0; c < n_cls; c++) {
            p[c] = expf(z[c] - zmax);
            sum += p[c];
        }
        float inv = 1.0f / sum;
        for (size_t c = 0; c < n_cls; c++)
            p[c] *= inv;
    }
}

void softmax_xent_backward(float *dlogits, double *loss_sum, size_t *correct,
                           const float *logits, const int32_t *y, size_t n_batch, size_t n_cls,
                           float grad_scale)
{
    double total = 0.0;
    size_t hits = 0;
    for (size_t r = 0; r < n_batch; r++) {
        const float *z = logits + r * n_cls; /* (C) */
        float *d = dlogits + r * n_cls;      /* (C) */
        size_t label = (size_t)y[r];
        size_t best = argmax_row(z, n_cls);
        float zmax = z[best], zy = z[label];
        hits += best == label;
        float sum = 0.0f;
        for (size_t c = 0; c < n_cls; c++) {
            d[c] = expf(z[c] - zmax);
            sum += d[c];
        }
        total += (double)logf(sum) - (double)(zy - zmax);
        float inv = grad_scale / sum;
        for (size_t c = 0; c < n_cls; c++)
            d[c] *= inv;
        d[label] -= grad_scale;
    }
    *loss_sum = total;
    *correct = hits;
}
