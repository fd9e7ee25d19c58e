/* refit — k-fold (by architecture) comparison of a refitted surrogate version
 * with its parent, the final fit, and storing the result; see refit.h.
 *
 * Memory: one samples array (n), one training-subset array (n), a fold index
 * per row, pooled held-out predictions per side (n x SURR_T_COUNT) and the
 * actuals; all freed before refit_run returns. Workload: (K + 1) calls of
 * surr_fit_version on up to n samples, plus n predictions per fold and side.
 */
#include "validation/refit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "surrogate/surr_store.h"
#include "util/err.h"
#include "util/rng.h"

const char *const refit_mode_names[REFIT_MODE_COUNT] = {"auto", "full", "recalibrate", "anchored"};

static uint32_t gate_mask(const refit_opts *o) { return o->gate_targets ? o->gate_targets : REFIT_RULE_MASK; }

/* ---- folds ---------------------------------------------------------------------- */

/* fold_of_group[g] for G groups; returns the number of folds. */
static size_t assign_folds(size_t G, const refit_opts *o, int *fold_of_group, size_t *order)
{
    snac_rng r;
    rng_seed(&r, o->seed);
    for (size_t g = 0; g < G; g++)
        order[g] = g;
    rng_shuffle_size(&r, order, G);
    if (o->holdout > 0) {
        size_t h = (size_t)ceil(o->holdout * (double)G);
        if (h < 1)
            h = 1;
        if (h > G - 1)
            h = G - 1;
        for (size_t i = 0; i < G; i++)
            fold_of_group[order[i]] = i < h ? 0 : -1; /* -1: always trained on */
        return 1;
    }
    size_t K = o->kfold < G ? o->kfold : G;
    for (size_t i = 0; i < G; i++)
        fold_of_group[order[i]] = (int)(i % K);
    return K;
}

/* ---- fitting ---------------------------------------------------------------------- */

static void to_sample(const vrow *r, surr_sample *s)
{
    memset(s, 0, sizeof *s);
    s->x = r->x;
    memcpy(s->y, r->y, sizeof s->y);
    s->weight = 1.0;
    s->group = r->group;
}

/* Recalibrate the parent: per target, y = a + b * y_parent(x), fitted by
 * non-negative least squares on relative residuals (y - pred) / max(y, floor)
 * (surr_nnls, GSL). y_parent is linear in the basis, so the result is again a
 * structural version: coef = b coef_parent + a e_ONE, covariance b^2 cov_parent
 * (a is treated as exact). Targets with fewer than 3 rows keep the parent's model. */
static int recalibrate(const surr_sample *s, size_t n, const refit_opts *o, const surr_version *parent,
                       surr_version *v, surr_fit_report *rep)
{
    memset(rep, 0, sizeof *rep);
    memcpy(v->t, parent->t, sizeof v->t);
    snprintf(v->family, sizeof v->family, "struct-recal-%s", surr_fit_method_names[o->fit.method]);
    v->basis_version = parent->basis_version;
    rep->dsp_min_bits = parent->t[SURR_T_DSP].dsp_min_bits;
    double *X = malloc((n ? n : 1) * 2 * sizeof *X), *y = malloc((n ? n : 1) * sizeof *y);
    if (!X || !y) {
        free(X);
        free(y);
        return snac_err_set(SNAC_ENOMEM, "refit: out of memory");
    }
    int rc = SNAC_OK;
    for (int t = 0; t < SURR_T_COUNT && !rc; t++) {
        const surr_target_model *pm = &parent->t[t];
        if (pm->flags & SURR_TM_NO_DATA)
            continue;
        double floor_t = surr_target_floor((enum surr_target)t);
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(s[i].y[t]) || s[i].y[t] < 0)
                continue;
            double phi[SURR_B_COUNT], z = 0;
            surr_basis_eval(pm->dsp_min_bits, &s[i].x, phi);
            for (int k = 0; k < SURR_B_COUNT; k++)
                z += pm->coef[k] * phi[k];
            double sc = 1.0 / fmax(s[i].y[t], floor_t);
            X[2 * m] = sc;
            X[2 * m + 1] = sc * z;
            y[m++] = sc * s[i].y[t];
        }
        rep->t[t].n = m;
        if (m < 3)
            continue;
        double c[2];
        if ((rc = surr_nnls(X, y, m, 2, c)))
            break;
        if (!(c[1] > 0)) { /* the parent explains nothing: keep it rather than predict a constant */
            rep->t[t].n = 0;
            continue;
        }
        surr_target_model *tm = &v->t[t];
        for (int k = 0; k < SURR_B_COUNT; k++) {
            tm->coef[k] = c[1] * pm->coef[k];
            for (int l = 0; l < SURR_B_COUNT; l++)
                tm->cov[k][l] = c[1] * c[1] * pm->cov[k][l];
        }
        tm->coef[SURR_B_ONE] += c[0];
        tm->mask |= 1u << SURR_B_ONE;
        tm->flags = SURR_TM_FITTED;
        double ss = 0;
        for (size_t i = 0; i < m; i++) {
            double r = y[i] - c[0] * X[2 * i] - c[1] * X[2 * i + 1];
            ss += r * r;
        }
        tm->sigma_rel = m > 2 ? sqrt(ss / (double)(m - 2)) : pm->sigma_rel;
        rep->t[t].sigma_rel = tm->sigma_rel;
    }
    free(X);
    free(y);
    return rc;
}

