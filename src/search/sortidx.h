/* sortidx — stable index sort by a strided double key (internal to src/search).
 *
 * NSGA-II sorts index lists by one objective (crowding distance), by crowding
 * distance (survival) and by a coordinate (hypervolume). qsort is not stable and
 * its tie order differs between C libraries, which would make a search depend on
 * the platform; this bottom-up merge sort is stable, so ties keep their input
 * order and the same seed gives the same search everywhere.
 *
 * Memory: the caller passes `tmp` with room for n indices; nothing is allocated.
 * Workload: O(n log n) comparisons, n up to a few thousand.
 */
#ifndef SNAC_SEARCH_SORTIDX_H
#define SNAC_SEARCH_SORTIDX_H

#include <stdbool.h>
#include <stddef.h>

/* Sort idx[0..n) so that key[idx[i]*stride] is ascending (descending if `descending`);
 * equal keys keep their input order. Keys must not be NaN. tmp: (n) scratch. */
void nsga2_sort_idx(size_t *idx, size_t n, const double *key, size_t stride, bool descending,
                    size_t *tmp);

#endif
