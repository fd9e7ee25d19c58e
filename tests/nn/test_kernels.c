/* Kernel tests: every backward pass against central finite differences, the BLAS dense
 * path against its naive twin, dropout masks, Adam against the textbook formula. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn/act.h"
#include "nn/adam.h"
#include "nn/batchnorm.h"
#include "nn/dense.h"
#include "nn/dropout.h"
#include "nn/layer.h"
#include "nn/loss.h"
#include "nn/penalty.h"
#include "nn_testutil.h"

#define MAXN 4096

/* ---------------------------------------------------------------------------------- */
/* dense */

static void dense_blas_should_match_naive_reference(void)
{
    static const size_t shapes[][3] = {{128, 24, 120}, {128, 120, 60}, {128, 44, 5},
                                       {7, 13, 5},     {1, 1, 1},      {33, 64, 17}};
    snac_rng r;
    rng_seed(&r, 1);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t B = shapes[s][0], ni = shapes[s][1], no = shapes[s][2];
        float *in = malloc(B * ni * 4), *w = malloc(no * ni * 4), *b = malloc(no * 4);
        float *o1 = malloc(B * no * 4), *o2 = malloc(B * no * 4);
        float *dw1 = malloc(no * ni * 4), *dw2 = malloc(no * ni * 4), *db1 = malloc(no * 4),
              *db2 = malloc(no * 4), *di1 = malloc(B * ni * 4), *di2 = malloc(B * ni * 4);
        fill_uniform(in, B * ni, -1, 1, &r);
        fill_uniform(w, no * ni, -1, 1, &r);
        fill_uniform(b, no, -1, 1, &r);
        dense_forward(o1, in, w, b, B, ni, no);
        dense_forward_ref(o2, in, w, b, B, ni, no);
        double tol = 1e-5 * (double)ni;
        for (size_t i = 0; i < B * no; i++)
            CHECK_NEAR(o1[i], o2[i], tol);
        /* use the forward output as an upstream gradient */
        dense_backward_params(dw1, db1, o1, in, B, ni, no);
        dense_backward_params_ref(dw2, db2, o1, in, B, ni, no);
        for (size_t i = 0; i < no * ni; i++)
            CHECK_NEAR(dw1[i], dw2[i], 1e-5 * (double)(B * ni));
        for (size_t i = 0; i < no; i++)
            CHECK_NEAR(db1[i], db2[i], 1e-5 * (double)(B * ni));
        dense_backward_input(di1, o1, w, B, ni, no);
        dense_backward_input_ref(di2, o1, w, B, ni, no);
        for (size_t i = 0; i < B * ni; i++)
            CHECK_NEAR(di1[i], di2[i], 1e-5 * (double)(no * ni));
        free(in), free(w), free(b), free(o1), free(o2), free(dw1), free(dw2), free(db1), free(db2),
            free(di1), free(di2);
    }
}

typedef struct dense_ctx {
    float *in, *w, *b, *out, *c; /* c: weights of the linear functional sum c * out */
    size_t B, ni, no;
} dense_ctx;

static double dense_loss(void *p)
{
    dense_ctx *d = p;
    dense_forward(d->out, d->in, d->w, d->b, d->B, d->ni, d->no);
    double s = 0;
    for (size_t i = 0; i < d->B * d->no; i++)
        s += (double)d->c[i] * d->out[i];
    return s;
}

static void dense_backward_should_match_finite_differences(void)
{
    enum { B = 6, NI = 7, NO = 4 };
    float in[B * NI], w[NO * NI], b[NO], out[B * NO], c[B * NO], dw[NO * NI], db[NO], din[B * NI];
    snac_rng r;
    rng_seed(&r, 2);
    fill_uniform(in, B * NI, -1, 1, &r);
    fill_uniform(w, NO * NI, -1, 1, &r);
    fill_uniform(b, NO, -1, 1, &r);
    fill_uniform(c, B * NO, -1, 1, &r);
    dense_ctx d = {in, w, b, out, c, B, NI, NO};
    dense_backward_params(dw, db, c, in, B, NI, NO);
    dense_backward_input(din, c, w, B, NI, NO);
    fd_check("dense dW", dense_loss, &d, w, dw, NO * NI, 1e-2f, 1e-3, 1e-3);
    fd_check("dense db", dense_loss, &d, b, db, NO, 1e-2f, 1e-3, 1e-3);
    fd_check("dense dX", dense_loss, &d, in, din, B * NI, 1e-2f, 1e-3, 1e-3);
}

