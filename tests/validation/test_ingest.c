/* test_ingest — ingest into a real SQLite store: every report with its exact
 * numbers, re-ingest as a no-op, the sweep CSVs with their row and skip counts
 * (computed independently with Python's csv module, see PROVENANCE.md), an
 * hls4ml project, the spec JSON, and every bad file failing with its name and
 * element or line while leaving the database file byte-identical. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "store/db.h"
#include "util/err.h"
#include "util/fileio.h"
#include "validation/ingest.h"
#include "validation/ingest_spec.h"
#include "util/sha256.h"

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

static int ingest(snac_db *db, const char *rel, const ingest_opts *o, ingest_counts *c)
{
    static const ingest_opts none = INGEST_OPTS_INIT;
    return ingest_path(db, fixture(rel), o ? o : &none, c);
}

/* One number (or NaN for NULL / no row) from a query. */
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

#define EQ(a, b) CHECK_NEAR(a, b, 0)

static const char *const reports[] = {
    "reports/hls4ml_test_vivado_2020.1/myproject_csynth.xml", "reports/hls4ml_test_vivado_2020.1/myproject_csynth.rpt",
    "reports/hls4ml_test_vivado_2020.1/vivado_synth.rpt",     "reports/nac_tutorial/myproject_csynth.rpt",
    "reports/nac_tutorial/vivado_synth.rpt"};

static void ingest_should_store_every_report_with_exact_numbers(void)
{
    snac_db *db = fresh_db("test_ingest_reports.db");
    if (!db)
        return;
    ingest_counts c = {0};
    for (size_t i = 0; i < 5; i++)
        CHECK_MSG(ingest(db, reports[i], NULL, &c) == 0, "%s", snac_err_msg());
    /* hls4ml_test's csynth.xml and .rpt are one synthesis: one row keyed by the xml, the rpt
     * merged into it (each time either is named) */
    CHECK(c.ingested == 4 && c.present == 1 && c.merged == 2 && c.failed == 0 && c.skipped == 0);
    EQ(q_num(db, "SELECT count(*) FROM synthesis_results"), 4);

    /* Vivado HLS 2020.1 csynth.xml, every column. */
    const char *w = " FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'";
    char sql[512], s[256];
#define NUM(col, want)                                         \
    do {                                                       \
        snprintf(sql, sizeof sql, "SELECT %s%s", col, w);      \
        CHECK_MSG(q_num(db, sql) == (want), "%s %s", col, w);  \
    } while (0)
#define STR(col, want)                                         \
    do {                                                       \
        snprintf(sql, sizeof sql, "SELECT %s%s", col, w);      \
        q_str(db, sql, s, sizeof s);                           \
        CHECK_MSG(strcmp(s, want) == 0, "%s = '%s'", col, s);  \
    } while (0)
    STR("toolchain", "vivado_hls");
    STR("tool_version", "2020.1");
    STR("part", "xc7z020-clg400-1");
    NUM("clock_target_ns", 5.0);
    NUM("clock_estimated_ns", 4.049);
    NUM("latency_best", 10);
    NUM("latency_worst", 10);
    NUM("ii_min", 8);
    NUM("ii_max", 8);
    NUM("lut", 2532);
    NUM("ff", 7969);
    NUM("dsp", 73);
    NUM("bram18", 0);
    NUM("uram", 0);
    NUM("avail_lut", 53200);
    NUM("avail_ff", 106400);
    NUM("avail_dsp", 220);
    NUM("avail_bram18", 280);
    NUM("avail_uram", 0);
    NUM("source_row", 0);
    NUM("model_id IS NULL", 1);
    NUM("spec IS NULL", 1);
    STR("top_module", "myproject");
    snprintf(sql, sizeof sql, "SELECT merged_sources%s", w);
    q_str(db, sql, s, sizeof s);
    CHECK_STR_CONTAINS(s, "hls4ml_test_vivado_2020.1/myproject_csynth.rpt\t");
    /* provenance: the file's SHA-256 */
    char *buf;
    size_t len;
    char sha[SHA256_HEX_LEN];
    CHECK(snac_read_file(fixture(reports[0]), &buf, &len) == 0);
    sha256_hex(buf, len, sha);
    free(buf);
    STR("source_sha256", sha);
    snprintf(sql, sizeof sql, "SELECT source_path%s", w);
    q_str(db, sql, s, sizeof s);
    CHECK_STR_CONTAINS(s, "hls4ml_test_vivado_2020.1/myproject_csynth.xml");

    /* Vitis HLS text report and the two Vivado utilization reports. */
    w = " FROM synthesis_results WHERE toolchain = 'vitis_hls'";
    STR("source_kind", "hls_csynth_rpt");
    NUM("clock_estimated_ns", 7.289);
    NUM("latency_worst", 79);
    NUM("ii_max", 32);
    NUM("lut", 11935);
    NUM("ff", 9052);
    NUM("dsp", 96);
    NUM("bram18", 2);
    w = " FROM synthesis_results WHERE toolchain = 'vivado' AND source_path LIKE '%nac_tutorial%'";
    STR("part", "7z020clg400-1");
    NUM("lut", 5755);
    NUM("ff", 6526);
    NUM("dsp", 94);
    NUM("bram18", 2);
    NUM("avail_bram18", 280);
    NUM("latency_best IS NULL", 1);
    STR("bram_note", "Block RAM Tile 1 (RAMB36/FIFO 0, RAMB18 2) x 2 = 2 BRAM18; 1 RAMB36 tile = 2 BRAM18");
    w = " FROM synthesis_results WHERE toolchain = 'vivado' AND source_path LIKE '%hls4ml_test%'";
    NUM("lut", 1526);
    NUM("ff", 2428);
    NUM("dsp", 66);
    NUM("bram18", 0);

    /* Re-ingest: nothing new. */
    ingest_counts again = {0};
    for (size_t i = 0; i < 5; i++)
        CHECK(ingest(db, reports[i], NULL, &again) == 0);
    CHECK(again.ingested == 0 && again.present == 5 && again.failed == 0);
    EQ(q_num(db, "SELECT count(*) FROM synthesis_results"), 4);
    db_close(db);
}

