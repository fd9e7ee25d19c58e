/* prune — magnitude masks and the iterative schedule; see prune.h.
 *
 * Memory: one index array per prune_magnitude call, freed before it returns.
 * Workload: a sort of the surviving weights per step.
 */
#include "prune/prune.h"

#include <math.h>
#include <stdlib.h>

#include "util/err.h"

const char *const prune_scope_names[PRUNE_SCOPE_COUNT] = {"layer", "global"};
_Static_assert(sizeof prune_scope_names / sizeof *prune_scope_names == PRUNE_SCOPE_COUNT, "scope names");

double prune_target_sparsity(double rate, size_t iteration)
{
    return 1.0 - pow(1.0 - rate, (double)iteration);
}

/* One candidate: its magnitude (-1 when already masked, so masked ones go first), where it is. */
typedef struct cand {
    float key;
    uint32_t tensor;
    uint32_t index;
} cand;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->tensor != y->tensor)
        return x->tensor < y->tensor ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* Mask the first k of cands (sorted). */
static int mask_smallest(prune_tensor *t, const prune_tensor *group, size_t n_group, uint32_t first_tensor,
                         double sparsity)
{
    size_t n = 0;
    for (size_t g = 0; g < n_group; g++)
        n += group[g].n;
    if (n == 0)
        return SNAC_OK;
    cand *c = malloc(n * sizeof *c);
    if (!c)
        return snac_err_set(SNAC_ENOMEM, "pruning: out of memory for %zu weights", n);
    size_t k = 0;
    for (size_t g = 0; g < n_group; g++)
        for (size_t i = 0; i < group[g].n; i++, k++) {
            c[k].key = group[g].mask[i] ? fabsf(group[g].w[i]) : -1.0f;
            c[k].tensor = (uint32_t)(first_tensor + g);
            c[k].index = (uint32_t)i;
        }
    qsort(c, n, sizeof *c, cand_cmp);
    size_t target = (size_t)llround(sparsity * (double)n);
    if (target > n)
        target = n;
    for (size_t j = 0; j < target; j++) {
        prune_tensor *d = &t[c[j].tensor];
        d->mask[c[j].index] = 0;
        d->w[c[j].index] = 0.0f;
    }
    free(c);
    return SNAC_OK;
}

int prune_magnitude(prune_tensor *t, size_t n_tensors, double sparsity, enum prune_scope scope)
{
    if (!(sparsity >= 0.0 && sparsity <= 1.0))
        return snac_err_set(SNAC_EINVAL, "pruning: sparsity %g outside [0, 1]", sparsity);
    for (size_t g = 0; g < n_tensors; g++)
        for (size_t i = 0; i < t[g].n; i++)
            if (!isfinite(t[g].w[i]))
                return snac_err_set(SNAC_EINVAL, "pruning: tensor %zu weight %zu is not finite", g, i);
    if (scope == PRUNE_SCOPE_GLOBAL)
        return mask_smallest(t, t, n_tensors, 0, sparsity);
    for (size_t g = 0; g < n_tensors; g++) {
        int rc = mask_smallest(t, &t[g], 1, (uint32_t)g, sparsity);
        if (rc)
            return rc;
    }
    return SNAC_OK;
}

void prune_rewind(prune_tensor *t, size_t n_tensors, const float *ckpt)
{
    for (size_t g = 0; g < n_tensors; g++) {
        for (size_t i = 0; i < t[g].n; i++)
            t[g].w[i] = t[g].mask[i] ? ckpt[i] : 0.0f;
        ckpt += t[g].n;
    }
}

void prune_apply_masks(prune_tensor *t, size_t n_tensors)
{
    for (size_t g = 0; g < n_tensors; g++)
        for (size_t i = 0; i < t[g].n; i++)
            if (!t[g].mask[i])
                t[g].w[i] = 0.0f;
}

double prune_sparsity(const prune_tensor *t, size_t n_tensors)
{
    size_t n = 0, z = 0;
    for (size_t g = 0; g < n_tensors; g++)
        for (size_t i = 0; i < t[g].n; i++) {
            n++;
            z += t[g].mask[i] == 0;
        }
    return n ? (double)z / (double)n : 0.0;
}
