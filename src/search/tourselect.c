/* tourselect — crowded comparison and binary tournament; see tourselect.h.
 *
 * Memory: none. Workload: O(1) per tournament.
 */
#include "search/tourselect.h"

bool nsga2_crowded_less(const size_t *rank, const double *crowd, size_t i, size_t j)
{
    return rank[i] < rank[j] || (rank[i] == rank[j] && crowd[i] > crowd[j]);
}

size_t nsga2_tournament(snac_rng *r, size_t n, const size_t *rank, const double *crowd)
{
    if (n < 2)
        return 0;
    size_t a = (size_t)rng_below(r, n);
    size_t b = (size_t)rng_below(r, n - 1);
    if (b >= a)
        b++;
    return nsga2_crowded_less(rank, crowd, b, a) ? b : a;
}
