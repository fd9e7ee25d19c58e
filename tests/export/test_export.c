/* test_export — `snac export` against the integer engine, bit for bit.
 *
 * Quantized models are built directly (as tests/quant/test_qengine.c does) with every
 * rounding and overflow mode in some layer, ReLU/tanh/sigmoid, unsigned activations,
 * result types narrower than the accumulator, saturating inputs, pruned weights; stored in a
 * temporary database and exported with --rtl. For each: the generated HLS project is
 * compiled with g++ against our ap_types header and its C simulation must equal the engine
 * on every vector (myproject_test exits non-zero otherwise); the RTL must pass
 * `verilator --lint-only -Wall`; with SNAC_TEST_RTL_SIM=1 (the `full` label) the RTL is also
 * simulated with Verilator and compared. The surrogate's yosys features count the same adder
 * bits as the RTL writer reports. Error paths: unknown id, float model, a foreign
 * output folder, bad options: an error, and nothing written.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "export/export_project.h"
#include "quant/qengine.h"
#include "surrogate/surr_features.h"
#include "surrogate/surr_spec_mlp.h"
#include "util/err.h"
#include "util/rng.h"

static quant_prec PP(const char *s)
{
    quant_prec p;
    if (quant_prec_parse(s, &p) != 0) {
        fprintf(stderr, "bad precision %s: %s\n", s, snac_err_msg());
        abort();
    }
    return p;
}

typedef struct layer_case {
    enum quant_act act;
    const char *wt, *b, *res, *out;
} layer_case;

static quant_model *make_model(const size_t *w, size_t n_layers, const char *input, const layer_case *lc,
                               snac_rng *rng)
{
    quant_model_shape s = {.n_layers = n_layers};
    for (size_t l = 0; l <= n_layers; l++)
        s.width[l] = w[l];
    for (size_t l = 0; l < n_layers; l++)
        s.act[l] = lc[l].act;
    quant_model *m;
    if (quant_model_new(&s, &m) != 0)
        abort();
    m->input = PP(input);
    const quant_prec *in = &m->input;
    for (size_t l = 0; l < n_layers; l++) {
        quant_layer *L = &m->layer[l];
        L->weight = PP(lc[l].wt);
        L->bias = PP(lc[l].b);
        L->accum = quant_accum_auto(in, &L->weight, &L->bias, L->n_in);
        L->result = lc[l].res ? PP(lc[l].res) : L->accum;
        L->output = PP(lc[l].out);
        for (size_t i = 0; i < L->n_in * L->n_out; i++) {
            int64_t lo = quant_code_min(&L->weight), hi = quant_code_max(&L->weight);
            L->w[i] = (int32_t)(lo + (int64_t)rng_below(rng, (uint64_t)(hi - lo + 1)));
            if (rng_uniform(rng) < 0.4 || L->w[i] == 0) {
                L->w[i] = 0;
                L->mask[i] = 0;
            } else {
                L->mask[i] = 1;
            }
        }
        for (size_t j = 0; j < L->n_out; j++) {
            int64_t lo = quant_code_min(&L->bias), hi = quant_code_max(&L->bias);
            L->b[j] = (int32_t)(lo + (int64_t)rng_below(rng, (uint64_t)(hi - lo + 1)));
        }
        in = &L->output;
    }
    if (quant_model_build_tables(m) != 0 || quant_model_validate(m) != 0) {
        fprintf(stderr, "model: %s\n", snac_err_msg());
        abort();
    }
    return m;
}

static int64_t store_model(snac_db *db, const quant_model *m, const char *name)
{
    int64_t id = 0;
    const char dummy = 0;
    db_model d = {.name = name, .arch_json = "{}", .weights = &dummy, .weights_len = 1};
    if (db_model_insert(db, &d, &id))
        abort();
    if (m) {
        void *blob;
        size_t len;
        if (quant_model_save(m, &blob, &len) || db_model_set_qmodel(db, id, blob, len))
            abort();
        free(blob);
    }
    return id;
}

/* Run `cd DIR && rest` (rest relative to DIR). */
static int sh(const char *dir, const char *rest)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd %s && %s", dir, rest);
    return system(cmd);
}

static bool exists(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0;
}

#define CSIM "g++ -std=c++11 -O1 -Wall -Wno-unknown-pragmas -Werror -I ap_types_snac -I firmware " \
             "-o csim myproject_test.cpp firmware/myproject.cpp && ./csim tb_data > csim.out"
#define LINT "cd rtl && verilator --lint-only -Wall -f files.f --top-module myproject"
#define RTLSIM "cd rtl && verilator --binary --timing -Wno-fatal -f files.f tb_myproject.v --top-module " \
               "tb_myproject -Mdir obj > vl.log 2>&1 && ./obj/Vtb_myproject > /dev/null && " \
               "cmp sim_results.txt tb_expected.txt"

