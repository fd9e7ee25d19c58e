/* surr_fit — GSL least squares and the per-target version fit; see surr_fit.h.
 *
 * Memory: GSL matrices/workspaces and malloc'd scratch, all freed before return.
 * Workload: milliseconds per version fit.
 */
#include "surrogate/surr_fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_vector.h>

#include "util/err.h"

const char *const surr_fit_method_names[SURR_FIT_COUNT] = {"ols", "ridge-gcv", "ridge-lcurve", "robust"};
_Static_assert(sizeof surr_fit_method_names / sizeof *surr_fit_method_names == SURR_FIT_COUNT, "fit names");

#define N_LAMBDA 200

static int gsl_fail(int gsl_status, const char *what)
{
    return snac_err_set(SNAC_ERANGE, "GSL %s failed: %s", what, gsl_strerror(gsl_status));
}

/* ------------------------------------------------------------ OLS and robust */

static int fit_plain(const double *X, const double *y, const double *w, size_t n, size_t p,
                     enum surr_fit_method m, double *coef, double *se, surr_fit_info *info)
{
    int rc = SNAC_OK, st;
    gsl_matrix *A = gsl_matrix_alloc(n, p), *cov = gsl_matrix_alloc(p, p);
    gsl_vector *b = gsl_vector_alloc(n), *c = gsl_vector_alloc(p), *wv = w ? gsl_vector_alloc(n) : NULL;
    if (!A || !cov || !b || !c || (w && !wv)) {
        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < p; j++)
            gsl_matrix_set(A, i, j, X[i * p + j]);
        gsl_vector_set(b, i, y[i]);
        if (wv)
            gsl_vector_set(wv, i, w[i]);
    }
    double chisq = 0;
    if (m == SURR_FIT_ROBUST) {
        if (wv) { /* robust weights are its own; fold sample weights into the rows */
            for (size_t i = 0; i < n; i++) {
                double s = sqrt(w[i]);
                gsl_vector_view r = gsl_matrix_row(A, i);
                gsl_vector_scale(&r.vector, s);
                gsl_vector_set(b, i, y[i] * s);
            }
        }
        gsl_multifit_robust_workspace *rw = gsl_multifit_robust_alloc(gsl_multifit_robust_bisquare, n, p);
        if (!rw) {
            rc = snac_err_set(SNAC_ENOMEM, "out of memory");
            goto out;
        }
        st = gsl_multifit_robust(A, b, c, cov, rw);
        gsl_multifit_robust_stats rs = gsl_multifit_robust_statistics(rw);
        chisq = rs.sse;
        gsl_multifit_robust_free(rw);
        if (st && st != GSL_EMAXITER) { /* GSL_EMAXITER still leaves the last iterate, usable */
            rc = gsl_fail(st, "multifit_robust");
            goto out;
        }
    } else {
        gsl_multifit_linear_workspace *lw = gsl_multifit_linear_alloc(n, p);
        if (!lw) {
            rc = snac_err_set(SNAC_ENOMEM, "out of memory");
            goto out;
        }
        st = wv ? gsl_multifit_wlinear(A, wv, b, c, cov, &chisq, lw) : gsl_multifit_linear(A, b, c, cov, &chisq, lw);
        gsl_multifit_linear_free(lw);
        if (st) {
            rc = gsl_fail(st, "multifit_linear");
            goto out;
        }
    }
    for (size_t j = 0; j < p; j++) {
        coef[j] = gsl_vector_get(c, j);
        if (se) {
            /* gsl_multifit_wlinear's cov is (X^T W X)^-1 unscaled; linear's is scaled by
             * the residual variance; robust's likewise. Report sigma-scaled errors. */
            double v = gsl_matrix_get(cov, j, j);
            if (wv && m != SURR_FIT_ROBUST)
                v *= n > p ? chisq / (double)(n - p) : NAN;
            se[j] = sqrt(v);
        }
    }
    info->chisq = chisq;
    info->lambda = 0;
out:
    gsl_matrix_free(A);
    gsl_matrix_free(cov);
    gsl_vector_free(b);
    gsl_vector_free(c);
    gsl_vector_free(wv);
    return rc;
}

/* -------------------------------------------------------------------- ridge */

