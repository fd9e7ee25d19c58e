/* test_reports — every real report in tests/fixtures/validation/reports is read
 * with the exact numbers it contains (values read off the files by hand), the
 * hls4ml config is read, and each broken report fails naming the file and the
 * element or line. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util/err.h"
#include "util/fileio.h"
#include "validation/rpt_csynth_rpt.h"
#include "validation/rpt_csynth_xml.h"
#include "validation/rpt_hls4ml.h"
#include "validation/rpt_util.h"

static char path[4096];

static const char *fixture(const char *rel)
{
    const char *root = getenv("SNAC_FIXTURES");
    snprintf(path, sizeof path, "%s/validation/%s", root ? root : "tests/fixtures", rel);
    return path;
}

typedef int (*reader_fn)(const char *, size_t, const char *, rpt_result *);

static int read_with(reader_fn fn, const char *rel, rpt_result *r)
{
    char *buf;
    size_t len;
    const char *p = fixture(rel);
    int rc = snac_read_file(p, &buf, &len);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    if (rc)
        return rc;
    rc = fn(buf, len, p, r);
    free(buf);
    return rc;
}

#define EQ(a, b) CHECK_NEAR(a, b, 0)

static void csynth_xml_should_give_the_exact_vivado_hls_2020_1_numbers(void)
{
    rpt_result r;
    CHECK_MSG(read_with(rpt_csynth_xml_read, "reports/hls4ml_test_vivado_2020.1/myproject_csynth.xml", &r) == 0, "%s",
              snac_err_msg());
    CHECK(r.kind == RPT_KIND_CSYNTH_XML && r.toolchain == RPT_TC_VIVADO_HLS);
    CHECK(strcmp(r.tool_version, "2020.1") == 0);
    CHECK(strcmp(r.part, "xc7z020-clg400-1") == 0);
    EQ(r.clock_target_ns, 5.00);
    EQ(r.clock_estimated_ns, 4.049);
    EQ(r.latency_best, 10);
    EQ(r.latency_worst, 10);
    EQ(r.ii_min, 8);
    EQ(r.ii_max, 8);
    EQ(r.bram18, 0);
    EQ(r.dsp, 73);
    EQ(r.ff, 7969);
    EQ(r.lut, 2532);
    EQ(r.uram, 0);
    EQ(r.avail_bram18, 280);
    EQ(r.avail_dsp, 220);
    EQ(r.avail_ff, 106400);
    EQ(r.avail_lut, 53200);
    EQ(r.avail_uram, 0);
}

static void csynth_rpt_should_match_its_xml_twin(void)
{
    rpt_result r;
    CHECK_MSG(read_with(rpt_csynth_rpt_read, "reports/hls4ml_test_vivado_2020.1/myproject_csynth.rpt", &r) == 0, "%s",
              snac_err_msg());
    CHECK(r.kind == RPT_KIND_CSYNTH_RPT && r.toolchain == RPT_TC_VIVADO_HLS);
    CHECK(strcmp(r.tool_version, "2020.1") == 0);
    CHECK(strcmp(r.part, "xc7z020-clg400-1") == 0);
    EQ(r.clock_target_ns, 5.00);
    EQ(r.clock_estimated_ns, 4.049);
    EQ(r.latency_best, 10);
    EQ(r.latency_worst, 10);
    EQ(r.ii_min, 8);
    EQ(r.ii_max, 8);
    EQ(r.bram18, 0);
    EQ(r.dsp, 73);
    EQ(r.ff, 7969);
    EQ(r.lut, 2532);
    EQ(r.uram, 0);
    EQ(r.avail_bram18, 280);
    EQ(r.avail_dsp, 220);
    EQ(r.avail_ff, 106400);
    EQ(r.avail_lut, 53200);
    EQ(r.avail_uram, 0);
}

static void csynth_rpt_should_read_vitis_hls_with_dsp_column(void)
{
    rpt_result r;
    CHECK_MSG(read_with(rpt_csynth_rpt_read, "reports/nac_tutorial/myproject_csynth.rpt", &r) == 0, "%s",
              snac_err_msg());
    CHECK(r.toolchain == RPT_TC_VITIS_HLS);
    CHECK(strcmp(r.tool_version, "2020.1") == 0);
    CHECK(strcmp(r.part, "xc7z020-clg400-1") == 0);
    EQ(r.clock_target_ns, 5.00);
    EQ(r.clock_estimated_ns, 7.289);
    EQ(r.latency_best, 79);
    EQ(r.latency_worst, 79);
    EQ(r.ii_min, 32);
    EQ(r.ii_max, 32);
    EQ(r.bram18, 2);
    EQ(r.dsp, 96);
    EQ(r.ff, 9052);
    EQ(r.lut, 11935);
    EQ(r.uram, 0);
    EQ(r.avail_bram18, 280);
    EQ(r.avail_dsp, 220);
    EQ(r.avail_ff, 106400);
    EQ(r.avail_lut, 53200);
    EQ(r.avail_uram, 0);
}

static void csynth_rpt_instances_should_list_each_call_with_its_cycles(void)
{
    char *buf;
    size_t len, n = 99;
    rpt_instance in[8];
    const char *p = fixture("reports/nac_tutorial/myproject_csynth.rpt"); /* Vitis HLS 2020.1 */
    CHECK(snac_read_file(p, &buf, &len) == 0);
    CHECK_MSG(rpt_csynth_rpt_instances(buf, len, p, in, 8, &n) == 0, "%s", snac_err_msg());
    CHECK(n == 6); /* in report order; "0.277 us" and "29.156 ns" cells are not cycles */
    if (n == 6) {
        CHECK(strcmp(in[0].module, "dense_latency_ap_fixed_8_3_5_3_0_ap_fixed_23_13_5_3_0_config2_s") == 0);
        EQ(in[0].latency_worst, 38);
        EQ(in[0].ii_max, 32);
        CHECK(strcmp(in[1].module, "softmax_stable_ap_fixed_ap_fixed_8_3_5_3_0_softmax_config11_s") == 0);
        EQ(in[1].latency_worst, 25);
        EQ(in[1].ii_max, 5);
        EQ(in[2].latency_worst, 4);
        CHECK(strcmp(in[5].module, "relu_ap_fixed_19_9_5_3_0_ap_fixed_8_3_5_3_0_relu_config9_s") == 0);
        EQ(in[5].latency_worst, 1);
    }
    /* fewer slots than rows: the count is still the report's */
    CHECK(rpt_csynth_rpt_instances(buf, len, p, in, 2, &n) == 0 && n == 6);
    free(buf);

    p = fixture("reports/hls4ml_test_vivado_2020.1/myproject_csynth.rpt"); /* Vivado HLS 2020.1, dataflow */
    CHECK(snac_read_file(p, &buf, &len) == 0);
    CHECK(rpt_csynth_rpt_instances(buf, len, p, in, 8, &n) == 0 && n == 2);
    CHECK(strcmp(in[0].module, "dense_array_array_ap_fixed_16_6_5_3_0_5u_config2_s") == 0);
    EQ(in[0].latency_worst, 7);
    EQ(in[0].ii_max, 7);
    CHECK(strcmp(in[1].module, "relu_array_array_ap_fixed_5u_relu_config3_s") == 0);
    EQ(in[1].latency_worst, 2);
    /* a row whose cycles do not parse names its line */
    char *bad = strstr(buf, "|        2|        2| 10.000 ns");
    CHECK(bad != NULL);
    if (bad) {
        memcpy(bad + 9, "x", 1); /* "|        2|" -> "|       x2|" */
        CHECK(rpt_csynth_rpt_instances(buf, len, "r.rpt", in, 8, &n) == SNAC_EFORMAT);
        CHECK_STR_CONTAINS(snac_err_msg(), "r.rpt:");
        CHECK_STR_CONTAINS(snac_err_msg(), "relu_array_array_ap_fixed_5u_relu_config3_U0");
        snac_err_clear();
    }
    free(buf);
    /* a report without a latency detail lists none */
    const char *none = "== Vivado HLS Report for 'x'\n== Performance Estimates\n+ Latency:\n    * Summary:\n";
    CHECK(rpt_csynth_rpt_instances(none, strlen(none), "n.rpt", in, 8, &n) == 0 && n == 0);
}

