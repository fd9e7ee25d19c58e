/* hypervolume — exact 2-D sweep and 3-D slicing; see hypervolume.h.
 *
 * Memory: the workspace holds index and coordinate buffers of n_max entries.
 * Workload: O(n log n) for m = 2, O(n^2) for m = 3.
 */
#include "search/hypervolume.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "search/sortidx.h"
#include "util/err.h"

struct nsga2_hv_work {
    size_t n_max;
    size_t *idx; /* (n_max) points inside the reference box */
    size_t *tmp; /* (n_max) sort scratch */
    double *x;   /* (n_max) 3-D: f_1 of the points so far, ascending */
    double *y;   /* (n_max) 3-D: their f_2 */
};

int nsga2_hv_work_alloc(size_t n_max, nsga2_hv_work **out)
{
    *out = NULL;
    if (n_max == 0 || n_max > SIZE_MAX / sizeof(double))
        return snac_err_set(SNAC_EINVAL, "hypervolume: workspace size %zu out of range", n_max);
    nsga2_hv_work *w = calloc(1, sizeof *w);
    if (!w)
        return snac_err_set(SNAC_ENOMEM, "hypervolume: out of memory");
    w->n_max = n_max;
    w->idx = malloc(n_max * sizeof *w->idx);
    w->tmp = malloc(n_max * sizeof *w->tmp);
    w->x = malloc(n_max * sizeof *w->x);
    w->y = malloc(n_max * sizeof *w->y);
    if (!w->idx || !w->tmp || !w->x || !w->y) {
        nsga2_hv_work_free(w);
        return snac_err_set(SNAC_ENOMEM, "hypervolume: out of memory for %zu points", n_max);
    }
    *out = w;
    return SNAC_OK;
}

void nsga2_hv_work_free(nsga2_hv_work *w)
{
    if (!w)
        return;
    free(w->idx);
    free(w->tmp);
    free(w->x);
    free(w->y);
    free(w);
}

/* Area dominated by points (x[i], y[i]), x ascending, inside ref (rx, ry). */
static double sweep2(const double *x, const double *y, size_t n, double rx, double ry)
{
    double area = 0.0, y_best = ry;
    for (size_t i = 0; i < n; i++)
        if (y[i] < y_best) {
            area += (rx - x[i]) * (y_best - y[i]);
            y_best = y[i];
        }
    return area;
}

static double hv2(const double *f, const size_t *idx, size_t k, const double *ref)
{
    double area = 0.0, y_best = ref[1];
    for (size_t i = 0; i < k; i++) {
        const double *p = f + idx[i] * 2;
        if (p[1] < y_best) {
            area += (ref[0] - p[0]) * (y_best - p[1]);
            y_best = p[1];
        }
    }
    return area;
}

static double hv3(const double *f, const size_t *idx, size_t k, const double *ref, nsga2_hv_work *w)
{
    double vol = 0.0;
    for (size_t i = 0; i < k; i++) {
        const double *p = f + idx[i] * 3;
        /* insert (p0, p1) into the x-sorted list */
        size_t at = i;
        while (at > 0 && w->x[at - 1] > p[0]) {
            w->x[at] = w->x[at - 1];
            w->y[at] = w->y[at - 1];
            at--;
        }
        w->x[at] = p[0];
        w->y[at] = p[1];
        double z_next = i + 1 < k ? f[idx[i + 1] * 3 + 2] : ref[2];
        if (z_next > p[2])
            vol += sweep2(w->x, w->y, i + 1, ref[0], ref[1]) * (z_next - p[2]);
    }
    return vol;
}

int nsga2_hv(const double *f, size_t n, size_t m, const double *ref, double *hv, nsga2_hv_work *w)
{
    *hv = 0.0;
    if (m != 2 && m != 3)
        return snac_err_set(SNAC_EINVAL, "hypervolume: %zu objectives (only 2 and 3 are supported)", m);
    if (n > w->n_max)
        return snac_err_set(SNAC_EINVAL, "hypervolume: %zu points, workspace holds %zu", n, w->n_max);
    for (size_t j = 0; j < m; j++)
        if (!isfinite(ref[j]))
            return snac_err_set(SNAC_EINVAL, "hypervolume: reference point coordinate %zu is not finite", j);

    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool inside = true;
        for (size_t j = 0; j < m; j++)
            inside = inside && f[i * m + j] < ref[j];
        if (inside)
            w->idx[k++] = i;
    }
    /* m = 2: ascending f_1; m = 3: ascending f_3 */
    nsga2_sort_idx(w->idx, k, f + (m == 3 ? 2 : 0), m, false, w->tmp);
    *hv = m == 2 ? hv2(f, w->idx, k, ref) : hv3(f, w->idx, k, ref, w);
    return SNAC_OK;
}
