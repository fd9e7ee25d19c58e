/* bench_synth — `snac synth` (Yosys synth_xilinx -family xcup) on the 8-bit reference baseline
 * 24-120-60-32-64-64-64-32-44-5 pruned to given sparsities: the local search's last iteration
 * (~89%) and ~50%. Prints, per sparsity: nonzero weights, the Yosys counts, latency, wall time,
 * peak memory and seconds per nonzero weight; with --sim the exported RTL is first simulated by
 * Verilator and the HLS project compiled with g++ and C-simulated, each on 64 vectors and compared
 * with the integer engine bit for bit.
 *
 * The model: the local search's 8-bit precisions (local_config defaults), weights from a short
 * QAT run (300 steps, random data, seed 42; batch norm folded), then per-layer magnitude pruning
 * to the target sparsity in one step. Trained weights on real jets have other values, not other
 * types or counts.
 *
 * Usage: bench_synth [--sim] [--split] [--jobs N] [SPARSITY...]   (default 0.89 0.5; --split: one
 * Yosys run per layer, --jobs of them at a time; the work folder bench_synth_work/ is kept). Memory: Yosys dominates (GBs at 50%).
 * Workload: minutes per model on this machine.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/export_synth.h"
#include "nn/train.h"
#include "prune/prune.h"
#include "quant/qat.h"
#include "search/local_config.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/progress.h"
#include "util/rng.h"

#define N_ROWS 16384
#define BATCH 128

static void die(const char *what)
{
    fprintf(stderr, "bench_synth: %s: %s\n", what, snac_err_msg());
    exit(1);
}

/* The 8-bit baseline after QAT, pruned to `sparsity`, as a quantized model. */
static quant_model *baseline(double sparsity)
{
    nn_arch a = {.n_in = 24, .n_hidden = 8, .hidden = {120, 60, 32, 64, 64, 64, 32, 44},
                 .n_out = 5, .act = NN_ACT_RELU, .batch_norm = true, .dropout = 0.0f};
    snac_rng rng;
    rng_seed(&rng, 42);
    float *X = malloc((size_t)N_ROWS * 24 * sizeof *X);
    int32_t *Y = malloc((size_t)N_ROWS * sizeof *Y);
    if (!X || !Y)
        die("memory");
    for (size_t i = 0; i < (size_t)N_ROWS * 24; i++)
        X[i] = (float)rng_normal(&rng);
    for (size_t i = 0; i < N_ROWS; i++)
        Y[i] = (int32_t)rng_below(&rng, 5);
    nn_mlp *m;
    if (nn_mlp_new(&a, &rng, &m))
        die("float model");
    local_config lc;
    local_config_init(&lc);
    quant_model *spec;
    if (local_model_spec(&lc, 8, &a, &spec))
        die("spec");
    quant_qat_opts qo = QUANT_QAT_OPTS_INIT;
    quant_qat *q;
    if (quant_qat_new(m, spec, &qo, &q))
        die("qat");
    for (size_t s = 0; s < 300; s++) {
        size_t off = (s * BATCH) % (N_ROWS - BATCH);
        if (quant_qat_step(q, X + off * 24, Y + off, BATCH, NULL, NULL))
            die("qat step");
    }
    size_t L = quant_qat_n_layers(q);
    prune_tensor pt[QUANT_MAX_LAYERS];
    for (size_t l = 0; l < L; l++) {
        pt[l].w = quant_qat_weights(q, l, &pt[l].n);
        pt[l].mask = quant_qat_mask(q, l);
    }
    if (prune_magnitude(pt, L, sparsity, PRUNE_SCOPE_LAYER))
        die("prune");
    quant_model *qm;
    if (quant_qat_export(q, &qm))
        die("export");
    quant_qat_free(q);
    quant_model_free(spec);
    nn_mlp_free(m);
    free(X);
    free(Y);
    return qm;
}

