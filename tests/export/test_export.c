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
 *
 * Export variants (hls4ml 1.x interfaces): Latency and Resource (reuse factors below, equal
 * to and above n_in, per layer) times io_parallel and io_stream, on ReLU, tanh and sigmoid
 * models; each C simulation equals the engine on every vector and its kernels' tables equal
 * the model's; every generated config struct carries each member hls4ml's kernels read
 * (HLS4ML_DENSE_MEMBERS, HLS4ML_ACTIV_MEMBERS); Resource weights are output-major; a reuse
 * factor hls4ml refuses for Resource is refused with the nearest valid ones.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "export/export_hls.h"
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

/* ---- export variants -------------------------------------------------------------- */

/* The members of a config struct that hls4ml 1.x's kernels and writer templates use
 * (nnet_dense*.h, nnet_activation*.h, backends/vivado/passes/core_templates.py); each must be
 * declared in every generated config of its kind, spelled as hls4ml spells it. */
static const char *const HLS4ML_DENSE_MEMBERS[] = {
    "static const unsigned n_in =", "static const unsigned n_out =", "static const unsigned io_type = nnet::",
    "static const unsigned strategy = nnet::", "static const unsigned reuse_factor =",
    "static const unsigned n_zeros =", "static const unsigned n_nonzeros =",
    "static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;",
    "static const bool store_weights_in_bram = false;", " accum_t;", " bias_t;", " weight_t;", " index_t;",
    "using kernel = nnet::", "using product = nnet::product::mult<x_T, y_T>;"};
static const char *const HLS4ML_ACTIV_MEMBERS[] = {
    "static const unsigned n_in =", "static const unsigned table_size =", "static const unsigned io_type = nnet::",
    "static const unsigned reuse_factor =", " table_t;"};

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    return s;
}

/* Count the structs deriving from `base` in parameters.h text and check each declares every
 * member of the list; returns the number of structs (members missing are CHECK failures). */
static int check_config_members(const char *text, const char *base, const char *const *members, size_t n_members,
                                const char *dir)
{
    int structs = 0;
    for (const char *p = strstr(text, base); p; p = strstr(p + 1, base)) {
        const char *open = strchr(p, '{'), *close = open ? strstr(open, "\n};") : NULL;
        CHECK_MSG(open && close, "%s: %s struct without a body", dir, base);
        if (!open || !close)
            break;
        structs++;
        for (size_t k = 0; k < n_members; k++) {
            const char *hit = strstr(open, members[k]);
            CHECK_MSG(hit && hit < close, "%s: a %s struct lacks hls4ml's member '%s'", dir, base, members[k]);
        }
    }
    return structs;
}

