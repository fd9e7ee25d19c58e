/* test_refit_anchored — the anchored fit (refit.h) and the gate's target mask on hand-made
 * data: a hand-built parent (LUT = 200 + fabric bits + tree bits, FF, DSP and latency simple
 * models, nothing else), small 8-bit MLPs whose features the surrogate extracts, and a "truth"
 * in the same basis with other coefficients (LUT = 200 + 0.5 fabric + 0.5 tree + 1500 per
 * layer, which the parent prices at 0: deep narrow nets cost more than it says, so it orders
 * some pairs of candidates wrong).
 *
 * Pinned: an infinite prior returns the parent; no prior equals the plain NNLS full fit; the
 * prior weighs exactly N0 architectures on a one-coefficient target (DSP: only the constant
 * term is exercised by 8-bit fabric nets); the anchored fit reorders a pair the parent orders
 * wrong while a recalibration keeps the parent's order (and a strong prior keeps it too); auto
 * below 12 architectures takes the anchored LUT with the prior strength the folds choose; the gate scored on LUT and latency refuses a refit that only improves FF, which
 * the default LUT/FF/DSP gate accepts.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "check.h"
#include "util/err.h"
#include "validation/refit.h"

#define N_TRAIN 6
#define N_POOL 10

static const size_t train_w[N_TRAIN][4] = {
    {16, 8, 5, 0}, {16, 32, 5, 0}, {16, 64, 5, 0}, {16, 16, 16, 5}, {16, 32, 8, 5}, {16, 4, 64, 5},
};
static const size_t pool_w[N_POOL][4] = {
    {16, 12, 5, 0}, {16, 24, 5, 0}, {16, 48, 5, 0}, {16, 8, 8, 5}, {16, 64, 4, 5},
    {16, 4, 32, 5}, {16, 24, 12, 5}, {16, 12, 24, 5}, {16, 40, 5, 0}, {16, 6, 48, 5},
};

static void features(const size_t *w, surr_features *x)
{
    size_t n = w[3] ? 4 : 3;
    surr_spec s;
    CHECK(surr_spec_init_mlp(&s, w, n, SURR_ACT_RELU, false) == SNAC_OK);
    quant_prec q8 = QUANT_PREC_INIT(8, 3);
    surr_spec_set_precision(&s, &q8, &q8, &q8, &q8, NULL);
    CHECK(surr_features_extract(&s, x) == SNAC_OK);
}

static void make_parent(surr_version *p)
{
    memset(p, 0, sizeof *p);
    p->id = 1;
    p->basis_version = SURR_BASIS_VERSION;
    p->toolchain = SURR_TC_YOSYS_0_23;
    for (int t = 0; t < SURR_T_COUNT; t++) {
        surr_target_model *m = &p->t[t];
        m->dsp_min_bits = 20;
        m->flags = SURR_TM_NO_DATA;
    }
    static const int fitted[] = {SURR_T_LUT, SURR_T_FF, SURR_T_DSP, SURR_T_LATENCY_CYCLES};
    for (size_t j = 0; j < sizeof fitted / sizeof fitted[0]; j++) {
        surr_target_model *m = &p->t[fitted[j]];
        m->flags = SURR_TM_FITTED;
        m->mask = surr_basis_default_mask((enum surr_target)fitted[j]);
        m->sigma_rel = 0.1;
        for (int k = 0; k < SURR_B_COUNT; k++) { /* known terms are part of every version */
            double c = surr_basis_pinned((enum surr_target)fitted[j], (enum surr_basis)k);
            if ((m->mask & (1u << k)) && !isnan(c))
                m->coef[k] = c;
        }
    }
    surr_target_model *l = &p->t[SURR_T_LUT];
    l->coef[SURR_B_ONE] = 200;
    l->coef[SURR_B_FABRIC_BITS] = 1.0;
    l->coef[SURR_B_TREE_BITS] = 1.0;
    l->cov[SURR_B_FABRIC_BITS][SURR_B_FABRIC_BITS] = l->cov[SURR_B_TREE_BITS][SURR_B_TREE_BITS] = 0.01;
    p->t[SURR_T_FF].coef[SURR_B_ONE] = 50;
    p->t[SURR_T_FF].coef[SURR_B_OUT_BITS] = 1.0;
    p->t[SURR_T_DSP].coef[SURR_B_ONE] = 4;
    p->t[SURR_T_LATENCY_CYCLES].coef[SURR_B_ONE] = 2;
    p->t[SURR_T_LATENCY_CYCLES].coef[SURR_B_LAYER] = 1;
}