static void utilization_should_read_slice_rows_and_double_bram_tiles(void)
{
    rpt_result r;
    CHECK_MSG(read_with(rpt_util_read, "reports/hls4ml_test_vivado_2020.1/vivado_synth.rpt", &r) == 0, "%s",
              snac_err_msg());
    CHECK(r.kind == RPT_KIND_UTILIZATION && r.toolchain == RPT_TC_VIVADO);
    CHECK(strcmp(r.tool_version, "2020.1") == 0);
    CHECK(strcmp(r.part, "7z020clg400-1") == 0);
    EQ(r.lut, 1526);
    EQ(r.avail_lut, 53200);
    EQ(r.ff, 2428);
    EQ(r.avail_ff, 106400);
    EQ(r.bram18, 0);
    EQ(r.avail_bram18, 280); /* 140 tiles */
    EQ(r.dsp, 66);
    EQ(r.avail_dsp, 220);
    CHECK(isnan(r.uram) && isnan(r.latency_best) && isnan(r.clock_target_ns));

    CHECK_MSG(read_with(rpt_util_read, "reports/nac_tutorial/vivado_synth.rpt", &r) == 0, "%s", snac_err_msg());
    EQ(r.lut, 5755);
    EQ(r.ff, 6526);
    EQ(r.bram18, 2); /* 1 Block RAM tile holding 2 RAMB18 */
    EQ(r.avail_bram18, 280);
    EQ(r.dsp, 94);
    EQ(r.avail_dsp, 220);
    CHECK_STR_CONTAINS(r.bram_note, "Block RAM Tile 1 (RAMB36/FIFO 0, RAMB18 2) x 2 = 2 BRAM18");
}

