/* rep_global — the global-search section of the report: the paper's Figures 1-4 for one
 * search run (average resources vs latency, accuracy vs resources, accuracy vs latency,
 * accuracy vs BOPs), every trained trial faint, the run's Pareto front highlighted
 * (search_pareto_front_trials: the front in the run's own objectives), the baseline (the
 * first train run's model) marked where its numbers exist, and the trial table.
 *
 * Predictions are the ones the search stored for each trial (matched by the trial's spec
 * hash and the run's surrogate version, the latest row winning).
 *
 * Memory: the run's trials are read into one heap array, freed before return.
 * Workload: 500 trials x 4 figures: a few milliseconds.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/rep_page.h"
#include "reports/rep_sections.h"
#include "reports/svg_plot.h"
#include "search/search_pareto.h"
#include "util/err.h"

/* ---- what is read ------------------------------------------------------------------------- */

enum gval { G_ACC, G_BOPS, G_RES, G_CYC, G_LUT, G_FF, G_DSP, G_BRAM, G_COUNT };
static const char *const pred_names[G_COUNT] = {NULL, NULL, "avg_resource_pct", "latency_cycles", "lut", "ff", "dsp",
                                                "bram18"};

typedef struct gtrial {
    int64_t id, gen;
    double v[G_COUNT]; /* accuracy as a fraction; NaN = unknown */
    char arch[96];
    char sha[65];      /* spec hash: the key of its predictions */
    bool front;
} gtrial;

typedef struct gbase {
    bool have;
    int64_t run_id, model_id;
    char name[64], arch[96];
    double v[G_COUNT];
    const char *acc_kind; /* "validation" or "test" */
} gbase;

static void set_pred(double *v, const char *target, double value)
{
    for (int k = G_RES; k < G_COUNT; k++)
        if (target && strcmp(target, pred_names[k]) == 0)
            v[k] = value;
}

/* Trials ordered by spec hash, for matching predictions (pointers into the trial array). */
static int cmp_sha(const void *a, const void *b)
{
    return strcmp((*(const gtrial *const *)a)->sha, (*(const gtrial *const *)b)->sha);
}

/* The stored predictions of the run's version, matched to trials by spec hash in memory (a
 * join on json_extract(objectives) cannot use an index: a 500-trial run took a second). */
static int match_predictions(snac_db *db, int64_t version, gtrial *t, size_t n)
{
    gtrial **by = malloc((n ? n : 1) * sizeof *by);
    if (!by)
        return snac_err_set(SNAC_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        by[i] = &t[i];
    qsort(by, n, sizeof *by, cmp_sha);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT spec_sha256, target, value FROM predictions WHERE (version_id = ?1 OR ?1 = 0) AND "
                           "spec_sha256 IS NOT NULL AND target IN ('avg_resource_pct', 'latency_cycles', 'lut', 'ff', "
                           "'dsp', 'bram18') ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK) {
        free(by);
        return db_error(db, "prepare prediction query");
    }
    sqlite3_bind_int64(st, 1, version);
    int s;
    gtrial key;
    const gtrial *kp = &key;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        rep_col_text(st, 0, key.sha, sizeof key.sha);
        gtrial **hit = n ? bsearch(&kp, by, n, sizeof *by, cmp_sha) : NULL;
        if (!hit)
            continue;
        while (hit > by && strcmp(hit[-1]->sha, key.sha) == 0)
            hit--;
        const char *target = (const char *)sqlite3_column_text(st, 1);
        double value = sqlite3_column_double(st, 2);
        for (; hit < by + n && strcmp((*hit)->sha, key.sha) == 0; hit++)
            set_pred((*hit)->v, target, value);
    }
    int rc = s == SQLITE_DONE ? SNAC_OK : db_error(db, "read predictions");
    sqlite3_finalize(st);
    free(by);
    return rc;
}

