/* layer — fused hidden-layer epilogues; see layer.h for the formulas.
 *
 * Memory: none allocated; all buffers come from the trainer's workspace.
 * Workload: per step and hidden layer B * width floats (baseline: 128 x 480 over the
 * 8 hidden layers). Each kernel walks feature panels (hot.h) and, within a panel, the
 * rows; a panel's batch statistics and gradient sums are carried row after row, which
 * fixes the summation order (bitwise reproducible, no reassociation) and keeps a panel
 * (B x 256 bytes) in L1 for its two or three passes. The elementwise passes run in
 * blocks of 16 features, one AVX-512 register, so the per-feature constants stay in
 * registers; ReLU, the common case, is fused into them.
 */
#include "nn/layer.h"

#include <math.h>

#include "nn/act.h"
#include "nn/hot.h"

/* ---------------------------------------------------------------------------------- */
/* forward */

/* Features f0 .. f0+Q-1 (Q <= 16, one register) of the normalisation and activation in
 * layer_bn_forward_train, from the statistics already in mean and istd. */
NN_INLINE void bn_normalize_block(float *h, float *a, float *zx, const float *mean,
                                  const float *istd, const float *mask, const float *gamma,
                                  const float *beta, size_t n_batch, size_t n, size_t f0,
                                  size_t Q, enum nn_act act)
{
    float mu[16], is[16], g[16], bt[16];
    for (size_t j = 0; j < Q; j++) {
        mu[j] = mean[f0 + j];
        is[j] = istd[f0 + j];
        g[j] = gamma[f0 + j];
        bt[j] = beta[f0 + j];
    }
    for (size_t r = 0; r < n_batch; r++) {
        float *restrict xh = zx + r * n + f0; /* (Q): z in, xhat out */
        float *restrict ar = a + r * n + f0;  /* (Q) */
        if (act == NN_ACT_RELU) { /* the common case, without a second pass over ar */
            for (size_t j = 0; j < Q; j++) {
                float x = (xh[j] - mu[j]) * is[j];
                xh[j] = x;
                float y = g[j] * x + bt[j];
                ar[j] = y > 0.0f ? y : 0.0f;
            }
        } else {
            for (size_t j = 0; j < Q; j++) {
                float x = (xh[j] - mu[j]) * is[j];
                xh[j] = x;
                ar[j] = g[j] * x + bt[j];
            }
            act_apply_row(ar, Q, act);
        }
        if (mask) {
            float *restrict hr = h + r * n + f0;
            const float *restrict mr = mask + r * n + f0;
            for (size_t j = 0; j < Q; j++)
                hr[j] = ar[j] * mr[j];
        }
    }
}

/* Features f0 .. f0+P-1 of layer_bn_forward_train. */
NN_INLINE void bn_forward_panel(float *h, float *a, float *zx, float *mean, float *var,
                                float *istd, const float *mask, const float *gamma,
                                const float *beta, size_t n_batch, size_t n, size_t f0,
                                size_t P, float eps, enum nn_act act)
{
    const float inv_b = 1.0f / (float)n_batch;
    float mu[NN_PANEL] = {0}, s2[NN_PANEL] = {0};
    for (size_t r = 0; r < n_batch; r++) {
        const float *restrict z = zx + r * n + f0; /* (P) */
        NN_UNROLL
        for (size_t j = 0; j < P; j++)
            mu[j] += z[j];
    }
    for (size_t j = 0; j < P; j++)
        mu[j] *= inv_b;
    for (size_t r = 0; r < n_batch; r++) { /* two-pass variance */
        const float *restrict z = zx + r * n + f0;
        NN_UNROLL
        for (size_t j = 0; j < P; j++) {
            float d = z[j] - mu[j];
            s2[j] += d * d;
        }
    }
    for (size_t j = 0; j < P; j++) {
        s2[j] *= inv_b;
        mean[f0 + j] = mu[j];
        var[f0 + j] = s2[j];
        istd[f0 + j] = 1.0f / sqrtf(s2[j] + eps);
    }
    const size_t Q = P < 16 ? P : 16;
    for (size_t q = 0; q < P; q += Q)
        bn_normalize_block(h, a, zx, mean, istd, mask, gamma, beta, n_batch, n, f0 + q, Q, act);
}

