/* local_priv — what local_run.c (the driver, the store) and local_mpi.c (chains on MPI ranks)
 * share: the driver state, a source trial, a chain and one computed iteration.
 *
 * A chain is computed without the store: it starts from a chain_start (the stored iteration 0
 * and last iteration as blobs, or nothing) and hands each finished iteration to the driver's
 * emit callback: the store on rank 0 / in one process, a result message on a worker rank.
 *
 * Memory: an iter_rec owns its two blobs (iter_rec_free); a chain_start owns its three.
 */
#ifndef SNAC_SEARCH_LOCAL_PRIV_H
#define SNAC_SEARCH_LOCAL_PRIV_H

#include "config/config.h"
#include "nn/mlp.h"
#include "quant/qmodel.h"
#include "datasets/dataset.h"
#include "search/local_config.h"
#include "search/local_run.h"
#include "search/search_config.h"
#include "search/search_space.h"
#include "surrogate/surr_part.h"
#include "surrogate/surr_store.h"

/* One source trial, ready to compress. */
typedef struct local_source {
    int64_t trial_id;
    uint64_t seed;             /* the trial's own seed: fixed by (search seed, generation, row), not by row id */
    nn_arch arch;
    search_hparams hp;
    nn_mlp *mlp;               /* float network (with its batch norm) */
    double float_val_acc;
} local_source;

typedef struct local_chain {
    local_source *src;
    size_t bits;
    quant_model *spec;
    quant_qat *q;
    float *ckpt;               /* rewind point: params after the warm-up */
    size_t n_par;
} local_chain;

/* Where a chain resumes: last = -1 (nothing stored) or iterations 0..last stored, with iteration
 * 0's float weights (the rewind checkpoint) and the last one's float weights and quantized model
 * (its masks). */
typedef struct local_chain_start {
    long last;
    void *w0, *wl, *ql;
    size_t w0_len, wl_len, ql_len;
} local_chain_start;

/* One finished iteration: everything the store keeps of it. */
typedef struct local_iter {
    size_t it, epochs;
    double target, seconds, sparsity, val_acc, test_acc;
    surr_prediction p;
    char sha[65];
    void *wblob, *qblob;       /* float master weights, quantized model */
    size_t wlen, qlen;
} local_iter;

typedef struct local_driver local_driver;
/* Takes the iteration's blobs (frees them, or keeps them by zeroing the fields). */
typedef int (*local_emit_fn)(local_driver *d, local_chain *c, local_iter *r);

struct local_driver {
    snac_db *db;               /* NULL on a worker rank */
    local_config lc;
    char *local_text;
    snac_config cfg;           /* the search run's config: data, training options */
    search_config sc;          /* the search run's space and deployment */
    ds_split data;
    bool have_data;
    char fingerprint[DS_FINGERPRINT_CAP]; /* of the data loaded */
    int64_t run_id, search_run;
    int64_t src[LOCAL_MAX_SOURCES];
    size_t n_src;
    surr_version ver;
    const surr_part *part;
    size_t kill_after, stored_total, pause_ms;
    local_run_summary sum;
    local_emit_fn emit;
    void *emit_ctx;
};

/* Parse the search run's config text, find its part, load its data and compare the data's
 * fingerprint with stored_fp. */
int local_load_search(local_driver *d, const char *text, size_t len, const char *stored_fp);

/* Rank 0 / one process: what of chain (trial, bits) is stored (the store's side of a chain_start). */
int local_chain_start_load(local_driver *d, int64_t trial, size_t bits, local_chain_start *st);
void local_chain_start_free(local_chain_start *st);
/* The store's emit: one iteration's rows in one transaction. */
int local_save_iteration(local_driver *d, local_chain *c, local_iter *r);

/* Run (the rest of) a chain from st: QAT, prune and rewind, each iteration to d->emit. */
int local_chain_run(local_driver *d, local_chain *c, const local_chain_start *st);
void local_chain_free(local_chain *c);
void local_iter_free(local_iter *r);

/* Rank 0 of more than one (SNAC_WITH_MPI): the chains of sources[0..n) x d->lc.bits on worker
 * ranks, stored in (source, bits) order as one process would. */
int local_mpi_run(local_driver *d, local_source *sources, size_t n);

#endif
