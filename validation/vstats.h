/* vstats — error statistics of predictions against real synthesis numbers, all
 * through GSL (gsl_stats_*, gsl_sort, gsl_fit_linear, gsl_rng), with seeded
 * percentile-bootstrap confidence intervals.
 *
 * For actual y_i and predicted p_i, i < n, e_i = y_i - p_i:
 *   mae            mean |e|
 *   rmse           sqrt(mean e^2)
 *   mape           100 * mean(|e| / |y|)            over rows with y != 0 (n_ape of them)
 *   smape          100 * mean(2|e| / (|y| + |p|))   (a row with y = p = 0 counts 0)
 *   smape_rule4ml  200 * mean(|e| / (|y| + |p| + 1))   (rule4ml's definition)
 *   r2             1 - sum e^2 / sum (y - mean y)^2
 *   bias           mean(p - y)                       (> 0: the surrogate over-predicts)
 *   pearson        gsl_stats_correlation(y, p)
 *   spearman       gsl_stats_spearman(y, p)          (ties get mean ranks)
 *   mdape, p90ape  median and 90th percentile of 100|e|/|y| (y != 0), GSL's
 *                  interpolated quantile: position (n_ape-1)*f in the sorted values
 *   cal_slope, cal_intercept   gsl_fit_linear of actual on predicted, y = a + b p
 *                  (perfect calibration: b = 1, a = 0)
 *   exact          100 * share of rows with round(p) == y: for counts (DSP, cycles), where
 *                  an estimate one off is wrong
 *   within20       100 * share of rows with |e| <= 0.2 * max(|y|, 1) (issue 12's latency target)
 * A statistic that is undefined (n < 2, zero variance, no y != 0) is NaN.
 * Confidence intervals: n_boot resamples of the n pairs with replacement drawn by
 * a gsl_rng mt19937 seeded with `seed` (same seed, same intervals); the interval
 * is the (1-level)/2 and (1+level)/2 quantiles of the finite resampled values.
 *
 * Memory: vstats_compute allocates its scratch (O(n + n_boot * VS_COUNT)) and
 * frees it before returning; vstats_json returns a malloc'd string.
 * Workload: a few hundred to ten thousand pairs, 1000 resamples: well under a second.
 */
#ifndef SNAC_VALIDATION_VSTATS_H
#define SNAC_VALIDATION_VSTATS_H

#include <stddef.h>
#include <stdint.h>

enum vstat {
    VS_MAE, VS_RMSE, VS_MAPE, VS_SMAPE, VS_SMAPE_R4ML, VS_R2, VS_BIAS, VS_PEARSON, VS_SPEARMAN,
    VS_MDAPE, VS_P90APE, VS_CAL_SLOPE, VS_CAL_INTERCEPT, VS_EXACT, VS_WITHIN20,
    VS_COUNT
};
/* "mae", "rmse", "mape", "smape", "smape_rule4ml", "r2", "bias", "pearson", "spearman",
 * "mdape", "p90ape", "cal_slope", "cal_intercept", "exact", "within20" (the JSON keys) */
extern const char *const vstat_names[VS_COUNT];

typedef struct vstats_opts {
    size_t n_boot;      /* bootstrap resamples; 0 = no intervals */
    uint64_t seed;      /* gsl_rng mt19937 seed */
    double level;       /* interval coverage, e.g. 0.95 */
} vstats_opts;
#define VSTATS_OPTS_INIT ((vstats_opts){1000, 511, 0.95})

typedef struct vstats {
    size_t n;                       /* pairs */
    size_t n_ape;                   /* pairs with y != 0 (mape, mdape, p90ape) */
    double v[VS_COUNT];             /* point estimates */
    double lo[VS_COUNT], hi[VS_COUNT]; /* bootstrap interval; NaN when not computed */
    size_t n_boot;
    uint64_t seed;
    double level;
} vstats;

/* Statistics of y[0..n) against p[0..n). Non-finite inputs are an error. */
int vstats_compute(const double *y, const double *p, size_t n, const vstats_opts *o, vstats *out);

/* {"n":..,"n_ape":..,"mae":..,"mae_ci":[lo,hi],...,"bootstrap":{"n":..,"seed":..,"level":..}}
 * NaN is written as null. *json is malloc'd. */
int vstats_json(const vstats *s, char **json);

#endif