/* ---------------------------------------------------------------------------------- */
/* activations */

typedef struct act_ctx {
    float *y, *out, *c;
    size_t n;
    enum nn_act act;
} act_ctx;

static double act_loss(void *p)
{
    act_ctx *a = p;
    act_forward(a->out, a->y, a->n, a->act);
    double s = 0;
    for (size_t i = 0; i < a->n; i++)
        s += (double)a->c[i] * a->out[i];
    return s;
}

static void each_activation_backward_should_match_finite_differences(void)
{
    enum { N = 40 };
    float y[N], out[N], c[N], dy[N];
    snac_rng r;
    rng_seed(&r, 3);
    for (int k = 0; k < NN_ACT_COUNT; k++) {
        fill_away_from_zero(y, N, 0.05f, 3.0f, &r);
        fill_uniform(c, N, -1, 1, &r);
        act_ctx a = {y, out, c, N, (enum nn_act)k};
        act_forward(out, y, N, a.act);
        act_backward(dy, c, out, N, a.act);
        fd_check(nn_act_names[k], act_loss, &a, y, dy, N, 1e-3f, 1e-3, 1e-2);
    }
    /* ReLU zeroes negatives and passes positives */
    float v[3] = {-1.0f, 0.0f, 2.0f}, o[3];
    act_forward(o, v, 3, NN_ACT_RELU);
    CHECK(o[0] == 0.0f && o[1] == 0.0f && o[2] == 2.0f);
}

/* ---------------------------------------------------------------------------------- */
/* dropout */

static void dropout_mask_should_be_reproducible_and_scaled(void)
{
    enum { N = 4001 };
    static float m1[N], m2[N];
    snac_rng r1, r2;
    rng_seed(&r1, 4);
    rng_seed(&r2, 4);
    dropout_mask(m1, N, 0.25f, &r1);
    dropout_mask(m2, N, 0.25f, &r2);
    CHECK(memcmp(m1, m2, sizeof m1) == 0);
    size_t dropped = 0;
    int only_two_values = 1;
    for (size_t i = 0; i < N; i++) {
        dropped += m1[i] == 0.0f;
        only_two_values &= m1[i] == 0.0f || m1[i] == 1.0f / 0.75f;
    }
    CHECK(only_two_values);
    CHECK_MSG(dropped > 900 && dropped < 1100, "dropped %zu of %d at p = 0.25", dropped, N);
    dropout_mask(m1, N, 0.0f, &r1);
    for (size_t i = 0; i < N; i++)
        CHECK(m1[i] == 1.0f);
}

typedef struct drop_ctx {
    float *x, *mask, *out, *c;
    size_t n;
} drop_ctx;

static double drop_loss(void *p)
{
    drop_ctx *d = p;
    dropout_forward(d->out, d->x, d->mask, d->n);
    double s = 0;
    for (size_t i = 0; i < d->n; i++)
        s += (double)d->c[i] * d->out[i];
    return s;
}

static void dropout_backward_with_fixed_mask_should_match_finite_differences(void)
{
    enum { N = 32 };
    float x[N], mask[N], out[N], c[N], dx[N];
    snac_rng r;
    rng_seed(&r, 5);
    fill_uniform(x, N, -1, 1, &r);
    fill_uniform(c, N, -1, 1, &r);
    dropout_mask(mask, N, 0.5f, &r);
    drop_ctx d = {x, mask, out, c, N};
    dropout_backward(dx, c, mask, N);
    fd_check("dropout", drop_loss, &d, x, dx, N, 1e-2f, 1e-4, 1e-3);
}