static void sweeps_should_import_with_row_and_skip_counts(void)
{
    static const struct { const char *file; size_t ingested, skipped; } sweeps[] = {
        {"RF_stress_results_2layer_100x100.csv", 26, 161},
        {"RF_stress_results_KERAS_3layer.csv", 44, 20},
        {"RF_stress_results_KERAS_dense_16x100x100x100x100x100x5.csv", 23, 27},
        {"RF_stress_results_KERAS_dense_16x200x200x200x200x200x5.csv", 6, 29},
        {"RF_stress_results_KERAS_dense_16x500x500x500x500x500x5.csv", 2, 33},
        {"rf-exploration_reports_2layer_100x100.csv", 28, 22},
        {"rf-exploration_reports_KERAS_dense_16x200x200x200x200x200x5.csv", 48, 22},
        {"rf-exploration_reports_KERAS_dense_16x200x200x200x200x200x5.layer.csv", 8, 62},
        {"rf-exploration_reports_KERAS_dense_16x500x500x500x500x500x5.csv", 32, 38},
        {"rf-exploration_reports_KERAS_digit_recognizer_mlp.csv", 33, 21},
        {"stress_results.csv", 44, 0},
    };
    snac_db *db = fresh_db("test_ingest_sweeps.db");
    if (!db)
        return;
    ingest_opts o = INGEST_OPTS_INIT;
    o.csv = true;
    size_t total = 0;
    for (size_t i = 0; i < sizeof sweeps / sizeof sweeps[0]; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "rf_sweeps/%s", sweeps[i].file);
        ingest_counts c = {0};
        CHECK_MSG(ingest(db, rel, &o, &c) == 0, "%s", snac_err_msg());
        CHECK_MSG(c.ingested == sweeps[i].ingested && c.skipped == sweeps[i].skipped,
                  "%s: ingested %zu skipped %zu", sweeps[i].file, c.ingested, c.skipped);
        CHECK(c.repaired == (i == 0 ? 187u : 0u));
        total += c.ingested;
    }
    EQ(q_num(db, "SELECT count(*) FROM synthesis_results"), (double)total);

    char s[512];
    /* KERAS_3layer RF 4 (stress_results.csv line 5 and the RF_stress copy): the jet tagger. */
    q_str(db, "SELECT spec FROM synthesis_results WHERE source_path LIKE '%/stress_results.csv' AND reuse_factor = 4",
          s, sizeof s);
    CHECK_STR_CONTAINS(s, "{\"model_name\":\"KERAS_3layer\",\"layers\":[16,64,32,32,5],\"reuse_factor\":4,"
                          "\"precision\":\"ap_fixed<16,6>\",\"strategy\":\"latency\",\"io_type\":\"io_parallel\","
                          "\"assumed\":[\"precision\",\"strategy\",\"io_type\"]}");
    EQ(q_num(db, "SELECT lut FROM synthesis_results WHERE source_path LIKE '%/stress_results.csv' AND reuse_factor = 4"),
       168331);
    EQ(q_num(db, "SELECT source_row FROM synthesis_results WHERE source_path LIKE '%/stress_results.csv' AND "
                 "reuse_factor = 4"),
       2 * 5);
    /* rf-exploration 16x200 RF 16: an HLS row and a Vivado row from one CSV line. */
    const char *w16 = " FROM synthesis_results WHERE source_path LIKE '%16x200x200x200x200x200x5.csv' AND reuse_factor = 16";
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT count(*)%s", w16);
    EQ(q_num(db, sql), 2);
    snprintf(sql, sizeof sql, "SELECT lut + 1e6 * ff%s AND toolchain = 'vivado_hls'", w16);
    EQ(q_num(db, sql), 9734 + 1e6 * 12640);
    snprintf(sql, sizeof sql, "SELECT latency_best * 1000 + ii_max%s AND toolchain = 'vivado_hls'", w16);
    EQ(q_num(db, sql), 19 * 1000 + 16);
    snprintf(sql, sizeof sql, "SELECT lut + 1e6 * ff%s AND toolchain = 'vivado'", w16);
    EQ(q_num(db, sql), 48 + 1e6 * 36);
    snprintf(sql, sizeof sql, "SELECT clock_estimated_ns%s AND toolchain = 'vivado'", w16);
    EQ(q_num(db, sql), 1.607);
    snprintf(sql, sizeof sql, "SELECT tool_version%s AND toolchain = 'vivado'", w16);
    q_str(db, sql, s, sizeof s);
    CHECK(strcmp(s, "2018.2") == 0);
    /* The repaired 2layer file: RF 20 in the 18-column stress layout. */
    EQ(q_num(db, "SELECT lut FROM synthesis_results WHERE source_path LIKE '%RF_stress_results_2layer_100x100.csv' "
                 "AND reuse_factor = 20"),
       458339);
    EQ(q_num(db, "SELECT bram18 FROM synthesis_results WHERE source_path LIKE '%RF_stress_results_2layer_100x100.csv' "
                 "AND reuse_factor = 20"),
       724);
    /* digit recognizer: TargetResource* are the available resources. */
    EQ(q_num(db, "SELECT avail_lut FROM synthesis_results WHERE source_path LIKE '%digit_recognizer%' AND "
                 "reuse_factor = 14"),
       663360);

    ingest_counts again = {0};
    CHECK(ingest(db, "rf_sweeps/stress_results.csv", &o, &again) == 0);
    CHECK(again.ingested == 0 && again.present == 44 && again.skipped == 0);
    db_close(db);
}

