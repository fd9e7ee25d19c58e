/* qat — quantization-aware training and the exact eval pass; see qat.h.
 *
 * Memory: one block carved into (floats unless noted)
 *   params (n_par) = [W_0..W_L-1][b_0..b_L-1], grad, adam_m, adam_v (n_par)
 *   per layer l: wq, wpass (n_out*n_in)   fake-quantized weights, STE mask
 *                bq, bpass (n_out)
 *                h (B, n_out)             layer output (fake-quantized)
 *                d (B, n_out)             d h / d z: STE masks times the activation's slope
 *   x0 (B, n_in)                          fake-quantized input
 *   dbuf[2] (B, max width)                gradients flowing backward
 *   eval: wd (per layer, doubles), bd, ebuf[2] (EVAL_CHUNK, max width, doubles)
 *   masks (bytes, per layer)
 * Workload: see qat.h.
 */
#include "quant/qat.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/adam.h"
#include "nn/dense.h"
#include "nn/loss.h"
#include "nn/hot.h"
#include "quant/qengine.h"
#include "util/err.h"

#define EVAL_CHUNK 256

struct quant_qat {
    quant_model *spec;          /* owned copy: precisions, tables (codes unused) */
    quant_qat_opts o;
    adam_hparams hp;
    uint64_t t;                 /* Adam steps */
    size_t L, B, maxw, n_par, n_weights;
    size_t dim[QUANT_MAX_LAYERS + 1];
    float *params, *grad, *adam_m, *adam_v;
    float *w[QUANT_MAX_LAYERS], *b[QUANT_MAX_LAYERS];     /* views into params */
    float *gw[QUANT_MAX_LAYERS], *gb[QUANT_MAX_LAYERS];   /* views into grad */
    uint8_t *mask[QUANT_MAX_LAYERS];
    float *wq[QUANT_MAX_LAYERS], *wpass[QUANT_MAX_LAYERS];
    float *bq[QUANT_MAX_LAYERS], *bpass[QUANT_MAX_LAYERS];
    float *h[QUANT_MAX_LAYERS], *d[QUANT_MAX_LAYERS];
    float *x0, *dbuf[2];
    int32_t *yb;                /* (B) labels of the gathered batch */
    float *xb;                  /* (B, n_in) gathered batch */
    double *wd[QUANT_MAX_LAYERS], *bd[QUANT_MAX_LAYERS];
    double *ebuf[2];
    int32_t *ecodes;            /* (EVAL_CHUNK, n_out) */
    size_t *idx;                /* (rows) epoch order, sized on first use */
    size_t idx_cap;
    void *block;
};

/* ------------------------------------------------------------------ construction */

