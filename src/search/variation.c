/* variation — uniform/SBX crossover and resampling/polynomial mutation; see variation.h.
 *
 * Memory: none. Workload: O(n_genes) per call, a few pow() per real gene.
 */
#include "search/variation.h"

#include <math.h>
#include <string.h>

static double clamp(double x, double lo, double hi) { return x < lo ? lo : (x > hi ? hi : x); }

/* ---------------------------------------------------------------- SBX (bounded) */

/* The spread factor beta_q for one side: the probability mass of the SBX density
 * beyond the bound is cut off, so children never need clamping in exact arithmetic. */
static double sbx_betaq(double u, double beta, double eta)
{
    double alpha = 2.0 - pow(beta, -(eta + 1.0));
    if (u <= 1.0 / alpha)
        return pow(u * alpha, 1.0 / (eta + 1.0));
    return pow(1.0 / (2.0 - u * alpha), 1.0 / (eta + 1.0));
}

static void sbx(const nsga2_gene *ge, double eta, snac_rng *r, double x1, double x2, double *c1, double *c2)
{
    double y1 = x1 < x2 ? x1 : x2, y2 = x1 < x2 ? x2 : x1;
    double span = y2 - y1;
    if (!(span > 1e-14)) {
        *c1 = x1;
        *c2 = x2;
        return;
    }
    double u = rng_uniform(r);
    double bq_lo = sbx_betaq(u, 1.0 + 2.0 * (y1 - ge->lo) / span, eta);
    double bq_hi = sbx_betaq(u, 1.0 + 2.0 * (ge->hi - y2) / span, eta);
    double a = clamp(0.5 * ((y1 + y2) - bq_lo * span), ge->lo, ge->hi);
    double b = clamp(0.5 * ((y1 + y2) + bq_hi * span), ge->lo, ge->hi);
    if (rng_uniform(r) < 0.5) {
        *c1 = b;
        *c2 = a;
    } else {
        *c1 = a;
        *c2 = b;
    }
}

void nsga2_crossover(const nsga2_space *sp, const nsga2_variation *v, snac_rng *r, const double *p1,
                     const double *p2, double *c1, double *c2)
{
    size_t n = sp->n_genes;
    memcpy(c1, p1, n * sizeof *c1);
    memcpy(c2, p2, n * sizeof *c2);
    if (!(rng_uniform(r) < v->p_crossover))
        return;
    for (size_t i = 0; i < n; i++) {
        const nsga2_gene *ge = &sp->genes[i];
        if (rng_uniform(r) >= 0.5)
            continue;
        if (ge->kind == NSGA2_GENE_CAT) {
            c1[i] = p2[i];
            c2[i] = p1[i];
        } else {
            sbx(ge, v->eta_c, r, p1[i], p2[i], &c1[i], &c2[i]);
        }
    }
}

/* ---------------------------------------------------------------- mutation */

static double polynomial(const nsga2_gene *ge, double eta, snac_rng *r, double y)
{
    double width = ge->hi - ge->lo;
    double d1 = (y - ge->lo) / width, d2 = (ge->hi - y) / width;
    double u = rng_uniform(r);
    double pw = 1.0 / (eta + 1.0), dq;
    if (u < 0.5) {
        double val = 2.0 * u + (1.0 - 2.0 * u) * pow(1.0 - d1, eta + 1.0);
        dq = pow(val, pw) - 1.0;
    } else {
        double val = 2.0 * (1.0 - u) + 2.0 * (u - 0.5) * pow(1.0 - d2, eta + 1.0);
        dq = 1.0 - pow(val, pw);
    }
    return clamp(y + dq * width, ge->lo, ge->hi);
}

void nsga2_mutate(const nsga2_space *sp, const nsga2_variation *v, snac_rng *r, double *g)
{
    for (size_t i = 0; i < sp->n_genes; i++) {
        const nsga2_gene *ge = &sp->genes[i];
        if (!(rng_uniform(r) < v->p_mutation))
            continue;
        if (ge->kind == NSGA2_GENE_CAT) {
            if (ge->n_choices < 2)
                continue;
            size_t cur = nsga2_genome_choice(g, i);
            size_t pick = (size_t)rng_below(r, ge->n_choices - 1);
            g[i] = (double)(pick >= cur ? pick + 1 : pick);
        } else {
            g[i] = polynomial(ge, v->eta_m, r, g[i]);
        }
    }
}
