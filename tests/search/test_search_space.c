/* search: the global-search space and config — genome <-> architecture (the depth gene
 * gates widths, the baseline is representable), the YAML sections and their errors,
 * objective and constraint wiring, per-trial seeds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "search/genome.h"
#include "search/search_config.h"
#include "search/search_eval.h"
#include "search/search_space.h"
#include "util/err.h"

static void table1_should_have_one_depth_gene_eight_widths_and_five_hyperparameters(void)
{
    search_space sp;
    search_space_init_table1(&sp);
    CHECK(search_space_check(&sp) == 0);
    CHECK(search_space_n_positions(&sp) == 8);
    CHECK(search_space_n_genes(&sp) == 14);
    nsga2_gene g[SEARCH_MAX_GENES];
    search_space_genes(&sp, g);
    nsga2_space ns = {14, g};
    CHECK(nsga2_space_check(&ns) == 0);
    CHECK(g[0].n_choices == 5 && !g[0].gated);
    /* every network has >= 4 layers: widths 1-4 always active; width k >= 5 needs depth >= k */
    for (size_t k = 1; k <= 4; k++)
        CHECK(!g[k].gated);
    for (size_t k = 5; k <= 8; k++) {
        CHECK(g[k].gated && g[k].gate == 0);
        CHECK(sp.depths[g[k].gate_min] == k);
    }
    CHECK(g[1].n_choices == 3 && g[3].n_choices == 2 && g[8].n_choices == 3);
    CHECK(g[9].n_choices == 3 && g[10].n_choices == 2 && g[11].n_choices == 3 && g[12].n_choices == 4 &&
          g[13].n_choices == 3);
}

static void depth_gene_should_gate_widths_so_inactive_widths_do_not_change_the_architecture(void)
{
    search_space sp;
    search_space_init_table1(&sp);
    nsga2_gene genes[SEARCH_MAX_GENES];
    search_space_genes(&sp, genes);
    nsga2_space ns = {14, genes};
    double a[14] = {0, 1, 2, 1, 0, 1, 1, 0, 2, 1, 0, 2, 3, 1}; /* depth index 0 = 4 layers */
    double b[14];
    memcpy(b, a, sizeof a);
    b[6] = 0; /* width of layer 6: inactive at depth 4 */
    b[8] = 1;
    nn_arch x, y;
    search_hparams hx, hy;
    search_space_decode(&sp, a, 24, 5, &x, &hx);
    search_space_decode(&sp, b, 24, 5, &y, &hy);
    CHECK(x.n_hidden == 4 && x.hidden[0] == 120 && x.hidden[1] == 64 && x.hidden[2] == 32 && x.hidden[3] == 32);
    CHECK(x.act == NN_ACT_TANH && x.batch_norm && fabs(x.dropout - 0.05f) < 1e-7);
    CHECK(hx.learning_rate == 0.0020 && hx.l1 == 1e-4);
    CHECK(memcmp(&x, &y, sizeof x) == 0);
    CHECK(nsga2_genome_same(&ns, a, b));
    CHECK(nsga2_genome_hash(&ns, a) == nsga2_genome_hash(&ns, b));
    /* at depth 8 the same change is a different architecture */
    a[0] = b[0] = 4;
    search_space_decode(&sp, a, 24, 5, &x, &hx);
    search_space_decode(&sp, b, 24, 5, &y, &hy);
    CHECK(x.n_hidden == 8 && x.hidden[7] == 64 && y.hidden[7] == 44);
    CHECK(!nsga2_genome_same(&ns, a, b));
}

static void baseline_should_be_representable_and_round_trip(void)
{
    search_config c;
    search_config_init(&c);
    CHECK(c.n_seeds == 1);
    double g[SEARCH_MAX_GENES];
    CHECK(search_space_encode(&c.space, &c.seed_arch[0], &c.seed_hp[0], g) == 0);
    nn_arch a;
    search_hparams hp;
    search_space_decode(&c.space, g, 24, 5, &a, &hp);
    const size_t w[8] = {120, 60, 32, 64, 64, 64, 32, 44};
    CHECK(a.n_hidden == 8 && memcmp(a.hidden, w, sizeof w) == 0);
    CHECK(a.act == NN_ACT_RELU && a.batch_norm && a.dropout == 0.0f);
    CHECK(hp.learning_rate == 0.0015 && hp.l1 == 1e-5); /* 1.3e-3 and 1.31e-5 snap to the nearest choices */
    CHECK(nn_arch_macs(&a) == 25916);                  /* the paper's BOPs of the baseline */
    char text[128];
    search_genome_format(g, 14, text, sizeof text);
    CHECK(strcmp(text, "4,1,1,1,1,1,1,1,1,0,0,1,2,0") == 0);
    /* not representable: a width outside Table 1, a depth outside {4..8} */
    nn_arch bad = a;
    bad.hidden[0] = 100;
    CHECK(search_space_encode(&c.space, &bad, &hp, g) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "width 100 of hidden layer 1");
    bad = a;
    bad.n_hidden = 3;
    CHECK(search_space_encode(&c.space, &bad, &hp, g) == SNAC_EINVAL);
}

