/* bench_surrogate — surrogate throughput: predictions per second once features
 * are computed (the search's inner loop), and the cost of feature extraction for
 * the jet baseline with actual 8-bit weights (exact CSD/power-of-two counts) and
 * with expected values. Prints medians over repeated runs.
 *
 * Memory: one weight buffer for the baseline (25,916 floats). Workload: ~2 s.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "surrogate/surr_calib.h"
#include "util/err.h"
#include "util/rng.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define REPS 15

int main(void)
{
    gsl_set_error_handler_off();
    surr_version v;
    surr_fit_report rep;
    double t0 = now();
    if (surr_calib_default_version(SURR_TC_VIVADO_2019_1, &v, &rep)) {
        fprintf(stderr, "bench_surrogate: %s\n", snac_err_msg());
        return 1;
    }
    double t_fit = now() - t0;
    surr_spec s;
    surr_calib_paper_spec(&s);
    const surr_part *part;
    surr_part_find(s.part, &part);

    /* actual 8-bit weights: uniform in [-1, 1), half pruned */
    size_t nw = 0;
    for (size_t l = 0; l < s.n_layers; l++)
        nw += s.layer[l].n_in * s.layer[l].n_out;
    float *w = malloc(nw * sizeof *w);
    snac_rng r;
    rng_seed(&r, 1);
    for (size_t i = 0; i < nw; i++)
        w[i] = rng_uniform(&r) < 0.5 ? 0.0f : (float)(2.0 * rng_uniform(&r) - 1.0);
    surr_spec exact = s;
    size_t off = 0;
    for (size_t l = 0; l < exact.n_layers; l++) {
        exact.layer[l].w = w + off;
        off += exact.layer[l].n_in * exact.layer[l].n_out;
    }

    double t_pred[REPS], t_int[REPS], t_exact[REPS], t_expect[REPS];
    surr_features x;
    surr_prediction p;
    double sink = 0;
    surr_features_extract(&s, &x);
    const long N = 2000000;
    for (int k = 0; k < REPS; k++) {
        t0 = now();
        for (long i = 0; i < N; i++) {
            x.f[SURR_F_RF_MAX] = 1.0 + (double)(i & 1); /* keep the compiler honest */
            surr_predict(&v, &x, part, &p);
            sink += p.y[SURR_T_LUT];
        }
        t_pred[k] = (now() - t0) / (double)N;
        t0 = now();
        for (long i = 0; i < N / 10; i++) {
            x.f[SURR_F_RF_MAX] = 1.0 + (double)(i & 1);
            surr_predict_interval(&v, &x, part, &p);
            sink += p.hi[SURR_T_LUT];
        }
        t_int[k] = (now() - t0) / (double)(N / 10);
    }
    for (int k = 0; k < REPS; k++) {
        t0 = now();
        for (int i = 0; i < 20; i++) {
            surr_features_extract(&exact, &x);
            sink += x.f[SURR_F_CSD_DIGITS];
        }
        t_exact[k] = (now() - t0) / 20;
        t0 = now();
        for (int i = 0; i < 20; i++) {
            surr_features_extract(&s, &x);
            sink += x.f[SURR_F_CSD_DIGITS];
        }
        t_expect[k] = (now() - t0) / 20;
    }
    qsort(t_pred, REPS, sizeof *t_pred, cmp);
    qsort(t_int, REPS, sizeof *t_int, cmp);
    qsort(t_exact, REPS, sizeof *t_exact, cmp);
    qsort(t_expect, REPS, sizeof *t_expect, cmp);
    printf("bench_surrogate (jet baseline 24-120-60-32-64-64-64-32-44-5, %zu weights, median of %d runs)\n", nw,
           REPS);
    printf("  default version load (embedded structural coefficients): %.1f ms (once)\n", 1e3 * t_fit);
    printf("  surr_predict, features given:        %8.1f ns/prediction = %.2f M predictions/s\n", 1e9 * t_pred[REPS / 2],
           1e-6 / t_pred[REPS / 2]);
    printf("  surr_predict_interval (95%% intervals):   %8.1f ns/prediction = %.2f M predictions/s\n",
           1e9 * t_int[REPS / 2], 1e-6 / t_int[REPS / 2]);
    printf("  feature extraction, actual 8-bit weights: %8.1f us/spec\n", 1e6 * t_exact[REPS / 2]);
    printf("  feature extraction, expected (bits+sparsity): %8.1f us/spec\n", 1e6 * t_expect[REPS / 2]);
    printf("  (checksum %g)\n", sink);
    free(w);
    surr_version_clear(&v);
    return 0;
}
