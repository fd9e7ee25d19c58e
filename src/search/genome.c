/* genome — gene descriptions, validity, activity, identity and random genomes; see genome.h.
 *
 * Memory: none allocated. Workload: O(n_genes) per call.
 */
#include "search/genome.h"

#include <math.h>
#include <string.h>

#include "util/err.h"
#include "util/rng.h"

const char *const nsga2_gene_kind_names[NSGA2_GENE_KIND_COUNT] = {"categorical", "real"};
_Static_assert(sizeof nsga2_gene_kind_names / sizeof nsga2_gene_kind_names[0] == NSGA2_GENE_KIND_COUNT,
               "one name per gene kind");

/* ---------------------------------------------------------------- validity */

int nsga2_space_check(const nsga2_space *sp)
{
    if (!sp || sp->n_genes == 0 || !sp->genes)
        return snac_err_set(SNAC_EINVAL, "search space: no genes");
    for (size_t i = 0; i < sp->n_genes; i++) {
        const nsga2_gene *ge = &sp->genes[i];
        switch (ge->kind) {
        case NSGA2_GENE_CAT:
            if (ge->n_choices == 0)
                return snac_err_set(SNAC_EINVAL, "search space: gene %zu: categorical gene with no choices", i);
            if (ge->n_choices > ((size_t)1 << 52))
                return snac_err_set(SNAC_EINVAL, "search space: gene %zu: %zu choices is too many", i,
                                    ge->n_choices);
            break;
        case NSGA2_GENE_REAL:
            if (!isfinite(ge->lo) || !isfinite(ge->hi) || !(ge->lo < ge->hi))
                return snac_err_set(SNAC_EINVAL, "search space: gene %zu: real bounds [%g, %g] are not a range",
                                    i, ge->lo, ge->hi);
            break;
        default:
            return snac_err_set(SNAC_EINVAL, "search space: gene %zu: unknown kind %d", i, (int)ge->kind);
        }
        if (ge->gated) {
            if (ge->gate >= i)
                return snac_err_set(SNAC_EINVAL, "search space: gene %zu: gate gene %zu must come before it", i,
                                    ge->gate);
            const nsga2_gene *gate = &sp->genes[ge->gate];
            if (gate->kind != NSGA2_GENE_CAT)
                return snac_err_set(SNAC_EINVAL, "search space: gene %zu: gate gene %zu is not categorical", i,
                                    ge->gate);
            if (ge->gate_min >= gate->n_choices)
                return snac_err_set(SNAC_EINVAL,
                                    "search space: gene %zu: gate value %zu >= %zu choices of gene %zu "
                                    "(gene would never be active)",
                                    i, ge->gate_min, gate->n_choices, ge->gate);
        }
    }
    return SNAC_OK;
}

int nsga2_genome_check(const nsga2_space *sp, const double *g)
{
    for (size_t i = 0; i < sp->n_genes; i++) {
        const nsga2_gene *ge = &sp->genes[i];
        double v = g[i];
        if (ge->kind == NSGA2_GENE_CAT) {
            if (!(v >= 0.0 && v < (double)ge->n_choices && v == floor(v)))
                return snac_err_set(SNAC_EINVAL, "genome: gene %zu: %g is not a choice index in [0, %zu)", i, v,
                                    ge->n_choices);
        } else if (!(v >= ge->lo && v <= ge->hi)) {
            return snac_err_set(SNAC_EINVAL, "genome: gene %zu: %g is outside [%g, %g]", i, v, ge->lo, ge->hi);
        }
    }
    return SNAC_OK;
}

/* ---------------------------------------------------------------- activity and identity */

bool nsga2_genome_active(const nsga2_space *sp, const double *g, size_t i)
{
    /* Walk up the gate chain; gates have smaller indices, so this ends. */
    for (;;) {
        const nsga2_gene *ge = &sp->genes[i];
        if (!ge->gated)
            return true;
        if (g[ge->gate] < (double)ge->gate_min)
            return false;
        i = ge->gate;
    }
}

uint64_t nsga2_genome_hash(const nsga2_space *sp, const double *g)
{
    const uint64_t inactive = 0x6e73676132696e61ULL; /* any fixed word; equality decides, not the hash */
    uint64_t h = RNG_GOLDEN_GAMMA ^ sp->n_genes;
    for (size_t i = 0; i < sp->n_genes; i++) {
        uint64_t w = inactive;
        if (nsga2_genome_active(sp, g, i)) {
            double v = g[i] + 0.0; /* -0.0 -> +0.0, so equal values hash equal */
            memcpy(&w, &v, sizeof w);
        }
        h = rng_mix64(h ^ w) + RNG_GOLDEN_GAMMA;
    }
    return h;
}

bool nsga2_genome_same(const nsga2_space *sp, const double *a, const double *b)
{
    /* Gates come first, so once the active genes agree up to i, so does the activity of i. */
    for (size_t i = 0; i < sp->n_genes; i++)
        if (a[i] != b[i] && nsga2_genome_active(sp, a, i))
            return false;
    return true;
}

/* ---------------------------------------------------------------- random genomes */

void nsga2_genome_random(const nsga2_space *sp, snac_rng *r, double *g)
{
    for (size_t i = 0; i < sp->n_genes; i++) {
        const nsga2_gene *ge = &sp->genes[i];
        if (ge->kind == NSGA2_GENE_CAT)
            g[i] = (double)rng_below(r, ge->n_choices);
        else
            g[i] = ge->lo + (ge->hi - ge->lo) * rng_uniform(r);
    }
}