/* The truth in the same basis: LUT = 200 + 0.5 fabric + 0.5 tree + 1500 per layer; FF = ff_scale x the parent's;
 * DSP = 10; latency = the parent's. */
static void truth(const surr_version *par, const surr_features *x, double ff_scale, double *y)
{
    double phi[SURR_B_COUNT];
    surr_basis_eval(20, x, phi);
    for (int t = 0; t < SURR_T_COUNT; t++)
        y[t] = NAN;
    y[SURR_T_LUT] = 200 + 0.5 * phi[SURR_B_FABRIC_BITS] + 0.5 * phi[SURR_B_TREE_BITS] + 1500 * phi[SURR_B_LAYER];
    surr_prediction p;
    surr_predict(par, x, surr_part_lookup("xcvu13p-flga2577-2-e"), &p);
    y[SURR_T_FF] = ff_scale * p.y[SURR_T_FF];
    y[SURR_T_DSP] = 10;
    y[SURR_T_LATENCY_CYCLES] = p.y[SURR_T_LATENCY_CYCLES];
}

static double lut_of(const surr_version *v, const surr_features *x)
{
    surr_prediction p;
    surr_predict(v, x, surr_part_lookup("xcvu13p-flga2577-2-e"), &p);
    return p.y[SURR_T_LUT];
}

static void training_samples(const surr_version *par, double ff_scale, surr_sample *s)
{
    for (size_t i = 0; i < N_TRAIN; i++) {
        memset(&s[i], 0, sizeof s[i]);
        features(train_w[i], &s[i].x);
        truth(par, &s[i].x, ff_scale, s[i].y);
        s[i].weight = 1;
        s[i].group = (int)i;
    }
}

static void training_rows(const surr_sample *s, vrow *r)
{
    for (size_t i = 0; i < N_TRAIN; i++) {
        memset(&r[i], 0, sizeof r[i]);
        r[i].group = s[i].group;
        r[i].x = s[i].x;
        r[i].part = surr_part_lookup("xcvu13p-flga2577-2-e");
        memcpy(r[i].y, s[i].y, sizeof r[i].y);
    }
}

static void anchored_should_return_the_parent_under_an_infinite_prior(void)
{
    surr_version par, v;
    make_parent(&par);
    surr_sample s[N_TRAIN];
    training_samples(&par, 2.0, s);
    refit_opts o = REFIT_OPTS_INIT;
    o.prior_groups = 1e12;
    surr_fit_report rep;
    memset(&v, 0, sizeof v);
    CHECK(refit_anchored(s, N_TRAIN, N_TRAIN, &o, &par, &v, &rep) == SNAC_OK);
    for (int t = 0; t < SURR_T_COUNT; t++) {
        if (par.t[t].flags & SURR_TM_NO_DATA) {
            CHECK(v.t[t].flags & SURR_TM_NO_DATA);
            continue;
        }
        for (int k = 0; k < SURR_B_COUNT; k++)
            CHECK_MSG(fabs(v.t[t].coef[k] - par.t[t].coef[k]) <= 1e-6 * fabs(par.t[t].coef[k]) + 1e-9,
                      "%s %s: %.12g vs the parent's %.12g", surr_target_names[t], surr_basis_names[k], v.t[t].coef[k],
                      par.t[t].coef[k]);
    }
    CHECK(strncmp(v.family, "struct-anchored", 15) == 0);
}