static size_t count_groups(const surr_sample *s, size_t n, size_t n_groups, unsigned char *seen)
{
    memset(seen, 0, n_groups);
    size_t g = 0;
    for (size_t i = 0; i < n; i++)
        if (!seen[s[i].group]) {
            seen[s[i].group] = 1;
            g++;
        }
    return g;
}

/* The prior's worth in architectures for a fit on G of them: N0 = REFIT_FULL_MIN_GROUPS - G
 * when asked for the automatic value (< 0). */
static double prior_strength(double asked, size_t G)
{
    if (asked >= 0)
        return asked;
    return G < REFIT_FULL_MIN_GROUPS ? (double)(REFIT_FULL_MIN_GROUPS - G) : 0.0;
}

/* auto's prior strengths, chosen per target by the held-out folds: none (a plain NNLS fit in
 * the parent's basis and DSP threshold, unseen terms kept), one architecture, and the automatic
 * 12 - G. One fixed N0 is not enough: a term the parent prices at 0 (or far off) costs, under
 * the prior, as much as N0 architectures mispredicted by that term's whole share, so a strong
 * prior shrinks the other terms instead and keeps the parent's order (measured on
 * test_refit_anchored's data: 12 - G = 6 never reorders its pair, 0 recovers the truth). */
static const double anchor_grid[] = {0.0, 1.0, -1.0};
#define N_ANCHOR (sizeof anchor_grid / sizeof anchor_grid[0])

/* The anchored fit: per target, the parent's structural basis (its mask and DSP threshold:
 * a few architectures cannot place the threshold) fitted by NNLS on the relative residuals
 * sqrt(w_i) (y_i - phi_i c) / max(y_i, floor), w_i = 1 / (rows of i's architecture) scaled
 * to mean 1 (as surr_fit_version, without the Huber weights: with 3-11 architectures a
 * down-weighted row is a quarter of the data), plus one prior row per free coefficient,
 *     sqrt(lambda_k) (c_k - c_parent,k),   lambda_k = (N0 / G) sum_i (sqrt(w_i) phi_ik / max(y_i, floor))^2:
 * the data's own curvature along c_k per architecture, times N0. So the prior is in the
 * data's units (relative error) whatever the coefficient's unit, and it weighs as much as
 * N0 architectures the parent predicts exactly (a MAP fit, Gaussian prior centred on the
 * parent). N0 = REFIT_FULL_MIN_GROUPS - G by default: data plus prior always count 12
 * architectures, the number a full fit is trusted with, so the pull fades as architectures
 * come in and vanishes where auto hands over to the full fit; auto also tries N0 = 0 and 1
 * (anchor_grid) and lets the folds choose per target.
 * Coefficients whose basis term is 0 on every row keep the parent's value and covariance
 * (the data say nothing about them); pinned terms stay pinned. The covariance of the free
 * positive coefficients is sigma^2 (A'A)^+ over data and prior rows (the posterior's);
 * sigma^2 pools the residuals with the parent's scale as N_s = max(N0, 1) pseudo-rows,
 * (SS + N_s sigma_parent^2) / (m - p_eff + N_s), p_eff = tr((A'A)^+ A_data'A_data), so a few
 * rows fitted almost exactly (N0 = 0 nearly interpolates them) do not claim a zero interval. Targets with fewer than
 * 3 rows keep the parent's model. */
