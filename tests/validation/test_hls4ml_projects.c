/* test_hls4ml_projects — issue 11: every report layout hls4ml users produce,
 * one synthesis = one row, firmware-derived specs, one toolchain vocabulary,
 * the part table, bounds on report values, reuse-factor validity and the skip
 * list of validate. Fixtures under tests/fixtures/validation (see PROVENANCE.md):
 * multi-SLR utilization and export reports written from the public layouts, an
 * hls4ml project with firmware written in hls4ml's format (fw_project) and the
 * network.json describing the same firmware (fw_netjson).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "store/db.h"
#include "surrogate/surr_part.h"
#include "surrogate/surr_spec.h"
#include "surrogate/surr_specio.h"
#include "util/err.h"
#include "util/fileio.h"
#include "validation/ingest.h"
#include "validation/rpt_export.h"
#include "validation/rpt_firmware.h"
#include "validation/rpt_netjson.h"
#include "validation/rpt_util.h"
#include "validation/vrows.h"

static char path_buf[4096];

static const char *fixture(const char *rel)
{
    const char *root = getenv("SNAC_FIXTURES");
    snprintf(path_buf, sizeof path_buf, "%s/validation/%s", root ? root : "tests/fixtures", rel);
    return path_buf;
}

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

static int read_with(int (*fn)(const char *, size_t, const char *, rpt_result *), const char *rel, rpt_result *r)
{
    char *buf;
    size_t len;
    const char *p = fixture(rel);
    int rc = snac_read_file(p, &buf, &len);
    if (rc)
        return rc;
    rc = fn(buf, len, p, r);
    free(buf);
    return rc;
}

/* Messages of an ingest, concatenated. */
typedef struct msgs {
    char text[16384];
} msgs;

static void collect(void *ctx, enum ingest_msg kind, const char *text)
{
    msgs *m = ctx;
    size_t n = strlen(m->text);
    snprintf(m->text + n, sizeof m->text - n, "[%d] %s\n", (int)kind, text);
}

/* ---- report layouts ------------------------------------------------------------ */

static void multi_slr_utilization_should_read_the_summary_and_skip_slr_tables(void)
{
    rpt_result r;
    CHECK_MSG(read_with(rpt_util_read, "reports/multi_slr/vivado_synth.rpt", &r) == 0, "%s", snac_err_msg());
    CHECK_NEAR(r.lut, 60597, 0);
    CHECK_NEAR(r.ff, 14719, 0);
    CHECK_NEAR(r.dsp, 3317, 0);
    CHECK_NEAR(r.bram18, 7, 0); /* 3.5 tiles */
    CHECK_NEAR(r.uram, 2, 0);
    CHECK_NEAR(r.avail_lut, 1182240, 0);
    /* issue 24: every field, read off the summary tables by hand (the SLR tables after them hold
     * per-SLR numbers in SLR0..SLR2 columns, none of which may land here) */
    CHECK_NEAR(r.avail_ff, 2364480, 0);
    CHECK_NEAR(r.avail_bram18, 4320, 0); /* 2160 tiles */
    CHECK_NEAR(r.avail_uram, 960, 0);
    CHECK_NEAR(r.avail_dsp, 6840, 0);
    CHECK(isnan(r.latency_best) && isnan(r.latency_worst) && isnan(r.ii_min) && isnan(r.ii_max));
    CHECK(strcmp(r.top_module, "myproject") == 0 && strcmp(r.part, "xcvu9pflga2104-2L") == 0);
    CHECK(r.toolchain == RPT_TC_VIVADO && strcmp(r.tool_version, "2020.1") == 0);
}

static void export_reports_should_take_the_last_stage_of_both_layouts(void)
{
    rpt_result r;
    CHECK_MSG(read_with(rpt_export_read, "fw_project/myproject_prj/solution1/impl/report/verilog/myproject_export.rpt",
                        &r) == 0, "%s", snac_err_msg());
    CHECK(r.kind == RPT_KIND_EXPORT && r.toolchain == RPT_TC_VIVADO);
    CHECK(strcmp(r.tool_version, "2020.1") == 0 && strcmp(r.part, "xc7z020-clg400-1") == 0);
    CHECK(strcmp(r.top_module, "myproject") == 0);
    /* post-implementation, not the post-synthesis section before it */
    CHECK_NEAR(r.lut, 1490, 0);
    CHECK_NEAR(r.ff, 2418, 0);
    CHECK_NEAR(r.dsp, 66, 0);
    CHECK_NEAR(r.bram18, 3, 0);
    CHECK_NEAR(r.clock_target_ns, 5.0, 0);
    CHECK_NEAR(r.clock_estimated_ns, 4.417, 1e-12);
    CHECK_MSG(read_with(rpt_export_read, "reports/vitis_export/myproject_export.rpt", &r) == 0, "%s", snac_err_msg());
    CHECK(strcmp(r.tool_version, "2022.1") == 0 && strcmp(r.part, "xcu55c-fsvh2892-2L-e") == 0);
    CHECK_NEAR(r.lut, 61544, 0);
    CHECK_NEAR(r.ff, 10102, 0);
    CHECK_NEAR(r.dsp, 38, 0);
    CHECK_NEAR(r.uram, 0, 0);
    CHECK_NEAR(r.clock_estimated_ns, 4.65, 1e-12);
    /* a csynth report is not an export report */
    CHECK(read_with(rpt_export_read, "reports/nac_tutorial/myproject_csynth.rpt", &r) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "not an HLS export report");
}

/* ---- firmware and network.json -------------------------------------------------- */

