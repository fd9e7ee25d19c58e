/* test_vstats — error statistics against a hand-computed example, bootstrap
 * reproducibility, and the error paths.
 *
 * The example (worked out by hand, see the comments): actual y = 10 20 30 40 0,
 * predicted p = 13 18 33 32 2; e = y - p = -3 2 -3 8 -2.
 */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_errno.h>

#include "check.h"
#include "util/err.h"
#include "validation/vstats.h"

static const double Y[5] = {10, 20, 30, 40, 0};
static const double P[5] = {13, 18, 33, 32, 2};

static void vstats_should_match_the_hand_computed_example(void)
{
    vstats s;
    vstats_opts o = VSTATS_OPTS_INIT;
    o.n_boot = 0;
    CHECK(vstats_compute(Y, P, 5, &o, &s) == SNAC_OK);
    CHECK(s.n == 5);
    CHECK(s.n_ape == 4);                                   /* y = 0 left out of the % errors */
    CHECK_NEAR(s.v[VS_MAE], 18.0 / 5, 1e-12);              /* |e| = 3 2 3 8 2 */
    CHECK_NEAR(s.v[VS_RMSE], sqrt(90.0 / 5), 1e-12);       /* e^2 = 9 4 9 64 4 */
    CHECK_NEAR(s.v[VS_MAPE], 100 * (0.3 + 0.1 + 0.1 + 0.2) / 4, 1e-12); /* 17.5 */
    /* 2|e|/(|y|+|p|) = 6/23 4/38 6/63 16/72 4/2 */
    CHECK_NEAR(s.v[VS_SMAPE], 100.0 / 5 * (6.0 / 23 + 4.0 / 38 + 6.0 / 63 + 16.0 / 72 + 4.0 / 2), 1e-12);
    /* |e|/(|y|+|p|+1) = 3/24 2/39 3/64 8/73 2/3 */
    CHECK_NEAR(s.v[VS_SMAPE_R4ML], 200.0 / 5 * (3.0 / 24 + 2.0 / 39 + 3.0 / 64 + 8.0 / 73 + 2.0 / 3), 1e-12);
    /* mean y = 20, sum (y - 20)^2 = 100 + 0 + 100 + 400 + 400 = 1000 */
    CHECK_NEAR(s.v[VS_R2], 1 - 90.0 / 1000, 1e-12);
    CHECK_NEAR(s.v[VS_BIAS], (3 - 2 + 3 - 8 + 2) / 5.0, 1e-12); /* mean(p - y) = -0.4 */
    /* mean p = 19.6; sum dy*dp = 800, sum dp^2 = 689.2 */
    CHECK_NEAR(s.v[VS_PEARSON], 800 / sqrt(1000 * 689.2), 1e-12);
    /* ranks y 2 3 4 5 1, p 2 3 5 4 1: sum d^2 = 2, rho = 1 - 6*2/(5*24) */
    CHECK_NEAR(s.v[VS_SPEARMAN], 0.9, 1e-12);
    /* sorted APE 10 10 20 30: median (10+20)/2; p90 at position 2.7: 20 + 0.7*10 */
    CHECK_NEAR(s.v[VS_MDAPE], 15.0, 1e-12);
    CHECK_NEAR(s.v[VS_P90APE], 27.0, 1e-12);
    /* actual = a + b * predicted: b = 800/689.2, a = 20 - b*19.6 */
    CHECK_NEAR(s.v[VS_CAL_SLOPE], 800 / 689.2, 1e-12);
    CHECK_NEAR(s.v[VS_CAL_INTERCEPT], 20 - 800 / 689.2 * 19.6, 1e-10);
    CHECK_NEAR(s.v[VS_EXACT], 0.0, 0);                     /* no prediction rounds to its actual */
    static const double yc[4] = {1, 2, 3, 0}, pc[4] = {1.4, 2.6, 3.0, 0.49}; /* rounded: 1 3 3 0 */
    vstats c;
    CHECK(vstats_compute(yc, pc, 4, &o, &c) == SNAC_OK);
    CHECK_NEAR(c.v[VS_EXACT], 75.0, 1e-12);
    /* |e| <= 0.2 max(|y|, 1): 0.4 <= 0.2 no, 0.6 <= 0.4 no, 0 yes, 0.49 <= 0.2 no */
    CHECK_NEAR(c.v[VS_WITHIN20], 25.0, 1e-12);
    /* Y/P above: |e| = 3 2 3 8 2 against 2 4 6 8 0.2 */
    CHECK_NEAR(s.v[VS_WITHIN20], 60.0, 1e-12);
    for (int k = 0; k < VS_COUNT; k++)
        CHECK(isnan(s.lo[k]) && isnan(s.hi[k]));
}