static int anchored(const surr_sample *s, size_t n, size_t n_groups, const refit_opts *o, const surr_version *parent,
                    surr_version *v, surr_fit_report *rep, unsigned char *seen)
{
    memset(rep, 0, sizeof *rep);
    memcpy(v->t, parent->t, sizeof v->t);
    snprintf(v->family, sizeof v->family, "struct-anchored-%s", surr_fit_method_names[o->fit.method]);
    v->basis_version = parent->basis_version;
    rep->dsp_min_bits = parent->t[SURR_T_DSP].dsp_min_bits;
    size_t G = count_groups(s, n, n_groups, seen);
    double n0 = prior_strength(o->prior_groups, G);
    const size_t P = SURR_B_COUNT, rows = n + P;
    double *A = malloc(rows * P * sizeof *A), *b = malloc(rows * sizeof *b), *phi = malloc((n ? n : 1) * P * sizeof *phi);
    double *sw = malloc((n ? n : 1) * sizeof *sw), *fixed = malloc((n ? n : 1) * sizeof *fixed);
    double *cnt = calloc(n_groups ? n_groups : 1, sizeof *cnt);
    size_t *row = malloc((n ? n : 1) * sizeof *row);
    if (!A || !b || !phi || !sw || !fixed || !cnt || !row) {
        free(A), free(b), free(phi), free(sw), free(fixed), free(cnt), free(row);
        return snac_err_set(SNAC_ENOMEM, "refit: out of memory");
    }
    int rc = SNAC_OK;
    for (int t = 0; t < SURR_T_COUNT && !rc; t++) {
        const surr_target_model *pm = &parent->t[t];
        if (pm->flags & SURR_TM_NO_DATA)
            continue;
        enum surr_target tt = (enum surr_target)t;
        uint32_t mask = pm->mask | surr_basis_default_mask(tt);
        int bits = pm->dsp_min_bits;
        double floor_t = surr_target_floor(tt);
        size_t m = 0;
        memset(cnt, 0, (n_groups ? n_groups : 1) * sizeof *cnt);
        for (size_t i = 0; i < n; i++)
            if (isfinite(s[i].y[t]) && s[i].y[t] >= 0) {
                row[m++] = i;
                cnt[s[i].group] += 1;
            }
        rep->t[t].n = m;
        if (m < 3) {
            rep->t[t].n = 0;
            continue;
        }
        double wsum = 0;
        for (size_t r = 0; r < m; r++)
            wsum += 1.0 / cnt[s[row[r]].group];
        /* free coefficients: in the mask, not pinned, and some row exercises them */
        int idx[SURR_B_COUNT];
        size_t p = 0;
        double D[SURR_B_COUNT] = {0};
        for (size_t r = 0; r < m; r++) {
            const surr_sample *si = &s[row[r]];
            double w = (1.0 / cnt[si->group]) * (double)m / wsum;
            sw[r] = sqrt(w) / fmax(si->y[t], floor_t);
            surr_basis_eval(bits, &si->x, phi + r * P);
            fixed[r] = 0;
            for (int k = 0; k < SURR_B_COUNT; k++) {
                double cp = surr_basis_pinned(tt, (enum surr_basis)k);
                if ((mask & (1u << k)) && !isnan(cp))
                    fixed[r] += cp * phi[r * P + (size_t)k];
                else if (mask & (1u << k))
                    D[k] += sw[r] * sw[r] * phi[r * P + (size_t)k] * phi[r * P + (size_t)k];
            }
        }
        for (int k = 0; k < SURR_B_COUNT; k++)
            if ((mask & (1u << k)) && isnan(surr_basis_pinned(tt, (enum surr_basis)k)) && D[k] > 0)
                idx[p++] = k;
        /* design: m data rows, then p prior rows */
        for (size_t r = 0; r < m; r++) {
            for (size_t j = 0; j < p; j++)
                A[r * p + j] = sw[r] * phi[r * P + (size_t)idx[j]];
            b[r] = sw[r] * (s[row[r]].y[t] - fixed[r]);
        }
        double lam[SURR_B_COUNT];
        for (size_t j = 0; j < p; j++) {
            lam[j] = n0 / (double)G * D[idx[j]];
            double sl = sqrt(lam[j]);
            for (size_t l = 0; l < p; l++)
                A[(m + j) * p + l] = l == j ? sl : 0.0;
            b[m + j] = sl * pm->coef[idx[j]];
        }
        double c[SURR_B_COUNT] = {0};
        if (p && (rc = surr_nnls(A, b, m + p, p, c)))
            break;
        surr_target_model *tm = &v->t[t];
        surr_target_model old = *pm;
        memset(tm, 0, sizeof *tm);
        tm->mask = mask;
        tm->flags = SURR_TM_FITTED;
        tm->dsp_min_bits = bits;
        for (int k = 0; k < SURR_B_COUNT; k++) {
            double cp = surr_basis_pinned(tt, (enum surr_basis)k);
            if (!(mask & (1u << k)))
                continue;
            if (!isnan(cp))
                tm->coef[k] = cp;
            else if (!(D[k] > 0)) { /* unseen: the parent's coefficient and its uncertainty */
                tm->coef[k] = old.coef[k];
                for (int l = 0; l < SURR_B_COUNT; l++)
                    if (!(D[l] > 0) && isnan(surr_basis_pinned(tt, (enum surr_basis)l)))
                        tm->cov[k][l] = old.cov[k][l];
            }
        }
        for (size_t j = 0; j < p; j++)
            tm->coef[idx[j]] = c[j];
        double ss = 0;
        for (size_t r = 0; r < m; r++) {
            double e = b[r];
            for (size_t j = 0; j < p; j++)
                e -= A[r * p + j] * c[j];
            ss += e * e;
        }
        /* posterior covariance over the free coefficients off their bound */
        size_t fi[SURR_B_COUNT], q = 0;
        for (size_t j = 0; j < p; j++)
            if (c[j] > 0)
                fi[q++] = j;
        double p_eff = 0, H[SURR_B_COUNT * SURR_B_COUNT], GA[SURR_B_COUNT * SURR_B_COUNT],
               Gd[SURR_B_COUNT * SURR_B_COUNT];
        if (q) {
            for (size_t k = 0; k < q; k++)
                for (size_t l = 0; l < q; l++) {
                    double gd = 0;
                    for (size_t r = 0; r < m; r++)
                        gd += A[r * p + fi[k]] * A[r * p + fi[l]];
                    Gd[k * q + l] = gd;
                    GA[k * q + l] = gd + (k == l ? lam[fi[k]] : 0.0);
                }
            if ((rc = surr_sym_pinv(GA, q, H)))
                break;
            for (size_t k = 0; k < q; k++)
                for (size_t l = 0; l < q; l++)
                    p_eff += H[k * q + l] * Gd[l * q + k];
        }
        double ns = fmax(n0, 1.0), dof = (double)m - p_eff + ns; /* >= 1 pseudo-row: N0 = 0 interpolates */
        double sigma2 = (ss + ns * old.sigma_rel * old.sigma_rel) / (dof > 1 ? dof : 1.0);
        for (size_t k = 0; k < q; k++)
            for (size_t l = 0; l < q; l++)
                tm->cov[idx[fi[k]]][idx[fi[l]]] = sigma2 * H[k * q + l];
        tm->sigma_rel = sqrt(sigma2);
        rep->t[t].sigma_rel = tm->sigma_rel;
    }
    free(A), free(b), free(phi), free(sw), free(fixed), free(cnt), free(row);
    return rc;
}

