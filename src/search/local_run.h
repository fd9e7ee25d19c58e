/* local_run — SNAC-Pack's local search: the chosen architectures of a global search
 * compressed by quantization-aware training and iterative magnitude pruning, every
 * iteration a stored, deployable (quantized, pruned) model.
 *
 * Per source trial and bit width (a "chain"):
 *   0.  start from the trial's stored float weights (retrained from its genome and seed when
 *       the search kept none); fold batch norm; QAT for warmup_epochs; store iteration 0:
 *       its weights are the rewind checkpoint
 *   i.  prune to 1 - (1 - rate)^i by magnitude (masks only grow), rewind the surviving
 *       weights to the checkpoint, new optimizer, QAT for prune_epochs; store iteration i
 * Each stored iteration: a `models` row (float master weights + the quantized model blob), a
 * `local_iterations` row (sparsity, the deployed network's validation and test accuracy,
 * both BOPs, the surrogate's predictions) and the predictions, in one transaction.
 *
 * Reproducible and resumable: each iteration's random stream is seeded from (local seed,
 * trial, bits, iteration) and each iteration starts from stored bytes (the previous
 * iteration's weights and mask, the checkpoint), so `--resume` after a kill continues from
 * the last stored iteration to the same final models.
 *
 * Store: runs kind 'local', config_yaml = the local config text, result JSON
 * {"search_run": R, "sources": [trial ids], "surrogate_version": V}.
 * Test hook: SNAC_LOCAL_KILL_AFTER=K SIGKILLs the process after its K-th stored iteration.
 *
 * Memory: the driver owns the data, the source networks one at a time and one QAT state.
 * Workload: (warmup + iterations x prune_epochs) epochs per chain; QAT costs ~1.3x a float epoch.
 */
#ifndef SNAC_SEARCH_LOCAL_RUN_H
#define SNAC_SEARCH_LOCAL_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prune/prune.h"
#include "quant/qat.h"
#include "search/search_pareto.h"
#include "store/db.h"

typedef struct local_run_opts {
    const char *config_path; /* new run: the YAML with a `local:` section */
    const char *db_path;     /* the store holding the global search */
    int64_t search_run;      /* --run: the global search whose trials are compressed */
    double min_acc;          /* --min-acc: every front member with validation accuracy >= it (NAN: unset) */
    int64_t trial;           /* --trial: one trial (its run is the search run) */
    bool best;               /* --best: the most accurate trial of the run */
    int64_t resume;          /* > 0: continue this local run */
    const char *config_text; /* new run: the YAML text itself (config_path then only names it) */
    int64_t parent_id;       /* new run: the `snac run` run it is a stage of (0: none) */
    const int64_t *trials;   /* new run: these trials of search_run (n_trials of them), in this order */
    size_t n_trials;
} local_run_opts;

#define LOCAL_MAX_SOURCES 64 /* source trials of one local run */

typedef struct local_run_summary {
    int64_t run_id;
    size_t sources, chains;
    size_t stored;           /* iterations stored by this invocation */
    size_t reused;           /* iterations found stored (resume) */
    double seconds;
} local_run_summary;

int local_run(const local_run_opts *o, local_run_summary *out);

/* Step i's pruning of a chain, in this order: grow q's masks by the magnitude of its current
 * (trained) weights to `target` (prune_magnitude), then rewind every surviving weight and every
 * bias to the checkpoint ckpt (quant_qat_params layout); masked weights become 0. */
int local_prune_rewind(quant_qat *q, const float *ckpt, double target, enum prune_scope scope);

/* The local front of run_id: every stored iteration, flagged when no other iteration has
 * higher-or-equal validation accuracy, lower-or-equal predicted average resources and
 * latency and higher-or-equal sparsity (one strictly better). With all = false only the
 * front. Text, CSV or JSON as search_pareto. */
int local_front_write(snac_db *db, int64_t run_id, enum search_pareto_format fmt, bool all, FILE *out,
                      size_t *n_front);

/* The models to build from local run run_id: with every = 0 the front members, else every
 * iteration i with i % every == 0; in (trial, bits, iteration) order (*ids malloc'd). */
int local_front_models(snac_db *db, int64_t run_id, size_t every, int64_t **ids, size_t *n_ids);

#endif