static int fit_ridge(const double *X, const double *y, const double *w, size_t n, size_t p,
                     enum surr_fit_method m, double *coef, double *se, surr_fit_info *info)
{
    int rc = SNAC_OK, st;
    double *mean = calloc(p, sizeof *mean), *scale = calloc(p, sizeof *scale);
    size_t *cols = calloc(p, sizeof *cols);
    gsl_matrix *Z = NULL;
    gsl_vector *yc = NULL, *c = NULL, *reg = NULL, *g = NULL, *rho = NULL, *eta = NULL;
    gsl_multifit_linear_workspace *lw = NULL;
    if (!mean || !scale || !cols) {
        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        goto out;
    }
    /* weighted means; constant columns: the intercept (unpenalised) or dropped */
    double wsum = 0, ybar = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        wsum += wi;
        ybar += wi * y[i];
        for (size_t j = 0; j < p; j++)
            mean[j] += wi * X[i * p + j];
    }
    ybar /= wsum;
    long intercept = -1;
    size_t q = 0;
    for (size_t j = 0; j < p; j++) {
        mean[j] /= wsum;
        double ss = 0;
        for (size_t i = 0; i < n; i++) {
            double d = X[i * p + j] - mean[j];
            ss += (w ? w[i] : 1.0) * d * d;
        }
        scale[j] = sqrt(ss / wsum);
        if (!(scale[j] > 1e-12 * (fabs(mean[j]) + 1e-300))) {
            scale[j] = 0;
            if (intercept < 0 && mean[j] != 0)
                intercept = (long)j;
        } else {
            cols[q++] = j;
        }
    }
    memset(coef, 0, p * sizeof *coef);
    if (se)
        for (size_t j = 0; j < p; j++)
            se[j] = NAN;
    if (q == 0) {
        if (intercept >= 0)
            coef[intercept] = ybar / mean[intercept];
        info->lambda = 0;
        goto stats;
    }
    if (n < 2) {
        rc = snac_err_set(SNAC_EINVAL, "ridge fit needs at least 2 samples");
        goto out;
    }
    Z = gsl_matrix_alloc(n, q);
    yc = gsl_vector_alloc(n);
    c = gsl_vector_alloc(q);
    reg = gsl_vector_alloc(N_LAMBDA);
    g = gsl_vector_alloc(N_LAMBDA);
    rho = gsl_vector_alloc(N_LAMBDA);
    eta = gsl_vector_alloc(N_LAMBDA);
    lw = gsl_multifit_linear_alloc(n, q);
    if (!Z || !yc || !c || !reg || !g || !rho || !eta || !lw) {
        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        double sw = sqrt(w ? w[i] : 1.0);
        for (size_t k = 0; k < q; k++) {
            size_t j = cols[k];
            double v = intercept >= 0 ? X[i * p + j] - mean[j] : X[i * p + j];
            gsl_matrix_set(Z, i, k, sw * v / scale[j]);
        }
        gsl_vector_set(yc, i, sw * (intercept >= 0 ? y[i] - ybar : y[i]));
    }
    if ((st = gsl_multifit_linear_svd(Z, lw))) {
        rc = gsl_fail(st, "multifit_linear_svd");
        goto out;
    }
    double lambda = 0, glam = 0;
    if (m == SURR_FIT_RIDGE_GCV || q < 3) {
        /* GCV over our own grid 1e-6*s_max .. s_max: GSL's grid spans s_min..s_max, which
         * collapses to one point when there is a single (or two close) singular values.
         * The L-curve needs >= 3 points of curvature, so it falls back to GCV below 3 columns. */
        gsl_vector *uty = gsl_vector_alloc(q);
        double delta0 = 0;
        if (!uty) {
            rc = snac_err_set(SNAC_ENOMEM, "out of memory");
            goto out;
        }
        st = gsl_multifit_linear_gcv_init(yc, reg, uty, &delta0, lw);
        if (!st) {
            double smax = gsl_vector_get(lw->S, 0);
            for (size_t k = 0; k < N_LAMBDA; k++)
                gsl_vector_set(reg, k, smax * pow(10.0, -6.0 * (double)k / (N_LAMBDA - 1)));
            st = gsl_multifit_linear_gcv_curve(reg, uty, delta0, g, lw);
        }
        if (!st)
            st = gsl_multifit_linear_gcv_min(reg, uty, g, delta0, &lambda, lw);
        gsl_vector_free(uty);
        (void)glam;
        if (st) {
            rc = gsl_fail(st, "multifit_linear_gcv");
            goto out;
        }
    } else {
        size_t idx = 0;
        if ((st = gsl_multifit_linear_lcurve(yc, reg, rho, eta, lw)) ||
            (st = gsl_multifit_linear_lcorner(rho, eta, &idx))) {
            rc = gsl_fail(st, "multifit_linear_lcurve");
            goto out;
        }
        lambda = gsl_vector_get(reg, idx);
    }
    double rnorm, snorm;
    if ((st = gsl_multifit_linear_solve(lambda, Z, yc, c, &rnorm, &snorm, lw))) {
        rc = gsl_fail(st, "multifit_linear_solve");
        goto out;
    }
    double shift = 0;
    for (size_t k = 0; k < q; k++) {
        size_t j = cols[k];
        coef[j] = gsl_vector_get(c, k) / scale[j];
        shift += coef[j] * mean[j];
    }
    if (intercept >= 0)
        coef[intercept] = (ybar - shift) / mean[intercept];
    info->lambda = lambda;