int refit_anchored(const surr_sample *s, size_t n, size_t n_groups, const refit_opts *o, const surr_version *parent,
                   surr_version *v, surr_fit_report *rep)
{
    for (size_t i = 0; i < n; i++)
        if (s[i].group < 0 || (size_t)s[i].group >= n_groups)
            return snac_err_set(SNAC_EINVAL, "refit: sample %zu has group %d outside 0..%zu", i, s[i].group,
                                n_groups ? n_groups - 1 : 0);
    unsigned char *seen = malloc(n_groups ? n_groups : 1);
    if (!seen)
        return snac_err_set(SNAC_ENOMEM, "refit: out of memory");
    int rc = anchored(s, n, n_groups, o, parent, v, rep, seen);
    free(seen);
    return rc;
}

/* The mode a fit on G architectures uses; REFIT_AUTO stays AUTO where both recalibrate and
 * anchored are fitted and the held-out folds choose per target. */
static enum refit_mode resolve_mode(enum refit_mode m, size_t G)
{
    if (m != REFIT_AUTO)
        return m;
    if (G >= REFIT_FULL_MIN_GROUPS)
        return REFIT_FULL;
    return G >= REFIT_ANCHOR_MIN_GROUPS ? REFIT_AUTO : REFIT_RECALIBRATE;
}

/* Fit on s[0..n) by `mode` (full, recalibrate or anchored); targets the data cannot fit keep
 * the parent's model. */
static int fit_inherit(const surr_sample *s, size_t n, size_t n_groups, const refit_opts *o, enum refit_mode mode,
                       const surr_version *parent, surr_version *v, surr_fit_report *rep, uint32_t *inherited,
                       unsigned char *seen)
{
    *inherited = 0;
    if (mode == REFIT_RECALIBRATE)
        return recalibrate(s, n, o, parent, v, rep);
    if (mode == REFIT_ANCHORED)
        return anchored(s, n, n_groups, o, parent, v, rep, seen);
    surr_fit_options fo = o->fit;
    fo.cross_validate = false;
    int rc = surr_fit_version(s, n, &fo, v, rep);
    if (rc)
        return rc;
    for (int t = 0; t < SURR_T_COUNT; t++)
        if ((v->t[t].flags & SURR_TM_NO_DATA) && !(parent->t[t].flags & SURR_TM_NO_DATA)) {
            v->t[t] = parent->t[t];
            *inherited |= 1u << t;
        }
    return SNAC_OK;
}

/* Mean held-out MAPE over the targets in mask that have one (NaN: none). */
static double rule_score(const refit_side *side, uint32_t mask)
{
    double sum = 0;
    size_t used = 0;
    for (int t = 0; t < SURR_T_COUNT; t++) {
        double e = side->t[t].v[VS_MAPE];
        if ((mask & (1u << t)) && isfinite(e)) {
            sum += e;
            used++;
        }
    }
    return used ? sum / (double)used : NAN;
}

