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

const char *const refit_mode_names[REFIT_MODE_COUNT] = {"auto", "full", "recalibrate"};

static const int rule_targets[] = {SURR_T_LUT, SURR_T_FF, SURR_T_DSP};
#define N_RULE (sizeof rule_targets / sizeof rule_targets[0])

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

/* Fit on s[0..n) by the mode (auto: full when the data span >= REFIT_FULL_MIN_GROUPS
 * architectures); targets the data cannot fit keep the parent's model. */
static int fit_inherit(const surr_sample *s, size_t n, size_t n_groups, const refit_opts *o,
                       const surr_version *parent, surr_version *v, surr_fit_report *rep, uint32_t *inherited,
                       enum refit_mode *used, unsigned char *seen)
{
    enum refit_mode mode = o->mode;
    if (mode == REFIT_AUTO)
        mode = count_groups(s, n, n_groups, seen) >= REFIT_FULL_MIN_GROUPS ? REFIT_FULL : REFIT_RECALIBRATE;
    *used = mode;
    *inherited = 0;
    if (mode == REFIT_RECALIBRATE)
        return recalibrate(s, n, o, parent, v, rep);
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

static int score_side(const vrow *rows, size_t n, const double *pred, refit_side *side, double *ya, double *pa)
{
    side->score = 0;
    size_t used = 0;
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
    for (size_t k = 0; k < N_RULE; k++) {
        double e = side->t[rule_targets[k]].v[VS_MAPE];
        if (isfinite(e)) {
            side->score += e;
            used++;
        }
    }
    side->score = used ? side->score / (double)used : NAN;
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
    u += (size_t)snprintf(b + u, cap - u,
                          "{\"refit\":{\"rows\":%zu,\"architectures\":%zu,\"folds\":%zu,\"split\":\"%s\","
                          "\"holdout\":%g,\"seed\":%llu,\"mode\":\"%s\",\"rule\":\"better = lower mean held-out MAPE over "
                          REFIT_RULE_TARGETS "\",\"parent_id\":%lld,\"candidate\":",
                          rep->n_rows, rep->n_groups, rep->n_folds, o->holdout > 0 ? "holdout" : "kfold",
                          o->holdout, (unsigned long long)o->seed, refit_mode_names[rep->mode], (long long)parent->id);
    u += side_json(b + u, cap - u, &rep->cand);
    u += (size_t)snprintf(b + u, cap - u, ",\"parent\":");
    u += side_json(b + u, cap - u, &rep->parent);
    u += (size_t)snprintf(b + u, cap - u, ",\"better\":%s,\"gate_ok\":%s,\"inherited\":[", rep->better ? "true" : "false",
                          rep->gate_ok ? "true" : "false");
    const char *sep = "";
    for (int t = 0; t < SURR_T_COUNT; t++)
        if (rep->inherited & (1u << t)) {
            u += (size_t)snprintf(b + u, cap - u, "%s\"%s\"", sep, surr_target_names[t]);
            sep = ",";
        }
    snprintf(b + u, cap - u, "]},\"fit\":%s}", fit);
    free(fit);
    *json = b;
    return SNAC_OK;
}

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
    double *ya = malloc(n * sizeof *ya), *pa = malloc(n * sizeof *pa);
    if (!all || !train || !fog || !order || !seen || !pc || !pp || !ya || !pa) {
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
    rep->n_folds = assign_folds(n_groups, o, fog, order);
    surr_prediction pr;
    for (size_t k = 0; k < rep->n_folds; k++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (fog[rows[i].group] != (int)k)
                train[m++] = all[i];
        surr_version vk = {0};
        surr_fit_report rk;
        uint32_t inh;
        enum refit_mode used;
        if ((rc = fit_inherit(train, m, n_groups, o, parent, &vk, &rk, &inh, &used, seen)))
            goto out;
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
    if ((rc = score_side(rows, n, pc, &rep->cand, ya, pa)) || (rc = score_side(rows, n, pp, &rep->parent, ya, pa)))
        goto out;
    /* per target, keep the parent's model where the refit does not lower the held-out MAPE, or,
     * for the cycle counts, lowers the share predicted exactly (issue 23: a lower II MAPE with
     * fewer exact IIs is not better) */
    uint32_t keep = 0;
    for (int t = 0; t < SURR_T_COUNT; t++) {
        const vstats *ct = &rep->cand.t[t], *pt = &rep->parent.t[t];
        double c = ct->v[VS_MAPE], p = pt->v[VS_MAPE];
        bool cycles = t == SURR_T_II || t == SURR_T_LATENCY_CYCLES;
        bool worse = !(c < p) || (cycles && ct->v[VS_EXACT] < pt->v[VS_EXACT]);
        if (isfinite(p) && worse) {
            keep |= 1u << t;
            rep->cand.t[t] = rep->parent.t[t];
            rep->cand.rmse_log[t] = rep->parent.rmse_log[t];
        }
    }
    rep->cand.score = 0;
    size_t used = 0;
    for (size_t k = 0; k < N_RULE; k++)
        if (isfinite(rep->cand.t[rule_targets[k]].v[VS_MAPE])) {
            rep->cand.score += rep->cand.t[rule_targets[k]].v[VS_MAPE];
            used++;
        }
    rep->cand.score = used ? rep->cand.score / (double)used : NAN;
    rep->better = isfinite(rep->cand.score) && (!isfinite(rep->parent.score) || rep->cand.score < rep->parent.score);
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
    if ((rc = fit_inherit(all, n, n_groups, o, parent, out, &rep->fit, &rep->inherited, &rep->mode, seen)))
        goto out;
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
    char note[512];
    snprintf(note, sizeof note,
             "Refit (%s, GSL %s) from %zu synthesis results (%zu architectures) of toolchain %s, parent version %lld. "
             "Held-out mean MAPE over " REFIT_RULE_TARGETS " (%zu %s by architecture, seed %llu): "
             "new %.2f%%, parent %.2f%%.",
             refit_mode_names[rep->mode], surr_fit_method_names[o->fit.method], n, n_groups, surr_toolchain_names[parent->toolchain],
             (long long)parent->id, rep->n_folds, o->holdout > 0 ? "hold-out split" : "folds",
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
    free(ya);
    free(pa);
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