static void hls4ml_project_should_store_both_reports_with_its_config(void)
{
    snac_db *db = fresh_db("test_ingest_project.db");
    if (!db)
        return;
    ingest_counts c = {0};
    CHECK_MSG(ingest(db, "hls4ml_project", NULL, &c) == 0, "%s", snac_err_msg());
    CHECK(c.ingested == 2 && c.failed == 0);
    EQ(q_num(db, "SELECT count(*) FROM synthesis_results WHERE io_type = 'io_stream' AND reuse_factor = 1 AND "
                 "strategy = 'latency' AND precision = 'ap_fixed<16,6>' AND part = 'xc7z020-clg400-1'"),
       2);
    EQ(q_num(db, "SELECT clock_target_ns FROM synthesis_results WHERE toolchain = 'vivado'"), 5);
    EQ(q_num(db, "SELECT lut FROM synthesis_results WHERE toolchain = 'vivado'"), 1526);
    EQ(q_num(db, "SELECT lut FROM synthesis_results WHERE toolchain = 'vivado_hls'"), 2532);
    CHECK(ingest(db, "hls4ml_project", NULL, &c) == 0);
    CHECK(c.ingested == 2 && c.present == 2);
    CHECK(ingest(db, "reports", NULL, &c) != 0); /* a directory without hls4ml_config.yml */
    CHECK_STR_CONTAINS(snac_err_msg(), "not an hls4ml project");
    CHECK_STR_CONTAINS(snac_err_msg(), "use -r");
    db_close(db);
}

/* Bytes of the database file after checkpointing the WAL into it. */
static char *snapshot(snac_db *db, size_t *len)
{
    char *buf = NULL;
    CHECK(sqlite3_exec(db_handle(db), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) == SQLITE_OK);
    CHECK(snac_read_file(db_path(db), &buf, len) == 0);
    return buf;
}

