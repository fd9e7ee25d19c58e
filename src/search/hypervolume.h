/* hypervolume — exact dominated hypervolume of a point set for 2 and 3 objectives.
 *
 * The volume of the union of the boxes [f_i, ref] over the points (minimisation).
 * Points that do not strictly beat the reference point in every objective add
 * nothing and are skipped; dominated points and duplicates are allowed.
 *   m = 2: sort by f_1, sweep keeping the best f_2 so far: O(n log n).
 *   m = 3: slice along f_3 (Zitzler's HSO reduced to one slicing step): add points
 *          in ascending f_3, keep them sorted by f_1, and multiply the 2-D area of
 *          the points so far by the slab up to the next f_3: O(n^2).
 * Used for per-generation progress summaries and the convergence tests.
 *
 * Memory: nsga2_hv_work sized for n_max points, allocated once; nsga2_hv allocates nothing.
 * Workload: n up to a few hundred (a population or a front).
 */
#ifndef SNAC_SEARCH_HYPERVOLUME_H
#define SNAC_SEARCH_HYPERVOLUME_H

#include <stddef.h>

typedef struct nsga2_hv_work nsga2_hv_work;

int nsga2_hv_work_alloc(size_t n_max, nsga2_hv_work **out);
void nsga2_hv_work_free(nsga2_hv_work *w);

/* f: (n, m) points; ref: (m). m must be 2 or 3 (else SNAC_EINVAL); n <= n_max. */
int nsga2_hv(const double *f, size_t n, size_t m, const double *ref, double *hv, nsga2_hv_work *w);

#endif
