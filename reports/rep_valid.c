/* rep_valid — the validation section of the report: how wrong the surrogate was on what was
 * synthesized. Per target (LUT, FF, DSP, BRAM18, latency): predicted vs synthesized, one
 * point per (synthesis result, surrogate version) with the prediction's stored 95% interval
 * (predictions.lo/hi) as an error bar and the y = x diagonal, one colour per version; the
 * histogram of the signed error in % per version (before and after a refit side by side);
 * the statistics (n, MAPE, median APE, Spearman, bias, within 20%) recomputed from the
 * plotted pairs with validation/vstats, and the ones `snac validate` stored.
 *
 * Pairs: every synthesis_results row with a measured value, joined with the predictions
 * stored for its model (or, without a model, for its spec hash), the latest row per
 * version and target. Latency compares latency_worst with latency_cycles.
 *
 * Memory: the pairs in one heap array, freed before return.
 * Workload: tens to thousands of pairs: milliseconds.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/rep_page.h"
#include "reports/rep_sections.h"
#include "reports/svg_plot.h"
#include "util/err.h"
#include "validation/vstats.h"

enum vt { VT_LUT, VT_FF, VT_DSP, VT_BRAM, VT_LAT, VT_COUNT };
static const char *const vt_pred[VT_COUNT] = {"lut", "ff", "dsp", "bram18", "latency_cycles"};
static const char *const vt_title[VT_COUNT] = {"LUT", "FF", "DSP", "BRAM18", "Latency"};
static const char *const vt_unit[VT_COUNT] = {"LUTs", "flip-flops", "DSP slices", "18 kb block RAMs",
                                              "clock cycles"};
#define MAX_VERSIONS 8

typedef struct vpair {
    int64_t synth, model, version;
    int target;
    double y, p, lo, hi;
    char tool[48];
} vpair;

static int target_of(const char *name)
{
    for (int k = 0; k < VT_COUNT; k++)
        if (name && strcmp(name, vt_pred[k]) == 0)
            return k;
    return -1;
}

static int read_pairs(snac_db *db, vpair **out, size_t *n_out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT s.id, ifnull(s.model_id, 0), s.toolchain || ifnull('-' || s.tool_version, ''), "
                           "s.lut, s.ff, s.dsp, s.bram18, s.latency_worst, p.version_id, p.target, p.value, p.lo, p.hi "
                           "FROM synthesis_results s JOIN predictions p ON ((s.model_id IS NOT NULL AND p.model_id = "
                           "s.model_id) OR (s.model_id IS NULL AND s.spec_sha256 IS NOT NULL AND p.spec_sha256 = "
                           "s.spec_sha256)) WHERE p.target IN ('lut', 'ff', 'dsp', 'bram18', 'latency_cycles') "
                           "ORDER BY s.id, p.version_id, p.target, p.id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare validation query");
    vpair *v = NULL;
    size_t n = 0, cap = 0;
    int rc = SNAC_OK, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int k = target_of((const char *)sqlite3_column_text(st, 9));
        if (k < 0)
            continue;
        double y = rep_col_real(st, 3 + k);
        if (!isfinite(y))
            continue;
        vpair x = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 8), k, y,
                   rep_col_real(st, 10), rep_col_real(st, 11), rep_col_real(st, 12), ""};
        rep_col_text(st, 2, x.tool, sizeof x.tool);
        if (!isfinite(x.p))
            continue;
        if (n > 0 && v[n - 1].synth == x.synth && v[n - 1].version == x.version && v[n - 1].target == k) {
            v[n - 1] = x; /* a later prediction of the same version and target wins */
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 128;
            vpair *nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                break;
            }
            v = nv;
        }
        v[n++] = x;
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(db, "read validation pairs");
    sqlite3_finalize(st);
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n_out = n;
    return SNAC_OK;
}