static const char yaml_ok[] = "model: {hidden: [8]}\n"
                              "search:\n"
                              "  trials: 40\n"
                              "  population: 8\n"
                              "  epochs: 2\n"
                              "  seed: 99\n"
                              "  objectives: [accuracy, bops_mac]\n"
                              "  constraints: {dsp: 1000, latency_cycles: {max: 30}, accuracy: {min: 0.5}}\n"
                              "  seed_architectures:\n"
                              "    - {hidden: [16, 8], activation: tanh, batch_norm: false, learning_rate: 0.01}\n"
                              "search_space:\n"
                              "  layers: [1, 2]\n"
                              "  widths: [[8, 16], [4, 8]]\n"
                              "  activation: [relu, tanh]\n"
                              "  batch_norm: [false]\n"
                              "  learning_rate: [0.01]\n"
                              "deploy:\n"
                              "  weight: ap_fixed<6,1>\n"
                              "  reuse_factor: 2\n"
                              "  clock_period: 4\n";

static void config_should_read_objectives_constraints_space_and_deploy(void)
{
    search_config c;
    CHECK(search_config_parse(yaml_ok, sizeof yaml_ok - 1, "ok.yaml", &c) == 0);
    CHECK(c.trials == 40 && c.population == 8 && c.epochs == 2 && c.seed == 99);
    CHECK(search_config_generations(&c) == 5);
    CHECK(c.n_obj == 2 && c.obj[0] == SEARCH_M_ACCURACY && c.obj[1] == SEARCH_M_BOPS_MAC);
    CHECK(c.n_cons == 3);
    CHECK(c.cons[0].metric == SEARCH_M_DSP && c.cons[0].max == 1000 && isinf(c.cons[0].min));
    CHECK(c.cons[1].metric == SEARCH_M_LATENCY_CYCLES && c.cons[1].max == 30);
    CHECK(c.cons[2].metric == SEARCH_M_ACCURACY && c.cons[2].min == 0.5 && isinf(c.cons[2].max));
    CHECK(c.space.n_depths == 2 && c.space.n_widths[1] == 2 && c.space.widths[1][1] == 8);
    CHECK(c.space.n_acts == 2 && c.space.acts[1] == NN_ACT_TANH && c.space.n_bn == 1 && !c.space.bn[0]);
    CHECK(c.space.n_l1 == 4); /* not given: Table 1 */
    CHECK(c.n_seeds == 1 && c.seed_arch[0].n_hidden == 2 && c.seed_arch[0].act == NN_ACT_TANH);
    CHECK(c.deploy.weight.width == 6 && c.deploy.weight.integer == 1 && c.deploy.bias.width == 8);
    CHECK(c.deploy.reuse_factor == 2 && c.deploy.clock_ns == 4);
    double g[SEARCH_MAX_GENES];
    CHECK(search_space_encode(&c.space, &c.seed_arch[0], &c.seed_hp[0], g) == 0);

    /* no search sections at all: the paper's defaults */
    const char none[] = "model: {hidden: [8]}\n";
    CHECK(search_config_parse(none, sizeof none - 1, "none.yaml", &c) == 0);
    CHECK(c.trials == 500 && c.population == 20 && c.epochs == 5 && c.n_obj == 3);
    CHECK(c.obj[1] == SEARCH_M_AVG_RESOURCE_PCT && c.obj[2] == SEARCH_M_LATENCY_CYCLES);
    CHECK(c.deploy.weight.width == 8 && c.deploy.reuse_factor == 1 && c.deploy.clock_ns == 5);
}

static void expect_error(const char *yaml, const char *where, const char *what)
{
    search_config c;
    int rc = search_config_parse(yaml, strlen(yaml), "bad.yaml", &c);
    CHECK_MSG(rc == SNAC_EINVAL || rc == SNAC_ERANGE, "%s: rc %d", yaml, rc);
    CHECK_STR_CONTAINS(snac_err_msg(), where);
    CHECK_STR_CONTAINS(snac_err_msg(), what);
}

