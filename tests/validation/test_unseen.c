/* test_unseen — issue 23: the ingest and surrogate defects found by running snac, as a new
 * user would, on public hls4ml projects nobody here had seen. Each test pins the numbers:
 *   1. a solution folder with the network's <top>_csynth.* and the AXI wrapper's reports
 *      (Vitis csynth.xml of the wrapper): two rows, the spec on the network's;
 *   2. the spec carries the weights' counts and hash, not the weights folder's path, so
 *      moving the project changes nothing;
 *   3. "fixed<8,3>" in hls4ml_config.yml and "ap_fixed<8,3>" in the firmware agree;
 *   4. build_prj.tcl's `config_op mul -impl fabric|dsp` lands in the spec as
 *      hls.multipliers, and the surrogate maps the multiplies by it;
 *   5. an RF above a Latency layer's multiplications: the refusal names hls.rf_unchecked,
 *      and the predicted II is hls4ml's (one multiplier for the layer's products), not RF.
 * (6, the refit gate on every target's error, is in test_refit.)
 * Fixtures: tests/fixtures/validation/{fw_project, axi_project} (PROVENANCE.md), copied and
 * edited in the build folder by the tests themselves.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "store/db.h"
#include "surrogate/surr_calib.h"
#include "surrogate/surr_features.h"
#include "surrogate/surr_part.h"
#include "surrogate/surr_model.h"
#include "surrogate/surr_spec.h"
#include "surrogate/surr_specio.h"
#include "surrogate/surr_store.h"
#include "util/err.h"
#include "validation/ingest.h"
#include "validation/rpt_firmware.h"
#include "validation/rpt_hls4ml.h"
#include "validation/rpt_net.h"
#include "validation/vrows.h"

static char path_buf[4096];

static const char *fixture(const char *rel)
{
    const char *root = getenv("SNAC_FIXTURES");
    snprintf(path_buf, sizeof path_buf, "%s/validation/%s", root ? root : "tests/fixtures", rel);
    return path_buf;
}

static char cmd_buf[8192];
#define SH(...) (snprintf(cmd_buf, sizeof cmd_buf, __VA_ARGS__), system(cmd_buf))

static snac_db *fresh_db(const char *name)
{
    char p[256];
    const char *suffix[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", name, suffix[i]);
        remove(p);
    }
    snac_db *db = NULL;
    CHECK_MSG(db_open(name, &db) == 0, "%s", snac_err_msg());
    return db;
}

static double q_num(snac_db *db, const char *sql)
{
    sqlite3_stmt *st;
    double v = NAN;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
        CHECK_MSG(0, "%s: %s", sql, sqlite3_errmsg(db_handle(db)));
        return v;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void q_str(snac_db *db, const char *sql, char *out, size_t cap)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK) {
        CHECK_MSG(0, "%s: %s", sql, sqlite3_errmsg(db_handle(db)));
        return;
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* ---- 1 ------------------------------------------------------------------------------ */