static size_t pad(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

static void *carve(unsigned char *base, size_t *off, size_t bytes)
{
    void *p = base ? base + *off : NULL;
    *off += pad(bytes);
    return p;
}

static size_t layout(quant_qat *q, unsigned char *base)
{
    size_t off = 0, B = q->B, F = sizeof(float);
    q->params = carve(base, &off, q->n_par * F);
    q->grad = carve(base, &off, q->n_par * F);
    q->adam_m = carve(base, &off, q->n_par * F);
    q->adam_v = carve(base, &off, q->n_par * F);
    for (size_t l = 0; l < q->L; l++) {
        size_t ni = q->dim[l], no = q->dim[l + 1];
        q->mask[l] = carve(base, &off, ni * no);
        q->wq[l] = carve(base, &off, ni * no * F);
        q->wpass[l] = carve(base, &off, ni * no * F);
        q->bq[l] = carve(base, &off, no * F);
        q->bpass[l] = carve(base, &off, no * F);
        q->h[l] = carve(base, &off, B * no * F);
        q->d[l] = carve(base, &off, B * no * F);
        q->wd[l] = carve(base, &off, ni * no * sizeof(double));
        q->bd[l] = carve(base, &off, no * sizeof(double));
    }
    q->x0 = carve(base, &off, B * q->dim[0] * F);
    q->xb = carve(base, &off, B * q->dim[0] * F);
    q->yb = carve(base, &off, B * sizeof(int32_t));
    q->dbuf[0] = carve(base, &off, B * q->maxw * F);
    q->dbuf[1] = carve(base, &off, B * q->maxw * F);
    q->ebuf[0] = carve(base, &off, EVAL_CHUNK * q->maxw * sizeof(double));
    q->ebuf[1] = carve(base, &off, EVAL_CHUNK * q->maxw * sizeof(double));
    q->ecodes = carve(base, &off, EVAL_CHUNK * q->dim[q->L] * sizeof(int32_t));
    return off;
}

static int copy_model(const quant_model *m, quant_model **out)
{
    void *buf;
    size_t len;
    int rc = quant_model_save(m, &buf, &len);
    if (rc)
        return rc;
    rc = quant_model_load(buf, len, out);
    free(buf);
    return rc;
}

static enum quant_act act_of(enum nn_act a)
{
    return a == NN_ACT_TANH ? QUANT_ACT_TANH : a == NN_ACT_SIGMOID ? QUANT_ACT_SIGMOID : QUANT_ACT_RELU;
}

int quant_qat_new(const nn_mlp *m, const quant_model *spec, const quant_qat_opts *o, quant_qat **out)
{
    *out = NULL;
    if (!m || !spec || !o)
        return snac_err_set(SNAC_EINVAL, "qat: NULL argument");
    if (o->batch_size == 0 || o->batch_size > DENSE_MAX_DIM || !(o->learning_rate > 0.0f) ||
        !(o->l1 >= 0.0f) || !(o->beta1 >= 0.0f && o->beta1 < 1.0f) || !(o->beta2 >= 0.0f && o->beta2 < 1.0f) ||
        !(o->eps > 0.0f))
        return snac_err_set(SNAC_EINVAL, "qat: bad options (batch %zu, learning rate %g)", o->batch_size,
                            (double)o->learning_rate);
    int rc = quant_model_validate(spec);
    if (rc)
        return snac_err_prefix(rc, "qat: model spec: ");
    const nn_arch *a = nn_mlp_arch(m);
    size_t L = nn_mlp_n_layers(m);
    if (L != spec->n_layers)
        return snac_err_set(SNAC_EINVAL, "qat: float model has %zu layers, spec %zu", L, spec->n_layers);
    for (size_t l = 0; l < L; l++) {
        nn_layer_view v;
        nn_mlp_layer(m, l, &v);
        if (v.n_in != spec->layer[l].n_in || v.n_out != spec->layer[l].n_out)
            return snac_err_set(SNAC_EINVAL, "qat: layer %zu is %zu -> %zu in the float model, %zu -> %zu in the spec",
                                l, v.n_in, v.n_out, spec->layer[l].n_in, spec->layer[l].n_out);
        if (l + 1 < L && spec->layer[l].act != act_of(a->act))
            return snac_err_set(SNAC_EINVAL, "qat: layer %zu is %s in the float model, %s in the spec", l,
                                nn_act_names[a->act], quant_act_names[spec->layer[l].act]);
    }
    nn_mlp *folded = NULL;
    if (a->batch_norm && (rc = nn_mlp_fold_bn(m, &folded)))
        return rc;
    const nn_mlp *src = folded ? folded : m;

    quant_qat *q = calloc(1, sizeof *q);
    if (!q) {
        nn_mlp_free(folded);
        return snac_err_set(SNAC_ENOMEM, "qat: out of memory");
    }
    q->o = *o;
    q->hp = (adam_hparams){o->learning_rate, o->beta1, o->beta2, o->eps};
    q->L = L;
    q->B = o->batch_size;
    q->dim[0] = spec->layer[0].n_in;
    q->maxw = q->dim[0];
    for (size_t l = 0; l < L; l++) {
        q->dim[l + 1] = spec->layer[l].n_out;
        q->n_weights += q->dim[l] * q->dim[l + 1];
        q->n_par += q->dim[l] * q->dim[l + 1] + q->dim[l + 1];
        if (q->dim[l + 1] > q->maxw)
            q->maxw = q->dim[l + 1];
    }
    if ((rc = copy_model(spec, &q->spec))) {
        nn_mlp_free(folded);
        quant_qat_free(q);
        return rc;
    }
    size_t bytes = layout(q, NULL);
    q->block = calloc(1, bytes);
    if (!q->block) {
        nn_mlp_free(folded);
        quant_qat_free(q);
        return snac_err_set(SNAC_ENOMEM, "qat: out of memory for %zu bytes", bytes);
    }
    layout(q, q->block);
    size_t off = 0;
    for (size_t l = 0; l < L; l++) {
        q->w[l] = q->params + off;
        q->gw[l] = q->grad + off;
        off += q->dim[l] * q->dim[l + 1];
    }
    for (size_t l = 0; l < L; l++) {
        q->b[l] = q->params + off;
        q->gb[l] = q->grad + off;
        off += q->dim[l + 1];
    }
    for (size_t l = 0; l < L; l++) {
        nn_layer_view v;
        nn_mlp_layer(src, l, &v);
        size_t n = v.n_in * v.n_out;
        memcpy(q->w[l], v.w, n * sizeof(float));
        memcpy(q->b[l], v.b, v.n_out * sizeof(float));
        memcpy(q->mask[l], spec->layer[l].mask, n);
    }
    nn_mlp_free(folded);
    quant_qat_reset_optimizer(q);
    *out = q;
    return SNAC_OK;
}

void quant_qat_free(quant_qat *q)
{
    if (!q)
        return;
    quant_model_free(q->spec);
    free(q->idx);
    free(q->block);
    free(q);
}

void quant_qat_reset_optimizer(quant_qat *q)
{
    q->t = 0;
    memset(q->adam_m, 0, q->n_par * sizeof(float));
    memset(q->adam_v, 0, q->n_par * sizeof(float));
    for (size_t l = 0; l < q->L; l++)
        for (size_t i = 0; i < q->dim[l] * q->dim[l + 1]; i++)
            if (!q->mask[l][i])
                q->w[l][i] = 0.0f;
}

float *quant_qat_params(quant_qat *q, size_t *n)
{
    if (n)
        *n = q->n_par;
    return q->params;
}

float *quant_qat_weights(quant_qat *q, size_t l, size_t *n)
{
    if (n)
        *n = q->dim[l] * q->dim[l + 1];
    return q->w[l];
}

uint8_t *quant_qat_mask(quant_qat *q, size_t l) { return q->mask[l]; }
size_t quant_qat_n_layers(const quant_qat *q) { return q->L; }

/* ------------------------------------------------------------------ training pass */

/* Elementwise helpers of the training pass (run-time dispatched vector copies). */
NN_HOT static void fill_ones(float *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = 1.0f;
}

NN_HOT static void relu_ste(float *z, float *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool on = z[i] > 0.0f;
        z[i] = on ? z[i] : 0.0f;
        d[i] = on ? d[i] : 0.0f;
    }
}