stats:
    info->chisq = 0;
    for (size_t i = 0; i < n; i++) {
        double f = 0;
        for (size_t j = 0; j < p; j++)
            f += X[i * p + j] * coef[j];
        info->chisq += (w ? w[i] : 1.0) * (y[i] - f) * (y[i] - f);
    }
out:
    free(mean);
    free(scale);
    free(cols);
    gsl_matrix_free(Z);
    gsl_vector_free(yc);
    gsl_vector_free(c);
    gsl_vector_free(reg);
    gsl_vector_free(g);
    gsl_vector_free(rho);
    gsl_vector_free(eta);
    if (lw)
        gsl_multifit_linear_free(lw);
    return rc;
}

int surr_fit_linear(const double *X, const double *y, const double *w, size_t n, size_t p,
                    enum surr_fit_method m, double *coef, double *se, surr_fit_info *info)
{
    surr_fit_info tmp;
    if (!info)
        info = &tmp;
    memset(info, 0, sizeof *info);
    info->n = n;
    info->p = p;
    if (p == 0 || n == 0)
        return snac_err_set(SNAC_EINVAL, "fit: empty problem (%zu samples, %zu parameters)", n, p);
    if ((unsigned)m >= SURR_FIT_COUNT)
        return snac_err_set(SNAC_EINVAL, "fit: unknown method %d", (int)m);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]) || (w && !(w[i] > 0)))
            return snac_err_set(SNAC_EINVAL, "fit: sample %zu has a non-finite value or non-positive weight", i);
        for (size_t j = 0; j < p; j++)
            if (!isfinite(X[i * p + j]))
                return snac_err_set(SNAC_EINVAL, "fit: X[%zu,%zu] is not finite", i, j);
    }
    int rc;
    if (m == SURR_FIT_OLS || m == SURR_FIT_ROBUST) {
        if (n < p)
            return snac_err_set(SNAC_EINVAL, "fit: %zu samples cannot determine %zu parameters by %s", n, p,
                                surr_fit_method_names[m]);
        rc = fit_plain(X, y, w, n, p, m, coef, se, info);
    } else {
        rc = fit_ridge(X, y, w, n, p, m, coef, se, info);
    }
    if (rc)
        return rc;
    /* weighted R^2 */
    double wsum = 0, ybar = 0, tss = 0;
    for (size_t i = 0; i < n; i++) {
        wsum += w ? w[i] : 1.0;
        ybar += (w ? w[i] : 1.0) * y[i];
    }
    ybar /= wsum;
    for (size_t i = 0; i < n; i++)
        tss += (w ? w[i] : 1.0) * (y[i] - ybar) * (y[i] - ybar);
    info->r2 = tss > 0 ? 1.0 - info->chisq / tss : 1.0;
    return SNAC_OK;
}

