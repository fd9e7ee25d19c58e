/* bench_train — training throughput of the reference baseline MLP.
 *
 * Trains 24-120-60-32-64-64-64-32-44-5 (batch norm + ReLU, batch 128, Adam, L1 1.31e-5)
 * on random data through the same path nn_train uses (shuffled rows gathered into the
 * trainer's buffer, nn_trainer_step_rows), for 1 and 2 OpenBLAS threads, and prints the
 * median over several repetitions of training samples/s and achieved GFLOP/s. FLOPs are
 * those of the GEMMs actually issued, 2 per multiply-accumulate: forward, weight
 * gradient, and input gradient of every layer but the first. On a shared machine the
 * wall clock counts the time other processes hold the core, so the rates are also given
 * per second of this thread's CPU time. Last, the same 26 GEMMs per step are timed alone
 * (no epilogues, loss or Adam): the ceiling of the training rate with this BLAS, and
 * the share of a step they take.
 *
 * Usage: bench_train [steps_per_rep [reps [threads]]]   (defaults 400, 9, both 1 and 2)
 * Memory: one model, one trainer, the random data set (65536 x 24 floats), the GEMM
 * operands of one step.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, CLOCK_THREAD_CPUTIME_ID */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nn/dense.h"
#include "nn/train.h"
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

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof v[0], cmp_double);
    return v[n / 2];
}

/* The GEMMs of `steps` training steps of `a` at batch BATCH, alone, with the trainer's
 * shapes and transposes (dense.c without biases); median GFLOP/s per second of thread
 * CPU time over reps. Returns a negative value when out of memory. */
static double gemm_only_gflops(const nn_arch *a, double flops_per_sample, size_t steps,
                               size_t reps, snac_rng *rng)
{
    enum { MAX_L = NN_MAX_HIDDEN + 1 };
    size_t L = a->n_hidden + 1, dim[MAX_L + 1];
    dim[0] = a->n_in;
    for (size_t l = 0; l < a->n_hidden; l++)
        dim[l + 1] = a->hidden[l];
    dim[L] = a->n_out;
    float *x[MAX_L], *w[MAX_L], *z[MAX_L], *dw[MAX_L], *dx[MAX_L];
    bool ok = true;
    /* x, dx (B, dim[l]); w, dw (dim[l+1], dim[l]); z (B, dim[l+1]) */
    for (size_t l = 0; l < L; l++) {
        x[l] = malloc(BATCH * dim[l] * sizeof(float));
        dx[l] = malloc(BATCH * dim[l] * sizeof(float));
        w[l] = malloc(dim[l + 1] * dim[l] * sizeof(float));
        dw[l] = malloc(dim[l + 1] * dim[l] * sizeof(float));
        z[l] = malloc(BATCH * dim[l + 1] * sizeof(float));
        ok = ok && x[l] && dx[l] && w[l] && dw[l] && z[l];
        for (size_t i = 0; ok && i < BATCH * dim[l]; i++)
            x[l][i] = (float)rng_normal(rng);
        for (size_t i = 0; ok && i < dim[l + 1] * dim[l]; i++)
            w[l][i] = 0.1f * (float)rng_normal(rng);
    }
    double rate[99];
    for (size_t r = 0; ok && r <= reps; r++) { /* rep 0 is the warm-up */
        double c0 = cpu_now();
        for (size_t s = 0; s < steps; s++) {
            for (size_t l = 0; l < L; l++)
                dense_forward(z[l], x[l], w[l], NULL, BATCH, dim[l], dim[l + 1]);
            for (size_t l = L; l-- > 0;) {
                dense_backward_params(dw[l], NULL, z[l], x[l], BATCH, dim[l], dim[l + 1]);
                if (l > 0)
                    dense_backward_input(dx[l], z[l], w[l], BATCH, dim[l], dim[l + 1]);
            }
        }
        if (r > 0)
            rate[r - 1] = (double)(steps * BATCH) * flops_per_sample * 1e-9 / (cpu_now() - c0);
    }
    for (size_t l = 0; l < L; l++) {
        free(x[l]);
        free(dx[l]);
        free(w[l]);
        free(dw[l]);
        free(z[l]);
    }
    return ok ? median(rate, reps) : -1.0;
}

static double gemm_flops_per_sample(const nn_arch *a)
{
    double macs = (double)nn_arch_macs(a);
    double first = (double)(a->n_in * (a->n_hidden ? a->hidden[0] : a->n_out));
    return 2.0 * macs /* forward */ + 2.0 * macs /* dW */ + 2.0 * (macs - first) /* dX */;
}

