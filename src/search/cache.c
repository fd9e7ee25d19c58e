/* cache — ring of evaluated genomes behind a linear-probing hash index; see cache.h.
 *
 * Memory: one allocation per array at nsga2_cache_alloc, sized by cap.
 * Workload: expected O(1) probes per operation at load factor <= 1/2.
 */
#include "search/cache.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"

int nsga2_cache_alloc(size_t cap, size_t n_genes, size_t n_obj, nsga2_cache **out)
{
    *out = NULL;
    if (cap > (SIZE_MAX / 4) / (n_genes + n_obj + 2) / sizeof(double))
        return snac_err_set(SNAC_EINVAL, "evaluation cache: capacity %zu is too large", cap);
    nsga2_cache *c = calloc(1, sizeof *c);
    if (!c)
        return snac_err_set(SNAC_ENOMEM, "evaluation cache: out of memory");
    c->cap = cap;
    c->n_genes = n_genes;
    c->n_obj = n_obj;
    size_t slots = 2;
    while (slots < 2 * cap)
        slots *= 2;
    c->mask = slots - 1;
    size_t rows = cap ? cap : 1;
    c->genome = malloc(rows * n_genes * sizeof *c->genome);
    c->f = malloc(rows * n_obj * sizeof *c->f);
    c->viol = malloc(rows * sizeof *c->viol);
    c->hash = malloc(rows * sizeof *c->hash);
    c->slot = calloc(slots, sizeof *c->slot);
    if (!c->genome || !c->f || !c->viol || !c->hash || !c->slot) {
        nsga2_cache_free(c);
        return snac_err_set(SNAC_ENOMEM, "evaluation cache: out of memory for %zu genomes", cap);
    }
    *out = c;
    return SNAC_OK;
}

void nsga2_cache_free(nsga2_cache *c)
{
    if (!c)
        return;
    free(c->genome);
    free(c->f);
    free(c->viol);
    free(c->hash);
    free(c->slot);
    free(c);
}

bool nsga2_cache_find(const nsga2_cache *c, const nsga2_space *sp, const double *g, uint64_t h,
                      size_t *entry)
{
    if (c->cap == 0)
        return false;
    for (size_t s = h & c->mask;; s = (s + 1) & c->mask) {
        size_t e = c->slot[s];
        if (e == 0)
            return false;
        e--;
        if (c->hash[e] == h && nsga2_genome_same(sp, c->genome + e * c->n_genes, g)) {
            *entry = e;
            return true;
        }
    }
}

/* Remove entry e from the index: find its slot, then shift later members of the
 * probe run back so every remaining key stays reachable from its home slot. */
static void unindex(nsga2_cache *c, size_t e)
{
    size_t i = c->hash[e] & c->mask;
    while (c->slot[i] != e + 1)
        i = (i + 1) & c->mask;
    for (size_t j = (i + 1) & c->mask; c->slot[j] != 0; j = (j + 1) & c->mask) {
        size_t home = c->hash[c->slot[j] - 1] & c->mask;
        /* the key at j may move to the hole at i only if its home is not in (i, j] */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (stays)
            continue;
        c->slot[i] = c->slot[j];
        i = j;
    }
    c->slot[i] = 0;
}

void nsga2_cache_put(nsga2_cache *c, const nsga2_space *sp, const double *g, uint64_t h, const double *f,
                     double viol)
{
    if (c->cap == 0)
        return;
    size_t e;
    if (!nsga2_cache_find(c, sp, g, h, &e)) {
        e = c->next;
        if (c->count == c->cap)
            unindex(c, e);
        else
            c->count++;
        c->next = (c->next + 1) % c->cap;
        memcpy(c->genome + e * c->n_genes, g, c->n_genes * sizeof *g);
        c->hash[e] = h;
        size_t s = h & c->mask;
        while (c->slot[s] != 0)
            s = (s + 1) & c->mask;
        c->slot[s] = e + 1;
    }
    memcpy(c->f + e * c->n_obj, f, c->n_obj * sizeof *f);
    c->viol[e] = viol;
}
