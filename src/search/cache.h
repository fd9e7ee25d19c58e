/* cache — evaluated genomes and their objectives, so an identical genome is evaluated once.
 *
 * A fixed-capacity table of (genome, objectives, violation) entries keyed by genome
 * identity (genome.h: active genes only). Open addressing with linear probing over
 * a power-of-two slot array at most half full; entries live in a ring, and when the
 * ring is full the oldest entry is evicted (backward-shift deletion, no tombstones),
 * so a long search keeps the most recent `cap` genomes. cap == 0 disables the cache.
 *
 * Memory: nsga2_cache_alloc allocates everything; find/put allocate nothing.
 * Workload: O(n_genes) expected per find/put; N finds and up to N puts per generation.
 */
#ifndef SNAC_SEARCH_CACHE_H
#define SNAC_SEARCH_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "search/genome.h"

typedef struct nsga2_cache {
    size_t cap, n_genes, n_obj;
    size_t count;    /* entries in use (<= cap) */
    size_t next;     /* ring slot the next put writes (the oldest entry once full) */
    double *genome;  /* (cap, n_genes) */
    double *f;       /* (cap, n_obj) */
    double *viol;    /* (cap) */
    uint64_t *hash;  /* (cap) */
    size_t *slot;    /* (mask + 1): entry index + 1, 0 = empty */
    size_t mask;
} nsga2_cache;

int nsga2_cache_alloc(size_t cap, size_t n_genes, size_t n_obj, nsga2_cache **out);
void nsga2_cache_free(nsga2_cache *c);

/* Entry index of genome g (hash h = nsga2_genome_hash(sp, g)), or false. */
bool nsga2_cache_find(const nsga2_cache *c, const nsga2_space *sp, const double *g, uint64_t h,
                      size_t *entry);
/* Remember g's objectives f (n_obj) and violation; an existing entry is overwritten,
 * else the oldest is evicted when full. */
void nsga2_cache_put(nsga2_cache *c, const nsga2_space *sp, const double *g, uint64_t h, const double *f,
                     double viol);

#endif
