/* mlp — model allocation, initialisation, views, BN folding and inference.
 *
 * Memory: nn_mlp_new() makes two allocations (the struct and one parameter block, laid
 * out as described in mlp_priv.h); nn_mlp_free() releases both and accepts NULL.
 * nn_mlp_predict() allocates one scratch block per call (inference, not a training path).
 * Workload: inference is one GEMM plus one elementwise pass per layer, in chunks of
 * PREDICT_CHUNK rows.
 */
#include "nn/mlp.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#include "nn/act.h"
#include "nn/batchnorm.h"
#include "nn/dense.h"
#include "nn/loss.h"
#include "nn/mlp_priv.h"
#include "nn/nnalloc.h"
#include "util/err.h"

#define PREDICT_CHUNK 256

/* ---------------------------------------------------------------------------------- */
/* allocation */

int mlp_arch_check(const nn_arch *a)
{
    if (!a)
        return snac_err_set(SNAC_EINVAL, "mlp: no architecture given");
    if (a->n_in == 0 || a->n_in > NN_MAX_WIDTH)
        return snac_err_set(SNAC_EINVAL, "mlp: n_in = %zu, expected 1..%zu", a->n_in, NN_MAX_WIDTH);
    if (a->n_out == 0 || a->n_out > NN_MAX_WIDTH)
        return snac_err_set(SNAC_EINVAL, "mlp: n_out = %zu, expected 1..%zu", a->n_out,
                            NN_MAX_WIDTH);
    if (a->n_hidden > NN_MAX_HIDDEN)
        return snac_err_set(SNAC_EINVAL, "mlp: %zu hidden layers, at most %d", a->n_hidden,
                            NN_MAX_HIDDEN);
    for (size_t l = 0; l < a->n_hidden; l++)
        if (a->hidden[l] == 0 || a->hidden[l] > NN_MAX_WIDTH)
            return snac_err_set(SNAC_EINVAL, "mlp: hidden layer %zu has width %zu, expected 1..%zu",
                                l, a->hidden[l], NN_MAX_WIDTH);
    if ((int)a->act < 0 || a->act >= NN_ACT_COUNT)
        return snac_err_set(SNAC_EINVAL, "mlp: unknown activation %d", (int)a->act);
    if (!(a->dropout >= 0.0f && a->dropout < 1.0f))
        return snac_err_set(SNAC_EINVAL, "mlp: dropout %g outside [0, 1)", (double)a->dropout);
    return 0;
}

size_t mlp_count_floats(const nn_arch *a)
{
    size_t running = 0; /* running mean and var per BN unit */
    for (size_t l = 0; a->batch_norm && l < a->n_hidden; l++)
        running += 2 * a->hidden[l];
    return nn_arch_params(a) + running;
}

int mlp_alloc(const nn_arch *a, nn_mlp **out)
{
    *out = NULL;
    nn_mlp *m = nn_alloc_zero(sizeof *m);
    if (!m)
        return snac_err_set(SNAC_ENOMEM, "mlp: out of memory");
    m->arch = *a;
    m->n_layers = a->n_hidden + 1;
    m->dim[0] = a->n_in;
    for (size_t l = 0; l < a->n_hidden; l++)
        m->dim[l + 1] = a->hidden[l];
    m->dim[m->n_layers] = a->n_out;
    m->bn_eps = BN_EPS_DEFAULT;

    size_t nw = 0, nb = 0, nbn = 0;
    for (size_t l = 0; l < m->n_layers; l++) {
        nw += m->dim[l] * m->dim[l + 1];
        nb += m->dim[l + 1];
        if (a->batch_norm && l < a->n_hidden)
            nbn += m->dim[l + 1];
    }
    m->n_weights = nw;
    m->n_train = nw + nb + 2 * nbn;
    m->n_total = m->n_train + 2 * nbn;
    assert(m->n_train == nn_arch_params(a) && m->n_total == mlp_count_floats(a));
    m->params = nn_alloc_zero(m->n_total * sizeof(float));
    if (!m->params) {
        nn_mlp_free(m);
        return snac_err_set(SNAC_ENOMEM, "mlp: out of memory for %zu parameters", m->n_total);
    }
    float *p = m->params;
    for (size_t l = 0; l < m->n_layers; l++) {
        m->w[l] = p;
        p += m->dim[l] * m->dim[l + 1];
    }
    for (size_t l = 0; l < m->n_layers; l++) {
        m->b[l] = p;
        p += m->dim[l + 1];
    }
    if (a->batch_norm) {
        for (size_t l = 0; l < a->n_hidden; l++) {
            m->gamma[l] = p;
            p += m->dim[l + 1];
            m->beta[l] = p;
            p += m->dim[l + 1];
        }
        for (size_t l = 0; l < a->n_hidden; l++) {
            m->run_mean[l] = p;
            p += m->dim[l + 1];
            m->run_var[l] = p;
            p += m->dim[l + 1];
        }
    }
    *out = m;
    return 0;
}

int nn_mlp_new(const nn_arch *a, snac_rng *rng, nn_mlp **out)
{
    if (!out)
        return snac_err_set(SNAC_EINVAL, "mlp: no output pointer");
    *out = NULL;
    int rc = mlp_arch_check(a);
    if (rc)
        return rc;
    nn_mlp *m;
    rc = mlp_alloc(a, &m);
    if (rc)
        return rc;
    for (size_t l = 0; l < m->n_layers; l++) {
        double fan_in = (double)m->dim[l], fan_out = (double)m->dim[l + 1];
        bool he = a->act == NN_ACT_RELU && l < a->n_hidden;
        double limit = he ? sqrt(6.0 / fan_in) : sqrt(6.0 / (fan_in + fan_out));
        size_t n = m->dim[l] * m->dim[l + 1];
        for (size_t i = 0; i < n; i++)
            m->w[l][i] = (float)((2.0 * rng_uniform(rng) - 1.0) * limit);
        if (a->batch_norm && l < a->n_hidden)
            for (size_t f = 0; f < m->dim[l + 1]; f++) {
                m->gamma[l][f] = 1.0f;
                m->run_var[l][f] = 1.0f;
            }
    }
    *out = m;
    return 0;
}

