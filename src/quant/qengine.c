/* qengine — integer inference of a quantized model; see qengine.h.
 *
 * Memory: one block per engine: int16 weight copies of the fast layers and two ping-pong
 * activation rows (int32 and int16). Workload: one dense pass per layer per sample.
 */
#include "quant/qengine.h"

#include <stdlib.h>
#include <string.h>

#include "nn/hot.h"
#include "util/err.h"

struct quant_engine {
    const quant_model *m;
    size_t max_width;
    int fast[QUANT_MAX_LAYERS];        /* 1: int16 x int16 -> int32 dot products */
    int direct[QUANT_MAX_LAYERS];      /* 1: result_t == accum_t and ReLU or linear */
    int acc30[QUANT_MAX_LAYERS];       /* 1: the accumulator (and every partial sum) fits 30 bits */
    int shift_sum[QUANT_MAX_LAYERS];   /* F_acc - (F_in + F_w): aligns the products */
    int shift_bias[QUANT_MAX_LAYERS];  /* F_acc - F_b: aligns the bias */
    int frac_acc[QUANT_MAX_LAYERS];
    int16_t *w16[QUANT_MAX_LAYERS];    /* (n_in, n_out): transposed, for fast layers */
    int32_t *acc32;                    /* (max_width) */
    int64_t *acc64;                    /* (max_width) */
    int32_t *y[QUANT_MAX_LAYERS];      /* (n_out) each layer's output codes, one sample */
    void *block;
};

static int bits_of(int64_t lo, int64_t hi)
{
    /* bits of the largest magnitude, |v| < 2^bits */
    uint64_t a = lo < 0 ? (uint64_t)0 - (uint64_t)lo : (uint64_t)lo;
    uint64_t b = hi < 0 ? (uint64_t)0 - (uint64_t)hi : (uint64_t)hi;
    uint64_t m = a > b ? a : b;
    int n = 0;
    while (n < 64 && (m >> n) != 0)
        n++;
    return n;
}

static int ceil_log2(size_t n)
{
    int k = 0;
    while (((size_t)1 << k) < n)
        k++;
    return k;
}

int quant_engine_new(const quant_model *m, quant_engine **out)
{
    *out = NULL;
    int rc = quant_model_validate(m);
    if (rc)
        return rc;
    quant_engine *e = calloc(1, sizeof *e);
    if (!e)
        return snac_err_set(SNAC_ENOMEM, "integer engine: out of memory");
    e->m = m;
    size_t bytes = 0;
    const quant_prec *in = &m->input;
    e->max_width = m->layer[0].n_in;
    for (size_t l = 0; l < m->n_layers; l++) {
        const quant_layer *L = &m->layer[l];
        if (L->n_out > e->max_width)
            e->max_width = L->n_out;
        int bx = bits_of(quant_code_min(in), quant_code_max(in));
        int bw = bits_of(quant_code_min(&L->weight), quant_code_max(&L->weight));
        /* |sum| <= n_in * 2^bx * 2^bw; int16 operands need |code| <= 2^15 - 1 */
        e->fast[l] = bx <= 15 && bw <= 15 && bx + bw + ceil_log2(L->n_in) <= 31;
        e->acc30[l] = L->accum.width <= 30; /* lossless: every value of the sum is an accum_t value */
        e->direct[l] = quant_prec_equal(&L->result, &L->accum) &&
                       (L->act == QUANT_ACT_RELU || L->act == QUANT_ACT_LINEAR);
        int f_prod = quant_frac(in) + quant_frac(&L->weight);
        e->frac_acc[l] = quant_frac(&L->accum);
        e->shift_sum[l] = e->frac_acc[l] - f_prod;
        e->shift_bias[l] = e->frac_acc[l] - quant_frac(&L->bias);
        if (e->fast[l])
            bytes += (L->n_in * L->n_out * sizeof(int16_t) + 63) & ~(size_t)63;
        bytes += (L->n_out * sizeof(int32_t) + 63) & ~(size_t)63;
        in = &L->output;
    }
    bytes += (e->max_width * sizeof(int32_t) + 63) & ~(size_t)63;
    bytes += (e->max_width * sizeof(int64_t) + 63) & ~(size_t)63;
    unsigned char *b = calloc(1, bytes);
    if (!b) {
        free(e);
        return snac_err_set(SNAC_ENOMEM, "integer engine: out of memory for %zu bytes", bytes);
    }
    e->block = b;
    size_t off = 0;
    for (size_t l = 0; l < m->n_layers; l++) {
        const quant_layer *L = &m->layer[l];
        if (e->fast[l]) {
            e->w16[l] = (int16_t *)(b + off);
            for (size_t j = 0; j < L->n_out; j++)
                for (size_t i = 0; i < L->n_in; i++)
                    e->w16[l][i * L->n_out + j] = (int16_t)L->w[j * L->n_in + i];
            off += (L->n_in * L->n_out * sizeof(int16_t) + 63) & ~(size_t)63;
        }
        e->y[l] = (int32_t *)(b + off);
        off += (L->n_out * sizeof(int32_t) + 63) & ~(size_t)63;
    }
    e->acc32 = (int32_t *)(b + off);
    off += (e->max_width * sizeof(int32_t) + 63) & ~(size_t)63;
    e->acc64 = (int64_t *)(b + off);
    *out = e;
    return SNAC_OK;
}

void quant_engine_free(quant_engine *e)
{
    if (!e)
        return;
    free(e->block);
    free(e);
}

