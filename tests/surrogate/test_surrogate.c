/* test_surrogate — the surrogate: GSL regression against NIST Longley, BOPs of the
 * paper's baseline, CSD counts against brute force, ap_fixed quantisation; the
 * structural model: monotonicity of the shipped default (weights, widths, RF),
 * additivity over layers, recovery of known coefficients from synthetic data,
 * NNLS against brute force, byte-for-byte reproducible coefficient files,
 * intervals; bad specs, and SQLite round trips; issue 23's DSP mapping (Vitis: distinct constants
 * of 3+ CSD digits; Vivado: every general product; softmax and unfolded BN products) and reuse
 * (Latency shares only the multipliers) by hand-counted nets. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "check.h"
#include "quant/qfixed.h"
#include "store/db.h"
#include "surrogate/surr_calib.h"
#include "surrogate/surr_fit.h"
#include "surrogate/surr_specio.h"
#include "util/sha256.h"
#include "surrogate/surr_store.h"
#include "util/rng.h"
#include "util/err.h"

static const size_t baseline[] = {24, 120, 60, 32, 64, 64, 64, 32, 44, 5};
#define NB (sizeof baseline / sizeof baseline[0])

static void fit_should_reproduce_nist_longley_certified_values(void)
{
    char path[1024];
    const char *fx = getenv("SNAC_FIXTURES");
    snprintf(path, sizeof path, "%s/surrogate/longley.dat", fx ? fx : "tests/fixtures");
    FILE *f = fopen(path, "r");
    CHECK_MSG(f != NULL, "cannot open %s", path);
    if (!f)
        return;
    double X[16 * 7], y[16], cert[7], cert_se[7], rsd = 0, r2 = 0;
    size_t n = 0, nc = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char name[32];
        double a, b;
        if (sscanf(line, "#cert %31s %lf %lf", name, &a, &b) == 3) {
            if (name[0] == 'B' && nc < 7) {
                cert[nc] = a;
                cert_se[nc++] = b;
            } else if (strcmp(name, "residual_sd") == 0) {
                rsd = a;
            } else if (strcmp(name, "r_squared") == 0) {
                r2 = a;
            }
            continue;
        }
        if (line[0] == '#')
            continue;
        double v[7];
        if (sscanf(line, "%lf %lf %lf %lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) == 7 &&
            n < 16) {
            y[n] = v[0];
            X[n * 7] = 1.0;
            for (int j = 1; j < 7; j++)
                X[n * 7 + j] = v[j];
            n++;
        }
    }
    fclose(f);
    CHECK(n == 16 && nc == 7);
    double c[7], se[7];
    surr_fit_info info;
    CHECK(surr_fit_linear(X, y, NULL, n, 7, SURR_FIT_OLS, c, se, &info) == SNAC_OK);
    for (int j = 0; j < 7; j++) {
        CHECK_MSG(fabs(c[j] - cert[j]) <= 1e-7 * fabs(cert[j]), "B%d = %.15g, certified %.15g", j, c[j], cert[j]);
        CHECK_MSG(fabs(se[j] - cert_se[j]) <= 1e-7 * fabs(cert_se[j]), "SE(B%d) = %.15g, certified %.15g", j, se[j],
                  cert_se[j]);
    }
    CHECK_NEAR(sqrt(info.chisq / (16 - 7)), rsd, 1e-7 * rsd);
    CHECK_NEAR(info.r2, r2, 1e-9);
    /* ridge and robust run on the same data and stay close to OLS in prediction */
    CHECK(surr_fit_linear(X, y, NULL, n, 7, SURR_FIT_RIDGE_GCV, c, NULL, &info) == SNAC_OK);
    CHECK(info.r2 > 0.98);
    CHECK(surr_fit_linear(X, y, NULL, n, 7, SURR_FIT_ROBUST, c, NULL, &info) == SNAC_OK);
    CHECK(info.r2 > 0.98);
    /* too few samples for OLS is an error, not a crash */
    CHECK(surr_fit_linear(X, y, NULL, 3, 7, SURR_FIT_OLS, c, NULL, &info) == SNAC_EINVAL);
}

static void bops_of_paper_baseline_should_be_25916(void)
{
    surr_spec s;
    CHECK(surr_spec_init_mlp(&s, baseline, NB, SURR_ACT_RELU, false) == SNAC_OK);
    CHECK(surr_bops_mac(&s) == 25916.0);
    surr_features x;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    CHECK(x.bops_mac == 25916.0);
    /* bit-aware form at 16 bits, no sparsity: sum n*(256 + 32 + log2 n_in) */
    double want = 0;
    for (size_t l = 0; l + 1 < NB; l++)
        want += (double)(baseline[l] * baseline[l + 1]) * (256 + 32 + log2((double)baseline[l]));
    CHECK_NEAR(x.bops_bitaware, want, 1e-6 * want);
    CHECK_NEAR(surr_bops_bitaware(&s), want, 1e-6 * want);
}

static void csd_digits_should_match_brute_force_minimum(void)
{
    /* minimal number of nonzero digits over all signed-digit strings of length 12 */
    enum { L = 12, OFF = 4096 };
    static signed char best[2 * OFF + 1];
    memset(best, 127, sizeof best);
    int digits[L] = {0};
    long total = 1;
    for (int i = 0; i < L; i++)
        total *= 3;
    for (long k = 0; k < total; k++) {
        long t = k, v = 0, nz = 0;
        for (int i = 0; i < L; i++) {
            digits[i] = (int)(t % 3) - 1;
            t /= 3;
            v += digits[i] * (1L << i);
            nz += digits[i] != 0;
        }
        if (v >= -OFF && v <= OFF && nz < best[v + OFF])
            best[v + OFF] = (signed char)nz;
    }
    int bad = 0;
    for (long v = -1024; v <= 1024; v++)
        bad += quant_csd_digits(v) != best[v + OFF];
    CHECK_MSG(bad == 0, "%d values disagree with brute force", bad);
    CHECK(quant_csd_digits(0) == 0 && quant_csd_digits(7) == 2 && quant_csd_digits(-7) == 2);
    CHECK(quant_is_pow2(-8) && quant_is_pow2(1) && !quant_is_pow2(0) && !quant_is_pow2(6));
}

static void quantize_should_follow_ap_fixed_rounding_and_overflow(void)
{
    quant_prec t = QUANT_PREC_INIT(8, 1); /* step 2^-7, range [-1, 1-2^-7] */
    CHECK(quant_from_double(&t, 0.5, NULL) == 64);
    CHECK(quant_from_double(&t, 0.0078, NULL) == 0);        /* AP_TRN: toward -inf */
    CHECK(quant_from_double(&t, -0.0001, NULL) == -1);
    CHECK(quant_from_double(&t, 1.0, NULL) == -128);        /* AP_WRAP: 128 wraps to -128 */
    t.o = QUANT_O_SAT;
    CHECK(quant_from_double(&t, 1.0, NULL) == 127);
    CHECK(quant_from_double(&t, -3.0, NULL) == -128);
    t.q = QUANT_Q_RND;
    CHECK(quant_from_double(&t, 0.0078125 * 0.5, NULL) == 1); /* half rounds up */
    CHECK(quant_from_double(&t, -0.0078125 * 0.5, NULL) == 0);
    quant_prec p;
    CHECK(quant_prec_parse("ap_fixed<8,3,AP_RND,AP_SAT>", &p) == SNAC_OK && p.width == 8 && p.integer == 3 &&
          p.q == QUANT_Q_RND && p.o == QUANT_O_SAT);
    CHECK(quant_prec_parse("ap_ufixed<6,0>", &p) == SNAC_OK && !p.is_signed);
    CHECK(quant_prec_parse("ap_fixed<4,6>", &p) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "W < I");
    CHECK(quant_prec_parse("ap_fixed<0,0>", &p) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "total width W=0 outside 1..64");
}

/* Every target of spec s under version v (NaN when the spec is rejected). */
static void predict_spec(const surr_version *v, const surr_spec *s, double y[SURR_T_COUNT])
{
    surr_features x;
    surr_prediction p;
    const surr_part *part;
    if (surr_features_extract(s, &x) || surr_part_find(s->part, &part)) {
        for (int t = 0; t < SURR_T_COUNT; t++)
            y[t] = NAN;
        return;
    }
    surr_predict(v, &x, part, &p);
    memcpy(y, p.y, sizeof p.y);
}

static const int resources[] = {SURR_T_LUT, SURR_T_FF, SURR_T_DSP, SURR_T_BRAM18};
#define N_RES (sizeof resources / sizeof resources[0])

static void default_version_should_be_monotone_in_weights_widths_and_reuse(void)
{
    surr_version v;
    CHECK(surr_calib_default_version(SURR_TC_VIVADO_2019_1, &v, NULL) == SNAC_OK);
    for (int t = 0; t < SURR_T_COUNT; t++)
        for (int k = 0; k < SURR_B_COUNT; k++)
            CHECK_MSG(v.t[t].coef[k] >= 0, "%s %s = %g", surr_target_names[t], surr_basis_names[k], v.t[t].coef[k]);
    CHECK(v.t[SURR_T_URAM].flags & SURR_TM_NO_DATA);
    CHECK(v.fit_stats && strstr(v.fit_stats, "\"cv_mape\""));
    CHECK(v.t[SURR_T_DSP].dsp_min_bits > 16 && v.t[SURR_T_DSP].dsp_min_bits <= 32); /* 8x8 in fabric, 16x16 on DSPs */
    surr_spec s;
    surr_spec_init_mlp(&s, baseline, NB, SURR_ACT_RELU, false);
    double y[SURR_T_COUNT], prev[SURR_T_COUNT];
    /* expected mode: sparsity down = more nonzero weights: no resource falls */
    for (int k = 9; k >= 0; k--) {
        for (size_t l = 0; l < s.n_layers; l++)
            s.layer[l].sparsity = k / 10.0;
        predict_spec(&v, &s, y);
        for (size_t r = 0; k < 9 && r < N_RES; r++)
            CHECK_MSG(y[resources[r]] >= prev[resources[r]], "sparsity %.1f: %s %g < %g", k / 10.0,
                      surr_target_names[resources[r]], y[resources[r]], prev[resources[r]]);
        memcpy(prev, y, sizeof y);
    }
    /* wider weights, then wider activations: FF, DSP, BRAM never fall; LUT never falls
     * unless products just moved from fabric to DSPs (DSP rose at that step) */
    for (int which = 0; which < 2; which++) {
        quant_prec d16 = QUANT_PREC_INIT(16, 6);
        surr_spec_set_precision(&s, &d16, NULL, &d16, &d16, NULL);
        for (int w = 2; w <= 18; w++) {
            quant_prec t = QUANT_PREC_INIT(w, 1);
            if (which == 0)
                surr_spec_set_precision(&s, &t, NULL, NULL, NULL, NULL);
            else
                surr_spec_set_precision(&s, NULL, NULL, &t, NULL, NULL);
            predict_spec(&v, &s, y);
            if (w > 2) {
                for (size_t r = 1; r < N_RES; r++)
                    CHECK_MSG(y[resources[r]] >= prev[resources[r]], "%s width %d: %s %g < %g",
                              which ? "input" : "weight", w, surr_target_names[resources[r]], y[resources[r]],
                              prev[resources[r]]);
                CHECK_MSG(y[SURR_T_LUT] >= prev[SURR_T_LUT] || y[SURR_T_DSP] > prev[SURR_T_DSP],
                          "%s width %d: LUT %g < %g with no DSP gained", which ? "input" : "weight", w, y[SURR_T_LUT],
                          prev[SURR_T_LUT]);
            }
            memcpy(prev, y, sizeof y);
        }
    }
    /* lower reuse factor: LUT, DSP, BRAM never fall; FF never falls for RF >= 2
     * (RF 1 drops the accumulators RF > 1 needs: the data show it, see surr_model.h) */
    static const size_t jet[] = {16, 64, 32, 32, 5};
    surr_spec_init_mlp(&s, jet, 5, SURR_ACT_RELU, false);
    static const size_t rfs[] = {64, 32, 16, 8, 4, 2, 1};
    for (size_t k = 0; k < sizeof rfs / sizeof rfs[0]; k++) {
        s.reuse_factor = rfs[k];
        s.rf_unchecked = true;
        predict_spec(&v, &s, y);
        CHECK(isfinite(y[SURR_T_LUT]));
        for (size_t r = 0; k > 0 && r < N_RES; r++) {
            if (resources[r] == SURR_T_FF && rfs[k] == 1)
                continue;
            CHECK_MSG(y[resources[r]] >= prev[resources[r]], "RF %zu: %s %g < %g", rfs[k],
                      surr_target_names[resources[r]], y[resources[r]], prev[resources[r]]);
        }
        if (k > 0) /* and fewer cycles */
            CHECK(y[SURR_T_LATENCY_CYCLES] <= prev[SURR_T_LATENCY_CYCLES] && y[SURR_T_II] <= prev[SURR_T_II]);
        memcpy(prev, y, sizeof y);
    }
    /* exact mode: un-prune 8-bit weights one block at a time */
    surr_spec_init_mlp(&s, baseline, NB, SURR_ACT_RELU, false);
    size_t nw = 0;
    for (size_t l = 0; l < s.n_layers; l++)
        nw += s.layer[l].n_in * s.layer[l].n_out;
    float *w = calloc(nw, sizeof *w);
    snac_rng r;
    rng_seed(&r, 7);
    float *vals = malloc(nw * sizeof *vals);
    for (size_t i = 0; i < nw; i++)
        vals[i] = (float)(rng_uniform(&r) * 1.8 - 0.9);
    quant_prec w8 = QUANT_PREC_INIT(8, 1);
    surr_spec_set_precision(&s, &w8, NULL, NULL, NULL, NULL);
    size_t off = 0;
    for (size_t l = 0; l < s.n_layers; l++) {
        s.layer[l].w = w + off;
        off += s.layer[l].n_in * s.layer[l].n_out;
    }
    for (size_t step = 0; step <= 10; step++) {
        for (size_t i = 0; i < nw * step / 10; i++)
            w[i] = vals[i];
        predict_spec(&v, &s, y);
        for (size_t q = 0; step > 0 && q < N_RES; q++)
            CHECK_MSG(y[resources[q]] >= prev[resources[q]], "exact weights, %zu/10 unpruned: %s %g < %g", step,
                      surr_target_names[resources[q]], y[resources[q]], prev[resources[q]]);
        memcpy(prev, y, sizeof y);
    }
    CHECK(y[SURR_T_LUT] > 1000); /* the unpruned 8-bit baseline is not free */
    free(w);
    free(vals);
    surr_version_clear(&v);
}