static void check_fw_net(const rpt_net *n, const char *what)
{
    CHECK_MSG(n->mlp && n->n_layers == 2, "%s: %s", what, n->why);
    if (n->n_layers != 2)
        return;
    const rpt_net_layer *a = &n->layer[0], *b = &n->layer[1];
    CHECK_MSG(a->n_in == 4 && a->n_out == 8 && b->n_in == 8 && b->n_out == 3, "%s sizes", what);
    CHECK_MSG(a->reuse_factor == 2 && b->reuse_factor == 4, "%s rf", what);
    CHECK_MSG(a->n_zeros == 10 && b->n_zeros == 6 && a->zeros_exact && b->zeros_exact, "%s zeros", what);
    CHECK_MSG(strcmp(a->weight_t, "ap_fixed<8,3>") == 0 && strcmp(a->bias_t, "ap_fixed<8,3>") == 0, "%s w/b", what);
    CHECK_MSG(strcmp(a->accum_t, "ap_fixed<24,12>") == 0 && strcmp(b->accum_t, "ap_fixed<20,10>") == 0, "%s acc", what);
    CHECK_MSG(strcmp(a->input_t, "ap_fixed<16,6>") == 0 && strcmp(b->input_t, "ap_ufixed<8,4>") == 0, "%s in", what);
    CHECK_MSG(strcmp(a->result_t, "ap_fixed<18,8>") == 0 && strcmp(a->output_t, "ap_ufixed<8,4>") == 0, "%s out", what);
    CHECK_MSG(strcmp(a->act, "relu") == 0 && strcmp(b->act, "softmax") == 0, "%s acts", what);
    CHECK_MSG(strcmp(a->strategy, "latency") == 0 && strcmp(n->io_type, "io_parallel") == 0, "%s strategy/io", what);
}

static void firmware_and_network_json_should_agree_field_by_field(void)
{
    rpt_net fw, nj;
    CHECK_MSG(rpt_firmware_read(fixture("fw_project"), "myproject", NULL, &fw) == 0, "%s", snac_err_msg());
    check_fw_net(&fw, "firmware");
    CHECK(strcmp(fw.source, "firmware") == 0);
    char nj_path[4096], wdir[4096];
    snprintf(nj_path, sizeof nj_path, "%s", fixture("fw_netjson/network.json"));
    snprintf(wdir, sizeof wdir, "%s", fixture("fw_project/firmware/weights"));
    /* N_INPUT_1_1 is a symbol in network.json: n_zeros + n_nonzeros and the chain leave one
     * unknown; the report's input port (64 bits of ap_fixed<16,6>) resolves it */
    rpt_net_hint none = {0, 0}, hint = {0, 64};
    CHECK(rpt_netjson_read(nj_path, wdir, &none, &nj) == 0 && !nj.mlp);
    CHECK_STR_CONTAINS(nj.why, "N_INPUT_1_1");
    CHECK_MSG(rpt_netjson_read(nj_path, wdir, &hint, &nj) == 0, "%s", snac_err_msg());
    check_fw_net(&nj, "network.json");
    CHECK_STR_CONTAINS(nj.notes, "input port width 64");
    /* every field the spec uses is equal */
    for (size_t l = 0; l < 2 && fw.n_layers == 2 && nj.n_layers == 2; l++) {
        const rpt_net_layer *a = &fw.layer[l], *b = &nj.layer[l];
        CHECK(a->n_in == b->n_in && a->n_out == b->n_out && a->reuse_factor == b->reuse_factor);
        CHECK(a->n_zeros == b->n_zeros && a->batch_norm == b->batch_norm);
        CHECK(!strcmp(a->weight_t, b->weight_t) && !strcmp(a->bias_t, b->bias_t) && !strcmp(a->accum_t, b->accum_t));
        CHECK(!strcmp(a->input_t, b->input_t) && !strcmp(a->output_t, b->output_t) && !strcmp(a->act, b->act));
        CHECK(!strcmp(a->strategy, b->strategy));
    }
    char *js_fw = NULL, *js_nj = NULL;
    CHECK(rpt_net_spec_json(&fw, NULL, 0, NULL, &js_fw) == 0 && rpt_net_spec_json(&nj, NULL, 0, NULL, &js_nj) == 0);
    surr_spec s1, s2;
    CHECK_MSG(js_fw && vrows_spec_from_json(js_fw, &s1) == 0, "%s", snac_err_msg());
    CHECK_MSG(js_nj && vrows_spec_from_json(js_nj, &s2) == 0, "%s", snac_err_msg());
    char c1[4096], c2[4096];
    surr_spec_canonical(&s1, c1, sizeof c1);
    surr_spec_canonical(&s2, c2, sizeof c2);
    CHECK_MSG(strcmp(c1, c2) == 0, "canonical specs differ:\n%s\n%s", c1, c2);
    /* the spec has per-layer RF, precision and the exact sparsity */
    CHECK(s1.n_layers == 2 && s1.layer[0].reuse_factor == 2 && s1.layer[1].reuse_factor == 4);
    CHECK_NEAR(s1.layer[0].sparsity, 10.0 / 32, 1e-15);
    CHECK(s1.layer[0].weight.width == 8 && s1.layer[0].weight.integer == 3 && s1.layer[0].accum.width == 24);
    CHECK(!s1.layer[0].input.is_signed == 0 && !s1.layer[1].input.is_signed);
    CHECK(s1.layer[0].act == SURR_ACT_RELU && s1.layer[1].act == SURR_ACT_SOFTMAX && s1.rf_unchecked);
    free(js_fw);
    free(js_nj);
}

/* Write a one-layer firmware (defines.h with the given typedef lines, parameters.h, myproject.cpp)
 * under dir/firmware. */
static void write_firmware(const char *dir, const char *typedefs, const char *struct_typedefs)
{
    char p[512];
    snprintf(p, sizeof p, "mkdir -p %s/firmware", dir);
    CHECK(system(p) == 0);
    const char *names[3] = {"defines.h", "parameters.h", "myproject.cpp"};
    for (int k = 0; k < 3; k++) {
        snprintf(p, sizeof p, "%s/firmware/%s", dir, names[k]);
        FILE *f = fopen(p, "w");
        CHECK(f != NULL);
        if (!f)
            return;
        if (k == 0)
            fprintf(f, "#define N_INPUT_1_1 4\n#define N_LAYER_2 3\n%s", typedefs);
        else if (k == 1)
            fprintf(f, "struct config2 : nnet::dense_config {\n    static const unsigned n_in = N_INPUT_1_1;\n"
                       "    static const unsigned n_out = N_LAYER_2;\n%s};\n", struct_typedefs);
        else
            fprintf(f, "void myproject(input_t x[4], result_t y[3]) {\n"
                       "    nnet::dense<input_t, result_t, config2>(x, y, w2, b2);\n}\n");
        fclose(f);
    }
}

