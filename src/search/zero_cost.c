/* zero_cost — NASWOT, SynFlow and grad-norm of an untrained MLP; see zero_cost.h.
 *
 * Each score walks the layer views of nn_mlp itself (plain loops, double sums) instead of the
 * trainer's forward pass, which exposes no hidden activations; grad-norm is the exception and
 * uses the trainer's own gradient.
 */
#include "search/zero_cost.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>

#include "nn/train.h"
#include "util/err.h"
#include "util/rng.h"

#define ZC_MAX_BATCH 4096

int zc_naswot(const nn_mlp *m, const float *x, size_t n, double *score)
{
    if (n < 2 || n > ZC_MAX_BATCH)
        return snac_err_set(SNAC_EINVAL, "naswot: batch of %zu rows (2..%d)", n, ZC_MAX_BATCH);
    const nn_arch *a = nn_mlp_arch(m);
    size_t width = a->n_in;
    for (size_t l = 0; l < a->n_hidden; l++)
        width = a->hidden[l] > width ? a->hidden[l] : width;
    double *h = malloc(n * width * sizeof *h), *z = malloc(n * width * sizeof *z);
    unsigned char *code = NULL;
    size_t units = 0;
    for (size_t l = 0; l < a->n_hidden; l++)
        units += a->hidden[l];
    code = malloc(n * (units ? units : 1));
    gsl_matrix *k = gsl_matrix_alloc(n, n);
    gsl_permutation *p = gsl_permutation_alloc(n);
    int rc = SNAC_OK;
    if (!h || !z || !code || !k || !p) {
        rc = snac_err_set(SNAC_ENOMEM, "naswot: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n * a->n_in; i++)
        h[i] = x[i];
    size_t off = 0; /* first unit of layer l in each code */
    for (size_t l = 0; l < a->n_hidden; l++) {
        nn_layer_view v;
        nn_mlp_layer(m, l, &v);
        for (size_t i = 0; i < n; i++)
            for (size_t o = 0; o < v.n_out; o++) {
                double s = v.b[o];
                for (size_t j = 0; j < v.n_in; j++)
                    s += (double)v.w[o * v.n_in + j] * h[i * v.n_in + j];
                z[i * v.n_out + o] = s;
            }
        if (v.bn_gamma) /* training mode: the batch's own mean and (biased) variance */
            for (size_t o = 0; o < v.n_out; o++) {
                double mu = 0, var = 0;
                for (size_t i = 0; i < n; i++)
                    mu += z[i * v.n_out + o];
                mu /= (double)n;
                for (size_t i = 0; i < n; i++)
                    var += (z[i * v.n_out + o] - mu) * (z[i * v.n_out + o] - mu);
                var /= (double)n;
                double inv = 1.0 / sqrt(var + v.bn_eps);
                for (size_t i = 0; i < n; i++)
                    z[i * v.n_out + o] = v.bn_gamma[o] * (z[i * v.n_out + o] - mu) * inv + v.bn_beta[o];
            }
        for (size_t i = 0; i < n; i++)
            for (size_t o = 0; o < v.n_out; o++) {
                double s = z[i * v.n_out + o];
                code[i * units + off + o] = s > 0;
                h[i * v.n_out + o] = a->act == NN_ACT_RELU ? (s > 0 ? s : 0) : a->act == NN_ACT_TANH ? tanh(s)
                                                                                             : 1.0 / (1.0 + exp(-s));
            }
        off += v.n_out;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i; j < n; j++) {
            size_t agree = 0;
            for (size_t u = 0; u < units; u++)
                agree += code[i * units + u] == code[j * units + u];
            gsl_matrix_set(k, i, j, (double)agree);
            gsl_matrix_set(k, j, i, (double)agree);
        }
    int sign;
    gsl_set_error_handler_off(); /* a singular K is an answer (-inf), not an abort */
    gsl_linalg_LU_decomp(k, p, &sign);
    *score = gsl_linalg_LU_lndet(k);
    for (size_t i = 0; i < n; i++) /* a zero pivot turns the rest of U into NaN */
        if (!(gsl_matrix_get(k, i, i) != 0.0) || !isfinite(*score))
            *score = -INFINITY;
out:
    gsl_permutation_free(p);
    gsl_matrix_free(k);
    free(code);
    free(z);
    free(h);
    return rc;
}

int zc_synflow(const nn_mlp *m, double *log_score)
{
    size_t n_layers = nn_mlp_n_layers(m), width = nn_mlp_arch(m)->n_in;
    for (size_t l = 0; l < n_layers; l++) {
        nn_layer_view v;
        nn_mlp_layer(m, l, &v);
        width = v.n_out > width ? v.n_out : width;
    }
    /* act[l]: the input of layer l (act[0] = ones); g: dR/d(output of the current layer) */
    double *act = malloc((n_layers + 1) * width * sizeof *act), *g = malloc(width * sizeof *g),
           *gp = malloc(width * sizeof *gp);
    if (!act || !g || !gp) {
        free(act), free(g), free(gp);
        return snac_err_set(SNAC_ENOMEM, "synflow: out of memory");
    }
    for (size_t j = 0; j < nn_mlp_arch(m)->n_in; j++)
        act[j] = 1.0;
    for (size_t l = 0; l < n_layers; l++) {
        nn_layer_view v;
        nn_mlp_layer(m, l, &v);
        for (size_t o = 0; o < v.n_out; o++) {
            double s = fabs(v.b[o]);
            for (size_t j = 0; j < v.n_in; j++)
                s += fabs(v.w[o * v.n_in + j]) * act[l * width + j];
            act[(l + 1) * width + o] = s;
        }
    }
    double score = 0;
    for (size_t o = 0; o < nn_mlp_arch(m)->n_out; o++)
        g[o] = 1.0; /* R = sum of the outputs */
    for (size_t l = n_layers; l-- > 0;) {
        nn_layer_view v;
        nn_mlp_layer(m, l, &v);
        for (size_t j = 0; j < v.n_in; j++)
            gp[j] = 0;
        for (size_t o = 0; o < v.n_out; o++)
            for (size_t j = 0; j < v.n_in; j++) {
                double w = fabs(v.w[o * v.n_in + j]);
                score += w * g[o] * act[l * width + j];
                gp[j] += w * g[o];
            }
        memcpy(g, gp, v.n_in * sizeof *g);
    }
    free(act), free(g), free(gp);
    *log_score = log(score);
    return SNAC_OK;
}

int zc_gradnorm(nn_mlp *m, const float *x, const int32_t *y, size_t n, uint64_t seed, double *score)
{
    nn_train_opts o = NN_TRAIN_OPTS_INIT;
    o.threads = 0;
    nn_trainer *t = NULL;
    int rc = nn_trainer_new(m, &o, n, &t);
    if (rc)
        return rc;
    size_t n_weights;
    nn_mlp_params(m, NULL, &n_weights);
    snac_rng rng;
    rng_seed(&rng, seed);
    const float *grad = NULL;
    double loss;
    if (!(rc = nn_trainer_gradient(t, x, y, n, &rng, &loss, &grad))) {
        double s = 0;
        for (size_t i = 0; i < n_weights; i++)
            s += (double)grad[i] * grad[i];
        *score = sqrt(s);
    }
    nn_trainer_free(t);
    return rc;
}