static int read_trials(snac_db *db, int64_t run_id, int64_t version, gtrial **out, size_t *n_out)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT id, generation, accuracy, bops_mac, " REP_ARCH_SQL("arch") ", "
                           "ifnull(json_extract(objectives, '$.spec_sha256'), '') FROM trials "
                           "WHERE run_id = ?1 AND status = 'done' ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare trial query");
    sqlite3_bind_int64(st, 1, run_id);
    gtrial *t = NULL;
    size_t n = 0, cap = 0;
    int rc = SNAC_OK, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            gtrial *nt = realloc(t, cap * sizeof *nt);
            if (!nt) {
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                break;
            }
            t = nt;
        }
        gtrial *x = &t[n++];
        memset(x, 0, sizeof *x);
        for (int k = 0; k < G_COUNT; k++)
            x->v[k] = NAN;
        x->id = sqlite3_column_int64(st, 0);
        x->gen = sqlite3_column_int64(st, 1);
        x->v[G_ACC] = rep_col_real(st, 2);
        x->v[G_BOPS] = rep_col_real(st, 3);
        rep_col_text(st, 4, x->arch, sizeof x->arch);
        rep_col_text(st, 5, x->sha, sizeof x->sha);
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(db, "read trials");
    sqlite3_finalize(st);
    if (!rc)
        rc = match_predictions(db, version, t, n);
    if (rc) {
        free(t);
        return rc;
    }
    *out = t;
    *n_out = n;
    return SNAC_OK;
}

/* The baseline: the model of the first train run, its last validation accuracy (else its
 * test accuracy), MACs, and any predictions stored for it (the search's version last). */
static int read_baseline(snac_db *db, int64_t version, gbase *bl)
{
    memset(bl, 0, sizeof *bl);
    for (int k = 0; k < G_COUNT; k++)
        bl->v[k] = NAN;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT r.id, ifnull(r.name, ''), m.id, m.macs, m.test_acc, (SELECT e.val_acc FROM epochs e "
                           "WHERE e.run_id = r.id ORDER BY e.epoch DESC LIMIT 1), " REP_ARCH_SQL("m.arch") " "
                           "FROM runs r JOIN models m ON m.run_id = r.id WHERE r.kind = 'train' ORDER BY r.id, m.id LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare baseline query");
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        bl->have = true;
        bl->run_id = sqlite3_column_int64(st, 0);
        rep_col_text(st, 1, bl->name, sizeof bl->name);
        bl->model_id = sqlite3_column_int64(st, 2);
        bl->v[G_BOPS] = rep_col_real(st, 3);
        double test = rep_col_real(st, 4), val = rep_col_real(st, 5);
        bl->v[G_ACC] = isfinite(val) ? val : test;
        bl->acc_kind = isfinite(val) ? "validation" : "test";
        rep_col_text(st, 6, bl->arch, sizeof bl->arch);
    }
    int rc = s == SQLITE_ROW || s == SQLITE_DONE ? SNAC_OK : db_error(db, "read the baseline");
    sqlite3_finalize(st);
    if (rc || !bl->have)
        return rc;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT target, value FROM predictions WHERE model_id = ?1 ORDER BY (version_id = ?2), id",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare baseline predictions");
    sqlite3_bind_int64(st, 1, bl->model_id);
    sqlite3_bind_int64(st, 2, version);
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        set_pred(bl->v, (const char *)sqlite3_column_text(st, 0), sqlite3_column_double(st, 1));
    rc = s == SQLITE_DONE ? SNAC_OK : db_error(db, "read baseline predictions");
    sqlite3_finalize(st);
    return rc;
}

/* ---- figures ------------------------------------------------------------------------------ */

static const char *const axis_label[G_COUNT] = {
    "validation accuracy (%)", "BOPs (multiply-accumulates)", "average resources (% of the part)",
    "latency (clock cycles)", "LUT", "FF", "DSP", "BRAM18"};

static double shown(int k, double v) { return k == G_ACC ? 100.0 * v : v; }

static void trial_label(const gtrial *t, char *buf, size_t cap)
{
    snprintf(buf, cap, "trial %lld (gen %lld) %s: acc %.2f%%, res %.4f%%, %.0f cycles, %.0f BOPs, LUT %.0f",
             (long long)t->id, (long long)t->gen, t->arch, 100 * t->v[G_ACC], t->v[G_RES], t->v[G_CYC],
             t->v[G_BOPS], t->v[G_LUT]);
}