void nn_mlp_free(nn_mlp *m)
{
    if (!m)
        return;
    nn_dealloc(m->params);
    nn_dealloc(m);
}

/* ---------------------------------------------------------------------------------- */
/* views */

const nn_arch *nn_mlp_arch(const nn_mlp *m) { return &m->arch; }
size_t nn_mlp_n_layers(const nn_mlp *m) { return m->n_layers; }
float *nn_mlp_weights(nn_mlp *m, size_t l) { return l < m->n_layers ? m->w[l] : NULL; }
float *nn_mlp_biases(nn_mlp *m, size_t l) { return l < m->n_layers ? m->b[l] : NULL; }

float *nn_mlp_params(nn_mlp *m, size_t *n_trainable, size_t *n_weights)
{
    if (n_trainable)
        *n_trainable = m->n_train;
    if (n_weights)
        *n_weights = m->n_weights;
    return m->params;
}

void nn_mlp_layer(const nn_mlp *m, size_t l, nn_layer_view *v)
{
    memset(v, 0, sizeof *v);
    if (l >= m->n_layers)
        return;
    v->n_in = m->dim[l];
    v->n_out = m->dim[l + 1];
    v->w = m->w[l];
    v->b = m->b[l];
    v->bn_gamma = m->gamma[l];
    v->bn_beta = m->beta[l];
    v->bn_mean = m->run_mean[l];
    v->bn_var = m->run_var[l];
    v->bn_eps = m->bn_eps;
}

size_t mlp_max_width(const nn_mlp *m)
{
    size_t w = 0;
    for (size_t l = 0; l <= m->n_layers; l++)
        if (m->dim[l] > w)
            w = m->dim[l];
    return w;
}

/* ---------------------------------------------------------------------------------- */
/* batch-norm folding:  w' = w * s,  b' = (b - run_mean) * s + beta,  s = gamma / sqrt(var + eps) */

int nn_mlp_fold_bn(const nn_mlp *m, nn_mlp **out)
{
    if (!m || !out)
        return snac_err_set(SNAC_EINVAL, "mlp_fold_bn: NULL argument");
    nn_arch a = m->arch;
    a.batch_norm = false;
    nn_mlp *f;
    int rc = mlp_alloc(&a, &f);
    if (rc)
        return rc;
    f->bn_eps = m->bn_eps;
    for (size_t l = 0; l < m->n_layers; l++) {
        size_t n_in = m->dim[l], n_out = m->dim[l + 1];
        for (size_t o = 0; o < n_out; o++) {
            float s = 1.0f, shift = m->b[l][o];
            if (m->gamma[l]) {
                s = m->gamma[l][o] / sqrtf(m->run_var[l][o] + m->bn_eps);
                shift = (m->b[l][o] - m->run_mean[l][o]) * s + m->beta[l][o];
            }
            for (size_t i = 0; i < n_in; i++)
                f->w[l][o * n_in + i] = m->w[l][o * n_in + i] * s;
            f->b[l][o] = shift;
        }
    }
    *out = f;
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* inference */

size_t mlp_infer_ws_floats(const nn_mlp *m, size_t chunk)
{
    return 2 * nn_pad_floats(chunk * mlp_max_width(m));
}

void mlp_infer_logits(const nn_mlp *m, const float *x, size_t n, float *logits, float *ws)
{
    size_t stride = nn_pad_floats(n * mlp_max_width(m));
    float *buf[2] = {ws, ws + stride}; /* ping-pong, each (n, max width) */
    const float *in = x;               /* (n, dim[l]) */
    for (size_t l = 0; l < m->n_layers; l++) {
        size_t n_in = m->dim[l], n_out = m->dim[l + 1];
        bool last = l + 1 == m->n_layers;
        float *z = last ? logits : buf[l & 1]; /* (n, n_out) */
        dense_forward(z, in, m->w[l], m->b[l], n, n_in, n_out);
        if (!last) {
            if (m->gamma[l])
                bn_forward_infer(z, z, m->gamma[l], m->beta[l], m->run_mean[l], m->run_var[l], n,
                                 n_out, m->bn_eps);
            act_apply_row(z, n * n_out, m->arch.act);
        }
        in = z;
    }
}

int nn_mlp_predict(const nn_mlp *m, const float *x, size_t n, float *probs)
{
    if (!m || (!x && n) || (!probs && n))
        return snac_err_set(SNAC_EINVAL, "mlp_predict: NULL argument");
    if (n == 0)
        return 0;
    size_t chunk = n < PREDICT_CHUNK ? n : PREDICT_CHUNK;
    float *ws = nn_alloc(mlp_infer_ws_floats(m, chunk) * sizeof(float));
    if (!ws)
        return snac_err_set(SNAC_ENOMEM, "mlp_predict: out of memory");
    size_t n_in = m->arch.n_in, n_out = m->arch.n_out;
    for (size_t r = 0; r < n; r += chunk) {
        size_t k = n - r < chunk ? n - r : chunk;
        mlp_infer_logits(m, x + r * n_in, k, probs + r * n_out, ws);
        softmax_forward(probs + r * n_out, probs + r * n_out, k, n_out);
    }
    nn_dealloc(ws);
    return 0;
}
