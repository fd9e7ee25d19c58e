/* test_refit — the validation layer on the real hls4ml sweeps in
 * tests/fixtures/validation/rf_sweeps (ingested as `snac ingest --csv` does):
 * toolchain mapping, spec rebuilding, the refit of the structural default
 * (reproducible folds, the per-target rule, storing with its parent), the gate
 * (a version is activated only when its held-out score is finite, lower than the
 * parent's and no target is worse: checked on rows whose truth is known),
 * validate with stored and fresh predictions, and the error paths.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "check.h"
#include "surrogate/surr_store.h"
#include "util/err.h"
#include "validation/ingest.h"
#include "validation/refit.h"
#include "validation/vtoolchain.h"
#include "validation/vvalidate.h"

#define DB "test_refit.db"

static void rm_db(void)
{
    unlink(DB);
    unlink(DB "-wal");
    unlink(DB "-shm");
}

static snac_db *open_with_sweeps(void)
{
    rm_db();
    snac_db *db = NULL;
    if (db_open(DB, &db))
        return NULL;
    const char *fx = getenv("SNAC_FIXTURES");
    char dir[1024], path[2048];
    snprintf(dir, sizeof dir, "%s/validation/rf_sweeps", fx ? fx : "tests/fixtures");
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    if (!d)
        return db;
    struct dirent *e;
    ingest_opts o = INGEST_OPTS_INIT;
    o.csv = true;
    ingest_counts c = {0};
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 4 || strcmp(e->d_name + l - 4, ".csv") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        CHECK_MSG(ingest_path(db, path, &o, &c) == SNAC_OK, "%s: %s", path, snac_err_msg());
    }
    closedir(d);
    CHECK(c.ingested == 294);
    return db;
}

static void vtoolchain_should_keep_hls_estimates_and_post_synthesis_apart(void)
{
    enum surr_toolchain tc = SURR_TC_COUNT;
    CHECK(vtoolchain_map("vivado_hls", "2018.3", &tc) && tc == SURR_TC_VIVADO_2019_1);
    CHECK(vtoolchain_map("vivado_hls", "", &tc) && tc == SURR_TC_VIVADO_2019_1);
    CHECK(vtoolchain_map("vivado_hls", "2020.1", &tc) && tc == SURR_TC_VIVADO_2020_1);
    CHECK(vtoolchain_map("vitis_hls", "2020.1", &tc) && tc == SURR_TC_VITIS_2023_2);
    CHECK(vtoolchain_map("yosys", NULL, &tc) && tc == SURR_TC_YOSYS_0_23);
    tc = SURR_TC_COUNT;
    CHECK(!vtoolchain_map("vivado", "2019.1", &tc) && tc == SURR_TC_COUNT);
    CHECK(!vtoolchain_map("quartus", "", &tc));
    CHECK(vtoolchain_stage(SURR_TC_YOSYS_0_23) == VTC_STAGE_SYNTH);
    CHECK(vtoolchain_stage(SURR_TC_VIVADO_2019_1) == VTC_STAGE_HLS);
}

static void vrows_should_rebuild_specs_of_both_json_layouts(void)
{
    surr_spec s;
    CHECK(vrows_spec_from_json("{\"model_name\":\"x\",\"layers\":[16,64,5],\"reuse_factor\":4,"
                               "\"precision\":\"ap_fixed<8,3>\",\"strategy\":\"resource\"}",
                               &s) == SNAC_OK);
    CHECK(s.n_layers == 2 && s.layer[0].n_in == 16 && s.layer[1].n_out == 5 && s.reuse_factor == 4);
    CHECK(s.layer[1].weight.width == 8 && s.layer[1].weight.integer == 3 && s.strategy == SURR_STRATEGY_RESOURCE);
    CHECK(vrows_spec_from_json("{\"model\":{\"widths\":[24,32,5]},\"hls\":{\"reuse_factor\":2}}", &s) == SNAC_OK);
    CHECK(s.n_layers == 2 && s.layer[0].n_out == 32 && s.reuse_factor == 2);
    CHECK(vrows_spec_from_json("{\"model_name\":\"x\"}", &s) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "no layer widths");
    CHECK(vrows_spec_from_json("{\"layers\":[16,0,5]}", &s) != SNAC_OK);
    CHECK(vrows_spec_from_json("{\"layers\":[16,5],\"precision\":\"float\"}", &s) == SNAC_EINVAL);
    CHECK(vrows_spec_from_json("[1,2", &s) != SNAC_OK);
}

/* Rows of the sweeps' architectures whose "measured" numbers are the default's
 * predictions times scale[t] (NaN scale: keep the real number). */
