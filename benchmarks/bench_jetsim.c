/* bench_jetsim — jets per second of the jet simulator on one core (no file output).
 *
 * Generates `n` jets (default 20,000) of the default configuration `runs` times (default 5)
 * and prints each rate and the median. Usage: bench_jetsim [n] [runs]
 * Memory: one workspace and the output arrays for n jets.
 */
#include <stdio.h>
#include <stdlib.h>

#include "datasets/jetsim.h"
#include "util/err.h"
#include "util/progress.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 20000;
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    if (n == 0 || runs < 1 || runs > 100) {
        fprintf(stderr, "usage: bench_jetsim [n_jets > 0] [runs 1..100]\n");
        return 2;
    }
    jetsim_config c;
    jetsim_config_init(&c);
    jetsim_ws *w = NULL;
    float *con = malloc(n * c.n_stored * DS_JET_N_PFEAT * sizeof *con);
    double *jets = malloc(n * DS_JET_N_COLS * sizeof *jets);
    double rate[100];
    if (!con || !jets || jetsim_ws_new(&w)) {
        fprintf(stderr, "bench_jetsim: out of memory\n");
        return 1;
    }
    for (int k = 0; k < runs; k++) {
        snac_rng r;
        rng_seed(&r, 1000 + (uint64_t)k);
        double t0 = progress_now();
        if (jetsim_fill(&c, n, &r, w, con, jets)) {
            fprintf(stderr, "bench_jetsim: %s\n", snac_err_msg());
            return 1;
        }
        rate[k] = (double)n / (progress_now() - t0);
        printf("run %d: %zu jets, %.0f jets/s\n", k + 1, n, rate[k]);
    }
    qsort(rate, (size_t)runs, sizeof rate[0], cmp_double);
    printf("jetsim: median %.0f jets/s over %d runs of %zu jets (1 core, %zu constituents stored)\n",
           rate[runs / 2], runs, n, c.n_stored);
    jetsim_ws_free(w);
    free(con);
    free(jets);
    return 0;
}