static void anchored_without_prior_should_equal_the_plain_nnls_fit(void)
{
    surr_version par, v, full;
    make_parent(&par);
    surr_sample s[N_TRAIN];
    training_samples(&par, 2.0, s);
    refit_opts o = REFIT_OPTS_INIT;
    o.prior_groups = 0;
    surr_fit_report rep, frep;
    memset(&v, 0, sizeof v);
    memset(&full, 0, sizeof full);
    CHECK(refit_anchored(s, N_TRAIN, N_TRAIN, &o, &par, &v, &rep) == SNAC_OK);
    surr_fit_options fo = SURR_FIT_OPTIONS_INIT;
    fo.method = SURR_FIT_OLS;
    fo.cross_validate = false;
    fo.min_samples = 3;
    fo.dsp_min_bits = 20;
    CHECK(surr_fit_version(s, N_TRAIN, &fo, &full, &frep) == SNAC_OK);
    /* the same coefficients wherever the data exercise the term (elsewhere the full fit says 0,
     * the anchored fit keeps the parent's: the data say nothing) and the same predictions */
    double phi[SURR_B_COUNT], used[SURR_B_COUNT] = {0};
    for (size_t i = 0; i < N_TRAIN; i++) {
        surr_basis_eval(20, &s[i].x, phi);
        for (int k = 0; k < SURR_B_COUNT; k++)
            used[k] += fabs(phi[k]);
    }
    static const int t_fit[] = {SURR_T_LUT, SURR_T_FF, SURR_T_DSP, SURR_T_LATENCY_CYCLES};
    for (size_t j = 0; j < sizeof t_fit / sizeof t_fit[0]; j++) {
        int t = t_fit[j];
        for (int k = 0; k < SURR_B_COUNT; k++)
            if (used[k] > 0)
                CHECK_MSG(fabs(v.t[t].coef[k] - full.t[t].coef[k]) <= 1e-7 * (fabs(full.t[t].coef[k]) + 1.0),
                          "%s %s: anchored %.12g, full %.12g", surr_target_names[t], surr_basis_names[k],
                          v.t[t].coef[k], full.t[t].coef[k]);
    }
    for (size_t i = 0; i < N_TRAIN; i++)
        CHECK_NEAR(lut_of(&v, &s[i].x), lut_of(&full, &s[i].x), 1e-6 * s[i].y[SURR_T_LUT]);
    /* the truth is in the basis: with no prior the LUT fit recovers it */
    CHECK_NEAR(v.t[SURR_T_LUT].coef[SURR_B_LAYER], 1500, 1e-6 * 1500);
}

/* DSP of 8-bit fabric nets exercises only the constant term, so the MAP estimate is the
 * prior-weighted mean: (G Y + N0 c_parent) / (G + N0), N0 = 12 - G by default. */
static void anchored_prior_should_weigh_as_n0_architectures(void)
{
    surr_version par, v;
    make_parent(&par);
    surr_sample s[N_TRAIN];
    training_samples(&par, 2.0, s);
    refit_opts o = REFIT_OPTS_INIT;
    surr_fit_report rep;
    memset(&v, 0, sizeof v);
    CHECK(refit_anchored(s, N_TRAIN, N_TRAIN, &o, &par, &v, &rep) == SNAC_OK);
    const double G = N_TRAIN, n0 = 12 - N_TRAIN;
    CHECK_NEAR(v.t[SURR_T_DSP].coef[SURR_B_ONE], (G * 10 + n0 * 4) / (G + n0), 1e-9);
    o.prior_groups = 2;
    surr_version_clear(&v);
    CHECK(refit_anchored(s, N_TRAIN, N_TRAIN, &o, &par, &v, &rep) == SNAC_OK);
    CHECK_NEAR(v.t[SURR_T_DSP].coef[SURR_B_ONE], (G * 10 + 2 * 4) / (G + 2), 1e-9);
    /* the interval stays sensible: a positive, finite residual scale and coefficient variances */
    const surr_target_model *l = &v.t[SURR_T_LUT];
    CHECK(isfinite(l->sigma_rel) && l->sigma_rel > 0 && l->sigma_rel < 1);
    CHECK(l->cov[SURR_B_TREE_BITS][SURR_B_TREE_BITS] > 0 && isfinite(l->cov[SURR_B_TREE_BITS][SURR_B_TREE_BITS]));
}

