/* test_calib_yosys — the yosys-0.23 calibration file (benchmarks/calib_yosys.c):
 * lines become per-layer terms and targets, write and parse round-trip, every
 * malformed input is refused naming its line, the committed file covers the
 * grid issue 26 asks for, and the fit recovers a known structural law with the
 * Yosys version recorded.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "calib_yosys.h"
#include "check.h"
#include "surrogate/surr_calib.h"
#include "util/err.h"

#define HEAD "model,arch,activation,bits,sparsity,yosys,part,clock_ns,lut,ff,dsp,bram18,uram,latency,ii,layer,n_in," \
             "n_out,act,a_w,w_w,acc_w,out_w,nonzero,general,csd_add_bits,acc_add_bits,out_bits,levels,table_units\n"
#define M1 "s:1,24-8-5,tanh,6,0.5,0.23,xcvu13p-flga2577-2-e,5,1200,80,0,0,0,2,1,"
#define M2 "s:2,24-8-8-5,relu,4,0.25,0.23,xcvu13p-flga2577-2-e,5,900,70,0,0,0,3,1,"
static const char good[] = "# a comment\n" HEAD
                           M1 "0,24,8,tanh,12,6,24,6,96,80,1500,1800,48,5,2.25\n"
                           M1 "1,8,5,linear,6,6,17,16,20,18,300,350,70,3,0\n"
                           M2 "0,24,8,relu,12,4,22,4,144,100,1100,2000,32,6,0\n"
                           M2 "1,8,8,relu,4,4,12,4,48,30,200,300,31,4,0\n"
                           M2 "2,8,5,linear,4,4,12,16,30,20,150,200,75,3,0\n";

static void parse_should_read_layers_and_targets(void)
{
    calib_yosys_row *r = NULL;
    size_t n = 0;
    CHECK_MSG(calib_yosys_parse(good, "good", &r, &n) == SNAC_OK, "%s", snac_err_msg());
    CHECK(n == 2);
    if (n != 2) {
        free(r);
        return;
    }
    CHECK(strcmp(r[0].s.id, "s:1") == 0 && strcmp(r[1].arch, "24-8-8-5") == 0);
    CHECK(r[0].s.x.n_layers == 2 && r[1].s.x.n_layers == 3);
    CHECK(r[0].s.group == 0 && r[1].s.group == 1);
    CHECK(r[0].bits == 6 && r[1].bits == 4 && strcmp(r[0].activation, "tanh") == 0);
    CHECK_NEAR(r[0].sparsity, 0.5, 0);
    CHECK_NEAR(r[0].s.y[SURR_T_LUT], 1200, 0);
    CHECK_NEAR(r[1].s.y[SURR_T_FF], 70, 0);
    CHECK_NEAR(r[1].s.y[SURR_T_LATENCY_CYCLES], 3, 0);
    CHECK_NEAR(r[1].s.y[SURR_T_II], 1, 0);
    const surr_layer_terms *L = &r[1].s.x.layer[1];
    CHECK(L->act == SURR_ACT_RELU && L->a_w == 4 && L->w_w == 4 && L->acc_w == 12 && L->out_w == 4 && L->levels == 4);
    CHECK_NEAR(L->nonzero, 48, 0);
    CHECK_NEAR(L->general, 30, 0);
    CHECK_NEAR(L->csd_add_bits, 200, 0);
    CHECK_NEAR(L->acc_add_bits, 300, 0);
    CHECK_NEAR(L->out_bits, 31, 0);
    CHECK_NEAR(L->stored_bits, 48 * 4, 0);
    CHECK_NEAR(L->rf, 1, 0);
    CHECK(r[0].s.x.layer[1].act == SURR_ACT_LINEAR);
    CHECK_NEAR(r[0].s.x.layer[0].table_units, 2.25, 0);
    CHECK_NEAR(r[0].s.x.f[SURR_F_CLOCK_NS], 5, 0);
    CHECK_NEAR(r[0].s.x.f[SURR_F_DELAY_SCALE], 0.35 * 0.87, 1e-12); /* UltraScale+ -2 */
    CHECK_NEAR(r[1].s.x.f[SURR_F_MACS], 24 * 8 + 64 + 40, 0);
    char v[64];
    calib_yosys_versions(r, n, v, sizeof v);
    CHECK(strcmp(v, "0.23") == 0);
    free(r);
}