static void export_variants_should_match_the_engine_and_carry_hls4ml_configs(snac_db *db, const char *tmp)
{
    snac_rng rng;
    rng_seed(&rng, 25);
    const size_t w[] = {12, 10, 8, 5};
    struct {
        const char *input;
        layer_case l[3];
    } models[] = {
        {"ap_fixed<12,4,AP_RND,AP_SAT>",
         {{QUANT_ACT_RELU, "ap_fixed<8,1>", "ap_fixed<8,3>", NULL, "ap_ufixed<8,3,AP_RND,AP_SAT>"},
          {QUANT_ACT_RELU, "ap_fixed<6,1,AP_RND_CONV,AP_SAT>", "ap_fixed<8,3>", "ap_fixed<12,5,AP_RND_ZERO,AP_SAT>",
           "ap_ufixed<6,2,AP_RND_INF,AP_SAT_ZERO>"},
          {QUANT_ACT_LINEAR, "ap_fixed<8,1>", "ap_fixed<8,3>", NULL, "ap_fixed<16,6,AP_RND_MIN_INF,AP_SAT_SYM>"}}},
        {"ap_fixed<8,3,AP_TRN_ZERO,AP_SAT_SYM>",
         {{QUANT_ACT_TANH, "ap_fixed<6,1>", "ap_fixed<6,2>", "ap_fixed<14,6,AP_RND_ZERO,AP_SAT>",
           "ap_fixed<8,1,AP_RND_INF,AP_SAT_ZERO>"},
          {QUANT_ACT_TANH, "ap_fixed<10,2>", "ap_fixed<10,4>", "ap_fixed<10,3,AP_TRN_ZERO,AP_WRAP>",
           "ap_fixed<8,1,AP_RND_CONV,AP_SAT>"},
          {QUANT_ACT_LINEAR, "ap_fixed<10,2>", "ap_fixed<10,4>", "ap_fixed<12,4,AP_RND,AP_WRAP>",
           "ap_fixed<10,4,AP_TRN,AP_SAT_ZERO>"}}},
        {"ap_fixed<10,5,AP_TRN_ZERO,AP_SAT>",
         {{QUANT_ACT_SIGMOID, "ap_fixed<8,2>", "ap_fixed<12,4>", "ap_fixed<12,4,AP_RND_MIN_INF,AP_WRAP>",
           "ap_ufixed<8,0,AP_RND,AP_SAT>"},
          {QUANT_ACT_SIGMOID, "ap_fixed<4,2>", "ap_fixed<4,2>", "ap_fixed<7,3,AP_TRN,AP_WRAP>",
           "ap_ufixed<6,0,AP_TRN,AP_WRAP>"},
          {QUANT_ACT_LINEAR, "ap_fixed<3,1>", "ap_fixed<4,2>", NULL, "ap_fixed<6,3,AP_RND_CONV,AP_SAT>"}}},
    };
    /* layer shapes 12x10, 10x8, 8x5; every RF below is one hls4ml accepts for Resource:
     * below n_in (leq_nin), equal to it, and a multiple above it (gt_nin_rem0) */
    struct {
        enum export_strategy strategy;
        enum export_io io;
        unsigned reuse[3];
        const char *kernel1; /* layer 1's kernel class */
    } variants[] = {
        {EXPORT_STRATEGY_LATENCY, EXPORT_IO_STREAM, {1, 1, 1}, "DenseLatency"},
        {EXPORT_STRATEGY_LATENCY, EXPORT_IO_PARALLEL, {2, 4, 8}, "DenseLatency"},
        {EXPORT_STRATEGY_RESOURCE, EXPORT_IO_PARALLEL, {4, 5, 2}, "DenseResource_rf_leq_nin"},
        {EXPORT_STRATEGY_RESOURCE, EXPORT_IO_PARALLEL, {24, 20, 40}, "DenseResource_rf_gt_nin_rem0"},
        {EXPORT_STRATEGY_RESOURCE, EXPORT_IO_STREAM, {12, 10, 8}, "DenseResource_rf_leq_nin"},
        {EXPORT_STRATEGY_RESOURCE, EXPORT_IO_STREAM, {60, 80, 8}, "DenseResource_rf_gt_nin_rem0"},
    };
    for (size_t c = 0; c < sizeof models / sizeof *models; c++) {
        quant_model *m = make_model(w, 3, models[c].input, models[c].l, &rng);
        char name[32];
        snprintf(name, sizeof name, "variant model %zu", c);
        int64_t id = store_model(db, m, name);
        for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
            /* the ReLU model takes every variant; the table models io_stream and both Resource
             * kernels (a g++ build each: keeps the quick label quick) */
            if (c > 0 && v != 0 && v != 3 && v != 5)
                continue;
            char dir[4096], path[4200], cmd[512];
            snprintf(dir, sizeof dir, "%s/variant%zu_%zu", tmp, c, v);
            export_opts o = EXPORT_OPTS_INIT;
            o.n_vectors = 300;
            o.seed = 7 + v;
            o.strategy = variants[v].strategy;
            o.io_type = variants[v].io;
            for (size_t l = 0; l < 3; l++)
                o.reuse[l] = variants[v].reuse[l];
            export_result r;
            int rc = export_model(db, id, &o, dir, &r);
            CHECK_MSG(rc == 0, "model %zu variant %zu: %s", c, v, snac_err_msg());
            if (rc)
                continue;
            CHECK_MSG(sh(dir, CSIM) == 0, "model %zu variant %zu: csim differs from the engine (see %s/csim.out)", c,
                      v, dir);
            /* the test bench's table check ran and found the kernels' tables equal to the model's */
            snprintf(path, sizeof path, "%s/csim.out", dir);
            char *out = read_text(path);
            CHECK(out != NULL);
            if (out && c > 0) {
                snprintf(cmd, sizeof cmd, "%s table: 0 of 1024 entries differ from the model's",
                         c == 1 ? "tanh" : "sigmoid");
                CHECK_MSG(strstr(out, cmd) != NULL, "%s: no table check line '%s'", dir, cmd);
            }
            if (out)
                CHECK_MSG(strstr(out, "csim: 300 jets, 0 differ") != NULL, "%s: %s", dir, out);
            free(out);
            /* every config carries hls4ml's members; the kernel class and enums are the variant's */
            snprintf(path, sizeof path, "%s/firmware/parameters.h", dir);
            char *par = read_text(path);
            CHECK(par != NULL);
            if (par) {
                CHECK(check_config_members(par, ": nnet::dense_config", HLS4ML_DENSE_MEMBERS,
                                           sizeof HLS4ML_DENSE_MEMBERS / sizeof *HLS4ML_DENSE_MEMBERS, dir) == 3);
                CHECK(check_config_members(par, ": nnet::activ_config", HLS4ML_ACTIV_MEMBERS,
                                           sizeof HLS4ML_ACTIV_MEMBERS / sizeof *HLS4ML_ACTIV_MEMBERS, dir) == 3);
                snprintf(cmd, sizeof cmd, "using kernel = nnet::%s<data_T, res_T, CONFIG_T>;", variants[v].kernel1);
                CHECK_MSG(strstr(par, cmd) != NULL, "%s: no '%s'", dir, cmd);
                snprintf(cmd, sizeof cmd, "static const unsigned strategy = nnet::%s;",
                         export_strategy_names[variants[v].strategy]);
                CHECK(strstr(par, cmd) != NULL);
                snprintf(cmd, sizeof cmd, "static const unsigned io_type = nnet::%s;", export_io_names[variants[v].io]);
                CHECK(strstr(par, cmd) != NULL);
                snprintf(cmd, sizeof cmd, "static const unsigned reuse_factor = %u;", variants[v].reuse[1]);
                CHECK(strstr(par, cmd) != NULL);
                CHECK(strstr(par, "const weight") == NULL); /* hls4ml's kernels take non-const arrays */
            }
            free(par);
            /* the top function and the calls use hls4ml's signatures */
            snprintf(path, sizeof path, "%s/firmware/myproject.cpp", dir);
            char *top = read_text(path);
            CHECK(top != NULL);
            if (top) {
                CHECK(strstr(top, "nnet::dense<input_t, layer1_t, config1>(input_1, layer1_dense, w1, b1);") != NULL);
                CHECK(strstr(top, "_table)") == NULL); /* tanh/sigmoid take no table argument */
                CHECK(strstr(top, "const ") == NULL);
                if (variants[v].io == EXPORT_IO_STREAM) {
                    CHECK(strstr(top, "void myproject(hls::stream<input_t> &input_1, hls::stream<result_t> &layer3_out)"));
                    CHECK(strstr(top, "#pragma HLS DATAFLOW") != NULL);
                    CHECK(strstr(top, "#pragma HLS INTERFACE axis port=input_1,layer3_out") != NULL);
                    CHECK(strstr(top, "#pragma HLS STREAM variable=layer1_dense depth=1") != NULL);
                } else {
                    CHECK(strstr(top, "void myproject(input_t input_1[N_INPUT_1_1], result_t layer3_out[N_OUTPUTS])"));
                }
            }
            free(top);
            /* Resource weights are output-major (w[j * n_in + i]), Latency's input-major */
            snprintf(path, sizeof path, "%s/firmware/weights/w1.h", dir);
            char *wt = read_text(path);
            CHECK(wt != NULL);
            if (wt) {
                char first[200];
                const quant_layer *L = &m->layer[0];
                const int32_t second = variants[v].strategy == EXPORT_STRATEGY_RESOURCE ? L->w[1] : L->w[L->n_in];
                char a[64], b[64];
                export_value_str(L->w[0], quant_frac(&L->weight), a, sizeof a);
                export_value_str(second, quant_frac(&L->weight), b, sizeof b);
                snprintf(first, sizeof first, "= {\n    %s, %s,", a, b);
                CHECK_MSG(strstr(wt, first) != NULL, "%s: w1.h does not start with '%s'", dir, first);
            }
            free(wt);
            /* the manifest and its spec record the deployment */
            snprintf(path, sizeof path, "%s/%s", dir, EXPORT_MANIFEST);
            char *man = read_text(path);
            CHECK(man != NULL);
            if (man) {
                snprintf(cmd, sizeof cmd, "\"strategy\": \"%s\"",
                         variants[v].strategy == EXPORT_STRATEGY_LATENCY ? "Latency" : "Resource");
                CHECK_MSG(strstr(man, cmd) != NULL, "%s: manifest lacks %s", dir, cmd);
                snprintf(cmd, sizeof cmd, "\"io_type\": \"%s\"", export_io_names[variants[v].io]);
                CHECK(strstr(man, cmd) != NULL);
                snprintf(cmd, sizeof cmd, "\"reuse_factors\": [%u, %u, %u]", variants[v].reuse[0],
                         variants[v].reuse[1], variants[v].reuse[2]);
                CHECK_MSG(strstr(man, cmd) != NULL, "%s: manifest lacks %s", dir, cmd);
                snprintf(cmd, sizeof cmd, "\"strategy\":\"%s\",\"io_type\":\"%s\",\"reuse_factor\":%u,",
                         export_strategy_names[variants[v].strategy], export_io_names[variants[v].io],
                         variants[v].reuse[0] > variants[v].reuse[1]
                             ? (variants[v].reuse[0] > variants[v].reuse[2] ? variants[v].reuse[0] : variants[v].reuse[2])
                             : (variants[v].reuse[1] > variants[v].reuse[2] ? variants[v].reuse[1] : variants[v].reuse[2]));
                CHECK_MSG(strstr(man, cmd) != NULL, "%s: spec lacks %s", dir, cmd);
            }
            free(man);
        }
        /* RFs hls4ml refuses for Resource (7 does not divide 120; 5 < 12 gives 24 multipliers,
         * not a multiple of 10; 18 > 12 is no multiple of 12) and Latency RFs above the
         * multiplications: refused, nothing written */
        const unsigned bad_rf[][2] = {{7, EXPORT_STRATEGY_RESOURCE}, {5, EXPORT_STRATEGY_RESOURCE},
                                      {18, EXPORT_STRATEGY_RESOURCE}, {121, EXPORT_STRATEGY_LATENCY}};
        for (size_t b = 0; b < sizeof bad_rf / sizeof *bad_rf; b++) {
            char dir[4096];
            snprintf(dir, sizeof dir, "%s/badrf%zu_%zu", tmp, c, b);
            export_opts o = EXPORT_OPTS_INIT;
            o.strategy = (enum export_strategy)bad_rf[b][1];
            o.reuse[0] = bad_rf[b][0];
            export_result r;
            CHECK(export_model(db, id, &o, dir, &r) == SNAC_EINVAL);
            CHECK_MSG(strstr(snac_err_msg(), "layer 1 (12 x 10)") != NULL, "%s", snac_err_msg());
            if (b == 0)
                CHECK_MSG(strstr(snac_err_msg(), "nearest valid: 6 or 12") != NULL, "%s", snac_err_msg());
            CHECK(!exists(dir));
        }
        quant_model_free(m);
    }
    /* hls4ml's rule itself, on a 16 x 64 layer: 1, 2, 4, 8 (< 16, 1024 / RF a multiple of 64),
     * 16, 32, ..., 1024 (multiples of 16 dividing 1024); nothing else */
    size_t n_valid = 0;
    for (size_t rf = 1; rf <= 1024; rf++)
        n_valid += export_rf_valid(EXPORT_STRATEGY_RESOURCE, 16, 64, rf);
    CHECK(n_valid == 11);
    CHECK(export_rf_valid(EXPORT_STRATEGY_RESOURCE, 16, 64, 8) && !export_rf_valid(EXPORT_STRATEGY_RESOURCE, 16, 64, 3));
    CHECK(export_rf_valid(EXPORT_STRATEGY_RESOURCE, 16, 64, 48) == false);
    CHECK(export_rf_valid(EXPORT_STRATEGY_LATENCY, 16, 64, 3) && !export_rf_valid(EXPORT_STRATEGY_LATENCY, 16, 64, 1025));
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
    export_variants_should_match_the_engine_and_carry_hls4ml_configs(db, tmp);
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