static void anchored_should_reorder_candidates_a_recalibration_cannot(void)
{
    surr_version par, va, vr;
    make_parent(&par);
    surr_sample s[N_TRAIN];
    training_samples(&par, 1.0, s);
    /* the pair of pool candidates the parent orders wrong by the widest true margin */
    surr_features px[N_POOL];
    double yt[N_POOL][SURR_T_COUNT];
    for (size_t i = 0; i < N_POOL; i++) {
        features(pool_w[i], &px[i]);
        truth(&par, &px[i], 1.0, yt[i]);
    }
    size_t a = 0, b = 0;
    double best = 1.0;
    for (size_t i = 0; i < N_POOL; i++)
        for (size_t j = 0; j < N_POOL; j++) {
            double ratio = yt[i][SURR_T_LUT] / yt[j][SURR_T_LUT]; /* truth: i costs more than j */
            if (ratio > best && lut_of(&par, &px[i]) < lut_of(&par, &px[j])) {
                best = ratio;
                a = i;
                b = j;
            }
        }
    CHECK_MSG(best > 1.1, "no pool pair the parent orders wrong (best true ratio %.3f)", best);
    refit_opts o = REFIT_OPTS_INIT;
    surr_fit_report rep;
    memset(&va, 0, sizeof va);
    /* the automatic prior (12 - 6 = 6 architectures) shrinks the fabric and tree terms rather than
     * price the layers the parent prices at 0: the parent's order stays (why auto also tries 0, 1) */
    CHECK(refit_anchored(s, N_TRAIN, N_TRAIN, &o, &par, &va, &rep) == SNAC_OK);
    CHECK(lut_of(&va, &px[a]) < lut_of(&va, &px[b]));
    surr_version_clear(&va);
    o.prior_groups = 0;
    CHECK(refit_anchored(s, N_TRAIN, N_TRAIN, &o, &par, &va, &rep) == SNAC_OK);
    o.prior_groups = -1;
    CHECK_MSG(lut_of(&va, &px[a]) > lut_of(&va, &px[b]), "anchored: %s %.1f vs %.1f (truth %.1f vs %.1f)", "a, b",
              lut_of(&va, &px[a]), lut_of(&va, &px[b]), yt[a][SURR_T_LUT], yt[b][SURR_T_LUT]);
    /* a recalibration, a + b x the parent, keeps the parent's (wrong) order */
    vrow r[N_TRAIN];
    training_rows(s, r);
    refit_report rr;
    o.mode = REFIT_RECALIBRATE;
    o.kfold = 3;
    CHECK(refit_run(r, N_TRAIN, N_TRAIN, &par, &o, &vr, &rr) == SNAC_OK);
    CHECK(lut_of(&vr, &px[a]) < lut_of(&vr, &px[b]));
    surr_version_clear(&vr);
    /* auto with 6 architectures takes the anchored LUT model (it wins on the folds) and reorders */
    o.mode = REFIT_AUTO;
    CHECK(refit_run(r, N_TRAIN, N_TRAIN, &par, &o, &vr, &rr) == SNAC_OK);
    CHECK(rr.mode == REFIT_ANCHORED && (rr.anchored & (1u << SURR_T_LUT)));
    CHECK_MSG(rr.prior_groups[SURR_T_LUT] == 0, "lut prior %g", rr.prior_groups[SURR_T_LUT]);
    CHECK(isnan(rr.prior_groups[SURR_T_FF]) == !(rr.anchored & (1u << SURR_T_FF)));
    CHECK(lut_of(&vr, &px[a]) > lut_of(&vr, &px[b]));
    CHECK_STR_CONTAINS(vr.fit_stats, "\"anchored\":[\"lut\"");
    surr_version_clear(&vr);
    surr_version_clear(&va);
}