static void write_then_parse_should_give_the_same_rows(void)
{
    calib_yosys_row *r = NULL, *r2 = NULL;
    size_t n = 0, n2 = 0;
    CHECK(calib_yosys_parse(good, "good", &r, &n) == SNAC_OK);
    char *t1 = NULL, *t2 = NULL;
    size_t l1 = 0, l2 = 0;
    FILE *f = open_memstream(&t1, &l1);
    CHECK(f && calib_yosys_write(f, "header line", r, n) == SNAC_OK);
    fclose(f);
    CHECK_STR_CONTAINS(t1, "# header line\nmodel,arch,");
    CHECK_MSG(calib_yosys_parse(t1, "written", &r2, &n2) == SNAC_OK, "%s", snac_err_msg());
    CHECK(n2 == n);
    for (size_t i = 0; i < n && i < n2; i++) {
        CHECK(memcmp(&r[i].s.x.layer, &r2[i].s.x.layer, sizeof r[i].s.x.layer) == 0);
        CHECK(memcmp(r[i].s.y, r2[i].s.y, sizeof r[i].s.y) == 0);
        CHECK(memcmp(r[i].s.x.f, r2[i].s.x.f, sizeof r[i].s.x.f) == 0);
        CHECK(strcmp(r[i].part, r2[i].part) == 0 && r[i].bits == r2[i].bits && r[i].sparsity == r2[i].sparsity);
    }
    f = open_memstream(&t2, &l2);
    CHECK(f && calib_yosys_write(f, "header line", r2, n2) == SNAC_OK);
    fclose(f);
    CHECK(l1 == l2 && memcmp(t1, t2, l1) == 0); /* byte for byte */
    free(t1);
    free(t2);
    free(r);
    free(r2);
}

static void expect_refused(const char *text, const char *needle)
{
    calib_yosys_row *r = NULL;
    size_t n = 0;
    int rc = calib_yosys_parse(text, "bad.csv", &r, &n);
    CHECK_MSG(rc == SNAC_EFORMAT, "accepted, should say '%s'", needle);
    if (rc == SNAC_EFORMAT)
        CHECK_STR_CONTAINS(snac_err_msg(), needle);
    CHECK(r == NULL && n == 0);
    snac_err_clear();
}

static void parse_should_refuse_malformed_lines_by_name(void)
{
    expect_refused("", "no header line");
    expect_refused(HEAD, "no models");
    expect_refused("model,arch\n", "the header has no column 'activation'");
    expect_refused(HEAD M1 "0,24,8,tanh,12,6,24,6,96,80,1500,1800,48\n", "line 2: 28 fields, the header has 30");
    expect_refused(HEAD M1 "0,24,8,swish,12,6,24,6,96,80,1500,1800,48,5,2.25\n", "line 2, column act: not an activation");
    expect_refused(HEAD M1 "0,24,8,tanh,12,6,24,6,96,80,1500,1800,48,5,2.25\n" M1 "2,8,5,linear,6,6,17,16,20,18,300,350,70,3,0\n",
                   "line 3, column layer: not the next layer index");
    expect_refused(HEAD M1 "0,24,8,tanh,12,6,24,6,96,80,1500,1800,48,5,2.25\n"
                   "s:1,24-8-5,tanh,6,0.5,0.23,xcvu13p-flga2577-2-e,5,1201,80,0,0,0,2,1,1,8,5,linear,6,6,17,16,20,18,300,350,70,3,0\n",
                   "line 3, column lut: differs from the model's first line");
    expect_refused(HEAD M1 "0,24,8,tanh,12,6,24,6,96,80,1500,1800,48,5,2.25\n" M2 "0,24,8,relu,12,4,22,4,144,100,1100,2000,32,6,0\n"
                   M1 "1,8,5,linear,6,6,17,16,20,18,300,350,70,3,0\n",
                   "line 4, column model: a model whose lines are not consecutive");
    expect_refused(HEAD M1 "0,24,8,tanh,12,6,24,6,96,80,1500,1800,48,5,2.25\n", "model s:1: arch 24-8-5, its layers say 24-8");
    expect_refused(HEAD M1 "0,24,8,tanh,12,6,24,6,500,80,1500,1800,48,5,2.25\n", "layer 0: inconsistent counts");
    expect_refused(HEAD "s:1,24-8-5,tanh,6,1.5,0.23,x,5,1200,80,0,0,0,2,1,0,24,8,tanh,12,6,24,6,96,80,1500,1800,48,5,2.25\n",
                   "column sparsity: not a fraction");
    expect_refused(HEAD "s:1,24-8-5,tanh,6,0.5,0.23,x,5,-3,80,0,0,0,2,1,0,24,8,tanh,12,6,24,6,96,80,1500,1800,48,5,2.25\n",
                   "column lut: not a count >= 0");
    expect_refused(HEAD "s:1,24-8-5,tanh,40,0.5,0.23,x,5,3,80,0,0,0,2,1,0,24,8,tanh,12,6,24,6,96,80,1500,1800,48,5,2.25\n",
                   "column bits: not a bit width 1..32");
    calib_yosys_row *r = NULL;
    size_t n = 0;
    CHECK(calib_yosys_read("/nonexistent/yosys_results.csv", &r, &n) == SNAC_EIO);
    snac_err_clear();
}