/* a[i] *= b[i] */
NN_HOT static void mul_inplace(float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] *= b[i];
}

/* where mask[i] == 0: a[i] = 0 and b[i] = 0 */
NN_HOT static void zero_masked(float *a, float *b, const uint8_t *mask, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        a[i] = mask[i] ? a[i] : 0.0f;
        if (b)
            b[i] = mask[i] ? b[i] : 0.0f;
    }
}

static int table_kind(enum quant_act a)
{
    return a == QUANT_ACT_TANH ? QUANT_TABLE_TANH : QUANT_TABLE_SIGMOID;
}

/* Everything after a layer's GEMM, in place on z (n rows): result cast, activation, output
 * cast; d gets the STE slope dh/dz for the backward pass. */
static void epilogue_train(const quant_qat *q, size_t l, float *z, float *d, size_t count)
{
    const quant_layer *L = &q->spec->layer[l];
    if (quant_prec_equal(&L->result, &L->accum)) /* a lossless cast: nothing to fake */
        fill_ones(d, count);
    else
        quant_fake_f32(&L->result, z, z, d, count); /* d = pass of the result cast */
    switch (L->act) {
    case QUANT_ACT_RELU:
        relu_ste(z, d, count);
        break;
    case QUANT_ACT_TANH:
    case QUANT_ACT_SIGMOID: {
        const quant_model *m = q->spec;
        int k = table_kind(L->act), fr = quant_frac(&L->result);
        for (size_t i = 0; i < count; i++) {
            double r = (double)z[i];
            int64_t code = (int64_t)ldexp(r, fr); /* r is on the result grid: exact */
            size_t idx = quant_table_index((enum quant_table_kind)k, m->table_size, code, fr);
            double slope;
            if (L->act == QUANT_ACT_TANH) {
                double t = tanh(r);
                slope = 1.0 - t * t;
            } else {
                double s = 1.0 / (1.0 + exp(-r));
                slope = s * (1.0 - s);
            }
            d[i] *= (float)slope;
            z[i] = (float)quant_to_double(&m->table_prec, m->table[k][idx]);
        }
        break;
    }
    case QUANT_ACT_LINEAR:
    default:
        break;
    }
    /* output cast: its STE pass multiplies the slope (a scratch-free trick: the pass of
     * each element is needed only once) */
    for (size_t i = 0; i < count; i += 1024) {
        size_t k = count - i < 1024 ? count - i : 1024;
        float pass[1024];
        quant_fake_f32(&L->output, z + i, z + i, pass, k);
        mul_inplace(d + i, pass, k);
    }
}