/* issue 24: a typedef to an ap_fixed wider than any precision, or a typedef cycle, is refused
 * naming the file and line of the typedef (it used to be stored as the layer's precision) */
static void firmware_typedefs_should_be_checked_naming_file_and_line(void)
{
    rpt_op ops[4];
    size_t n = 0;
    const char *ok_t = "typedef ap_fixed<16,6> input_t;\ntypedef ap_fixed<16,6> result_t;\n"
                       "typedef ap_fixed<8,3> weight2_t;\ntypedef ap_fixed<8,3> bias2_t;\n";
    const char *keys = "    typedef ap_fixed<24,12> accum_t;\n    typedef bias2_t bias_t;\n"
                       "    typedef weight2_t weight_t;\n";
    write_firmware("fw24_ok", ok_t, keys);
    CHECK_MSG(rpt_firmware_ops("fw24_ok", "myproject", ops, &n) == 0 && n == 1, "%s", snac_err_msg());
    CHECK(n == 1 && strcmp(ops[0].weight_t, "ap_fixed<8,3>") == 0 && strcmp(ops[0].accum_t, "ap_fixed<24,12>") == 0);

    /* line 5 of defines.h (after the two #defines): the weight typedef */
    write_firmware("fw24_wide", "typedef ap_fixed<16,6> input_t;\ntypedef ap_fixed<16,6> result_t;\n"
                                "typedef ap_fixed<100000,3> weight2_t;\ntypedef ap_fixed<8,3> bias2_t;\n", keys);
    CHECK(rpt_firmware_ops("fw24_wide", "myproject", ops, &n) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "fw24_wide/firmware/defines.h:5: type 'ap_fixed<100000,3>'");
    /* in the config struct itself: parameters.h line 4 */
    write_firmware("fw24_acc", ok_t, "    typedef ap_fixed<0,12> accum_t;\n");
    CHECK(rpt_firmware_ops("fw24_acc", "myproject", ops, &n) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "fw24_acc/firmware/parameters.h:4: type 'ap_fixed<0,12>'");
    /* weight2_t -> bias2_t -> weight2_t */
    write_firmware("fw24_cycle", "typedef ap_fixed<16,6> input_t;\ntypedef ap_fixed<16,6> result_t;\n"
                                 "typedef bias2_t weight2_t;\ntypedef weight2_t bias2_t;\n", keys);
    CHECK(rpt_firmware_ops("fw24_cycle", "myproject", ops, &n) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "fw24_cycle/firmware/defines.h:");
    CHECK_STR_CONTAINS(snac_err_msg(), "typedef cycle");
    /* an input type written in the call of myproject.cpp, line 2 */
    write_firmware("fw24_call", "typedef ap_fixed<16,6> result_t;\ntypedef ap_fixed<8,3> weight2_t;\n"
                                "typedef ap_fixed<8,3> bias2_t;\ntypedef ap_fixed<99,3> input_t;\n", keys);
    CHECK(rpt_firmware_ops("fw24_call", "myproject", ops, &n) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "fw24_call/firmware/defines.h:6: type 'ap_fixed<99,3>'");
    CHECK(system("rm -rf fw24_ok fw24_wide fw24_acc fw24_cycle fw24_call") == 0);
}

static void firmware_errors_should_name_the_file(void)
{
    rpt_op ops[4];
    size_t n;
    CHECK(rpt_firmware_ops(fixture("hls4ml_project"), "myproject", ops, &n) != 0);
    CHECK_STR_CONTAINS(snac_err_msg(), "parameters.h");
    /* a weights file with the wrong count */
    FILE *f = fopen("test_w_bad.txt", "w");
    CHECK(f != NULL);
    if (f) {
        fputs("0.5, 0, abc\n", f);
        fclose(f);
    }
    size_t nv, nz;
    CHECK(rpt_net_count_zeros("test_w_bad.txt", &nv, &nz) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "test_w_bad.txt:1: weight value 'abc'");
    remove("test_w_bad.txt");
}

/* ---- ingest of projects ------------------------------------------------------------- */

static void project_should_merge_twins_and_take_the_firmware_over_a_stale_config(void)
{
    snac_db *db = fresh_db("test_h4p_fw.db");
    if (!db)
        return;
    msgs m = {{0}};
    ingest_opts o = INGEST_OPTS_INIT;
    o.msg = collect;
    o.msg_ctx = &m;
    ingest_counts c = {0};
    CHECK_MSG(ingest_path(db, fixture("fw_project"), &o, &c) == 0, "%s", snac_err_msg());
    /* csynth.xml + myproject_csynth.xml + .rpt = one row; export.rpt and vivado_synth.rpt their own */
    CHECK(c.ingested == 3 && c.merged == 2 && c.failed == 0 && c.spec_firmware == 1);
    CHECK_NEAR(q_num(db, "SELECT count(*) FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'"), 1, 0);
    char s[8192];
    q_str(db, "SELECT merged_sources FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'", s, sizeof s);
    CHECK_STR_CONTAINS(s, "myproject_csynth.xml\t");
    CHECK_STR_CONTAINS(s, "myproject_csynth.rpt\t");
    q_str(db, "SELECT source_path FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'", s, sizeof s);
    CHECK_STR_CONTAINS(s, "syn/report/csynth.xml"); /* Vitis's solution-level report keys the row */
    CHECK_NEAR(q_num(db, "SELECT count(*) FROM synthesis_results WHERE top_module = 'myproject'"), 3, 0);
    CHECK_NEAR(q_num(db, "SELECT lut FROM synthesis_results WHERE source_kind = 'hls_export_rpt'"), 1490, 0);
    /* issue 24: every number of the merged row is its first report's (csynth.xml, read off by hand),
     * none taken over or blanked by a twin */
    static const struct { const char *col; double v; } row[] = {
        {"clock_target_ns", 5.0}, {"clock_estimated_ns", 4.049}, {"latency_best", 10}, {"latency_worst", 10},
        {"ii_min", 8},            {"ii_max", 8},                 {"bram18", 0},        {"dsp", 73},
        {"ff", 7969},             {"lut", 2532},                 {"uram", 0},          {"avail_bram18", 280},
        {"avail_dsp", 220},       {"avail_ff", 106400},          {"avail_lut", 53200}, {"avail_uram", 0}};
    for (size_t i = 0; i < sizeof row / sizeof *row; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT %s FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'", row[i].col);
        double v = q_num(db, sql);
        CHECK_MSG(v == row[i].v, "merged row %s = %g, the report says %g", row[i].col, v, row[i].v);
    }
    /* the firmware's RF (largest layer RF) and precision, not the config's RF 1 / <16,6> */
    CHECK_NEAR(q_num(db, "SELECT count(*) FROM synthesis_results WHERE reuse_factor = 4 AND "
                         "precision = 'ap_fixed<8,3>'"), 3, 0);
    CHECK_STR_CONTAINS(m.text, "firmware disagrees with hls4ml_config.yml");
    CHECK_STR_CONTAINS(m.text, "reuse factor: hls4ml_config.yml says 1, firmware layer 0 has 2");
    q_str(db, "SELECT spec FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'", s, sizeof s);
    CHECK_STR_CONTAINS(s, "\"reuse_factor\":4");
    CHECK_STR_CONTAINS(s, "\"config_disagrees\"");
    /* every layer's file was read: the spec carries their counts and hash, not the folder (issue 23) */
    CHECK_STR_CONTAINS(s, "\"weight_stats\":[22,16,12,22,0]");
    CHECK(strstr(s, "fw_project/firmware/weights") == NULL);
    /* validation uses the spec's per-layer RFs (the row's RF column does not overwrite them)
     * and the real weights */
    vrows R = VROWS_INIT;
    CHECK_MSG(vrows_load(db, SURR_TC_VIVADO_2020_1, &R) == 0, "%s", snac_err_msg());
    CHECK(R.n == 1 && R.n_no_spec == 0 && R.n_unmapped == 2);
    CHECK(R.n == 1 && R.row[0].x.exact);
    vrows_free(&R);
    db_close(db);
}

