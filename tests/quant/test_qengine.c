/* test_qengine — the integer engine against a plain reference, the hls4ml tables, the model
 * format, and QAT: eval pass == integer engine on every vector, the straight-through
 * estimator, masks that stay zero. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn/mlp.h"
#include "quant/qat.h"
#include "quant/qengine.h"
#include "quant/qmodel.h"
#include "quant/qtable.h"
#include "util/err.h"
#include "util/rng.h"

static quant_prec PP(const char *s)
{
    quant_prec p;
    if (quant_prec_parse(s, &p) != 0) {
        fprintf(stderr, "bad precision %s: %s\n", s, snac_err_msg());
        abort();
    }
    return p;
}

/* A model n0-n1-...-nL with `act` on hidden layers and the given precisions; lossless
 * accumulators; random codes from rng (all codes of the types, both signs). */
static quant_model *make_model(const size_t *w, size_t n_layers, enum quant_act act, const char *input,
                               const char *weight, const char *bias, const char *result, const char *output,
                               snac_rng *rng)
{
    quant_model_shape s = {.n_layers = n_layers};
    for (size_t l = 0; l <= n_layers; l++)
        s.width[l] = w[l];
    for (size_t l = 0; l < n_layers; l++)
        s.act[l] = l + 1 < n_layers ? act : QUANT_ACT_LINEAR;
    quant_model *m;
    if (quant_model_new(&s, &m) != 0)
        abort();
    m->input = PP(input);
    const quant_prec *in = &m->input;
    for (size_t l = 0; l < n_layers; l++) {
        quant_layer *L = &m->layer[l];
        L->weight = PP(weight);
        L->bias = PP(bias);
        L->accum = quant_accum_auto(in, &L->weight, &L->bias, L->n_in);
        L->result = result ? PP(result) : L->accum;
        L->output = PP(output);
        if (L->act == QUANT_ACT_RELU)
            L->output.is_signed = false;
        for (size_t i = 0; i < L->n_in * L->n_out; i++) {
            int64_t lo = quant_code_min(&L->weight), hi = quant_code_max(&L->weight);
            L->w[i] = (int32_t)(lo + (int64_t)rng_below(rng, (uint64_t)(hi - lo + 1)));
            if (rng_uniform(rng) < 0.3) {
                L->w[i] = 0;
                L->mask[i] = 0;
            }
        }
        for (size_t j = 0; j < L->n_out; j++) {
            int64_t lo = quant_code_min(&L->bias), hi = quant_code_max(&L->bias);
            L->b[j] = (int32_t)(lo + (int64_t)rng_below(rng, (uint64_t)(hi - lo + 1)));
        }
        in = &L->output;
    }
    if (quant_model_build_tables(m) != 0 || quant_model_validate(m) != 0) {
        fprintf(stderr, "model: %s\n", snac_err_msg());
        abort();
    }
    return m;
}

/* The plain reference: values as exact doubles, one neuron at a time. */
static void reference_run(const quant_model *m, const int32_t *x, int32_t *out)
{
    double in[256], next[256];
    const quant_prec *ip = &m->input;
    for (size_t i = 0; i < m->layer[0].n_in; i++)
        in[i] = quant_to_double(ip, x[i]);
    for (size_t l = 0; l < m->n_layers; l++) {
        const quant_layer *L = &m->layer[l];
        for (size_t j = 0; j < L->n_out; j++) {
            double z = quant_to_double(&L->bias, L->b[j]);
            for (size_t i = 0; i < L->n_in; i++)
                z += in[i] * quant_to_double(&L->weight, L->w[j * L->n_in + i]);
            int64_t r = quant_from_double(&L->result, z, NULL);
            double rv = quant_to_double(&L->result, r);
            double y;
            if (L->act == QUANT_ACT_RELU) {
                y = rv > 0 ? rv : 0;
            } else if (L->act == QUANT_ACT_TANH || L->act == QUANT_ACT_SIGMOID) {
                int k = L->act == QUANT_ACT_TANH ? QUANT_TABLE_TANH : QUANT_TABLE_SIGMOID;
                double span = L->act == QUANT_ACT_TANH ? 8.0 : 16.0;
                double idx = trunc(rv * (double)m->table_size / span) + (double)(m->table_size / 2);
                if (idx < 0)
                    idx = 0;
                if (idx > (double)m->table_size - 1)
                    idx = (double)m->table_size - 1;
                y = quant_to_double(&m->table_prec, m->table[k][(size_t)idx]);
            } else {
                y = rv;
            }
            int64_t c = quant_from_double(&L->output, y, NULL);
            if (l + 1 == m->n_layers)
                out[j] = (int32_t)c;
            else
                next[j] = quant_to_double(&L->output, c);
        }
        memcpy(in, next, sizeof next);
    }
}