/* ----------------------------------------------------------- version fitting */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fit target t on the samples with include[i] set (and y measured); result in tm. */
static int fit_target(const surr_sample *s, size_t n, const unsigned char *include, enum surr_target t,
                      const surr_fit_options *o, surr_target_model *tm, double *lambda, double *scratch_X,
                      double *scratch_y, double *scratch_w)
{
    uint32_t mask = surr_basis_default_mask(t);
    uint32_t mono = o->monotone ? surr_basis_monotone_mask() : 0;
    memset(tm, 0, sizeof *tm);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (include[i] && isfinite(s[i].y[t]))
            m++;
    if (m < o->min_samples) {
        tm->flags = SURR_TM_NO_DATA;
        tm->mask = 0;
        *lambda = 0;
        return SNAC_OK;
    }
    for (int iter = 0; iter < SURR_B_COUNT; iter++) {
        int idx[SURR_B_COUNT];
        size_t p = 0;
        for (int k = 0; k < SURR_B_COUNT; k++)
            if (mask & (1u << k))
                idx[p++] = k;
        size_t r = 0;
        for (size_t i = 0; i < n; i++) {
            if (!include[i] || !isfinite(s[i].y[t]))
                continue;
            double phi[SURR_B_COUNT];
            surr_basis_eval(&s[i].x, phi);
            for (size_t j = 0; j < p; j++)
                scratch_X[r * p + j] = phi[idx[j]];
            scratch_y[r] = log1p(s[i].y[t] > 0 ? s[i].y[t] : 0);
            scratch_w[r] = s[i].weight;
            r++;
        }
        double c[SURR_B_COUNT];
        surr_fit_info info;
        int rc = surr_fit_linear(scratch_X, scratch_y, scratch_w, r, p, o->method, c, NULL, &info);
        if (rc)
            return snac_err_prefix(rc, "target %s: ", surr_target_names[t]);
        /* monotone: drop the most negative constrained coefficient and refit */
        int worst = -1;
        double worst_v = 0;
        for (size_t j = 0; j < p; j++)
            if ((mono & (1u << idx[j])) && c[j] < worst_v) {
                worst_v = c[j];
                worst = idx[j];
            }
        if (worst < 0) {
            memset(tm->coef, 0, sizeof tm->coef);
            for (size_t j = 0; j < p; j++)
                tm->coef[idx[j]] = c[j];
            tm->mask = mask;
            tm->flags = SURR_TM_FITTED;
            *lambda = info.lambda;
            return SNAC_OK;
        }
        mask &= ~(1u << worst);
    }
    return snac_err_set(SNAC_ERANGE, "target %s: monotone fit did not converge", surr_target_names[t]);
}

static double predict_one(const surr_target_model *tm, const surr_features *x)
{
    if (tm->flags & SURR_TM_NO_DATA)
        return 0;
    double phi[SURR_B_COUNT], z = 0;
    surr_basis_eval(x, phi);
    for (int k = 0; k < SURR_B_COUNT; k++)
        z += tm->coef[k] * phi[k];
    double y = expm1(z);
    return y > 0 ? y : 0;
}

static double ape(double pred, double y) { return fabs(pred - y) / (y > 1 ? y : 1); }