/* The committed file: issue 26's grid (1-4 hidden layers, 4/6/8 bits, three activations,
 * sparsity 0-90%), 45 models over 25 architectures (the issue hoped for 100+; README says why
 * not), one Yosys version. */
static void committed_results_should_cover_the_issue_grid(void)
{
    const char *fx = getenv("SNAC_FIXTURES");
    char path[1024];
    snprintf(path, sizeof path, "%s/../../surrogate/calibration/yosys_results.csv", fx ? fx : "tests/fixtures");
    calib_yosys_row *r = NULL;
    size_t n = 0;
    CHECK_MSG(calib_yosys_read(path, &r, &n) == SNAC_OK, "%s", snac_err_msg());
    int groups = 0;
    bool bits[9] = {false}, depth[6] = {false}, act[3] = {false};
    double smin = 1, smax = 0;
    for (size_t i = 0; i < n; i++) {
        groups = r[i].s.group + 1 > groups ? r[i].s.group + 1 : groups;
        if (r[i].bits < 9)
            bits[r[i].bits] = true;
        if (r[i].s.x.n_layers < 6)
            depth[r[i].s.x.n_layers] = true;
        act[0] |= strcmp(r[i].activation, "relu") == 0;
        act[1] |= strcmp(r[i].activation, "tanh") == 0;
        act[2] |= strcmp(r[i].activation, "sigmoid") == 0;
        smin = fmin(smin, r[i].sparsity);
        smax = fmax(smax, r[i].sparsity);
        CHECK(r[i].s.y[SURR_T_LUT] > 0 && r[i].s.y[SURR_T_FF] > 0);
        CHECK_NEAR(r[i].s.y[SURR_T_LATENCY_CYCLES], (double)r[i].s.x.n_layers, 0); /* one stage per layer */
    }
    CHECK_MSG(n == 45, "%zu models", n);
    CHECK_MSG(groups == 25, "%d architectures", groups);
    CHECK(bits[4] && bits[6] && bits[8]);
    CHECK(depth[2] && depth[3] && depth[4] && depth[5]); /* 1-4 hidden layers + the output */
    CHECK(act[0] && act[1] && act[2]);
    CHECK(smin == 0 && smax >= 0.85);
    char v[64];
    calib_yosys_versions(r, n, v, sizeof v);
    CHECK(strcmp(v, "0.23") == 0);
    free(r);
}

/* Rows made from a known law: LUT = 0.7 csd_add_bits + 0.4 acc_add_bits, FF = out_bits, one
 * cycle per layer, no DSP/BRAM. The fit finds it, records the Yosys version and keeps the
 * 16-bit CSD products in fabric. */