static void export_should_match_the_engine_in_csim_and_rtl(snac_db *db, const char *tmp)
{
    snac_rng rng;
    rng_seed(&rng, 11);
    const size_t w[] = {12, 10, 8, 5};
    struct {
        const char *input;
        layer_case l[3];
        int stages;
        int csd;
    } cases[] = {
        /* hls4ml defaults: 8-bit weights, ReLU outputs unsigned, RND/SAT activations */
        {"ap_fixed<12,4,AP_RND,AP_SAT>",
         {{QUANT_ACT_RELU, "ap_fixed<8,1>", "ap_fixed<8,3>", NULL, "ap_ufixed<8,3,AP_RND,AP_SAT>"},
          {QUANT_ACT_RELU, "ap_fixed<8,1,AP_RND_CONV,AP_SAT>", "ap_fixed<8,3>", "ap_fixed<12,5,AP_RND_ZERO,AP_SAT>",
           "ap_ufixed<6,2,AP_RND_INF,AP_SAT_ZERO>"},
          {QUANT_ACT_LINEAR, "ap_fixed<8,1>", "ap_fixed<8,3>", NULL, "ap_fixed<16,6,AP_RND_MIN_INF,AP_SAT_SYM>"}},
         1, EXPORT_RTL_CSD_MAX_WIDTH},
        /* tanh with every rounding mode left over, wide weights as multipliers, 2 stages */
        {"ap_fixed<8,3,AP_TRN_ZERO,AP_SAT_SYM>",
         {{QUANT_ACT_TANH, "ap_fixed<6,1,AP_RND_CONV,AP_SAT_SYM>", "ap_fixed<6,2>", "ap_fixed<14,6,AP_RND_ZERO,AP_SAT>",
           "ap_fixed<8,1,AP_RND_INF,AP_SAT_ZERO>"},
          {QUANT_ACT_TANH, "ap_fixed<10,2>", "ap_fixed<10,4>", "ap_fixed<10,3,AP_TRN_ZERO,AP_WRAP>",
           "ap_fixed<8,1,AP_RND_CONV,AP_SAT>"},
          {QUANT_ACT_LINEAR, "ap_fixed<10,2>", "ap_fixed<10,4>", "ap_fixed<12,4,AP_RND,AP_WRAP>",
           "ap_fixed<10,4,AP_TRN,AP_SAT_ZERO>"}},
         2, 8},
        /* sigmoid, unsigned outputs, wrap-around results, 3 stages */
        {"ap_fixed<10,5,AP_TRN_ZERO,AP_SAT>",
         {{QUANT_ACT_SIGMOID, "ap_fixed<12,2>", "ap_fixed<12,4>", "ap_fixed<12,4,AP_RND_MIN_INF,AP_WRAP>",
           "ap_ufixed<8,0,AP_RND,AP_SAT>"},
          {QUANT_ACT_SIGMOID, "ap_fixed<4,2>", "ap_fixed<4,2>", "ap_fixed<7,3,AP_TRN,AP_WRAP>",
           "ap_ufixed<6,0,AP_TRN,AP_WRAP>"},
          {QUANT_ACT_LINEAR, "ap_fixed<3,1>", "ap_fixed<4,2>", NULL, "ap_fixed<6,3,AP_RND_CONV,AP_SAT>"}},
         3, EXPORT_RTL_CSD_MAX_WIDTH},
    };
    const bool sim = getenv("SNAC_TEST_RTL_SIM") && strcmp(getenv("SNAC_TEST_RTL_SIM"), "1") == 0;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        quant_model *m = make_model(w, 3, cases[c].input, cases[c].l, &rng);
        /* neuron 0 of layer 1 feeds nothing: the RTL must leave it out and keep the logits */
        for (size_t k = 0; k < m->layer[1].n_out; k++)
            m->layer[1].w[k * m->layer[1].n_in] = m->layer[1].mask[k * m->layer[1].n_in] = 0;
        char name[32], dir[4096];
        snprintf(name, sizeof name, "case %zu", c);
        int64_t id = store_model(db, m, name);
        snprintf(dir, sizeof dir, "%s/case%zu", tmp, c);
        export_opts o = EXPORT_OPTS_INIT;
        o.rtl = true;
        o.n_vectors = 200;
        o.seed = 100 + c;
        o.rtl_opts.csd_max_width = cases[c].csd;
        for (size_t l = 0; l < 3; l++)
            o.rtl_opts.stages[l] = cases[c].stages;
        export_result r;
        int rc = export_model(db, id, &o, dir, &r);
        CHECK_MSG(rc == 0, "case %zu: %s", c, snac_err_msg());
        CHECK(r.rtl.latency_cycles == 3 * cases[c].stages);
        CHECK(r.rtl.unused_neurons >= 1);
        CHECK(r.nonzero == quant_model_nonzero(m));
        CHECK(r.rtl.zero + r.rtl.shift + r.rtl.csd + r.rtl.mult + r.rtl.unused_weights == quant_model_macs(m));
        if (cases[c].csd < 10)
            CHECK_MSG(r.rtl.mult > 0, "case %zu: wide weights become multipliers", c);
        if (cases[c].csd == SURR_RTL_CSD_MAX_WIDTH) {
            /* the surrogate's yosys features count the adders this RTL has, bit for bit */
            surr_model_spec *ms;
            CHECK(surr_model_spec_from_qmodel(m, &ms) == 0);
            ms->spec.toolchain = SURR_TC_YOSYS_0_23;
            surr_features x;
            CHECK(surr_features_extract(&ms->spec, &x) == 0);
            double bits = 0;
            for (size_t l = 0; l < x.n_layers; l++)
                bits += x.layer[l].csd_add_bits + x.layer[l].acc_add_bits;
            CHECK_MSG(bits == (double)r.rtl.adder_bits, "case %zu: surrogate counts %.0f adder bits, the RTL %zu", c,
                      bits, r.rtl.adder_bits);
            CHECK(r.rtl.adder_bits > 0);
            surr_model_spec_free(ms);
        }
        CHECK_MSG(sh(dir, CSIM) == 0, "case %zu: csim differs from the engine (see %s/csim.out)", c, dir);
        CHECK_MSG(sh(dir, LINT) == 0, "case %zu: verilator lint", c);
        if (sim)
            CHECK_MSG(sh(dir, RTLSIM) == 0, "case %zu: RTL simulation differs from the engine", c);
        /* a re-export into our own folder is allowed */
        CHECK(export_model(db, id, &o, dir, &r) == 0);
        quant_model_free(m);
    }
}