static void resource_strategy_should_not_get_zeros_for_free(void)
{
    static const size_t jet[] = {16, 64, 32, 32, 5};
    surr_spec s;
    surr_features lat, res, res_dense;
    surr_spec_init_mlp(&s, jet, 5, SURR_ACT_RELU, false);
    s.reuse_factor = 4;
    for (size_t l = 0; l < s.n_layers; l++)
        s.layer[l].sparsity = 0.5;
    CHECK(surr_features_extract(&s, &lat) == SNAC_OK);
    s.strategy = SURR_STRATEGY_RESOURCE;
    CHECK(surr_features_extract(&s, &res) == SNAC_OK);
    for (size_t l = 0; l < s.n_layers; l++)
        s.layer[l].sparsity = 0;
    CHECK(surr_features_extract(&s, &res_dense) == SNAC_OK);
    for (size_t l = 0; l < s.n_layers; l++) {
        double n = (double)s.layer[l].n_in * (double)s.layer[l].n_out;
        CHECK_NEAR(res.layer[l].general, n, 1e-9);                       /* every weight is multiplied */
        CHECK_NEAR(res.layer[l].general, res_dense.layer[l].general, 1e-9); /* pruning does not help */
        CHECK(lat.layer[l].general < 0.51 * n);                           /* Latency: zeros fold away */
        CHECK_NEAR(res.layer[l].stored_bits, n * 16, 1e-9);              /* zeros are stored too */
        CHECK(res.layer[l].resource && !lat.layer[l].resource);
    }
    CHECK(res.bops_bitaware < res_dense.bops_bitaware); /* bit-aware BOPs still see the sparsity */
}

static void prediction_should_be_the_sum_of_its_layers_and_top_level_terms(void)
{
    surr_version v;
    CHECK(surr_calib_default_version(SURR_TC_VITIS_2023_2, &v, NULL) == SNAC_OK);
    surr_spec s;
    surr_features x;
    surr_prediction p;
    const surr_part *part;
    CHECK(surr_calib_paper_spec(&s) == SNAC_OK);
    s.layer[2].reuse_factor = 4;
    s.layer[8].act = SURR_ACT_SOFTMAX;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK && surr_part_find(s.part, &part) == SNAC_OK);
    CHECK(x.n_layers == s.n_layers);
    surr_predict(&v, &x, part, &p);
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const surr_target_model *m = &v.t[t];
        double phi[SURR_B_COUNT], sum_phi[SURR_B_COUNT], top[SURR_B_COUNT], total = 0;
        surr_basis_eval(m->dsp_min_bits, &x, phi);
        surr_basis_eval_top(&x, top);
        memcpy(sum_phi, top, sizeof top);
        for (int k = 0; k < SURR_B_COUNT; k++)
            total += m->coef[k] * top[k];
        for (size_t l = 0; l < x.n_layers; l++) {
            double pl[SURR_B_COUNT];
            surr_basis_eval_layer(m->dsp_min_bits, &x, l, pl);
            for (int k = 0; k < SURR_B_COUNT; k++) {
                sum_phi[k] += pl[k];
                total += m->coef[k] * pl[k];
                if (SURR_BASIS_TOP_MASK & (1u << k))
                    CHECK(pl[k] == 0); /* top-level terms are not per layer */
            }
        }
        for (int k = 0; k < SURR_B_COUNT; k++)
            CHECK_NEAR(sum_phi[k], phi[k], 1e-9 * (fabs(phi[k]) + 1));
        if (m->flags & SURR_TM_NO_DATA)
            continue;
        double expect = total;
        if (t == SURR_T_LATENCY_CYCLES || t == SURR_T_II)
            expect = total < 1 ? 1 : total;
        CHECK_NEAR(p.y[t], expect, 1e-9 * (fabs(expect) + 1));
    }
    /* one layer more adds exactly that layer's terms (and changes the top-level io term) */
    CHECK(p.y[SURR_T_LUT] > 0 && p.y[SURR_T_DSP] >= 0);
    surr_version_clear(&v);
}

/* A version with known coefficients: every target a few terms, dsp_min_bits 20. */
static void known_version(surr_version *v)
{
    memset(v, 0, sizeof *v);
    v->basis_version = SURR_BASIS_VERSION;
    static const struct {
        int t, k;
        double c;
    } c[] = {{SURR_T_LUT, SURR_B_ONE, 300},         {SURR_T_LUT, SURR_B_DSP_MULT, 30},
             {SURR_T_LUT, SURR_B_FABRIC_BITS, 0.8}, {SURR_T_LUT, SURR_B_TREE_BITS, 0.6},
             {SURR_T_LUT, SURR_B_TABLE_NEURONS, 40}, {SURR_T_FF, SURR_B_PROD_BITS, 0.3},
             {SURR_T_FF, SURR_B_OUT_BITS, 1.2},      {SURR_T_FF, SURR_B_RF_ACC_BITS, 0.9},
             {SURR_T_FF, SURR_B_MULT_PIPE_BITS, 0.9},
             {SURR_T_DSP, SURR_B_DSP_MULT, 1.0},     {SURR_T_BRAM18, SURR_B_ONE, 2},
             {SURR_T_BRAM18, SURR_B_TABLE_LAYER, 3}, {SURR_T_LATENCY_CYCLES, SURR_B_TREE_STAGE, 1.3},
             {SURR_T_LATENCY_CYCLES, SURR_B_ACT_LAYER, 1}, {SURR_T_LATENCY_CYCLES, SURR_B_RF_CYCLES, 1},
             {SURR_T_II, SURR_B_RF_MAX, 1}};
    for (int t = 0; t < SURR_T_COUNT; t++) {
        v->t[t].mask = surr_basis_default_mask((enum surr_target)t);
        v->t[t].flags = t == SURR_T_URAM ? SURR_TM_NO_DATA : SURR_TM_FITTED;
        v->t[t].dsp_min_bits = 20;
    }
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        v->t[c[i].t].coef[c[i].k] = c[i].c;
    for (int t = 0; t < SURR_T_COUNT; t++) /* known terms, as every fitted version carries them */
        for (int k = 0; k < SURR_B_COUNT; k++)
            if (!isnan(surr_basis_pinned((enum surr_target)t, (enum surr_basis)k)))
                v->t[t].coef[k] = surr_basis_pinned((enum surr_target)t, (enum surr_basis)k);
}

static void delay_scale_should_follow_fabric_class_and_speed_grade(void)
{
    /* the Zynq-7000 -1 is the reference; faster grades and newer fabrics are shorter */
    CHECK_NEAR(surr_part_delay_scale("xc7z020-clg400-1"), 1.0, 1e-12);
    CHECK_NEAR(surr_part_delay_scale("xc7z020clg400-1"), 1.0, 1e-12);
    CHECK_NEAR(surr_part_delay_scale("xc7vx690t-ffg1930-3"), 0.6 * 0.76, 1e-12);
    CHECK_NEAR(surr_part_delay_scale("xcvu9p-flga2104-2L-e"), 0.35 * 0.87, 1e-12);
    CHECK_NEAR(surr_part_delay_scale("xcku115-flvb2104-2-i"), 0.45 * 0.87, 1e-12);
    CHECK_NEAR(surr_part_delay_scale("xcvu13p"), 0.35 * 0.87, 1e-12);   /* no grade: -2 */
    CHECK_NEAR(surr_part_delay_scale("no-such-part"), 0.35 * 0.87, 1e-12);
    CHECK(surr_part_delay_scale("xc7a100t-csg324-3") < surr_part_delay_scale("xc7a100t-csg324-1"));
    /* the adder tree sums only a neuron's nonzero terms: 128 inputs, 3/4 pruned -> 32 + bias */
    {
        size_t w2[] = {128, 4};
        surr_spec p;
        surr_features x;
        CHECK(surr_spec_init_mlp(&p, w2, 2, SURR_ACT_RELU, false) == SNAC_OK);
        CHECK(surr_features_extract(&p, &x) == SNAC_OK && x.layer[0].levels == 8);
        p.layer[0].sparsity = 0.75;
        CHECK(surr_features_extract(&p, &x) == SNAC_OK && x.layer[0].levels == 6);
    }
    /* latency rises on a slower part, the same network and clock */
    surr_version v;
    CHECK(surr_calib_default_version(SURR_TC_VIVADO_2020_1, &v, NULL) == SNAC_OK);
    surr_spec s;
    size_t w[] = {16, 64, 32, 32, 5};
    CHECK(surr_spec_init_mlp(&s, w, 5, SURR_ACT_RELU, true) == SNAC_OK);
    snprintf(s.part, sizeof s.part, "%s", "xcvu9p-flga2104-2L-e");
    double fast[SURR_T_COUNT], slow[SURR_T_COUNT];
    predict_spec(&v, &s, fast);
    snprintf(s.part, sizeof s.part, "%s", "xc7z020-clg400-1");
    predict_spec(&v, &s, slow);
    CHECK_MSG(slow[SURR_T_LATENCY_CYCLES] > fast[SURR_T_LATENCY_CYCLES], "%g vs %g", slow[SURR_T_LATENCY_CYCLES],
              fast[SURR_T_LATENCY_CYCLES]);
    surr_version_clear(&v);
}

