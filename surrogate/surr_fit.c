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
#include <gsl/gsl_linalg.h>
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

/* ---------------------------------------------------------------------- NNLS */

/* The normal equations of A (m, p) row-major, b (m): G = A'A (p, p), g = A'b (p).
 * The fits below work on them: p is at most the basis size, m up to 10^4 rows,
 * so forming G once costs O(m p^2) and every active-set step is a p x p solve. */
static void gram(const double *A, const double *b, size_t m, size_t p, double *G, double *g)
{
    memset(G, 0, p * p * sizeof *G);
    memset(g, 0, p * sizeof *g);
    for (size_t i = 0; i < m; i++) {
        const double *r = A + i * p;
        for (size_t j = 0; j < p; j++) {
            if (r[j] == 0)
                continue;
            g[j] += r[j] * b[i];
            for (size_t k = j; k < p; k++)
                G[j * p + k] += r[j] * r[k];
        }
    }
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k < j; k++)
            G[j * p + k] = G[k * p + j];
}

/* Solve G_PP z_P = g_P on the columns idx[0..q) by GSL's SVD (singular values
 * below 1e-12 of the largest dropped: a pseudo-inverse, so collinear sets do not
 * fail). z (p) is 0 outside idx. cov (q, q) when not NULL: the pseudo-inverse of G_PP. */
static int gram_solve(const double *G, const double *g, size_t p, const size_t *idx, size_t q, double *z,
                      double *cov)
{
    for (size_t j = 0; j < p; j++)
        z[j] = 0;
    if (q == 0)
        return SNAC_OK;
    int rc = SNAC_OK;
    gsl_matrix *U = gsl_matrix_alloc(q, q), *V = gsl_matrix_alloc(q, q);
    gsl_vector *S = gsl_vector_alloc(q), *work = gsl_vector_alloc(q);
    if (!U || !V || !S || !work) {
        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < q; k++)
        for (size_t l = 0; l < q; l++)
            gsl_matrix_set(U, k, l, G[idx[k] * p + idx[l]]);
    int st = gsl_linalg_SV_decomp(U, V, S, work);
    if (st) {
        rc = gsl_fail(st, "linalg_SV_decomp");
        goto out;
    }
    double smax = gsl_vector_get(S, 0);
    for (size_t k = 0; k < q; k++) {
        double sk = gsl_vector_get(S, k);
        gsl_vector_set(S, k, sk > 1e-12 * smax ? 1.0 / sk : 0.0); /* S now holds the pseudo-inverse */
    }
    /* G_PP^+ = V diag(1/s) U' */
    for (size_t k = 0; k < q; k++) {
        double zk = 0;
        for (size_t l = 0; l < q; l++) {
            double pinv = 0;
            for (size_t r = 0; r < q; r++)
                pinv += gsl_matrix_get(V, k, r) * gsl_vector_get(S, r) * gsl_matrix_get(U, l, r);
            zk += pinv * g[idx[l]];
            if (cov)
                cov[k * q + l] = pinv;
        }
        z[idx[k]] = zk;
    }
out:
    gsl_matrix_free(U);
    gsl_matrix_free(V);
    gsl_vector_free(S);
    gsl_vector_free(work);
    return rc;
}

int surr_sym_pinv(const double *G, size_t q, double *H)
{
    if (q > SURR_B_COUNT)
        return snac_err_set(SNAC_EINVAL, "pseudo-inverse of a %zu x %zu matrix: at most %d rows", q, q, (int)SURR_B_COUNT);
    size_t idx[SURR_B_COUNT];
    double g[SURR_B_COUNT] = {0}, z[SURR_B_COUNT];
    for (size_t k = 0; k < q; k++)
        idx[k] = k;
    return gram_solve(G, g, q, idx, q, z, H);
}