/* ---------------------------------------------------------------------------------- */
/* batch norm: the stand-alone kernels and the fused epilogues the trainer runs */

enum { BB = 8, BN_N = 5 };

typedef struct bn_ctx {
    float x[BB * BN_N], y[BB * BN_N], xhat[BB * BN_N], h[BB * BN_N], a[BB * BN_N];
    float gamma[BN_N], beta[BN_N], b[BN_N], mean[BN_N], var[BN_N], istd[BN_N];
    float c[BB * BN_N], mask[BB * BN_N], z[BB * BN_N];
    int use_mask;
    enum nn_act act;
} bn_ctx;

static double bn_plain_loss(void *p)
{
    bn_ctx *b = p;
    bn_forward_train(b->y, b->xhat, b->mean, b->var, b->istd, b->x, b->gamma, b->beta, BB, BN_N,
                     1e-3f);
    double s = 0;
    for (size_t i = 0; i < BB * BN_N; i++)
        s += (double)b->c[i] * b->y[i];
    return s;
}

static void batchnorm_backward_should_match_finite_differences(void)
{
    static bn_ctx b;
    snac_rng r;
    rng_seed(&r, 6);
    fill_uniform(b.x, BB * BN_N, -2, 2, &r);
    fill_uniform(b.gamma, BN_N, 0.5f, 1.5f, &r);
    fill_uniform(b.beta, BN_N, -0.5f, 0.5f, &r);
    fill_uniform(b.c, BB * BN_N, -1, 1, &r);
    float dx[BB * BN_N], dg[BN_N], dbeta[BN_N];
    bn_plain_loss(&b);
    bn_backward(dx, dg, dbeta, b.c, b.xhat, b.gamma, b.istd, BB, BN_N);
    fd_check("bn dx", bn_plain_loss, &b, b.x, dx, BB * BN_N, 1e-3f, 2e-3, 1e-2);
    fd_check("bn dgamma", bn_plain_loss, &b, b.gamma, dg, BN_N, 1e-3f, 2e-3, 1e-2);
    fd_check("bn dbeta", bn_plain_loss, &b, b.beta, dbeta, BN_N, 1e-3f, 2e-3, 1e-2);
    /* normalised output: zero mean, unit variance per feature (up to eps) */
    for (size_t f = 0; f < BN_N; f++) {
        double m = 0, v = 0;
        for (size_t i = 0; i < BB; i++)
            m += b.xhat[i * BN_N + f];
        for (size_t i = 0; i < BB; i++)
            v += b.xhat[i * BN_N + f] * b.xhat[i * BN_N + f];
        CHECK_NEAR(m / BB, 0.0, 1e-5);
        CHECK_NEAR(v / BB, 1.0, 1e-2);
    }
}

static double bn_fused_loss(void *p)
{
    bn_ctx *b = p;
    memcpy(b->z, b->x, sizeof b->z);
    layer_bn_forward_train(b->h, b->a, b->z, b->mean, b->var, b->istd,
                           b->use_mask ? b->mask : NULL, b->gamma, b->beta, BB, BN_N, 1e-3f, b->act);
    const float *out = b->use_mask ? b->h : b->a;
    double s = 0;
    for (size_t i = 0; i < BB * BN_N; i++)
        s += (double)b->c[i] * out[i];
    return s;
}