static void single_report_of_a_project_should_get_its_twins_and_firmware_spec(void)
{
    snac_db *db = fresh_db("test_h4p_single.db");
    if (!db)
        return;
    ingest_counts c = {0};
    ingest_opts o = INGEST_OPTS_INIT;
    /* naming the .rpt: the row is the solution's (keyed by csynth.xml), with the firmware's spec */
    CHECK_MSG(ingest_path(db, fixture("fw_project/myproject_prj/solution1/syn/report/myproject_csynth.rpt"), &o, &c) ==
                  0, "%s", snac_err_msg());
    CHECK(c.ingested == 1 && c.merged == 2 && c.spec_firmware == 1);
    char s[4096];
    q_str(db, "SELECT source_path FROM synthesis_results", s, sizeof s);
    CHECK_STR_CONTAINS(s, "syn/report/csynth.xml");
    q_str(db, "SELECT spec FROM synthesis_results", s, sizeof s);
    CHECK_STR_CONTAINS(s, "\"source\":\"firmware\"");
    /* the whole project afterwards: that row is already there */
    CHECK(ingest_path(db, fixture("fw_project"), &o, &c) == 0);
    CHECK(c.ingested == 3 && c.present == 1);
    db_close(db);
}

static void directory_should_land_what_parses_and_name_what_did_not(void)
{
    snac_db *db = fresh_db("test_h4p_corrupt.db");
    if (!db)
        return;
    ingest_counts c = {0};
    ingest_opts o = INGEST_OPTS_INIT;
    CHECK(ingest_path(db, fixture("corrupt_project"), &o, &c) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "corrupt_project/vivado_synth.rpt: missing the 'DSPs' row");
    CHECK_STR_CONTAINS(snac_err_msg(), "1 report file failed");
    CHECK(c.ingested == 1 && c.failed == 1);
    CHECK_NEAR(q_num(db, "SELECT lut FROM synthesis_results WHERE toolchain = 'vitis_hls'"), 11935, 0);
    db_close(db);
}

static void wrapper_top_should_be_the_synthesis_and_recorded(void)
{
    snac_db *db = fresh_db("test_h4p_axi.db");
    if (!db)
        return;
    ingest_counts c = {0};
    ingest_opts o = INGEST_OPTS_INIT;
    CHECK_MSG(ingest_path(db, fixture("axi_project"), &o, &c) == 0, "%s", snac_err_msg());
    /* issue 23: two syntheses, each with its own top: the network's (the row a spec describes)
     * and the AXI wrapper's */
    CHECK(c.ingested == 2 && c.failed == 0);
    CHECK_NEAR(q_num(db, "SELECT lut FROM synthesis_results WHERE top_module = 'myproject_axi'"), 2901, 0);
    CHECK_NEAR(q_num(db, "SELECT lut FROM synthesis_results WHERE top_module = 'myproject'"), 2532, 0);
    db_close(db);
}

static void spec_should_attach_to_a_present_row(void)
{
    snac_db *db = fresh_db("test_h4p_spec.db");
    if (!db)
        return;
    ingest_counts c = {0};
    ingest_opts o = INGEST_OPTS_INIT;
    const char *rpt = "reports/nac_tutorial/vivado_synth.rpt";
    char p[4096];
    snprintf(p, sizeof p, "%s", fixture(rpt));
    CHECK(ingest_path(db, p, &o, &c) == 0 && c.ingested == 1);
    CHECK_NEAR(q_num(db, "SELECT spec IS NULL FROM synthesis_results"), 1, 0);
    o.spec_json = "{\"layers\":[16,64,32,32,5],\"reuse_factor\":1}";
    CHECK(ingest_path(db, p, &o, &c) == 0);
    CHECK(c.ingested == 1 && c.present == 1 && c.updated == 1);
    char s[512];
    q_str(db, "SELECT spec FROM synthesis_results", s, sizeof s);
    CHECK(strcmp(s, o.spec_json) == 0);
    /* replaced by another spec; the same spec again changes nothing */
    o.spec_json = "{\"layers\":[16,5]}";
    CHECK(ingest_path(db, p, &o, &c) == 0 && c.updated == 2);
    CHECK(ingest_path(db, p, &o, &c) == 0 && c.updated == 2);
    q_str(db, "SELECT spec FROM synthesis_results", s, sizeof s);
    CHECK(strcmp(s, "{\"layers\":[16,5]}") == 0);
    CHECK_NEAR(q_num(db, "SELECT count(*) FROM synthesis_results"), 1, 0);
    /* --model on the present row links it, once; the spec stays */
    CHECK(sqlite3_exec(db_handle(db), "INSERT INTO models(arch, n_params, macs, weights, created_at) "
                                      "VALUES('16-5', 85, 80, x'00', 'now')", NULL, NULL, NULL) == SQLITE_OK);
    ingest_opts om = INGEST_OPTS_INIT;
    om.model_id = 1;
    CHECK(ingest_path(db, p, &om, &c) == 0 && c.updated == 3);
    CHECK(ingest_path(db, p, &om, &c) == 0 && c.updated == 3);
    CHECK_NEAR(q_num(db, "SELECT model_id FROM synthesis_results"), 1, 0);
    q_str(db, "SELECT spec FROM synthesis_results", s, sizeof s);
    CHECK(strcmp(s, "{\"layers\":[16,5]}") == 0);
    db_close(db);
}