static void set_truth(vrows *R, const surr_version *def, const double *scale)
{
    for (size_t i = 0; i < R->n; i++) {
        surr_prediction p;
        surr_predict(def, &R->row[i].x, R->row[i].part, &p);
        for (int t = 0; t < SURR_T_COUNT; t++)
            if (isfinite(scale[t]))
                R->row[i].y[t] = scale[t] * p.y[t];
    }
}

static void refit_should_run_on_the_sweeps_reproducibly_and_store_with_its_parent(void)
{
    snac_db *db = open_with_sweeps();
    CHECK(db != NULL);
    if (!db)
        return;
    vrows R;
    CHECK(vrows_load(db, SURR_TC_VIVADO_2019_1, &R) == SNAC_OK);
    CHECK(R.n == 219);          /* every vivado_hls stage of the sweeps */
    CHECK(R.n_groups == 6);     /* the six architectures */
    CHECK(R.n_no_spec == 0);
    CHECK(R.n_unmapped == 75);  /* the Vivado post-synthesis stages: no surrogate toolchain */
    surr_version def = {0}, v = {0}, v2 = {0};
    bool created = false;
    CHECK(surr_version_ensure_default(db, SURR_TC_VIVADO_2019_1, &def, &created) == SNAC_OK && created);
    refit_opts o = REFIT_OPTS_INIT;
    refit_report rep, rep2;
    CHECK(refit_run(R.row, R.n, R.n_groups, &def, &o, &v, &rep) == SNAC_OK);
    /* 6 architectures: auto takes, per target, the better of the recalibration and the anchored fit */
    CHECK(rep.n_folds == 5 && (rep.mode == REFIT_RECALIBRATE || rep.mode == REFIT_ANCHORED));
    CHECK((rep.mode == REFIT_ANCHORED) == (rep.anchored != 0));
    CHECK_STR_CONTAINS(v.fit_stats, "\"anchored\":[");
    for (int t = 0; t < SURR_T_COUNT; t++) { /* every row held out once, the same rows for both */
        if (t == SURR_T_URAM)
            continue;
        CHECK(rep.cand.t[t].n == 219 && rep.parent.t[t].n == 219);
        /* the per-target rule: the new version never keeps a worse held-out MAPE */
        CHECK_MSG(!(rep.cand.t[t].v[VS_MAPE] > rep.parent.t[t].v[VS_MAPE]), "%s", surr_target_names[t]);
    }
    CHECK(v.parent_id == def.id && v.toolchain == SURR_TC_VIVADO_2019_1);
    CHECK_STR_CONTAINS(v.fit_stats, "\"rule\":\"better = lower mean held-out MAPE over lut, ff, dsp\"");
    CHECK_STR_CONTAINS(v.fit_stats, "\"gate_ok\":");
    /* same seed, same folds, same numbers; another seed is recorded with its folds */
    CHECK(refit_run(R.row, R.n, R.n_groups, &def, &o, &v2, &rep2) == SNAC_OK);
    CHECK(rep2.cand.score == rep.cand.score && rep2.gate_ok == rep.gate_ok);
    surr_version_clear(&v2);
    o.seed = 7;
    CHECK(refit_run(R.row, R.n, R.n_groups, &def, &o, &v2, &rep2) == SNAC_OK);
    CHECK_STR_CONTAINS(v2.fit_stats, "\"seed\":7,");
    CHECK(rep2.parent.score == rep.parent.score); /* the parent is fixed: every row held out once either way */
    surr_version_clear(&v2);
    /* a full structural refit and a hold-out split run too */
    o.mode = REFIT_FULL;
    o.holdout = 0.34;
    CHECK(refit_run(R.row, R.n, R.n_groups, &def, &o, &v2, &rep2) == SNAC_OK);
    CHECK(rep2.n_folds == 1 && rep2.mode == REFIT_FULL && rep2.cand.t[SURR_T_LUT].n < 219);
    CHECK(strncmp(v2.family, "struct-nnls", 11) == 0);
    surr_version_clear(&v2);
    /* a ridge method is refused by the structural fit */
    o.fit.method = SURR_FIT_RIDGE_GCV;
    CHECK(refit_run(R.row, R.n, R.n_groups, &def, &o, &v2, &rep2) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "non-negative least squares");

    /* stored with its parent; activated only when asked */
    CHECK(refit_store(db, &v, false) == SNAC_OK && v.id > def.id);
    surr_version act = {0};
    CHECK(surr_version_load_active(db, SURR_TC_VIVADO_2019_1, &act) == SNAC_OK && act.id == def.id);
    surr_version_clear(&act);
    CHECK(surr_version_load(db, v.id, &act) == SNAC_OK && act.parent_id == def.id);
    CHECK_STR_CONTAINS(act.name, "refit-vivado-2019.1-v");
    surr_version_clear(&act);

    /* errors: one architecture cannot be cross-validated by architecture */
    o = REFIT_OPTS_INIT;
    CHECK(refit_run(R.row, 10, 1, &def, &o, &v2, &rep2) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "needs at least 2");
    o.kfold = 1;
    CHECK(refit_run(R.row, R.n, R.n_groups, &def, &o, &v2, &rep2) == SNAC_EINVAL);
    surr_version_clear(&def);
    surr_version_clear(&v);
    vrows_free(&R);
    db_close(db);
    rm_db();
}

