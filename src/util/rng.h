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

/* The splitmix64 finaliser: a bijective 64-bit mixer for hashes and seed derivation. */
static inline uint64_t rng_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
#define RNG_GOLDEN_GAMMA 0x9e3779b97f4a7c15ULL /* splitmix64's increment */

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
