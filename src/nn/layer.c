/* layer — fused hidden-layer epilogues; see layer.h for the formulas.
 *
 * Memory: none allocated; all buffers come from the trainer's workspace.
 * Workload: per step and hidden layer B * width floats (baseline: 128 x 480 over the
 * 8 hidden layers). Loops run across the features of one row with restrict pointers so
 * gcc vectorises them; reductions accumulate per feature, row after row, which fixes
 * the summation order (bitwise reproducible, no reassociation needed).
 */
#include "nn/layer.h"

#include <math.h>
#include <string.h>

#include "nn/act.h"
#include "nn/batchnorm.h"
#include "nn/hot.h"

/* ---------------------------------------------------------------------------------- */
/* forward */

NN_HOT void layer_bn_forward_train(float *h, float *a, float *zx, float *mean, float *var, float *istd,
                            const float *mask, const float *gamma, const float *beta,
                            size_t n_batch, size_t n, float eps, enum nn_act act)
{
    bn_stats(mean, var, zx, n_batch, n);
    for (size_t f = 0; f < n; f++)
        istd[f] = 1.0f / sqrtf(var[f] + eps);
    for (size_t r = 0; r < n_batch; r++) {
        float *restrict xh = zx + r * n;  /* (n): z in, xhat out */
        float *restrict ar = a + r * n;   /* (n) */
        const float *restrict mu = mean, *restrict is = istd, *restrict g = gamma,
                              *restrict bt = beta;
        for (size_t f = 0; f < n; f++) {
            float x = (xh[f] - mu[f]) * is[f];
            xh[f] = x;
            ar[f] = g[f] * x + bt[f];
        }
        act_apply_row(ar, n, act);
        if (mask) {
            float *restrict hr = h + r * n;
            const float *restrict mr = mask + r * n;
            for (size_t f = 0; f < n; f++)
                hr[f] = ar[f] * mr[f];
        }
    }
}

NN_HOT void layer_forward_train(float *h, float *za, const float *mask, const float *b,
                         size_t n_batch, size_t n, enum nn_act act)
{
    for (size_t r = 0; r < n_batch; r++) {
        float *restrict ar = za + r * n; /* (n): z in, a out */
        const float *restrict bias = b;
        for (size_t f = 0; f < n; f++)
            ar[f] += bias[f];
        act_apply_row(ar, n, act);
        if (mask) {
            float *restrict hr = h + r * n;
            const float *restrict mr = mask + r * n;
            for (size_t f = 0; f < n; f++)
                hr[f] = ar[f] * mr[f];
        }
    }
}

/* ---------------------------------------------------------------------------------- */
/* backward */

/* row (n) = row * mask * f'(a) */
static inline void grad_through_act(float *restrict row, const float *restrict ar,
                                    const float *restrict mr, size_t n, enum nn_act act)
{
    if (mr)
        for (size_t f = 0; f < n; f++)
            row[f] *= mr[f];
    act_grad_row(row, ar, n, act);
}

NN_HOT void layer_bn_backward(float *dzh, float *dgamma, float *dbeta, const float *a,
                       const float *xhat, const float *mask, const float *gamma,
                       const float *istd, float *scratch, size_t n_batch, size_t n,
                       enum nn_act act)
{
    const float inv_b = 1.0f / (float)n_batch;
    memset(dgamma, 0, n * sizeof *dgamma);
    memset(dbeta, 0, n * sizeof *dbeta);
    /* pass 1: dy = dh * mask * f'(a); dbeta = sum dy; dgamma = sum dy * xhat */
    for (size_t r = 0; r < n_batch; r++) {
        float *restrict dy = dzh + r * n;             /* (n) */
        const float *restrict xh = xhat + r * n;      /* (n) */
        float *restrict dg = dgamma, *restrict db = dbeta;
        grad_through_act(dy, a + r * n, mask ? mask + r * n : NULL, n, act);
        for (size_t f = 0; f < n; f++) {
            db[f] += dy[f];
            dg[f] += dy[f] * xh[f];
        }
    }
    /* pass 2: dz = gamma * istd * (dy - dbeta / B - xhat * dgamma / B) */
    float *restrict scale = scratch;      /* (n) gamma * istd */
    float *restrict mg = scratch + n;     /* (n) dgamma / B */
    for (size_t f = 0; f < n; f++) {
        scale[f] = gamma[f] * istd[f];
        mg[f] = dgamma[f] * inv_b;
    }
    for (size_t r = 0; r < n_batch; r++) {
        float *restrict dy = dzh + r * n;         /* (n): dy in, dz out */
        const float *restrict xh = xhat + r * n;  /* (n) */
        const float *restrict db = dbeta;
        for (size_t f = 0; f < n; f++)
            dy[f] = scale[f] * (dy[f] - db[f] * inv_b - xh[f] * mg[f]);
    }
}

NN_HOT void layer_backward(float *dzh, float *db, const float *a, const float *mask,
                    size_t n_batch, size_t n, enum nn_act act)
{
    memset(db, 0, n * sizeof *db);
    for (size_t r = 0; r < n_batch; r++) {
        float *restrict dz = dzh + r * n; /* (n): dh in, dz out */
        float *restrict acc = db;
        grad_through_act(dz, a + r * n, mask ? mask + r * n : NULL, n, act);
        for (size_t f = 0; f < n; f++)
            acc[f] += dz[f];
    }
}