static void impossible_values_should_be_refused_naming_the_capacity(void)
{
    snac_db *db = fresh_db("test_h4p_bounds.db");
    if (!db)
        return;
    ingest_counts c = {0};
    ingest_opts o = INGEST_OPTS_INIT;
    CHECK(ingest_path(db, fixture("bad/huge_dsp_csynth.xml"), &o, &c) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "huge_dsp_csynth.xml: AreaEstimates/Resources/DSP48E|DSP = 1e+308");
    CHECK_STR_CONTAINS(snac_err_msg(), "xc7z020-clg400-1 has 220 DSP");
    CHECK_NEAR(q_num(db, "SELECT count(*) FROM synthesis_results"), 0, 0);
    /* an unknown part is bounded by the largest device of the table */
    rpt_result r;
    rpt_result_init(&r, RPT_KIND_CSYNTH_XML, RPT_TC_VIVADO_HLS);
    snprintf(r.part, sizeof r.part, "xcfuture99");
    r.lut = 5e6; /* plausible for an over-unrolled HLS estimate */
    CHECK(ingest_check_bounds(&r, "x.xml") == 0);
    r.dsp = 1e9;
    CHECK(ingest_check_bounds(&r, "x.xml") == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "unknown part");
    CHECK_STR_CONTAINS(snac_err_msg(), "12288 DSP");
    db_close(db);
}

static void validate_should_list_skipped_rows_with_reasons(void)
{
    snac_db *db = fresh_db("test_h4p_skip.db");
    if (!db)
        return;
    ingest_counts c = {0};
    ingest_opts o = INGEST_OPTS_INIT;
    CHECK(ingest_path(db, fixture("hls4ml_project"), &o, &c) == 0);
    vrows R = VROWS_INIT;
    CHECK_MSG(vrows_load(db, SURR_TC_VIVADO_2020_1, &R) == 0, "%s", snac_err_msg());
    CHECK(R.n == 0 && R.n_no_spec == 1 && R.skip != NULL);
    if (R.skip) {
        CHECK(R.skip[0].id == 1);
        CHECK_STR_CONTAINS(R.skip[0].why, "no firmware/parameters.h and no network.json");
    }
    vrows_free(&R);
    db_close(db);
}

/* ---- vocabulary, parts, reuse factors ------------------------------------------------ */

static void any_toolchain_spelling_should_map_through_one_table(void)
{
    static const struct { const char *text; enum surr_toolchain tc; bool exact; } ok[] = {
        {"vivado-2019.1", SURR_TC_VIVADO_2019_1, true},   {"vitis-2023.2", SURR_TC_VITIS_2023_2, true},
        {"vivado_hls", SURR_TC_VIVADO_2019_1, false},     {"vivado_hls-2018.3", SURR_TC_VIVADO_2019_1, false},
        {"vivado-2019.2", SURR_TC_VIVADO_2019_1, false},  {"vivado_hls-2019.2.1", SURR_TC_VIVADO_2019_1, false},
        {"vivado-2020.1", SURR_TC_VIVADO_2020_1, true},   {"vivado_hls 2020.1", SURR_TC_VIVADO_2020_1, false},
        {"vitis_hls-2021.1", SURR_TC_VITIS_2023_2, false}, {"vitis-2022.1", SURR_TC_VITIS_2023_2, false},
        {"Vitis_HLS-2025.1", SURR_TC_VITIS_2023_2, false}, {"vivado-2023.2", SURR_TC_VITIS_2023_2, false},
        {"yosys-0.40", SURR_TC_YOSYS_0_23, false},        {"yosys", SURR_TC_YOSYS_0_23, false},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        enum surr_toolchain tc;
        char note[256];
        CHECK_MSG(surr_toolchain_resolve(ok[i].text, &tc, note, sizeof note) == 0, "%s: %s", ok[i].text,
                  snac_err_msg());
        CHECK_MSG(tc == ok[i].tc, "%s -> %s", ok[i].text, surr_toolchain_names[tc]);
        CHECK_MSG(ok[i].exact == (note[0] == '\0'), "%s note '%s'", ok[i].text, note);
        if (!ok[i].exact)
            CHECK_STR_CONTAINS(note, surr_toolchain_names[ok[i].tc]);
    }
    enum surr_toolchain tc;
    CHECK(surr_toolchain_resolve("quartus-21.1", &tc, NULL, 0) == SNAC_EINVAL);
    CHECK(surr_toolchain_resolve("vivadox", &tc, NULL, 0) == SNAC_EINVAL);
    /* report rows: the same table; Vivado post-synthesis has no surrogate */
    CHECK(surr_toolchain_of("vivado_hls", "2019.2", &tc, NULL) && tc == SURR_TC_VIVADO_2019_1);
    CHECK(surr_toolchain_of("vitis_hls", "2022.1", &tc, NULL) && tc == SURR_TC_VITIS_2023_2);
    CHECK(!surr_toolchain_of("vivado", "2020.1", &tc, NULL));
    /* ingest --toolchain: report families in every spelling */
    enum rpt_toolchain rtc;
    char ver[32];
    CHECK(ingest_toolchain_parse("vitis-2022.1", &rtc, ver, sizeof ver) == 0 && rtc == RPT_TC_VITIS_HLS &&
          strcmp(ver, "2022.1") == 0);
    CHECK(ingest_toolchain_parse("vivado_hls 2019.2", &rtc, ver, sizeof ver) == 0 && rtc == RPT_TC_VIVADO_HLS &&
          strcmp(ver, "2019.2") == 0);
    CHECK(ingest_toolchain_parse("Vivado-v2020.1", &rtc, ver, sizeof ver) == 0 && rtc == RPT_TC_VIVADO &&
          strcmp(ver, "2020.1") == 0);
    CHECK(ingest_toolchain_parse("yosys", &rtc, ver, sizeof ver) == 0 && rtc == RPT_TC_YOSYS && !ver[0]);
    CHECK(ingest_toolchain_parse("vivado-", &rtc, ver, sizeof ver) == SNAC_EINVAL);
    CHECK(ingest_toolchain_parse("vitisx", &rtc, ver, sizeof ver) == SNAC_EINVAL);
    /* spec files take every spelling too */
    const char *y = "model: {widths: [16, 5]}\nhls: {toolchain: vitis_hls-2021.1, part: xczu7ev-ffvc1156-2-e}\n";
    surr_spec s;
    CHECK_MSG(surr_spec_parse_yaml(y, strlen(y), "t.yaml", &s) == 0, "%s", snac_err_msg());
    CHECK(s.toolchain == SURR_TC_VITIS_2023_2 && strcmp(s.part, "xczu7ev-ffvc1156-2-e") == 0);
}