static void wrapper_beside_network_should_be_its_own_row_and_the_spec_the_networks(void)
{
    /* the layout: myproject_csynth.{xml,rpt} (network, LUT 2532) and a Vitis
     * csynth.xml whose top is the AXI wrapper (LUT 2901) */
    const char *R = "u23_axi/myproject_prj/solution1/syn/report";
    CHECK(SH("rm -rf u23_axi && cp -r %s u23_axi", fixture("fw_project")) == 0);
    CHECK(SH("cp %s %s/csynth.xml", fixture("axi_project/myproject_prj/solution1/syn/report/myproject_axi_csynth.xml"),
             R) == 0);
    snac_db *db = fresh_db("test_u23_axi.db");
    if (!db)
        return;
    ingest_counts c = {0};
    ingest_opts o = INGEST_OPTS_INIT;
    CHECK_MSG(ingest_path(db, "u23_axi", &o, &c) == 0, "%s", snac_err_msg());
    /* network (xml + rpt merged), wrapper, export.rpt, vivado_synth.rpt */
    CHECK_MSG(c.ingested == 4 && c.merged == 1 && c.failed == 0, "ingested %zu merged %zu", (size_t)c.ingested,
              (size_t)c.merged);
    CHECK_NEAR(q_num(db, "SELECT count(*) FROM synthesis_results WHERE source_kind LIKE 'hls_csynth%'"), 2, 0);
    CHECK_NEAR(q_num(db, "SELECT lut FROM synthesis_results WHERE top_module = 'myproject' AND "
                         "source_kind LIKE 'hls_csynth%'"), 2532, 0);
    CHECK_NEAR(q_num(db, "SELECT lut FROM synthesis_results WHERE top_module = 'myproject_axi'"), 2901, 0);
    /* the wrapper's row has no network spec: only what its report says, and why */
    char s[8192];
    q_str(db, "SELECT spec FROM synthesis_results WHERE top_module = 'myproject_axi'", s, sizeof s);
    CHECK(strstr(s, "firmware") == NULL);
    CHECK_STR_CONTAINS(s, "the AXI wrapper myproject_axi: the spec describes the network's own row (top myproject)");
    q_str(db, "SELECT spec FROM synthesis_results WHERE top_module = 'myproject' AND source_kind LIKE 'hls_csynth%'",
          s, sizeof s);
    CHECK_STR_CONTAINS(s, "\"source\":\"firmware\"");
    q_str(db, "SELECT source_path FROM synthesis_results WHERE top_module = 'myproject' AND "
              "source_kind LIKE 'hls_csynth%'", s, sizeof s);
    CHECK_STR_CONTAINS(s, "report/myproject_csynth.xml");
    db_close(db);

    /* hls4ml's accelerator layout (axi_project): <top>_axi_csynth.xml beside <top>_csynth.xml */
    db = fresh_db("test_u23_axi2.db");
    if (!db)
        return;
    c = (ingest_counts){0};
    CHECK_MSG(ingest_path(db, fixture("axi_project"), &o, &c) == 0, "%s", snac_err_msg());
    CHECK(c.ingested == 2 && c.failed == 0);
    CHECK_NEAR(q_num(db, "SELECT lut FROM synthesis_results WHERE top_module = 'myproject'"), 2532, 0);
    CHECK_NEAR(q_num(db, "SELECT lut FROM synthesis_results WHERE top_module = 'myproject_axi'"), 2901, 0);
    db_close(db);

    /* a tree that starts at the report folder: the same two syntheses */
    db = fresh_db("test_u23_axi3.db");
    if (!db)
        return;
    c = (ingest_counts){0};
    o.recursive = true;
    CHECK_MSG(ingest_path(db, R, &o, &c) == 0, "%s", snac_err_msg());
    CHECK(c.ingested == 2);
    CHECK_NEAR(q_num(db, "SELECT count(*) FROM synthesis_results WHERE top_module = 'myproject_axi' AND "
                         "spec LIKE '%firmware%'"), 0, 0);
    CHECK_NEAR(q_num(db, "SELECT count(*) FROM synthesis_results WHERE top_module = 'myproject' AND "
                         "spec LIKE '%\"source\":\"firmware\"%'"), 1, 0);
    db_close(db);
}

/* ---- 2 ------------------------------------------------------------------------------ */

