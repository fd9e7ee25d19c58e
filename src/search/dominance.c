/* dominance — Pareto and constraint-domination comparisons; see dominance.h.
 *
 * Memory: none. Workload: O(M) per call, the inner loop of the non-dominated sort.
 */
#include "search/dominance.h"

bool nsga2_pareto_dominates(const double *fa, const double *fb, size_t m)
{
    bool strictly = false;
    for (size_t j = 0; j < m; j++) {
        if (fa[j] > fb[j])
            return false;
        if (fa[j] < fb[j])
            strictly = true;
    }
    return strictly;
}

/* One pass decides both directions: track whether a is better somewhere and b somewhere. */
static int pareto_compare(const double *fa, const double *fb, size_t m)
{
    bool a_better = false, b_better = false;
    for (size_t j = 0; j < m; j++) {
        if (fa[j] < fb[j])
            a_better = true;
        else if (fb[j] < fa[j])
            b_better = true;
        if (a_better && b_better)
            return 0;
    }
    return a_better ? (b_better ? 0 : 1) : (b_better ? -1 : 0);
}

int nsga2_dom_compare(const double *fa, double va, const double *fb, double vb, size_t m)
{
    bool a_ok = nsga2_feasible(va), b_ok = nsga2_feasible(vb);
    if (a_ok && b_ok)
        return pareto_compare(fa, fb, m);
    if (a_ok != b_ok)
        return a_ok ? 1 : -1;
    return va < vb ? 1 : (vb < va ? -1 : 0);
}
