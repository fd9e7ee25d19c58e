/* batchnorm — batch-norm kernels; see batchnorm.h.
 *
 * Memory: none allocated; the caller passes every buffer (trainer workspace).
 * Workload: per hidden layer and step, 2 passes for the statistics and 1 for the
 * normalisation over B * width floats (B = 128, width <= 128: the data stays in L1/L2).
 */
#include "nn/batchnorm.h"

#include <math.h>
#include <string.h>

#include "nn/hot.h"

/* ---------------------------------------------------------------------------------- */
/* statistics */

NN_HOT void bn_stats(float *mean, float *var, const float *x, size_t n_batch, size_t n)
{
    const float inv_b = 1.0f / (float)n_batch;
    memset(mean, 0, n * sizeof *mean);
    memset(var, 0, n * sizeof *var);
    for (size_t r = 0; r < n_batch; r++) {
        const float *restrict row = x + r * n; /* (n) */
        float *restrict mu = mean;
        for (size_t f = 0; f < n; f++)
            mu[f] += row[f];
    }
    for (size_t f = 0; f < n; f++)
        mean[f] *= inv_b;
    for (size_t r = 0; r < n_batch; r++) {
        const float *restrict row = x + r * n; /* (n) */
        const float *restrict mu = mean;
        float *restrict s2 = var;
        for (size_t f = 0; f < n; f++) {
            float d = row[f] - mu[f];
            s2[f] += d * d;
        }
    }
    for (size_t f = 0; f < n; f++)
        var[f] *= inv_b;
}

void bn_update_running(float *run_mean, float *run_var, const float *mean, const float *shift,
                       const float *var, size_t n_batch, size_t n, float momentum)
{
    const float bessel = n_batch > 1 ? (float)n_batch / (float)(n_batch - 1) : 1.0f;
    for (size_t f = 0; f < n; f++) {
        float mu = mean[f] + (shift ? shift[f] : 0.0f);
        run_mean[f] = momentum * run_mean[f] + (1.0f - momentum) * mu;
        run_var[f] = momentum * run_var[f] + (1.0f - momentum) * var[f] * bessel;
    }
}

/* ---------------------------------------------------------------------------------- */
/* forward */

void bn_forward_train(float *y, float *xhat, float *mean, float *var_out, float *istd,
                      const float *x, const float *gamma, const float *beta,
                      size_t n_batch, size_t n, float eps)
{
    bn_stats(mean, var_out, x, n_batch, n);
    for (size_t f = 0; f < n; f++)
        istd[f] = 1.0f / sqrtf(var_out[f] + eps);
    for (size_t r = 0; r < n_batch; r++)
        for (size_t f = 0; f < n; f++) {
            float xh = (x[r * n + f] - mean[f]) * istd[f];
            xhat[r * n + f] = xh;
            y[r * n + f] = gamma[f] * xh + beta[f];
        }
}

void bn_forward_infer(float *y, const float *x, const float *gamma, const float *beta,
                      const float *run_mean, const float *run_var, size_t n_batch, size_t n,
                      float eps)
{
    for (size_t r = 0; r < n_batch; r++)
        for (size_t f = 0; f < n; f++)
            y[r * n + f] = gamma[f] * ((x[r * n + f] - run_mean[f]) / sqrtf(run_var[f] + eps))
                           + beta[f];
}

/* ---------------------------------------------------------------------------------- */
/* backward:  dx = istd * gamma * (dy - mean(dy) - xhat * mean(dy * xhat)) */

void bn_backward(float *dx, float *dgamma, float *dbeta, const float *dy, const float *xhat,
                 const float *gamma, const float *istd, size_t n_batch, size_t n)
{
    const float inv_b = 1.0f / (float)n_batch;
    memset(dgamma, 0, n * sizeof *dgamma);
    memset(dbeta, 0, n * sizeof *dbeta);
    for (size_t r = 0; r < n_batch; r++)
        for (size_t f = 0; f < n; f++) {
            dbeta[f] += dy[r * n + f];
            dgamma[f] += dy[r * n + f] * xhat[r * n + f];
        }
    for (size_t r = 0; r < n_batch; r++)
        for (size_t f = 0; f < n; f++)
            dx[r * n + f] = gamma[f] * istd[f]
                            * (dy[r * n + f] - dbeta[f] * inv_b - xhat[r * n + f] * dgamma[f] * inv_b);
}
