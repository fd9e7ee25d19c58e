/* mpi_farm — a job farm over Open MPI: rank 0 hands out independent jobs, ranks > 0 do them.
 *
 * Built only with SNAC_WITH_MPI. A process started by mpirun/srun (OMPI_COMM_WORLD_SIZE,
 * PMIX_RANK or PMI_RANK in the environment) initialises MPI in mpi_farm_init; any other
 * process never touches MPI and sees rank 0 of 1, so a plain `snac` behaves as without MPI.
 *
 * Rank 0 runs the command and owns everything stateful (the store, NSGA-II); ranks > 0 sit in
 * mpi_farm_serve until rank 0 stops them at exit. A batch (mpi_farm_run) is a job kind, a setup
 * blob (what every job of the batch needs: config text, surrogate coefficients...) and n fixed-size
 * job blobs; the farm sends the setup to a rank once (before its first job of that setup), then
 * one job message per job, to whichever rank is free (dynamic balance), and passes each result
 * blob to on_result as it arrives. Messages per job: one job, one result; setups are per rank
 * per distinct setup.
 *
 * Faults: the communicator returns errors (MPI_ERRORS_RETURN). A job not answered within
 * timeout_s (+10% + 1 s) has its rank written off and the job re-queued on another rank; a
 * late answer from a written-off rank is discarded. A worker arms alarm(timeout) around each
 * job, so a hung worker dies rather than hanging MPI_Finalize. Open MPI 4.1 aborts the whole
 * job when a rank dies unless mpirun is given --enable-recovery; with it, the run finishes on
 * the remaining ranks. All ranks lost: the batch fails and mpi_farm_finalize ends the job with
 * MPI_Abort (the caller's resume takes over), as it does when a failed batch left jobs in flight.
 *
 * Test hook: SNAC_MPI_FAULT=kill:R:K (or hang:R:K) makes rank R SIGKILL itself (or sleep
 * forever) on receiving its K-th job. SNAC_MPI_STATS=1 prints rank 0's message/byte counts
 * and CPU share at exit (bench_mpi.sh reads them).
 *
 * Memory: the farm owns one buffer per rank for messages in flight and a copy of the current
 * setup; on_result borrows the result blob. Workload: a probe every 0.1-2 ms while waiting.
 */
#ifndef SNAC_UTIL_MPI_FARM_H
#define SNAC_UTIL_MPI_FARM_H

#include <stddef.h>
#include <stdint.h>

/* MPI_Init when launched by an MPI launcher; 0 ok. */
int mpi_farm_init(int *argc, char ***argv);
int mpi_farm_rank(void); /* 0 outside MPI */
int mpi_farm_size(void); /* 1 outside MPI */

/* The job kinds of snac (the index into the table main.c gives mpi_farm_serve). */
enum mpi_farm_kind_id { MPI_FARM_SEARCH_TRIAL, MPI_FARM_SYNTH_PART, MPI_FARM_LOCAL_CHAIN, MPI_FARM_KIND_COUNT };

/* What a worker rank can do: one entry per job kind (the kind is the index). */
typedef struct mpi_farm_kind {
    const char *name;
    int (*setup)(const void *blob, size_t len, void **state);             /* build the state a batch needs */
    void (*release)(void *state);                                          /* may be NULL */
    int (*work)(void *state, const void *job, size_t len, void **out, size_t *out_len); /* out: malloc'd */
} mpi_farm_kind;

/* Ranks > 0: serve jobs until rank 0 says stop; returns the process exit status. */
int mpi_farm_serve(const mpi_farm_kind *kinds, size_t n_kinds);

/* Rank 0: called for every finished job; non-zero stops the batch and is returned. */
typedef int (*mpi_farm_result_fn)(size_t job, const void *res, size_t len, void *ctx);

typedef struct mpi_farm_batch {
    uint32_t kind;
    const void *setup;
    size_t setup_len;
    const void *jobs; /* (n_jobs, job_len) */
    size_t job_len, n_jobs;
    double timeout_s; /* per job (<= 0: 3600); the environment's SNAC_MPI_TIMEOUT wins */
    mpi_farm_result_fn on_result;
    void *ctx;
} mpi_farm_batch;

/* Rank 0 of more than one: run a batch on ranks 1..size-1. */
int mpi_farm_run(const mpi_farm_batch *b);

/* Rank 0: stop the workers and finalize MPI (no-op outside MPI). With a rank lost, the live ranks
 * and rank 0 exit (with exit_code) without MPI_Finalize: Open MPI 4.1 can wait there forever. */
void mpi_farm_finalize(int exit_code);

#endif
