/* rep_ablation — the ablation section of the report: for each objective set (accuracy only,
 * accuracy + BOPs, accuracy + surrogate, ...), the synthesized accuracy, LUT and latency of
 * the selected models over the seeds (mean, standard deviation, min-max), the hypervolume
 * comparison, and a scatter of accuracy vs LUT coloured by objective set.
 *
 * Source (only read_ablation() knows it): the tables `snac ablate` writes (schema 7, issue 18)
 *   ablation_models(run_id, objective_set, seed, model_id, test_acc, lut, ff, dsp, latency, ...)
 *   ablation_sets(run_id, objective_set, seed, hv_lut, hv_latency, mape_lut, ...)
 * one row per built model, the hypervolumes and the surrogate's LUT MAPE per (objective set,
 * seed) joined onto its models. Accuracy is the test accuracy of the deployed model; LUT, FF, DSP
 * and latency are synthesized. Without rows the section says "no ablation in this store".
 *
 * Memory: rows in one heap array, freed before return. Workload: tens of rows.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/rep_page.h"
#include "reports/rep_sections.h"
#include "reports/svg_plot.h"
#include "util/err.h"

typedef struct abl_row {
    int64_t run, seed, model;
    char set[64];
    double acc, lut, ff, dsp, latency, hv_lut, hv_latency, surr_mape;
} abl_row;

/* The one place that knows the ablation tables. Rows ordered by objective set, seed, id. */
static int read_ablation(snac_db *db, abl_row **out, size_t *n_out)
{
    static const char *const q7 =
        "SELECT m.run_id, m.objective_set, m.seed, m.model_id, m.test_acc, m.lut, m.ff, m.dsp, m.latency, "
        "s.hv_lut, s.hv_latency, s.mape_lut FROM ablation_models m LEFT JOIN ablation_sets s ON "
        "s.run_id = m.run_id AND s.objective_set = m.objective_set AND s.seed = m.seed "
        "ORDER BY m.objective_set, m.seed, m.run_id, m.id";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), q7, -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "read the ablation tables (the columns this report expects are listed in "
                            "reports/rep_ablation.c)");
    abl_row *r = NULL;
    size_t n = 0, cap = 0;
    int rc = SNAC_OK, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            abl_row *nr = realloc(r, cap * sizeof *nr);
            if (!nr) {
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                break;
            }
            r = nr;
        }
        abl_row *x = &r[n++];
        x->run = sqlite3_column_int64(st, 0);
        rep_col_text(st, 1, x->set, sizeof x->set);
        x->seed = sqlite3_column_int64(st, 2);
        x->model = sqlite3_column_int64(st, 3);
        x->acc = rep_col_real(st, 4);
        x->lut = rep_col_real(st, 5);
        x->ff = rep_col_real(st, 6);
        x->dsp = rep_col_real(st, 7);
        x->latency = rep_col_real(st, 8);
        x->hv_lut = rep_col_real(st, 9);
        x->hv_latency = rep_col_real(st, 10);
        x->surr_mape = rep_col_real(st, 11);
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(db, "read the ablation tables");
    sqlite3_finalize(st);
    if (rc) {
        free(r);
        return rc;
    }
    *out = r;
    *n_out = n;
    return SNAC_OK;
}

/* ---- summary statistics ------------------------------------------------------------------- */

typedef struct summary {
    size_t n;
    double mean, sd, min, max;
} summary;