static void spec_should_carry_weight_counts_and_not_move_with_the_folder(void)
{
    CHECK(SH("rm -rf u23_mv u23_moved && cp -r %s u23_mv", fixture("fw_project")) == 0);
    snac_db *db = fresh_db("test_u23_mv.db");
    if (!db)
        return;
    ingest_counts c = {0};
    ingest_opts o = INGEST_OPTS_INIT;
    CHECK_MSG(ingest_path(db, "u23_mv", &o, &c) == 0, "%s", snac_err_msg());
    char s[8192];
    q_str(db, "SELECT spec FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'", s, sizeof s);
    /* counted by hand from w2.txt / w4.txt at ap_fixed<8,3> (step 1/32): 22 and 18 nonzero,
     * 16 and 14 of them +-2^k, the rest (+-24, +-12, 20 and their kin) 2 CSD digits each, so no
     * product of 3+ digits for a Vitis DSP (the fifth count) */
    CHECK_STR_CONTAINS(s, "\"weight_stats\":[22,16,12,22,0]");
    CHECK_STR_CONTAINS(s, "\"weight_stats\":[18,14,8,18,0]");
    CHECK_STR_CONTAINS(s, "\"weights_sha256\":\"");
    CHECK(strstr(s, "\"weights\":") == NULL); /* no path */
    CHECK(strstr(s, "u23_mv") == NULL);

    /* the features from the stored spec equal those of the real weights; after the folder
     * moves, still */
    surr_spec sp, sw;
    CHECK_MSG(vrows_spec_from_json(s, &sp) == 0, "%s", snac_err_msg());
    CHECK(sp.layer[0].wstats.known && sp.layer[0].w == NULL);
    char y[4096];
    snprintf(y, sizeof y, "model: {widths: [4, 8, 3], weights: %s}\nprecision: {weight: \"ap_fixed<8,3>\"}\n"
             "hls: {rf_unchecked: true}\n", "u23_mv/firmware/weights");
    CHECK_MSG(surr_spec_parse_yaml(y, strlen(y), "y", &sw) == 0, "%s", snac_err_msg());
    sw = sp; /* same spec, the weights loaded instead of counted */
    snprintf(sw.weights, sizeof sw.weights, "u23_mv/firmware/weights");
    for (size_t l = 0; l < sw.n_layers; l++)
        sw.layer[l].wstats.known = false;
    float *block = NULL;
    CHECK_MSG(surr_spec_weights_load(&sw, &block) == 0, "%s", snac_err_msg());
    surr_features fp, fw;
    CHECK(surr_features_extract(&sp, &fp) == 0 && surr_features_extract(&sw, &fw) == 0);
    CHECK(fp.exact && fw.exact);
    for (int k = 0; k < SURR_F_COUNT; k++)
        CHECK_MSG(fp.f[k] == fw.f[k], "feature %d: %g from the counts, %g from the weights", k, fp.f[k], fw.f[k]);
    for (size_t l = 0; l < 2; l++)
        CHECK(fp.layer[l].csd_add_bits == fw.layer[l].csd_add_bits && fp.layer[l].general == fw.layer[l].general &&
              fp.layer[l].acc_add_bits == fw.layer[l].acc_add_bits);
    free(block);
    vrows R = VROWS_INIT, R2 = VROWS_INIT;
    CHECK_MSG(vrows_load(db, SURR_TC_VIVADO_2020_1, &R) == 0, "%s", snac_err_msg());
    CHECK(SH("mv u23_mv u23_moved") == 0);
    CHECK_MSG(vrows_load(db, SURR_TC_VIVADO_2020_1, &R2) == 0, "%s", snac_err_msg());
    CHECK(R.n == 1 && R2.n == 1);
    if (R.n == 1 && R2.n == 1) {
        CHECK(R.row[0].x.exact && R2.row[0].x.exact);
        for (int k = 0; k < SURR_F_COUNT; k++)
            CHECK_MSG(R2.row[0].x.f[k] == R.row[0].x.f[k], "feature %d after the move: %g, before %g", k,
                      R2.row[0].x.f[k], R.row[0].x.f[k]);
        for (size_t l = 0; l < 2; l++)
            CHECK(R2.row[0].x.layer[l].csd_add_bits == fw.layer[l].csd_add_bits &&
                  R2.row[0].x.layer[l].nonzero == fw.layer[l].nonzero);
    }
    CHECK(R.n_weights_missing == 0 && R2.n_weights_missing == 0);
    vrows_free(&R);
    vrows_free(&R2);
    /* a spec stored before: a weights path that no longer reads is counted, so validate says so */
    CHECK(sqlite3_exec(db_handle(db), "UPDATE synthesis_results SET spec = '{\"model\":{\"widths\":[4,8,3],"
                       "\"weights\":\"/nonexistent/u23_gone\"},\"hls\":{\"rf_unchecked\":true}}' "
                       "WHERE source_kind = 'hls_csynth_xml'", NULL, NULL, NULL) == SQLITE_OK);
    CHECK_MSG(vrows_load(db, SURR_TC_VIVADO_2020_1, &R) == 0, "%s", snac_err_msg());
    CHECK(R.n == 1 && R.n_weights_missing == 1 &&
          R.first_weights_missing == (int64_t)q_num(db, "SELECT id FROM synthesis_results WHERE "
                                                        "source_kind = 'hls_csynth_xml'"));
    vrows_free(&R);
    /* the counts are part of the spec's hash: other counts, another spec */
    char h1[65], h2[65];
    CHECK(surr_spec_sha256(&sp, h1) == 0);
    sp.layer[0].wstats.pow2 -= 1;
    CHECK(surr_spec_sha256(&sp, h2) == 0 && strcmp(h1, h2) != 0);
    db_close(db);
}

/* ---- 3 ------------------------------------------------------------------------------ */

