/* tourselect — binary tournament with the crowded-comparison operator (Deb et al. 2002, sec. III-C).
 *
 * Crowded comparison: i beats j (i <_n j) if rank_i < rank_j, or the ranks are
 * equal and crowd_i > crowd_j. Ranks come from the constraint-domination sort, so
 * feasibility and violation are already in them. A tournament draws two distinct
 * members uniformly; the winner by crowded comparison is the parent, and on a full
 * tie the first drawn wins (the draw is random, so this is unbiased).
 *
 * Memory: none. Workload: two random draws per selected parent.
 */
#ifndef SNAC_SEARCH_TOURSELECT_H
#define SNAC_SEARCH_TOURSELECT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/rng.h"

/* i <_n j: rank (n) and crowd (n) indexed by member. */
bool nsga2_crowded_less(const size_t *rank, const double *crowd, size_t i, size_t j);

/* Index of the winner of one binary tournament among members 0..n-1 (n >= 1). */
size_t nsga2_tournament(snac_rng *r, size_t n, const size_t *rank, const double *crowd);

#endif