static void fit_should_recover_a_known_law(void)
{
    enum { N = 24 };
    calib_yosys_row *r = calloc(N, sizeof *r);
    for (size_t i = 0; i < N; i++) {
        surr_features *x = &r[i].s.x;
        x->n_layers = 2 + i % 3;
        x->f[SURR_F_CLOCK_NS] = 5;
        x->f[SURR_F_DELAY_SCALE] = 0.3;
        x->f[SURR_F_RF_MAX] = 1;
        double lut = 0, ff = 0;
        for (size_t l = 0; l < x->n_layers; l++) {
            surr_layer_terms *L = &x->layer[l];
            L->n_in = 8 + 4.0 * (double)((i + l) % 5);
            L->n_out = 4 + 2.0 * (double)((i * 3 + l) % 7);
            L->rf = 1;
            L->a_w = L->w_w = 16; /* 32 product bits: still CSD in snac's RTL */
            L->acc_w = 20;
            L->out_w = 8;
            L->nonzero = L->n_in * L->n_out / 2;
            L->general = L->nonzero * 0.8;
            L->csd_add_bits = 40.0 * L->general + 13.0 * (double)(i % 4);
            L->acc_add_bits = 18.0 * L->nonzero + 7.0 * (double)((i + 2 * l) % 5);
            L->out_bits = L->n_out * 8 - (double)(i % 3);
            L->levels = 3;
            L->act = l + 1 < x->n_layers ? SURR_ACT_RELU : SURR_ACT_LINEAR;
            lut += 0.7 * L->csd_add_bits + 0.4 * L->acc_add_bits;
            ff += L->out_bits;
        }
        r[i].s.y[SURR_T_LUT] = lut;
        r[i].s.y[SURR_T_FF] = ff;
        r[i].s.y[SURR_T_LATENCY_CYCLES] = (double)x->n_layers;
        r[i].s.y[SURR_T_II] = 1;
        r[i].s.weight = 1;
        r[i].s.group = (int)(i / 2);
        snprintf(r[i].yosys, sizeof r[i].yosys, "%s", i == 5 ? "0.40" : "0.23");
        snprintf(r[i].part, sizeof r[i].part, "xcvu13p-flga2577-2-e");
    }
    surr_version v;
    surr_fit_report rep;
    CHECK_MSG(calib_yosys_fit(r, N, -1, true, &v, &rep) == SNAC_OK, "%s", snac_err_msg());
    CHECK(v.toolchain == SURR_TC_YOSYS_0_23);
    CHECK(strcmp(v.tool_versions, "0.23,0.40") == 0);
    CHECK(v.t[SURR_T_LUT].dsp_min_bits == CALIB_YOSYS_DSP_MIN_BITS && CALIB_YOSYS_DSP_MIN_BITS == 33);
    double worst[SURR_T_COUNT] = {0};
    for (size_t i = 0; i < N; i++) {
        surr_prediction p;
        surr_predict(&v, &r[i].s.x, surr_part_lookup(r[i].part), &p);
        for (int t = 0; t < SURR_T_COUNT; t++)
            if (r[i].s.y[t] > 0)
                worst[t] = fmax(worst[t], fabs(p.y[t] / r[i].s.y[t] - 1));
        CHECK(p.y[SURR_T_DSP] == 0);
    }
    CHECK_MSG(worst[SURR_T_LUT] < 1e-6, "LUT %.3g", worst[SURR_T_LUT]);
    CHECK_MSG(worst[SURR_T_FF] < 1e-6, "FF %.3g", worst[SURR_T_FF]);
    CHECK_MSG(worst[SURR_T_LATENCY_CYCLES] < 1e-6, "latency %.3g", worst[SURR_T_LATENCY_CYCLES]);
    CHECK_NEAR(v.t[SURR_T_LUT].coef[SURR_B_FABRIC_BITS], 0.7, 1e-6);
    CHECK_NEAR(v.t[SURR_T_LUT].coef[SURR_B_TREE_BITS], 0.4, 1e-6);
    /* leaving architecture 0 out changes nothing: the law is exact */
    surr_version v2;
    CHECK(calib_yosys_fit(r, N, 0, false, &v2, &rep) == SNAC_OK);
    CHECK_NEAR(v2.t[SURR_T_LUT].coef[SURR_B_FABRIC_BITS], 0.7, 1e-6);
    surr_version_clear(&v);
    surr_version_clear(&v2);
    free(r);
}

int main(void)
{
    gsl_set_error_handler_off();
    TEST(parse_should_read_layers_and_targets);
    TEST(write_then_parse_should_give_the_same_rows);
    TEST(parse_should_refuse_malformed_lines_by_name);
    TEST(committed_results_should_cover_the_issue_grid);
    TEST(fit_should_recover_a_known_law);
    return check_report();
}