static void fused_bn_activation_dropout_backward_should_match_finite_differences(void)
{
    static bn_ctx b;
    snac_rng r;
    rng_seed(&r, 7);
    for (int k = 0; k < NN_ACT_COUNT; k++)
        for (int use_mask = 0; use_mask <= 1; use_mask++) {
            b.act = (enum nn_act)k;
            b.use_mask = use_mask;
            fill_uniform(b.x, BB * BN_N, -2, 2, &r);
            fill_uniform(b.gamma, BN_N, 0.5f, 1.5f, &r);
            fill_uniform(b.beta, BN_N, -0.5f, 0.5f, &r);
            fill_uniform(b.c, BB * BN_N, -1, 1, &r);
            dropout_mask(b.mask, BB * BN_N, 0.3f, &r);
            float d[BB * BN_N], dg[BN_N], dbeta[BN_N];
            bn_fused_loss(&b);
            memcpy(d, b.c, sizeof d);
            layer_bn_backward(d, dg, dbeta, b.a, b.z, use_mask ? b.mask : NULL, b.gamma, b.istd,
                              BB, BN_N, b.act);
            char what[64];
            snprintf(what, sizeof what, "fused bn+%s%s dz", nn_act_names[k], use_mask ? "+dropout" : "");
            /* ReLU: a perturbation may cross the kink; keep h small */
            fd_check(what, bn_fused_loss, &b, b.x, d, BB * BN_N, 1e-3f, 3e-3, 2e-2);
            fd_check("fused dgamma", bn_fused_loss, &b, b.gamma, dg, BN_N, 1e-3f, 3e-3, 2e-2);
            fd_check("fused dbeta", bn_fused_loss, &b, b.beta, dbeta, BN_N, 1e-3f, 3e-3, 2e-2);
        }
}

static double plain_fused_loss(void *p)
{
    bn_ctx *b = p;
    memcpy(b->z, b->x, sizeof b->z);
    layer_forward_train(b->h, b->z, b->use_mask ? b->mask : NULL, b->b, BB, BN_N, b->act);
    const float *out = b->use_mask ? b->h : b->z;
    double s = 0;
    for (size_t i = 0; i < BB * BN_N; i++)
        s += (double)b->c[i] * out[i];
    return s;
}

static void fused_bias_activation_dropout_backward_should_match_finite_differences(void)
{
    static bn_ctx b;
    snac_rng r;
    rng_seed(&r, 8);
    for (int k = 0; k < NN_ACT_COUNT; k++)
        for (int use_mask = 0; use_mask <= 1; use_mask++) {
            b.act = (enum nn_act)k;
            b.use_mask = use_mask;
            fill_away_from_zero(b.x, BB * BN_N, 0.1f, 2.0f, &r);
            memset(b.b, 0, sizeof b.b); /* keep z + b away from the ReLU kink */
            fill_uniform(b.c, BB * BN_N, -1, 1, &r);
            dropout_mask(b.mask, BB * BN_N, 0.3f, &r);
            float d[BB * BN_N], db[BN_N];
            plain_fused_loss(&b);
            memcpy(d, b.c, sizeof d);
            layer_backward(d, db, b.z, use_mask ? b.mask : NULL, BB, BN_N, b.act);
            fd_check("fused bias+act dz", plain_fused_loss, &b, b.x, d, BB * BN_N, 1e-3f, 2e-3, 1e-2);
            fd_check("fused bias+act db", plain_fused_loss, &b, b.b, db, BN_N, 1e-3f, 2e-3, 1e-2);
        }
}

/* Row-wise twins of the fused epilogues: one formula per element, sums row after row
 * (the order the panel kernels must keep, bit for bit). */
static void ref_bn_forward(float *h, float *a, float *zx, float *mean, float *var, float *istd,
                           const float *mask, const float *gamma, const float *beta, size_t B,
                           size_t n, float eps, enum nn_act act)
{
    bn_stats(mean, var, zx, B, n);
    for (size_t f = 0; f < n; f++)
        istd[f] = 1.0f / sqrtf(var[f] + eps);
    for (size_t i = 0; i < B * n; i++) {
        size_t f = i % n;
        zx[i] = (zx[i] - mean[f]) * istd[f];
        a[i] = gamma[f] * zx[i] + beta[f];
    }
    act_forward(a, a, B * n, act);
    if (mask)
        dropout_forward(h, a, mask, B * n);
}

