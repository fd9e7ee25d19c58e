/* variation — crossover and mutation of genomes (Deb et al. 2002, sec. III-C and V).
 *
 * Crossover of a pair happens with probability p_crossover (else the children are
 * copies of the parents). When it happens, gene by gene:
 *   categorical  uniform crossover: the two values are swapped with probability 0.5;
 *   real         simulated binary crossover (SBX, Deb & Agrawal 1995, bounded form)
 *                with distribution index eta_c, applied with probability 0.5 per gene.
 * Mutation, gene by gene with probability p_mutation:
 *   categorical  resample a *different* value uniformly (nothing happens with 1 choice);
 *   real         polynomial mutation (Deb & Goyal 1996, bounded form) with index eta_m.
 * Every gene of the genome goes through the same operators whether active or not
 * (genome.h): a child's genes come from its parents unless mutated.
 *
 * Memory: none. Workload: O(n_genes) per call.
 */
#ifndef SNAC_SEARCH_VARIATION_H
#define SNAC_SEARCH_VARIATION_H

#include "search/genome.h"
#include "util/rng.h"

typedef struct nsga2_variation {
    double p_crossover; /* per pair, [0, 1] */
    double p_mutation;  /* per gene, [0, 1] */
    double eta_c;       /* SBX distribution index (> 0), real genes only */
    double eta_m;       /* polynomial-mutation distribution index (> 0), real genes only */
} nsga2_variation;

#define NSGA2_VARIATION_INIT {.p_crossover = 0.9, .p_mutation = 0.1, .eta_c = 20.0, .eta_m = 20.0}

/* p1, p2: parents; c1, c2: children (may not alias the parents). */
void nsga2_crossover(const nsga2_space *sp, const nsga2_variation *v, snac_rng *r, const double *p1,
                     const double *p2, double *c1, double *c2);
void nsga2_mutate(const nsga2_space *sp, const nsga2_variation *v, snac_rng *r, double *g);

#endif