NN_HOT void layer_bn_forward_train(float *h, float *a, float *zx, float *mean, float *var,
                                   float *istd, const float *mask, const float *gamma,
                                   const float *beta, size_t n_batch, size_t n, float eps,
                                   enum nn_act act)
{
    for (size_t f = 0, w; f < n; f += w) {
        w = nn_panel_width(n, f);
#define PANEL(P)                                                                         \
    bn_forward_panel(h, a, zx, mean, var, istd, mask, gamma, beta, n_batch, n, f, P, eps, act)
        NN_PANEL_SWITCH(w, PANEL)
#undef PANEL
    }
}

/* Features f0 .. f0+Q-1 (Q <= 16) of layer_forward_train. */
NN_INLINE void forward_block(float *h, float *za, const float *mask, const float *b,
                             size_t n_batch, size_t n, size_t f0, size_t Q, enum nn_act act)
{
    float bias[16];
    for (size_t j = 0; j < Q; j++)
        bias[j] = b[f0 + j];
    for (size_t r = 0; r < n_batch; r++) {
        float *restrict ar = za + r * n + f0; /* (Q): z in, a out */
        if (act == NN_ACT_RELU) {
            for (size_t j = 0; j < Q; j++) {
                float y = ar[j] + bias[j];
                ar[j] = y > 0.0f ? y : 0.0f;
            }
        } else {
            for (size_t j = 0; j < Q; j++)
                ar[j] += bias[j];
            act_apply_row(ar, Q, act);
        }
        if (mask) {
            float *restrict hr = h + r * n + f0;
            const float *restrict mr = mask + r * n + f0;
            for (size_t j = 0; j < Q; j++)
                hr[j] = ar[j] * mr[j];
        }
    }
}

NN_HOT void layer_forward_train(float *h, float *za, const float *mask, const float *b,
                                size_t n_batch, size_t n, enum nn_act act)
{
    /* no sums here: register-wide blocks are enough */
    size_t f = 0;
    for (; n - f >= 16; f += 16)
        forward_block(h, za, mask, b, n_batch, n, f, 16, act);
    for (; n - f >= 4; f += 4)
        forward_block(h, za, mask, b, n_batch, n, f, 4, act);
    for (; f < n; f++)
        forward_block(h, za, mask, b, n_batch, n, f, 1, act);
}

/* ---------------------------------------------------------------------------------- */
/* backward */

/* Features f0 .. f0+Q-1 (Q <= 16) of pass 2 of layer_bn_backward, from the sums
 * already in dgamma and dbeta: dz = gamma * istd * (dy - dbeta / B - xhat * dgamma / B). */
NN_INLINE void bn_dz_block(float *dzh, const float *xhat, const float *dgamma,
                           const float *dbeta, const float *gamma, const float *istd,
                           size_t n_batch, size_t n, size_t f0, size_t Q)
{
    const float inv_b = 1.0f / (float)n_batch;
    float scale[16], mb[16], mg[16];
    for (size_t j = 0; j < Q; j++) {
        scale[j] = gamma[f0 + j] * istd[f0 + j];
        mb[j] = dbeta[f0 + j] * inv_b;
        mg[j] = dgamma[f0 + j] * inv_b;
    }
    for (size_t r = 0; r < n_batch; r++) {
        float *restrict dy = dzh + r * n + f0;        /* (Q): dy in, dz out */
        const float *restrict xh = xhat + r * n + f0; /* (Q) */
        for (size_t j = 0; j < Q; j++)
            dy[j] = scale[j] * (dy[j] - mb[j] - xh[j] * mg[j]);
    }
}

/* One row of Q <= 16 features of pass 1 of layer_bn_backward: dy *= f'(a); db += dy;
 * dg += dy * xhat. A function of its own for the restrict parameters: the compiler
 * then keeps db and dg in registers across the rows. */
NN_INLINE void bn_grad_sums(float *restrict dy, const float *restrict xh,
                            const float *restrict ar, float *restrict db, float *restrict dg,
                            size_t Q, enum nn_act act)
{
    if (act == NN_ACT_RELU) { /* the common case, fused into the sums */
        for (size_t j = 0; j < Q; j++) {
            float d = ar[j] > 0.0f ? dy[j] : 0.0f;
            dy[j] = d;
            db[j] += d;
            dg[j] += d * xh[j];
        }
    } else {
        act_grad_row(dy, ar, Q, act);
        for (size_t j = 0; j < Q; j++) {
            db[j] += dy[j];
            dg[j] += dy[j] * xh[j];
        }
    }
}

