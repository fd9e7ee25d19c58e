/* vstats — error statistics and bootstrap intervals; definitions in vstats.h.
 *
 * Memory: one scratch block per vstats_compute call (pairs, errors, ranks
 * workspace, resample buffers, n_boot x VS_COUNT resampled statistics), freed
 * before returning. Workload: O(n_boot * n log n).
 */
#include "validation/vstats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "util/err.h"

const char *const vstat_names[VS_COUNT] = {
    "mae", "rmse", "mape", "smape", "smape_rule4ml", "r2", "bias", "pearson", "spearman",
    "mdape", "p90ape", "cal_slope", "cal_intercept", "exact", "within20",
};

/* ---- point estimates ---------------------------------------------------------- */

typedef struct scratch {
    double *abs_e;   /* (n) |y - p| */
    double *e;       /* (n) y - p */
    double *ape;     /* (n) 100 |e| / |y| for y != 0, packed */
    double *ratio;   /* (n) per-row smape terms */
    double *rank_w;  /* (2n) gsl_stats_spearman workspace */
} scratch;

static void point(const double *y, const double *p, size_t n, const scratch *w, double v[VS_COUNT], size_t *n_ape)
{
    size_t na = 0;
    for (size_t i = 0; i < n; i++) {
        double e = y[i] - p[i];
        w->e[i] = e;
        w->abs_e[i] = fabs(e);
        if (y[i] != 0)
            w->ape[na++] = 100.0 * fabs(e) / fabs(y[i]);
    }
    *n_ape = na;
    for (int k = 0; k < VS_COUNT; k++)
        v[k] = NAN;
    if (n == 0)
        return;
    v[VS_MAE] = gsl_stats_mean(w->abs_e, 1, n);
    v[VS_RMSE] = sqrt(gsl_stats_tss_m(w->e, 1, n, 0.0) / (double)n); /* sum e^2 about 0 */
    v[VS_BIAS] = -gsl_stats_mean(w->e, 1, n);                        /* mean(p - y) */
    size_t hits = 0;
    for (size_t i = 0; i < n; i++)
        hits += round(p[i]) == y[i];
    v[VS_EXACT] = 100.0 * (double)hits / (double)n;
    hits = 0;
    for (size_t i = 0; i < n; i++)
        hits += w->abs_e[i] <= 0.2 * fmax(fabs(y[i]), 1.0);
    v[VS_WITHIN20] = 100.0 * (double)hits / (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(y[i]) + fabs(p[i]);
        w->ratio[i] = d > 0 ? 2.0 * w->abs_e[i] / d : 0.0;
    }
    v[VS_SMAPE] = 100.0 * gsl_stats_mean(w->ratio, 1, n);
    for (size_t i = 0; i < n; i++)
        w->ratio[i] = w->abs_e[i] / (fabs(y[i]) + fabs(p[i]) + 1.0);
    v[VS_SMAPE_R4ML] = 200.0 * gsl_stats_mean(w->ratio, 1, n);
    if (na > 0) {
        v[VS_MAPE] = gsl_stats_mean(w->ape, 1, na);
        gsl_sort(w->ape, 1, na);
        v[VS_MDAPE] = gsl_stats_quantile_from_sorted_data(w->ape, 1, na, 0.5);
        v[VS_P90APE] = gsl_stats_quantile_from_sorted_data(w->ape, 1, na, 0.9);
    }
    if (n < 2)
        return;
    double tss = gsl_stats_tss(y, 1, n);
    if (tss > 0)
        v[VS_R2] = 1.0 - gsl_stats_tss_m(w->e, 1, n, 0.0) / tss;
    double sy = gsl_stats_sd(y, 1, n), sp = gsl_stats_sd(p, 1, n);
    if (sy > 0 && sp > 0) {
        v[VS_PEARSON] = gsl_stats_correlation(y, 1, p, 1, n);
        v[VS_SPEARMAN] = gsl_stats_spearman(y, 1, p, 1, n, w->rank_w);
        double c0, c1, cov00, cov01, cov11, sumsq;
        if (gsl_fit_linear(p, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq) == GSL_SUCCESS) {
            v[VS_CAL_SLOPE] = c1;
            v[VS_CAL_INTERCEPT] = c0;
        }
    }
}

/* ---- bootstrap ------------------------------------------------------------------ */