/* The product registers inside a multiply: one per whole clock period of its delay
 * (SURR_MULT_NS scaled to the part), none when the multiply fits in one period. */
static void multiply_registers_should_count_whole_clock_periods(void)
{
    static const struct {
        const char *part;
        double clock, stages;
    } c[] = {{"xc7z020-clg400-1", 5.0, 3},     /* 16 x 1.0 / 5 */
             {"xc7z020-clg400-1", 25.0, 0},    /* the whole layer in one 25 ns period */
             {"xc7vx690t-ffg1930-3", 5.0, 1},  /* 16 x 0.456 / 5 = 1.46 */
             {"xcvu9p-flga2104-2L-e", 5.0, 0}, /* 16 x 0.3045 / 5 = 0.97 */
             {"xcvu9p-flga2104-2L-e", 3.0, 1}};
    size_t w[] = {16, 4};
    surr_spec s;
    surr_features x;
    CHECK(surr_spec_init_mlp(&s, w, 2, SURR_ACT_LINEAR, true) == SNAC_OK);
    quant_prec d16 = QUANT_PREC_INIT(16, 6);
    surr_spec_set_precision(&s, &d16, NULL, &d16, &d16, NULL);
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        snprintf(s.part, sizeof s.part, "%s", c[i].part);
        s.clock_ns = c[i].clock;
        double phi[SURR_B_COUNT];
        CHECK(surr_features_extract(&s, &x) == SNAC_OK);
        surr_basis_eval(SURR_DSP_MIN_BITS_DEFAULT, &x, phi);
        double mults = x.layer[0].general;
        CHECK_MSG(fabs(phi[SURR_B_MULT_PIPE_BITS] - mults * 32 * c[i].stages) < 1e-9, "%s at %g ns: %g, expected %g",
                  c[i].part, c[i].clock, phi[SURR_B_MULT_PIPE_BITS], mults * 32 * c[i].stages);
    }
    /* the shipped default: more FF on the slower part and at the shorter clock, same network */
    surr_version v;
    CHECK(surr_calib_default_version(SURR_TC_VIVADO_2019_1, &v, NULL) == SNAC_OK);
    CHECK(v.t[SURR_T_FF].coef[SURR_B_MULT_PIPE_BITS] > 0);
    double fast[SURR_T_COUNT], slow[SURR_T_COUNT], longer[SURR_T_COUNT];
    snprintf(s.part, sizeof s.part, "%s", "xc7vx690t-ffg1930-3");
    s.clock_ns = 5.0;
    predict_spec(&v, &s, fast);
    snprintf(s.part, sizeof s.part, "%s", "xc7z020-clg400-1");
    predict_spec(&v, &s, slow);
    s.clock_ns = 25.0;
    predict_spec(&v, &s, longer);
    CHECK_MSG(slow[SURR_T_FF] > fast[SURR_T_FF], "%g vs %g", slow[SURR_T_FF], fast[SURR_T_FF]);
    CHECK_MSG(slow[SURR_T_FF] > longer[SURR_T_FF], "%g vs %g", slow[SURR_T_FF], longer[SURR_T_FF]);
    surr_version_clear(&v);
}

static void fit_should_recover_known_coefficients_from_synthetic_data(void)
{
    surr_version truth, fit = {0}; /* surr_fit_version fills the model, not the strings */
    known_version(&truth);
    const surr_part *part;
    CHECK(surr_part_find("xcvu13p-flga2577-2-e", &part) == SNAC_OK);
    enum { N = 240 };
    surr_sample *s = calloc(N, sizeof *s);
    snac_rng r;
    rng_seed(&r, 12);
    static const int wbits[] = {6, 8, 10, 12, 16};
    static const size_t rfs[] = {1, 2, 4, 8};
    for (int i = 0; i < N; i++) {
        size_t widths[5] = {8 + 8 * rng_below(&r, 4), 16 + 16 * rng_below(&r, 4), 8 + 8 * rng_below(&r, 4), 5, 0};
        size_t nl = 3 + rng_below(&r, 2);
        if (nl == 4)
            widths[3] = 16, widths[4] = 5;
        surr_spec sp;
        surr_spec_init_mlp(&sp, widths, nl, rng_below(&r, 3) == 0 ? SURR_ACT_TANH : SURR_ACT_RELU, false);
        quant_prec wt = QUANT_PREC_INIT(wbits[rng_below(&r, 5)], 1), at = QUANT_PREC_INIT(wbits[rng_below(&r, 5)], 4);
        surr_spec_set_precision(&sp, &wt, NULL, &at, &at, NULL);
        sp.reuse_factor = rfs[rng_below(&r, 4)];
        sp.rf_unchecked = true;
        for (size_t l = 0; l < sp.n_layers; l++)
            sp.layer[l].sparsity = 0.1 * (double)rng_below(&r, 6);
        sp.clock_ns = rng_below(&r, 2) ? 5.0 : 3.3;
        if (i % 3 == 0) /* DATAFLOW tops and rounding ReLUs: the pinned terms, which the fit must subtract */
            sp.io_type = SURR_IO_STREAM;
        if (i % 5 == 0)
            sp.layer[0].output.q = QUANT_Q_RND;
        CHECK(surr_features_extract(&sp, &s[i].x) == SNAC_OK);
        surr_prediction p;
        surr_predict(&truth, &s[i].x, part, &p);
        memcpy(s[i].y, p.y, sizeof p.y);
        s[i].y[SURR_T_URAM] = NAN;
        s[i].weight = 1;
        s[i].group = i / 8; /* 30 "architectures" */
    }
    surr_fit_options o = SURR_FIT_OPTIONS_INIT;
    o.cross_validate = false;
    surr_fit_report rep;
    CHECK(surr_fit_version(s, N, &o, &fit, &rep) == SNAC_OK);
    /* the data hold products of 12..32 bits in steps of 2: 19 and 20 are indistinguishable */
    CHECK_MSG(fit.t[SURR_T_DSP].dsp_min_bits == 19 || fit.t[SURR_T_DSP].dsp_min_bits == 20, "dsp_min_bits %d",
              fit.t[SURR_T_DSP].dsp_min_bits);
    for (int t = 0; t < SURR_T_COUNT; t++) {
        if (t == SURR_T_URAM) {
            CHECK(fit.t[t].flags & SURR_TM_NO_DATA);
            continue;
        }
        for (int k = 0; k < SURR_B_COUNT; k++)
            CHECK_MSG(fabs(fit.t[t].coef[k] - truth.t[t].coef[k]) <= 1e-6 * (fabs(truth.t[t].coef[k]) + 1),
                      "%s %s: fitted %.10g, true %.10g", surr_target_names[t], surr_basis_names[k], fit.t[t].coef[k],
                      truth.t[t].coef[k]);
        CHECK(rep.t[t].mape < 1e-6);
    }
    /* with 5% multiplicative noise the coefficients still come back within a few percent,
     * and the 95% intervals cover about 95% of fresh noisy rows */
    for (int i = 0; i < N; i++)
        for (int t = 0; t < SURR_T_COUNT; t++)
            if (isfinite(s[i].y[t]))
                s[i].y[t] *= 1.0 + 0.05 * rng_normal(&r);
    surr_version_clear(&fit);
    CHECK(surr_fit_version(s, N, &o, &fit, &rep) == SNAC_OK);
    CHECK_NEAR(fit.t[SURR_T_DSP].coef[SURR_B_DSP_MULT], 1.0, 0.03);
    CHECK_NEAR(fit.t[SURR_T_LUT].coef[SURR_B_DSP_MULT], 30.0, 3.0);
    size_t in = 0, n = 0, close = 0, m = 0; /* FF terms are collinear: check what it predicts, not each coefficient */
    for (int i = 0; i < N; i++) {
        surr_prediction tp, fp;
        surr_predict(&truth, &s[i].x, part, &tp);
        surr_predict_interval(&fit, &s[i].x, part, &fp);
        for (int t = 0; t < SURR_T_COUNT; t++) {
            if (t == SURR_T_URAM || t == SURR_T_II || tp.y[t] < 5)
                continue;
            double yn = tp.y[t] * (1.0 + 0.05 * rng_normal(&r));
            CHECK(fp.lo[t] <= fp.y[t] && fp.y[t] <= fp.hi[t]);
            close += fabs(fp.y[t] - tp.y[t]) <= 0.03 * tp.y[t];
            m++;
            in += yn >= fp.lo[t] && yn <= fp.hi[t];
            n++;
        }
    }
    CHECK_MSG(n > 500 && in >= 0.88 * n && in <= 0.995 * n, "interval coverage %zu of %zu", in, n);
    CHECK_MSG(close >= 0.95 * m, "%zu of %zu noise-free values within 3%%", close, m);
    surr_version_clear(&fit);
    free(s);
}

static void nnls_should_match_brute_force_over_active_sets(void)
{
    snac_rng r;
    rng_seed(&r, 5);
    enum { M = 12, P = 4 };
    for (int trial = 0; trial < 40; trial++) {
        double A[M * P], b[M], x[P];
        for (int i = 0; i < M * P; i++)
            A[i] = rng_normal(&r);
        for (int i = 0; i < M; i++)
            b[i] = 2 * rng_normal(&r);
        CHECK(surr_nnls(A, b, M, P, x) == SNAC_OK);
        double best = INFINITY;
        for (unsigned set = 0; set < (1u << P); set++) { /* least squares on every subset, keep feasible ones */
            double X[M * P], c[P], full[P] = {0};
            size_t q = 0, idx[P];
            for (int j = 0; j < P; j++)
                if (set & (1u << j))
                    idx[q++] = (size_t)j;
            double rss = 0;
            if (q) {
                for (int i = 0; i < M; i++)
                    for (size_t k = 0; k < q; k++)
                        X[i * (int)q + (int)k] = A[i * P + (int)idx[k]];
                surr_fit_info info;
                if (surr_fit_linear(X, b, NULL, M, q, SURR_FIT_OLS, c, NULL, &info))
                    continue;
                bool ok = true;
                for (size_t k = 0; k < q; k++) {
                    ok = ok && c[k] >= 0;
                    full[idx[k]] = c[k];
                }
                if (!ok)
                    continue;
            }
            for (int i = 0; i < M; i++) {
                double f = 0;
                for (int j = 0; j < P; j++)
                    f += A[i * P + j] * full[j];
                rss += (b[i] - f) * (b[i] - f);
            }
            if (rss < best)
                best = rss;
        }
        double rss = 0;
        for (int i = 0; i < M; i++) {
            double f = 0;
            for (int j = 0; j < P; j++) {
                CHECK(x[j] >= 0);
                f += A[i * P + j] * x[j];
            }
            rss += (b[i] - f) * (b[i] - f);
        }
        CHECK_MSG(rss <= best * (1 + 1e-9) + 1e-12, "trial %d: NNLS rss %.12g, brute force %.12g", trial, rss, best);
    }
}

/* Comment lines after the first of a coefficient file: the header the writer was given. */
static void header_of(const char *text, char *out, size_t cap)
{
    size_t u = 0;
    const char *p = strchr(text, '\n');
    out[0] = '\0';
    while (p && p[1] == '#' && p[2] == ' ') {
        const char *e = strchr(p + 1, '\n');
        if (!e)
            break;
        u += (size_t)snprintf(out + u, cap - u, "%s%.*s", u ? "\n" : "", (int)(e - p - 3), p + 3);
        p = e;
    }
}

