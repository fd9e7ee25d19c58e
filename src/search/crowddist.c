/* crowddist — crowding distance of one front; see crowddist.h.
 *
 * Memory: caller scratch only. Workload: O(M k log k).
 */
#include "search/crowddist.h"

#include <math.h>
#include <string.h>

#include "search/sortidx.h"

void nsga2_crowding(const double *f, size_t m, const size_t *front, size_t k, double *dist, size_t *work)
{
    for (size_t i = 0; i < k; i++)
        dist[front[i]] = k <= 2 ? INFINITY : 0.0;
    if (k <= 2)
        return;

    size_t *sorted = work, *tmp = work + k;
    for (size_t j = 0; j < m; j++) {
        memcpy(sorted, front, k * sizeof *sorted);
        nsga2_sort_idx(sorted, k, f + j, m, false, tmp);
        double lo = f[sorted[0] * m + j], hi = f[sorted[k - 1] * m + j];
        double range = hi - lo;
        if (!(range > 0.0))
            continue;
        dist[sorted[0]] = INFINITY;
        dist[sorted[k - 1]] = INFINITY;
        for (size_t i = 1; i + 1 < k; i++)
            dist[sorted[i]] += (f[sorted[i + 1] * m + j] - f[sorted[i - 1] * m + j]) / range;
    }
}