static void config_types_should_compare_as_types_not_spellings(void)
{
    rpt_net net;
    CHECK_MSG(rpt_firmware_read(fixture("fw_project"), "myproject", NULL, &net) == 0, "%s", snac_err_msg());
    rpt_hls4ml_config cfg;
    memset(&cfg, 0, sizeof cfg);
    char dis[1024];
    static const char *const same[] = {"fixed<8,3>", "ap_fixed<8,3>", "ap_fixed<8, 3>", "fixed<8,3,TRN,WRAP>",
                                       "ap_fixed<8,3,AP_TRN,AP_WRAP>"};
    for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
        snprintf(cfg.precision, sizeof cfg.precision, "%s", same[i]);
        rpt_net_disagreements(&net, &cfg, dis, sizeof dis);
        CHECK_MSG(dis[0] == '\0', "%s vs the firmware's %s: %s", same[i], net.layer[0].weight_t, dis);
    }
    static const char *const other[] = {"fixed<16,6>", "ufixed<8,3>", "fixed<8,3,RND,SAT>", "ap_fixed<8,4>"};
    for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
        snprintf(cfg.precision, sizeof cfg.precision, "%s", other[i]);
        rpt_net_disagreements(&net, &cfg, dis, sizeof dis);
        CHECK_MSG(strstr(dis, "precision: hls4ml_config.yml says") != NULL, "%s: '%s'", other[i], dis);
    }
}

/* ---- 4 ------------------------------------------------------------------------------ */

static void tcl_multiplier_mapping_should_reach_the_spec_and_the_estimate(void)
{
    CHECK(SH("rm -rf u23_tcl && cp -r %s u23_tcl", fixture("fw_project")) == 0);
    FILE *f = fopen("u23_tcl/build_prj.tcl", "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fprintf(f, "open_project myproject_prj\n# config_op mul -impl dsp\n  config_op mul -impl fabric -latency 2\n"
               "csynth_design\n");
    fclose(f);
    char m[16];
    rpt_net_read_tcl_multipliers("u23_tcl", m, sizeof m);
    CHECK(strcmp(m, "fabric") == 0);
    snac_db *db = fresh_db("test_u23_tcl.db");
    if (!db)
        return;
    ingest_counts c = {0};
    ingest_opts o = INGEST_OPTS_INIT;
    CHECK_MSG(ingest_path(db, "u23_tcl", &o, &c) == 0, "%s", snac_err_msg());
    char s[8192];
    q_str(db, "SELECT spec FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'", s, sizeof s);
    CHECK_STR_CONTAINS(s, "\"multipliers\":\"fabric\"");
    surr_spec sp;
    CHECK_MSG(vrows_spec_from_json(s, &sp) == 0, "%s", snac_err_msg());
    CHECK(sp.multipliers == SURR_MULT_FABRIC);
    db_close(db);
    f = fopen("u23_tcl/build_prj.tcl", "w");
    if (f) {
        fprintf(f, "config_op mul -impl dsp\n");
        fclose(f);
    }
    rpt_net_read_tcl_multipliers("u23_tcl", m, sizeof m);
    CHECK(strcmp(m, "dsp") == 0);
    remove("u23_tcl/build_prj.tcl");
    rpt_net_read_tcl_multipliers("u23_tcl", m, sizeof m);
    CHECK(m[0] == '\0');

    /* the estimate: a 16-bit net (32-bit products: DSPs by width) in fabric has no DSP term,
     * an 8x8-bit net (16 bits: fabric by width) forced onto DSPs has one per product */
    size_t w[] = {16, 32, 5};
    surr_spec a;
    CHECK(surr_spec_init_mlp(&a, w, 3, SURR_ACT_RELU, false) == 0);
    surr_features x;
    double phi[SURR_B_COUNT];
    CHECK(surr_features_extract(&a, &x) == 0 && x.mult == SURR_MULT_AUTO);
    surr_basis_eval(26, &x, phi);
    double general = x.layer[0].general + x.layer[1].general;
    CHECK_NEAR(phi[SURR_B_DSP_MULT], general, 1e-9);
    CHECK_NEAR(phi[SURR_B_FABRIC_BITS], 0, 0);
    a.multipliers = SURR_MULT_FABRIC;
    CHECK(surr_features_extract(&a, &x) == 0 && x.mult == SURR_MULT_FABRIC);
    surr_basis_eval(26, &x, phi);
    CHECK_NEAR(phi[SURR_B_DSP_MULT], 0, 0);
    CHECK_NEAR(phi[SURR_B_FABRIC_BITS], x.layer[0].csd_add_bits + x.layer[1].csd_add_bits, 1e-9);
    quant_prec q8 = QUANT_PREC_INIT(8, 3);
    surr_spec_set_precision(&a, &q8, &q8, &q8, &q8, NULL);
    a.multipliers = SURR_MULT_DSP;
    CHECK(surr_features_extract(&a, &x) == 0);
    surr_basis_eval(26, &x, phi);
    CHECK_NEAR(phi[SURR_B_DSP_MULT], x.layer[0].general + x.layer[1].general, 1e-9);
    a.multipliers = SURR_MULT_AUTO;
    CHECK(surr_features_extract(&a, &x) == 0);
    surr_basis_eval(26, &x, phi);
    CHECK_NEAR(phi[SURR_B_DSP_MULT], 0, 0);
}

