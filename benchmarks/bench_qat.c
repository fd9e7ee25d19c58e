/* bench_qat — the local search's costs on the reference baseline 24-120-60-32-64-64-64-32-44-5:
 * float training vs quantization-aware training per step (samples/s, the ratio the
 * local-search issue bounds at 1.5x), the paper's schedule extrapolated from them, and the
 * integer engine's inference rate on the 50%-pruned 8-bit model (jets/s, one core).
 *
 * Usage: bench_qat [steps_per_rep [reps]]   (defaults 300, 7). Random data (65536 x 24),
 * one OpenBLAS thread. Every figure printed is a median over the repetitions.
 * Memory: the models, trainers and data set. Workload: a few seconds.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/train.h"
#include "prune/prune.h"
#include "quant/qat.h"
#include "quant/qengine.h"
#include "search/local_config.h"
#include "util/err.h"
#include "util/progress.h"
#include "util/rng.h"

#define N_ROWS 65536
#define BATCH 128

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static float X[N_ROWS * 24];
static int32_t Y[N_ROWS];

static void die(const char *what)
{
    fprintf(stderr, "bench_qat: %s: %s\n", what, snac_err_msg());
    exit(1);
}

int main(int argc, char **argv)
{
    size_t steps = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 300;
    size_t reps = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 7;
    if (steps == 0 || reps == 0 || reps > 99) {
        fprintf(stderr, "usage: bench_qat [steps_per_rep [reps <= 99]]\n");
        return 2;
    }
    openblas_set_num_threads(1);
    nn_arch a = {.n_in = 24, .n_hidden = 8, .hidden = {120, 60, 32, 64, 64, 64, 32, 44},
                 .n_out = 5, .act = NN_ACT_RELU, .batch_norm = true, .dropout = 0.0f};
    snac_rng rng;
    rng_seed(&rng, 42);
    for (size_t i = 0; i < N_ROWS * 24; i++)
        X[i] = (float)rng_normal(&rng);
    for (size_t i = 0; i < N_ROWS; i++)
        Y[i] = (int32_t)rng_below(&rng, 5);

    nn_mlp *m;
    nn_trainer *t;
    nn_train_opts o = NN_TRAIN_OPTS_INIT;
    o.batch_size = BATCH;
    o.l1 = 1.31e-5f;
    if (nn_mlp_new(&a, &rng, &m) || nn_trainer_new(m, &o, BATCH, &t))
        die("float model");
    local_config lc;
    local_config_init(&lc);
    quant_model *spec;
    if (local_model_spec(&lc, 8, &a, &spec))
        die("spec");
    quant_qat_opts qo = QUANT_QAT_OPTS_INIT;
    qo.l1 = 1.31e-5f;
    quant_qat *q;
    if (quant_qat_new(m, spec, &qo, &q))
        die("qat");

    double rf[99], rq[99];
    for (size_t r = 0; r <= reps; r++) { /* rep 0 warms up */
        double t0 = progress_now();
        for (size_t s = 0; s < steps; s++) {
            size_t off = (s * BATCH) % (N_ROWS - BATCH);
            if (nn_trainer_step(t, X + off * 24, Y + off, BATCH, &rng, NULL, NULL))
                die("float step");
        }
        double t1 = progress_now();
        for (size_t s = 0; s < steps; s++) {
            size_t off = (s * BATCH) % (N_ROWS - BATCH);
            if (quant_qat_step(q, X + off * 24, Y + off, BATCH, NULL, NULL))
                die("qat step");
        }
        double t2 = progress_now();
        if (r > 0) {
            rf[r - 1] = (double)(steps * BATCH) / (t1 - t0);
            rq[r - 1] = (double)(steps * BATCH) / (t2 - t1);
        }
    }
    qsort(rf, reps, sizeof *rf, cmp_double);
    qsort(rq, reps, sizeof *rq, cmp_double);
    double f = rf[reps / 2], qr = rq[reps / 2];
    printf("bench_qat: baseline 24-120-60-32-64-64-64-32-44-5, batch %d, 1 thread, %zu steps x %zu reps\n", BATCH,
           steps, reps);
    printf("float training (BN + ReLU):        %9.0f samples/s (median)\n", f);
    printf("QAT training (8 bit, BN folded):   %9.0f samples/s (median)  cost %.2fx the float step\n", qr, f / qr);
    double epochs = 5 + 10 * 10, jets = 100000;
    printf("paper schedule (5 + 10 x 10 = 105 epochs x 100k jets) at that rate: %.0f s of QAT steps\n",
           epochs * jets / qr);

    /* the 50%-pruned 8-bit model through the integer engine */
    size_t L = quant_qat_n_layers(q);
    prune_tensor pt[QUANT_MAX_LAYERS];
    for (size_t l = 0; l < L; l++) {
        pt[l].w = quant_qat_weights(q, l, &pt[l].n);
        pt[l].mask = quant_qat_mask(q, l);
    }
    if (prune_magnitude(pt, L, 0.5, PRUNE_SCOPE_LAYER))
        die("prune");
    quant_model *qm;
    quant_engine *e;
    if (quant_qat_export(q, &qm) || quant_engine_new(qm, &e))
        die("engine");
    enum { N = 20000 };
    int32_t *xc = malloc((size_t)N * 24 * sizeof *xc), *out = malloc((size_t)N * 5 * sizeof *out);
    if (!xc || !out)
        return 1;
    quant_engine_quantize_input(qm, X, N, xc);
    double re[99];
    for (size_t r = 0; r <= reps; r++) {
        double t0 = progress_now();
        quant_engine_run(e, xc, N, out);
        double dt = progress_now() - t0;
        if (r > 0)
            re[r - 1] = N / dt;
    }
    qsort(re, reps, sizeof *re, cmp_double);
    size_t fast = 0;
    for (size_t l = 0; l < L; l++)
        fast += (size_t)quant_engine_layer_is_fast(e, l);
    printf("integer engine, 8 bit, sparsity %.3f (%zu nonzero weights), %zu of %zu layers on the int16 path: "
           "%9.0f jets/s (median, 1 core)\n",
           quant_model_sparsity(qm), quant_model_nonzero(qm), fast, L, re[reps / 2]);
    free(xc);
    free(out);
    quant_engine_free(e);
    quant_model_free(qm);
    quant_qat_free(q);
    quant_model_free(spec);
    nn_trainer_free(t);
    nn_mlp_free(m);
    return 0;
}
