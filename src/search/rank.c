/* rank — fast non-dominated sort; see rank.h.
 *
 * Memory: the workspace owns an (n_max, n_max) uint32 block for the S_p lists
 * (160 kB for n_max = 200) plus two counters per solution.
 * Workload: O(M N^2) per call.
 */
#include "search/rank.h"

#include <stdint.h>
#include <stdlib.h>

#include "search/dominance.h"
#include "util/err.h"

struct nsga2_rank_work {
    size_t n_max;
    uint32_t *dominated; /* (n_max, n_max): row p lists S_p, the solutions p dominates */
    size_t *n_dominated; /* (n_max): |S_p| */
    size_t *n_dominators; /* (n_max): n_p, decremented while peeling */
};

int nsga2_rank_work_alloc(size_t n_max, nsga2_rank_work **out)
{
    *out = NULL;
    if (n_max == 0 || n_max > UINT32_MAX || n_max > SIZE_MAX / sizeof(uint32_t) / n_max)
        return snac_err_set(SNAC_EINVAL, "non-dominated sort: workspace size %zu out of range", n_max);
    nsga2_rank_work *w = calloc(1, sizeof *w);
    if (!w)
        return snac_err_set(SNAC_ENOMEM, "non-dominated sort: out of memory");
    w->n_max = n_max;
    w->dominated = malloc(n_max * n_max * sizeof *w->dominated);
    w->n_dominated = malloc(n_max * sizeof *w->n_dominated);
    w->n_dominators = malloc(n_max * sizeof *w->n_dominators);
    if (!w->dominated || !w->n_dominated || !w->n_dominators) {
        nsga2_rank_work_free(w);
        return snac_err_set(SNAC_ENOMEM, "non-dominated sort: out of memory for %zu solutions", n_max);
    }
    *out = w;
    return SNAC_OK;
}

void nsga2_rank_work_free(nsga2_rank_work *w)
{
    if (!w)
        return;
    free(w->dominated);
    free(w->n_dominated);
    free(w->n_dominators);
    free(w);
}

int nsga2_rank(const double *f, const double *viol, size_t n, size_t m, size_t *rank, size_t *order,
               size_t *start, size_t *n_fronts, nsga2_rank_work *w)
{
    if (n > w->n_max)
        return snac_err_set(SNAC_EINVAL, "non-dominated sort: %zu solutions, workspace holds %zu", n, w->n_max);

    /* ---- every pair once: build S_p and n_p */
    for (size_t p = 0; p < n; p++) {
        w->n_dominated[p] = 0;
        w->n_dominators[p] = 0;
    }
    for (size_t p = 0; p < n; p++) {
        double vp = viol ? viol[p] : 0.0;
        for (size_t q = p + 1; q < n; q++) {
            double vq = viol ? viol[q] : 0.0;
            int c = nsga2_dom_compare(f + p * m, vp, f + q * m, vq, m);
            if (c > 0) {
                w->dominated[p * w->n_max + w->n_dominated[p]++] = (uint32_t)q;
                w->n_dominators[q]++;
            } else if (c < 0) {
                w->dominated[q * w->n_max + w->n_dominated[q]++] = (uint32_t)p;
                w->n_dominators[p]++;
            }
        }
    }

    /* ---- first front: nobody dominates them */
    size_t filled = 0, k = 0;
    start[0] = 0;
    for (size_t p = 0; p < n; p++)
        if (w->n_dominators[p] == 0) {
            rank[p] = 0;
            order[filled++] = p;
        }

    /* ---- peel: front k+1 is whoever loses its last dominator to front k */
    while (start[k] < filled) {
        size_t end = filled;
        start[k + 1] = end;
        for (size_t i = start[k]; i < end; i++) {
            size_t p = order[i];
            const uint32_t *sp = w->dominated + p * w->n_max;
            for (size_t t = 0; t < w->n_dominated[p]; t++) {
                size_t q = sp[t];
                if (--w->n_dominators[q] == 0) {
                    rank[q] = k + 1;
                    order[filled++] = q;
                }
            }
        }
        k++;
    }
    *n_fronts = k;
    return SNAC_OK;
}