static void refit_gate_should_pass_a_better_version_and_stop_a_worse_or_undefined_one(void)
{
    snac_db *db = open_with_sweeps();
    CHECK(db != NULL);
    if (!db)
        return;
    vrows R;
    CHECK(vrows_load(db, SURR_TC_VIVADO_2019_1, &R) == SNAC_OK);
    surr_version def = {0}, v = {0};
    bool created = false;
    CHECK(surr_version_ensure_default(db, SURR_TC_VIVADO_2019_1, &def, &created) == SNAC_OK);
    refit_opts o = REFIT_OPTS_INIT;
    refit_report rep;

    /* the truth is 1.6x the default on LUT, FF and DSP, the default elsewhere: the
     * recalibration recovers the factor, its held-out error is ~0, the gate opens */
    const double up[SURR_T_COUNT] = {1.6, 1.6, 1.6, 1.0, NAN, 1.0, 1.0};
    set_truth(&R, &def, up);
    CHECK(refit_run(R.row, R.n, R.n_groups, &def, &o, &v, &rep) == SNAC_OK);
    CHECK(rep.better && rep.gate_ok && rep.gate_reason[0] == '\0');
    CHECK_MSG(rep.cand.score < 1.0 && rep.parent.score > 30.0, "new %.3f%%, parent %.3f%%", rep.cand.score,
              rep.parent.score);
    CHECK_NEAR(v.t[SURR_T_LUT].coef[SURR_B_DSP_MULT], 1.6 * def.t[SURR_T_LUT].coef[SURR_B_DSP_MULT],
               1e-6 * fabs(def.t[SURR_T_LUT].coef[SURR_B_DSP_MULT]) + 1e-9);
    surr_version_clear(&v);

    /* the truth is the default itself: nothing to gain, the gate stays shut */
    const double same[SURR_T_COUNT] = {1.0, 1.0, 1.0, 1.0, NAN, 1.0, 1.0};
    set_truth(&R, &def, same);
    CHECK(refit_run(R.row, R.n, R.n_groups, &def, &o, &v, &rep) == SNAC_OK);
    CHECK(!rep.gate_ok);
    CHECK_STR_CONTAINS(rep.gate_reason, "is not below the parent's");
    surr_version_clear(&v);

    /* LUT, FF and DSP all measured 0: MAPE is undefined on both sides, the score is
     * not finite, and a non-finite score never opens the gate */
    const double zero[SURR_T_COUNT] = {0.0, 0.0, 0.0, 1.0, NAN, 1.0, 1.0};
    set_truth(&R, &def, zero);
    CHECK(refit_run(R.row, R.n, R.n_groups, &def, &o, &v, &rep) == SNAC_OK);
    CHECK(!rep.gate_ok && !isfinite(rep.cand.score));
    CHECK_STR_CONTAINS(rep.gate_reason, "not finite");
    surr_version_clear(&v);
    surr_version_clear(&def);
    vrows_free(&R);
    db_close(db);
    rm_db();
}

/* Issue 23: a refit whose II MAPE is lower but which predicts fewer IIs exactly keeps the parent's
 * II model. The truth: one architecture's rows the default's II rounded (the parent exact there),
 * the others 1.15x it (exact for nobody); the recalibrated II scale lowers the MAPE and loses the
 * exact rows. */
static void refit_should_keep_the_parents_ii_when_fewer_are_exact(void)
{
    snac_db *db = open_with_sweeps();
    CHECK(db != NULL);
    if (!db)
        return;
    vrows R;
    CHECK(vrows_load(db, SURR_TC_VIVADO_2019_1, &R) == SNAC_OK);
    surr_version def = {0}, v = {0};
    bool created = false;
    CHECK(surr_version_ensure_default(db, SURR_TC_VIVADO_2019_1, &def, &created) == SNAC_OK);
    const double same[SURR_T_COUNT] = {1.0, 1.0, 1.0, 1.0, NAN, 1.0, 1.0};
    set_truth(&R, &def, same);
    for (size_t i = 0; i < R.n; i++) {
        double p = R.row[i].y[SURR_T_II];
        R.row[i].y[SURR_T_II] = R.row[i].group == 0 ? round(p) : 1.15 * p;
    }
    refit_opts o = REFIT_OPTS_INIT;
    refit_report rep;
    CHECK(refit_run(R.row, R.n, R.n_groups, &def, &o, &v, &rep) == SNAC_OK);
    /* measured with the exact-share rule off: new MAPE 5.9% exact 0%, parent 10.6% exact 18.7% */
    CHECK_MSG(rep.kept & (1u << SURR_T_II), "kept 0x%x", rep.kept);
    CHECK(rep.cand.t[SURR_T_II].v[VS_EXACT] == rep.parent.t[SURR_T_II].v[VS_EXACT]);
    for (int k = 0; k < SURR_B_COUNT; k++)
        CHECK(v.t[SURR_T_II].coef[k] == def.t[SURR_T_II].coef[k]);
    surr_version_clear(&v);
    surr_version_clear(&def);
    vrows_free(&R);
    db_close(db);
    rm_db();
}