/* Lawson-Hanson on the normal equations: G (p, p), g (p); x (p) >= 0. */
static int nnls_gram(const double *G, const double *g, size_t p, double *x)
{
    int rc = SNAC_OK;
    double *z = calloc(p, sizeof *z), *w = calloc(p, sizeof *w);
    size_t *idx = calloc(p, sizeof *idx);
    unsigned char *P = calloc(p, 1);
    if (!z || !w || !idx || !P) {
        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t j = 0; j < p; j++)
        x[j] = 0;
    double gmax = 0;
    for (size_t j = 0; j < p; j++)
        gmax = fmax(gmax, fabs(g[j]));
    const double tol = 1e-12 * (gmax + 1e-300);
    for (size_t outer = 0; outer < 3 * p + 3; outer++) {
        long best = -1;
        double wbest = tol;
        for (size_t j = 0; j < p; j++) { /* w = A'(b - A x) = g - G x */
            w[j] = g[j];
            for (size_t k = 0; k < p; k++)
                w[j] -= G[j * p + k] * x[k];
            if (!P[j] && G[j * p + j] > 0 && w[j] > wbest) {
                wbest = w[j];
                best = (long)j;
            }
        }
        if (best < 0)
            break;
        P[best] = 1;
        for (size_t inner = 0; inner < 3 * p + 3; inner++) {
            size_t q = 0;
            for (size_t j = 0; j < p; j++)
                if (P[j])
                    idx[q++] = j;
            if ((rc = gram_solve(G, g, p, idx, q, z, NULL)))
                goto out;
            bool feasible = true;
            for (size_t k = 0; k < q; k++)
                if (z[idx[k]] <= 0)
                    feasible = false;
            if (feasible) {
                memcpy(x, z, p * sizeof *x);
                break;
            }
            double alpha = 1.0;
            for (size_t k = 0; k < q; k++) {
                size_t j = idx[k];
                if (z[j] <= 0) {
                    double a = x[j] / (x[j] - z[j]);
                    if (a < alpha)
                        alpha = a;
                }
            }
            for (size_t k = 0; k < q; k++) {
                size_t j = idx[k];
                x[j] += alpha * (z[j] - x[j]);
                if (x[j] <= 1e-13 * (1.0 + fabs(z[j]))) { /* the step reached the bound */
                    x[j] = 0;
                    P[j] = 0;
                }
            }
        }
    }
out:
    free(z);
    free(w);
    free(idx);
    free(P);
    return rc;
}

/* Column scales of A (m, p): Euclidean norms (0 for an all-zero column). */
static void column_norms(const double *A, size_t m, size_t p, double *scale)
{
    for (size_t j = 0; j < p; j++) {
        double ss = 0;
        for (size_t i = 0; i < m; i++)
            ss += A[i * p + j] * A[i * p + j];
        scale[j] = ss > 0 ? sqrt(ss) : 0;
    }
}

/* G, g of A with its columns divided by scale (0-scale columns stay 0). */
static void scaled_gram(const double *A, const double *b, size_t m, size_t p, const double *scale, double *G,
                        double *g)
{
    gram(A, b, m, p, G, g);
    for (size_t j = 0; j < p; j++) {
        double sj = scale[j] > 0 ? 1.0 / scale[j] : 0;
        g[j] *= sj;
        for (size_t k = 0; k < p; k++)
            G[j * p + k] *= sj * (scale[k] > 0 ? 1.0 / scale[k] : 0);
    }
}