static void part_table_should_resolve_any_package_and_leave_unknown_parts_absolute(void)
{
    static const struct { const char *name; double lut, dsp, bram18, uram; } parts[] = {
        {"xc7z007sclg225-1", 14400, 66, 100, 0},      {"xcu50-fsvh2104-2-e", 871680, 5952, 2688, 640},
        {"xcu55c-fsvh2892-2L-e", 1303680, 9024, 4032, 960}, {"xc7vx690t-ffg1761-2", 433200, 3600, 2940, 0},
        {"xcvu9p-flga2104-2L-e", 1182240, 6840, 4320, 960}, {"xcvu9pflga2104-2L", 1182240, 6840, 4320, 960},
        {"xcvu13p-fhga2104-2-e", 1728000, 12288, 5376, 1280}, {"xczu5ev-sfvc784-2LV-e", 117120, 1248, 288, 64},
        {"xczu7ev-ffvc1156-2-e", 230400, 1728, 624, 96}, {"xcku15p-ffve1517-1-i", 522720, 1968, 1968, 128},
        {"xc7a200tl-ffg1156-2L", 134600, 740, 730, 0},  {"7z020clg400-1", 53200, 220, 280, 0},
        {"xcu250-figd2104-2L-e", 1728000, 12288, 5376, 1280}, {"xcu280-fsvh2892-2L-e", 1303680, 9024, 4032, 960},
        {"xcku115-flvb2104-2-e", 663360, 5520, 4320, 0},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const surr_part *p;
        CHECK_MSG(surr_part_find(parts[i].name, &p) == 0, "%s: %s", parts[i].name, snac_err_msg());
        if (!p)
            continue;
        CHECK_MSG(p->lut == parts[i].lut && p->dsp == parts[i].dsp && p->bram18 == parts[i].bram18 &&
                      p->uram == parts[i].uram, "%s -> %s", parts[i].name, p->name);
    }
    CHECK(surr_part_count() >= 40);
    const surr_part *p;
    CHECK(surr_part_find("xcvu1p", &p) == SNAC_ENOTFOUND); /* not a prefix match of xcvu13p */
    CHECK(surr_part_find("xc7k70t", &p) == SNAC_ENOTFOUND);
    CHECK_STR_CONTAINS(snac_err_msg(), "unknown FPGA part 'xc7k70t'");
    const surr_part *u = surr_part_lookup("xc7k70t");
    CHECK(surr_part_is_unknown(u) && isnan(u->lut) && isnan(u->dsp));
    /* a spec on an unknown part is valid */
    const char *y = "model: {widths: [16, 5]}\nhls: {part: xc7k70t-fbg676-1}\n";
    surr_spec s;
    CHECK_MSG(surr_spec_parse_yaml(y, strlen(y), "t.yaml", &s) == 0, "%s", snac_err_msg());
}

