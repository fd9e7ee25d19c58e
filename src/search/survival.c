/* survival — keep the best N of the combined population by fronts, then crowding; see survival.h.
 *
 * Memory: the workspace owns the non-dominated sort workspace and four index
 * buffers of n_max entries. Workload: O(M n^2) per call (the sort dominates).
 */
#include "search/survival.h"

#include <stdlib.h>
#include <string.h>

#include "search/crowddist.h"
#include "search/rank.h"
#include "search/sortidx.h"
#include "util/err.h"

struct nsga2_survival_work {
    size_t n_max;
    nsga2_rank_work *rank;
    size_t *order;   /* (n_max) fronts, concatenated */
    size_t *start;   /* (n_max + 1) front boundaries in order */
    size_t *scratch; /* (2 n_max) crowding and sort scratch */
};

int nsga2_survival_work_alloc(size_t n_max, nsga2_survival_work **out)
{
    *out = NULL;
    nsga2_survival_work *w = calloc(1, sizeof *w);
    if (!w)
        return snac_err_set(SNAC_ENOMEM, "survival: out of memory");
    w->n_max = n_max;
    int rc = nsga2_rank_work_alloc(n_max, &w->rank);
    if (rc) {
        nsga2_survival_work_free(w);
        return rc;
    }
    w->order = malloc(n_max * sizeof *w->order);
    w->start = malloc((n_max + 1) * sizeof *w->start);
    w->scratch = malloc(2 * n_max * sizeof *w->scratch);
    if (!w->order || !w->start || !w->scratch) {
        nsga2_survival_work_free(w);
        return snac_err_set(SNAC_ENOMEM, "survival: out of memory for %zu members", n_max);
    }
    *out = w;
    return SNAC_OK;
}

void nsga2_survival_work_free(nsga2_survival_work *w)
{
    if (!w)
        return;
    nsga2_rank_work_free(w->rank);
    free(w->order);
    free(w->start);
    free(w->scratch);
    free(w);
}

int nsga2_survive(const double *f, const double *viol, size_t n, size_t m, size_t n_keep, size_t *keep,
                  size_t *rank, double *crowd, nsga2_survival_work *w)
{
    if (n > w->n_max || n_keep > n)
        return snac_err_set(SNAC_EINVAL, "survival: keep %zu of %zu members, workspace holds %zu", n_keep, n,
                            w->n_max);
    size_t n_fronts = 0;
    int rc = nsga2_rank(f, viol, n, m, rank, w->order, w->start, &n_fronts, w->rank);
    if (rc)
        return rc;

    size_t kept = 0;
    for (size_t k = 0; k < n_fronts; k++) {
        size_t *front = w->order + w->start[k];
        size_t size = w->start[k + 1] - w->start[k];
        nsga2_crowding(f, m, front, size, crowd, w->scratch);
        if (kept == n_keep)
            continue; /* distances of the discarded fronts are still reported */
        if (kept + size > n_keep) {
            /* the front that does not fit: most isolated first. `front` is a slice of
             * `order`, which is ours to reorder. */
            nsga2_sort_idx(front, size, crowd, 1, true, w->scratch);
            size = n_keep - kept;
        }
        memcpy(keep + kept, front, size * sizeof *keep);
        kept += size;
    }
    return SNAC_OK;
}