static void bad_files_should_fail_and_leave_the_db_byte_identical(void)
{
    static const struct { const char *rel, *msg; } cases[] = {
        {"bad/truncated_csynth.xml", ":45: unexpected end of file"},
        {"bad/not_xml_csynth.xml", ":1: text outside the root element"},
        {"bad/missing_element_csynth.xml", "missing element <SummaryOfOverallLatency/Worst-caseLatency>"},
        {"bad/bad_number_csynth.xml", ":41: <LUT> is '25x32'"},
        {"bad/corrupt_csynth.rpt", ":65: Total FF is '79!9'"},
        {"bad/truncated_csynth.rpt", "missing the '== Utilization Estimates' section"},
        {"bad/missing_dsp_vivado_synth.rpt", "missing the 'DSPs' row"},
        {"bad/corrupt_sweep.csv", ":6: column ResourceDsp is 'abc'"},
        {"bad/unknown_format.txt", "unknown report format"},
        {"bad/no_such_file.xml", "no such file"},
    };
    snac_db *db = fresh_db("test_ingest_bad.db");
    if (!db)
        return;
    ingest_counts c = {0};
    CHECK(ingest(db, reports[0], NULL, &c) == 0 && c.ingested == 1);
    size_t len0, len1;
    char *before = snapshot(db, &len0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t failed = c.failed;
        CHECK_MSG(ingest(db, cases[i].rel, NULL, &c) != 0, "%s accepted", cases[i].rel);
        CHECK(c.failed == failed + 1);
        CHECK_STR_CONTAINS(snac_err_msg(), cases[i].rel);
        CHECK_STR_CONTAINS(snac_err_msg(), cases[i].msg);
        char *after = snapshot(db, &len1);
        CHECK_MSG(before && after && len0 == len1 && memcmp(before, after, len0) == 0, "%s changed the database",
                  cases[i].rel);
        free(after);
    }
    /* A model that does not exist: refused before anything is written. */
    ingest_opts o = INGEST_OPTS_INIT;
    o.model_id = 42;
    CHECK(ingest(db, reports[1], &o, &c) == SNAC_ENOTFOUND);
    CHECK_STR_CONTAINS(snac_err_msg(), "model 42 does not exist");
    char *after = snapshot(db, &len1);
    CHECK(before && after && len0 == len1 && memcmp(before, after, len0) == 0);
    free(after);
    free(before);
    CHECK(c.ingested == 1 && c.failed == 11);
    db_close(db);
}

static void toolchain_override_and_spec_file_should_be_stored(void)
{
    snac_db *db = fresh_db("test_ingest_opts.db");
    if (!db)
        return;
    enum rpt_toolchain tc;
    char version[32];
    CHECK(ingest_toolchain_parse("quartus-21.1", &tc, version, sizeof version) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "unknown family 'quartus'");
    CHECK(ingest_toolchain_parse("vitis_hls-2023.2", &tc, version, sizeof version) == 0);
    CHECK(tc == RPT_TC_VITIS_HLS && strcmp(version, "2023.2") == 0);

    const char *spec_path = "test_ingest_spec.yaml";
    FILE *f = fopen(spec_path, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("layers: [16, 5]\nprecision: ap_fixed<16,6>\nreuse_factor: 1\nname: \"a \\\"quoted\\\" name\"\n", f);
    fclose(f);
    char *spec = NULL;
    CHECK_MSG(ingest_spec_load(spec_path, &spec) == 0, "%s", snac_err_msg());
    CHECK(spec && strcmp(spec, "{\"layers\":[16,5],\"precision\":\"ap_fixed<16,6>\",\"reuse_factor\":1,"
                               "\"name\":\"a \\\"quoted\\\" name\"}") == 0);
    ingest_opts o = INGEST_OPTS_INIT;
    o.toolchain = "vitis_hls-2023.2";
    o.spec_json = spec;
    ingest_counts c = {0};
    CHECK_MSG(ingest(db, reports[0], &o, &c) == 0, "%s", snac_err_msg());
    char s[512];
    q_str(db, "SELECT toolchain || ' ' || tool_version FROM synthesis_results", s, sizeof s);
    CHECK(strcmp(s, "vitis_hls 2023.2") == 0);
    q_str(db, "SELECT spec FROM synthesis_results", s, sizeof s);
    CHECK(spec && strcmp(s, spec) == 0);
    char sha[SHA256_HEX_LEN], got[SHA256_HEX_LEN + 1];
    if (spec)
        sha256_hex(spec, strlen(spec), sha);
    q_str(db, "SELECT spec_sha256 FROM synthesis_results", got, sizeof got);
    CHECK(spec && strcmp(got, sha) == 0);
    free(spec);
    remove(spec_path);
    db_close(db);
}

int main(void)
{
    TEST(ingest_should_store_every_report_with_exact_numbers);
    TEST(sweeps_should_import_with_row_and_skip_counts);
    TEST(hls4ml_project_should_store_both_reports_with_its_config);
    TEST(bad_files_should_fail_and_leave_the_db_byte_identical);
    TEST(toolchain_override_and_spec_file_should_be_stored);
    return check_report();
}