/* Over rows [a, z) of column `off` (a byte offset into abl_row); `per_seed` counts each seed once. */
static summary summarize(const abl_row *r, size_t a, size_t z, size_t off, bool per_seed)
{
    summary s = {0, NAN, NAN, INFINITY, -INFINITY};
    double sum = 0, sq = 0;
    for (size_t i = a; i < z; i++) {
        if (per_seed && i > a && r[i].seed == r[i - 1].seed)
            continue;
        double v = *(const double *)((const char *)&r[i] + off);
        if (!isfinite(v))
            continue;
        s.n++;
        sum += v;
        s.min = fmin(s.min, v);
        s.max = fmax(s.max, v);
    }
    if (s.n == 0)
        return (summary){0, NAN, NAN, NAN, NAN};
    s.mean = sum / (double)s.n;
    for (size_t i = a; i < z; i++) {
        if (per_seed && i > a && r[i].seed == r[i - 1].seed)
            continue;
        double v = *(const double *)((const char *)&r[i] + off);
        if (isfinite(v))
            sq += (v - s.mean) * (v - s.mean);
    }
    s.sd = s.n > 1 ? sqrt(sq / (double)(s.n - 1)) : NAN;
    return s;
}

static void td_summary(strbuf *b, summary s, int dec)
{
    strbuf_puts(b, "<td>");
    rep_buf_fix(b, s.mean, dec, "");
    if (isfinite(s.sd)) {
        strbuf_puts(b, " \xc2\xb1 ");
        rep_buf_fix(b, s.sd, dec, "");
    }
    if (s.n > 1) {
        strbuf_puts(b, " [");
        rep_buf_fix(b, s.min, dec, "");
        strbuf_puts(b, ", ");
        rep_buf_fix(b, s.max, dec, "");
        strbuf_puts(b, "]");
    }
    strbuf_puts(b, "</td>");
}

/* ---- section ------------------------------------------------------------------------------ */

static const char *const colour[SVG_N_COLOURS] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};

