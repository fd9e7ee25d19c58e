/* nsga2 — the NSGA-II main loop (Deb, Pratap, Agarwal, Meyarivan 2002) as an ask/tell object.
 *
 * The caller owns evaluation (training, surrogate, synthetic functions); this object
 * owns the population, the random stream and the evaluation cache. One generation:
 *
 *     nsga2_batch b;
 *     nsga2_ask(s, &b);                       // b.n genomes; b.eval lists the rows to evaluate
 *     for (k = 0; k < b.n_eval; k++)          // row b.eval[k], genome b.genomes + row * n_genes
 *         evaluate(...) -> f[k * n_obj ..], viol[k]
 *     nsga2_tell(s, f, viol);                 // survival; the next ask breeds from the survivors
 *
 * The first batch is the initial population: the seed genomes of the config (e.g. the
 * baseline architecture), then uniform random genomes. Later batches are offspring:
 * binary crowded tournaments, crossover and mutation (variation.h). After a tell the
 * combined parents + offspring are cut back to N by elitist survival (survival.h).
 *
 * Objectives are all minimised; viol is the total constraint violation (>= 0, 0 =
 * feasible; NULL = all feasible), handled by constraint-domination (dominance.h).
 * Both must be finite: map a failed evaluation to a large violation, not to NaN.
 *
 * Identical genomes are evaluated once (genome identity: genome.h). Each batch row has
 * a status: NEW (evaluate it), CACHED (seen in an earlier generation: its stored
 * objectives are already in b.f / b.viol at ask time) or DUP (same genome as the
 * earlier NEW row b.same_as[row] of this batch; filled in at tell). After tell every
 * row of the last batch has its objectives in b.f until the next ask.
 *
 * Determinism: the same config and random state give the same sequence of batches.
 * nsga2_save after any call and nsga2_load give an object that continues exactly as
 * the original would have (same asks, same survivors, same cache hits).
 *
 * Memory: nsga2_new allocates everything (population 2N, workspaces, the cache);
 * ask, tell and nsga2_front_hv allocate nothing. nsga2_free(NULL) is a no-op.
 * Workload: per generation O(M N^2) for the sort plus N genome hashes; the
 * evaluations the caller runs in between dominate by orders of magnitude.
 */
#ifndef SNAC_SEARCH_NSGA2_H
#define SNAC_SEARCH_NSGA2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "search/genome.h"
#include "util/rng.h"

typedef struct nsga2 nsga2;

typedef struct nsga2_config {
    size_t pop_size;          /* N >= 2 */
    size_t n_obj;             /* M >= 1, all minimised */
    size_t n_genes;           /* genome length, >= 1 */
    const nsga2_gene *genes;  /* (n_genes), copied by nsga2_new */
    double p_crossover;       /* per pair of parents, [0, 1] */
    double p_mutation;        /* per gene, [0, 1]; negative: 1 / n_genes */
    double eta_c;             /* SBX distribution index (real genes) */
    double eta_m;             /* polynomial-mutation distribution index (real genes) */
    size_t cache_cap;         /* genomes remembered across generations; 0 disables the cache */
    size_t n_seeds;           /* genomes that open the initial population, <= pop_size */
    const double *seeds;      /* (n_seeds, n_genes), copied */
} nsga2_config;

#define NSGA2_CONFIG_INIT \
    {.pop_size = 20, .p_crossover = 0.9, .p_mutation = -1.0, .eta_c = 20.0, .eta_m = 20.0, .cache_cap = 4096}

enum nsga2_row { NSGA2_ROW_NEW, NSGA2_ROW_CACHED, NSGA2_ROW_DUP, NSGA2_ROW_COUNT };
extern const char *const nsga2_row_names[NSGA2_ROW_COUNT]; /* "new", "cached", "duplicate" */

/* A view into the object, valid until the next ask / tell / free. */
typedef struct nsga2_batch {
    size_t generation;           /* 0 = the initial population */
    size_t n;                    /* rows, = pop_size */
    size_t n_genes, n_obj;
    const double *genomes;       /* (n, n_genes) */
    const unsigned char *status; /* (n) enum nsga2_row */
    const size_t *same_as;       /* (n) DUP: the NEW row with the same genome; else the row itself */
    const double *f;             /* (n, n_obj) CACHED rows at ask, all rows after tell */
    const double *viol;          /* (n) likewise */
    size_t n_eval;               /* rows to evaluate (status NEW) */
    const size_t *eval;          /* (n_eval) their row indices, ascending */
} nsga2_batch;

/* Re-score: fn rewrites the objectives f (n_obj) and violation of one genome in place
 * (a nonzero return stops the re-score and is returned). */
typedef int (*nsga2_rescore_fn)(const double *genome, double *f, double *viol, void *ctx);

/* The current parent population (the survivors of the last tell). */
typedef struct nsga2_population {
    size_t n, n_genes, n_obj;
    const double *genomes; /* (n, n_genes) */
    const double *f;       /* (n, n_obj) */
    const double *viol;    /* (n) */
    const size_t *rank;    /* (n) 0 = non-dominated */
    const double *crowd;   /* (n) crowding distance in its front */
} nsga2_population;

typedef struct nsga2_stats {
    size_t generation;  /* tells done */
    size_t n_evals;     /* NEW rows told: evaluations the caller ran */
    size_t n_cached;    /* CACHED rows asked */
    size_t n_dups;      /* DUP rows asked */
    size_t cache_count; /* genomes in the cache */
} nsga2_stats;

/* rng: copied; the object owns its stream from here on. */
int nsga2_new(const nsga2_config *cfg, const snac_rng *rng, nsga2 **out);
void nsga2_free(nsga2 *s);

/* The batch to evaluate; asking again before telling returns the same batch. */
int nsga2_ask(nsga2 *s, nsga2_batch *b);
/* f: (b.n_eval, n_obj) and viol: (b.n_eval) or NULL, in the order of b.eval.
 * SNAC_EINVAL (state unchanged) if nothing was asked or a value is not finite / negative. */
int nsga2_tell(nsga2 *s, const double *f, const double *viol);

/* SNAC_EINVAL before the first tell. */
int nsga2_get_population(const nsga2 *s, nsga2_population *p);
/* Between a tell and the next ask: new objectives for every parent and every cache entry
 * (e.g. a refitted estimator), then the parents' ranks and crowding distances again, so the
 * next ask's tournaments and the next tell's survival compare objectives of one estimator.
 * The parents may be reordered. Allocates nothing. */
int nsga2_rescore(nsga2 *s, nsga2_rescore_fn fn, void *ctx);
void nsga2_get_stats(const nsga2 *s, nsga2_stats *st);
const nsga2_space *nsga2_get_space(const nsga2 *s);

/* Hypervolume of the feasible first front of the population w.r.t. ref (n_obj of 2 or 3). */
int nsga2_front_hv(nsga2 *s, const double *ref, double *hv);

/* ---- persistence: a versioned, checksummed, little-endian byte blob */
#define NSGA2_BLOB_VERSION 1
/* Exact size of the blob nsga2_save would write now. */
size_t nsga2_save_size(const nsga2 *s);
/* Write the blob into buf (cap bytes); *len = bytes written. SNAC_ERANGE if cap is too small. */
int nsga2_save(const nsga2 *s, void *buf, size_t cap, size_t *len);
/* A new object from a blob; SNAC_EFORMAT if it is truncated, corrupt or of another version. */
int nsga2_load(const void *buf, size_t len, nsga2 **out);

#endif
