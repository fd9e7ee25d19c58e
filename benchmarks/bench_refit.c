/* bench_refit — time of one `snac refit` fit-and-compare (validation/refit.h) on
 * 10,000 synthetic synthesis results: 400 random MLP architectures (2-6 dense
 * layers, widths 8-256) x 25 reuse factors, 16-bit weights; actual numbers are the
 * default version's predictions times log-normal noise (sigma 0.3). Prints the
 * median over repetitions of refit_run with 5 folds by architecture in the full
 * mode (surr_fit_version: structural NNLS, Huber) and in the recalibrate mode.
 *
 *   bench_refit [ROWS] [REPS]        (defaults 10000 and 7)
 *
 * Memory: the rows (a few MB) live for the whole program. Workload: (K+1) fits per rep.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "surrogate/surr_calib.h"
#include "util/err.h"
#include "util/rng.h"
#include "validation/refit.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run(const vrow *rows, size_t n, size_t groups, const surr_version *parent, enum refit_mode mode,
               size_t reps, double *median, refit_report *rep)
{
    double *t = malloc(reps * sizeof *t);
    if (!t)
        return SNAC_ENOMEM;
    refit_opts o = REFIT_OPTS_INIT;
    o.mode = mode;
    for (size_t r = 0; r < reps; r++) {
        surr_version v;
        double t0 = now_s();
        int rc = refit_run(rows, n, groups, parent, &o, &v, rep);
        t[r] = now_s() - t0;
        surr_version_clear(&v);
        if (rc) {
            free(t);
            return rc;
        }
    }
    qsort(t, reps, sizeof *t, cmp_double);
    *median = t[reps / 2];
    free(t);
    return SNAC_OK;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 10000, reps = argc > 2 ? (size_t)atol(argv[2]) : 7;
    if (n < 100 || reps < 1) {
        fprintf(stderr, "usage: bench_refit [ROWS >= 100] [REPS >= 1]\n");
        return 2;
    }
    surr_version def;
    surr_fit_report frep;
    if (surr_calib_default_version(SURR_TC_VIVADO_2019_1, &def, &frep)) {
        fprintf(stderr, "bench_refit: %s\n", snac_err_msg());
        return 1;
    }
    const size_t per_arch = 25;
    size_t groups = (n + per_arch - 1) / per_arch;
    vrow *rows = calloc(n, sizeof *rows);
    if (!rows)
        return 1;
    snac_rng rng;
    rng_seed(&rng, 511);
    static const size_t widths_pool[] = {8, 16, 32, 64, 100, 128, 200, 256};
    static const size_t rf_pool[] = {1, 2, 4, 8, 16, 32, 64, 128};
    for (size_t g = 0, i = 0; g < groups && i < n; g++) {
        size_t w[8], nl = 2 + (size_t)rng_below(&rng, 5);
        for (size_t l = 0; l <= nl; l++)
            w[l] = widths_pool[rng_below(&rng, sizeof widths_pool / sizeof widths_pool[0])];
        surr_spec s;
        if (surr_spec_init_mlp(&s, w, nl + 1, SURR_ACT_RELU, false))
            return 1;
        s.rf_unchecked = true;
        for (size_t k = 0; k < per_arch && i < n; k++, i++) {
            s.reuse_factor = rf_pool[rng_below(&rng, sizeof rf_pool / sizeof rf_pool[0])] * (1 + k / 8);
            vrow *r = &rows[i];
            if (surr_features_extract(&s, &r->x) || surr_part_find(s.part, &r->part)) {
                fprintf(stderr, "bench_refit: %s\n", snac_err_msg());
                return 1;
            }
            surr_prediction p;
            surr_predict(&def, &r->x, r->part, &p);
            for (int t = 0; t < SURR_T_COUNT; t++)
                r->y[t] = t == SURR_T_URAM ? NAN : p.y[t] * exp(0.3 * rng_normal(&rng));
            r->group = (int)g;
            r->id = (int64_t)i + 1;
        }
    }
    double med_full, med_recal;
    refit_report rep;
    if (run(rows, n, groups, &def, REFIT_FULL, reps, &med_full, &rep) ||
        run(rows, n, groups, &def, REFIT_RECALIBRATE, reps, &med_recal, &rep)) {
        fprintf(stderr, "bench_refit: %s\n", snac_err_msg());
        return 1;
    }
    printf("bench_refit: %zu synthetic rows, %zu architectures, 5 folds by architecture, %zu reps\n", n, groups,
           reps);
    printf("  refit_run full (structural NNLS+Huber, 6 fits x 7 targets): median %.3f s\n", med_full);
    printf("  refit_run recalibrate (2 parameters per target):                median %.3f s\n", med_recal);
    printf("  held-out MAPE lut/ff/dsp (recalibrate, noise sigma 0.3): %.1f%% %.1f%% %.1f%%\n",
           rep.cand.t[SURR_T_LUT].v[VS_MAPE], rep.cand.t[SURR_T_FF].v[VS_MAPE], rep.cand.t[SURR_T_DSP].v[VS_MAPE]);
    free(rows);
    surr_version_clear(&def);
    return 0;
}
