/* rank — fast non-dominated sort (Deb et al. 2002, sec. III-A).
 *
 * For every pair (p, q) the constraint-domination test (dominance.h) is run once;
 * p keeps the list S_p of the solutions it dominates and n_p, the number that
 * dominate it. Front 1 is every p with n_p == 0; peeling a front decrements n_q
 * for each q in the S_p of its members, and the q reaching 0 form the next front.
 * O(M N^2) comparisons, O(N^2) memory for the S_p lists.
 *
 * Output: rank[i] (0 = first front); the fronts as one index list `order`,
 * front k being order[start[k] .. start[k+1]); inside a front the order is the
 * order of discovery, which depends only on the input.
 *
 * Memory: nsga2_rank_work holds the S_p lists and counters for up to n_max
 * solutions, allocated once; nsga2_rank allocates nothing.
 * Workload: one call per NSGA-II generation with N = 2 x population.
 */
#ifndef SNAC_SEARCH_RANK_H
#define SNAC_SEARCH_RANK_H

#include <stddef.h>

typedef struct nsga2_rank_work nsga2_rank_work;

int nsga2_rank_work_alloc(size_t n_max, nsga2_rank_work **out);
void nsga2_rank_work_free(nsga2_rank_work *w);

/* f: (n, m) row-major objectives; viol: (n) total violations, or NULL for all feasible.
 * rank: (n) out; order: (n) out; start: (n + 1) out; *n_fronts out.
 * SNAC_EINVAL if n exceeds the workspace. */
int nsga2_rank(const double *f, const double *viol, size_t n, size_t m, size_t *rank, size_t *order,
               size_t *start, size_t *n_fronts, nsga2_rank_work *w);

#endif