static void reuse_factors_should_follow_hls4mls_rule(void)
{
    /* hls4ml's _validate_reuse_factor: valid RFs of a 16x64 dense are the divisors r of
     * 1024 with r <= 16 dividing... enumerate and compare with the rule written out */
    static const size_t valid_16x64[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
    size_t k = 0;
    for (size_t rf = 1; rf <= 1024; rf++) {
        bool v = surr_rf_valid(16, 64, rf);
        bool want = k < sizeof valid_16x64 / sizeof valid_16x64[0] && valid_16x64[k] == rf;
        CHECK_MSG(v == want, "16x64 rf %zu: %d", rf, (int)v);
        k += want;
    }
    /* the 4-128-3 MLP the shared projects synthesized at RF 8 and 16 */
    CHECK(surr_rf_valid(4, 128, 8) && surr_rf_valid(128, 3, 8) && surr_rf_valid(128, 3, 16));
    CHECK(!surr_rf_valid(16, 64, 3) && !surr_rf_valid(16, 64, 24) && !surr_rf_valid(8, 3, 0));
    /* hls4ml applies the rule to Resource layers only; a Latency layer takes any RF up to n_in*n_out */
    CHECK(surr_rf_valid_for(SURR_STRATEGY_LATENCY, 16, 64, 24) && surr_rf_valid_for(SURR_STRATEGY_LATENCY, 16, 64, 3));
    CHECK(!surr_rf_valid_for(SURR_STRATEGY_LATENCY, 16, 64, 1025) && !surr_rf_valid_for(SURR_STRATEGY_LATENCY, 4, 4, 0));
    CHECK(!surr_rf_valid_for(SURR_STRATEGY_RESOURCE, 16, 64, 24) && surr_rf_valid_for(SURR_STRATEGY_RESOURCE, 16, 64, 32));
    const char *lat = "model: {widths: [16, 64]}\nhls: {reuse_factor: 24}\n";
    surr_spec s;
    CHECK_MSG(surr_spec_parse_yaml(lat, strlen(lat), "t.yaml", &s) == 0, "%s", snac_err_msg());
    const char *toobig = "model: {widths: [4, 2]}\nhls: {reuse_factor: 9}\n";
    CHECK(surr_spec_parse_yaml(toobig, strlen(toobig), "t.yaml", &s) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "reuse factor 9 is more than the layer's 8 multiplications");
    /* a Resource spec refuses an invalid RF with the nearest valid ones, unless rf_unchecked (synthesized) */
    const char *bad = "model: {widths: [16, 64]}\nhls: {reuse_factor: 24, strategy: resource}\n";
    CHECK(surr_spec_parse_yaml(bad, strlen(bad), "t.yaml", &s) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "nearest valid: 16 or 32");
    const char *unchecked = "model: {widths: [16, 64]}\nhls: {reuse_factor: 24, strategy: resource, rf_unchecked: true}\n";
    CHECK(surr_spec_parse_yaml(unchecked, strlen(unchecked), "t.yaml", &s) == 0 && s.reuse_factor == 24);
    const char *mult = "model: {widths: [16, 64]}\nhls: {multipliers: fabric}\n";
    CHECK(surr_spec_parse_yaml(mult, strlen(mult), "t.yaml", &s) == 0 && s.multipliers == SURR_MULT_FABRIC);
    const char *badmult = "model: {widths: [16, 64]}\nhls: {multipliers: bram}\n";
    CHECK(surr_spec_parse_yaml(badmult, strlen(badmult), "t.yaml", &s) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "multiplier mapping");
}

static void spec_should_load_real_weights_from_an_hls4ml_folder_or_a_file(void)
{
    char y[8192];
    snprintf(y, sizeof y, "model: {widths: [4, 8, 3], weights: '%s'}\n", fixture("fw_project/firmware/weights"));
    surr_spec s;
    float *block = NULL;
    CHECK_MSG(surr_spec_parse_yaml(y, strlen(y), "t.yaml", &s) == 0, "%s", snac_err_msg());
    CHECK_MSG(surr_spec_weights_load(&s, &block) == 0, "%s", snac_err_msg());
    if (block && s.layer[0].w && s.layer[1].w) {
        size_t z0 = 0, z1 = 0;
        for (size_t i = 0; i < 32; i++)
            z0 += s.layer[0].w[i] == 0.0f;
        for (size_t i = 0; i < 24; i++)
            z1 += s.layer[1].w[i] == 0.0f;
        CHECK(z0 == 10 && z1 == 6);
        /* w2.txt is (n_in=4, n_out=8) row-major: its 3rd value (i=0, j=2) is -0.5; stored (n_out, n_in) */
        CHECK(s.layer[0].w[2 * 4 + 0] == -0.5f && s.layer[0].w[0] == 0.25f);
        /* w2.txt's 9th value (i=1, j=0) is 0.5 */
        CHECK(s.layer[0].w[0 * 4 + 1] == 0.5f);
    }
    free(block);
    /* one file with every layer, and a count mismatch */
    FILE *f = fopen("test_h4p_all_w.txt", "w");
    CHECK(f != NULL);
    if (f) {
        for (int i = 0; i < 32 + 24; i++)
            fprintf(f, "%s%g", i ? ", " : "", i % 3 == 0 ? 0.0 : 0.125 * i);
        fclose(f);
    }
    const char *yf = "model: {widths: [4, 8, 3], weights: test_h4p_all_w.txt}\n";
    CHECK(surr_spec_parse_yaml(yf, strlen(yf), "t.yaml", &s) == 0);
    CHECK_MSG(surr_spec_weights_load(&s, &block) == 0, "%s", snac_err_msg());
    CHECK(block && s.layer[1].w == block + 32 && s.layer[0].w[0] == 0.0f);
    free(block);
    const char *yb = "model: {widths: [4, 8, 4], weights: test_h4p_all_w.txt}\n";
    CHECK(surr_spec_parse_yaml(yb, strlen(yb), "t.yaml", &s) == 0);
    CHECK(surr_spec_weights_load(&s, &block) == SNAC_EFORMAT && block == NULL);
    CHECK_STR_CONTAINS(snac_err_msg(), "test_h4p_all_w.txt: 56 weight values, the spec's dense layers have 64");
    remove("test_h4p_all_w.txt");
}

/* issue 24: twins of one synthesis that disagree on figures the twin check does not compare (the
 * estimated clock, best-case latency): the row keeps its first report's (csynth.xml) numbers; a
 * twin only fills what the first lacks */
static void twin_merge_should_keep_the_first_reports_numbers(void)
{
    const char *R = "fw_twin/myproject_prj/solution1/syn/report";
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "rm -rf fw_twin && cp -r '%s' fw_twin && "
             "sed -i 's/| 4.049 ns |/| 4.100 ns |/' %s/myproject_csynth.rpt && "
             "sed -i 's|<EstimatedClockPeriod>4.049<|<EstimatedClockPeriod>4.200<|; "
             "s|<Best-caseLatency>10<|<Best-caseLatency>9<|' %s/myproject_csynth.xml",
             fixture("fw_project"), R, R);
    CHECK(system(cmd) == 0);
    snac_db *db = fresh_db("test_h4p_twin.db");
    if (!db)
        return;
    ingest_opts o = INGEST_OPTS_INIT;
    ingest_counts c = {0};
    CHECK_MSG(ingest_path(db, "fw_twin", &o, &c) == 0, "%s", snac_err_msg());
    CHECK(c.merged == 2);
    CHECK_NEAR(q_num(db, "SELECT clock_estimated_ns FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'"),
               4.049, 0);
    CHECK_NEAR(q_num(db, "SELECT latency_best FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'"), 10, 0);
    CHECK_NEAR(q_num(db, "SELECT lut FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'"), 2532, 0);
    db_close(db);
    CHECK(system("rm -rf fw_twin") == 0);
}

/* issue 24: the strategy of each dense layer from the firmware: the config's `strategy` field
 * (nnet::resource / nnet::latency), and for hls4ml before that field, the kernel the top calls
 * (dense_resource, dense_large: Resource; dense: Latency) */