int quant_engine_layer_is_fast(const quant_engine *e, size_t l) { return e->fast[l]; }

/* ------------------------------------------------------------------ kernels */

/* acc[j] += x * w[j] for j < n: one input's contribution to every neuron (int16 operands,
 * int32 sums: exact when the layer plan said so). Lanes run over neurons, so no horizontal
 * sums; an input that is 0 (a ReLU below threshold, often half of them) costs nothing. */
NN_HOT static void axpy16(int32_t *acc, int16_t x, const int16_t *w, size_t n)
{
    for (size_t j = 0; j < n; j++)
        acc[j] += (int32_t)x * (int32_t)w[j];
}

/* The same with int32 operands and an int64 sum (operands <= 32 bits, sum <= 53 bits). */
static int64_t dot32(const int32_t *x, const int32_t *w, size_t n)
{
    int64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += (int64_t)x[i] * (int64_t)w[i];
    return s;
}

/* acc << k for k >= 0 without the undefined shift of a negative value. */
static int64_t shl(int64_t v, int k) { return v * ((int64_t)1 << k); }

int32_t quant_layer_activate(const quant_model *m, size_t l, int64_t r)
{
    const quant_layer *L = &m->layer[l];
    const int fr = quant_frac(&L->result);
    switch (L->act) {
    case QUANT_ACT_RELU:
        return (int32_t)quant_requant(&L->output, r > 0 ? r : 0, fr, NULL);
    case QUANT_ACT_TANH:
    case QUANT_ACT_SIGMOID: {
        enum quant_table_kind k = L->act == QUANT_ACT_TANH ? QUANT_TABLE_TANH : QUANT_TABLE_SIGMOID;
        size_t idx = quant_table_index(k, m->table_size, r, fr);
        return (int32_t)quant_requant(&L->output, m->table[k][idx], quant_frac(&m->table_prec), NULL);
    }
    case QUANT_ACT_LINEAR:
    default:
        return (int32_t)quant_requant(&L->output, r, fr, NULL);
    }
}

/* One dense layer + activation for one sample: x (n_in) codes -> y (n_out) codes. */
static void layer_run(quant_engine *e, size_t l, const int32_t *x, int32_t *y)
{
    const quant_model *m = e->m;
    const quant_layer *L = &m->layer[l];
    const size_t n_in = L->n_in, n_out = L->n_out;
    if (e->fast[l]) {
        memset(e->acc32, 0, n_out * sizeof *e->acc32);
        for (size_t i = 0; i < n_in; i++)
            if (x[i] != 0)
                axpy16(e->acc32, (int16_t)x[i], e->w16[l] + i * n_out, n_out);
    }
    if (e->fast[l] && e->direct[l]) {
        /* the common layer: result_t is the lossless accumulator, then ReLU or nothing, then
         * one cast to output_t; the same arithmetic as below with the steps that are
         * identities left out */
        const int ss = e->shift_sum[l], sb = e->shift_bias[l];
        const bool relu = L->act == QUANT_ACT_RELU;
        if (e->acc30[l]) { /* the accumulator's range fits 30 bits: 32-bit lanes all the way */
            for (size_t j = 0; j < n_out; j++)
                e->acc32[j] = e->acc32[j] * ((int32_t)1 << ss) + L->b[j] * ((int32_t)1 << sb);
            quant_requant_n32(&L->output, e->acc32, e->frac_acc[l], relu, y, n_out);
            return;
        }
        for (size_t j = 0; j < n_out; j++)
            e->acc64[j] = shl((int64_t)e->acc32[j], ss) + shl((int64_t)L->b[j], sb);
        quant_requant_n(&L->output, e->acc64, e->frac_acc[l], relu, y, n_out);
        return;
    }
    for (size_t j = 0; j < n_out; j++) {
        int64_t sum = e->fast[l] ? (int64_t)e->acc32[j] : dot32(x, L->w + j * n_in, n_in);
        /* acc = bias + sum of products, both aligned to the accumulator's LSB (one of the
         * two shifts is 0: F_acc is the wider of the two fractions) */
        int64_t acc = shl(sum, e->shift_sum[l]) + shl((int64_t)L->b[j], e->shift_bias[l]);
        int64_t r = quant_requant(&L->result, acc, e->frac_acc[l], NULL);
        y[j] = quant_layer_activate(m, l, r);
    }
}

void quant_engine_trace(quant_engine *e, const int32_t *x, const int32_t **y)
{
    const int32_t *in = x;
    for (size_t l = 0; l < e->m->n_layers; l++) {
        layer_run(e, l, in, e->y[l]);
        in = e->y[l];
        if (y)
            y[l] = e->y[l];
    }
}

void quant_engine_run(quant_engine *e, const int32_t *x, size_t n, int32_t *logits)
{
    const quant_model *m = e->m;
    const size_t n_in = m->layer[0].n_in, L = m->n_layers, n_out = m->layer[L - 1].n_out;
    for (size_t s = 0; s < n; s++) {
        quant_engine_trace(e, x + s * n_in, NULL);
        memcpy(logits + s * n_out, e->y[L - 1], n_out * sizeof(int32_t));
    }
}

void quant_engine_quantize_input(const quant_model *m, const float *x, size_t n, int32_t *codes)
{
    size_t k = n * m->layer[0].n_in;
    for (size_t i = 0; i < k; i++)
        codes[i] = (int32_t)quant_from_double(&m->input, (double)x[i], NULL);
}

size_t quant_argmax(const int32_t *row, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (row[i] > row[best])
            best = i;
    return best;
}