static void random_inputs(const quant_model *m, snac_rng *rng, int32_t *x, size_t n)
{
    int64_t lo = quant_code_min(&m->input), hi = quant_code_max(&m->input);
    for (size_t i = 0; i < n * m->layer[0].n_in; i++)
        x[i] = (int32_t)(lo + (int64_t)rng_below(rng, (uint64_t)(hi - lo + 1)));
}

static void engine_should_match_the_plain_reference(void)
{
    snac_rng rng;
    rng_seed(&rng, 7);
    const size_t w[] = {24, 32, 16, 5};
    struct { enum quant_act act; const char *in, *wt, *b, *res, *out; int expect_fast; } cases[] = {
        {QUANT_ACT_RELU, "ap_fixed<12,4,AP_RND,AP_SAT>", "ap_fixed<8,1>", "ap_fixed<8,3>", NULL,
         "ap_fixed<8,3,AP_RND,AP_SAT>", 1},
        {QUANT_ACT_RELU, "ap_fixed<16,6>", "ap_fixed<16,6>", "ap_fixed<16,6>", "ap_fixed<16,6>", "ap_fixed<16,6>", 0},
        {QUANT_ACT_TANH, "ap_fixed<8,3>", "ap_fixed<6,1,AP_RND_CONV,AP_SAT_SYM>", "ap_fixed<6,2>",
         "ap_fixed<16,6,AP_RND_ZERO,AP_SAT>", "ap_fixed<8,1,AP_RND_INF,AP_SAT_ZERO>", 1},
        {QUANT_ACT_SIGMOID, "ap_fixed<10,5,AP_TRN_ZERO,AP_SAT>", "ap_fixed<20,2>", "ap_fixed<20,4>",
         "ap_fixed<12,4,AP_RND_MIN_INF,AP_WRAP>", "ap_ufixed<8,0,AP_RND,AP_SAT>", 0},
        {QUANT_ACT_RELU, "ap_fixed<4,2>", "ap_fixed<3,1>", "ap_fixed<4,2>", "ap_fixed<5,2,AP_TRN,AP_WRAP>",
         "ap_fixed<3,1,AP_TRN,AP_WRAP>", 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        quant_model *m = make_model(w, 3, cases[c].act, cases[c].in, cases[c].wt, cases[c].b, cases[c].res,
                                    cases[c].out, &rng);
        quant_engine *e;
        CHECK(quant_engine_new(m, &e) == 0);
        CHECK_MSG(quant_engine_layer_is_fast(e, 0) == cases[c].expect_fast, "case %zu fast path", c);
        enum { N = 400 };
        int32_t *x = malloc(N * 24 * sizeof *x), got[N * 5], want[5];
        random_inputs(m, &rng, x, N);
        quant_engine_run(e, x, N, got);
        size_t bad = 0;
        for (size_t s = 0; s < N; s++) {
            reference_run(m, x + s * 24, want);
            bad += memcmp(want, got + s * 5, sizeof want) != 0;
        }
        CHECK_MSG(bad == 0, "case %zu: %zu of %d samples differ from the reference", c, bad, N);
        free(x);
        quant_engine_free(e);
        quant_model_free(m);
    }
}

static void tables_should_follow_hls4ml(void)
{
    int32_t t[1024];
    quant_prec tp = QUANT_TABLE_DEFAULT_PREC;
    CHECK(quant_table_build(QUANT_TABLE_SIGMOID, 1024, &tp, t) == 0);
    CHECK(t[512] == 512);                /* sigma(0) = 0.5 in ap_fixed<18,8> (F = 10) */
    CHECK(t[0] == 0);                    /* sigma(-8) = 0.000335 -> floor(0.343) = 0 */
    CHECK(t[1023] == 1023);              /* sigma(7.984) = 0.99966 -> floor(1023.6) */
    CHECK(quant_table_build(QUANT_TABLE_TANH, 1024, &tp, t) == 0);
    CHECK(t[512] == 0);
    CHECK(t[0] == -1024);                /* tanh(-4) = -0.99933 -> floor(-1023.3) */
    CHECK(t[1023] == 1023);
    /* index: x = 1.0 at F = 10 -> 1.0 * 1024 / 16 = 64 -> 576 */
    CHECK(quant_table_index(QUANT_TABLE_SIGMOID, 1024, 1024, 10) == 576);
    /* x = -0.01 (code -10): -0.625 truncates toward zero to 0, not to -1 */
    CHECK(quant_table_index(QUANT_TABLE_SIGMOID, 1024, -10, 10) == 512);
    CHECK(quant_table_index(QUANT_TABLE_SIGMOID, 1024, -17, 10) == 511); /* -1.06 -> -1 */
    CHECK(quant_table_index(QUANT_TABLE_TANH, 1024, 1024, 10) == 640);   /* 1.0 * 1024 / 8 */
    CHECK(quant_table_index(QUANT_TABLE_TANH, 1024, 100 * 1024, 10) == 1023);
    CHECK(quant_table_index(QUANT_TABLE_TANH, 1024, -100 * 1024, 10) == 0);
    CHECK(quant_table_build(QUANT_TABLE_TANH, 1, &tp, t) == SNAC_EINVAL);
}

static void model_format_should_round_trip_and_refuse_damage(void)
{
    snac_rng rng;
    rng_seed(&rng, 3);
    const size_t w[] = {6, 8, 4};
    quant_model *m = make_model(w, 2, QUANT_ACT_SIGMOID, "ap_fixed<8,3>", "ap_fixed<8,1>", "ap_fixed<8,3>",
                                "ap_fixed<16,6>", "ap_fixed<8,1,AP_RND,AP_SAT>", &rng);
    void *buf;
    size_t len;
    CHECK(quant_model_save(m, &buf, &len) == 0);
    quant_model *r;
    CHECK(quant_model_load(buf, len, &r) == 0);
    void *buf2;
    size_t len2;
    CHECK(quant_model_save(r, &buf2, &len2) == 0);
    CHECK(len == len2 && memcmp(buf, buf2, len) == 0);
    CHECK(quant_prec_equal(&r->layer[0].output, &m->layer[0].output));
    CHECK(r->table[QUANT_TABLE_SIGMOID] && !r->table[QUANT_TABLE_TANH]);
    quant_model *bad;
    CHECK(quant_model_load(buf, len - 1, &bad) == SNAC_EFORMAT && !bad);
    ((unsigned char *)buf)[40] ^= 1;
    CHECK(quant_model_load(buf, len, &bad) == SNAC_EFORMAT && !bad);
    char *js = quant_model_json(m);
    CHECK(js && strstr(js, "\"activation\":\"sigmoid\"") && strstr(js, "ap_fixed<8,1,AP_RND,AP_SAT>"));
    free(js);
    /* validation: a masked weight that is not zero; a narrow accumulator */
    m->layer[0].mask[0] = 0;
    m->layer[0].w[0] = 3;
    CHECK(quant_model_validate(m) == SNAC_EINVAL && strstr(snac_err_msg(), "pruned weight"));
    m->layer[0].w[0] = 0;
    m->layer[1].accum.width -= 1;
    m->layer[1].accum.integer -= 1;
    CHECK(quant_model_validate(m) == SNAC_EINVAL && strstr(snac_err_msg(), "lossless"));
    free(buf);
    free(buf2);
    quant_model_free(r);
    quant_model_free(m);
}

/* ---- QAT ---- */

static quant_model *spec_for(const nn_mlp *f, enum quant_act act, int bits)
{
    const nn_arch *a = nn_mlp_arch(f);
    quant_model_shape s = {.n_layers = nn_mlp_n_layers(f)};
    s.width[0] = a->n_in;
    for (size_t l = 0; l < a->n_hidden; l++) {
        s.width[l + 1] = a->hidden[l];
        s.act[l] = act;
    }
    s.width[s.n_layers] = a->n_out;
    s.act[s.n_layers - 1] = QUANT_ACT_LINEAR;
    quant_model *m;
    if (quant_model_new(&s, &m))
        abort();
    m->input = PP("ap_fixed<12,4,AP_RND,AP_SAT>");
    const quant_prec *in = &m->input;
    for (size_t l = 0; l < s.n_layers; l++) {
        quant_layer *L = &m->layer[l];
        L->weight = QUANT_PREC_INIT(bits, 1);
        L->weight.q = QUANT_Q_RND_CONV;
        L->weight.o = QUANT_O_SAT;
        L->bias = QUANT_PREC_INIT(bits, 3);
        L->bias.o = QUANT_O_SAT;
        L->accum = quant_accum_auto(in, &L->weight, &L->bias, L->n_in);
        bool last = l + 1 == s.n_layers;
        L->result = (L->act == QUANT_ACT_RELU || last) ? L->accum : PP("ap_fixed<16,6,AP_RND,AP_SAT>");
        L->output = last ? PP("ap_fixed<16,6,AP_RND,AP_SAT>") : QUANT_PREC_INIT(bits, 3);
        L->output.q = QUANT_Q_RND;
        L->output.o = QUANT_O_SAT;
        if (L->act == QUANT_ACT_RELU)
            L->output.is_signed = false;
        in = &L->output;
    }
    if (quant_model_build_tables(m) || quant_model_validate(m)) {
        fprintf(stderr, "spec: %s\n", snac_err_msg());
        abort();
    }
    return m;
}

/* Blobs in 8 dimensions: class k centred at +-1.5 along axis k. */
static void make_data(ds_tensor *d, size_t n, snac_rng *rng, float spread)
{
    d->n = n;
    d->d = 8;
    d->x = malloc(n * 8 * sizeof(float));
    d->y = malloc(n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++) {
        int c = (int)rng_below(rng, 3);
        d->y[i] = c;
        for (size_t j = 0; j < 8; j++)
            d->x[i * 8 + j] = (float)(rng_normal(rng) * 0.6 * spread + (j == (size_t)c ? 1.5 : 0.0));
    }
}

static void qat_eval_should_equal_the_engine_bit_for_bit(void)
{
    const enum quant_act acts[] = {QUANT_ACT_RELU, QUANT_ACT_TANH, QUANT_ACT_SIGMOID};
    const enum nn_act nacts[] = {NN_ACT_RELU, NN_ACT_TANH, NN_ACT_SIGMOID};
    for (int k = 0; k < 3; k++) {
        snac_rng rng;
        rng_seed(&rng, 11 + (uint64_t)k);
        nn_arch a = {.n_in = 8, .n_hidden = 2, .hidden = {16, 12}, .n_out = 3, .act = nacts[k],
                     .batch_norm = k == 0, .dropout = 0.0f};
        nn_mlp *f;
        CHECK(nn_mlp_new(&a, &rng, &f) == 0);
        quant_model *spec = spec_for(f, acts[k], 8);
        quant_qat_opts o = QUANT_QAT_OPTS_INIT;
        o.batch_size = 64;
        o.learning_rate = 0.01f;
        quant_qat *q;
        CHECK(quant_qat_new(f, spec, &o, &q) == 0);
        ds_tensor tr, va;
        make_data(&tr, 2000, &rng, 1.0f);
        make_data(&va, 1500, &rng, 4.0f); /* wide: many inputs saturate the input type */
        double loss, acc;
        for (int e = 0; e < 4; e++)
            CHECK(quant_qat_epoch(q, &tr, &rng, &loss, &acc) == 0);
        double vacc;
        CHECK(quant_qat_evaluate(q, &tr, &vacc, NULL) == 0);
        CHECK_MSG(vacc > 0.85, "act %s: deployed training accuracy %.3f", quant_act_names[acts[k]], vacc);
        quant_model *qm;
        CHECK(quant_qat_export(q, &qm) == 0);
        quant_engine *e;
        CHECK(quant_engine_new(qm, &e) == 0);
        size_t n = va.n;
        int32_t *xc = malloc(n * 8 * sizeof *xc), *ge = malloc(n * 3 * sizeof *ge), *gq = malloc(n * 3 * sizeof *gq);
        /* scale some rows far beyond the input range */
        for (size_t i = 0; i < 200 * 8; i++)
            va.x[i] *= 40.0f;
        quant_engine_quantize_input(qm, va.x, n, xc);
        quant_engine_run(e, xc, n, ge);
        CHECK(quant_qat_eval_codes(q, va.x, n, gq) == 0);
        size_t bad = 0;
        for (size_t i = 0; i < n * 3; i++)
            bad += ge[i] != gq[i];
        CHECK_MSG(bad == 0, "act %s: %zu of %zu logits differ", quant_act_names[acts[k]], bad, n * 3);
        /* random input codes over the whole input type, fed to both as exact values */
        for (size_t i = 0; i < n * 8; i++)
            va.x[i] = (float)(rng_uniform(&rng) * 16.0 - 8.0);
        quant_engine_quantize_input(qm, va.x, n, xc);
        quant_engine_run(e, xc, n, ge);
        CHECK(quant_qat_eval_codes(q, va.x, n, gq) == 0);
        CHECK(memcmp(ge, gq, n * 3 * sizeof *ge) == 0);
        free(xc);
        free(ge);
        free(gq);
        free(tr.x);
        free(tr.y);
        free(va.x);
        free(va.y);
        quant_engine_free(e);
        quant_model_free(qm);
        quant_qat_free(q);
        quant_model_free(spec);
        nn_mlp_free(f);
    }
}

static void ste_should_block_clipped_weights_and_keep_masked_ones_zero(void)
{
    snac_rng rng;
    rng_seed(&rng, 5);
    nn_arch a = {.n_in = 8, .n_hidden = 1, .hidden = {10}, .n_out = 3, .act = NN_ACT_RELU};
    nn_mlp *f;
    CHECK(nn_mlp_new(&a, &rng, &f) == 0);
    quant_model *spec = spec_for(f, QUANT_ACT_RELU, 6);
    for (int i = 0; i < 20; i++)
        spec->layer[0].mask[i * 3] = 0;
    quant_qat_opts o = QUANT_QAT_OPTS_INIT;
    o.batch_size = 32;
    quant_qat *q;
    CHECK(quant_qat_new(f, spec, &o, &q) == 0);
    size_t n;
    float *w = quant_qat_weights(q, 0, &n);
    w[1] = 7.5f;  /* far above ap_fixed<6,1,..,AP_SAT>'s 0.96875: clipped */
    w[2] = -9.0f;
    ds_tensor tr;
    make_data(&tr, 700, &rng, 1.0f);
    float before[80];
    memcpy(before, w, sizeof before);
    for (int s = 0; s < 20; s++)
        CHECK(quant_qat_step(q, tr.x + (size_t)s * 32 * 8, tr.y + s * 32, 32, NULL, NULL) == 0);
    CHECK(w[1] == 7.5f && w[2] == -9.0f); /* no gradient where the quantizer clipped */
    size_t changed = 0;
    for (size_t i = 0; i < 80; i++)
        changed += w[i] != before[i];
    CHECK(changed > 40);
    uint8_t *mask = quant_qat_mask(q, 0);
    for (int i = 0; i < 20; i++)
        CHECK(mask[i * 3] == 0 && w[i * 3] == 0.0f);
    quant_model *qm;
    CHECK(quant_qat_export(q, &qm) == 0);
    for (int i = 0; i < 20; i++)
        CHECK(qm->layer[0].w[i * 3] == 0 && qm->layer[0].mask[i * 3] == 0);
    CHECK(qm->layer[0].w[1] == 31); /* saturated code of <6,1> */
    free(tr.x);
    free(tr.y);
    quant_model_free(qm);
    quant_qat_free(q);
    quant_model_free(spec);
    nn_mlp_free(f);
}

static void fake_quant_should_equal_the_exact_conversion(void)
{
    snac_rng rng;
    rng_seed(&rng, 9);
    float x[4096], y[4096], pass[4096];
    for (size_t i = 0; i < 4096; i++)
        x[i] = (float)((rng_uniform(&rng) - 0.5) * 40.0);
    for (size_t i = 0; i < 64; i++) /* exact ties */
        x[i] = ldexpf((float)(int)(i * 2 + 1 - 64), -4);
    for (int qm = 0; qm < QUANT_Q_COUNT; qm++)
        for (int om = 0; om < QUANT_O_COUNT; om++)
            for (int s = 0; s < 2; s++) {
                quant_prec p = {8, 3, s == 0, (enum quant_qmode)qm, (enum quant_omode)om};
                quant_fake_f32(&p, x, y, pass, 4096);
                size_t bad = 0;
                for (size_t i = 0; i < 4096; i++) {
                    bool clip;
                    double want = quant_to_double(&p, quant_from_double(&p, (double)x[i], &clip));
                    bad += (double)y[i] != want || pass[i] != (clip ? 0.0f : 1.0f);
                }
                CHECK_MSG(bad == 0, "%s %s %s: %zu differ", quant_qmode_names[qm], quant_omode_names[om],
                          s ? "u" : "s", bad);
            }
}

/* ---- issue 24: QAT gradients against central finite differences of a plain float model */

enum { GI = 4, GH = 5, GO = 3, GN = 16 };

/* Mean softmax cross-entropy of the 4-5-3 ReLU net (W (n_out, n_in) row-major), in doubles. */
static double plain_loss(const double *w0, const double *b0, const double *w1, const double *b1, const float *x,
                         const int32_t *y)
{
    double sum = 0;
    for (int n = 0; n < GN; n++) {
        double h[GH], z[GO], mx = -1e300, se = 0;
        for (int j = 0; j < GH; j++) {
            double a = b0[j];
            for (int i = 0; i < GI; i++)
                a += w0[j * GI + i] * (double)x[n * GI + i];
            h[j] = a > 0 ? a : 0;
        }
        for (int k = 0; k < GO; k++) {
            z[k] = b1[k];
            for (int j = 0; j < GH; j++)
                z[k] += w1[k * GH + j] * h[j];
            mx = z[k] > mx ? z[k] : mx;
        }
        for (int k = 0; k < GO; k++)
            se += exp(z[k] - mx);
        sum += -(z[y[n]] - mx - log(se));
    }
    return sum / GN;
}

static void qat_gradients_should_match_finite_differences(void)
{
    snac_rng rng;
    rng_seed(&rng, 24);
    nn_arch a = {.n_in = GI, .n_hidden = 1, .hidden = {GH}, .n_out = GO, .act = NN_ACT_RELU};
    nn_mlp *f;
    CHECK(nn_mlp_new(&a, &rng, &f) == 0);
    quant_model *spec = spec_for(f, QUANT_ACT_RELU, 14); /* 14-bit: quantization far below the FD scale */
    quant_qat_opts o = QUANT_QAT_OPTS_INIT;
    o.batch_size = GN;
    o.learning_rate = 1e-3f;
    quant_qat *q;
    CHECK(quant_qat_new(f, spec, &o, &q) == 0);
    size_t n_par, n0, n1;
    float *p = quant_qat_params(q, &n_par), *qw0 = quant_qat_weights(q, 0, &n0), *qw1 = quant_qat_weights(q, 1, &n1);
    CHECK(n0 == GI * GH && n1 == GH * GO && n_par == n0 + n1 + GH + GO);
    /* inside every quantizer's range (weights <14,1>, biases <14,3>), on their grids */
    double par[GI * GH + GH * GO + GH + GO];
    for (size_t i = 0; i < n_par; i++) {
        double v = (rng_uniform(&rng) - 0.5) * (i < n0 + n1 ? 1.2 : 0.8);
        p[i] = (float)(round(v * 2048.0) / 2048.0);
        par[i] = p[i];
    }
    CHECK(qw0 == p && qw1 == p + n0);
    float x[GN * GI];
    int32_t y[GN];
    for (int i = 0; i < GN * GI; i++) /* on the <12,4> input grid, |x| < 2 */
        x[i] = (float)(round((rng_uniform(&rng) - 0.5) * 4.0 * 256.0) / 256.0);
    for (int n = 0; n < GN; n++)
        y[n] = (int32_t)rng_below(&rng, GO);
    double *w0 = par, *w1 = par + n0, *b0 = par + n0 + n1, *b1 = b0 + GH;
    CHECK(quant_qat_step(q, x, y, GN, NULL, NULL) == 0);
    /* Adam's first step moves every parameter by the same amount against its gradient's sign */
    size_t compared = 0, biases = 0;
    double step = 0;
    for (size_t i = 0; i < n_par; i++) {
        double g[2], keep = par[i];
        for (int r = 0; r < 2; r++) {
            double h = r ? 5e-4 : 1e-3;
            par[i] = keep + h;
            double lp = plain_loss(w0, b0, w1, b1, x, y);
            par[i] = keep - h;
            double lm = plain_loss(w0, b0, w1, b1, x, y);
            g[r] = (lp - lm) / (2 * h);
        }
        par[i] = keep;
        if (fabs(g[0]) < 0.02 || fabs(g[0] - g[1]) > 0.05 * fabs(g[0]))
            continue; /* too small against quantization, or across a ReLU kink */
        double d = (double)p[i] - keep;
        CHECK_MSG(d * g[0] < 0, "parameter %zu: moved %g, finite-difference gradient %g", i, d, g[0]);
        if (step == 0)
            step = fabs(d);
        CHECK_MSG(fabs(fabs(d) - step) <= 0.02 * step, "parameter %zu: step %g, others %g", i, fabs(d), step);
        compared++;
        biases += i >= n0 + n1;
    }
    CHECK_MSG(compared >= 20 && biases >= 3, "%zu parameters compared, %zu biases", compared, biases);
    CHECK_NEAR(step, 1e-3, 1e-4);
    quant_qat_free(q);
    quant_model_free(spec);
    nn_mlp_free(f);
}

/* issue 24: the int16 x int16 -> int32 fast path at its boundaries, for every input and weight
 * width 2..16 (signed and unsigned inputs): it is taken exactly when both operands' codes fit 15
 * bits of magnitude and bx + bw + ceil(log2 n_in) <= 31 (n_in on both sides of the bound, up to
 * 256), and with every code at its extreme (the largest possible sum) the engine equals the plain
 * reference. */
static int ceil_log2_sz(size_t n)
{
    int k = 0;
    while (((size_t)1 << k) < n)
        k++;
    return k;
}

static void fast_path_should_hold_its_bounds_at_every_width(void)
{
    snac_rng rng;
    rng_seed(&rng, 31);
    size_t checked_fast = 0, checked_slow = 0;
    for (int uns = 0; uns < 2; uns++)
        for (int wx = 2; wx <= 16; wx++)
            for (int ww = 2; ww <= 16; ww++) {
                int bx = wx, bw = ww; /* |code| < 2^W: W magnitude bits, signed or unsigned */
                size_t cand[4] = {1, 256, 0, 0};
                int k = 31 - bx - bw; /* the largest ceil(log2 n) still fast */
                if (k >= 0 && k <= 8) {
                    cand[2] = (size_t)1 << k;      /* on the bound */
                    cand[3] = ((size_t)1 << k) + 1; /* one past it */
                }
                for (int c = 0; c < 4; c++) {
                    size_t n = cand[c];
                    if (n == 0 || n > 256)
                        continue;
                    char in[64], wt[64], res[64];
                    snprintf(in, sizeof in, "%s<%d,2>", uns ? "ap_ufixed" : "ap_fixed", wx);
                    snprintf(wt, sizeof wt, "ap_fixed<%d,1>", ww);
                    snprintf(res, sizeof res, "ap_fixed<32,%d,AP_RND,AP_SAT>", 6 + ceil_log2_sz(n));
                    const size_t w[2] = {n, 2};
                    quant_model *m = make_model(w, 1, QUANT_ACT_LINEAR, in, wt, "ap_fixed<8,3>", res, res, &rng);
                    quant_layer *L = &m->layer[0];
                    for (size_t i = 0; i < n; i++) { /* output 0: every product at its largest */
                        L->w[i] = (int32_t)quant_code_min(&L->weight);
                        L->w[n + i] = (int32_t)(i % 2 ? quant_code_max(&L->weight) : quant_code_min(&L->weight));
                        L->mask[i] = L->mask[n + i] = 1;
                    }
                    quant_engine *e;
                    CHECK(quant_engine_new(m, &e) == 0);
                    int want_fast = bx <= 15 && bw <= 15 && bx + bw + ceil_log2_sz(n) <= 31;
                    CHECK_MSG(quant_engine_layer_is_fast(e, 0) == want_fast, "%s x %s, n_in %zu: fast %d, want %d", in,
                              wt, n, quant_engine_layer_is_fast(e, 0), want_fast);
                    int32_t x[256], got[2], ref[2];
                    int64_t xe = uns ? quant_code_max(&m->input) : quant_code_min(&m->input);
                    for (size_t i = 0; i < n; i++)
                        x[i] = (int32_t)xe;
                    quant_engine_run(e, x, 1, got);
                    reference_run(m, x, ref);
                    CHECK_MSG(got[0] == ref[0] && got[1] == ref[1], "%s x %s, n_in %zu: %d %d vs reference %d %d", in,
                              wt, n, got[0], got[1], ref[0], ref[1]);
                    if (want_fast)
                        checked_fast++;
                    else
                        checked_slow++;
                    quant_engine_free(e);
                    quant_model_free(m);
                }
            }
    CHECK_MSG(checked_fast > 400 && checked_slow > 60, "%zu fast, %zu slow cases", checked_fast, checked_slow);
}

int main(void)
{
    engine_should_match_the_plain_reference();
    tables_should_follow_hls4ml();
    model_format_should_round_trip_and_refuse_damage();
    fake_quant_should_equal_the_exact_conversion();
    qat_eval_should_equal_the_engine_bit_for_bit();
    ste_should_block_clipped_weights_and_keep_masked_ones_zero();
    TEST(qat_gradients_should_match_finite_differences);
    TEST(fast_path_should_hold_its_bounds_at_every_width);
    return check_report();
}
