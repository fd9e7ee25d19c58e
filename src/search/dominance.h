/* dominance — Pareto dominance and Deb's constraint-domination (Deb et al. 2002, sec. V).
 *
 * All objectives are minimised (callers negate the ones they maximise). Each
 * individual carries one total constraint violation v >= 0; v == 0 is feasible.
 * Solution a constrained-dominates b when
 *   a is feasible and b is not, or
 *   both are infeasible and v_a < v_b, or
 *   both are feasible and a Pareto-dominates b
 *   (a_j <= b_j for every objective j and a_j < b_j for at least one).
 *
 * Memory: none. Workload: O(M) per comparison; called O(M N^2) times per generation.
 */
#ifndef SNAC_SEARCH_DOMINANCE_H
#define SNAC_SEARCH_DOMINANCE_H

#include <stdbool.h>
#include <stddef.h>

static inline bool nsga2_feasible(double viol) { return viol <= 0.0; }

/* a Pareto-dominates b over m objectives. */
bool nsga2_pareto_dominates(const double *fa, const double *fb, size_t m);

/* +1: a constrained-dominates b; -1: b constrained-dominates a; 0: neither. */
int nsga2_dom_compare(const double *fa, double va, const double *fb, double vb, size_t m);

static inline bool nsga2_constrained_dominates(const double *fa, double va, const double *fb, double vb,
                                               size_t m)
{
    return nsga2_dom_compare(fa, va, fb, vb, m) > 0;
}

#endif
