/* test_calib_projects — the calibration program's reader of hls4ml projects
 * (benchmarks/calib_projects.c: ingest's rpt_net readers) on small fixtures in the shared projects' layout
 * (tests/fixtures/surrogate/projects, README there): a network.json becomes a spec
 * (sizes, per-layer types through io_stream's nnet::array, n_zeros as sparsity,
 * RF, activations), the csynth report gives the numbers and the toolchain, and
 * projects that cannot be modelled are skipped with their reason. Also the
 * calibration set: sweeps without LUT/FF at RF > 1, one group per project.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "calib_projects.h"
#include "check.h"
#include "surrogate/surr_calib.h"
#include "util/err.h"

static void reader_should_build_specs_and_skip_what_it_cannot_model(void)
{
    const char *fx = getenv("SNAC_FIXTURES");
    char root[1024];
    snprintf(root, sizeof root, "%s/surrogate/projects", fx ? fx : "tests/fixtures");
    calib_project *p = NULL;
    size_t n = 0;
    CHECK_MSG(calib_projects_load(root, &p, &n) == SNAC_OK, "%s", snac_err_msg());
    static const char *const dirs[] = {"bad_precision", "cnn", "foreign_call", "mangled", "one_layer", "stream_mlp"};
    CHECK(n == 6);
    if (n != 6) {
        free(p);
        return;
    }
    for (size_t i = 0; i < n; i++) /* sorted by folder */
        CHECK_MSG(strcmp(p[i].dir, dirs[i]) == 0, "%zu: %s", i, p[i].dir);
    CHECK_STR_CONTAINS(p[0].skip, "'fixed<16,6,RND_HALF>'");
    CHECK_STR_CONTAINS(p[0].skip, "unknown rounding mode"); /* quant_prec_parse, through the spec reader */
    CHECK_STR_CONTAINS(p[1].skip, "not an MLP");            /* rpt_net: a conv call */
    const calib_project *q = &p[5];
    CHECK_MSG(q->skip[0] == '\0', "%s", q->skip);
    CHECK(strcmp(q->arch, "16-8-5") == 0);
    CHECK_STR_CONTAINS(q->note, "spec from network.json"); /* ingest's reader, not one of its own */
    CHECK(q->tc == SURR_TC_VIVADO_2020_1);
    CHECK_STR_CONTAINS(q->tool, "2020.1");
    const surr_features *x = &q->s.x;
    CHECK(x->n_layers == 2 && x->io_stream);
    CHECK(x->layer[0].n_in == 16 && x->layer[0].n_out == 8 && x->layer[1].n_out == 5);
    CHECK(x->layer[0].rf == 2 && x->layer[1].rf == 2);
    CHECK(x->layer[0].w_w == 8 && x->layer[0].a_w == 16);
    CHECK(x->layer[1].a_w == 10);      /* the ReLU's output type feeds the second layer */
    CHECK(x->layer[0].out_w == 10);    /* the layer's output is the activation's */
    CHECK(x->layer[0].act == SURR_ACT_RELU && x->layer[1].act == SURR_ACT_SOFTMAX);
    CHECK_NEAR(x->layer[0].nonzero, 96, 1e-9); /* 128 weights, n_zeros 32 */
    CHECK_NEAR(x->layer[1].nonzero, 40, 1e-9);
    CHECK(x->layer[0].acc_w == 16);    /* accum_t as written */
    /* the numbers of its report */
    CHECK(q->s.y[SURR_T_LUT] == 2532 && q->s.y[SURR_T_FF] == 7969 && q->s.y[SURR_T_DSP] == 73);
    CHECK(q->s.y[SURR_T_LATENCY_CYCLES] == 10 && q->s.y[SURR_T_II] == 8 && isnan(q->s.y[SURR_T_URAM]));

    /* each layer's own cycles from the .rpt's instance rows, tied to the layers by config struct:
     * the report's dense_array..._config2 (7) and relu..._relu_config3 (2) of a total of 10 */
    CHECK(p[4].skip[0] == '\0' && p[4].n_layer_latency == 1 && p[4].layer_latency[0] == 9);
    CHECK(p[4].s.y[SURR_T_LATENCY_CYCLES] == 10);
    /* a dense module whose name lost its config (older HLS mangles them) goes to the one layer left */
    CHECK(p[3].skip[0] == '\0' && p[3].n_layer_latency == 1 && p[3].layer_latency[0] == 9);
    /* an instance that is no call of the network, or a layer without its dense instance: no layer figures */
    CHECK(p[2].skip[0] == '\0' && p[2].n_layer_latency == 0);
    CHECK_STR_CONTAINS(p[2].layer_why, "entry_proc names no call of the network");
    CHECK(p[5].n_layer_latency == 0); /* the report is of a one-layer net: config4 has no instance */
    CHECK_STR_CONTAINS(p[5].layer_why, "for 1 layer(s)");

    /* the calibration set: the sweeps (no LUT/FF/latency at RF > 1, weight CALIB_SWEEP_WEIGHT), then the projects */
    surr_sample *s = NULL;
    enum surr_toolchain *tc = NULL;
    long *proj = NULL;
    size_t ns = 0, nb = 0;
    CHECK(calib_set_build(p, n, &s, &tc, &proj, &ns, &nb) == SNAC_OK);
    CHECK(ns == nb + 4 && proj[nb] == 2 && proj[nb + 3] == 5 && tc[nb + 3] == SURR_TC_VIVADO_2020_1);
    int gmax = -1;
    size_t rf1 = 0;
    for (size_t i = 0; i < nb; i++) {
        if (s[i].group > gmax)
            gmax = s[i].group;
        CHECK(tc[i] == SURR_TC_VIVADO_2019_1 && proj[i] == -1);
        if (s[i].x.f[SURR_F_RF_MAX] > 1)
            CHECK(isnan(s[i].y[SURR_T_LUT]) && isnan(s[i].y[SURR_T_FF]) && isnan(s[i].y[SURR_T_LATENCY_CYCLES]) &&
                  isfinite(s[i].y[SURR_T_DSP]));
        else
            rf1++;
    }
    CHECK(rf1 >= 1 && s[nb].group == gmax + 1 && s[nb + 3].group == gmax + 4);
    /* a family fit with that project left out does not see it */
    surr_version v;
    surr_fit_report rep;
    CHECK(calib_fit_family(s, tc, ns, SURR_TC_VIVADO_2020_1, s[nb + 3].group, false, &v, &rep) == SNAC_OK);
    CHECK(v.toolchain == SURR_TC_VIVADO_2020_1 && (v.t[SURR_T_DSP].flags & SURR_TM_FITTED));
    surr_version_clear(&v);
    free(s);
    free(tc);
    free(proj);
    free(p);
    /* a folder without a manifest is an error */
    CHECK(calib_projects_load("/nonexistent-snac-projects", &p, &n) != SNAC_OK);
}