static void figure(strbuf *b, int64_t run_id, const char *tag, const char *title, int kx, int ky,
                   const gtrial *t, size_t n, size_t n_front, const gbase *bl)
{
    svg_range rx, ry;
    svg_range_init(&rx);
    svg_range_init(&ry);
    for (size_t i = 0; i < n; i++) {
        if (isfinite(t[i].v[kx]) && isfinite(t[i].v[ky])) {
            svg_range_add(&rx, shown(kx, t[i].v[kx]));
            svg_range_add(&ry, shown(ky, t[i].v[ky]));
        }
    }
    bool base = bl->have && isfinite(bl->v[kx]) && isfinite(bl->v[ky]);
    if (base) {
        svg_range_add(&rx, shown(kx, bl->v[kx]));
        svg_range_add(&ry, shown(ky, bl->v[ky]));
    }
    char id[64], label[320];
    snprintf(id, sizeof id, "g%lld-%s", (long long)run_id, tag);
    char l0[48], l1[48];
    snprintf(l0, sizeof l0, "all trials (%zu)", n);
    snprintf(l1, sizeof l1, "Pareto front (%zu)", n_front);
    static const char *const cls[3] = {"faint m", "c0", "base"};
    const char *names[3] = {l0, l1, "baseline"};
    svg_frame f = {id, title, axis_label[kx], axis_label[ky], 0, 1, 0, 1, false, false, names, cls, base ? 3 : 2};
    svg_frame_axis(&f, 0, &rx, kx == G_ACC ? -1 : 0);
    svg_frame_axis(&f, 1, &ry, ky == G_ACC ? -1 : 0);
    svg_plot p;
    rep_figure_begin(b);
    svg_plot_begin(&p, b, &f);
    for (int pass = 0; pass < 2; pass++) /* faint trials first, the front on top */
        for (size_t i = 0; i < n; i++) {
            if (t[i].front != (pass == 1))
                continue;
            trial_label(&t[i], label, sizeof label);
            svg_plot_point(&p, shown(kx, t[i].v[kx]), shown(ky, t[i].v[ky]), pass ? 4.0 : 2.6,
                           pass ? "front c0" : "faint", label);
        }
    if (base) {
        snprintf(label, sizeof label, "baseline (train run %lld, model %lld) %s: %s acc %.2f%%", (long long)bl->run_id,
                 (long long)bl->model_id, bl->arch, bl->acc_kind, 100 * bl->v[G_ACC]);
        svg_plot_marker(&p, shown(kx, bl->v[kx]), shown(ky, bl->v[ky]), "base", label);
    }
    svg_plot_end(&p);
    snprintf(label, sizeof label, "%zu trials plotted (%zu of them on the front); %s", p.n_marks, n_front,
             base ? "the diamond is the baseline" : "no baseline with these numbers in the store");
    rep_figure_end(b, label);
}

/* ---- section ------------------------------------------------------------------------------ */

static int run_info(snac_db *db, int64_t run_id, int64_t *version, char *vname, size_t vcap, char *objectives,
                    size_t ocap)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT ifnull(json_extract(r.result, '$.surrogate_version'), 0), ifnull((SELECT v.name FROM "
                           "surrogate_versions v WHERE v.id = json_extract(r.result, '$.surrogate_version')), ''), "
                           "ifnull((SELECT json_extract(t.objectives, '$.names') FROM trials t WHERE t.run_id = r.id "
                           "ORDER BY t.id LIMIT 1), '') FROM runs r WHERE r.id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare run query");
    sqlite3_bind_int64(st, 1, run_id);
    int s = sqlite3_step(st), rc = SNAC_OK;
    if (s == SQLITE_ROW) {
        *version = sqlite3_column_int64(st, 0);
        rep_col_text(st, 1, vname, vcap);
        rep_col_text(st, 2, objectives, ocap);
    } else {
        rc = s == SQLITE_DONE ? snac_err_set(SNAC_ENOTFOUND, "no run %lld in %s", (long long)run_id, db_path(db))
                              : db_error(db, "read run");
    }
    sqlite3_finalize(st);
    return rc;
}