int main(int argc, char **argv)
{
    size_t steps = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 400;
    size_t reps = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 9;
    int only = argc > 3 ? atoi(argv[3]) : 0; /* 0: both thread counts */
    if (steps == 0 || reps == 0 || reps > 99 || only < 0 || only > 2) {
        fprintf(stderr, "usage: bench_train [steps_per_rep [reps <= 99 [threads 1|2]]]\n");
        return 2;
    }
    nn_arch a = {.n_in = 24, .n_hidden = 8, .hidden = {120, 60, 32, 64, 64, 64, 32, 44},
                 .n_out = 5, .act = NN_ACT_RELU, .batch_norm = true, .dropout = 0.0f};
    nn_train_opts o = NN_TRAIN_OPTS_INIT;
    o.batch_size = BATCH;
    o.l1 = 1.31e-5f;

    snac_rng rng;
    rng_seed(&rng, 42);
    static float x[N_ROWS * 24];
    static int32_t y[N_ROWS];
    static size_t idx[N_ROWS];
    for (size_t i = 0; i < N_ROWS * 24; i++)
        x[i] = (float)rng_normal(&rng);
    for (size_t i = 0; i < N_ROWS; i++) {
        y[i] = (int32_t)rng_below(&rng, 5);
        idx[i] = i;
    }
    ds_tensor data = {.n = N_ROWS, .d = 24, .x = x, .y = y};
    double flops = gemm_flops_per_sample(&a);

    printf("bench_train: MLP 24-120-60-32-64-64-64-32-44-5, BN + ReLU, batch %d, Adam\n", BATCH);
    printf("OpenBLAS core %s; %.0f GEMM FLOP per training sample; %zu steps x %zu reps\n",
           openblas_get_corename(), flops, steps, reps);
    for (int threads = 1; threads <= 2; threads++) {
        if (only && threads != only)
            continue;
        openblas_set_num_threads(threads);
        nn_mlp *m;
        nn_trainer *t;
        if (nn_mlp_new(&a, &rng, &m) || nn_trainer_new(m, &o, BATCH, &t)) {
            fprintf(stderr, "bench_train: %s\n", snac_err_msg());
            return 1;
        }
        double rate[99], cpu_rate[99], loss = 0.0;
        size_t pos = N_ROWS; /* forces a shuffle first */
        for (size_t r = 0; r <= reps; r++) { /* rep 0 is the warm-up */
            double t0 = progress_now(), c0 = cpu_now();
            for (size_t s = 0; s < steps; s++) {
                if (pos + BATCH > N_ROWS) {
                    rng_shuffle_size(&rng, idx, N_ROWS);
                    pos = 0;
                }
                if (nn_trainer_step_rows(t, &data, idx + pos, BATCH, &rng, &loss, NULL)) {
                    fprintf(stderr, "bench_train: %s\n", snac_err_msg());
                    return 1;
                }
                pos += BATCH;
            }
            double dt = progress_now() - t0, dc = cpu_now() - c0;
            if (r > 0) {
                rate[r - 1] = (double)(steps * BATCH) / dt;
                cpu_rate[r - 1] = (double)(steps * BATCH) / dc;
            }
        }
        double med = median(rate, reps);
        printf("threads %d: %9.0f samples/s (median; min %.0f, max %.0f)  %6.2f GFLOP/s  "
               "%6.1f us/step  (last batch loss %.3f)\n",
               threads, med, rate[0], rate[reps - 1], med * flops * 1e-9, 1e6 * BATCH / med,
               loss / BATCH);
        if (threads == 1) { /* the caller's thread does all the work only on one thread */
            double cmed = median(cpu_rate, reps);
            printf("threads 1, per CPU second: %9.0f samples/s  %6.2f GFLOP/s  %6.1f us/step\n",
                   cmed, cmed * flops * 1e-9, 1e6 * BATCH / cmed);
        }
        nn_trainer_free(t);
        nn_mlp_free(m);
    }
    openblas_set_num_threads(1);
    double g = gemm_only_gflops(&a, flops, steps, reps, &rng);
    if (g < 0.0) {
        fprintf(stderr, "bench_train: out of memory\n");
        return 1;
    }
    printf("the same GEMMs alone, 1 thread, per CPU second: %6.2f GFLOP/s  %6.1f us/step\n", g,
           1e6 * BATCH * flops * 1e-9 / g);
    return 0;
}