static void vstats_should_give_reproducible_bootstrap_intervals_around_the_estimate(void)
{
    enum { N = 200 };
    double *y = malloc(N * sizeof *y), *p = malloc(N * sizeof *p);
    for (int i = 0; i < N; i++) {
        y[i] = 100 + i;
        p[i] = y[i] * (1 + 0.1 * sin(i * 1.7)); /* |e|/y up to 10% */
    }
    vstats a, b, c;
    vstats_opts o = VSTATS_OPTS_INIT;
    o.n_boot = 500;
    CHECK(vstats_compute(y, p, N, &o, &a) == SNAC_OK);
    CHECK(vstats_compute(y, p, N, &o, &b) == SNAC_OK);
    o.seed = 12345;
    CHECK(vstats_compute(y, p, N, &o, &c) == SNAC_OK);
    int same = 1, differ = 0;
    for (int k = 0; k < VS_COUNT; k++) {
        same &= a.lo[k] == b.lo[k] && a.hi[k] == b.hi[k];
        differ |= a.lo[k] != c.lo[k];
        CHECK_MSG(a.lo[k] <= a.v[k] && a.v[k] <= a.hi[k], "%s: %g not in [%g, %g]", vstat_names[k], a.v[k],
                  a.lo[k], a.hi[k]);
    }
    CHECK(same);
    CHECK(differ);
    CHECK(a.hi[VS_MAPE] - a.lo[VS_MAPE] < 3.0);
    char *js = NULL;
    CHECK(vstats_json(&a, &js) == SNAC_OK);
    CHECK_STR_CONTAINS(js, "\"mape_ci\":[");
    CHECK_STR_CONTAINS(js, "\"bootstrap\":{\"n\":500,\"seed\":511,\"level\":0.95}");
    free(js);
    free(y);
    free(p);
}

static void vstats_should_mark_undefined_statistics_as_nan(void)
{
    vstats s;
    double y1 = 5, p1 = 4;
    CHECK(vstats_compute(&y1, &p1, 1, NULL, &s) == SNAC_OK); /* n = 1: no spread, no CI */
    CHECK_NEAR(s.v[VS_MAE], 1, 0);
    CHECK(isnan(s.v[VS_R2]) && isnan(s.v[VS_PEARSON]) && isnan(s.v[VS_CAL_SLOPE]) && isnan(s.lo[VS_MAE]));
    double y0[2] = {0, 0}, p0[2] = {1, 3};
    CHECK(vstats_compute(y0, p0, 2, NULL, &s) == SNAC_OK); /* all actuals 0: no % errors */
    CHECK(s.n_ape == 0 && isnan(s.v[VS_MAPE]) && isnan(s.v[VS_MDAPE]) && isnan(s.v[VS_R2]));
    char *js = NULL;
    CHECK(vstats_json(&s, &js) == SNAC_OK);
    CHECK_STR_CONTAINS(js, "\"mape\":null");
    free(js);
    CHECK(vstats_compute(NULL, NULL, 0, NULL, &s) == SNAC_OK && s.n == 0);
}

static void vstats_should_reject_non_finite_pairs_and_bad_levels(void)
{
    vstats s;
    double y[2] = {1, NAN}, p[2] = {1, 2};
    CHECK(vstats_compute(y, p, 2, NULL, &s) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "pair 1 is not finite");
    vstats_opts o = VSTATS_OPTS_INIT;
    o.level = 1.5;
    CHECK(vstats_compute(Y, P, 5, &o, &s) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "confidence level");
}

int main(void)
{
    gsl_set_error_handler_off();
    TEST(vstats_should_match_the_hand_computed_example);
    TEST(vstats_should_give_reproducible_bootstrap_intervals_around_the_estimate);
    TEST(vstats_should_mark_undefined_statistics_as_nan);
    TEST(vstats_should_reject_non_finite_pairs_and_bad_levels);
    return check_report();
}