static void validate_should_compare_stored_and_fresh_predictions_and_store_them(void)
{
    snac_db *db = open_with_sweeps();
    CHECK(db != NULL);
    if (!db)
        return;
    surr_version def = {0};
    bool created;
    CHECK(surr_version_ensure_default(db, SURR_TC_VIVADO_2019_1, &def, &created) == SNAC_OK);
    /* a stored model with a synthesis result and the prediction "the search" stored for it */
    static const unsigned char blob[4] = {0};
    db_model m = {0, "m", "{}", 1, 1, NAN, NAN, blob, sizeof blob};
    int64_t mid = 0;
    CHECK(db_model_insert(db, &m, &mid) == SNAC_OK);
    const char *fx = getenv("SNAC_FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/validation/reports/hls4ml_test_vivado_2020.1/myproject_csynth.xml",
             fx ? fx : "tests/fixtures");
    ingest_opts io = INGEST_OPTS_INIT;
    io.model_id = mid;
    io.spec_json = "{\"layers\":[16,64,32,32,5],\"reuse_factor\":1,\"precision\":\"ap_fixed<16,6>\"}";
    io.toolchain = "vivado_hls-2019.1"; /* put it with the 2019 sweeps for this test */
    ingest_counts c = {0};
    CHECK_MSG(ingest_path(db, path, &io, &c) == SNAC_OK, "%s", snac_err_msg());
    surr_prediction p;
    memset(&p, 0, sizeof p);
    for (int t = 0; t < SURR_T_COUNT; t++)
        p.y[t] = 1000;
    CHECK(surr_prediction_insert(db, def.id, mid, "abc", &p) == SNAC_OK);

    vval_report rep;
    vstats_opts so = VSTATS_OPTS_INIT;
    so.n_boot = 200;
    CHECK(vval_run(db, SURR_TC_VIVADO_2019_1, &def, &so, &rep) == SNAC_OK);
    CHECK(rep.n_rows == 220 && rep.n_with_stored == 1 && rep.n_stored == 1);
    CHECK(rep.fresh.t[SURR_T_LUT].n == 220 && rep.fresh.version_id == def.id);
    CHECK(rep.stored[0].version_id == def.id && rep.stored[0].t[SURR_T_LUT].n == 1);
    CHECK(isfinite(rep.fresh.t[SURR_T_LUT].lo[VS_MAPE]));
    CHECK(rep.fresh.t[SURR_T_URAM].n == 1); /* only the csynth report records URAM */
    CHECK(vval_store(db, &rep) == SNAC_OK);
    sqlite3_stmt *st = NULL;
    CHECK(sqlite3_prepare_v2(db_handle(db),
                             "SELECT prediction_kind, COUNT(*), SUM(n) FROM validation_stats WHERE version_id = ?"
                             " GROUP BY 1 ORDER BY 1",
                             -1, &st, NULL) == SQLITE_OK);
    sqlite3_bind_int64(st, 1, def.id);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK(strcmp((const char *)sqlite3_column_text(st, 0), "fresh") == 0 && sqlite3_column_int(st, 1) == 7);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK(strcmp((const char *)sqlite3_column_text(st, 0), "stored") == 0 && sqlite3_column_int(st, 1) == 7);
    sqlite3_finalize(st);
    vval_report_free(&rep);
    surr_version_clear(&def);
    db_close(db);
    rm_db();
}

int main(void)
{
    gsl_set_error_handler_off();
    TEST(vtoolchain_should_keep_hls_estimates_and_post_synthesis_apart);
    TEST(vrows_should_rebuild_specs_of_both_json_layouts);
    TEST(refit_should_run_on_the_sweeps_reproducibly_and_store_with_its_parent);
    TEST(refit_gate_should_pass_a_better_version_and_stop_a_worse_or_undefined_one);
    TEST(refit_should_keep_the_parents_ii_when_fewer_are_exact);
    TEST(validate_should_compare_stored_and_fresh_predictions_and_store_them);
    return check_report();
}