static void config_errors_should_name_file_line_and_column(void)
{
    expect_error("search:\n  objectives: [accuracy, luts]\n", "bad.yaml:2:26", "unknown metric 'luts'");
    expect_error("search:\n  objectives: [accuracy, accuracy]\n", "bad.yaml:2", "listed twice");
    expect_error("search:\n  constraints: {dsp: {}}\n", "bad.yaml:2", "at least one bound");
    expect_error("search:\n  population: 1\n", "bad.yaml:2", "population");
    expect_error("search:\n  budget: 3\n", "bad.yaml:2", "unknown key 'budget'");
    expect_error("search_space:\n  layers: [1, 3]\n  widths: [[8], [8]]\n", "bad.yaml:2", "layer 3 needs");
    expect_error("search_space:\n  layers: [2, 1]\n", "bad.yaml", "ascending");
    expect_error("search_space:\n  activation: [relu, swish]\n", "bad.yaml:2", "unknown activation 'swish'");
    expect_error("deploy:\n  weight: ap_fixed<4,9>\n", "bad.yaml:2:11", "deploy.weight");
    expect_error("deploy:\n  strategy: fastest\n", "bad.yaml:2", "strategy");
}

static void objectives_should_be_minimised_and_constraints_relative(void)
{
    search_config c;
    search_config_init(&c);
    c.n_obj = 5;
    c.obj[0] = SEARCH_M_ACCURACY;
    c.obj[1] = SEARCH_M_BOPS_MAC;
    c.obj[2] = SEARCH_M_AVG_RESOURCE_PCT;
    c.obj[3] = SEARCH_M_LATENCY_CYCLES;
    c.obj[4] = SEARCH_M_DSP_PCT;
    c.n_cons = 2;
    c.cons[0] = (search_constraint){SEARCH_M_DSP, -INFINITY, 1000};
    c.cons[1] = (search_constraint){SEARCH_M_ACCURACY, 0.6, INFINITY};
    surr_prediction p;
    memset(&p, 0, sizeof p);
    p.bops_mac = 25916;
    p.avg_resource_pct = 2.5;
    p.y[SURR_T_LATENCY_CYCLES] = 21;
    p.y[SURR_T_DSP] = 1500;
    p.pct[SURR_T_DSP] = 12.2;
    double f[SEARCH_MAX_OBJ], v;
    search_objectives(&c, 0.75, &p, f, &v);
    CHECK_NEAR(f[0], 0.25, 1e-15);
    CHECK(f[1] == 25916 && f[2] == 2.5 && f[3] == 21 && f[4] == 12.2);
    CHECK_NEAR(v, 0.5, 1e-15); /* DSP 1500 vs <= 1000 */
    search_objectives(&c, 0.45, &p, f, &v);
    CHECK_NEAR(v, 0.5 + 0.25, 1e-12); /* plus accuracy 0.45 vs >= 0.6 */
    p.y[SURR_T_DSP] = 900;
    search_objectives(&c, 0.9, &p, f, &v);
    CHECK(v == 0);
    search_objectives_failed(&c, f, &v);
    CHECK(f[0] == 1.0 && f[1] >= 1e29 && v > 0 && isfinite(f[1]));
    /* every metric has a name and a value */
    for (int m = 0; m < SEARCH_M_COUNT; m++)
        CHECK(search_metric_names[m] && isfinite(search_metric_value((enum search_metric)m, 0.5, &p)));
}

static void trial_seeds_should_depend_on_run_generation_and_row_only(void)
{
    CHECK(search_trial_seed(1, 2, 3) == search_trial_seed(1, 2, 3));
    CHECK(search_trial_seed(1, 2, 3) != search_trial_seed(1, 2, 4));
    CHECK(search_trial_seed(1, 2, 3) != search_trial_seed(1, 3, 3));
    CHECK(search_trial_seed(1, 2, 3) != search_trial_seed(2, 2, 3));
    CHECK(search_trial_seed(0, 0, 1) != search_trial_seed(0, 1, 0));
}

int main(void)
{
    TEST(table1_should_have_one_depth_gene_eight_widths_and_five_hyperparameters);
    TEST(depth_gene_should_gate_widths_so_inactive_widths_do_not_change_the_architecture);
    TEST(baseline_should_be_representable_and_round_trip);
    TEST(config_should_read_objectives_constraints_space_and_deploy);
    TEST(config_errors_should_name_file_line_and_column);
    TEST(objectives_should_be_minimised_and_constraints_relative);
    TEST(trial_seeds_should_depend_on_run_generation_and_row_only);
    return check_report();
}
