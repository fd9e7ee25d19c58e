/* search_run — the global-search driver: NSGA-II ask/tell over the configured space,
 * each generation's new trials trained and estimated in worker processes, everything
 * recorded in the SQLite store, resumable after a crash or a kill.
 *
 * Store layout of a search run (schema v1, store/db.h):
 *   runs       kind 'search', the config text (what a resume re-reads), the run seed, the
 *              normalisation, state = the nsga2_save blob after the last finished generation,
 *              result = {"surrogate_version": id, ...} (the version every prediction used)
 *   trials     one row per asked row of every generation: status 'done' / 'failed' (trained
 *              here) or 'cached' (a genome evaluated before), genome text, architecture
 *              JSON, trial seed, validation accuracy and loss, both BOPs, the objectives
 *              JSON {"names", "values", "f" (minimised), "surrogate_version", "spec_sha256"},
 *              violation, training seconds, model_id. A cached row repeats the trial that
 *              trained the same genome identity (genome.h) in this run: same_as = its id,
 *              accuracy, val_loss, BOPs and model_id copied from it, train_seconds 0;
 *              epochs_done (v8): the epochs its numbers were measured after. Multi-fidelity
 *              (search.fidelity) inserts the row at the first rung and updates it at each
 *              later one (a new model, train_seconds summed), adding "f@E"/"viol@E" per rung
 *              to the objectives JSON; a resume reads them back to replay the rung selections
 *   models     the trained candidate's weights (search.store_models, default on)
 *   predictions  the surrogate's every target for every trained candidate, with its version
 * Writes: one transaction per trained trial (trial + model + predictions) and one per
 * finished generation (cached rows + state). A kill loses at most the trials in flight.
 *
 * Resume: the state blob restores NSGA-II exactly after the last finished generation; the
 * next ask reproduces the interrupted generation's batch, whose trials already stored are
 * reused (their objectives are stored with %.17g and read back bit for bit) and the rest
 * are trained with their own seeds. So a resumed run ends where an uninterrupted one does.
 *
 * Test hook: SNAC_SEARCH_KILL_AFTER=K makes the process SIGKILL itself right after its
 * K-th trained trial is committed (the resume test's "crash mid-generation");
 * SNAC_SEARCH_PAUSE_MS=M sleeps M ms after each committed trial (a slow run for the
 * signal, ownership and crash tests, without using a core).
 *
 * Memory: the driver allocates its buffers (population-sized) and prepares its statements
 * once; the generation loop reuses them. Workload: the trials dominate.
 */
#ifndef SNAC_SEARCH_SEARCH_RUN_H
#define SNAC_SEARCH_SEARCH_RUN_H

#include <stddef.h>
#include <stdint.h>

typedef struct search_run_opts {
    const char *config_path; /* a new run: the YAML file (ignored with resume) */
    const char *db_path;     /* NULL: output.db of the config (required with resume) */
    int64_t resume;          /* > 0: continue this run */
    size_t workers;          /* 0: search.workers of the config (0 there: the online cores) */
    const char *config_text; /* a new run: the YAML text itself (config_path then only names it) */
    int64_t parent_id;       /* a new run: the `snac run` run it is a stage of (0: none) */
} search_run_opts;

#define SEARCH_RUN_OPTS_INIT {NULL, NULL, 0, 0, NULL, 0}

typedef struct search_run_summary {
    int64_t run_id;
    size_t generations;      /* finished */
    size_t trained;          /* trials trained by this invocation */
    size_t reused;           /* stored trials of an interrupted generation taken over on resume */
    size_t failed;
    size_t cached;           /* rows answered by the evaluation cache */
    size_t workers;
    double seconds;
    char db_path[512];       /* the store the run lives in */
} search_run_summary;

int search_run(const search_run_opts *o, search_run_summary *out);

/* Multi-fidelity runs: train every partial-fidelity trial of the finished run run_id that no
 * full-fidelity trial constrained-dominates to search.epochs (from scratch with its own seed:
 * bitwise what continuing its rungs would give) and rewrite its row at full fidelity, so that
 * the front (search_pareto.h, full fidelity only) misses no candidate. Fork workers (0: the
 * config's). Idempotent: a second call finds nothing left. *n_done = trials completed. */
int search_complete(const char *db_path, int64_t run_id, size_t workers, size_t *n_done);

/* The objective vector "f":[...] of a stored trial's objectives JSON; -1 if absent or short. */
int search_objectives_f(const char *json, double *f, size_t n);

#endif
