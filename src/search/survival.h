/* survival — elitist crowded-comparison survival (Deb et al. 2002, sec. III-C, main loop).
 *
 * From a combined population R (parents + offspring, 2N in the main loop) keep N:
 * sort R into fronts F_1, F_2, ... (rank.h) and compute every front's crowding
 * distance (crowddist.h); take whole fronts while they fit; from the front that
 * does not fit, take its members in descending crowding distance (ties by their
 * position in the front) until N are kept. The kept members carry the rank and
 * distance computed in R; those are what the next tournament compares.
 *
 * Memory: nsga2_survival_work holds the sort workspace and index buffers for up
 * to n_max members, allocated once; nsga2_survive allocates nothing.
 * Workload: one call per generation, O(M n^2).
 */
#ifndef SNAC_SEARCH_SURVIVAL_H
#define SNAC_SEARCH_SURVIVAL_H

#include <stddef.h>

typedef struct nsga2_survival_work nsga2_survival_work;

int nsga2_survival_work_alloc(size_t n_max, nsga2_survival_work **out);
void nsga2_survival_work_free(nsga2_survival_work *w);

/* f: (n, m); viol: (n) or NULL. keep: (n_keep) out, the kept members, best fronts
 * first; rank, crowd: (n) out for every member of R. n_keep <= n <= n_max. */
int nsga2_survive(const double *f, const double *viol, size_t n, size_t m, size_t n_keep, size_t *keep,
                  size_t *rank, double *crowd, nsga2_survival_work *w);

#endif
