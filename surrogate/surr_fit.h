/* surr_fit — fitting surrogate versions with GSL: the linear least-squares core
 * (OLS, ridge with GCV or L-curve regularisation, robust bisquare), and the fit
 * of a structural version (surr_model.h) from samples: per target, non-negative
 * least squares (Lawson-Hanson active set on the normal equations, each step a GSL SVD solve)
 * on relative residuals (y - pred) / max(y, floor), every architecture group
 * weighted equally, with Huber reweighting (method "robust", the default) so one
 * row cannot dominate; the DSP mapping threshold is chosen on a grid by the DSP
 * fit; the coefficient covariance of the free coefficients comes from GSL
 * (gsl_multifit_wlinear) scaled by the residual variance. In-sample and
 * leave-one-group-out cross-validated errors are reported.
 *
 * Memory: fits allocate GSL workspaces and scratch and free them before
 * returning; nothing is kept. GSL status codes are translated to SNAC_* codes
 * here (call gsl_set_error_handler_off() at start-up so GSL never aborts).
 * Workload: ~100-1000 samples x 13 basis functions: milliseconds per fit; the
 * cross-validation refits once per group.
 */
#ifndef SNAC_SURROGATE_SURR_FIT_H
#define SNAC_SURROGATE_SURR_FIT_H

#include <stdbool.h>
#include <stddef.h>

#include "surrogate/surr_model.h"

enum surr_fit_method { SURR_FIT_OLS, SURR_FIT_RIDGE_GCV, SURR_FIT_RIDGE_LCURVE, SURR_FIT_ROBUST, SURR_FIT_COUNT };
extern const char *const surr_fit_method_names[SURR_FIT_COUNT]; /* "ols", "ridge-gcv", "ridge-lcurve", "robust" */

typedef struct surr_fit_info {
    double lambda;   /* ridge parameter chosen (0 for OLS/robust) */
    double chisq;    /* weighted residual sum of squares */
    double r2;       /* coefficient of determination (weighted) */
    size_t n, p;
} surr_fit_info;

/* Weighted linear least squares y ~ X c. X (n, p) row-major; w (n) or NULL.
 * OLS/robust use X as given (include a column of ones for an intercept) and,
 * when se != NULL, return the coefficient standard errors (p).
 * Ridge centres and scales every non-constant column, leaves the intercept
 * (a constant column) unpenalised, and picks lambda by GCV or the L-curve corner;
 * se is not computed (set to NaN). */
int surr_fit_linear(const double *X, const double *y, const double *w, size_t n, size_t p,
                    enum surr_fit_method m, double *coef, double *se, surr_fit_info *info);

typedef struct surr_sample {
    surr_features x;
    double y[SURR_T_COUNT]; /* measured values; NaN = not measured */
    double weight;          /* fit weight (> 0), relative to the other rows of its group */
    int group;              /* cross-validation group: one architecture/source */
    char id[96];            /* provenance, e.g. "calibration/RF_stress_results_KERAS_3layer.csv:rf=8" */
} surr_sample;

typedef struct surr_fit_options {
    enum surr_fit_method method; /* structural fit: "robust" (Huber-reweighted NNLS) or "ols" (plain NNLS) */
    bool monotone;          /* keep coefficients >= 0 (NNLS); off: unconstrained least squares */
    bool cross_validate;    /* leave-one-group-out */
    size_t min_samples;     /* fewer measured samples than this: target has no data */
    int dsp_min_bits;       /* 0: choose the DSP mapping threshold by the DSP fit; > 0: use this */
} surr_fit_options;
#define SURR_FIT_OPTIONS_INIT ((surr_fit_options){SURR_FIT_ROBUST, true, true, 8, 0})

typedef struct surr_target_stats {
    size_t n;               /* samples with this target measured */
    double lambda;
    double mape, mdape;     /* in-sample mean / median |pred-y| / max(y, 1), as fractions */
    double rmse_log, r2_log; /* in log1p space */
    size_t cv_n;            /* held-out predictions made */
    int cv_groups;
    double cv_mape, cv_mdape, cv_rmse_log;
    double sigma_rel;       /* robust relative residual scale of the fit */
} surr_target_stats;

typedef struct surr_fit_report {
    surr_target_stats t[SURR_T_COUNT];
    int dsp_min_bits;       /* the threshold used */
} surr_fit_report;

/* Non-negative least squares min ||A x - b|| subject to x >= 0 (Lawson-Hanson
 * active set on the normal equations A'A, A'b; each passive-set solve by GSL's
 * SVD, a pseudo-inverse for collinear sets). A (m, p) row-major, b (m), x (p).
 * Columns are scaled to unit norm internally (all-zero columns get x_j = 0). */
int surr_nnls(const double *A, const double *b, size_t m, size_t p, double *x);

/* H (q x q) = the pseudo-inverse of the symmetric (q, q) matrix G (row-major), by GSL's SVD
 * with singular values below 1e-12 of the largest dropped; q <= SURR_B_COUNT. */
int surr_sym_pinv(const double *G, size_t q, double *H);

/* Fit every target of v (v->t[], v->family, v->basis_version, v->dsp_min_bits)
 * from samples s[0..n). Other fields of v are left alone. Ridge methods are
 * refused (SNAC_EINVAL): the structural fit is non-negative least squares. */
int surr_fit_version(const surr_sample *s, size_t n, const surr_fit_options *o, surr_version *v,
                     surr_fit_report *rep);

/* JSON object of the report (malloc'd). */
int surr_fit_report_json(const surr_fit_report *rep, const surr_fit_options *o, char **json);

#endif