/* ---- 5 ------------------------------------------------------------------------------ */

static void rf_above_a_layers_products_should_hint_and_predict_hls4mls_ii(void)
{
    /* RF 100 on a 10 x 5 layer (50 products) and a 5 x 2 one, Latency */
    const char *y = "model: {widths: [10, 5, 2]}\nhls: {reuse_factor: 100}\n";
    surr_spec s;
    CHECK(surr_spec_parse_yaml(y, strlen(y), "rf100.yaml", &s) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "reuse factor 100 is more than the layer's 50 multiplications");
    CHECK_STR_CONTAINS(snac_err_msg(), "set hls.rf_unchecked: true to accept it");
    /* 19 of the 50 weights pruned, layer 1 dense: hls4ml's multiplier_limit is
     * ceil(50/100) - floor(19/100) = 1 and ceil(10/100) - 0 = 1; with 16-bit weights almost no
     * code is +-2^k (expected mode), so the II is the general products of the slower layer */
    const char *y2 = "model: {widths: [10, 5, 2]}\nlayers: [{index: 0, sparsity: 0.38}]\n"
                     "hls: {reuse_factor: 100, rf_unchecked: true}\n";
    CHECK_MSG(surr_spec_parse_yaml(y2, strlen(y2), "rf100.yaml", &s) == 0, "%s", snac_err_msg());
    surr_features x;
    CHECK(surr_features_extract(&s, &x) == 0);
    double g0 = x.layer[0].general, g1 = x.layer[1].general;
    CHECK_NEAR(x.layer[0].nonzero, 31, 1e-9);
    CHECK_NEAR(x.layer[0].ii, ceil(g0 - 1e-9), 0);
    CHECK_NEAR(x.layer[1].ii, ceil(g1 - 1e-9), 0);
    CHECK(x.layer[0].ii >= 30 && x.layer[0].ii <= 31);
    double phi[SURR_B_COUNT];
    surr_basis_eval(26, &x, phi);
    CHECK_NEAR(phi[SURR_B_RF_MAX], x.layer[0].ii, 0);
    /* the rule itself, by hand: (n, zeros, general, rf) -> II */
    CHECK_NEAR(surr_layer_ii(50, 19, 31, 100, false), 31, 0);
    CHECK_NEAR(surr_layer_ii(64, 0, 64, 2, false), 2, 0);   /* RF <= n, dense: II = RF */
    CHECK_NEAR(surr_layer_ii(64, 0, 64, 1, false), 1, 0);
    CHECK_NEAR(surr_layer_ii(32, 10, 6, 2, false), 1, 0);   /* 11 multipliers for 6 products */
    CHECK_NEAR(surr_layer_ii(50, 0, 50, 100, true), 100, 0); /* Resource: II = RF */
    CHECK_NEAR(surr_layer_ii(4096, 0, 4096, 64, false), 64, 0);
    /* the default's II prediction at RF 100 is the physical one, not 100 */
    surr_version v;
    memset(&v, 0, sizeof v);
    CHECK_MSG(surr_calib_default_version(SURR_TC_VITIS_2023_2, &v, NULL) == 0, "%s", snac_err_msg());
    surr_prediction p;
    const surr_part *part = surr_part_lookup(s.part);
    CHECK(part != NULL);
    if (!part)
        return;
    surr_predict_interval(&v, &x, part, &p);
    CHECK_MSG(p.y[SURR_T_II] < 40 && p.hi[SURR_T_II] < 60, "II %g [%g, %g]", p.y[SURR_T_II], p.lo[SURR_T_II],
              p.hi[SURR_T_II]);
    surr_version_clear(&v);
}

int main(void)
{
    TEST(wrapper_beside_network_should_be_its_own_row_and_the_spec_the_networks);
    TEST(spec_should_carry_weight_counts_and_not_move_with_the_folder);
    TEST(config_types_should_compare_as_types_not_spellings);
    TEST(tcl_multiplier_mapping_should_reach_the_spec_and_the_estimate);
    TEST(rf_above_a_layers_products_should_hint_and_predict_hls4mls_ii);
    return check_report();
}