static void ref_bn_backward(float *d, float *dgamma, float *dbeta, const float *a,
                            const float *xhat, const float *mask, const float *gamma,
                            const float *istd, size_t B, size_t n, enum nn_act act)
{
    if (mask)
        dropout_backward(d, d, mask, B * n);
    act_backward(d, d, a, B * n, act);
    memset(dgamma, 0, n * sizeof *dgamma);
    memset(dbeta, 0, n * sizeof *dbeta);
    for (size_t i = 0; i < B * n; i++) {
        dbeta[i % n] += d[i];
        dgamma[i % n] += d[i] * xhat[i];
    }
    const float inv_b = 1.0f / (float)B;
    for (size_t i = 0; i < B * n; i++) {
        size_t f = i % n;
        d[i] = gamma[f] * istd[f] * (d[i] - dbeta[f] * inv_b - xhat[i] * (dgamma[f] * inv_b));
    }
}

static void ref_forward(float *h, float *za, const float *mask, const float *b, size_t B,
                        size_t n, enum nn_act act)
{
    for (size_t i = 0; i < B * n; i++)
        za[i] += b[i % n];
    act_forward(za, za, B * n, act);
    if (mask)
        dropout_forward(h, za, mask, B * n);
}

static void ref_backward(float *d, float *db, const float *a, const float *mask, size_t B,
                         size_t n, enum nn_act act)
{
    if (mask)
        dropout_backward(d, d, mask, B * n);
    act_backward(d, d, a, B * n, act);
    memset(db, 0, n * sizeof *db);
    for (size_t i = 0; i < B * n; i++)
        db[i % n] += d[i];
}

#define SAME_BITS(x, y, count) CHECK(memcmp((x), (y), (count) * sizeof(float)) == 0)

/* Widths that end in each panel size (64, 16, 4, 1) and batches down to one row. */
static void epilogues_should_match_their_row_wise_twins_bitwise(void)
{
    static const size_t widths[] = {1, 3, 5, 16, 20, 44, 60, 64, 67, 120, 128};
    static const size_t batches[] = {1, 7, 128};
    enum { MB = 128, MW = 128 };
    static float z[MB * MW], z2[MB * MW], a[MB * MW], a2[MB * MW], h[MB * MW], h2[MB * MW],
        mask[MB * MW], d[MB * MW], d2[MB * MW];
    float g[MW], beta[MW], mean[MW], var[MW], istd[MW], mean2[MW], var2[MW], istd2[MW],
        dg[MW], db[MW], dg2[MW], db2[MW];
    snac_rng r;
    rng_seed(&r, 11);
    for (size_t wi = 0; wi < sizeof widths / sizeof widths[0]; wi++)
        for (size_t bi = 0; bi < sizeof batches / sizeof batches[0]; bi++)
            for (int k = 0; k < NN_ACT_COUNT; k++)
                for (int use_mask = 0; use_mask <= 1; use_mask++) {
                    size_t n = widths[wi], B = batches[bi], N = B * n;
                    enum nn_act act = (enum nn_act)k;
                    const float *m = use_mask ? mask : NULL;
                    fill_uniform(z, N, -2, 2, &r);
                    fill_uniform(g, n, 0.5f, 1.5f, &r);
                    fill_uniform(beta, n, -0.5f, 0.5f, &r);
                    fill_uniform(d, N, -1, 1, &r);
                    dropout_mask(mask, N, 0.3f, &r);
                    memcpy(z2, z, N * sizeof *z);
                    memcpy(d2, d, N * sizeof *d);
                    layer_bn_forward_train(h, a, z, mean, var, istd, m, g, beta, B, n, 1e-3f, act);
                    ref_bn_forward(h2, a2, z2, mean2, var2, istd2, m, g, beta, B, n, 1e-3f, act);
                    SAME_BITS(z, z2, N);
                    SAME_BITS(a, a2, N);
                    SAME_BITS(mean, mean2, n);
                    SAME_BITS(var, var2, n);
                    SAME_BITS(istd, istd2, n);
                    if (m)
                        SAME_BITS(h, h2, N);
                    layer_bn_backward(d, dg, db, a, z, m, g, istd, B, n, act);
                    ref_bn_backward(d2, dg2, db2, a, z, m, g, istd, B, n, act);
                    SAME_BITS(d, d2, N);
                    SAME_BITS(dg, dg2, n);
                    SAME_BITS(db, db2, n);

                    fill_uniform(z, N, -2, 2, &r);
                    fill_uniform(d, N, -1, 1, &r);
                    memcpy(z2, z, N * sizeof *z);
                    memcpy(d2, d, N * sizeof *d);
                    layer_forward_train(h, z, m, beta, B, n, act);
                    ref_forward(h2, z2, m, beta, B, n, act);
                    SAME_BITS(z, z2, N);
                    if (m)
                        SAME_BITS(h, h2, N);
                    layer_backward(d, db, z, m, B, n, act);
                    ref_backward(d2, db2, z, m, B, n, act);
                    SAME_BITS(d, d2, N);
                    SAME_BITS(db, db2, n);
                }
}

