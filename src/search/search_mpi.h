/* search_mpi — the global search's trials on MPI ranks (util/mpi_farm.h); built with SNAC_WITH_MPI.
 *
 * Rank 0 (search_run) calls search_mpi_run where it would call search_workers_run: same jobs,
 * same on_result, so the store sees the same rows. The setup sent once per rank is the config
 * text (what a worker parses into the same search and training settings), the fingerprint of
 * the data rank 0 loaded (a worker loads data.files itself and refuses other data) and the
 * surrogate version's coefficients (a worker never opens the store). A job is the trial seed
 * and genome; a result is the search_trial_result bytes followed by the model blob.
 *
 * Memory: a worker's state (config, data, surrogate) lives from one setup to the next.
 * Workload: data loading once per rank and run; then a trial per job message.
 */
#ifndef SNAC_SEARCH_SEARCH_MPI_H
#define SNAC_SEARCH_SEARCH_MPI_H

#include <stdbool.h>

#include "search/search_workers.h"
#include "util/mpi_farm.h"

/* The worker side of a trial job (for the kinds table). */
extern const mpi_farm_kind search_mpi_trial_kind;

/* genomes: (n_jobs, n_genes); seeds: (n_jobs); the data must be what cfg_text loads (fingerprint). */
int search_mpi_run(const search_eval_ctx *ec, const char *cfg_text, const char *cfg_name, const char *fingerprint,
                   const double *genomes, size_t n_genes, const uint64_t *seeds, size_t n_jobs, bool keep_model,
                   search_result_fn on_result, void *ctx);

#endif