int rep_global_section(snac_db *db, int64_t run_id, strbuf *b)
{
    int64_t version = 0;
    char vname[128], objectives[256], buf[640], front_err[256] = "";
    int rc = run_info(db, run_id, &version, vname, sizeof vname, objectives, sizeof objectives);
    gtrial *t = NULL;
    size_t n = 0, n_front = 0, n_ids = 0;
    int64_t *ids = NULL;
    double *acc = NULL;
    gbase bl;
    if (rc || (rc = read_trials(db, run_id, version, &t, &n)) || (rc = read_baseline(db, version, &bl)))
        goto done;
    /* a stored config this version cannot read still gets its trials drawn, without a front */
    if (n && search_pareto_front_trials(db, run_id, &ids, &acc, &n_ids)) {
        snprintf(front_err, sizeof front_err, "No Pareto front: %s.", snac_err_msg());
        snac_err_clear();
        n_ids = 0;
    }
    for (size_t i = 0, j = 0; i < n; i++) {
        while (j < n_ids && ids[j] < t[i].id)
            j++;
        t[i].front = j < n_ids && ids[j] == t[i].id;
        n_front += t[i].front;
    }

    char sid[32], title[96];
    snprintf(sid, sizeof sid, "run-%lld", (long long)run_id);
    snprintf(title, sizeof title, "Global search: run %lld", (long long)run_id);
    rep_section_begin(b, sid, title);
    snprintf(buf, sizeof buf,
             "%zu trained trials, %zu on the Pareto front of the run's objectives %s; predictions by surrogate "
             "version %lld (%s). Accuracy is the validation accuracy after the search's epochs.",
             n, n_front, objectives[0] ? objectives : "(none stored)", (long long)version, vname[0] ? vname : "unknown");
    rep_note(b, "note", buf);
    if (front_err[0])
        rep_note(b, "empty", front_err);
    if (n == 0) {
        rep_note(b, "empty", "no trained trial in this run");
        rep_section_end(b);
        goto done;
    }
    rep_grid_begin(b);
    figure(b, run_id, "res-cyc", "Fig. 1: average resources vs latency", G_CYC, G_RES, t, n, n_front, &bl);
    figure(b, run_id, "acc-res", "Fig. 2: accuracy vs average resources", G_RES, G_ACC, t, n, n_front, &bl);
    figure(b, run_id, "acc-cyc", "Fig. 3: accuracy vs latency", G_CYC, G_ACC, t, n, n_front, &bl);
    figure(b, run_id, "acc-bops", "Fig. 4: accuracy vs BOPs", G_BOPS, G_ACC, t, n, n_front, &bl);
    rep_grid_end(b);
    if (bl.have && !isfinite(bl.v[G_RES]))
        rep_note(b, "note", "The baseline has no stored surrogate prediction, so it is marked only on Fig. 4; "
                            "`snac predict --model ID` stores one.");

    snprintf(buf, sizeof buf, "Table: the %zu trials behind Figures 1-4 (front members in bold)", n);
    rep_table_begin(b, buf, "trial|gen|architecture|val acc %|BOPs|avg res %|latency cycles|LUT|FF|DSP|BRAM18|front", 0);
    for (size_t i = 0; i < n; i++) {
        strbuf_puts(b, t[i].front ? "<tr class=\"front\">" : "<tr>");
        rep_td_int(b, (long long)t[i].id);
        rep_td_int(b, (long long)t[i].gen);
        rep_td(b, t[i].arch);
        rep_td_fix(b, 100 * t[i].v[G_ACC], 2);
        rep_td_fix(b, t[i].v[G_BOPS], 0);
        rep_td_fix(b, t[i].v[G_RES], 4);
        rep_td_fix(b, t[i].v[G_CYC], 1);
        rep_td_fix(b, t[i].v[G_LUT], 0);
        rep_td_fix(b, t[i].v[G_FF], 0);
        rep_td_fix(b, t[i].v[G_DSP], 0);
        rep_td_fix(b, t[i].v[G_BRAM], 1);
        rep_td(b, t[i].front ? "yes" : "");
        strbuf_puts(b, "</tr>\n");
    }
    rep_table_end(b);
    if (bl.have) {
        rep_table_begin(b, "Table: the baseline", "train run|model|architecture|accuracy %|kind|BOPs|avg res %|latency cycles|LUT", 0);
        strbuf_puts(b, "<tr>");
        rep_td_int(b, (long long)bl.run_id);
        rep_td_int(b, (long long)bl.model_id);
        rep_td(b, bl.arch);
        rep_td_fix(b, 100 * bl.v[G_ACC], 2);
        rep_td(b, bl.acc_kind);
        rep_td_fix(b, bl.v[G_BOPS], 0);
        rep_td_fix(b, bl.v[G_RES], 4);
        rep_td_fix(b, bl.v[G_CYC], 1);
        rep_td_fix(b, bl.v[G_LUT], 0);
        strbuf_puts(b, "</tr>\n");
        rep_table_end(b);
    }
    rep_section_end(b);
done:
    free(t);
    free(ids);
    free(acc);
    return rc;
}