static void running_statistics_should_follow_momentum_with_unbiased_variance(void)
{
    float rm[2] = {1.0f, 0.0f}, rv[2] = {1.0f, 2.0f}, mean[2] = {3.0f, -1.0f}, var[2] = {0.5f, 4.0f},
          shift[2] = {0.25f, 0.0f};
    bn_update_running(rm, rv, mean, shift, var, 4, 2, 0.9f);
    CHECK_NEAR(rm[0], 0.9 * 1.0 + 0.1 * 3.25, 1e-6);
    CHECK_NEAR(rm[1], 0.1 * -1.0, 1e-6);
    CHECK_NEAR(rv[0], 0.9 * 1.0 + 0.1 * 0.5 * 4.0 / 3.0, 1e-6);
    CHECK_NEAR(rv[1], 0.9 * 2.0 + 0.1 * 4.0 * 4.0 / 3.0, 1e-6);
}

/* ---------------------------------------------------------------------------------- */
/* softmax cross-entropy */

typedef struct ce_ctx {
    float logits[6 * 5], d[6 * 5];
    int32_t y[6];
} ce_ctx;

static double ce_loss(void *p)
{
    ce_ctx *c = p;
    double loss;
    size_t hits;
    softmax_xent_backward(c->d, &loss, &hits, c->logits, c->y, 6, 5, 1.0f / 6);
    return loss / 6;
}

static void softmax_cross_entropy_gradient_should_match_finite_differences(void)
{
    static ce_ctx c;
    snac_rng r;
    rng_seed(&r, 9);
    fill_uniform(c.logits, 30, -3, 3, &r);
    for (int i = 0; i < 6; i++)
        c.y[i] = (int32_t)rng_below(&r, 5);
    float grad[30];
    ce_loss(&c);
    memcpy(grad, c.d, sizeof grad);
    fd_check("softmax-ce", ce_loss, &c, c.logits, grad, 30, 1e-2f, 1e-4, 1e-3);

    /* the loss value and hit count against a direct double computation */
    double want = 0;
    size_t want_hits = 0;
    for (int i = 0; i < 6; i++) {
        double mx = -1e30, s = 0;
        size_t best = 0;
        for (size_t k = 0; k < 5; k++)
            if (c.logits[i * 5 + k] > mx)
                mx = c.logits[i * 5 + k], best = k;
        for (size_t k = 0; k < 5; k++)
            s += exp(c.logits[i * 5 + k] - mx);
        want += log(s) - (c.logits[i * 5 + c.y[i]] - mx);
        want_hits += best == (size_t)c.y[i];
    }
    double loss;
    size_t hits;
    softmax_xent_backward(c.d, &loss, &hits, c.logits, c.y, 6, 5, 1.0f);
    CHECK_NEAR(loss, want, 1e-5);
    CHECK(hits == want_hits);
    /* huge logits stay finite */
    float big[2] = {1000.0f, -1000.0f}, dbig[2];
    int32_t lab = 1;
    softmax_xent_backward(dbig, &loss, &hits, big, &lab, 1, 2, 1.0f);
    CHECK(isfinite(loss) && loss > 1999.0 && isfinite(dbig[0]) && isfinite(dbig[1]));
}

