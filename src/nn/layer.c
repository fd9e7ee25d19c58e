/* layer — fused hidden-layer epilogues; see layer.h for the formulas.
 *
 * Memory: none allocated; all buffers come from the trainer's workspace.
 * Workload: per step and hidden layer B * width floats (baseline: 128 x 480 over the
 * 8 hidden layers). Each kernel walks feature panels (hot.h) and, within a panel, the
 * rows; a panel's batch statistics and gradient sums are carried in registers, row
 * after row, which fixes the summation order (bitwise reproducible, no reassociation)
 * and keeps a panel (B x 256 bytes) in L1 for its two or three passes.
 */
#include "nn/layer.h"

#include <math.h>

#include "nn/act.h"
#include "nn/hot.h"

/* ---------------------------------------------------------------------------------- */
/* forward */

/* Features f0 .. f0+P-1 of layer_bn_forward_train. */
NN_INLINE void bn_forward_panel(float *h, float *a, float *zx, float *mean, float *var,
                                float *istd, const float *mask, const float *gamma,
                                const float *beta, size_t n_batch, size_t n, size_t f0,
                                size_t P, float eps, enum nn_act act)
{
    const float inv_b = 1.0f / (float)n_batch;
    float mu[NN_PANEL] = {0}, s2[NN_PANEL] = {0}, is[NN_PANEL], g[NN_PANEL], bt[NN_PANEL];
    for (size_t r = 0; r < n_batch; r++) {
        const float *restrict z = zx + r * n + f0; /* (P) */
        for (size_t j = 0; j < P; j++)
            mu[j] += z[j];
    }
    for (size_t j = 0; j < P; j++)
        mu[j] *= inv_b;
    for (size_t r = 0; r < n_batch; r++) { /* two-pass variance */
        const float *restrict z = zx + r * n + f0;
        for (size_t j = 0; j < P; j++) {
            float d = z[j] - mu[j];
            s2[j] += d * d;
        }
    }
    for (size_t j = 0; j < P; j++) {
        s2[j] *= inv_b;
        is[j] = 1.0f / sqrtf(s2[j] + eps);
        mean[f0 + j] = mu[j];
        var[f0 + j] = s2[j];
        istd[f0 + j] = is[j];
        g[j] = gamma[f0 + j];
        bt[j] = beta[f0 + j];
    }
    for (size_t r = 0; r < n_batch; r++) {
        float *restrict xh = zx + r * n + f0; /* (P): z in, xhat out */
        float *restrict ar = a + r * n + f0;  /* (P) */
        for (size_t j = 0; j < P; j++) {
            float x = (xh[j] - mu[j]) * is[j];
            xh[j] = x;
            ar[j] = g[j] * x + bt[j];
        }
        act_apply_row(ar, P, act);
        if (mask) {
            float *restrict hr = h + r * n + f0;
            const float *restrict mr = mask + r * n + f0;
            for (size_t j = 0; j < P; j++)
                hr[j] = ar[j] * mr[j];
        }
    }
}

NN_HOT void layer_bn_forward_train(float *h, float *a, float *zx, float *mean, float *var,
                                   float *istd, const float *mask, const float *gamma,
                                   const float *beta, size_t n_batch, size_t n, float eps,
                                   enum nn_act act)
{
    for (size_t f = 0, w; f < n; f += w) {
        w = nn_panel_width(n, f);
        if (w == NN_PANEL)
            bn_forward_panel(h, a, zx, mean, var, istd, mask, gamma, beta, n_batch, n, f,
                             NN_PANEL, eps, act);
        else if (w == 16)
            bn_forward_panel(h, a, zx, mean, var, istd, mask, gamma, beta, n_batch, n, f, 16,
                             eps, act);
        else if (w == 4)
            bn_forward_panel(h, a, zx, mean, var, istd, mask, gamma, beta, n_batch, n, f, 4,
                             eps, act);
        else
            bn_forward_panel(h, a, zx, mean, var, istd, mask, gamma, beta, n_batch, n, f, 1,
                             eps, act);
    }
}

/* Features f0 .. f0+P-1 of layer_forward_train. */
NN_INLINE void forward_panel(float *h, float *za, const float *mask, const float *b,
                             size_t n_batch, size_t n, size_t f0, size_t P, enum nn_act act)
{
    float bias[NN_PANEL];
    for (size_t j = 0; j < P; j++)
        bias[j] = b[f0 + j];
    for (size_t r = 0; r < n_batch; r++) {
        float *restrict ar = za + r * n + f0; /* (P): z in, a out */
        for (size_t j = 0; j < P; j++)
            ar[j] += bias[j];
        act_apply_row(ar, P, act);
        if (mask) {
            float *restrict hr = h + r * n + f0;
            const float *restrict mr = mask + r * n + f0;
            for (size_t j = 0; j < P; j++)
                hr[j] = ar[j] * mr[j];
        }
    }
}