static void quantize_params(quant_qat *q)
{
    for (size_t l = 0; l < q->L; l++) {
        const quant_layer *L = &q->spec->layer[l];
        size_t n = q->dim[l] * q->dim[l + 1];
        quant_fake_f32(&L->weight, q->w[l], q->wq[l], q->wpass[l], n);
        zero_masked(q->wq[l], q->wpass[l], q->mask[l], n);
        quant_fake_f32(&L->bias, q->b[l], q->bq[l], q->bpass[l], q->dim[l + 1]);
    }
}

static void forward_backward(quant_qat *q, const float *x, const int32_t *y, size_t n, double *loss_sum,
                             size_t *correct)
{
    const size_t L = q->L;
    quantize_params(q);
    quant_fake_f32(&q->spec->input, x, q->x0, NULL, n * q->dim[0]);
    const float *in = q->x0;
    for (size_t l = 0; l < L; l++) {
        dense_forward(q->h[l], in, q->wq[l], q->bq[l], n, q->dim[l], q->dim[l + 1]);
        epilogue_train(q, l, q->h[l], q->d[l], n * q->dim[l + 1]);
        in = q->h[l];
    }
    /* softmax cross-entropy on the deployed logits; gradient into dbuf */
    float *dz = q->dbuf[L & 1];
    size_t C = q->dim[L];
    memcpy(dz, q->h[L - 1], n * C * sizeof(float));
    double loss = 0.0;
    size_t hits = 0;
    softmax_xent_backward(dz, &loss, &hits, dz, y, n, C, 1.0f / (float)n);
    if (loss_sum)
        *loss_sum = loss;
    if (correct)
        *correct = hits;
    for (size_t l = L; l-- > 0;) {
        size_t ni = q->dim[l], no = q->dim[l + 1];
        mul_inplace(dz, q->d[l], n * no); /* through the output cast, activation and result cast */
        const float *layer_in = l == 0 ? q->x0 : q->h[l - 1];
        dense_backward_params(q->gw[l], q->gb[l], dz, layer_in, n, ni, no);
        mul_inplace(q->gw[l], q->wpass[l], ni * no); /* STE: nothing where clipped or pruned */
        mul_inplace(q->gb[l], q->bpass[l], no);
        if (l == 0)
            break;
        float *dh = q->dbuf[l & 1];
        dense_backward_input(dh, dz, q->wq[l], n, ni, no);
        dz = dh;
    }
}

int quant_qat_step(quant_qat *q, const float *x, const int32_t *y, size_t n, double *loss_sum, size_t *correct)
{
    if (!q || !x || !y)
        return snac_err_set(SNAC_EINVAL, "qat step: NULL argument");
    if (n == 0 || n > q->B)
        return snac_err_set(SNAC_EINVAL, "qat step: batch of %zu rows, expected 1..%zu", n, q->B);
    for (size_t i = 0; i < n; i++)
        if (y[i] < 0 || (size_t)y[i] >= q->dim[q->L])
            return snac_err_set(SNAC_EINVAL, "qat step: label %d of row %zu outside [0, %zu)", (int)y[i], i,
                                q->dim[q->L]);
    forward_backward(q, x, y, n, loss_sum, correct);
    q->t++;
    adam_update(q->params, q->adam_m, q->adam_v, q->grad, q->n_weights, &q->hp, q->o.l1, q->t);
    adam_update(q->params + q->n_weights, q->adam_m + q->n_weights, q->adam_v + q->n_weights,
                q->grad + q->n_weights, q->n_par - q->n_weights, &q->hp, 0.0f, q->t);
    for (size_t l = 0; l < q->L; l++) /* masked weights stay exactly zero */
        zero_masked(q->w[l], NULL, q->mask[l], q->dim[l] * q->dim[l + 1]);
    return SNAC_OK;
}

