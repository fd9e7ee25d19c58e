/* pipeline_run — `snac run`: the codesign loop as one parent run, from data to synthesized
 * hardware and back into the estimator.
 *
 * Stages, in order (pipe_stage_names; each a row of pipeline_stages, store/db.h):
 *   data      simulate the jets when a configured data file is missing (pipeline.data)
 *   search    the global search (a child run, kind 'search', name "search")
 *   select    front members with validation accuracy >= min_acc (top_k, or the best trial),
 *             one per layer widths (pipeline_pick.h)
 *   local     QAT + iterative pruning of the selected trials (a child run, kind 'local')
 *   build     the models to build: the local front, or every N-th iteration (max_models,
 *             taken round robin over the chains)
 *   export    each model's HLS project + RTL under <work>/run_<id>/export/model_<m>
 *   synth     Yosys of each model (export_synth_run, <work>/run_<id>/synth), `jobs` at a time
 *   validate  the synthesized toolchain's active surrogate against what was synthesized
 *   refit     a new version of that surrogate (k-fold gate; activated only if it passes)
 *   feedback  a second search at the synthesized toolchain with the version active after the
 *             refit (a child run, name "feedback")
 *   summary   the table of what each stage produced
 * A stage's outputs are its child run's rows or its `detail` JSON (the ids it chose, the
 * figures it measured); a later stage reads them from the store, never from memory, so a
 * rerun after a kill anywhere continues from the stored state: a child run that is not done
 * is resumed, a decision stage is recomputed from the same rows, synthesis skips the models
 * that have a row, and validate/refit store their rows and the stage's own row in one
 * transaction. The same config text and store find the unfinished run again (the same
 * command continues it); `--resume RUN` names it.
 *
 * Failures: one model that does not export or synthesize (a Yosys timeout) is recorded in
 * the stage's detail (and a yosys-failed row) and the run goes on; a stage that fails as a
 * whole is recorded 'failed' with its message and the stages that need it are 'skipped'.
 * The run then ends 'failed' and pipe_run returns PIPE_EXIT_PARTIAL's reason in the summary.
 *
 * Memory: the driver owns its config, its store connection and the id lists of one stage at a
 * time. Workload: the search, the local search and Yosys; the bookkeeping is a few rows.
 */
#ifndef SNAC_PIPELINE_PIPELINE_RUN_H
#define SNAC_PIPELINE_PIPELINE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/db.h"
#include "surrogate/surr_spec.h"
#include "validation/refit.h"

enum pipe_stage {
    PIPE_DATA,
    PIPE_SEARCH,
    PIPE_SELECT,
    PIPE_LOCAL,
    PIPE_BUILD,
    PIPE_EXPORT,
    PIPE_SYNTH,
    PIPE_VALIDATE,
    PIPE_REFIT,
    PIPE_FEEDBACK,
    PIPE_SUMMARY,
    PIPE_STAGE_COUNT
};
/* "data", "search", "select", "local", "build", "export", "synth", "validate", "refit",
 * "feedback", "summary" (the pipeline_stages.stage values) */
extern const char *const pipe_stage_names[PIPE_STAGE_COUNT];

typedef struct pipe_opts {
    const char *config_path; /* a new run: the YAML file */
    const char *config_text; /* or its text (config_path then only names it) */
    const char *db_path;     /* NULL: output.db of the config */
    int64_t resume;          /* > 0: continue this run */
    int64_t parent_id;       /* an ablation's member run (0: none) */
    const char *name;        /* the run's name (NULL: output.run_name) */
    size_t jobs;             /* Yosys jobs (0: pipeline.synth.jobs) */
    size_t workers;          /* search workers (0: search.workers) */
    uint32_t stages;         /* bit s: run stage s (0: every stage the config enables) */
    FILE *log;               /* the summary and stage lines (NULL: none) */
} pipe_opts;
#define PIPE_OPTS_INIT {NULL, NULL, NULL, 0, 0, NULL, 0, 0, 0, NULL}

typedef struct pipe_summary {
    int64_t run_id;
    size_t failed_stages;    /* stages recorded 'failed' */
    size_t failed_models;    /* models that did not export or synthesize */
    bool already_done;       /* the run was finished before this call */
    double seconds;
    char db_path[512];
} pipe_summary;

int pipe_run(const pipe_opts *o, pipe_summary *out);

/* The stage lines of pipeline run run_id ("  search    done      run 2: 40/40 trials"), for
 * `snac runs`. */
int pipe_stages_write(snac_db *db, int64_t run_id, FILE *out);

/* A refit of toolchain tc's surrogate on every result of the store (folds by architecture, at
 * most kfold; the active version is the parent). pipe_refit_fit stores nothing: the caller stores
 * `v` (refit_store) inside its own transaction. Owns its versions (pipe_refit_clear). */
typedef struct pipe_refit {
    surr_version parent, v;
    refit_report rep;
    size_t n_results, n_groups;
} pipe_refit;
int pipe_refit_fit(snac_db *db, enum surr_toolchain tc, size_t kfold, pipe_refit *out);
void pipe_refit_clear(pipe_refit *r);

/* The report path of the `pipeline.report` setting ("" = report.html beside db_path, "none" = none: out
 * is then ""). */
void pipe_report_path(const char *setting, const char *db_path, char *out, size_t cap);

/* Create the folders above `path` (a database file in a new output folder). */
int pipe_mkdir_parent(const char *path);

/* The number at "key": of js; NaN when absent or not a number. */
double pipe_json_num(const char *js, const char *key);

/* The integers of the JSON array at "key":[...] of js into out[0..cap); their count. */
size_t pipe_json_ids(const char *js, const char *key, int64_t *out, size_t cap);

#endif
