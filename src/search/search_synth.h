/* search_synth — synthesis in the loop of a global search (issue 20): after each generation
 * the `synthesis:` section's rule picks K candidates of the population, a background process
 * quantizes each at the deployment precision, exports its RTL and synthesizes it with Yosys
 * (export_synth.h) while the next generation trains, and every refit_every generations the
 * deploy toolchain's surrogate is refitted on the synthesis rows (validation/refit.h: the
 * k-fold gate scored on the targets the search's objectives and constraints read; below 12
 * architectures, per target the better of a recalibration and the anchored fit) and, when the
 * gate passes, the search continues with the new version.
 *
 * Pick rules (search_synth_pick, pure): on the minimised objectives f of the population with
 * the 95% interval [lo, hi] of each (accuracy has a zero-width interval):
 *   uncertainty  first the candidates whose front membership can flip inside their interval
 *                (a front member whose pessimistic point hi is dominated by another member's
 *                nominal point; a non-member whose optimistic point lo no other nominal point
 *                dominates), then by the widest interval relative to the population's spread,
 *                max_j (hi_j - lo_j) / (max f_j - min f_j); ties by index
 *   front        the non-dominated candidates, extremes and least crowded first (crowding
 *                distance), then the rest by the first objective; ties by index
 *   random       K distinct eligible candidates drawn from rng
 * Only `eligible` candidates are picked (a stored model, not synthesized yet).
 *
 * The queue is durable: search_synth_jobs rows ('queued' -> 'done' / 'failed', the synthesis
 * row's id), written in the generation's own transaction, so a kill -9 with syntheses in
 * flight leaves them 'queued' and a resume runs them again; export_synth skips a model that
 * already has its Yosys row, so a row committed just before the kill is linked, not doubled.
 *
 * Lag (determinism): the refit before generation g uses the rows of the jobs picked after
 * generations <= g - 2 (it waits for them) and of no later job, whatever has finished by then:
 * the picks of generation g - 1 are synthesized while generation g trains. So the same config
 * gives the same refits, however fast Yosys is, and a resumed run ends where an uninterrupted
 * one does.
 *
 * Cores: the synthesis process runs `jobs` Yosys processes at niceness `nice` (default 10), so
 * the trainers keep their cores and Yosys fills the time they leave (stragglers, the parent's
 * bookkeeping, generations smaller than the worker count).
 *
 * Processes: one child of the search process at a time (fork; PR_SET_PDEATHSIG, so it and its
 * Yosys die with the search); it opens its own store connection, takes up to `jobs` queued jobs at
 * a time (one export_synth_run batch, `jobs` Yosys processes in parallel) and exits when the queue
 * is empty. Test hook: SNAC_SEARCH_SYNTH_PAUSE_MS=M makes the child sleep M ms before each job
 * (syntheses surely in flight when a test kills the search).
 *
 * Memory: the queue object is a few words; picks allocate their index buffers per call.
 */
#ifndef SNAC_SEARCH_SEARCH_SYNTH_H
#define SNAC_SEARCH_SEARCH_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "search/search_config.h"
#include "store/db.h"
#include "surrogate/surr_model.h"
#include "util/rng.h"

/* Pick at most k of the n candidates (see the rules above): f, lo, hi are (n, m), eligible (n)
 * or NULL (all). picked[0..*n_picked) gets the indices in pick order; score (may be NULL) the
 * rule's score of each pick (uncertainty: the relative width, + 1 when membership can flip;
 * front: the crowding distance; random: 0). rng is used by `random` only. */
int search_synth_pick(enum search_pick rule, size_t n, size_t m, const double *f, const double *lo, const double *hi,
                      const unsigned char *eligible, size_t k, snac_rng *rng, size_t *picked, double *score,
                      size_t *n_picked);

typedef struct search_synth search_synth;

/* The queue of run `run_id` in the store at db_path (the child opens its own connection). */
int search_synth_new(const search_config *sc, const char *db_path, int64_t run_id, search_synth **out);
/* Stops a running child (SIGTERM, then waits); its jobs stay 'queued'. NULL: no-op. */
void search_synth_free(search_synth *q);
/* Start the background process when jobs are queued and none runs. */
int search_synth_kick(search_synth *q, snac_db *db);
/* Wait until no job picked after a generation <= max_gen (negative: any) is queued. */
int search_synth_wait(search_synth *q, snac_db *db, long long max_gen);

/* The online refit before generation `generation`, on the rows of this run's jobs picked after
 * generations <= max_job_gen (generation - 2: the lag above; after the last generation, every
 * job: the final refit, stored as generation = the number of generations): the stored one when
 * this run already has it (a resume), else a new fit stored with its search_refits row in one
 * transaction. *version_id = the version the search continues with (current->id when the
 * gate refused or there was nothing to fit). */
typedef struct search_refit_out {
    bool reused;            /* the row was already stored */
    bool fitted, activated;
    int64_t version_id, fitted_id;
    size_t n_results, n_groups;
    double score_new, score_parent;
    char reason[200];
} search_refit_out;
int search_synth_refit(snac_db *db, int64_t run_id, size_t generation, long long max_job_gen,
                       const surr_version *current, size_t kfold, uint32_t gate_targets, bool force,
                       search_refit_out *out);

/* The refit gate's targets for a search (refit_opts.gate_targets): the surrogate targets its
 * objectives and constraints read (avg_resource_pct: LUT, FF, DSP, BRAM18; latency_ns: the
 * cycles; accuracy and BOPs none). 0 (the refit's default, LUT/FF/DSP) when they read none. */
uint32_t search_synth_gate_targets(const search_config *c);

/* The deployment-precision quantized model of search model `model_id` stored as its qmodel
 * (nothing when it has one): what export/synthesis reads. */
int search_synth_quantize(snac_db *db, int64_t model_id, const search_deploy *dp);
/* Version v's prediction, with its 95% interval, of stored search model `model_id` deployed as dp
 * (the weights quantized at dp's precision, batch norm folded); sha = the spec's hash. */
int search_synth_predict_model(snac_db *db, int64_t model_id, const search_deploy *dp, const surr_version *v,
                               const surr_part *part, surr_prediction *p, char sha[65]);

/* The same for any model of a stored search run, at that run's `deploy:` precision; nothing for
 * a model with a qmodel or of another kind of run (`snac synth` on a search trial's model). */
int search_synth_quantize_stored(snac_db *db, int64_t model_id);

#endif
