/* rng — explicit, seedable random state (xoshiro256**, seeded by splitmix64).
 *
 * Everything stochastic in snacpack takes an `snac_rng *`; there is no global
 * generator. Same seed, same stream, on every platform: the integer core is
 * exact and the float helpers are built from it by exact operations.
 */
#ifndef SNAC_UTIL_RNG_H
#define SNAC_UTIL_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct snac_rng {
    uint64_t s[4];
} snac_rng;

void rng_seed(snac_rng *r, uint64_t seed);
uint64_t rng_u64(snac_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double rng_uniform(snac_rng *r);
/* Uniform integer in [0, n); n > 0. Unbiased (rejection). */
uint64_t rng_below(snac_rng *r, uint64_t n);
/* Standard normal (Box–Muller, no cached second value so the state alone defines the stream). */
double rng_normal(snac_rng *r);
/* Fisher–Yates shuffle of idx[0..n). */
void rng_shuffle_size(snac_rng *r, size_t *idx, size_t n);
/* Derive an independent child stream (e.g. one per worker or per trial). */
void rng_split(snac_rng *r, snac_rng *child);

#endif