static int score_side(const vrow *rows, size_t n, const double *pred, uint32_t mask, refit_side *side, double *ya,
                      double *pa)
{
    vstats_opts so = VSTATS_OPTS_INIT;
    so.n_boot = 0;
    for (int t = 0; t < SURR_T_COUNT; t++) {
        size_t m = 0;
        double se = 0;
        for (size_t i = 0; i < n; i++) {
            double p = pred[i * SURR_T_COUNT + (size_t)t];
            if (!isfinite(rows[i].y[t]) || !isfinite(p))
                continue;
            ya[m] = rows[i].y[t];
            pa[m] = p;
            double d = log1p(fmax(p, 0)) - log1p(fmax(rows[i].y[t], 0));
            se += d * d;
            m++;
        }
        int rc = vstats_compute(ya, pa, m, &so, &side->t[t]);
        if (rc)
            return rc;
        side->rmse_log[t] = m ? sqrt(se / (double)m) : NAN;
    }
    side->score = rule_score(side, mask);
    return SNAC_OK;
}

/* ---- report JSON -------------------------------------------------------------------- */

static size_t side_json(char *b, size_t cap, const refit_side *s)
{
    size_t u = (size_t)snprintf(b, cap, "{");
    for (int t = 0; t < SURR_T_COUNT && u < cap; t++) {
        const vstats *v = &s->t[t];
        u += (size_t)snprintf(b + u, cap - u, "%s\"%s\":{\"n\":%zu", t ? "," : "", surr_target_names[t], v->n);
        static const int keys[] = {VS_MAPE, VS_MDAPE, VS_SMAPE_R4ML, VS_R2, VS_EXACT};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0] && u < cap; k++)
            u += (size_t)(isfinite(v->v[keys[k]])
                              ? snprintf(b + u, cap - u, ",\"%s\":%.10g", vstat_names[keys[k]], v->v[keys[k]])
                              : snprintf(b + u, cap - u, ",\"%s\":null", vstat_names[keys[k]]));
        if (u < cap)
            u += (size_t)(isfinite(s->rmse_log[t]) ? snprintf(b + u, cap - u, ",\"rmse_log\":%.10g}", s->rmse_log[t])
                                                   : snprintf(b + u, cap - u, ",\"rmse_log\":null}"));
    }
    if (u < cap)
        u += (size_t)(isfinite(s->score) ? snprintf(b + u, cap - u, ",\"score\":%.10g}", s->score)
                                         : snprintf(b + u, cap - u, ",\"score\":null}"));
    return u;
}

/* The names of the targets in mask, in enum order: "lut, ff, dsp", or as JSON strings without
 * brackets ("lut","ff"); returns the length written. */
static size_t target_names(uint32_t mask, bool json, char *b, size_t cap)
{
    size_t u = 0;
    b[0] = '\0';
    for (int t = 0; t < SURR_T_COUNT && u < cap; t++)
        if (mask & (1u << t))
            u += (size_t)snprintf(b + u, cap - u, json ? "%s\"%s\"" : "%s%s", u ? (json ? "," : ", ") : "",
                                  surr_target_names[t]);
    return u;
}