/* Features f0 .. f0+P-1 of layer_bn_backward. */
NN_INLINE void bn_backward_panel(float *dzh, float *dgamma, float *dbeta, const float *a,
                                 const float *xhat, const float *mask, const float *gamma,
                                 const float *istd, size_t n_batch, size_t n, size_t f0,
                                 size_t P, enum nn_act act)
{
    float db[NN_PANEL] = {0}, dg[NN_PANEL] = {0};
    /* pass 1: dy = dh * mask * f'(a); dbeta = sum dy; dgamma = sum dy * xhat */
    const size_t Q = P < 16 ? P : 16;
    for (size_t r = 0; r < n_batch; r++) {
        size_t o = r * n + f0;
        if (mask)
            for (size_t j = 0; j < P; j++)
                dzh[o + j] *= mask[o + j];
        NN_UNROLL
        for (size_t q = 0; q < P; q += Q)
            bn_grad_sums(dzh + o + q, xhat + o + q, a + o + q, db + q, dg + q, Q, act);
    }
    for (size_t j = 0; j < P; j++) {
        dbeta[f0 + j] = db[j];
        dgamma[f0 + j] = dg[j];
    }
    for (size_t q = 0; q < P; q += Q)
        bn_dz_block(dzh, xhat, dgamma, dbeta, gamma, istd, n_batch, n, f0 + q, Q);
}

NN_HOT void layer_bn_backward(float *dzh, float *dgamma, float *dbeta, const float *a,
                              const float *xhat, const float *mask, const float *gamma,
                              const float *istd, size_t n_batch, size_t n, enum nn_act act)
{
    for (size_t f = 0, w; f < n; f += w) {
        w = nn_panel_width(n, f);
#define PANEL(P)                                                                         \
    bn_backward_panel(dzh, dgamma, dbeta, a, xhat, mask, gamma, istd, n_batch, n, f, P, act)
        NN_PANEL_SWITCH(w, PANEL)
#undef PANEL
    }
}

/* One row of Q <= 16 features of layer_backward: dz *= f'(a); acc += dz (restrict
 * parameters, as in bn_grad_sums). */
NN_INLINE void grad_sums(float *restrict dz, const float *restrict ar, float *restrict acc,
                         size_t Q, enum nn_act act)
{
    if (act == NN_ACT_RELU) {
        for (size_t j = 0; j < Q; j++) {
            float d = ar[j] > 0.0f ? dz[j] : 0.0f;
            dz[j] = d;
            acc[j] += d;
        }
    } else {
        act_grad_row(dz, ar, Q, act);
        for (size_t j = 0; j < Q; j++)
            acc[j] += dz[j];
    }
}

/* Features f0 .. f0+P-1 of layer_backward. */
NN_INLINE void backward_panel(float *dzh, float *db, const float *a, const float *mask,
                              size_t n_batch, size_t n, size_t f0, size_t P, enum nn_act act)
{
    const size_t Q = P < 16 ? P : 16;
    float acc[NN_PANEL] = {0};
    for (size_t r = 0; r < n_batch; r++) {
        size_t o = r * n + f0; /* dzh: dh in, dz out */
        if (mask)
            for (size_t j = 0; j < P; j++)
                dzh[o + j] *= mask[o + j];
        NN_UNROLL
        for (size_t q = 0; q < P; q += Q)
            grad_sums(dzh + o + q, a + o + q, acc + q, Q, act);
    }
    for (size_t j = 0; j < P; j++)
        db[f0 + j] = acc[j];
}

NN_HOT void layer_backward(float *dzh, float *db, const float *a, const float *mask,
                           size_t n_batch, size_t n, enum nn_act act)
{
    for (size_t f = 0, w; f < n; f += w) {
        w = nn_panel_width(n, f);
#define PANEL(P) backward_panel(dzh, db, a, mask, n_batch, n, f, P, act)
        NN_PANEL_SWITCH(w, PANEL)
#undef PANEL
    }
}
