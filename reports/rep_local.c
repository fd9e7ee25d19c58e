/* rep_local — the local-search section of the report: for one local run, validation and
 * test accuracy of the deployed integer network vs sparsity, one colour per chain (source
 * trial x bit width; validation solid with filled points, test dashed with hollow points),
 * the surrogate's predicted average resources vs sparsity per chain, and the iteration table.
 *
 * Memory: the run's iterations in one heap array, freed before return.
 * Workload: chains x iterations (tens to hundreds of rows): instant.
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

typedef struct liter {
    int64_t trial, bits, iter, model_id;
    double sparsity, val, test, bops, res, cyc, lut, ff, dsp;
    size_t chain; /* index of (trial, bits) in order */
} liter;

static int read_iters(snac_db *db, int64_t run_id, liter **out, size_t *n_out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT source_trial_id, bits, iteration, model_id, sparsity, val_acc, test_acc, bops_mac, "
                           "json_extract(predictions, '$.avg_resource_pct'), json_extract(predictions, '$.latency_cycles'), "
                           "json_extract(predictions, '$.lut'), json_extract(predictions, '$.ff'), "
                           "json_extract(predictions, '$.dsp') FROM local_iterations WHERE run_id = ?1 "
                           "ORDER BY source_trial_id, bits, iteration",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare local iteration query");
    sqlite3_bind_int64(st, 1, run_id);
    liter *r = NULL;
    size_t n = 0, cap = 0, chain = 0;
    int rc = SNAC_OK, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            liter *nr = realloc(r, cap * sizeof *nr);
            if (!nr) {
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                break;
            }
            r = nr;
        }
        liter *x = &r[n];
        x->trial = sqlite3_column_int64(st, 0);
        x->bits = sqlite3_column_int64(st, 1);
        x->iter = sqlite3_column_int64(st, 2);
        x->model_id = sqlite3_column_int64(st, 3);
        x->sparsity = rep_col_real(st, 4);
        x->val = rep_col_real(st, 5);
        x->test = rep_col_real(st, 6);
        x->bops = rep_col_real(st, 7);
        x->res = rep_col_real(st, 8);
        x->cyc = rep_col_real(st, 9);
        x->lut = rep_col_real(st, 10);
        x->ff = rep_col_real(st, 11);
        x->dsp = rep_col_real(st, 12);
        if (n > 0 && (r[n - 1].trial != x->trial || r[n - 1].bits != x->bits))
            chain++;
        x->chain = chain;
        n++;
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(db, "read local iterations");
    sqlite3_finalize(st);
    if (rc) {
        free(r);
        return rc;
    }
    *out = r;
    *n_out = n;
    return SNAC_OK;
}

/* One chain's polyline of column `which` (0 val, 1 test, 2 predicted resources). */
static void chain_line(svg_plot *p, const liter *r, size_t a, size_t z, int which, const char *cls)
{
    double xs[256], ys[256];
    size_t k = 0;
    for (size_t i = a; i < z && k < 256; i++, k++) {
        xs[k] = 100 * r[i].sparsity;
        ys[k] = which == 0 ? 100 * r[i].val : which == 1 ? 100 * r[i].test : r[i].res;
    }
    svg_plot_line(p, xs, ys, k, cls);
}

