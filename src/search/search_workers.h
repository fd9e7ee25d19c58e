/* search_workers — evaluate a generation's trials in N forked worker processes.
 *
 * The parent forks N workers that share the loaded data copy-on-write. Each worker
 * has a command pipe (parent -> worker: the next job index, or "stop") and a result
 * pipe (worker -> parent: job index, the fixed-size search_trial_result, then the
 * model blob). The parent hands out jobs one at a time as workers finish (dynamic
 * balance: trials differ in cost by 10x), and calls on_result for each result as it
 * arrives; only the parent touches SQLite. Results do not depend on the worker or
 * the order: every job carries its own seed.
 *
 * A worker whose parent dies gets EOF (or SIGPIPE) and exits; a worker that dies
 * makes the call fail with SNAC_EIO naming the job. n_workers <= 1 (or a single job)
 * evaluates in-process, same results.
 *
 * Memory: per call, the per-worker arrays and a receive buffer for model blobs (grown
 * to the largest blob); on_result borrows the result for the duration of the call.
 * Workload: one fork per worker per generation (milliseconds) against seconds of training.
 */
#ifndef SNAC_SEARCH_SEARCH_WORKERS_H
#define SNAC_SEARCH_SEARCH_WORKERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "search/search_eval.h"

/* Called in the parent for every finished job; non-zero stops the pool and is returned. */
typedef int (*search_result_fn)(size_t job, const search_trial_result *r, void *ctx);

/* genomes: (n_jobs, n_genes); seeds: (n_jobs). */
int search_workers_run(const search_eval_ctx *ec, const double *genomes, size_t n_genes, const uint64_t *seeds,
                       size_t n_jobs, size_t n_workers, bool keep_model, search_result_fn on_result, void *ctx);

/* Online cores (>= 1). */
size_t search_workers_default(void);

#endif