static void calibration_output_should_be_reproducible_byte_for_byte(void)
{
    /* the same fit twice writes the same bytes */
    surr_fit_options o = SURR_FIT_OPTIONS_INIT;
    o.cross_validate = false;
    surr_version a, b;
    surr_fit_report ra, rb;
    CHECK(surr_calib_fit(SURR_TC_VIVADO_2019_1, &o, &a, &ra) == SNAC_OK);
    CHECK(surr_calib_fit(SURR_TC_VIVADO_2019_1, &o, &b, &rb) == SNAC_OK);
    char *ta = NULL, *tb = NULL;
    CHECK(surr_calib_coef_write(&a, 1, "test", &ta) == SNAC_OK && surr_calib_coef_write(&b, 1, "test", &tb) == SNAC_OK);
    CHECK(ta && tb && strcmp(ta, tb) == 0);
    /* what is read back writes the same bytes, and predicts the same bits */
    surr_version c;
    CHECK(surr_calib_coef_read(ta, SURR_TC_VIVADO_2019_1, &c) == SNAC_OK);
    CHECK(memcmp(c.t, a.t, sizeof a.t) == 0);
    char *tc = NULL;
    CHECK(surr_calib_coef_write(&c, 1, "test", &tc) == SNAC_OK && strcmp(tc, ta) == 0);
    surr_version_clear(&c); /* coef_read overwrites its output: release the strings first */
    /* the committed file: every section read and written again reproduces it exactly */
    const surr_calib_file *file = NULL;
    for (size_t k = 0; k < surr_calib_n_files; k++)
        if (strcmp(surr_calib_files[k].name, "structural_coefficients.txt") == 0)
            file = &surr_calib_files[k];
    CHECK(file != NULL);
    if (file) {
        surr_version all[SURR_TC_COUNT];
        for (int t = 0; t < SURR_TC_COUNT; t++)
            CHECK_MSG(surr_calib_coef_read(file->text, (enum surr_toolchain)t, &all[t]) == SNAC_OK, "%s",
                      snac_err_msg());
        char header[1024], *again = NULL;
        header_of(file->text, header, sizeof header);
        CHECK(surr_calib_coef_write(all, SURR_TC_COUNT, header, &again) == SNAC_OK);
        CHECK(again && strcmp(again, file->text) == 0);
        free(again);
        for (int t = 0; t < SURR_TC_COUNT; t++)
            surr_version_clear(&all[t]);
    }
    /* bad files fail with the line */
    CHECK(surr_calib_coef_read("toolchain vivado-2019.1\ncoef lut nosuch 1\nend\n", SURR_TC_VIVADO_2019_1, &c) ==
          SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "line 2");
    CHECK(surr_calib_coef_read("toolchain vivado-2019.1\nfamily x\n", SURR_TC_VIVADO_2019_1, &c) == SNAC_EFORMAT);
    CHECK(surr_calib_coef_read("# nothing\n", SURR_TC_VITIS_2023_2, &c) == SNAC_ENOTFOUND);
    free(ta);
    free(tb);
    free(tc);
    surr_version_clear(&a);
    surr_version_clear(&b);
    surr_version_clear(&c);
}

static void expect_bad(const char *yaml, const char *needle)
{
    surr_spec s;
    int rc = surr_spec_parse_yaml(yaml, strlen(yaml), "bad.yaml", &s);
    CHECK_MSG(rc != SNAC_OK, "accepted: %s", yaml);
    CHECK_STR_CONTAINS(snac_err_msg(), needle);
}

static void bad_specs_should_fail_with_their_message(void)
{
    expect_bad("model: {widths: [24, 0, 5]}\n", "zero width");
    expect_bad("model: {widths: [24, 16, 5]}\nprecision: {weight: 'ap_fixed<4,6>'}\n", "W < I");
    expect_bad("model: {widths: [24, 16, 5]}\nprecision: {weight: 'ap_fixed<4,6>'}\n", "bad.yaml:2:");
    expect_bad("model: {widths: [24, 16, 5]}\nhls: {toolchain: quartus-21.1}\n", "unknown toolchain 'quartus-21.1'");
    expect_bad("model: {widths: [24, 16, 5]}\nhls: {reuse_factor: 7, strategy: resource}\n", "reuse factor 7 does not divide");
    expect_bad("model: {widths: [24, 16, 5]}\nhls: {clock_period: 0}\n", "clock period");
    expect_bad("model: {widths: [24, 16, 5]}\nprecision: {sparsity: 1.5}\n", "sparsity");
    expect_bad("model: {widths: [24]}\n", "at least an input and an output");
    expect_bad("modle: {widths: [24, 5]}\n", "unknown section 'modle'");
    /* a good one, with a per-layer override */
    const char *ok = "model: {widths: [16, 64, 32, 32, 5], activation: tanh}\n"
                     "precision: {weight: 'ap_fixed<6,1,AP_RND,AP_SAT>', sparsity: 0.25}\n"
                     "layers: [{index: 3, weight: 'ap_fixed<10,2>', reuse_factor: 4}]\n"
                     "hls: {reuse_factor: 2, part: xczu9eg-ffvb1156-2-e, clock_period: 4, toolchain: vitis-2023.2, strategy: Latency}\n";
    surr_spec s;
    CHECK(surr_spec_parse_yaml(ok, strlen(ok), "ok.yaml", &s) == SNAC_OK);
    CHECK(s.n_layers == 4 && s.layer[0].weight.width == 6 && s.layer[3].weight.width == 10);
    CHECK(s.layer[3].reuse_factor == 4 && s.reuse_factor == 2 && s.toolchain == SURR_TC_VITIS_2023_2);
    CHECK(s.layer[1].act == SURR_ACT_TANH && s.layer[3].act == SURR_ACT_LINEAR && s.layer[2].sparsity == 0.25);
    /* every spelling hls4ml writes goes through the one parser (quant/qfixed.h) */
    const char *spellings = "model: {widths: [16, 8, 5]}\n"
                            "precision: {weight: 'fixed<8,1,RND_CONV,SAT_SYM>', bias: 'ap_int<8>', "
                            "input: 'ufixed<8,0>', output: 'ap_fixed<16,6,AP_RND_ZERO,AP_SAT_ZERO>'}\n";
    CHECK(surr_spec_parse_yaml(spellings, strlen(spellings), "sp.yaml", &s) == SNAC_OK);
    CHECK(s.layer[0].weight.q == QUANT_Q_RND_CONV && s.layer[0].weight.o == QUANT_O_SAT_SYM);
    CHECK(s.layer[0].bias.width == 8 && s.layer[0].bias.integer == 8 && !s.layer[0].input.is_signed);
    CHECK(s.layer[1].output.q == QUANT_Q_RND_ZERO && s.layer[1].output.o == QUANT_O_SAT_ZERO);
    CHECK(surr_spec_parse_yaml(ok, strlen(ok), "ok.yaml", &s) == SNAC_OK);
    /* struct-level checks and overrides */
    surr_spec_overrides ov = SURR_SPEC_OVERRIDES_INIT;
    ov.part = "nope"; /* an unknown part is accepted: absolute predictions only */
    CHECK(surr_spec_apply_overrides(&s, &ov) == SNAC_OK && strcmp(s.part, "nope") == 0);
    CHECK(surr_part_is_unknown(surr_part_lookup(s.part)) && isnan(surr_part_lookup(s.part)->lut));
    CHECK(surr_rf_valid(24, 120, 1) && surr_rf_valid(16, 64, 16) && !surr_rf_valid(16, 64, 7));
}

static void version_should_round_trip_through_sqlite_bit_for_bit(void)
{
    const char *path = "test_surrogate.db";
    remove(path);
    snac_db *db;
    CHECK(db_open(path, &db) == SNAC_OK);
    if (!db)
        return;
    surr_version made, again, active;
    bool created = false;
    CHECK(surr_version_ensure_default(db, SURR_TC_VIVADO_2019_1, &made, &created) == SNAC_OK && created);
    CHECK(surr_version_load(db, made.id, &again) == SNAC_OK);
    CHECK(memcmp(made.t, again.t, sizeof made.t) == 0);
    CHECK(strcmp(made.name, again.name) == 0 && strcmp(made.family, again.family) == 0);
    CHECK(again.fit_stats && strstr(again.fit_stats, "cv_mape") && again.fitted_on && again.note);
    CHECK(again.active && again.toolchain == SURR_TC_VIVADO_2019_1 && again.parent_id == 0);
    /* a refit child becomes active; the parent is deactivated */
    surr_version child = again;
    child.fit_stats = child.fitted_on = child.note = NULL;
    snprintf(child.name, sizeof child.name, "refit-1");
    child.parent_id = again.id;
    child.t[SURR_T_LUT].coef[0] = nextafter(child.t[SURR_T_LUT].coef[0], 1e300);
    CHECK(surr_version_insert(db, &child, true) == SNAC_OK);
    CHECK(surr_version_load_active(db, SURR_TC_VIVADO_2019_1, &active) == SNAC_OK);
    CHECK(active.id == child.id && active.parent_id == again.id);
    CHECK(memcmp(active.t, child.t, sizeof child.t) == 0);
    surr_version_clear(&active);
    CHECK(surr_version_activate(db, again.id) == SNAC_OK);
    CHECK(surr_version_load_ref(db, "refit-1", &active) == SNAC_OK && !active.active);
    surr_version_clear(&active);
    /* another toolchain has its own section, whose note says what it rests on */
    surr_version vitis;
    CHECK(surr_version_ensure_default(db, SURR_TC_VITIS_2023_2, &vitis, &created) == SNAC_OK && created);
    CHECK(vitis.note && strstr(vitis.note, "public hls4ml MLP projects"));
    CHECK(strcmp(vitis.name, "default-vitis-2023.2-b8") == 0);
    /* a stored prediction: 7 targets + 2 derived rows */
    surr_spec s;
    surr_features x;
    surr_prediction p;
    const surr_part *part;
    surr_calib_paper_spec(&s);
    surr_features_extract(&s, &x);
    surr_part_find(s.part, &part);
    surr_predict_interval(&again, &x, part, &p);
    char sha[65];
    CHECK(surr_spec_sha256(&s, sha) == SNAC_OK && strlen(sha) == 64);
    CHECK(surr_prediction_insert(db, again.id, 0, sha, &p) == SNAC_OK);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM predictions WHERE spec_sha256 = ?1", -1, &st, NULL);
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == SURR_T_COUNT + 2);
    sqlite3_finalize(st);
    /* each target row carries its interval; the derived rows have none */
    sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM predictions WHERE spec_sha256 = ?1 AND lo <= value "
                                      "AND value <= hi AND lo < hi", -1, &st, NULL);
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == SURR_T_COUNT - 1); /* all but URAM */
    sqlite3_finalize(st);
    CHECK(surr_version_load(db, 999, &active) == SNAC_ENOTFOUND);
    /* an active version of the old log-linear family (blob format 1) cannot be evaluated:
     * loading it says so, and the structural default takes its place as the active one */
    CHECK(sqlite3_exec(db_handle(db),
                       "INSERT INTO surrogate_versions(name, family, basis_version, toolchain, coefficients, active, "
                       "created_at) VALUES('default-vivado-2020.1-b2', 'loglin-ridge-gcv', 2, 'vivado-2020.1', "
                       "X'534E53560100000002000000070000000E000000', 1, '2026-01-01')",
                       NULL, NULL, NULL) == SQLITE_OK);
    CHECK(surr_version_load_name(db, "default-vivado-2020.1-b2", &active) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "older log-linear model");
    surr_version v2020;
    CHECK(surr_version_ensure_default(db, SURR_TC_VIVADO_2020_1, &v2020, &created) == SNAC_OK && created);
    CHECK(strcmp(v2020.name, "default-vivado-2020.1-b8") == 0 && v2020.active);
    surr_version_clear(&v2020);
    surr_version_clear(&made);
    surr_version_clear(&again);
    surr_version_clear(&vitis);
    db_close(db);
    remove(path);
}