int quant_qat_epoch(quant_qat *q, const ds_tensor *train, snac_rng *rng, double *loss, double *acc)
{
    if (!q || !train || !rng)
        return snac_err_set(SNAC_EINVAL, "qat epoch: NULL argument");
    if (train->n == 0 || train->d != q->dim[0])
        return snac_err_set(SNAC_EINVAL, "qat epoch: %zu rows of %zu features, model takes %zu", train->n,
                            train->d, q->dim[0]);
    if (q->idx_cap < train->n) {
        size_t *p = realloc(q->idx, train->n * sizeof *p);
        if (!p)
            return snac_err_set(SNAC_ENOMEM, "qat epoch: out of memory for the row order");
        q->idx = p;
        q->idx_cap = train->n;
    }
    for (size_t i = 0; i < train->n; i++)
        q->idx[i] = i;
    rng_shuffle_size(rng, q->idx, train->n);
    double total = 0.0;
    size_t hits = 0, d = train->d;
    for (size_t r = 0; r < train->n; r += q->B) {
        size_t k = train->n - r < q->B ? train->n - r : q->B;
        for (size_t i = 0; i < k; i++) {
            memcpy(q->xb + i * d, train->x + q->idx[r + i] * d, d * sizeof(float));
            q->yb[i] = train->y[q->idx[r + i]];
        }
        double part;
        size_t part_hits;
        int rc = quant_qat_step(q, q->xb, q->yb, k, &part, &part_hits);
        if (rc)
            return rc;
        total += part;
        hits += part_hits;
    }
    if (!isfinite(total))
        return snac_err_set(SNAC_ERANGE, "qat: loss diverged (%g)", total);
    if (loss)
        *loss = total / (double)train->n;
    if (acc)
        *acc = (double)hits / (double)train->n;
    return SNAC_OK;
}

/* ------------------------------------------------------------------ export and eval pass */

/* Codes of the current weights: what the deployed model holds. */
static void weight_codes(const quant_qat *q, size_t l, int32_t *w, int32_t *b)
{
    const quant_layer *L = &q->spec->layer[l];
    for (size_t i = 0; i < q->dim[l] * q->dim[l + 1]; i++)
        w[i] = q->mask[l][i] ? (int32_t)quant_from_double(&L->weight, (double)q->w[l][i], NULL) : 0;
    for (size_t j = 0; j < q->dim[l + 1]; j++)
        b[j] = (int32_t)quant_from_double(&L->bias, (double)q->b[l][j], NULL);
}

int quant_qat_export(const quant_qat *q, quant_model **out)
{
    int rc = copy_model(q->spec, out);
    if (rc)
        return rc;
    for (size_t l = 0; l < q->L; l++) {
        quant_layer *L = &(*out)->layer[l];
        weight_codes(q, l, L->w, L->b);
        memcpy(L->mask, q->mask[l], q->dim[l] * q->dim[l + 1]);
    }
    rc = quant_model_validate(*out);
    if (rc) {
        quant_model_free(*out);
        *out = NULL;
    }
    return rc;
}

int quant_qat_to_mlp(const quant_qat *q, const nn_arch *a, nn_mlp **out)
{
    *out = NULL;
    nn_arch f = *a;
    f.batch_norm = false;
    f.dropout = 0.0f;
    if (f.n_in != q->dim[0] || f.n_hidden + 1 != q->L || f.n_out != q->dim[q->L])
        return snac_err_set(SNAC_EINVAL, "qat: architecture does not match the trained network");
    for (size_t l = 0; l < f.n_hidden; l++)
        if (f.hidden[l] != q->dim[l + 1])
            return snac_err_set(SNAC_EINVAL, "qat: hidden layer %zu width %zu, trained %zu", l, f.hidden[l],
                                q->dim[l + 1]);
    snac_rng rng;
    rng_seed(&rng, 0); /* every parameter is overwritten below */
    nn_mlp *m;
    int rc = nn_mlp_new(&f, &rng, &m);
    if (rc)
        return rc;
    for (size_t l = 0; l < q->L; l++) {
        memcpy(nn_mlp_weights(m, l), q->w[l], q->dim[l] * q->dim[l + 1] * sizeof(float));
        memcpy(nn_mlp_biases(m, l), q->b[l], q->dim[l + 1] * sizeof(float));
    }
    *out = m;
    return SNAC_OK;
}