int rep_ablation_section(snac_db *db, strbuf *b)
{
    int exists = 0; /* schema 7 and later (a store is migrated when opened for writing) */
    int rc = rep_table_exists(db, "ablation_models", &exists);
    if (rc)
        return rc;
    rep_section_begin(b, "ablation", "Objective ablation");
    abl_row *r = NULL;
    size_t n = 0;
    if (!exists || (rc = read_ablation(db, &r, &n)) || n == 0) {
        if (!rc)
            rep_note(b, "empty", "no ablation in this store");
        rep_section_end(b);
        free(r);
        return rc;
    }
    /* groups: consecutive rows of one objective set */
    size_t starts[SVG_N_COLOURS + 1], n_sets = 0;
    char names[SVG_N_COLOURS][64];
    const char *np[SVG_N_COLOURS];
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(r[i].set, r[i - 1].set) != 0) {
            if (n_sets == SVG_N_COLOURS)
                break;
            starts[n_sets] = i;
            snprintf(names[n_sets], sizeof names[n_sets], "%s", r[i].set);
            np[n_sets] = names[n_sets];
            n_sets++;
        }
    size_t end = n;
    for (size_t i = starts[n_sets - 1]; i < n; i++)
        if (strcmp(r[i].set, r[starts[n_sets - 1]].set) != 0) {
            end = i;
            break;
        }
    starts[n_sets] = end;
    char buf[320];
    snprintf(buf, sizeof buf, "%zu selected models over %zu objective sets; accuracy, LUT and latency after synthesis, "
             "spread over the seeds (mean \xc2\xb1 sd [min, max]).", end, n_sets);
    rep_note(b, "note", buf);

    rep_grid_begin(b);
    for (int fig = 0; fig < 2; fig++) {
        svg_range rx, ry;
        svg_range_init(&rx);
        svg_range_init(&ry);
        for (size_t i = 0; i < end; i++) {
            svg_range_add(&rx, fig == 0 ? r[i].lut : r[i].latency);
            svg_range_add(&ry, 100 * r[i].acc);
        }
        svg_frame f = {fig == 0 ? "ab-acc-lut" : "ab-acc-lat",
                       fig == 0 ? "Ablation: accuracy vs LUT (synthesized)" : "Ablation: accuracy vs latency (synthesized)",
                       fig == 0 ? "LUT (synthesized)" : "latency (clock cycles, synthesized)", "accuracy (%)",
                       0, 1, 0, 1, false, false, np, colour, n_sets};
        svg_frame_axis(&f, 0, &rx, 0);
        svg_frame_axis(&f, 1, &ry, -1);
        svg_plot p;
        rep_figure_begin(b);
        svg_plot_begin(&p, b, &f);
        for (size_t g = 0; g < n_sets; g++)
            for (size_t i = starts[g]; i < starts[g + 1]; i++) {
                snprintf(buf, sizeof buf, "%s, seed %lld, model %lld: accuracy %.2f%%, LUT %.0f, latency %.0f cycles",
                         r[i].set, (long long)r[i].seed, (long long)r[i].model, 100 * r[i].acc, r[i].lut, r[i].latency);
                svg_plot_point(&p, fig == 0 ? r[i].lut : r[i].latency, 100 * r[i].acc, 3.6, colour[g], buf);
            }
        svg_plot_end(&p);
        snprintf(buf, sizeof buf, "%zu models, one colour per objective set", p.n_marks);
        rep_figure_end(b, buf);
    }
    rep_grid_end(b);

    rep_table_begin(b, "Per objective set: synthesized results over seeds, and hypervolumes (per seed)",
                    "objective set|seeds|models|accuracy %|LUT|latency cycles|HV (acc, LUT)|HV (acc, latency)|"
                    "surrogate LUT MAPE %", 1);
    for (size_t g = 0; g < n_sets; g++) {
        size_t a = starts[g], z = starts[g + 1], seeds = 0;
        for (size_t i = a; i < z; i++)
            seeds += i == a || r[i].seed != r[i - 1].seed;
        strbuf_puts(b, "<tr>");
        rep_td(b, r[a].set);
        rep_td_int(b, (long long)seeds);
        rep_td_int(b, (long long)(z - a));
        summary acc = summarize(r, a, z, offsetof(abl_row, acc), false);
        acc.mean *= 100, acc.sd *= 100, acc.min *= 100, acc.max *= 100;
        td_summary(b, acc, 2);
        td_summary(b, summarize(r, a, z, offsetof(abl_row, lut), false), 0);
        td_summary(b, summarize(r, a, z, offsetof(abl_row, latency), false), 1);
        td_summary(b, summarize(r, a, z, offsetof(abl_row, hv_lut), true), 4);
        td_summary(b, summarize(r, a, z, offsetof(abl_row, hv_latency), true), 4);
        td_summary(b, summarize(r, a, z, offsetof(abl_row, surr_mape), true), 1);
        strbuf_puts(b, "</tr>\n");
    }
    rep_table_end(b);
    snprintf(buf, sizeof buf, "Table: the %zu rows behind the plots", end);
    rep_table_begin(b, buf, "ablation run|objective set|seed|model|accuracy %|LUT|FF|DSP|latency|HV (acc, LUT)|"
                            "HV (acc, latency)|surrogate LUT MAPE %", 0);
    for (size_t i = 0; i < end; i++) {
        strbuf_puts(b, "<tr>");
        rep_td_int(b, (long long)r[i].run);
        rep_td(b, r[i].set);
        rep_td_int(b, (long long)r[i].seed);
        rep_td_int(b, (long long)r[i].model);
        rep_td_fix(b, 100 * r[i].acc, 2);
        rep_td_fix(b, r[i].lut, 0);
        rep_td_fix(b, r[i].ff, 0);
        rep_td_fix(b, r[i].dsp, 0);
        rep_td_fix(b, r[i].latency, 1);
        rep_td_fix(b, r[i].hv_lut, 4);
        rep_td_fix(b, r[i].hv_latency, 4);
        rep_td_fix(b, r[i].surr_mape, 1);
        strbuf_puts(b, "</tr>\n");
    }
    rep_table_end(b);
    if (n_sets == SVG_N_COLOURS && end < n)
        rep_note(b, "note", "Only the first 8 objective sets are shown.");
    rep_section_end(b);
    free(r);
    return SNAC_OK;
}