int surr_fit_version(const surr_sample *s, size_t n, const surr_fit_options *o, surr_version *v,
                     surr_fit_report *rep)
{
    int rc = SNAC_OK;
    memset(rep, 0, sizeof *rep);
    unsigned char *include = malloc(n ? n : 1);
    double *X = malloc((n ? n : 1) * SURR_B_COUNT * sizeof *X);
    double *y = malloc((n ? n : 1) * sizeof *y), *w = malloc((n ? n : 1) * sizeof *w);
    double *err = malloc((n ? n : 1) * sizeof *err), *pred = malloc((n ? n : 1) * sizeof *pred);
    if (!include || !X || !y || !w || !err || !pred) {
        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        goto out;
    }
    snprintf(v->family, sizeof v->family, "loglin-%s", surr_fit_method_names[o->method]);
    v->basis_version = SURR_BASIS_VERSION;
    memset(include, 1, n);
    for (int t = 0; t < SURR_T_COUNT; t++) {
        surr_target_stats *st = &rep->t[t];
        if ((rc = fit_target(s, n, include, (enum surr_target)t, o, &v->t[t], &st->lambda, X, y, w)))
            goto out;
        /* in-sample errors */
        size_t m = 0;
        double se = 0, sum_ape = 0, ybar = 0, tss = 0;
        for (size_t i = 0; i < n; i++)
            if (isfinite(s[i].y[t])) {
                ybar += log1p(s[i].y[t]);
                m++;
            }
        st->n = m;
        if (m == 0)
            continue;
        ybar /= (double)m;
        m = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(s[i].y[t]))
                continue;
            double p = predict_one(&v->t[t], &s[i].x);
            double d = log1p(p) - log1p(s[i].y[t]);
            se += d * d;
            tss += (log1p(s[i].y[t]) - ybar) * (log1p(s[i].y[t]) - ybar);
            err[m] = ape(p, s[i].y[t]);
            sum_ape += err[m];
            m++;
        }
        qsort(err, m, sizeof *err, cmp_double);
        st->mape = sum_ape / (double)m;
        st->mdape = m % 2 ? err[m / 2] : 0.5 * (err[m / 2 - 1] + err[m / 2]);
        st->rmse_log = sqrt(se / (double)m);
        st->r2_log = tss > 0 ? 1.0 - se / tss : 1.0;
        if (!o->cross_validate || (v->t[t].flags & SURR_TM_NO_DATA))
            continue;
        /* leave-one-group-out */
        int gmax = -1;
        for (size_t i = 0; i < n; i++)
            if (s[i].group > gmax)
                gmax = s[i].group;
        size_t k = 0;
        double cse = 0, csum = 0;
        for (int g = 0; g <= gmax; g++) {
            size_t held = 0;
            for (size_t i = 0; i < n; i++) {
                include[i] = s[i].group != g;
                held += !include[i] && isfinite(s[i].y[t]);
            }
            if (held == 0)
                continue;
            surr_target_model tm;
            double lam;
            if ((rc = fit_target(s, n, include, (enum surr_target)t, o, &tm, &lam, X, y, w)))
                goto out;
            if (tm.flags & SURR_TM_NO_DATA)
                continue;
            st->cv_groups++;
            for (size_t i = 0; i < n; i++) {
                if (include[i] || !isfinite(s[i].y[t]))
                    continue;
                double p = predict_one(&tm, &s[i].x);
                double d = log1p(p) - log1p(s[i].y[t]);
                cse += d * d;
                err[k] = ape(p, s[i].y[t]);
                csum += err[k];
                k++;
            }
        }
        memset(include, 1, n);
        st->cv_n = k;
        if (k) {
            qsort(err, k, sizeof *err, cmp_double);
            st->cv_mape = csum / (double)k;
            st->cv_mdape = k % 2 ? err[k / 2] : 0.5 * (err[k / 2 - 1] + err[k / 2]);
            st->cv_rmse_log = sqrt(cse / (double)k);
        }
    }
out:
    free(include);
    free(X);
    free(y);
    free(w);
    free(err);
    free(pred);
    return rc;
}

int surr_fit_report_json(const surr_fit_report *rep, const surr_fit_options *o, char **json)
{
    size_t cap = 4096;
    char *b = malloc(cap);
    if (!b)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    size_t u = 0;
    u += (size_t)snprintf(b + u, cap - u, "{\"method\":\"%s\",\"monotone\":%s,\"cv\":\"leave-one-group-out\","
                          "\"error\":\"|pred-y|/max(y,1)\",\"targets\":{",
                          surr_fit_method_names[o->method], o->monotone ? "true" : "false");
    for (int t = 0; t < SURR_T_COUNT && u < cap; t++) {
        const surr_target_stats *s = &rep->t[t];
        u += (size_t)snprintf(b + u, cap - u,
                              "%s\"%s\":{\"n\":%zu,\"lambda\":%.6g,\"mape\":%.6g,\"mdape\":%.6g,\"rmse_log\":%.6g,"
                              "\"r2_log\":%.6g,\"cv_n\":%zu,\"cv_groups\":%d,\"cv_mape\":%.6g,\"cv_mdape\":%.6g,"
                              "\"cv_rmse_log\":%.6g}",
                              t ? "," : "", surr_target_names[t], s->n, s->lambda, s->mape, s->mdape, s->rmse_log,
                              s->r2_log, s->cv_n, s->cv_groups, s->cv_mape, s->cv_mdape, s->cv_rmse_log);
    }
    if (u + 3 >= cap) {
        free(b);
        return snac_err_set(SNAC_ERANGE, "fit report JSON too long");
    }
    memcpy(b + u, "}}", 3);
    *json = b;
    return SNAC_OK;
}