/* Two families whose latency laws differ (2 and 6 cycles per dense layer) on the same real
 * features: a family's latency follows its own rows (the others weigh CALIB_FOREIGN_WEIGHT_LATENCY):
 * worst row 5.9% off; weighing the others CALIB_FOREIGN_WEIGHT (0.25) instead puts it 47% off. */
static void family_latency_should_follow_its_own_rows(void)
{
    surr_sample *s = NULL;
    size_t n = 0, rej = 0;
    CHECK(surr_calib_samples(&s, &n, &rej) == SNAC_OK && n > 20);
    enum surr_toolchain *tc = malloc(n * sizeof *tc);
    for (size_t i = 0; i < n; i++) {
        tc[i] = (i % 2) ? SURR_TC_VITIS_2023_2 : SURR_TC_VIVADO_2020_1;
        s[i].group = (int)i; /* one row each: the law, not the architectures, is under test */
        s[i].y[SURR_T_LATENCY_CYCLES] = (tc[i] == SURR_TC_VITIS_2023_2 ? 6.0 : 2.0) * (double)s[i].x.n_layers;
    }
    surr_version v;
    surr_fit_report rep;
    CHECK_MSG(calib_fit_family(s, tc, n, SURR_TC_VITIS_2023_2, -1, false, &v, &rep) == SNAC_OK, "%s", snac_err_msg());
    const surr_part *part;
    CHECK(surr_part_find("xcvu13p-flga2577-2-e", &part) == SNAC_OK);
    double worst = 0;
    for (size_t i = 1; i < n; i += 2) {
        surr_prediction pr;
        surr_predict(&v, &s[i].x, part, &pr);
        worst = fmax(worst, fabs(pr.y[SURR_T_LATENCY_CYCLES] / s[i].y[SURR_T_LATENCY_CYCLES] - 1));
    }
    CHECK_MSG(worst < 0.10, "worst relative latency error on the family's own rows %.4f", worst);
    surr_version_clear(&v);
    free(tc);
    free(s);
}

int main(void)
{
    gsl_set_error_handler_off();
    TEST(reader_should_build_specs_and_skip_what_it_cannot_model);
    TEST(family_latency_should_follow_its_own_rows);
    return check_report();
}
