/* crowddist — crowding-distance assignment (Deb et al. 2002, sec. III-B).
 *
 * For one front: for each objective j, sort the front by f_j; the two boundary
 * solutions get an infinite distance, and every interior solution adds
 * (f_j[next] - f_j[prev]) / (f_j max - f_j min) over the front. An objective whose
 * range over the front is 0 contributes nothing (not even the infinite boundary
 * values). A front of one or two solutions is all boundary: infinite distances.
 * Ties in f_j are ordered by position in `front`, so results never depend on the
 * sort implementation.
 *
 * Memory: caller-provided scratch (2k indices); nothing is allocated.
 * Workload: O(M k log k) per front.
 */
#ifndef SNAC_SEARCH_CROWDDIST_H
#define SNAC_SEARCH_CROWDDIST_H

#include <stddef.h>

/* f: (n, m) objectives of the whole population; front: (k) indices into it.
 * dist[front[i]] is written for every i (dist is indexed like f's rows).
 * work: (2k) scratch. */
void nsga2_crowding(const double *f, size_t m, const size_t *front, size_t k, double *dist, size_t *work);

#endif