static void firmware_strategy_should_be_read_per_layer(void)
{
    const char *t = "typedef ap_fixed<16,6> input_t;\ntypedef ap_fixed<16,6> result_t;\n"
                    "typedef ap_fixed<8,3> weight2_t;\ntypedef ap_fixed<8,3> bias2_t;\n";
    const char *k = "    typedef ap_fixed<24,12> accum_t;\n    typedef bias2_t bias_t;\n    typedef weight2_t weight_t;\n";
    char keys[512];
    static const struct { const char *field, *call, *want; } cases[] = {
        {"    static const unsigned strategy = nnet::resource;\n", "dense", "resource"},
        {"    static const unsigned strategy = nnet::latency;\n", "dense", "latency"},
        {"", "dense_resource", "resource"},
        {"", "dense_large", "resource"},
        {"", "dense", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(keys, sizeof keys, "%s%s", k, cases[i].field);
        write_firmware("fw24_strat", t, keys);
        char cmd[256];
        snprintf(cmd, sizeof cmd, "sed -i 's/nnet::dense</nnet::%s</' fw24_strat/firmware/myproject.cpp", cases[i].call);
        CHECK(system(cmd) == 0);
        rpt_net net;
        CHECK_MSG(rpt_firmware_read("fw24_strat", "myproject", NULL, &net) == 0, "%s", snac_err_msg());
        CHECK_MSG(net.n_layers == 1 && strcmp(net.layer[0].strategy, cases[i].want) == 0,
                  "case %zu (%s): strategy '%s', want '%s'", i, cases[i].call, net.layer[0].strategy, cases[i].want);
    }
    CHECK(system("rm -rf fw24_strat") == 0);
}

/* io_stream network.json: the sizes are symbols (no n_zeros to solve them, no report hint) but each
 * dense call's stream type carries its vector, nnet::array<T, N*1>: a 4-8-3 net (issue 23: an unseen
 * io_stream project was skipped as "cannot be resolved"). */
static void stream_array_types_should_size_the_layers(void)
{
    static const char *const js =
        "{\"dense_only\": true, \"io_type\": \"io_stream\", \"layers\": [\n"
        " {\"config\": \"config2\", \"input_t\": \"nnet::array<ap_fixed<16,6>, 4*1>\", \"op\": \"dense\",\n"
        "  \"output_t\": \"nnet::array<ap_fixed<16,6>, 8*1>\", \"params\": {\"io_type\": \"nnet::io_stream\",\n"
        "  \"n_in\": \"N_INPUT_1_1\", \"n_out\": \"N_LAYER_2\", \"reuse_factor\": \"1\", \"strategy\": \"nnet::latency\"},\n"
        "  \"types\": {\"accum_t\": \"ap_fixed<16,6>\", \"bias_t\": \"ap_fixed<8,3>\", \"weight_t\": \"ap_fixed<8,3>\"}},\n"
        " {\"config\": \"relu_config3\", \"input_t\": \"nnet::array<ap_fixed<16,6>, 8*1>\", \"op\": \"relu\",\n"
        "  \"output_t\": \"nnet::array<ap_fixed<7,1,AP_RND,AP_SAT>, 8*1>\", \"params\": {\"n_in\": \"N_LAYER_2\"}},\n"
        " {\"config\": \"config4\", \"input_t\": \"nnet::array<ap_fixed<7,1,AP_RND,AP_SAT>, 8*1>\", \"op\": \"dense\",\n"
        "  \"output_t\": \"nnet::array<ap_fixed<16,6>, 3*1>\", \"params\": {\"io_type\": \"nnet::io_stream\",\n"
        "  \"n_in\": \"N_LAYER_2\", \"n_out\": \"N_LAYER_4\", \"reuse_factor\": \"1\", \"strategy\": \"nnet::latency\"},\n"
        "  \"types\": {\"accum_t\": \"ap_fixed<16,6>\", \"bias_t\": \"ap_fixed<8,3>\", \"weight_t\": \"ap_fixed<8,3>\"}}\n"
        "]}\n";
    const char *path = "stream_array_sizes_network.json";
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs(js, f);
    fclose(f);
    rpt_net_hint none = {0, 0};
    rpt_net n;
    CHECK_MSG(rpt_netjson_read(path, NULL, &none, &n) == 0, "%s", snac_err_msg());
    CHECK_MSG(n.mlp && n.n_layers == 2, "%s", n.why);
    if (n.mlp && n.n_layers == 2) {
        CHECK_MSG(n.layer[0].n_in == 4 && n.layer[0].n_out == 8 && n.layer[1].n_in == 8 && n.layer[1].n_out == 3,
                  "sizes %zu-%zu, %zu-%zu", n.layer[0].n_in, n.layer[0].n_out, n.layer[1].n_in, n.layer[1].n_out);
        CHECK(strcmp(n.layer[0].output_t, "ap_fixed<7,1,AP_RND,AP_SAT>") == 0 && strcmp(n.io_type, "io_stream") == 0);
        CHECK_STR_CONTAINS(n.notes, "resolved to 4 x 8");
    }
    remove(path);
}

int main(void)
{
    TEST(multi_slr_utilization_should_read_the_summary_and_skip_slr_tables);
    TEST(export_reports_should_take_the_last_stage_of_both_layouts);
    TEST(firmware_and_network_json_should_agree_field_by_field);
    TEST(firmware_errors_should_name_the_file);
    TEST(stream_array_types_should_size_the_layers);
    TEST(firmware_typedefs_should_be_checked_naming_file_and_line);
    TEST(firmware_strategy_should_be_read_per_layer);
    TEST(project_should_merge_twins_and_take_the_firmware_over_a_stale_config);
    TEST(twin_merge_should_keep_the_first_reports_numbers);
    TEST(single_report_of_a_project_should_get_its_twins_and_firmware_spec);
    TEST(directory_should_land_what_parses_and_name_what_did_not);
    TEST(wrapper_top_should_be_the_synthesis_and_recorded);
    TEST(spec_should_attach_to_a_present_row);
    TEST(impossible_values_should_be_refused_naming_the_capacity);
    TEST(validate_should_list_skipped_rows_with_reasons);
    TEST(any_toolchain_spelling_should_map_through_one_table);
    TEST(part_table_should_resolve_any_package_and_leave_unknown_parts_absolute);
    TEST(reuse_factors_should_follow_hls4mls_rule);
    TEST(spec_should_load_real_weights_from_an_hls4ml_folder_or_a_file);
    return check_report();
}