int vstats_compute(const double *y, const double *p, size_t n, const vstats_opts *o, vstats *out)
{
    vstats_opts opts = o ? *o : VSTATS_OPTS_INIT;
    memset(out, 0, sizeof *out);
    out->n = n;
    out->n_boot = opts.n_boot;
    out->seed = opts.seed;
    out->level = opts.level;
    for (int k = 0; k < VS_COUNT; k++)
        out->v[k] = out->lo[k] = out->hi[k] = NAN;
    if (!(opts.level > 0 && opts.level < 1))
        return snac_err_set(SNAC_EINVAL, "vstats: confidence level %g is not in (0, 1)", opts.level);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(y[i]) || !isfinite(p[i]))
            return snac_err_set(SNAC_EINVAL, "vstats: pair %zu is not finite (actual %g, predicted %g)", i, y[i], p[i]);
    if (n == 0)
        return SNAC_OK;
    size_t boot = n >= 2 ? opts.n_boot : 0;
    /* layout: 6n for scratch, 2n for resampled pairs, boot*VS_COUNT results, boot for one column */
    size_t total = 8 * n + boot * VS_COUNT + boot;
    double *blk = malloc(total * sizeof *blk);
    if (!blk)
        return snac_err_set(SNAC_ENOMEM, "vstats: out of memory (%zu pairs, %zu resamples)", n, boot);
    scratch w = {blk, blk + n, blk + 2 * n, blk + 3 * n, blk + 4 * n};
    double *yb = blk + 6 * n, *pb = blk + 7 * n;    /* (n) each */
    double *res = blk + 8 * n;                       /* (boot, VS_COUNT) row-major */
    double *col = res + boot * VS_COUNT;             /* (boot) */
    point(y, p, n, &w, out->v, &out->n_ape);
    if (boot > 0) {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        if (!r) {
            free(blk);
            return snac_err_set(SNAC_ENOMEM, "vstats: gsl_rng_alloc failed");
        }
        gsl_rng_set(r, (unsigned long)opts.seed);
        for (size_t b = 0; b < boot; b++) {
            for (size_t i = 0; i < n; i++) {
                size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)n);
                yb[i] = y[j];
                pb[i] = p[j];
            }
            size_t na;
            point(yb, pb, n, &w, res + b * VS_COUNT, &na);
        }
        gsl_rng_free(r);
        double a = (1.0 - opts.level) / 2;
        for (int k = 0; k < VS_COUNT; k++) {
            size_t m = 0;
            for (size_t b = 0; b < boot; b++)
                if (isfinite(res[b * VS_COUNT + (size_t)k]))
                    col[m++] = res[b * VS_COUNT + (size_t)k];
            if (m < 2)
                continue;
            gsl_sort(col, 1, m);
            out->lo[k] = gsl_stats_quantile_from_sorted_data(col, 1, m, a);
            out->hi[k] = gsl_stats_quantile_from_sorted_data(col, 1, m, 1.0 - a);
        }
    }
    free(blk);
    return SNAC_OK;
}

/* ---- JSON ------------------------------------------------------------------------ */

static size_t put_num(char *b, size_t cap, double x)
{
    return (size_t)(isfinite(x) ? snprintf(b, cap, "%.17g", x) : snprintf(b, cap, "null"));
}

int vstats_json(const vstats *s, char **json)
{
    size_t cap = 256 + VS_COUNT * 128, u = 0;
    char *b = malloc(cap);
    if (!b)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    u += (size_t)snprintf(b + u, cap - u, "{\"n\":%zu,\"n_ape\":%zu", s->n, s->n_ape);
    for (int k = 0; k < VS_COUNT; k++) {
        u += (size_t)snprintf(b + u, cap - u, ",\"%s\":", vstat_names[k]);
        u += put_num(b + u, cap - u, s->v[k]);
        u += (size_t)snprintf(b + u, cap - u, ",\"%s_ci\":[", vstat_names[k]);
        u += put_num(b + u, cap - u, s->lo[k]);
        u += (size_t)snprintf(b + u, cap - u, ",");
        u += put_num(b + u, cap - u, s->hi[k]);
        u += (size_t)snprintf(b + u, cap - u, "]");
    }
    snprintf(b + u, cap - u, ",\"bootstrap\":{\"n\":%zu,\"seed\":%llu,\"level\":%g}}", s->n_boot,
             (unsigned long long)s->seed, s->level);
    *json = b;
    return SNAC_OK;
}
