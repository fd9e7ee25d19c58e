/* genome — the gene description of a search space and the operations on one genome.
 *
 * A genome is a fixed-length vector of doubles, one per gene, and holds every gene
 * of the space. Two kinds of gene:
 *   categorical  value is an index 0..n_choices-1, held exactly in the double
 *                (read it with nsga2_genome_choice);
 *   real         value in [lo, hi] (used by the ZDT benchmarks, and open to
 *                continuous hyper-parameters).
 * A gene may be gated by an earlier categorical gene: it is active only while the
 * gate gene is active and its value is >= gate_min. This is how "width of layer 6"
 * depends on "number of layers". An inactive gene is still carried and inherited by
 * crossover (so a later deeper child gets a width from its ancestry, never a random
 * draw), but it does not take part in the genome's identity: two genomes that differ
 * only in inactive genes describe the same architecture, hash the same and hit the
 * same evaluation-cache entry.
 *
 * Memory: nsga2_space only points at the caller's gene array. Nothing here allocates.
 * Workload: O(n_genes) per call (times the gate-chain length, 1 in practice).
 */
#ifndef SNAC_SEARCH_GENOME_H
#define SNAC_SEARCH_GENOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/rng.h"

enum nsga2_gene_kind { NSGA2_GENE_CAT, NSGA2_GENE_REAL, NSGA2_GENE_KIND_COUNT };
extern const char *const nsga2_gene_kind_names[NSGA2_GENE_KIND_COUNT]; /* "categorical", "real" */

typedef struct nsga2_gene {
    enum nsga2_gene_kind kind;
    size_t n_choices; /* categorical: number of values (>= 1) */
    double lo, hi;    /* real: bounds, finite, lo < hi */
    bool gated;       /* false: always active */
    size_t gate;      /* gated: index of an earlier categorical gene */
    size_t gate_min;  /* gated: active iff genome[gate] >= gate_min and the gate is active */
} nsga2_gene;

#define NSGA2_GENE_CATEGORICAL(n) ((nsga2_gene){.kind = NSGA2_GENE_CAT, .n_choices = (n)})
#define NSGA2_GENE_REAL_RANGE(l, h) ((nsga2_gene){.kind = NSGA2_GENE_REAL, .lo = (l), .hi = (h)})
/* A categorical gene active only while gene `g` has a value >= `min`. */
#define NSGA2_GENE_CATEGORICAL_GATED(n, g, min) \
    ((nsga2_gene){.kind = NSGA2_GENE_CAT, .n_choices = (n), .gated = true, .gate = (g), .gate_min = (min)})

typedef struct nsga2_space {
    size_t n_genes;
    const nsga2_gene *genes; /* (n_genes), not owned */
} nsga2_space;

/* SNAC_EINVAL with the offending gene named if the description is unusable. */
int nsga2_space_check(const nsga2_space *sp);
/* SNAC_EINVAL if a value is outside its gene's domain (non-integer or out-of-range
 * index, real outside [lo, hi] or not finite). */
int nsga2_genome_check(const nsga2_space *sp, const double *g);

static inline size_t nsga2_genome_choice(const double *g, size_t i) { return (size_t)g[i]; }
bool nsga2_genome_active(const nsga2_space *sp, const double *g, size_t i);

/* Identity over the active genes: equal genomes hash equal. */
uint64_t nsga2_genome_hash(const nsga2_space *sp, const double *g);
bool nsga2_genome_same(const nsga2_space *sp, const double *a, const double *b);

/* Uniform random genome: every gene (active or not) drawn from its domain. */
void nsga2_genome_random(const nsga2_space *sp, snac_rng *r, double *g);

#endif