int rep_local_section(snac_db *db, int64_t run_id, strbuf *b)
{
    liter *r = NULL;
    size_t n = 0;
    int rc = read_iters(db, run_id, &r, &n);
    if (rc)
        return rc;
    char sid[32], title[96], buf[512], label[256], cls[32];
    snprintf(sid, sizeof sid, "run-%lld", (long long)run_id);
    snprintf(title, sizeof title, "Local search: run %lld", (long long)run_id);
    rep_section_begin(b, sid, title);
    size_t n_chains = n ? r[n - 1].chain + 1 : 0;
    snprintf(buf, sizeof buf,
             "%zu iterations in %zu chain(s) (source trial x bit width) of quantization-aware training and iterative "
             "magnitude pruning; accuracies are the deployed integer network's, resources the surrogate's prediction "
             "from the quantized weights.", n, n_chains);
    rep_note(b, "note", buf);
    if (n == 0) {
        rep_note(b, "empty", "no stored iteration in this run");
        rep_section_end(b);
        free(r);
        return SNAC_OK;
    }
    svg_range rx, ra, rr;
    svg_range_init(&rx);
    svg_range_init(&ra);
    svg_range_init(&rr);
    for (size_t i = 0; i < n; i++) {
        svg_range_add(&rx, 100 * r[i].sparsity);
        svg_range_add(&ra, 100 * r[i].val);
        svg_range_add(&ra, 100 * r[i].test);
        svg_range_add(&rr, r[i].res);
    }
    svg_range_add(&rx, 0);

    /* legend: one entry per chain (at most SVG_N_COLOURS named) */
    char names[SVG_N_COLOURS][64];
    const char *np[SVG_N_COLOURS], *cp[SVG_N_COLOURS];
    static const char *const colour[SVG_N_COLOURS] = {"c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"};
    size_t n_leg = 0;
    for (size_t i = 0; i < n && n_leg < SVG_N_COLOURS; i++)
        if (i == 0 || r[i].chain != r[i - 1].chain) {
            snprintf(names[n_leg], sizeof names[n_leg], "trial %lld, %lld bits", (long long)r[i].trial,
                     (long long)r[i].bits);
            np[n_leg] = names[n_leg];
            cp[n_leg] = colour[r[i].chain % SVG_N_COLOURS];
            n_leg++;
        }

    rep_grid_begin(b);
    for (int fig = 0; fig < 2; fig++) {
        char id[64];
        snprintf(id, sizeof id, "l%lld-%s", (long long)run_id, fig == 0 ? "acc" : "res");
        svg_frame f = {id, fig == 0 ? "Accuracy vs sparsity (solid: validation, dashed: test)"
                                    : "Predicted average resources vs sparsity",
                       "sparsity (% of weights pruned)",
                       fig == 0 ? "accuracy (%)" : "predicted average resources (% of the part)", 0, 1, 0, 1, false,
                       false, np, cp, n_leg};
        svg_frame_axis(&f, 0, &rx, -1);
        svg_frame_axis(&f, 1, fig == 0 ? &ra : &rr, fig == 0 ? -1 : 0);
        svg_plot p;
        rep_figure_begin(b);
        svg_plot_begin(&p, b, &f);
        for (size_t a = 0; a < n;) {
            size_t z = a;
            while (z < n && r[z].chain == r[a].chain)
                z++;
            const char *c = colour[r[a].chain % SVG_N_COLOURS];
            for (int which = fig == 0 ? 0 : 2; which <= (fig == 0 ? 1 : 2); which++) {
                snprintf(cls, sizeof cls, "%s%s", c, which == 1 ? " dash" : "");
                chain_line(&p, r, a, z, which, cls);
                for (size_t i = a; i < z; i++) {
                    double y = which == 0 ? 100 * r[i].val : which == 1 ? 100 * r[i].test : r[i].res;
                    snprintf(label, sizeof label,
                             "trial %lld, %lld bits, iteration %lld (model %lld): sparsity %.1f%%, val %.2f%%, "
                             "test %.2f%%, res %.4f%%, %.0f cycles, LUT %.0f",
                             (long long)r[i].trial, (long long)r[i].bits, (long long)r[i].iter,
                             (long long)r[i].model_id, 100 * r[i].sparsity, 100 * r[i].val, 100 * r[i].test, r[i].res,
                             r[i].cyc, r[i].lut);
                    snprintf(cls, sizeof cls, "%s%s", c, which == 1 ? " hollow" : "");
                    svg_plot_point(&p, 100 * r[i].sparsity, y, 3.2, cls, label);
                }
            }
            a = z;
        }
        svg_plot_end(&p);
        snprintf(buf, sizeof buf, "%zu points: %s", p.n_marks,
                 fig == 0 ? "two per iteration (validation, test)" : "one per iteration");
        rep_figure_end(b, buf);
    }
    rep_grid_end(b);

    snprintf(buf, sizeof buf, "Table: the %zu iterations behind both plots", n);
    rep_table_begin(b, buf, "trial|bits|iteration|sparsity %|val acc %|test acc %|BOPs|avg res %|latency cycles|LUT|FF|DSP|model", 0);
    for (size_t i = 0; i < n; i++) {
        strbuf_puts(b, "<tr>");
        rep_td_int(b, (long long)r[i].trial);
        rep_td_int(b, (long long)r[i].bits);
        rep_td_int(b, (long long)r[i].iter);
        rep_td_fix(b, 100 * r[i].sparsity, 1);
        rep_td_fix(b, 100 * r[i].val, 2);
        rep_td_fix(b, 100 * r[i].test, 2);
        rep_td_fix(b, r[i].bops, 0);
        rep_td_fix(b, r[i].res, 4);
        rep_td_fix(b, r[i].cyc, 1);
        rep_td_fix(b, r[i].lut, 0);
        rep_td_fix(b, r[i].ff, 0);
        rep_td_fix(b, r[i].dsp, 0);
        rep_td_int(b, (long long)r[i].model_id);
        strbuf_puts(b, "</tr>\n");
    }
    rep_table_end(b);
    rep_section_end(b);
    free(r);
    return SNAC_OK;
}
