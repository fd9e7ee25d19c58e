/* sortidx — stable bottom-up merge sort of an index list by a strided key; see sortidx.h.
 *
 * Memory: caller-provided scratch, no allocation. Workload: O(n log n).
 */
#include "search/sortidx.h"

#include <string.h>

/* Does element b go strictly before element a? (Strict, so ties keep input order.) */
static bool goes_before(const double *key, size_t stride, bool descending, size_t b, size_t a)
{
    double kb = key[b * stride], ka = key[a * stride];
    return descending ? kb > ka : kb < ka;
}

void nsga2_sort_idx(size_t *idx, size_t n, const double *key, size_t stride, bool descending,
                    size_t *tmp)
{
    size_t *src = idx, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = goes_before(key, stride, descending, src[j], src[i]) ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        size_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != idx)
        memcpy(idx, src, n * sizeof *idx);
}