static void predict_should_answer_every_target_for_the_baseline(void)
{
    surr_version v;
    surr_fit_report rep;
    CHECK(surr_calib_default_version(SURR_TC_VIVADO_2019_1, &v, &rep) == SNAC_OK);
    surr_spec s;
    surr_features x;
    surr_prediction p;
    const surr_part *part;
    CHECK(surr_calib_paper_spec(&s) == SNAC_OK && surr_features_extract(&s, &x) == SNAC_OK);
    CHECK(surr_part_find("xcvu13p-flga2577-2-e", &part) == SNAC_OK && part->lut == 1728000 && part->bram18 == 5376);
    surr_predict(&v, &x, part, &p);
    for (int t = 0; t < SURR_T_COUNT; t++)
        CHECK(isfinite(p.y[t]) && p.y[t] >= 0);
    CHECK(p.y[SURR_T_II] >= 1 && p.latency_ns == p.y[SURR_T_LATENCY_CYCLES] * 5.0);
    CHECK_NEAR(p.avg_resource_pct, (p.pct[0] + p.pct[1] + p.pct[2] + p.pct[3]) / 4, 1e-12);
    surr_version_clear(&v);
}

/* yosys-0.23: without weights (the search) the RTL's adder bits are estimated from bit widths and
 * sparsity; with weights drawn as that estimate assumes (nonzero codes uniform over the type), the
 * estimate must stay close to the exact count, and both must grow with the weights kept. */
static void yosys_estimate_should_track_the_exact_rtl_count(void)
{
    static const size_t net[] = {24, 32, 16, 5};
    snac_rng r;
    rng_seed(&r, 5);
    for (int bits = 4; bits <= 10; bits += 2) {
        double prev = 0;
        for (int k = 0; k < 3; k++) {
            const double sparsity = 0.2 + 0.3 * k;
            surr_spec s;
            CHECK(surr_spec_init_mlp(&s, net, 4, SURR_ACT_RELU, false) == SNAC_OK);
            s.toolchain = SURR_TC_YOSYS_0_23;
            char t[64];
            snprintf(t, sizeof t, "ap_fixed<%d,1>", bits);
            quant_prec w;
            CHECK(quant_prec_parse(t, &w) == SNAC_OK);
            surr_spec_set_precision(&s, &w, NULL, NULL, NULL, NULL);
            float vals[24 * 32 + 32 * 16 + 16 * 5];
            size_t off = 0;
            for (size_t l = 0; l < s.n_layers; l++) {
                surr_layer *L = &s.layer[l];
                L->sparsity = sparsity;
                for (size_t i = 0; i < L->n_in * L->n_out; i++) {
                    int64_t c = 0; /* zero with p = sparsity, else a uniform nonzero code */
                    if (rng_uniform(&r) >= sparsity)
                        do
                            c = quant_code_min(&w) + (int64_t)rng_below(&r, (uint64_t)(quant_code_max(&w) - quant_code_min(&w) + 1));
                        while (c == 0);
                    vals[off + i] = (float)quant_to_double(&w, c);
                }
                L->w = vals + off;
                off += L->n_in * L->n_out;
            }
            surr_features exact, est;
            CHECK(surr_features_extract(&s, &exact) == SNAC_OK);
            for (size_t l = 0; l < s.n_layers; l++)
                s.layer[l].w = NULL;
            CHECK(surr_features_extract(&s, &est) == SNAC_OK);
            double a = 0, b = 0;
            for (size_t l = 0; l < s.n_layers; l++) {
                a += exact.layer[l].csd_add_bits + exact.layer[l].acc_add_bits;
                b += est.layer[l].csd_add_bits + est.layer[l].acc_add_bits;
            }
            CHECK_MSG(b > 0.8 * a && b < 1.25 * a, "%d bits, sparsity %.1f: estimate %.0f, exact %.0f adder bits", bits,
                      sparsity, b, a);
            if (k > 0)
                CHECK_MSG(a < prev, "%d bits: fewer weights, fewer adder bits (%.0f after %.0f)", bits, a, prev);
            prev = a;
        }
    }
}

/* yosys-0.23 with every weight known (issue 26): Yosys keeps only the cone of the outputs, so a hidden
 * neuron whose only reader is itself read by nothing costs nothing; and a tanh/sigmoid ROM costs at
 * most one LUT per changing output bit when its neuron reads at most 6 input bits (the whole ROM is
 * then a function of those bits), more when it reads more. */
static void yosys_features_should_count_the_outputs_cone_and_the_rom_a_neuron_can_reach(void)
{
    const char *y = "model: {widths: [2, 2, 2, 1], activation: sigmoid}\n"
                    "precision: {weight: 'ap_fixed<4,1>', bias: 'ap_fixed<4,1>', input: 'ap_fixed<4,1>', "
                    "output: 'ap_fixed<8,1>'}\n"
                    "hls: {toolchain: yosys-0.23}\n";
    surr_spec s;
    CHECK(surr_spec_parse_yaml(y, strlen(y), "cone.yaml", &s) == SNAC_OK);
    /* layer 0: neuron 0 reads input 0 (one 4-bit input), neuron 1 reads both (8 bits);
     * layer 1: neuron 0 reads neuron 0, neuron 1 reads neuron 1; layer 2 reads layer 1's neuron 0
     * (cone: 0 -> 0) or both */
    const float w0[4] = {0.5f, 0.0f, 0.5f, -0.375f}, b0[2] = {0.125f, 0.0f};
    const float w1[4] = {0.75f, 0.0f, 0.0f, 0.625f}, b1[2] = {0.0f, 0.125f};
    float w2[2] = {0.5f, 0.0f};
    const float b2[1] = {0.25f};
    s.layer[0].w = w0, s.layer[0].b = b0, s.layer[1].w = w1, s.layer[1].b = b1, s.layer[2].w = w2, s.layer[2].b = b2;
    surr_features one, both;
    CHECK_MSG(surr_features_extract(&s, &one) == SNAC_OK, "%s", snac_err_msg());
    w2[1] = 0.5f;
    CHECK_MSG(surr_features_extract(&s, &both) == SNAC_OK, "%s", snac_err_msg());
    CHECK(one.exact && both.exact);
    /* layer 1's neuron 1 is read by a nonzero weight of layer 2 only in `both`; through it, layer 0's
     * neuron 1 is in the cone only there */
    CHECK_MSG(one.layer[0].out_bits < both.layer[0].out_bits, "layer 0 out bits %g vs %g", one.layer[0].out_bits,
              both.layer[0].out_bits);
    CHECK(one.layer[0].csd_add_bits + one.layer[0].acc_add_bits <
          both.layer[0].csd_add_bits + both.layer[0].acc_add_bits);
    CHECK(one.layer[1].table_units < both.layer[1].table_units);
    /* layer 0's neuron 0 reads one 4-bit input: at most one LUT6 per output bit, in units of a full
     * table of 8 changing bits (8 x 1024 / 64 blocks); layer 1's neuron 0 reads that neuron alone */
    const double blk = 8.0 * 1024 / 64;
    CHECK_MSG(one.layer[0].table_units > 0 && one.layer[0].table_units * blk <= 8, "table units %g",
              one.layer[0].table_units);
    /* neuron 1 reads 8 bits: up to 4 LUT6 per bit, and more than neuron 0 alone */
    CHECK_MSG(both.layer[0].table_units > one.layer[0].table_units && both.layer[0].table_units * blk <= 8 + 8 * 4,
              "table units %g", both.layer[0].table_units);
}

/* The yosys-0.23 default records the Yosys versions it was calibrated on (issue 26); the HLS
 * families record none, which counts as every version. A written file keeps the line. */
static void yosys_default_should_record_its_calibrated_yosys_version(void)
{
    surr_version v, h, back;
    CHECK(surr_calib_default_version(SURR_TC_YOSYS_0_23, &v, NULL) == SNAC_OK);
    CHECK_MSG(strcmp(v.tool_versions, "0.23") == 0, "'%s'", v.tool_versions);
    CHECK(surr_calib_tool_version_known(&v, "0.23"));
    CHECK(!surr_calib_tool_version_known(&v, "0.40"));
    CHECK(!surr_calib_tool_version_known(&v, "0.2"));
    CHECK(!surr_calib_tool_version_known(&v, "0.230"));
    CHECK(surr_calib_default_version(SURR_TC_VIVADO_2019_1, &h, NULL) == SNAC_OK);
    CHECK(h.tool_versions[0] == '\0' && surr_calib_tool_version_known(&h, "2019.2"));
    snprintf(v.tool_versions, sizeof v.tool_versions, "0.23,0.40");
    CHECK(surr_calib_tool_version_known(&v, "0.40") && surr_calib_tool_version_known(&v, "0.23"));
    char *text = NULL;
    CHECK(surr_calib_coef_write(&v, 1, NULL, &text) == SNAC_OK);
    CHECK_STR_CONTAINS(text, "toolchain yosys-0.23\nfamily struct-nnls-huber\ntool_versions 0.23,0.40\n");
    CHECK(surr_calib_coef_read(text, SURR_TC_YOSYS_0_23, &back) == SNAC_OK);
    CHECK(strcmp(back.tool_versions, "0.23,0.40") == 0);
    CHECK(back.t[SURR_T_LUT].coef[SURR_B_TREE_BITS] == v.t[SURR_T_LUT].coef[SURR_B_TREE_BITS]);
    free(text);
    surr_version_clear(&v);
    surr_version_clear(&h);
    surr_version_clear(&back);
}

/* issue 24: every feature of a 2-layer net, computed by hand.
 * 2-2-1, ReLU, weights and biases ap_fixed<4,1> (step 1/8), inputs/outputs ap_fixed<8,3>:
 *   layer 0 (n_out, n_in) = [0.5 0.375; 0 -0.125] -> codes 4 (2^2), 3 (CSD 4-1: 2 digits), 0, -1 (2^0);
 *           biases 0.25, 0 -> neuron 0 sums 2 weights + bias (2 adds), neuron 1 one weight, no bias (0)
 *   layer 1 [0.875 -0.75] -> codes 7 (8-1), -6 (-8+2): general, 2 digits each; bias 0.5: 2 adds
 *   accumulators (hls4ml auto, with bias): W = 8 + 4 + ceil(log2 2) + 1 = 14 in both layers */
