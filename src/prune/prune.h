/* prune — iterative magnitude pruning (Han et al. 2015) with the schedule and rewinding
 * SNAC-Pack's local search uses (nac-opt, after Frankle & Carbin's lottery tickets).
 *
 * Iteration i (1-based) reaches sparsity 1 - (1 - rate)^i. Each step masks the
 * smallest-magnitude surviving weights until round(sparsity * n) are masked, per tensor
 * (the reference's default: each kernel pruned to the same target) or over all tensors
 * at once (global). Masks only grow: a masked weight is never revived. Masked weights are
 * set to exactly 0. Biases are never pruned (pass weight tensors only).
 *
 * Memory: prune_magnitude allocates a sort index per call and frees it; nothing is
 * retained. Workload: one sort per step over the model's weights (26k for the baseline).
 */
#ifndef SNAC_PRUNE_PRUNE_H
#define SNAC_PRUNE_PRUNE_H

#include <stddef.h>
#include <stdint.h>

enum prune_scope { PRUNE_SCOPE_LAYER, PRUNE_SCOPE_GLOBAL, PRUNE_SCOPE_COUNT };
extern const char *const prune_scope_names[PRUNE_SCOPE_COUNT]; /* "layer", "global" */

typedef struct prune_tensor {
    float *w;       /* (n) weights; masked entries are set to 0 */
    uint8_t *mask;  /* (n) 1 = kept, 0 = pruned */
    size_t n;
} prune_tensor;

/* 1 - (1 - rate)^iteration; rate in (0, 1). */
double prune_target_sparsity(double rate, size_t iteration);

/* Grow the masks so that `sparsity` (in [0, 1]) of the weights are masked, per tensor or
 * globally; ties in magnitude go to the lower index, so the result is deterministic. */
int prune_magnitude(prune_tensor *t, size_t n_tensors, double sparsity, enum prune_scope scope);

/* Rewind (lottery-ticket style): every surviving weight takes its checkpoint value, every
 * masked one 0. ckpt holds the tensors' values back to back, in tensor order. */
void prune_rewind(prune_tensor *t, size_t n_tensors, const float *ckpt);

/* w[i] = 0 wherever mask[i] == 0. */
void prune_apply_masks(prune_tensor *t, size_t n_tensors);

/* Fraction masked over all tensors (or one: n_tensors = 1). */
double prune_sparsity(const prune_tensor *t, size_t n_tensors);

#endif