/* FF is 2x the parent's, LUT and latency are the parent's own numbers: the refit improves FF
 * only (the per-target rule keeps the parent's LUT and latency, which it cannot beat). */
static void gate_on_lut_and_latency_should_refuse_a_refit_that_only_improves_ff(void)
{
    surr_version par, v;
    make_parent(&par);
    surr_sample s[N_TRAIN];
    training_samples(&par, 2.0, s);
    for (size_t i = 0; i < N_TRAIN; i++)
        s[i].y[SURR_T_LUT] = lut_of(&par, &s[i].x);
    vrow r[N_TRAIN];
    training_rows(s, r);
    refit_opts o = REFIT_OPTS_INIT;
    o.kfold = 3;
    refit_report rep;
    CHECK(refit_run(r, N_TRAIN, N_TRAIN, &par, &o, &v, &rep) == SNAC_OK);
    CHECK_MSG(rep.gate_ok, "default gate: %s", rep.gate_reason);
    CHECK(rep.cand.t[SURR_T_FF].v[VS_MAPE] < rep.parent.t[SURR_T_FF].v[VS_MAPE]);
    CHECK_STR_CONTAINS(v.fit_stats, "over lut, ff, dsp\"");
    surr_version_clear(&v);
    o.gate_targets = (1u << SURR_T_LUT) | (1u << SURR_T_LATENCY_CYCLES);
    CHECK(refit_run(r, N_TRAIN, N_TRAIN, &par, &o, &v, &rep) == SNAC_OK);
    CHECK(!rep.gate_ok && rep.gate_targets == o.gate_targets);
    CHECK_STR_CONTAINS(rep.gate_reason, "is not below the parent's");
    CHECK_STR_CONTAINS(v.fit_stats, "over lut, latency_cycles\"");
    surr_version_clear(&v);
}

/* Every target measured at the parent's own prediction to 1e-13: the parent's held-out MAPE is
 * 1e-11%, a refit's can be lower only by rounding, and rounding never opens the gate. */
static void gate_should_treat_rounding_level_differences_as_ties(void)
{
    surr_version par, v;
    make_parent(&par);
    surr_sample s[N_TRAIN];
    training_samples(&par, 1.0, s);
    for (size_t i = 0; i < N_TRAIN; i++) {
        surr_prediction p;
        surr_predict(&par, &s[i].x, surr_part_lookup("xcvu13p-flga2577-2-e"), &p);
        for (int t = 0; t < SURR_T_COUNT; t++)
            if (isfinite(s[i].y[t]))
                s[i].y[t] = p.y[t] * (1 + 1e-13);
    }
    vrow r[N_TRAIN];
    training_rows(s, r);
    refit_opts o = REFIT_OPTS_INIT;
    o.kfold = 3;
    refit_report rep;
    CHECK(refit_run(r, N_TRAIN, N_TRAIN, &par, &o, &v, &rep) == SNAC_OK);
    CHECK(rep.parent.score > 0 && rep.parent.score < 1e-9);
    CHECK_MSG(!rep.gate_ok && rep.kept == ((1u << SURR_T_LUT) | (1u << SURR_T_FF) | (1u << SURR_T_DSP) |
                                            (1u << SURR_T_LATENCY_CYCLES)),
              "gate %d, kept 0x%x, new %.3g%%, parent %.3g%%", rep.gate_ok, rep.kept, rep.cand.score, rep.parent.score);
    surr_version_clear(&v);
}

int main(void)
{
    gsl_set_error_handler_off();
    TEST(anchored_should_return_the_parent_under_an_infinite_prior);
    TEST(anchored_without_prior_should_equal_the_plain_nnls_fit);
    TEST(anchored_prior_should_weigh_as_n0_architectures);
    TEST(anchored_should_reorder_candidates_a_recalibration_cannot);
    TEST(gate_on_lut_and_latency_should_refuse_a_refit_that_only_improves_ff);
    TEST(gate_should_treat_rounding_level_differences_as_ties);
    return check_report();
}