/* The versions in the pairs, ascending, at most MAX_VERSIONS, with their names. */
static int read_versions(snac_db *db, const vpair *v, size_t n, int64_t *ids, char names[][96], size_t *n_ver)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < k && ids[j] != v[i].version)
            j++;
        if (j == k && k < MAX_VERSIONS)
            ids[k++] = v[i].version;
    }
    for (size_t a = 1; a < k; a++) /* insertion sort: a handful */
        for (size_t c = a; c > 0 && ids[c - 1] > ids[c]; c--) {
            int64_t t = ids[c];
            ids[c] = ids[c - 1];
            ids[c - 1] = t;
        }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT name, toolchain FROM surrogate_versions WHERE id = ?1", -1, &st,
                           NULL) != SQLITE_OK)
        return db_error(db, "prepare version query");
    for (size_t i = 0; i < k; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, ids[i]);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(names[i], 96, "v%lld %.60s (%.24s)", (long long)ids[i], (const char *)sqlite3_column_text(st, 0),
                     (const char *)sqlite3_column_text(st, 1));
        else
            snprintf(names[i], 96, "v%lld", (long long)ids[i]);
    }
    sqlite3_finalize(st);
    *n_ver = k;
    return SNAC_OK;
}

static size_t version_index(const int64_t *ids, size_t n, int64_t v)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] == v)
            return i;
    return n;
}

static double err_pct(const vpair *x) { return x->y != 0 ? 100.0 * (x->p - x->y) / fabs(x->y) : NAN; }

/* The error for the histogram: clamped to +-300% (fmin/fmax would turn NaN into the bound). */
static double err_binned(const vpair *x)
{
    double e = err_pct(x);
    return isfinite(e) ? fmax(-300, fmin(300, e)) : NAN;
}

static const char *const colour[MAX_VERSIONS] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};

static void scatter(strbuf *b, int k, const vpair *v, size_t n, const int64_t *ids, char names[][96], size_t n_ver)
{
    svg_range r;
    svg_range_init(&r);
    for (size_t i = 0; i < n; i++)
        if (v[i].target == k && version_index(ids, n_ver, v[i].version) < n_ver) {
            svg_range_add(&r, v[i].y);
            svg_range_add(&r, v[i].p);
            svg_range_add(&r, v[i].lo);
            svg_range_add(&r, v[i].hi);
        }
    char id[32], title[96], xl[96], yl[96], label[320], cls[16];
    snprintf(id, sizeof id, "v-%s", vt_pred[k]);
    snprintf(title, sizeof title, "%s: predicted vs synthesized", vt_title[k]);
    snprintf(xl, sizeof xl, "synthesized (%s)", vt_unit[k]);
    snprintf(yl, sizeof yl, "predicted (%s), 95%% interval", vt_unit[k]);
    const char *np[MAX_VERSIONS];
    for (size_t i = 0; i < n_ver; i++)
        np[i] = names[i];
    svg_frame f = {id, title, xl, yl, 0, 1, 0, 1, false, false, np, colour, n_ver};
    svg_frame_axis(&f, 0, &r, 0);
    svg_frame_axis(&f, 1, &r, 0);
    svg_plot p;
    rep_figure_begin(b);
    svg_plot_begin(&p, b, &f);
    svg_plot_identity(&p);
    for (size_t i = 0; i < n; i++) {
        size_t vi = version_index(ids, n_ver, v[i].version);
        if (v[i].target != k || vi == n_ver)
            continue;
        snprintf(cls, sizeof cls, "%s", colour[vi]);
        if (isfinite(v[i].lo) && isfinite(v[i].hi))
            svg_plot_errbar(&p, v[i].y, v[i].lo, v[i].hi, cls);
        snprintf(label, sizeof label, "synthesis %lld (model %lld, %s), version %lld: synthesized %.0f, predicted %.1f "
                 "[%.1f, %.1f], error %+.1f%%", (long long)v[i].synth, (long long)v[i].model, v[i].tool,
                 (long long)v[i].version, v[i].y, v[i].p, v[i].lo, v[i].hi, err_pct(&v[i]));
        svg_plot_point(&p, v[i].y, v[i].p, 3.4, cls, label);
    }
    svg_plot_end(&p);
    snprintf(label, sizeof label, "%zu pairs; dashed: y = x (a perfect surrogate)", p.n_marks);
    rep_figure_end(b, label);
}

#define MAX_BINS 64

