/* fidelity — the rung rule and the learning-curve extrapolation; see fidelity.h.
 *
 * Memory: the workspace (survival work, rank, crowding and keep buffers of n_max) is
 * allocated by search_fidelity_work_alloc; a selection writes into it only.
 * Workload: one survival sort per rung, O(M n^2) with n <= the population; the
 * extrapolation O(R M n).
 */
#include "search/fidelity.h"

#include <math.h>
#include <stdlib.h>

#include "search/survival.h"
#include "util/err.h"

struct search_fidelity_work {
    size_t n_max;
    nsga2_survival_work *surv;
    size_t *keep, *rank; /* (n_max) */
    double *crowd;       /* (n_max) */
};

int search_fidelity_work_alloc(size_t n_max, search_fidelity_work **out)
{
    *out = NULL;
    search_fidelity_work *w = calloc(1, sizeof *w);
    if (!w)
        return snac_err_set(SNAC_ENOMEM, "fidelity: out of memory");
    w->n_max = n_max;
    w->keep = malloc((n_max ? n_max : 1) * sizeof *w->keep);
    w->rank = malloc((n_max ? n_max : 1) * sizeof *w->rank);
    w->crowd = malloc((n_max ? n_max : 1) * sizeof *w->crowd);
    int rc = nsga2_survival_work_alloc(n_max, &w->surv);
    if (!rc && (!w->keep || !w->rank || !w->crowd))
        rc = snac_err_set(SNAC_ENOMEM, "fidelity: out of memory for %zu candidates", n_max);
    if (rc) {
        search_fidelity_work_free(w);
        return rc;
    }
    *out = w;
    return SNAC_OK;
}

void search_fidelity_work_free(search_fidelity_work *w)
{
    if (!w)
        return;
    nsga2_survival_work_free(w->surv);
    free(w->keep);
    free(w->rank);
    free(w->crowd);
    free(w);
}

size_t search_fidelity_keep_count(size_t n, double keep)
{
    if (n == 0)
        return 0;
    size_t k = (size_t)ceil(keep * (double)n - 1e-9); /* 0.5 x 20 is 10, not 11 */
    return k < 1 ? 1 : k > n ? n : k;
}

int search_fidelity_select(const double *f, const double *viol, const unsigned char *failed, size_t n, size_t m,
                           double keep, size_t *adv, size_t *n_adv, search_fidelity_work *w)
{
    *n_adv = 0;
    if (n == 0)
        return SNAC_OK;
    if (n > w->n_max)
        return snac_err_set(SNAC_EINVAL, "fidelity: %zu candidates, workspace holds %zu", n, w->n_max);
    size_t k = search_fidelity_keep_count(n, keep);
    int rc = nsga2_survive(f, viol, n, m, k, w->keep, w->rank, w->crowd, w->surv);
    if (rc)
        return rc;
    /* ascending, without the failed: the order jobs are handed out in */
    for (size_t i = 0; i < n; i++)
        w->rank[i] = 0;
    for (size_t j = 0; j < k; j++)
        w->rank[w->keep[j]] = 1;
    for (size_t i = 0; i < n; i++)
        if (w->rank[i] && !(failed && failed[i]))
            adv[(*n_adv)++] = i;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- learning-curve extrapolation */

void search_fidelity_extrapolate(const double *fr, const size_t *last, size_t n, size_t R, size_t m, double *f)
{
    if (R == 0)
        return;
    size_t top = R - 1, n_top = 0;
    for (size_t i = 0; i < n; i++)
        n_top += last[i] == top;
    for (size_t i = 0; i < n; i++) {
        if (last[i] >= R)
            continue;
        size_t r = last[i];
        for (size_t j = 0; j < m; j++) {
            double gain = 0.0; /* mean of f@top - f@r over the candidates that reached the top, in index order */
            if (r < top && n_top) {
                for (size_t q = 0; q < n; q++)
                    if (last[q] == top)
                        gain += fr[(q * R + top) * m + j] - fr[(q * R + r) * m + j];
                gain /= (double)n_top;
            }
            f[i * m + j] = fr[(i * R + r) * m + j] + gain;
        }
    }
}