static int report_json(const refit_report *rep, const refit_opts *o, const surr_version *parent, char **json)
{
    char *fit = NULL;
    surr_fit_options fo = o->fit;
    fo.cross_validate = false;
    int rc = surr_fit_report_json(&rep->fit, &fo, &fit);
    if (rc)
        return rc;
    size_t cap = 16384 + strlen(fit), u = 0;
    char *b = malloc(cap);
    if (!b) {
        free(fit);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    char targets[128];
    target_names(rep->gate_targets, false, targets, sizeof targets);
    u += (size_t)snprintf(b + u, cap - u,
                          "{\"refit\":{\"rows\":%zu,\"architectures\":%zu,\"folds\":%zu,\"split\":\"%s\","
                          "\"holdout\":%g,\"seed\":%llu,\"mode\":\"%s\",\"rule\":\"better = lower mean held-out MAPE over "
                          "%s\",\"parent_id\":%lld,\"candidate\":",
                          rep->n_rows, rep->n_groups, rep->n_folds, o->holdout > 0 ? "holdout" : "kfold",
                          o->holdout, (unsigned long long)o->seed, refit_mode_names[rep->mode], targets,
                          (long long)parent->id);
    u += side_json(b + u, cap - u, &rep->cand);
    u += (size_t)snprintf(b + u, cap - u, ",\"parent\":");
    u += side_json(b + u, cap - u, &rep->parent);
    u += (size_t)snprintf(b + u, cap - u, ",\"better\":%s,\"gate_ok\":%s,\"inherited\":[", rep->better ? "true" : "false",
                          rep->gate_ok ? "true" : "false");
    u += target_names(rep->inherited, true, b + u, cap - u);
    u += (size_t)snprintf(b + u, cap - u, "],\"anchored\":[");
    u += target_names(rep->anchored, true, b + u, cap - u);
    u += (size_t)snprintf(b + u, cap - u, "],\"prior_groups\":{");
    for (int t = 0, first = 1; t < SURR_T_COUNT && u < cap; t++)
        if ((rep->anchored & (1u << t)) && isfinite(rep->prior_groups[t])) {
            u += (size_t)snprintf(b + u, cap - u, "%s\"%s\":%g", first ? "" : ",", surr_target_names[t],
                                  rep->prior_groups[t]);
            first = 0;
        }
    snprintf(b + u, cap - u, "}},\"fit\":%s}", fit);
    free(fit);
    *json = b;
    return SNAC_OK;
}

/* a is lower than b by more than rounding: exact cycle counts were scored 0% for one fit and 1e-14%
 * for its parent in the closed-loop benchmark, and a strict < activated versions on that alone */
static bool lower(double a, double b) { return a < b - REFIT_MAPE_TIE; }

/* ---- driver --------------------------------------------------------------------------- */

int refit_run(const vrow *rows, size_t n, size_t n_groups, const surr_version *parent, const refit_opts *o,
              surr_version *out, refit_report *rep)
{
    memset(out, 0, sizeof *out);
    memset(rep, 0, sizeof *rep);
    rep->n_rows = n;
    rep->n_groups = n_groups;
    if (n_groups < 2)
        return snac_err_set(SNAC_EINVAL, "refit: %zu architecture(s) in %zu results; cross-validation by "
                                         "architecture needs at least 2", n_groups, n);
    if (o->holdout > 0 ? !(o->holdout < 1) : o->kfold < 2)
        return snac_err_set(SNAC_EINVAL, "refit: need --kfold K >= 2 or --holdout F in (0, 1)");
    int rc = SNAC_OK;
    surr_sample *all = malloc(n * sizeof *all), *train = malloc(n * sizeof *train);
    int *fog = malloc(n_groups * sizeof *fog);
    size_t *order = malloc(n_groups * sizeof *order);
    unsigned char *seen = malloc(n_groups);
    double *pc = malloc(n * SURR_T_COUNT * sizeof *pc), *pp = malloc(n * SURR_T_COUNT * sizeof *pp);
    /* the anchored alternatives (auto, 3-11 architectures): (N_ANCHOR, n, SURR_T_COUNT) */
    double *pz = malloc(N_ANCHOR * n * SURR_T_COUNT * sizeof *pz);
    double *ya = malloc(n * sizeof *ya), *pa = malloc(n * sizeof *pa);
    surr_version va = {0};
    refit_side *alt = malloc(N_ANCHOR * sizeof *alt);
    if (!all || !train || !fog || !order || !seen || !pc || !pp || !pz || !ya || !pa || !alt) {
        rc = snac_err_set(SNAC_ENOMEM, "refit: out of memory (%zu rows)", n);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (rows[i].group < 0 || (size_t)rows[i].group >= n_groups) {
            rc = snac_err_set(SNAC_EINVAL, "refit: row %zu has group %d outside 0..%zu", i, rows[i].group, n_groups - 1);
            goto out;
        }
        to_sample(&rows[i], &all[i]);
    }
    for (size_t i = 0; i < n * SURR_T_COUNT; i++)
        pc[i] = pp[i] = NAN;
    for (size_t i = 0; i < N_ANCHOR * n * SURR_T_COUNT; i++)
        pz[i] = NAN;
    const uint32_t gmask = gate_mask(o);
    rep->gate_targets = gmask;
    rep->n_folds = assign_folds(n_groups, o, fog, order);
    surr_prediction pr;
    for (size_t k = 0; k < rep->n_folds; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (fog[rows[i].group] != (int)k)
                train[m++] = all[i];
        surr_version vk = {0}, vz = {0};
        surr_fit_report rk;
        uint32_t inh;
        enum refit_mode mk = resolve_mode(o->mode, count_groups(train, m, n_groups, seen));
        if ((rc = fit_inherit(train, m, n_groups, o, mk == REFIT_AUTO ? REFIT_RECALIBRATE : mk, parent, &vk, &rk, &inh,
                              seen)))
            goto out;
        for (size_t a = 0; a < N_ANCHOR; a++) {
            refit_opts oa = *o;
            oa.prior_groups = anchor_grid[a];
            if (mk == REFIT_AUTO && (rc = fit_inherit(train, m, n_groups, &oa, REFIT_ANCHORED, parent, &vz, &rk, &inh, seen))) {
                surr_version_clear(&vk);
                goto out;
            }
            for (size_t i = 0; i < n; i++)
                if (fog[rows[i].group] == (int)k) { /* without auto the alternatives are the fold's one candidate */
                    surr_predict(mk == REFIT_AUTO ? &vz : &vk, &rows[i].x, rows[i].part, &pr);
                    memcpy(pz + (a * n + i) * SURR_T_COUNT, pr.y, sizeof pr.y);
                }
            surr_version_clear(&vz);
        }
        for (size_t i = 0; i < n; i++) {
            if (fog[rows[i].group] != (int)k)
                continue;
            surr_predict(&vk, &rows[i].x, rows[i].part, &pr);
            memcpy(pc + i * SURR_T_COUNT, pr.y, sizeof pr.y);
            surr_predict(parent, &rows[i].x, rows[i].part, &pr);
            memcpy(pp + i * SURR_T_COUNT, pr.y, sizeof pr.y);
        }
        surr_version_clear(&vk);
    }
    if ((rc = score_side(rows, n, pc, gmask, &rep->cand, ya, pa)) ||
        (rc = score_side(rows, n, pp, gmask, &rep->parent, ya, pa)))
        goto out;
    for (size_t a = 0; a < N_ANCHOR; a++)
        if ((rc = score_side(rows, n, pz + a * n * SURR_T_COUNT, gmask, &alt[a], ya, pa)))
            goto out;
    /* auto with 3-11 architectures: per target, the anchored fit (of the grid's prior strengths)
     * with the lowest held-out MAPE where it is lower than the recalibration's (and, for cycle
     * counts, it is exact as often); the same folds score all four, so the chosen one's figure is
     * slightly optimistic, as is the keep rule's below */
    const size_t G_all = count_groups(all, n, n_groups, seen);
    const enum refit_mode mf = resolve_mode(o->mode, G_all);
    uint32_t anch = 0;
    int choice[SURR_T_COUNT];
    for (int t = 0; t < SURR_T_COUNT; t++) {
        choice[t] = -1;
        rep->prior_groups[t] = NAN;
        for (size_t a = 0; a < N_ANCHOR && mf == REFIT_AUTO; a++) {
            const vstats *ct = &rep->cand.t[t], *zt = &alt[a].t[t];
            bool cycles = t == SURR_T_II || t == SURR_T_LATENCY_CYCLES;
            if (isfinite(zt->v[VS_MAPE]) && lower(zt->v[VS_MAPE], ct->v[VS_MAPE]) &&
                !(cycles && zt->v[VS_EXACT] < ct->v[VS_EXACT])) {
                anch |= 1u << t;
                choice[t] = (int)a;
                rep->cand.t[t] = alt[a].t[t];
                rep->cand.rmse_log[t] = alt[a].rmse_log[t];
            }
        }
    }
    /* per target, keep the parent's model where the refit does not lower the held-out MAPE, or,
     * for the cycle counts, lowers the share predicted exactly (issue 23: a lower II MAPE with
     * fewer exact IIs is not better) */
    uint32_t keep = 0;
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const vstats *ct = &rep->cand.t[t], *pt = &rep->parent.t[t];
        double c = ct->v[VS_MAPE], p = pt->v[VS_MAPE];
        bool cycles = t == SURR_T_II || t == SURR_T_LATENCY_CYCLES;
        bool worse = !lower(c, p) || (cycles && ct->v[VS_EXACT] < pt->v[VS_EXACT]);
        if (isfinite(p) && worse) {
            keep |= 1u << t;
            rep->cand.t[t] = rep->parent.t[t];
            rep->cand.rmse_log[t] = rep->parent.rmse_log[t];
        }
    }
    rep->cand.score = rule_score(&rep->cand, gmask);
    rep->better = isfinite(rep->cand.score) && (!isfinite(rep->parent.score) || lower(rep->cand.score, rep->parent.score));
    /* the gate (issue 13): no target may be non-finite or worse than the parent's on held-out rows */
    rep->gate_ok = rep->better;
    if (!isfinite(rep->cand.score))
        snprintf(rep->gate_reason, sizeof rep->gate_reason, "held-out score is not finite");
    else if (!rep->better)
        snprintf(rep->gate_reason, sizeof rep->gate_reason, "held-out score %.2f%% is not below the parent's %.2f%%",
                 rep->cand.score, rep->parent.score);
    if ((rep->cand.score > REFIT_GATE_MAX_SCORE || rep->parent.score > REFIT_GATE_MAX_SCORE)) {
        rep->gate_ok = false;
        snprintf(rep->gate_reason, sizeof rep->gate_reason,
                 "held-out scores %.3g%% (new) and %.3g%% (parent) are not plausible (above %g%%): check the "
                 "synthesis results (snac validate) before refitting", rep->cand.score, rep->parent.score,
                 REFIT_GATE_MAX_SCORE);
    }
    for (int t = 0; t < SURR_T_COUNT && rep->gate_ok; t++) {
        if (rep->cand.t[t].n == 0 && rep->parent.t[t].n == 0)
            continue;
        double c = rep->cand.t[t].v[VS_MAPE], p = rep->parent.t[t].v[VS_MAPE];
        if (!isfinite(c) && isfinite(p)) {
            rep->gate_ok = false;
            snprintf(rep->gate_reason, sizeof rep->gate_reason, "held-out %s MAPE is not finite",
                     surr_target_names[t]);
        } else if (isfinite(c) && isfinite(p) && c > p) {
            rep->gate_ok = false;
            snprintf(rep->gate_reason, sizeof rep->gate_reason, "held-out %s MAPE %.2f%% is worse than the parent's %.2f%%",
                     surr_target_names[t], c, p);
        }
    }

    /* the new version: every row */
    rep->mode = mf == REFIT_AUTO ? REFIT_RECALIBRATE : mf;
    if ((rc = fit_inherit(all, n, n_groups, o, rep->mode, parent, out, &rep->fit, &rep->inherited, seen)))
        goto out;
    anch &= ~keep;
    for (size_t a = 0; a < N_ANCHOR && anch; a++) {
        bool used = false;
        for (int t = 0; t < SURR_T_COUNT; t++)
            used |= (anch & (1u << t)) && choice[t] == (int)a;
        if (!used)
            continue;
        refit_opts oa = *o;
        oa.prior_groups = anchor_grid[a];
        surr_fit_report rz;
        uint32_t inh;
        if ((rc = fit_inherit(all, n, n_groups, &oa, REFIT_ANCHORED, parent, &va, &rz, &inh, seen)))
            goto out;
        for (int t = 0; t < SURR_T_COUNT; t++)
            if ((anch & (1u << t)) && choice[t] == (int)a) {
                out->t[t] = va.t[t];
                rep->fit.t[t] = rz.t[t];
                rep->prior_groups[t] = prior_strength(anchor_grid[a], G_all);
            }
        memcpy(out->family, va.family, sizeof out->family);
        surr_version_clear(&va);
        rep->mode = REFIT_ANCHORED;
    }
    if (!anch && rep->mode == REFIT_ANCHORED)
        for (int t = 0; t < SURR_T_COUNT; t++)
            if (rep->fit.t[t].n && !(keep & (1u << t))) {
                anch |= 1u << t;
                rep->prior_groups[t] = prior_strength(o->prior_groups, G_all);
            }
    rep->anchored = anch;
    for (int t = 0; t < SURR_T_COUNT; t++)
        if (keep & (1u << t)) {
            out->t[t] = parent->t[t];
            rep->kept |= 1u << t;
        }
    out->toolchain = parent->toolchain;
    out->parent_id = parent->id;
    char *js = NULL;
    if ((rc = report_json(rep, o, parent, &js)))
        goto out;
    rc = surr_version_set_str(&out->fit_stats, js);
    free(js);
    if (rc)
        goto out;
    size_t cap = 16 + n * 24, u = 0;
    char *ids = malloc(cap);
    if (!ids) {
        rc = snac_err_set(SNAC_ENOMEM, "out of memory");
        goto out;
    }
    ids[u++] = '[';
    for (size_t i = 0; i < n; i++)
        u += (size_t)snprintf(ids + u, cap - u, "%s%lld", i ? "," : "", (long long)rows[i].id);
    snprintf(ids + u, cap - u, "]");
    rc = surr_version_set_str(&out->fitted_on, ids);
    free(ids);
    if (rc)
        goto out;
    char note[512], targets[128];
    target_names(gmask, false, targets, sizeof targets);
    snprintf(note, sizeof note,
             "Refit (%s, GSL %s) from %zu synthesis results (%zu architectures) of toolchain %s, parent version %lld. "
             "Held-out mean MAPE over %s (%zu %s by architecture, seed %llu): "
             "new %.2f%%, parent %.2f%%.",
             refit_mode_names[rep->mode], surr_fit_method_names[o->fit.method], n, n_groups, surr_toolchain_names[parent->toolchain],
             (long long)parent->id, targets, rep->n_folds, o->holdout > 0 ? "hold-out split" : "folds",
             (unsigned long long)o->seed, rep->cand.score, rep->parent.score);
    rc = surr_version_set_str(&out->note, note);
out:
    if (rc)
        surr_version_clear(out);
    free(all);
    free(train);
    free(fog);
    free(order);
    free(seen);
    free(pc);
    free(pp);
    free(pz);
    free(ya);
    free(pa);
    free(alt);
    surr_version_clear(&va);
    return rc;
}

int refit_store(snac_db *db, surr_version *v, bool activate)
{
    if (!v->name[0]) {
        sqlite3_stmt *st = NULL;
        int64_t next = 1;
        if (sqlite3_prepare_v2(db_handle(db), "SELECT COALESCE(MAX(id), 0) + 1 FROM surrogate_versions", -1, &st,
                               NULL) != SQLITE_OK)
            return db_error(db, "next version id");
        if (sqlite3_step(st) == SQLITE_ROW)
            next = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        snprintf(v->name, sizeof v->name, "refit-%s-v%lld", surr_toolchain_names[v->toolchain], (long long)next);
    }
    return surr_version_insert(db, v, activate);
}