static void utilization_should_read_ultrascale_clb_names_and_prohibited_column(void)
{
    /* Layout of Vivado 2019.2+ on UltraScale+: CLB rows, a Prohibited column, URAM. */
    const char *s = "| Tool Version : Vivado v.2023.2 (lin64) Build 4029153\n"
                    "| Command      : report_utilization -file util.rpt\n"
                    "| Device       : xcvu13p-flga2577-2-e\n"
                    "+-------------+------+-------+------------+-----------+-------+\n"
                    "|  Site Type  | Used | Fixed | Prohibited | Available | Util% |\n"
                    "+-------------+------+-------+------------+-----------+-------+\n"
                    "| CLB LUTs*   | 155080 |   0 |          0 |   1728000 |  8.97 |\n"
                    "| CLB Registers | 25714 |  0 |          0 |   3456000 |  0.74 |\n"
                    "| Block RAM Tile | 4.5 |   0 |          0 |      2688 |  0.17 |\n"
                    "|   RAMB36/FIFO* |   4 |   0 |          0 |      2688 |  0.15 |\n"
                    "|   RAMB18       |   1 |   0 |          0 |      5376 |  0.02 |\n"
                    "| URAM           |   3 |   0 |          0 |      1280 |  0.23 |\n"
                    "| DSPs           | 262 |   0 |          0 |     12288 |  2.13 |\n";
    rpt_result r;
    CHECK_MSG(rpt_util_read(s, strlen(s), "u.rpt", &r) == 0, "%s", snac_err_msg());
    CHECK(strcmp(r.tool_version, "2023.2") == 0);
    CHECK(strcmp(r.part, "xcvu13p-flga2577-2-e") == 0);
    EQ(r.lut, 155080);
    EQ(r.ff, 25714);
    EQ(r.bram18, 9); /* 4 RAMB36 + 1 RAMB18 = 4.5 tiles = 9 BRAM18 */
    EQ(r.avail_bram18, 5376);
    EQ(r.uram, 3);
    EQ(r.avail_uram, 1280);
    EQ(r.dsp, 262);
    EQ(r.avail_dsp, 12288);
}

static void hls4ml_config_should_give_precision_rf_strategy_io_part(void)
{
    char *buf;
    size_t len;
    const char *p = fixture("hls4ml_project/hls4ml_config.yml");
    CHECK(snac_read_file(p, &buf, &len) == 0);
    rpt_hls4ml_config c;
    CHECK_MSG(rpt_hls4ml_config_read(buf, len, p, &c) == 0, "%s", snac_err_msg());
    free(buf);
    CHECK(strcmp(c.project, "myproject") == 0);
    CHECK(strcmp(c.part, "xc7z020-clg400-1") == 0);
    EQ(c.clock_ns, 5);
    CHECK(strcmp(c.io_type, "io_stream") == 0);
    CHECK(strcmp(c.precision, "ap_fixed<16,6>") == 0);
    CHECK(c.reuse_factor == 1);
    CHECK(strcmp(c.strategy, "latency") == 0);
    const char *bad = "HLSConfig:\n  Model:\n    ReuseFactor: many\n";
    CHECK(rpt_hls4ml_config_read(bad, strlen(bad), "cfg.yml", &c) != 0);
    CHECK_STR_CONTAINS(snac_err_msg(), "cfg.yml:3");
}