static void features_of_a_two_layer_net_should_match_the_hand_count(void)
{
    const char *y = "model: {widths: [2, 2, 1], activation: relu}\n"
                    "precision: {weight: 'ap_fixed<4,1>', bias: 'ap_fixed<4,1>', input: 'ap_fixed<8,3>', "
                    "output: 'ap_fixed<8,3>'}\n"
                    "hls: {part: xcvu13p-flga2577-2-e, clock_period: 5}\n";
    surr_spec s;
    CHECK(surr_spec_parse_yaml(y, strlen(y), "two.yaml", &s) == SNAC_OK);
    const float w0[4] = {0.5f, 0.375f, 0.0f, -0.125f}, b0[2] = {0.25f, 0.0f}, w1[2] = {0.875f, -0.75f}, b1[1] = {0.5f};
    s.layer[0].w = w0, s.layer[0].b = b0, s.layer[1].w = w1, s.layer[1].b = b1;
    surr_features x;
    CHECK_MSG(surr_features_extract(&s, &x) == SNAC_OK, "%s", snac_err_msg());
    CHECK(x.exact && x.n_layers == 2);
    const struct { enum surr_feature k; double v; } want[] = {
        {SURR_F_MACS, 6},          {SURR_F_NONZERO, 5},     {SURR_F_POW2, 2},
        {SURR_F_GENERAL, 3},       {SURR_F_CSD_DIGITS, 6},  {SURR_F_CSD_ADD_BITS, 12 + 24},
        {SURR_F_MULT_BITS, 96},    {SURR_F_ACC_ADD_BITS, 2 * 14 + 2 * 14},
        {SURR_F_STORED_BITS, 20},  {SURR_F_W_BITS, 4},      {SURR_F_A_BITS, 8},
        {SURR_F_ACC_BITS, 14},     {SURR_F_TREE_DEPTH, 4},  {SURR_F_TREE_DEPTH_MAX, 2},
        {SURR_F_LAYERS, 2},        {SURR_F_NEURONS, 3},     {SURR_F_OUT_BITS, 24},
        {SURR_F_TABLE_ACTS, 0},    {SURR_F_RELU_BITS, 16},  {SURR_F_RF_MAX, 1},
        {SURR_F_SPARSITY, 1.0 / 6}, {SURR_F_CLOCK_NS, 5},   {SURR_F_FANIN, 2},
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        CHECK_MSG(fabs(x.f[want[i].k] - want[i].v) < 1e-12, "%s = %.10g, by hand %.10g",
                  surr_feature_names[want[i].k], x.f[want[i].k], want[i].v);
    CHECK_NEAR(x.bops_mac, 6, 0);
    /* 4 * (3/4 * 32 + 4 + 8 + 1) + 2 * (32 + 4 + 8 + 1) */
    CHECK_NEAR(x.bops_bitaware, 148 + 90, 1e-12);
    CHECK(x.layer[0].nonzero == 3 && x.layer[1].nonzero == 2 && x.layer[0].general == 1 && x.layer[1].general == 2);
    /* critical-path levels: ceil(log2(mean surviving adds per neuron + 1)): layer 0 (2 + 0) / 2 = 1 -> 1,
     * layer 1 2 -> 2 */
    CHECK(x.layer[0].acc_w == 14 && x.layer[1].acc_w == 14);
    CHECK_MSG(x.layer[0].levels == 1 && x.layer[1].levels == 2, "levels %d %d", x.layer[0].levels, x.layer[1].levels);

    /* expected mode for snac's RTL (yosys-0.23), 4-3-2 at sparsities 0.5 and 0.25, same types.
     * Nonzero codes of <4,1>: 15, of which 7 are +-2^k and 8 (+-3, +-5, +-6, +-7) have 2 CSD digits:
     * per weight (1 - 7/15)(2 - 1) + 0.5 (negation) = 31/30, product width 8 + 4 - 1 = 11.
     * Layer 0 is built where layer 1 reads it: 1 - 0.25^2 = 0.9375 (layer 1's sparsity and width);
     *   6 nonzero: 0.9375 * 6 * 31/30 * 11 shift-add bits; 3 neurons of 6/3 + 1 = 3 terms, tree
     *   node width min(15, 11 + log2(3)/2 + 1)
     * Layer 1 (the output, always built): 4.5 nonzero; 2 neurons of 4.5/2 + 1 = 3.25 terms. */
    const char *ye = "model: {widths: [4, 3, 2], activation: relu}\n"
                     "precision: {weight: 'ap_fixed<4,1>', bias: 'ap_fixed<4,1>', input: 'ap_fixed<8,3>', "
                     "output: 'ap_fixed<8,3>'}\n"
                     "layers: [{index: 0, sparsity: 0.5}, {index: 1, sparsity: 0.25}]\n"
                     "hls: {toolchain: yosys-0.23}\n";
    CHECK(surr_spec_parse_yaml(ye, strlen(ye), "exp.yaml", &s) == SNAC_OK);
    CHECK_MSG(surr_features_extract(&s, &x) == SNAC_OK, "%s", snac_err_msg());
    CHECK(!x.exact);
    const double pw = 31.0 / 30.0;
    const double prod0 = 0.9375 * 6 * pw * 11, prod1 = 4.5 * pw * 11;
    const double tree0 = 0.9375 * 3 * 2 * fmin(15, 11 + 0.5 * log2(3) + 1);
    const double tree1 = 2 * 2.25 * fmin(15, 11 + 0.5 * log2(3.25) + 1);
    CHECK_NEAR(x.layer[0].csd_add_bits, prod0, 1e-9);
    CHECK_NEAR(x.layer[1].csd_add_bits, prod1, 1e-9);
    CHECK_NEAR(x.layer[0].acc_add_bits, tree0, 1e-9);
    CHECK_NEAR(x.layer[1].acc_add_bits, tree1, 1e-9);
    CHECK_NEAR(x.f[SURR_F_CSD_ADD_BITS], prod0 + prod1, 1e-9);
    CHECK_NEAR(x.f[SURR_F_ACC_ADD_BITS], tree0 + tree1, 1e-9);
    CHECK_NEAR(x.f[SURR_F_NONZERO], 6 + 4.5, 1e-12);
    CHECK_NEAR(x.f[SURR_F_POW2], (6 + 4.5) * 7.0 / 15.0, 1e-12);
}

/* Issue 23, DSP mapping. Vitis HLS: per input, the distinct constants of 3+ CSD digits go on DSPs
 * (the product a_w + w_w at least the threshold); Vivado HLS: every general product; hls.multipliers
 * fabric: none. A 2-3-1 net, <8,1> weights (code = w * 128), 16-bit inputs (24-bit products):
 *   layer 0, input 0 meets 7 (2 digits), 11, 11 (3 digits, one product): 1; input 1 meets -11, 45
 *   (3 and 4 digits), 64 (a power of two): 2; general 5.  Layer 1: 3 (2 digits), 0, 85 (4): 1; general 2.
 * So 3 + 1 = 4 DSP products on Vitis, 5 + 2 = 7 on Vivado, 0 in fabric or with 8-bit inputs. */
static void dsp_mapping_should_follow_the_tool_and_the_constants_csd_digits(void)
{
    const char *y = "model: {widths: [2, 3, 1], activation: relu}\n"
                    "precision: {weight: 'ap_fixed<8,1>', bias: 'ap_fixed<8,1>', input: 'ap_fixed<16,6>', "
                    "output: 'ap_fixed<16,6>'}\n"
                    "hls: {toolchain: vitis-2023.2, part: xcvu13p-flga2577-2-e, clock_period: 5}\n";
    surr_spec s;
    CHECK(surr_spec_parse_yaml(y, strlen(y), "dsp.yaml", &s) == SNAC_OK);
    const float w0[6] = {7 / 128.f, -11 / 128.f, 11 / 128.f, 45 / 128.f, 11 / 128.f, 64 / 128.f}; /* (3, 2) */
    const float w1[3] = {3 / 128.f, 0.f, 85 / 128.f};                                              /* (1, 3) */
    s.layer[0].w = w0, s.layer[1].w = w1;
    surr_features x;
    double phi[SURR_B_COUNT];
    CHECK_MSG(surr_features_extract(&s, &x) == SNAC_OK, "%s", snac_err_msg());
    CHECK_MSG(x.layer[0].dsp_products == 3 && x.layer[1].dsp_products == 1, "dsp products %g %g",
              x.layer[0].dsp_products, x.layer[1].dsp_products);
    CHECK(x.layer[0].general == 5 && x.layer[1].general == 2);
    /* the same values at <18,1> (codes x 1024: the same CSD digits), counted by sorting, not by marks */
    surr_spec wide = s;
    CHECK(quant_prec_parse("ap_fixed<18,1>", &wide.layer[0].weight) == 0);
    wide.layer[1].weight = wide.layer[0].weight;
    wide.layer[0].accum.width = wide.layer[1].accum.width = 0;
    CHECK(surr_features_extract(&wide, &x) == SNAC_OK);
    CHECK_MSG(x.layer[0].dsp_products == 3 && x.layer[1].dsp_products == 1, "18-bit: %g %g",
              x.layer[0].dsp_products, x.layer[1].dsp_products);
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK_MSG(phi[SURR_B_DSP_MULT] == 4 && phi[SURR_B_DSP_EXTRA] == 0, "vitis: %g", phi[SURR_B_DSP_MULT]);
    surr_version v;
    CHECK(surr_calib_default_version(SURR_TC_VITIS_2023_2, &v, NULL) == SNAC_OK);
    double yv[SURR_T_COUNT];
    predict_spec(&v, &s, yv);
    const surr_target_model *m = &v.t[SURR_T_DSP];
    CHECK_NEAR(yv[SURR_T_DSP], m->coef[SURR_B_ONE] + 4 * m->coef[SURR_B_DSP_MULT], 1e-9);
    surr_version_clear(&v);
    /* the weights' counts in the spec instead of the weights: the same */
    surr_spec c = s;
    for (size_t l = 0; l < 2; l++) {
        CHECK(surr_wstats_count(&s.layer[l], l, &c.layer[l].wstats) == SNAC_OK);
        c.layer[l].w = NULL;
    }
    surr_features xc;
    CHECK(surr_features_extract(&c, &xc) == SNAC_OK);
    CHECK(xc.layer[0].dsp_products == 3 && xc.layer[1].dsp_products == 1);
    /* Vivado HLS: every general product */
    s.toolchain = SURR_TC_VIVADO_2019_1;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK_MSG(phi[SURR_B_DSP_MULT] == 7, "vivado: %g", phi[SURR_B_DSP_MULT]);
    /* 32-bit inputs: 31 magnitude bits need two DSP48s' 26 per product (UG579 27x18 signed): 14 */
    surr_spec w = s;
    CHECK(quant_prec_parse("ap_fixed<32,6>", &w.layer[0].input) == 0);
    w.layer[1].input = w.layer[0].output = w.layer[0].input;
    w.layer[0].accum.width = w.layer[1].accum.width = 0;
    CHECK_MSG(surr_features_extract(&w, &x) == SNAC_OK, "%s", snac_err_msg());
    surr_basis_eval(20, &x, phi);
    CHECK_MSG(phi[SURR_B_DSP_MULT] == 14, "vivado 32x8: %g", phi[SURR_B_DSP_MULT]);
    /* config_op mul -impl fabric: none, on either tool */
    s.multipliers = SURR_MULT_FABRIC;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK(phi[SURR_B_DSP_MULT] == 0);
    s.toolchain = SURR_TC_VITIS_2023_2;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK(phi[SURR_B_DSP_MULT] == 0);
    /* 8-bit inputs: 16-bit products stay below the 20-bit threshold */
    s.multipliers = SURR_MULT_AUTO;
    s.layer[0].input = s.layer[1].input = s.layer[0].weight;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK_MSG(phi[SURR_B_DSP_MULT] == 0, "8x8 bits: %g", phi[SURR_B_DSP_MULT]);

    /* weights unknown: an input meeting m nonzero <6,1> weights meets each of the 20 codes of 3+
     * digits (of 63 nonzero codes) with probability 1 - (62/63)^m; 1 input, 4 neurons: m = 4 */
    const char *ye = "model: {widths: [1, 4]}\nprecision: {weight: 'ap_fixed<6,1>'}\nhls: {toolchain: vitis-2023.2}\n";
    CHECK(surr_spec_parse_yaml(ye, strlen(ye), "exp.yaml", &s) == SNAC_OK);
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    CHECK_NEAR(x.layer[0].dsp_products, 20 * (1 - pow(62.0 / 63.0, 4)), 1e-12);
    /* ... and from counts of four numbers (a spec stored before the fifth): the same expectation */
    const char *y4 = "model: {widths: [1, 4]}\nprecision: {weight: 'ap_fixed<6,1>'}\n"
                     "layers: [{index: 0, weight_stats: [4, 1, 6, 4]}]\n";
    CHECK(surr_spec_parse_yaml(y4, strlen(y4), "w4.yaml", &s) == SNAC_OK);
    CHECK(s.layer[0].wstats.dsp_products < 0);
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    CHECK_NEAR(x.layer[0].dsp_products, 20 * (1 - pow(62.0 / 63.0, 4)), 1e-12);
    const char *y5 = "model: {widths: [1, 4]}\nprecision: {weight: 'ap_fixed<6,1>'}\n"
                     "layers: [{index: 0, weight_stats: [4, 1, 6, 4, 2]}]\n";
    CHECK(surr_spec_parse_yaml(y5, strlen(y5), "w5.yaml", &s) == SNAC_OK);
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    CHECK(x.layer[0].dsp_products == 2);
}

/* Issue 23, reuse factor. A Latency 8-8 layer of 64 products, 22 of them +-2^k, at RF 64: hls4ml's
 * ALLOCATION limit is ceil(64/64) - floor(0/64) = 1 multiplier, so II = 42 (the general products),
 * and only the multiplier is shared: the adder tree and the shift-adds are those of RF 1. The Resource
 * kernel at RF 64 builds block_factor = 1 product and adder: II 64, tree / 64. Softmax: its own call's
 * n_out products on DSPs whatever the RF; an unfolded BN (normalize) the same, when out_w * 2 reaches
 * the threshold. */
static void reuse_should_share_only_the_multipliers_under_the_latency_strategy(void)
{
    double p1[SURR_B_COUNT], p64[SURR_B_COUNT], pr[SURR_B_COUNT];
    surr_features x;
    const struct { const char *rf, *strat; double *phi; double ii; } run[] = {
        {"1", "latency", p1, 1}, {"64", "latency", p64, 42}, {"64", "resource", pr, 64}};
    for (size_t k = 0; k < 3; k++) {
        char yy[512];
        snprintf(yy, sizeof yy,
                 "model: {widths: [8, 8], output_activation: softmax}\n"
                 "layers: [{index: 0, weight_stats: [64, 22, 84, 64, 10]}]\n"
                 "hls: {reuse_factor: %s, strategy: %s, part: xcvu13p-flga2577-2-e, clock_period: 5}\n",
                 run[k].rf, run[k].strat);
        surr_spec s;
        CHECK_MSG(surr_spec_parse_yaml(yy, strlen(yy), "rf.yaml", &s) == SNAC_OK, "%s", snac_err_msg());
        CHECK(surr_features_extract(&s, &x) == SNAC_OK);
        CHECK_MSG(x.layer[0].ii == run[k].ii, "RF %s %s: II %g", run[k].rf, run[k].strat, x.layer[0].ii);
        surr_basis_eval(20, &x, run[k].phi);
    }
    CHECK(p64[SURR_B_TREE_BITS] == p1[SURR_B_TREE_BITS] && p64[SURR_B_FABRIC_BITS] == p1[SURR_B_FABRIC_BITS]);
    CHECK(p1[SURR_B_TREE_BITS] > 0);
    CHECK_NEAR(pr[SURR_B_TREE_BITS], 64 * x.layer[0].acc_w / 64.0, 1e-12);
    /* DSP (32-bit products): 42 general over II 42 = 1, + 8 softmax products; RF 1: 42 + 8 */
    CHECK_MSG(p64[SURR_B_DSP_MULT] == 1 + 8 && p1[SURR_B_DSP_MULT] == 42 + 8, "dsp %g %g", p64[SURR_B_DSP_MULT],
              p1[SURR_B_DSP_MULT]);

    const char *yn = "model: {widths: [4, 6, 2], activation: relu}\n"
                     "layers: [{index: 0, normalize: true}]\n"
                     "precision: {weight: 'ap_fixed<4,1>', input: 'ap_fixed<4,1>', output: 'ap_fixed<16,6>'}\n";
    surr_spec s;
    CHECK_MSG(surr_spec_parse_yaml(yn, strlen(yn), "bn.yaml", &s) == SNAC_OK, "%s", snac_err_msg());
    CHECK(s.layer[0].normalize && !s.layer[1].normalize);
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    double pn[SURR_B_COUNT];
    surr_basis_eval_layer(20, &x, 0, pn); /* 4 x 4-bit products in fabric; 6 scales x 16-bit outputs */
    CHECK_MSG(pn[SURR_B_DSP_MULT] == 6, "normalize: %g", pn[SURR_B_DSP_MULT]);
    s.layer[0].output = s.layer[1].input = s.layer[0].weight; /* 4-bit outputs: 8-bit products, fabric */
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval_layer(20, &x, 0, pn);
    CHECK(pn[SURR_B_DSP_MULT] == 0);
}

/* The 3-4-2 net the hand counts below use: relu then softmax, <8,3> inputs, layer 0's accumulator
 * <12,4> and output <6,1>, layer 1's accumulator <20,8>; Latency strategy, io_parallel. */
static void spec_342_by_hand(surr_spec *s)
{
    size_t widths[3] = {3, 4, 2};
    CHECK(surr_spec_init_mlp(s, widths, 3, SURR_ACT_RELU, false) == SNAC_OK);
    s->layer[1].act = SURR_ACT_SOFTMAX;
    s->layer[0].input = QUANT_PREC_INIT(8, 3);
    s->layer[0].accum = QUANT_PREC_INIT(12, 4);
    s->layer[0].output = s->layer[1].input = QUANT_PREC_INIT(6, 1);
    s->layer[1].accum = QUANT_PREC_INIT(20, 8);
}

/* Features of a two-layer spec and its basis: per layer (p0, p1) and whole (phi), DSP threshold 20. */
static void eval_two_layers(const surr_spec *s, surr_features *x, double phi[SURR_B_COUNT], double p0[SURR_B_COUNT],
                            double p1[SURR_B_COUNT])
{
    CHECK_MSG(surr_features_extract(s, x) == SNAC_OK, "%s", snac_err_msg());
    surr_basis_eval_layer(20, x, 0, p0);
    surr_basis_eval_layer(20, x, 1, p1);
    surr_basis_eval(20, x, phi);
}

/* A 3-4-2 net (relu, softmax) counted by hand: <8,3> inputs, layer 0's accumulator <12,4> (its dense
 * result, res_w 12) and output <6,1> (out_w 6), layer 1's accumulator <20,8> (res_w 20, output <16,6>).
 * DATAFLOW (Resource at io_parallel): layer 0 has 4 FIFOs of 12 bits (dense -> relu), 4 of 6 (relu ->
 * layer 1) and the reshaped input, 1 of 3 x 8 bits: 9 FIFOs, 96 bits, fifo_lut 96 + 12 x 9 = 204;
 * layer 1 has 2 of 20 bits (dense -> softmax), none to the output port: 2, 40, 64. An unfolded BN
 * (normalize) on layer 0 adds a call: 4 more FIFOs of 12 bits. At RF 4 the Resource kernel's latency
 * is one cycle per reuse step (rf_loop 3 + 3), the Latency kernel's the fitted rf_cycles.
 * At io_stream the input is a port (8 FIFOs, 72 bits); a PIPELINE top and snac's RTL have none. The
 * relu as a process: 4 x 12 = 48 input bits; its cast only when <6,1> rounds or saturates. */
static void dataflow_fifos_and_relu_casts_should_match_the_hand_count(void)
{
    surr_spec s;
    spec_342_by_hand(&s);
    s.strategy = SURR_STRATEGY_RESOURCE;
    surr_features x;
    double phi[SURR_B_COUNT], p0[SURR_B_COUNT], p1[SURR_B_COUNT];
    CHECK_MSG(surr_features_extract(&s, &x) == SNAC_OK, "%s", snac_err_msg());
    CHECK(x.dataflow && x.layer[0].res_w == 12 && x.layer[1].res_w == 20);
    CHECK_MSG(x.layer[0].fifos == 9 && x.layer[0].fifo_bits == 96, "layer 0: %g FIFOs, %g bits", x.layer[0].fifos,
              x.layer[0].fifo_bits);
    CHECK_MSG(x.layer[1].fifos == 2 && x.layer[1].fifo_bits == 40, "layer 1: %g FIFOs, %g bits", x.layer[1].fifos,
              x.layer[1].fifo_bits);
    surr_basis_eval_layer(20, &x, 0, p0);
    surr_basis_eval_layer(20, &x, 1, p1);
    surr_basis_eval(20, &x, phi);
    CHECK(p0[SURR_B_FIFO_LUT] == 204 && p0[SURR_B_FIFOS] == 9 && p1[SURR_B_FIFO_LUT] == 64 && p1[SURR_B_FIFOS] == 2);
    CHECK(phi[SURR_B_FIFO_LUT] == 268 && phi[SURR_B_FIFOS] == 11);
    s.layer[0].normalize = true;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    CHECK_MSG(x.layer[0].fifos == 13 && x.layer[0].fifo_bits == 144, "normalize: %g FIFOs, %g bits", x.layer[0].fifos,
              x.layer[0].fifo_bits);
    s.layer[0].normalize = false;
    CHECK(p0[SURR_B_ACT_PROC_BITS] == 48 && p1[SURR_B_ACT_PROC_BITS] == 0);
    CHECK(phi[SURR_B_CAST_BITS] == 0); /* <6,1>: AP_TRN, AP_WRAP */
    /* Resource at RF 4: hls4ml's ReuseLoop, one cycle per reuse step: 3 per layer, pinned at 1 */
    s.reuse_factor = 4;
    s.rf_unchecked = true;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK_MSG(phi[SURR_B_RF_LOOP] == 6 && phi[SURR_B_RF_CYCLES] == 0, "rf_loop %g rf_cycles %g", phi[SURR_B_RF_LOOP],
              phi[SURR_B_RF_CYCLES]);
    CHECK(surr_basis_pinned(SURR_T_LATENCY_CYCLES, SURR_B_RF_LOOP) == 1.0);
    s.reuse_factor = 1;
    /* a rounding or a saturating ReLU output: the cast over the 12-bit input */
    s.layer[0].output.q = QUANT_Q_RND;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval_layer(20, &x, 0, p0);
    CHECK_MSG(p0[SURR_B_CAST_BITS] == 48, "cast bits %g", p0[SURR_B_CAST_BITS]);
    s.layer[0].output.q = QUANT_Q_TRN;
    s.layer[0].output.o = QUANT_O_SAT;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval_layer(20, &x, 0, p0);
    CHECK(p0[SURR_B_CAST_BITS] == 48);
    /* io_stream: no input FIFO */
    s.strategy = SURR_STRATEGY_LATENCY;
    s.io_type = SURR_IO_STREAM;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    CHECK_MSG(x.dataflow && x.layer[0].fifos == 8 && x.layer[0].fifo_bits == 72, "stream: %g FIFOs, %g bits",
              x.layer[0].fifos, x.layer[0].fifo_bits);
    /* a PIPELINE top: no FIFO, no process; the cast stays */
    s.io_type = SURR_IO_PARALLEL;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK(!x.dataflow && phi[SURR_B_FIFO_LUT] == 0 && phi[SURR_B_FIFOS] == 0 && phi[SURR_B_ACT_PROC_BITS] == 0);
    s.reuse_factor = 4; /* Latency at RF 4: the fitted cycles per step, not the Resource loop */
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK_MSG(phi[SURR_B_RF_LOOP] == 0 && phi[SURR_B_RF_CYCLES] == (x.layer[0].ii - 1) + (x.layer[1].ii - 1),
              "latency RF 4: rf_loop %g rf_cycles %g", phi[SURR_B_RF_LOOP], phi[SURR_B_RF_CYCLES]);
    s.reuse_factor = 1;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK(phi[SURR_B_CAST_BITS] == 48);
    /* snac's own RTL: none of them */
    s.toolchain = SURR_TC_YOSYS_0_23;
    s.io_type = SURR_IO_STREAM;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK(phi[SURR_B_FIFO_LUT] == 0 && phi[SURR_B_CAST_BITS] == 0 && phi[SURR_B_ACT_PROC_BITS] == 0);
    /* the defaults carry the pinned costs: 1 LUT per FIFO bit + 12, 5 FF per FIFO */
    surr_version v;
    CHECK(surr_calib_default_version(SURR_TC_VIVADO_2019_1, &v, NULL) == SNAC_OK);
    CHECK(v.t[SURR_T_LUT].coef[SURR_B_FIFO_LUT] == 1.0 && v.t[SURR_T_FF].coef[SURR_B_FIFOS] == SURR_FIFO_FF);
    CHECK(v.t[SURR_T_LUT].coef[SURR_B_CAST_BITS] == SURR_CAST_LUT);
    surr_version_clear(&v);
}

/* The stream dense's registers (hls4ml nnet_dense_stream.h: `data[n_in]` and `res[n_out]`, ARRAY_PARTITION
 * complete), counted by hand on the same 3-4-2 net: layer 0 holds 3 inputs of 8 bits and 4 results of
 * 12 (its accumulator width): 24 + 48 = 72; layer 1 holds 4 inputs of 6 bits (the ReLU's <6,1>) and 2
 * results of 20: 24 + 40 = 64; 136 in all, at either strategy; none at io_parallel or in snac's RTL.
 * Pinned at 1 FF per bit, and the shipped defaults carry it. */
static void stream_dense_arrays_should_be_registers_by_the_hand_count(void)
{
    surr_spec s;
    spec_342_by_hand(&s);
    s.io_type = SURR_IO_STREAM;
    surr_features x;
    double phi[SURR_B_COUNT], p0[SURR_B_COUNT], p1[SURR_B_COUNT];
    for (int strategy = 0; strategy < 2; strategy++) {
        s.strategy = strategy ? SURR_STRATEGY_RESOURCE : SURR_STRATEGY_LATENCY;
        eval_two_layers(&s, &x, phi, p0, p1);
        CHECK_MSG(p0[SURR_B_STREAM_ARRAY_BITS] == 72 && p1[SURR_B_STREAM_ARRAY_BITS] == 64 &&
                      phi[SURR_B_STREAM_ARRAY_BITS] == 136,
                  "strategy %d: %g + %g = %g", strategy, p0[SURR_B_STREAM_ARRAY_BITS], p1[SURR_B_STREAM_ARRAY_BITS],
                  phi[SURR_B_STREAM_ARRAY_BITS]);
    }
    s.io_type = SURR_IO_PARALLEL;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK(phi[SURR_B_STREAM_ARRAY_BITS] == 0);
    s.io_type = SURR_IO_STREAM;
    s.strategy = SURR_STRATEGY_LATENCY;
    s.toolchain = SURR_TC_YOSYS_0_23;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK(phi[SURR_B_STREAM_ARRAY_BITS] == 0);
    CHECK(surr_basis_pinned(SURR_T_FF, SURR_B_STREAM_ARRAY_BITS) == 1.0);
    CHECK(isnan(surr_basis_pinned(SURR_T_LUT, SURR_B_STREAM_ARRAY_BITS)));
    for (int tc = 0; tc < SURR_TC_COUNT; tc++) {
        if (tc == SURR_TC_YOSYS_0_23)
            continue;
        surr_version v;
        CHECK(surr_calib_default_version((enum surr_toolchain)tc, &v, NULL) == SNAC_OK);
        CHECK_MSG(v.t[SURR_T_FF].coef[SURR_B_STREAM_ARRAY_BITS] == 1.0, "%s: %g", surr_toolchain_names[tc],
                  v.t[SURR_T_FF].coef[SURR_B_STREAM_ARRAY_BITS]);
        surr_version_clear(&v);
    }
}

/* The softmax's exp registers by hand: the 3-4-2 net's softmax layer holds its 2 exp words of
 * hls4ml's default 18-bit table type while 1 / sum is read: 36 bits; its ReLU layer none; a 3-4-5 net
 * with a softmax on 5 outputs 90 (the unseen Resource nets' 5-output softmax); none in snac's RTL. */
static void softmax_exp_registers_should_be_the_outputs_times_the_table_width(void)
{
    surr_spec s;
    spec_342_by_hand(&s);
    surr_features x;
    double phi[SURR_B_COUNT], p0[SURR_B_COUNT], p1[SURR_B_COUNT];
    eval_two_layers(&s, &x, phi, p0, p1);
    CHECK_MSG(p0[SURR_B_SOFTMAX_EXP_BITS] == 0 && p1[SURR_B_SOFTMAX_EXP_BITS] == 36 && phi[SURR_B_SOFTMAX_EXP_BITS] == 36,
              "%g + %g = %g", p0[SURR_B_SOFTMAX_EXP_BITS], p1[SURR_B_SOFTMAX_EXP_BITS], phi[SURR_B_SOFTMAX_EXP_BITS]);
    s.layer[1].act = SURR_ACT_LINEAR;
    CHECK(surr_features_extract(&s, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK(phi[SURR_B_SOFTMAX_EXP_BITS] == 0);
    size_t w5[3] = {3, 4, 5};
    surr_spec s5;
    CHECK(surr_spec_init_mlp(&s5, w5, 3, SURR_ACT_RELU, false) == SNAC_OK);
    s5.layer[1].act = SURR_ACT_SOFTMAX;
    s5.strategy = SURR_STRATEGY_RESOURCE;
    s5.io_type = SURR_IO_STREAM;
    CHECK(surr_features_extract(&s5, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK_MSG(phi[SURR_B_SOFTMAX_EXP_BITS] == 90, "5 outputs: %g", phi[SURR_B_SOFTMAX_EXP_BITS]);
    s5.toolchain = SURR_TC_YOSYS_0_23;
    s5.strategy = SURR_STRATEGY_LATENCY;
    s5.io_type = SURR_IO_PARALLEL;
    CHECK(surr_features_extract(&s5, &x) == SNAC_OK);
    surr_basis_eval(20, &x, phi);
    CHECK(phi[SURR_B_SOFTMAX_EXP_BITS] == 0);
    CHECK(surr_basis_pinned(SURR_T_FF, SURR_B_SOFTMAX_EXP_BITS) == 1.0);
    surr_version v;
    CHECK(surr_calib_default_version(SURR_TC_VITIS_2023_2, &v, NULL) == SNAC_OK);
    CHECK(v.t[SURR_T_FF].coef[SURR_B_SOFTMAX_EXP_BITS] == 1.0);
    surr_version_clear(&v);
}

/* Vivado HLS's cycle per dense call by hand: the 3-4-2 net makes 2 dense calls, so call_reg is
 * 1 + 1 = 2 under either Vivado family (per dense layer: its relu and softmax calls add none), 0 under
 * Vitis HLS (its between-call cycles are in its per-layer delay term) and in snac's RTL. Pinned at 1
 * in every HLS default, whose latency is then exactly 2 cycles more than the same version without the
 * term; the yosys-0.23 default, fitted on rows that carry their own toolchain, keeps snac's one
 * register stage per layer: 2 cycles for the two layers. */
static void vivado_dense_calls_should_add_one_cycle_each_by_the_hand_count(void)
{
    surr_spec s;
    spec_342_by_hand(&s);
    surr_features x;
    double phi[SURR_B_COUNT], p0[SURR_B_COUNT], p1[SURR_B_COUNT];
    const surr_part *part;
    CHECK(surr_part_find("xcvu13p-flga2577-2-e", &part) == SNAC_OK);
    const enum surr_toolchain vivado[2] = {SURR_TC_VIVADO_2019_1, SURR_TC_VIVADO_2020_1};
    for (size_t i = 0; i < 2; i++) {
        s.toolchain = vivado[i];
        eval_two_layers(&s, &x, phi, p0, p1);
        CHECK_MSG(p0[SURR_B_CALL_REG] == 1 && p1[SURR_B_CALL_REG] == 1 && phi[SURR_B_CALL_REG] == 2,
                  "%s: %g + %g = %g", surr_toolchain_names[vivado[i]], p0[SURR_B_CALL_REG], p1[SURR_B_CALL_REG],
                  phi[SURR_B_CALL_REG]);
        surr_version v;
        CHECK(surr_calib_default_version(vivado[i], &v, NULL) == SNAC_OK);
        CHECK(v.t[SURR_T_LATENCY_CYCLES].coef[SURR_B_CALL_REG] == 1.0);
        surr_prediction with, without;
        surr_predict(&v, &x, part, &with);
        v.t[SURR_T_LATENCY_CYCLES].coef[SURR_B_CALL_REG] = 0;
        surr_predict(&v, &x, part, &without);
        CHECK_MSG(fabs(with.y[SURR_T_LATENCY_CYCLES] - without.y[SURR_T_LATENCY_CYCLES] - 2) < 1e-9, "%g - %g",
                  with.y[SURR_T_LATENCY_CYCLES], without.y[SURR_T_LATENCY_CYCLES]);
        surr_version_clear(&v);
    }
    CHECK(surr_basis_pinned(SURR_T_LATENCY_CYCLES, SURR_B_CALL_REG) == 1.0);
    s.toolchain = SURR_TC_VITIS_2023_2;
    eval_two_layers(&s, &x, phi, p0, p1);
    CHECK_MSG(phi[SURR_B_CALL_REG] == 0, "vitis: %g", phi[SURR_B_CALL_REG]);
    s.toolchain = SURR_TC_YOSYS_0_23;
    s.layer[1].act = SURR_ACT_LINEAR; /* snac's RTL outputs logits */
    eval_two_layers(&s, &x, phi, p0, p1);
    CHECK_MSG(phi[SURR_B_CALL_REG] == 0, "yosys: %g", phi[SURR_B_CALL_REG]);
    surr_version y;
    CHECK(surr_calib_default_version(SURR_TC_YOSYS_0_23, &y, NULL) == SNAC_OK);
    surr_prediction py;
    surr_predict(&y, &x, part, &py);
    CHECK_MSG(fabs(py.y[SURR_T_LATENCY_CYCLES] - 2) < 1e-9, "yosys latency %g", py.y[SURR_T_LATENCY_CYCLES]);
    surr_version_clear(&y);
}

int main(void)
{
    gsl_set_error_handler_off();
    TEST(fit_should_reproduce_nist_longley_certified_values);
    TEST(features_of_a_two_layer_net_should_match_the_hand_count);
    TEST(dsp_mapping_should_follow_the_tool_and_the_constants_csd_digits);
    TEST(reuse_should_share_only_the_multipliers_under_the_latency_strategy);
    TEST(dataflow_fifos_and_relu_casts_should_match_the_hand_count);
    TEST(stream_dense_arrays_should_be_registers_by_the_hand_count);
    TEST(softmax_exp_registers_should_be_the_outputs_times_the_table_width);
    TEST(vivado_dense_calls_should_add_one_cycle_each_by_the_hand_count);
    TEST(bops_of_paper_baseline_should_be_25916);
    TEST(csd_digits_should_match_brute_force_minimum);
    TEST(quantize_should_follow_ap_fixed_rounding_and_overflow);
    TEST(default_version_should_be_monotone_in_weights_widths_and_reuse);
    TEST(prediction_should_be_the_sum_of_its_layers_and_top_level_terms);
    TEST(resource_strategy_should_not_get_zeros_for_free);
    TEST(delay_scale_should_follow_fabric_class_and_speed_grade);
    TEST(multiply_registers_should_count_whole_clock_periods);
    TEST(yosys_estimate_should_track_the_exact_rtl_count);
    TEST(yosys_default_should_record_its_calibrated_yosys_version);
    TEST(yosys_features_should_count_the_outputs_cone_and_the_rom_a_neuron_can_reach);
    TEST(fit_should_recover_known_coefficients_from_synthetic_data);
    TEST(nnls_should_match_brute_force_over_active_sets);
    TEST(calibration_output_should_be_reproducible_byte_for_byte);
    TEST(bad_specs_should_fail_with_their_message);
    TEST(version_should_round_trip_through_sqlite_bit_for_bit);
    TEST(predict_should_answer_every_target_for_the_baseline);
    return check_report();
}
