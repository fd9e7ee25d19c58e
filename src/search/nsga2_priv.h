/* nsga2_priv — the NSGA-II object's layout, shared by nsga2.c (the loop) and nsga2_io.c
 * (save/load). Not part of the public interface.
 *
 * Memory: every array below is allocated by nsga2_alloc and freed by nsga2_free.
 */
#ifndef SNAC_SEARCH_NSGA2_PRIV_H
#define SNAC_SEARCH_NSGA2_PRIV_H

#include "search/cache.h"
#include "search/hypervolume.h"
#include "search/nsga2.h"
#include "search/survival.h"
#include "search/variation.h"

struct nsga2 {
    /* ---- configuration (saved) */
    size_t n_pop, n_obj, n_genes;
    nsga2_gene *genes;   /* (n_genes) owned copy */
    nsga2_space space;   /* points at genes */
    nsga2_variation var; /* p_mutation resolved */
    size_t cache_cap;

    /* ---- state (saved) */
    snac_rng rng;
    size_t generation;   /* tells done */
    bool batch_ready;    /* rows [N, 2N) hold an asked, untold batch */
    size_t n_evals, n_cached, n_dups;
    /* population rows: [0, N) parents, [N, 2N) the batch (offspring) */
    double *genome;      /* (2N, n_genes) */
    double *f;           /* (2N, n_obj) */
    double *viol;        /* (2N) */
    size_t *rank;        /* (2N) */
    double *crowd;       /* (2N) */
    unsigned char *status; /* (N) batch row status, enum nsga2_row */
    size_t *same_as;     /* (N) */
    size_t *eval;        /* (N) NEW rows of the batch */
    size_t n_eval;
    nsga2_cache *cache;

    /* ---- workspaces (not saved) */
    uint64_t *row_hash;  /* (N) */
    size_t *dedup;       /* (dedup_mask + 1) batch-local index: row + 1, 0 = empty */
    size_t dedup_mask;
    nsga2_survival_work *surv;
    size_t *keep;        /* (N) survivors */
    double *tmp_genome;  /* (N, n_genes) survivors being moved to the parent rows */
    double *tmp_f;       /* (N, n_obj) */
    double *tmp_viol, *tmp_crowd; /* (N) */
    size_t *tmp_rank;    /* (N) */
    double *spare;       /* (n_genes) the unused second child when N is odd */
    nsga2_hv_work *hv;
    double *hv_pts;      /* (N, n_obj) */
};

/* Allocate an object for cfg (validated; seeds ignored) with no population yet. */
int nsga2_alloc(const nsga2_config *cfg, nsga2 **out);

#endif
