/* fidelity — the rung rule of multi-fidelity search (successive halving inside a
 * generation; search_config.h: search_fidelity), and the learning-curve extrapolation
 * survival may rank partial candidates by (search.fidelity.extrapolate).
 *
 * At a rung, n candidates have objectives measured after that rung's epochs. The ones
 * that continue are the best ceil(keep n) by the same order NSGA-II survival uses:
 * constraint-domination fronts first, then descending crowding distance in the front
 * that does not fit, ties by index (survival.h). Failed candidates never continue.
 * The result depends on the objective values only: the same at any worker count.
 *
 * Memory: the workspace holds survival buffers for up to n_max candidates, allocated
 * once; search_fidelity_select allocates nothing. Workload: O(M n^2) per rung.
 */
#ifndef SNAC_SEARCH_FIDELITY_H
#define SNAC_SEARCH_FIDELITY_H

#include <stddef.h>

typedef struct search_fidelity_work search_fidelity_work;

int search_fidelity_work_alloc(size_t n_max, search_fidelity_work **out);
void search_fidelity_work_free(search_fidelity_work *w);

/* How many of n candidates continue: ceil(keep n), at least 1 (n > 0), at most n. */
size_t search_fidelity_keep_count(size_t n, double keep);

/* f: (n, m) minimised objectives at this rung; viol: (n) or NULL; failed: (n) non-zero =
 * the candidate failed (or NULL). adv: (n) out, the candidates that continue, ascending;
 * *n_adv their count. n <= n_max. */
int search_fidelity_select(const double *f, const double *viol, const unsigned char *failed, size_t n, size_t m,
                           double keep, size_t *adv, size_t *n_adv, search_fidelity_work *w);

/* The learning-curve extrapolation survival uses with search.fidelity.extrapolate. fr:
 * (n, R, m) the objectives of n candidates after each of R rungs; last: (n) the last rung
 * each reached, R = none (failed, or not a candidate: left out). For a rung r < R - 1 the
 * gain is the mean over the candidates with last = R - 1 of f@(R-1) - f@r, per objective;
 * a candidate that stopped at r gets f = f@r + gain(r) (no candidate reached the last
 * rung: gain 0); one with last = R - 1 gets f@(R-1). f: (n, m) out; rows with last = R
 * are not written. Allocates nothing; the result depends on the values only. */
void search_fidelity_extrapolate(const double *fr, const size_t *last, size_t n, size_t R, size_t m, double *f);

#endif