/* ---------------------------------------------------------------------------------- */
/* L1 and Adam */

typedef struct l1_ctx {
    float w[20];
} l1_ctx;

static double l1_loss(void *p) { return l1_penalty(((l1_ctx *)p)->w, 20, 0.3f); }

static void l1_gradient_should_match_finite_differences(void)
{
    l1_ctx c;
    snac_rng r;
    rng_seed(&r, 10);
    fill_away_from_zero(c.w, 20, 0.1f, 1.0f, &r);
    float g[20] = {0};
    l1_grad(g, c.w, 20, 0.3f);
    fd_check("l1", l1_loss, &c, c.w, g, 20, 1e-3f, 1e-4, 1e-3);
    float zero = 0.0f, gz = 0.0f;
    l1_grad(&gz, &zero, 1, 0.3f);
    CHECK(gz == 0.0f);
}

static void adam_should_match_textbook_formula_and_fuse_l1_exactly(void)
{
    enum { N = 37 };
    float p[N], m[N] = {0}, v[N] = {0}, g[N], p2[N], m2[N] = {0}, v2[N] = {0}, g2[N];
    double pd[N], md[N] = {0}, vd[N] = {0};
    snac_rng r;
    rng_seed(&r, 11);
    fill_uniform(p, N, -1, 1, &r);
    memcpy(p2, p, sizeof p);
    for (int i = 0; i < N; i++)
        pd[i] = p[i];
    adam_hparams h = {1e-2f, 0.9f, 0.999f, 1e-7f};
    for (uint64_t t = 1; t <= 5; t++) {
        fill_uniform(g, N, -1, 1, &r);
        memcpy(g2, g, sizeof g);
        for (int i = 0; i < N; i++) { /* reference in double on the float iterate's sign */
            double gi = (double)g[i] + 0.01 * (double)l1_sign(p[i]);
            md[i] = 0.9 * md[i] + 0.1 * gi;
            vd[i] = 0.999 * vd[i] + 0.001 * gi * gi;
            double mh = md[i] / (1 - pow(0.9, (double)t)), vh = vd[i] / (1 - pow(0.999, (double)t));
            pd[i] -= 1e-2 * mh / (sqrt(vh) + 1e-7);
        }
        adam_update(p, m, v, g, N, &h, 0.01f, t);
        l1_grad(g2, p2, N, 0.01f);
        adam_update(p2, m2, v2, g2, N, &h, 0.0f, t);
        for (int i = 0; i < N; i++)
            CHECK_NEAR(p[i], pd[i], 1e-5);
        CHECK(memcmp(p, p2, sizeof p) == 0);
    }
}

int main(void)
{
    TEST(dense_blas_should_match_naive_reference);
    TEST(dense_backward_should_match_finite_differences);
    TEST(each_activation_backward_should_match_finite_differences);
    TEST(dropout_mask_should_be_reproducible_and_scaled);
    TEST(dropout_backward_with_fixed_mask_should_match_finite_differences);
    TEST(batchnorm_backward_should_match_finite_differences);
    TEST(fused_bn_activation_dropout_backward_should_match_finite_differences);
    TEST(fused_bias_activation_dropout_backward_should_match_finite_differences);
    TEST(epilogues_should_match_their_row_wise_twins_bitwise);
    TEST(running_statistics_should_follow_momentum_with_unbiased_variance);
    TEST(softmax_cross_entropy_gradient_should_match_finite_differences);
    TEST(l1_gradient_should_match_finite_differences);
    TEST(adam_should_match_textbook_formula_and_fuse_l1_exactly);
    return check_report();
}