int surr_nnls(const double *A, const double *b, size_t m, size_t p, double *x)
{
    double *scale = calloc(p ? p : 1, sizeof *scale), *G = malloc((p ? p * p : 1) * sizeof *G),
           *g = malloc((p ? p : 1) * sizeof *g);
    if (!scale || !G || !g) {
        free(scale);
        free(G);
        free(g);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    column_norms(A, m, p, scale);
    scaled_gram(A, b, m, p, scale, G, g);
    int rc = nnls_gram(G, g, p, x);
    for (size_t j = 0; j < p; j++)
        x[j] = scale[j] > 0 && x[j] > 0 ? x[j] / scale[j] : 0;
    free(scale);
    free(G);
    free(g);
    return rc;
}

/* ----------------------------------------------------------- version fitting */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* k-th smallest of v[0..n) (v is reordered): Hoare's selection, O(n) on average. */
static double select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

/* Median of v[0..n) by selection (v is reordered); NaN for n == 0. */
static double median_select(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    double hi = select_kth(v, n, n / 2);
    if (n % 2)
        return hi;
    double lo = v[0]; /* the largest of the lower half */
    for (size_t i = 1; i < n / 2; i++)
        if (v[i] > lo)
            lo = v[i];
    return 0.5 * (lo + hi);
}

static double median_of(double *v, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef struct fit_scratch {
    double *A, *b, *w, *h, *r, *phi, *cov;
    double *fixed; /* per row: what the pinned basis terms predict */
    size_t *row;  /* sample index of each design row */
} fit_scratch;

static void scratch_free(fit_scratch *f)
{
    free(f->A);
    free(f->b);
    free(f->w);
    free(f->h);
    free(f->r);
    free(f->phi);
    free(f->cov);
    free(f->fixed);
    free(f->row);
}

static int scratch_alloc(fit_scratch *f, size_t n)
{
    size_t m = n ? n : 1;
    memset(f, 0, sizeof *f);
    f->A = malloc(m * SURR_B_COUNT * sizeof *f->A);
    f->b = malloc(m * sizeof *f->b);
    f->w = malloc(m * sizeof *f->w);
    f->h = malloc(m * sizeof *f->h);
    f->r = malloc(m * sizeof *f->r);
    f->phi = malloc(m * SURR_B_COUNT * sizeof *f->phi);
    f->cov = malloc(SURR_B_COUNT * SURR_B_COUNT * sizeof *f->cov);
    f->row = malloc(m * sizeof *f->row);
    f->fixed = malloc(m * sizeof *f->fixed);
    if (!f->A || !f->b || !f->w || !f->h || !f->r || !f->phi || !f->cov || !f->row || !f->fixed) {
        scratch_free(f);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    return SNAC_OK;
}

/* Per-sample fit weight: sample weight / rows of its group among the included
 * rows measuring t, normalised to mean 1 (every architecture counts alike). */
static size_t group_weights(const surr_sample *s, size_t n, const unsigned char *include, enum surr_target t,
                            fit_scratch *f)
{
    int gmax = -1;
    for (size_t i = 0; i < n; i++)
        if (s[i].group > gmax)
            gmax = s[i].group;
    size_t G = (size_t)(gmax + 1);
    double *cnt = calloc(G ? G : 1, sizeof *cnt);
    size_t m = 0;
    if (!cnt)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (include[i] && isfinite(s[i].y[t]) && s[i].group >= 0)
            cnt[s[i].group] += 1;
    double wsum = 0;
    for (size_t i = 0; i < n; i++) {
        if (!include[i] || !isfinite(s[i].y[t]) || s[i].group < 0)
            continue;
        f->row[m] = i;
        f->w[m] = (s[i].weight > 0 ? s[i].weight : 1.0) / cnt[s[i].group];
        wsum += f->w[m];
        m++;
    }
    for (size_t k = 0; k < m; k++)
        f->w[k] *= (double)m / wsum;
    free(cnt);
    return m;
}

/* Fit target t with DSP threshold `bits` on the rows f->row[0..m) (weights f->w).
 * Returns the robust weighted loss in *loss. */
static int fit_target_rows(const surr_sample *s, size_t m, enum surr_target t, const surr_fit_options *o, int bits,
                           surr_target_model *tm, fit_scratch *f, double *loss)
{
    uint32_t mask = surr_basis_default_mask(t);
    int idx[SURR_B_COUNT];
    size_t p = 0;
    for (int k = 0; k < SURR_B_COUNT; k++)
        if ((mask & (1u << k)) && isnan(surr_basis_pinned(t, (enum surr_basis)k)))
            idx[p++] = k; /* the free coefficients; pinned ones are known (surr_basis_pinned) */
    double floor_t = surr_target_floor(t);
    for (size_t r = 0; r < m; r++) {
        const surr_sample *si = &s[f->row[r]];
        double phi[SURR_B_COUNT];
        surr_basis_eval(bits, &si->x, phi);
        for (size_t j = 0; j < p; j++)
            f->phi[r * p + j] = phi[idx[j]];
        f->h[r] = 1.0;
        f->fixed[r] = 0; /* what the pinned terms predict: the free ones fit y minus it */
        for (int k = 0; k < SURR_B_COUNT; k++) {
            double c = surr_basis_pinned(t, (enum surr_basis)k);
            if ((mask & (1u << k)) && !isnan(c))
                f->fixed[r] += c * phi[k];
        }
    }
    bool robust = o->method == SURR_FIT_ROBUST;
    double c[SURR_B_COUNT] = {0}, scale = 1.0;
    int rc;
    for (int it = 0; it < (robust ? 10 : 1); it++) {
        for (size_t r = 0; r < m; r++) {
            double y = s[f->row[r]].y[t];
            double sw = sqrt(f->w[r] * f->h[r]) / fmax(y, floor_t);
            for (size_t j = 0; j < p; j++)
                f->A[r * p + j] = sw * f->phi[r * p + j];
            f->b[r] = sw * (y - f->fixed[r]);
        }
        if (o->monotone) {
            rc = surr_nnls(f->A, f->b, m, p, c);
        } else {
            double G[SURR_B_COUNT * SURR_B_COUNT], g[SURR_B_COUNT];
            size_t all[SURR_B_COUNT];
            for (size_t j = 0; j < p; j++)
                all[j] = j;
            gram(f->A, f->b, m, p, G, g);
            rc = gram_solve(G, g, p, all, p, c, NULL);
        }
        if (rc)
            return snac_err_prefix(rc, "target %s: ", surr_target_names[t]);
        /* relative residuals (without the robust weights) and their robust scale */
        for (size_t r = 0; r < m; r++) {
            double y = s[f->row[r]].y[t], pred = f->fixed[r];
            for (size_t j = 0; j < p; j++)
                pred += c[j] * f->phi[r * p + j];
            f->r[r] = sqrt(f->w[r]) * (y - pred) / fmax(y, floor_t);
        }
        for (size_t r = 0; r < m; r++)
            f->b[r] = fabs(f->r[r]); /* scratch for the MAD */
        scale = 1.4826 * median_select(f->b, m);
        if (!(scale > 1e-9))
            scale = 1e-9;
        if (!robust)
            break;
        double change = 0;
        for (size_t r = 0; r < m; r++) {
            double u = fabs(f->r[r]) / (1.345 * scale), h = u > 1 ? 1.0 / u : 1.0;
            change = fmax(change, fabs(h - f->h[r]));
            f->h[r] = h;
        }
        if (change < 1e-6) /* the Huber weights have settled */
            break;
    }
    /* loss, residual variance and the covariance of the free coefficients */
    double chisq = 0;
    for (size_t r = 0; r < m; r++)
        chisq += f->h[r] * f->r[r] * f->r[r];
    size_t idxf[SURR_B_COUNT], q = 0;
    for (size_t j = 0; j < p; j++)
        if (c[j] > 0 || !o->monotone)
            idxf[q++] = j;
    double sigma2 = m > q ? chisq / (double)(m - q) : chisq;
    *loss = chisq;
    memset(tm, 0, sizeof *tm);
    tm->mask = mask;
    tm->flags = SURR_TM_FITTED;
    tm->dsp_min_bits = bits;
    tm->sigma_rel = sqrt(sigma2);
    for (size_t j = 0; j < p; j++)
        tm->coef[idx[j]] = c[j];
    for (int k = 0; k < SURR_B_COUNT; k++) {
        double cp = surr_basis_pinned(t, (enum surr_basis)k);
        if ((mask & (1u << k)) && !isnan(cp))
            tm->coef[k] = cp; /* known, not fitted: covariance 0 */
    }
    if (q) {
        for (size_t r = 0; r < m; r++) {
            double y = s[f->row[r]].y[t];
            double sw = sqrt(f->w[r] * f->h[r]) / fmax(y, floor_t);
            for (size_t j = 0; j < p; j++)
                f->A[r * p + j] = sw * f->phi[r * p + j];
            f->b[r] = sw * (y - f->fixed[r]);
        }
        double z[SURR_B_COUNT], G[SURR_B_COUNT * SURR_B_COUNT], g[SURR_B_COUNT];
        gram(f->A, f->b, m, p, G, g);
        if ((rc = gram_solve(G, g, p, idxf, q, z, f->cov)))
            return snac_err_prefix(rc, "target %s covariance: ", surr_target_names[t]);
        for (size_t k = 0; k < q; k++)
            for (size_t l = 0; l < q; l++)
                tm->cov[idx[idxf[k]]][idx[idxf[l]]] = sigma2 * f->cov[k * q + l];
    }
    return SNAC_OK;
}

/* Candidate DSP thresholds (product bits a_w + w_w); 0 = every multiply on a DSP. */
static const int dsp_bits_grid[] = {0, 8, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
                                    30, 32, 34, 36, 40};
#define N_DSP_GRID (sizeof dsp_bits_grid / sizeof dsp_bits_grid[0])

/* Fit every target on the included rows into v (no statistics). */
static int fit_all(const surr_sample *s, size_t n, const unsigned char *include, const surr_fit_options *o,
                   surr_version *v, fit_scratch *f, double *sigma)
{
    int rc;
    double loss;
    /* the DSP fit chooses the mapping threshold */
    int bits = o->dsp_min_bits > 0 ? o->dsp_min_bits : SURR_DSP_MIN_BITS_DEFAULT;
    size_t m = group_weights(s, n, include, SURR_T_DSP, f);
    if (o->dsp_min_bits <= 0 && m >= o->min_samples) {
        double best = INFINITY, lk[N_DSP_GRID];
        size_t prev_sig = (size_t)-1;
        for (size_t k = 0; k < N_DSP_GRID; k++) {
            /* thresholds that map the same layers to DSPs give the same fit: count them */
            size_t sig = 0;
            for (size_t r = 0; r < m; r++) {
                const surr_features *x = &s[f->row[r]].x;
                for (size_t l = 0; l < x->n_layers; l++)
                    sig += x->layer[l].a_w + x->layer[l].w_w >= dsp_bits_grid[k];
            }
            if (k > 0 && sig == prev_sig) {
                lk[k] = lk[k - 1];
                continue;
            }
            prev_sig = sig;
            surr_target_model tm;
            if ((rc = fit_target_rows(s, m, SURR_T_DSP, o, dsp_bits_grid[k], &tm, f, &lk[k])))
                return rc;
            if (lk[k] < best)
                best = lk[k];
        }
        /* thresholds the data cannot tell apart (equal loss: no row between them) form a
         * range; take its middle, the choice farthest from every observed width */
        size_t first = N_DSP_GRID, last = 0;
        for (size_t k = 0; k < N_DSP_GRID; k++)
            if (lk[k] <= best * (1 + 1e-9) + 1e-300) {
                if (first == N_DSP_GRID)
                    first = k;
                last = k;
            }
        size_t mid = first;
        for (size_t k = first; k <= last; k++) /* the contiguous run from `first` only */
            if (lk[k] <= best * (1 + 1e-9) + 1e-300)
                mid = k;
            else
                break;
        bits = dsp_bits_grid[first + (mid - first) / 2];
        (void)loss;
    }
    for (int t = 0; t < SURR_T_COUNT; t++) {
        surr_target_model *tm = &v->t[t];
        m = group_weights(s, n, include, (enum surr_target)t, f);
        if (m < o->min_samples) {
            memset(tm, 0, sizeof *tm);
            tm->flags = SURR_TM_NO_DATA;
            tm->dsp_min_bits = bits;
            if (sigma)
                sigma[t] = 0;
            continue;
        }
        if ((rc = fit_target_rows(s, m, (enum surr_target)t, o, bits, tm, f, &loss)))
            return rc;
        if (sigma)
            sigma[t] = tm->sigma_rel;
    }
    return SNAC_OK;
}

static double predict_one(const surr_version *v, enum surr_target t, const surr_features *x)
{
    const surr_target_model *tm = &v->t[t];
    if (tm->flags & SURR_TM_NO_DATA)
        return 0;
    double phi[SURR_B_COUNT], y = 0;
    surr_basis_eval(tm->dsp_min_bits, x, phi);
    for (int k = 0; k < SURR_B_COUNT; k++)
        y += tm->coef[k] * phi[k];
    if (t == SURR_T_II || t == SURR_T_LATENCY_CYCLES)
        return y > 1 ? y : 1;
    return y > 0 ? y : 0;
}

static double ape(double pred, double y) { return fabs(pred - y) / (y > 1 ? y : 1); }

int surr_fit_version(const surr_sample *s, size_t n, const surr_fit_options *o, surr_version *v,
                     surr_fit_report *rep)
{
    memset(rep, 0, sizeof *rep);
    if (o->method != SURR_FIT_OLS && o->method != SURR_FIT_ROBUST)
        return snac_err_set(SNAC_EINVAL, "fit method %s: the structural surrogate is fitted by non-negative least "
                            "squares, method ols or robust", surr_fit_method_names[o->method]);
    int rc = SNAC_OK;
    fit_scratch f;
    if ((rc = scratch_alloc(&f, n)))
        return rc;
    unsigned char *include = malloc(n ? n : 1);
    double *err = malloc((n ? n : 1) * sizeof *err), *cverr = malloc((n ? n : 1) * sizeof *cverr);
    double *cvpred = malloc((n ? n : 1) * SURR_T_COUNT * sizeof *cvpred);
    if (!include || !err || !cverr || !cvpred) {
        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        goto out;
    }
    snprintf(v->family, sizeof v->family, "struct-nnls-%s", o->method == SURR_FIT_ROBUST ? "huber" : "ols");
    v->basis_version = SURR_BASIS_VERSION;
    memset(include, 1, n);
    double sigma[SURR_T_COUNT];
    if ((rc = fit_all(s, n, include, o, v, &f, sigma)))
        goto out;
    rep->dsp_min_bits = v->t[SURR_T_DSP].dsp_min_bits;
    /* leave-one-group-out predictions: one full fit (threshold included) per group */
    for (size_t i = 0; i < n * SURR_T_COUNT; i++)
        cvpred[i] = NAN;
    int gmax = -1;
    for (size_t i = 0; i < n; i++)
        if (s[i].group > gmax)
            gmax = s[i].group;
    int cv_groups = 0;
    if (o->cross_validate) {
        for (int g = 0; g <= gmax; g++) {
            size_t held = 0;
            for (size_t i = 0; i < n; i++) {
                include[i] = s[i].group != g;
                held += !include[i];
            }
            if (held == 0)
                continue;
            surr_version vk;
            memset(&vk, 0, sizeof vk);
            if ((rc = fit_all(s, n, include, o, &vk, &f, NULL)))
                goto out;
            cv_groups++;
            for (size_t i = 0; i < n; i++)
                if (!include[i])
                    for (int t = 0; t < SURR_T_COUNT; t++)
                        if (!(vk.t[t].flags & SURR_TM_NO_DATA))
                            cvpred[i * SURR_T_COUNT + t] = predict_one(&vk, (enum surr_target)t, &s[i].x);
        }
        memset(include, 1, n);
    }
    for (int t = 0; t < SURR_T_COUNT; t++) {
        surr_target_stats *st = &rep->t[t];
        st->sigma_rel = sigma[t];
        size_t m = 0, k = 0;
        double se = 0, sum = 0, ybar = 0, tss = 0, cse = 0, csum = 0;
        for (size_t i = 0; i < n; i++)
            if (isfinite(s[i].y[t])) {
                ybar += log1p(s[i].y[t]);
                m++;
            }
        st->n = m;
        if (m == 0 || (v->t[t].flags & SURR_TM_NO_DATA))
            continue;
        ybar /= (double)m;
        m = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(s[i].y[t]))
                continue;
            double p = predict_one(v, (enum surr_target)t, &s[i].x);
            double d = log1p(p) - log1p(s[i].y[t]);
            se += d * d;
            tss += (log1p(s[i].y[t]) - ybar) * (log1p(s[i].y[t]) - ybar);
            err[m] = ape(p, s[i].y[t]);
            sum += err[m++];
            double cp = cvpred[i * SURR_T_COUNT + t];
            if (isfinite(cp)) {
                double cd = log1p(cp) - log1p(s[i].y[t]);
                cse += cd * cd;
                cverr[k] = ape(cp, s[i].y[t]);
                csum += cverr[k++];
            }
        }
        st->mape = sum / (double)m;
        st->mdape = median_of(err, m);
        st->rmse_log = sqrt(se / (double)m);
        st->r2_log = tss > 0 ? 1.0 - se / tss : 1.0;
        st->cv_groups = cv_groups;
        st->cv_n = k;
        if (k) {
            st->cv_mape = csum / (double)k;
            st->cv_mdape = median_of(cverr, k);
            st->cv_rmse_log = sqrt(cse / (double)k);
        }
    }
out:
    scratch_free(&f);
    free(include);
    free(err);
    free(cverr);
    free(cvpred);
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
                          "\"error\":\"|pred-y|/max(y,1)\",\"dsp_min_bits\":%d,\"targets\":{",
                          surr_fit_method_names[o->method], o->monotone ? "true" : "false", rep->dsp_min_bits);
    for (int t = 0; t < SURR_T_COUNT && u < cap; t++) {
        const surr_target_stats *s = &rep->t[t];
        u += (size_t)snprintf(b + u, cap - u,
                              "%s\"%s\":{\"n\":%zu,\"lambda\":%.6g,\"mape\":%.6g,\"mdape\":%.6g,\"rmse_log\":%.6g,"
                              "\"r2_log\":%.6g,\"cv_n\":%zu,\"cv_groups\":%d,\"cv_mape\":%.6g,\"cv_mdape\":%.6g,"
                              "\"cv_rmse_log\":%.6g,\"sigma_rel\":%.6g}",
                              t ? "," : "", surr_target_names[t], s->n, s->lambda, s->mape, s->mdape, s->rmse_log,
                              s->r2_log, s->cv_n, s->cv_groups, s->cv_mape, s->cv_mdape, s->cv_rmse_log, s->sigma_rel);
    }
    if (u + 3 >= cap) {
        free(b);
        return snac_err_set(SNAC_ERANGE, "fit report JSON too long");
    }
    memcpy(b + u, "}}", 3);
    *json = b;
    return SNAC_OK;
}
