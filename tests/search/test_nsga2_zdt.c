/* search: NSGA-II on ZDT1 and ZDT2 (Zitzler, Deb, Thiele 2000), 30 real variables in [0, 1].
 *
 * Budget: population 100 x 250 generations (25,100 evaluations), SBX eta_c 20 with
 * p_crossover 0.9, polynomial mutation eta_m 20 with p_mutation 1/30 (Deb et al. 2002).
 * Pass: hypervolume of the final first front w.r.t. (1.1, 1.1) >= 95% of the true front's,
 * which is analytic: ZDT1 0.1 + 2/3 + 0.11, ZDT2 0.1 + 1/3 + 0.11 (dense sampling agrees,
 * see test_nsga2_steps). The search is driven through ask/tell exactly as a driver would.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "search/nsga2.h"
#include "util/rng.h"

enum { NVAR = 30, POP = 100, GENERATIONS = 250 };

static void zdt(int which, const double *x, double *f)
{
    double s = 0;
    for (int i = 1; i < NVAR; i++)
        s += x[i];
    double g = 1.0 + 9.0 * s / (NVAR - 1);
    double r = x[0] / g;
    f[0] = x[0];
    f[1] = g * (which == 1 ? 1.0 - sqrt(r) : 1.0 - r * r);
}

static double run_zdt(int which, uint64_t seed)
{
    nsga2_gene genes[NVAR];
    for (int i = 0; i < NVAR; i++)
        genes[i] = NSGA2_GENE_REAL_RANGE(0.0, 1.0);
    nsga2_config cfg = NSGA2_CONFIG_INIT;
    cfg.pop_size = POP;
    cfg.n_obj = 2;
    cfg.n_genes = NVAR;
    cfg.genes = genes;
    cfg.p_crossover = 0.9;
    cfg.p_mutation = 1.0 / NVAR;
    snac_rng rng;
    rng_seed(&rng, seed);
    nsga2 *s;
    CHECK(nsga2_new(&cfg, &rng, &s) == 0);
    static double f[POP * 2];
    const double ref[2] = {1.1, 1.1};
    double hv = 0;
    for (int gen = 0; gen <= GENERATIONS; gen++) {
        nsga2_batch b;
        CHECK(nsga2_ask(s, &b) == 0);
        for (size_t k = 0; k < b.n_eval; k++)
            zdt(which, b.genomes + b.eval[k] * NVAR, f + 2 * k);
        CHECK(nsga2_tell(s, f, NULL) == 0);
        if (gen % 50 == 0 || gen == GENERATIONS) {
            CHECK(nsga2_front_hv(s, ref, &hv) == 0);
            fprintf(stderr, "  ZDT%d generation %3d: front HV %.5f\n", which, gen, hv);
        }
    }
    nsga2_stats st;
    nsga2_get_stats(s, &st);
    CHECK(st.n_evals + st.n_cached + st.n_dups == (size_t)POP * (GENERATIONS + 1));
    nsga2_free(s);
    return hv;
}

static void nsga2_should_reach_95_percent_of_the_zdt1_front_hypervolume(void)
{
    double truth = 0.1 + 2.0 / 3.0 + 0.11;
    double hv = run_zdt(1, 1);
    fprintf(stderr, "  ZDT1: HV %.5f of %.5f = %.2f%% (pop %d x %d generations)\n", hv, truth, 100 * hv / truth,
            POP, GENERATIONS);
    CHECK(hv >= 0.95 * truth);
    CHECK(hv <= truth);
}

static void nsga2_should_reach_95_percent_of_the_zdt2_front_hypervolume(void)
{
    double truth = 0.1 + 1.0 / 3.0 + 0.11;
    double hv = run_zdt(2, 2);
    fprintf(stderr, "  ZDT2: HV %.5f of %.5f = %.2f%% (pop %d x %d generations)\n", hv, truth, 100 * hv / truth,
            POP, GENERATIONS);
    CHECK(hv >= 0.95 * truth);
    CHECK(hv <= truth);
}

int main(void)
{
    TEST(nsga2_should_reach_95_percent_of_the_zdt1_front_hypervolume);
    TEST(nsga2_should_reach_95_percent_of_the_zdt2_front_hypervolume);
    return check_report();
}