static void histogram(strbuf *b, int k, const vpair *v, size_t n, const int64_t *ids, char names[][96], size_t n_ver)
{
    svg_range r;
    svg_range_init(&r);
    for (size_t i = 0; i < n; i++)
        if (v[i].target == k && version_index(ids, n_ver, v[i].version) < n_ver)
            svg_range_add(&r, err_binned(&v[i]));
    if (!isfinite(r.lo))
        return; /* every actual is 0: no percentage error */
    double step = svg_nice_step(r.lo, r.hi, 12);
    double lo = floor(r.lo / step) * step, hi = ceil(r.hi / step) * step;
    if (hi <= lo)
        hi = lo + step;
    size_t nb = (size_t)llround((hi - lo) / step);
    if (nb > MAX_BINS)
        nb = MAX_BINS, step = (hi - lo) / MAX_BINS;
    double edges[MAX_BINS + 1], counts[MAX_VERSIONS][MAX_BINS], top = 5; /* integer count ticks */
    for (size_t i = 0; i <= nb; i++)
        edges[i] = lo + (double)i * step;
    memset(counts, 0, sizeof counts);
    for (size_t i = 0; i < n; i++) {
        size_t vi = version_index(ids, n_ver, v[i].version);
        double e = err_binned(&v[i]);
        if (v[i].target != k || vi == n_ver || !isfinite(e))
            continue;
        size_t bin = (size_t)fmax(0, fmin((double)nb - 1, floor((e - lo) / step)));
        counts[vi][bin] += 1;
        top = fmax(top, counts[vi][bin]);
    }
    char id[32], title[96], caption[160];
    const char *np[MAX_VERSIONS];
    for (size_t i = 0; i < n_ver; i++)
        np[i] = names[i];
    snprintf(id, sizeof id, "vh-%s", vt_pred[k]);
    snprintf(title, sizeof title, "%s: error of the prediction", vt_title[k]);
    svg_frame f = {id, title, "error: 100 (predicted - synthesized) / synthesized (%)", "synthesis results (count)",
                   lo, hi, 0, top, false, false, np, colour, n_ver};
    svg_plot p;
    rep_figure_begin(b);
    svg_plot_begin(&p, b, &f);
    for (size_t vi = 0; vi < n_ver; vi++)
        svg_plot_bars(&p, edges, counts[vi], nb, colour[vi]);
    svg_plot_end(&p);
    snprintf(caption, sizeof caption, "bins of %g%%; errors beyond +-300%% in the end bins; one colour per surrogate "
             "version (a refit next to its parent)", step);
    rep_figure_end(b, caption);
}

/* ---- statistics --------------------------------------------------------------------------- */

static int recomputed_table(strbuf *b, const vpair *v, size_t n, const int64_t *ids, char names[][96], size_t n_ver)
{
    double *y = malloc((n ? n : 1) * sizeof *y), *p = malloc((n ? n : 1) * sizeof *p);
    if (!y || !p) {
        free(y);
        free(p);
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    }
    rep_table_begin(b, "Statistics recomputed from the plotted pairs (validation/vstats)",
                    "surrogate version|target|n|MAPE %|median APE %|Spearman|bias (pred - synth)|within 20 %", 1);
    int rc = SNAC_OK;
    vstats_opts o = {0, 511, 0.95};
    for (size_t vi = 0; vi < n_ver && !rc; vi++)
        for (int k = 0; k < VT_COUNT && !rc; k++) {
            size_t m = 0;
            for (size_t i = 0; i < n; i++)
                if (v[i].version == ids[vi] && v[i].target == k) {
                    y[m] = v[i].y;
                    p[m++] = v[i].p;
                }
            if (m == 0)
                continue;
            vstats s;
            if ((rc = vstats_compute(y, p, m, &o, &s)))
                break;
            strbuf_puts(b, "<tr>");
            rep_td(b, names[vi]);
            rep_td(b, vt_pred[k]);
            rep_td_int(b, (long long)m);
            rep_td_fix(b, s.v[VS_MAPE], 1);
            rep_td_fix(b, s.v[VS_MDAPE], 1);
            rep_td_fix(b, s.v[VS_SPEARMAN], 3);
            rep_td_fix(b, s.v[VS_BIAS], 1);
            rep_td_fix(b, s.v[VS_WITHIN20], 1);
            strbuf_puts(b, "</tr>\n");
        }
    rep_table_end(b);
    free(y);
    free(p);
    return rc;
}