/* Exact values of the current weight and bias codes, as doubles. */
static void prepare_eval(quant_qat *q)
{
    for (size_t l = 0; l < q->L; l++) {
        const quant_layer *L = &q->spec->layer[l];
        for (size_t i = 0; i < q->dim[l] * q->dim[l + 1]; i++) {
            int64_t c = q->mask[l][i] ? quant_from_double(&L->weight, (double)q->w[l][i], NULL) : 0;
            q->wd[l][i] = quant_to_double(&L->weight, c);
        }
        for (size_t j = 0; j < q->dim[l + 1]; j++)
            q->bd[l][j] = quant_to_double(&L->bias, quant_from_double(&L->bias, (double)q->b[l][j], NULL));
    }
}

/* Output codes of rows x (n <= EVAL_CHUNK) into q->ecodes. */
static void eval_chunk(quant_qat *q, const float *x, size_t n)
{
    const quant_model *m = q->spec;
    double *in = q->ebuf[0];
    for (size_t i = 0; i < n * q->dim[0]; i++)
        in[i] = quant_to_double(&m->input, quant_from_double(&m->input, (double)x[i], NULL));
    for (size_t l = 0; l < q->L; l++) {
        const quant_layer *L = &m->layer[l];
        size_t ni = q->dim[l], no = q->dim[l + 1];
        double *z = q->ebuf[(l + 1) & 1];
        for (size_t r = 0; r < n; r++)
            memcpy(z + r * no, q->bd[l], no * sizeof(double));
        /* z (n, no) += in (n, ni) . wd^T: every partial sum is a multiple of the
         * accumulator's LSB below 2^53, so each rounding is exact */
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)no, (int)ni, 1.0, in, (int)ni,
                    q->wd[l], (int)ni, 1.0, z, (int)no);
        for (size_t i = 0; i < n * no; i++) {
            int64_t r = quant_from_double(&L->result, z[i], NULL);
            int32_t y = quant_layer_activate(m, l, r);
            if (l + 1 == q->L)
                q->ecodes[i] = y;
            else
                z[i] = quant_to_double(&L->output, y);
        }
        in = z;
    }
}

int quant_qat_eval_codes(quant_qat *q, const float *x, size_t n, int32_t *logits)
{
    if (!q || (!x && n) || (!logits && n))
        return snac_err_set(SNAC_EINVAL, "qat eval: NULL argument");
    prepare_eval(q);
    size_t C = q->dim[q->L];
    for (size_t r = 0; r < n; r += EVAL_CHUNK) {
        size_t k = n - r < EVAL_CHUNK ? n - r : EVAL_CHUNK;
        eval_chunk(q, x + r * q->dim[0], k);
        memcpy(logits + r * C, q->ecodes, k * C * sizeof(int32_t));
    }
    return SNAC_OK;
}

int quant_qat_evaluate(quant_qat *q, const ds_tensor *d, double *acc, size_t *confusion)
{
    if (!q || !d)
        return snac_err_set(SNAC_EINVAL, "qat evaluate: NULL argument");
    if (d->n && d->d != q->dim[0])
        return snac_err_set(SNAC_EINVAL, "qat evaluate: data has %zu features, model takes %zu", d->d, q->dim[0]);
    size_t C = q->dim[q->L], hits = 0;
    if (confusion)
        memset(confusion, 0, C * C * sizeof *confusion);
    prepare_eval(q);
    for (size_t r = 0; r < d->n; r += EVAL_CHUNK) {
        size_t k = d->n - r < EVAL_CHUNK ? d->n - r : EVAL_CHUNK;
        eval_chunk(q, d->x + r * d->d, k);
        for (size_t i = 0; i < k; i++) {
            size_t p = quant_argmax(q->ecodes + i * C, C);
            int32_t t = d->y[r + i];
            if (t < 0 || (size_t)t >= C)
                return snac_err_set(SNAC_EINVAL, "qat evaluate: label %d of row %zu outside [0, %zu)", (int)t,
                                    r + i, C);
            hits += p == (size_t)t;
            if (confusion)
                confusion[(size_t)t * C + p]++;
        }
    }
    if (acc)
        *acc = d->n ? (double)hits / (double)d->n : NAN;
    return SNAC_OK;
}