static void bad_reports_should_fail_naming_file_and_element_or_line(void)
{
    static const struct { reader_fn fn; const char *rel, *msg; } cases[] = {
        {rpt_csynth_xml_read, "bad/truncated_csynth.xml", ":45: unexpected end of file"},
        {rpt_csynth_xml_read, "bad/missing_element_csynth.xml", "<SummaryOfOverallLatency/Worst-caseLatency>"},
        {rpt_csynth_xml_read, "bad/bad_number_csynth.xml", ":41: <LUT> is '25x32'"},
        {rpt_csynth_xml_read, "bad/not_xml_csynth.xml", ":1: text outside the root element"},
        {rpt_csynth_rpt_read, "bad/corrupt_csynth.rpt", ":65: Total FF is '79!9'"},
        {rpt_csynth_rpt_read, "bad/truncated_csynth.rpt", "missing the '== Utilization Estimates' section"},
        {rpt_util_read, "bad/missing_dsp_vivado_synth.rpt", "missing the 'DSPs' row"},
        {rpt_csynth_rpt_read, "bad/unknown_format.txt", "not a csynth report"},
        {rpt_util_read, "bad/unknown_format.txt", "not a Vivado utilization report"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rpt_result r;
        CHECK_MSG(read_with(cases[i].fn, cases[i].rel, &r) == SNAC_EFORMAT, "%s accepted", cases[i].rel);
        CHECK_STR_CONTAINS(snac_err_msg(), cases[i].rel);
        CHECK_STR_CONTAINS(snac_err_msg(), cases[i].msg);
    }
}

/* issue 24: the timing table's units: the real Vitis report above with its clock cells rewritten
 * in memory as "0.005 us" / "7289 ps" (HLS switches units): the same 5 ns and 7.289 ns */
static char *replace_once(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        return NULL;
    size_t n = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t pre = (size_t)(at - text);
    memcpy(out, text, pre);
    strcpy(out + pre, to);
    strcat(out, at + strlen(from));
    return out;
}

static void csynth_rpt_clock_units_should_be_scaled_to_ns(void)
{
    char *buf;
    size_t len;
    CHECK(snac_read_file(fixture("reports/nac_tutorial/myproject_csynth.rpt"), &buf, &len) == 0);
    char *a = replace_once(buf, "| 5.00 ns | 7.289 ns |", "| 0.005 us | 7289 ps |");
    CHECK(a != NULL);
    rpt_result r;
    if (a) {
        CHECK_MSG(rpt_csynth_rpt_read(a, strlen(a), "units.rpt", &r) == 0, "%s", snac_err_msg());
        EQ(r.clock_target_ns, 5.0);
        CHECK_NEAR(r.clock_estimated_ns, 7.289, 1e-12);
        EQ(r.latency_worst, 79); /* the rest as read from the file */
        EQ(r.lut, 11935);
    }
    char *b = replace_once(buf, "| 5.00 ns | 7.289 ns |", "| 5.00 ns | 0.007289 us |");
    if (b) {
        CHECK_MSG(rpt_csynth_rpt_read(b, strlen(b), "units2.rpt", &r) == 0, "%s", snac_err_msg());
        CHECK_NEAR(r.clock_estimated_ns, 7.289, 1e-12);
    }
    free(a);
    free(b);
    free(buf);
}

int main(void)
{
    TEST(csynth_xml_should_give_the_exact_vivado_hls_2020_1_numbers);
    TEST(csynth_rpt_should_match_its_xml_twin);
    TEST(csynth_rpt_should_read_vitis_hls_with_dsp_column);
    TEST(csynth_rpt_instances_should_list_each_call_with_its_cycles);
    TEST(csynth_rpt_clock_units_should_be_scaled_to_ns);
    TEST(utilization_should_read_slice_rows_and_double_bram_tiles);
    TEST(utilization_should_read_ultrascale_clb_names_and_prohibited_column);
    TEST(hls4ml_config_should_give_precision_rf_strategy_io_part);
    TEST(bad_reports_should_fail_naming_file_and_element_or_line);
    return check_report();
}