NN_HOT void layer_forward_train(float *h, float *za, const float *mask, const float *b,
                                size_t n_batch, size_t n, enum nn_act act)
{
    for (size_t f = 0, w; f < n; f += w) {
        w = nn_panel_width(n, f);
        if (w == NN_PANEL)
            forward_panel(h, za, mask, b, n_batch, n, f, NN_PANEL, act);
        else if (w == 16)
            forward_panel(h, za, mask, b, n_batch, n, f, 16, act);
        else if (w == 4)
            forward_panel(h, za, mask, b, n_batch, n, f, 4, act);
        else
            forward_panel(h, za, mask, b, n_batch, n, f, 1, act);
    }
}

/* ---------------------------------------------------------------------------------- */
/* backward */

/* row (P) = row * mask * f'(a) */
static inline void grad_through_act(float *restrict row, const float *restrict ar,
                                    const float *restrict mr, size_t P, enum nn_act act)
{
    if (mr)
        for (size_t j = 0; j < P; j++)
            row[j] *= mr[j];
    act_grad_row(row, ar, P, act);
}

/* Features f0 .. f0+P-1 of layer_bn_backward. */
NN_INLINE void bn_backward_panel(float *dzh, float *dgamma, float *dbeta, const float *a,
                                 const float *xhat, const float *mask, const float *gamma,
                                 const float *istd, size_t n_batch, size_t n, size_t f0,
                                 size_t P, enum nn_act act)
{
    const float inv_b = 1.0f / (float)n_batch;
    float db[NN_PANEL] = {0}, dg[NN_PANEL] = {0}, scale[NN_PANEL], mb[NN_PANEL], mg[NN_PANEL];
    /* pass 1: dy = dh * mask * f'(a); dbeta = sum dy; dgamma = sum dy * xhat */
    for (size_t r = 0; r < n_batch; r++) {
        size_t o = r * n + f0;
        float *restrict dy = dzh + o;        /* (P) */
        const float *restrict xh = xhat + o; /* (P) */
        grad_through_act(dy, a + o, mask ? mask + o : NULL, P, act);
        for (size_t j = 0; j < P; j++) {
            db[j] += dy[j];
            dg[j] += dy[j] * xh[j];
        }
    }
    for (size_t j = 0; j < P; j++) {
        dbeta[f0 + j] = db[j];
        dgamma[f0 + j] = dg[j];
        scale[j] = gamma[f0 + j] * istd[f0 + j];
        mb[j] = db[j] * inv_b;
        mg[j] = dg[j] * inv_b;
    }
    /* pass 2: dz = gamma * istd * (dy - dbeta / B - xhat * dgamma / B) */
    for (size_t r = 0; r < n_batch; r++) {
        float *restrict dy = dzh + r * n + f0;        /* (P): dy in, dz out */
        const float *restrict xh = xhat + r * n + f0; /* (P) */
        for (size_t j = 0; j < P; j++)
            dy[j] = scale[j] * (dy[j] - mb[j] - xh[j] * mg[j]);
    }
}

NN_HOT void layer_bn_backward(float *dzh, float *dgamma, float *dbeta, const float *a,
                              const float *xhat, const float *mask, const float *gamma,
                              const float *istd, size_t n_batch, size_t n, enum nn_act act)
{
    for (size_t f = 0, w; f < n; f += w) {
        w = nn_panel_width(n, f);
        if (w == NN_PANEL)
            bn_backward_panel(dzh, dgamma, dbeta, a, xhat, mask, gamma, istd, n_batch, n, f,
                              NN_PANEL, act);
        else if (w == 16)
            bn_backward_panel(dzh, dgamma, dbeta, a, xhat, mask, gamma, istd, n_batch, n, f, 16,
                              act);
        else if (w == 4)
            bn_backward_panel(dzh, dgamma, dbeta, a, xhat, mask, gamma, istd, n_batch, n, f, 4,
                              act);
        else
            bn_backward_panel(dzh, dgamma, dbeta, a, xhat, mask, gamma, istd, n_batch, n, f, 1,
                              act);
    }
}

/* Features f0 .. f0+P-1 of layer_backward. */
NN_INLINE void backward_panel(float *dzh, float *db, const float *a, const float *mask,
                              size_t n_batch, size_t n, size_t f0, size_t P, enum nn_act act)
{
    float acc[NN_PANEL] = {0};
    for (size_t r = 0; r < n_batch; r++) {
        size_t o = r * n + f0;
        float *restrict dz = dzh + o; /* (P): dh in, dz out */
        grad_through_act(dz, a + o, mask ? mask + o : NULL, P, act);
        for (size_t j = 0; j < P; j++)
            acc[j] += dz[j];
    }
    for (size_t j = 0; j < P; j++)
        db[f0 + j] = acc[j];
}

NN_HOT void layer_backward(float *dzh, float *db, const float *a, const float *mask,
                           size_t n_batch, size_t n, enum nn_act act)
{
    for (size_t f = 0, w; f < n; f += w) {
        w = nn_panel_width(n, f);
        if (w == NN_PANEL)
            backward_panel(dzh, db, a, mask, n_batch, n, f, NN_PANEL, act);
        else if (w == 16)
            backward_panel(dzh, db, a, mask, n_batch, n, f, 16, act);
        else if (w == 4)
            backward_panel(dzh, db, a, mask, n_batch, n, f, 4, act);
        else
            backward_panel(dzh, db, a, mask, n_batch, n, f, 1, act);
    }
}
