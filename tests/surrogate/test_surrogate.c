/* test_surrogate — the surrogate: GSL regression against NIST Longley, BOPs of the
 * paper's baseline, CSD counts against brute force, ap_fixed quantisation,
 * monotonicity of the fitted default, bad specs, and SQLite round trips. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "check.h"
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
        bad += surr_csd_digits(v) != best[v + OFF];
    CHECK_MSG(bad == 0, "%d values disagree with brute force", bad);
    CHECK(surr_csd_digits(0) == 0 && surr_csd_digits(7) == 2 && surr_csd_digits(-7) == 2);
    CHECK(surr_is_pow2(-8) && surr_is_pow2(1) && !surr_is_pow2(0) && !surr_is_pow2(6));
}

static void quantize_should_follow_ap_fixed_rounding_and_overflow(void)
{
    surr_fixed t = SURR_FIXED_INIT(8, 1); /* step 2^-7, range [-1, 1-2^-7] */
    CHECK(surr_fixed_quantize(&t, 0.5) == 64);
    CHECK(surr_fixed_quantize(&t, 0.0078) == 0);        /* AP_TRN: toward -inf */
    CHECK(surr_fixed_quantize(&t, -0.0001) == -1);
    CHECK(surr_fixed_quantize(&t, 1.0) == -128);        /* AP_WRAP: 128 wraps to -128 */
    t.o = SURR_O_SAT;
    CHECK(surr_fixed_quantize(&t, 1.0) == 127);
    CHECK(surr_fixed_quantize(&t, -3.0) == -128);
    t.q = SURR_Q_RND;
    CHECK(surr_fixed_quantize(&t, 0.0078125 * 0.5) == 1); /* half rounds up */
    CHECK(surr_fixed_quantize(&t, -0.0078125 * 0.5) == 0);
    surr_fixed p;
    CHECK(surr_fixed_parse("ap_fixed<8,3,AP_RND,AP_SAT>", &p) == SNAC_OK && p.width == 8 && p.integer == 3 &&
          p.q == SURR_Q_RND && p.o == SURR_O_SAT);
    CHECK(surr_fixed_parse("ap_ufixed<6,0>", &p) == SNAC_OK && !p.is_signed);
    CHECK(surr_fixed_parse("ap_fixed<4,6>", &p) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "W < I");
    CHECK(surr_fixed_parse("ap_fixed<0,0>", &p) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "zero total width");
}

static double lut_dsp(const surr_version *v, const surr_spec *s)
{
    surr_features x;
    surr_prediction p;
    const surr_part *part;
    if (surr_features_extract(s, &x) || surr_part_find(s->part, &part))
        return NAN;
    surr_predict(v, &x, part, &p);
    return p.y[SURR_T_LUT] + p.y[SURR_T_DSP];
}

static void default_version_should_be_monotone_in_weights_and_widths(void)
{
    surr_version v;
    surr_fit_report rep;
    CHECK(surr_calib_default_version(SURR_TC_VIVADO_2019_1, &v, &rep) == SNAC_OK);
    surr_spec s;
    surr_spec_init_mlp(&s, baseline, NB, SURR_ACT_RELU, false);
    /* expected mode: sparsity down = more nonzero weights */
    double prev = -1;
    for (int k = 9; k >= 0; k--) {
        for (size_t l = 0; l < s.n_layers; l++)
            s.layer[l].sparsity = k / 10.0;
        double c = lut_dsp(&v, &s);
        CHECK_MSG(c >= prev, "sparsity %.1f: LUT+DSP %g < %g", k / 10.0, c, prev);
        prev = c;
    }
    /* wider weights */
    prev = -1;
    for (int w = 2; w <= 18; w++) {
        surr_fixed t = SURR_FIXED_INIT(w, 1);
        surr_spec_set_precision(&s, &t, NULL, NULL, NULL, NULL);
        double c = lut_dsp(&v, &s);
        CHECK_MSG(c >= prev, "weight width %d: LUT+DSP %g < %g", w, c, prev);
        prev = c;
    }
    /* exact mode: un-prune weights one block at a time */
    size_t nw = 0;
    for (size_t l = 0; l < s.n_layers; l++)
        nw += s.layer[l].n_in * s.layer[l].n_out;
    float *w = calloc(nw, sizeof *w);
    snac_rng r;
    rng_seed(&r, 7);
    float *vals = malloc(nw * sizeof *vals);
    for (size_t i = 0; i < nw; i++)
        vals[i] = (float)(rng_uniform(&r) * 1.8 - 0.9);
    surr_fixed w8 = SURR_FIXED_INIT(8, 1);
    surr_spec_set_precision(&s, &w8, NULL, NULL, NULL, NULL);
    size_t off = 0;
    for (size_t l = 0; l < s.n_layers; l++) {
        s.layer[l].w = w + off;
        off += s.layer[l].n_in * s.layer[l].n_out;
    }
    prev = -1;
    for (size_t step = 0; step <= 10; step++) {
        for (size_t i = 0; i < nw * step / 10; i++)
            w[i] = vals[i];
        double c = lut_dsp(&v, &s);
        CHECK_MSG(c >= prev, "exact weights, %zu/10 unpruned: LUT+DSP %g < %g", step, c, prev);
        prev = c;
    }
    free(w);
    free(vals);
    /* the fit report has cross-validated numbers for the fitted targets */
    CHECK(rep.t[SURR_T_LUT].cv_n > 0 && rep.t[SURR_T_DSP].cv_groups >= 5);
    CHECK(v.t[SURR_T_URAM].flags & SURR_TM_NO_DATA);
    surr_version_clear(&v);
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
    /* another toolchain falls back to the same data, with a note saying so */
    surr_version vitis;
    CHECK(surr_version_ensure_default(db, SURR_TC_VITIS_2023_2, &vitis, &created) == SNAC_OK && created);
    CHECK(vitis.note && strstr(vitis.note, "falls back"));
    /* a stored prediction: 7 targets + 2 derived rows */
    surr_spec s;
    surr_features x;
    surr_prediction p;
    const surr_part *part;
    surr_calib_paper_spec(&s);
    surr_features_extract(&s, &x);
    surr_part_find(s.part, &part);
    surr_predict(&again, &x, part, &p);
    char sha[65];
    CHECK(surr_spec_sha256(&s, sha) == SNAC_OK && strlen(sha) == 64);
    CHECK(surr_prediction_insert(db, again.id, 0, sha, &p) == SNAC_OK);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM predictions WHERE spec_sha256 = ?1", -1, &st, NULL);
    sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
    CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == SURR_T_COUNT + 2);
    sqlite3_finalize(st);
    CHECK(surr_version_load(db, 999, &active) == SNAC_ENOTFOUND);
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

int main(void)
{
    gsl_set_error_handler_off();
    TEST(fit_should_reproduce_nist_longley_certified_values);
    TEST(bops_of_paper_baseline_should_be_25916);
    TEST(csd_digits_should_match_brute_force_minimum);
    TEST(quantize_should_follow_ap_fixed_rounding_and_overflow);
    TEST(default_version_should_be_monotone_in_weights_and_widths);
    TEST(bad_specs_should_fail_with_their_message);
    TEST(version_should_round_trip_through_sqlite_bit_for_bit);
    TEST(predict_should_answer_every_target_for_the_baseline);
    return check_report();
}
