/* pipeline_pick — which trials the loop takes to the local search and which models it builds.
 *
 * Both choices spread over architectures before they go down an accuracy list: two chains on
 * the same layer widths (front members that differ only in learning rate, L1 or dropout) give
 * the local search nothing new and the refit one architecture, which it cannot fit on.
 * Pure functions over a candidate list; pipeline_run fills `group` from the store.
 */
#ifndef SNAC_PIPELINE_PIPELINE_PICK_H
#define SNAC_PIPELINE_PIPELINE_PICK_H

#include <stddef.h>
#include <stdint.h>

typedef struct pipe_cand {
    int64_t id;
    double acc;
    int64_t group; /* select: the layer widths' index; build: the source trial of the chain */
} pipe_cand;

/* Sort c by accuracy, highest first (ties: lower id first), and keep the most accurate
 * candidate of each group, in that order; returns how many are kept (at the front of c). */
size_t pipe_pick_per_group(pipe_cand *c, size_t n);

/* Sort c so that every group's best comes first, then every group's second best, and so on;
 * within one such round by accuracy, highest first (ties: lower id first). The first k then
 * hold min(k, number of groups) groups. Returns 0, or -1 when out of memory (c unchanged
 * but for the accuracy order). */
int pipe_order_round_robin(pipe_cand *c, size_t n);

#endif