static int stored_table(snac_db *db, strbuf *b)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT vs.version_id, ifnull(v.name, ''), vs.toolchain, vs.target, vs.prediction_kind, vs.n, "
                           "json_extract(vs.stats, '$.mape'), json_extract(vs.stats, '$.mdape'), "
                           "json_extract(vs.stats, '$.spearman'), json_extract(vs.stats, '$.bias'), "
                           "json_extract(vs.stats, '$.within20'), vs.created_at FROM validation_stats vs "
                           "LEFT JOIN surrogate_versions v ON v.id = vs.version_id WHERE vs.id IN (SELECT max(id) FROM "
                           "validation_stats GROUP BY version_id, toolchain, target, prediction_kind) "
                           "ORDER BY vs.version_id, vs.toolchain, vs.target, vs.prediction_kind",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare validation_stats query");
    int s, rows = 0;
    char t[128];
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (rows++ == 0)
            rep_table_begin(b, "Statistics stored by `snac validate` (validation_stats, the latest per version, "
                               "toolchain, target and kind)",
                            "version|name|toolchain|target|predictions|n|MAPE %|median APE %|Spearman|bias|within 20 %|"
                            "computed at", 1);
        strbuf_puts(b, "<tr>");
        rep_td_int(b, sqlite3_column_int64(st, 0));
        for (int c = 1; c <= 4; c++) {
            rep_col_text(st, c, t, sizeof t);
            rep_td(b, t);
        }
        rep_td_int(b, sqlite3_column_int64(st, 5));
        rep_td_fix(b, rep_col_real(st, 6), 1);
        rep_td_fix(b, rep_col_real(st, 7), 1);
        rep_td_fix(b, rep_col_real(st, 8), 3);
        rep_td_fix(b, rep_col_real(st, 9), 1);
        rep_td_fix(b, rep_col_real(st, 10), 1);
        rep_col_text(st, 11, t, sizeof t);
        rep_td(b, t);
        strbuf_puts(b, "</tr>\n");
    }
    int rc = s == SQLITE_DONE ? SNAC_OK : db_error(db, "read validation_stats");
    sqlite3_finalize(st);
    if (rows)
        rep_table_end(b);
    else
        rep_note(b, "note", "No statistics stored by `snac validate` yet.");
    return rc;
}

/* ---- section ------------------------------------------------------------------------------ */

int rep_valid_section(snac_db *db, strbuf *b)
{
    vpair *v = NULL;
    size_t n = 0, n_ver = 0;
    int64_t ids[MAX_VERSIONS];
    char names[MAX_VERSIONS][96];
    int rc = read_pairs(db, &v, &n);
    if (rc || (rc = read_versions(db, v, n, ids, names, &n_ver))) {
        free(v);
        return rc;
    }
    rep_section_begin(b, "validation", "Surrogate validation: predicted vs synthesized");
    if (n == 0) {
        rep_note(b, "empty", "No synthesis result with a stored prediction in this store (`snac synth` or "
                             "`snac ingest --model ID` adds them).");
    } else {
        char buf[256];
        snprintf(buf, sizeof buf, "%zu (synthesis result, surrogate version, target) pairs from stored predictions; "
                 "latency compares the worst-case cycles with the predicted cycles.", n);
        rep_note(b, "note", buf);
        rep_grid_begin(b);
        for (int k = 0; k < VT_COUNT; k++)
            scatter(b, k, v, n, ids, names, n_ver);
        rep_grid_end(b);
        strbuf_puts(b, "<h3>Error histograms</h3>\n");
        rep_grid_begin(b);
        for (int k = 0; k < VT_COUNT; k++)
            histogram(b, k, v, n, ids, names, n_ver);
        rep_grid_end(b);
        rc = recomputed_table(b, v, n, ids, names, n_ver);
        snprintf(buf, sizeof buf, "Table: the %zu pairs behind the plots", n);
        rep_table_begin(b, buf, "synthesis|model|toolchain|version|target|synthesized|predicted|95% lo|95% hi|error %", 0);
        for (size_t i = 0; i < n && !rc; i++) {
            strbuf_puts(b, "<tr>");
            rep_td_int(b, (long long)v[i].synth);
            rep_td_int(b, (long long)v[i].model);
            rep_td(b, v[i].tool);
            rep_td_int(b, (long long)v[i].version);
            rep_td(b, vt_pred[v[i].target]);
            rep_td_fix(b, v[i].y, 1);
            rep_td_fix(b, v[i].p, 1);
            rep_td_fix(b, v[i].lo, 1);
            rep_td_fix(b, v[i].hi, 1);
            rep_td_fix(b, err_pct(&v[i]), 1);
            strbuf_puts(b, "</tr>\n");
        }
        rep_table_end(b);
    }
    if (!rc)
        rc = stored_table(db, b);
    rep_section_end(b);
    free(v);
    return rc;
}