int main(int argc, char **argv)
{
    bool sim = false;
    int split = 0;
    unsigned jobs = 1;
    double sp[16];
    size_t n_sp = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--sim") == 0)
            sim = true;
        else if (strcmp(argv[i], "--split") == 0)
            split = 1;
        else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
            jobs = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (n_sp < 16 && atof(argv[i]) > 0 && atof(argv[i]) < 1)
            sp[n_sp++] = atof(argv[i]);
        else {
            fprintf(stderr, "usage: bench_synth [--sim] [--split] [--jobs N] [SPARSITY...]\n");
            return 2;
        }
    }
    if (n_sp == 0) {
        sp[n_sp++] = 0.89;
        sp[n_sp++] = 0.5;
    }
    openblas_set_num_threads(1);
    if (system("rm -rf bench_synth_work && mkdir -p bench_synth_work") != 0)
        die("work folder");
    snac_db *db;
    if (db_open("bench_synth_work/bench.db", &db))
        die("db");
    int64_t ids[16];
    for (size_t k = 0; k < n_sp; k++) {
        quant_model *qm = baseline(sp[k]);
        void *blob;
        size_t len;
        const char dummy = 0;
        char name[64];
        snprintf(name, sizeof name, "baseline 8b %.0f%% pruned", 100 * sp[k]);
        db_model dm = {.name = name, .arch_json = "{}", .weights = &dummy, .weights_len = 1};
        if (quant_model_save(qm, &blob, &len) || db_model_insert(db, &dm, &ids[k]) ||
            db_model_set_qmodel(db, ids[k], blob, len))
            die("store");
        free(blob);
        printf("model %lld: %s, sparsity %.4f, %zu nonzero of %zu weights\n", (long long)ids[k], name,
               quant_model_sparsity(qm), quant_model_nonzero(qm), quant_model_macs(qm));
        quant_model_free(qm);
        if (sim) {
            char dir[64], cmd[512];
            snprintf(dir, sizeof dir, "bench_synth_work/sim_%lld", (long long)ids[k]);
            export_opts eo = EXPORT_OPTS_INIT;
            eo.rtl = true;
            export_result r;
            if (export_model(db, ids[k], &eo, dir, &r))
                die("export");
            double t0 = progress_now();
            snprintf(cmd, sizeof cmd,
                     "cd %s/rtl && verilator --binary --timing -Wno-fatal -f files.f tb_myproject.v --top-module "
                     "tb_myproject -Mdir obj > vl.log 2>&1 && ./obj/Vtb_myproject > /dev/null && "
                     "cmp -s sim_results.txt tb_expected.txt",
                     dir);
            int st = system(cmd);
            printf("  RTL simulation (Verilator, %zu vectors) %s the integer engine bit for bit (%.1f s)\n", eo.n_vectors,
                   st == 0 ? "EQUALS" : "DIFFERS FROM", progress_now() - t0);
            /* the HLS project's C simulation, with our ap_types headers (myproject_test compares itself) */
            t0 = progress_now();
            snprintf(cmd, sizeof cmd,
                     "cd %s && g++ -std=c++11 -O1 -I ap_types_snac -I firmware -o csim myproject_test.cpp "
                     "firmware/myproject.cpp > csim_build.log 2>&1 && ./csim > csim.out && "
                     "cmp -s tb_data/csim_results.log tb_data/tb_output_predictions.dat",
                     dir);
            st = system(cmd);
            printf("  HLS C simulation (g++, %zu vectors) %s the integer engine bit for bit (%.1f s)\n", eo.n_vectors,
                   st == 0 ? "EQUALS" : "DIFFERS FROM", progress_now() - t0);
        }
    }
    fflush(stdout);
    export_synth_opts so = EXPORT_SYNTH_OPTS_INIT;
    so.work_dir = "bench_synth_work";
    so.jobs = jobs;
    so.timeout_s = 0;
    so.split = split;
    export_synth_summary sum;
    double t0 = progress_now();
    if (export_synth_run(db, ids, n_sp, &so, stdout, &sum))
        die("synth");
    printf("bench_synth: %zu synthesized, %zu failed with yosys %s in %.1f s (%u job(s), %s)\n", sum.done, sum.failed,
           sum.yosys_version, progress_now() - t0, jobs, split ? "one run per layer" : "whole design");
    for (size_t k = 0; k < n_sp; k++) {
        char path[256], *text;
        size_t len;
        snprintf(path, sizeof path, "bench_synth_work/model_%lld/synth/yosys_result.json", (long long)ids[k]);
        if (snac_read_file(path, &text, &len) == 0) {
            const char *w = strstr(text, "\"wall_s\":"), *nz = strstr(text, "\"nonzero_weights\":");
            if (w && nz) {
                double wall = atof(w + 9), nzw = atof(nz + 18);
                printf("sparsity %.2f: %.0f nonzero weights, %.1f s wall, %.1f ms per nonzero weight\n", sp[k], nzw,
                       wall, 1000 * wall / nzw);
            }
            printf("  %s", text);
            free(text);
        }
    }
    db_close(db);
    return sum.failed ? 1 : 0;
}