static void export_should_refuse_bad_input_and_write_nothing(snac_db *db, const char *tmp)
{
    snac_rng rng;
    rng_seed(&rng, 3);
    const size_t w[] = {4, 3, 2};
    layer_case lc[2] = {{QUANT_ACT_RELU, "ap_fixed<8,1>", "ap_fixed<8,3>", NULL, "ap_ufixed<8,3>"},
                        {QUANT_ACT_LINEAR, "ap_fixed<8,1>", "ap_fixed<8,3>", NULL, "ap_fixed<12,6>"}};
    quant_model *m = make_model(w, 2, "ap_fixed<8,3>", lc, &rng);
    int64_t good = store_model(db, m, "good"), flt = store_model(db, NULL, "float");
    quant_model_free(m);
    char dir[4096], path[4200];
    export_opts o = EXPORT_OPTS_INIT;
    export_result r;

    snprintf(dir, sizeof dir, "%s/unknown", tmp);
    CHECK(export_model(db, 9999, &o, dir, &r) == SNAC_ENOTFOUND);
    CHECK(strstr(snac_err_msg(), "no model 9999") != NULL);
    CHECK(!exists(dir));

    snprintf(dir, sizeof dir, "%s/float", tmp);
    CHECK(export_model(db, flt, &o, dir, &r) == SNAC_EINVAL);
    CHECK(strstr(snac_err_msg(), "float model") != NULL);
    CHECK(!exists(dir));

    snprintf(dir, sizeof dir, "%s/foreign", tmp);
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("mine\n", f);
    fclose(f);
    CHECK(export_model(db, good, &o, dir, &r) == SNAC_EINVAL);
    CHECK(strstr(snac_err_msg(), "not a snac export") != NULL);
    snprintf(path, sizeof path, "%s/firmware", dir);
    CHECK(!exists(path));

    snprintf(dir, sizeof dir, "%s/stages", tmp);
    o.rtl = true;
    o.rtl_opts.stages[1] = 0;
    CHECK(export_model(db, good, &o, dir, &r) == SNAC_EINVAL);
    CHECK(!exists(dir));
    o.rtl_opts.stages[1] = 1;
    o.n_vectors = 0;
    CHECK(export_model(db, good, &o, dir, &r) == SNAC_EINVAL);
    CHECK(!exists(dir));

    /* an empty existing folder is fine */
    mkdir(dir, 0777);
    o.n_vectors = 4;
    CHECK(export_model(db, good, &o, dir, &r) == 0);
    snprintf(path, sizeof path, "%s/%s", dir, EXPORT_MANIFEST);
    CHECK(exists(path));
}

int main(void)
{
    char tmp[] = "/tmp/snac_export_XXXXXX";
    if (!mkdtemp(tmp))
        return 1;
    char dbp[256];
    snprintf(dbp, sizeof dbp, "%s/t.db", tmp);
    snac_db *db;
    if (db_open(dbp, &db)) {
        fprintf(stderr, "%s\n", snac_err_msg());
        return 1;
    }
    export_should_match_the_engine_in_csim_and_rtl(db, tmp);
    export_should_refuse_bad_input_and_write_nothing(db, tmp);
    db_close(db);
    if (check_failures == 0) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", tmp);
    } else {
        fprintf(stderr, "outputs kept in %s\n", tmp);
    }
    return check_report();
}
