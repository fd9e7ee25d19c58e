/* pipeline_ablate — `snac ablate`: does optimising the surrogate's numbers, rather than BOPs
 * or accuracy alone, give hardware that is really smaller once synthesized?
 *
 * One parent run (kind 'ablate'). For each objective set (pipeline_config.h: accuracy, nac,
 * snac, snac-refit, extras) and seed k < seeds, a member `snac run` pipeline (parent = the
 * ablate run, name "<set>/seed<k>") with the same data, budget and local search, the search
 * seed search.seed + k and the set's objectives, through Yosys synthesis (no validate, refit
 * or feedback of its own). Sets with `refit` run after the others: the synthesized
 * toolchain's surrogate is refitted once on every Yosys result of the ablation so far (the
 * k-fold gate decides only whether it becomes the active version; the refit sets use it
 * either way), and those sets search with it at that toolchain.
 *
 * The comparison is made on synthesized numbers (Yosys), per set and seed, over the models
 * each member built: the deployed network's test accuracy, LUT, FF, DSP, latency cycles
 * (ablation_models); the hypervolume of the (1 - test accuracy, LUT) and (1 - test accuracy,
 * latency) points, each against one reference point for the whole ablation (accuracy 0,
 * 1.1 x the largest LUT / latency synthesized) and normalised by it, so 1 is a perfect
 * front; and the surrogate's MAPE on those models (the predictions stored when they were
 * made, by whatever version and toolchain the set searched with) (ablation_sets). The table
 * gives each set's mean and standard deviation over seeds and, for hypervolumes and best
 * accuracy, a seeded bootstrap 95% interval of the mean paired difference to `nac` (GSL).
 *
 * Resumable like `snac run`: the same command continues; member runs resume themselves and
 * the refit is one stored stage row of the ablate run.
 *
 * Memory: the driver owns one member's text at a time and the result arrays of the table.
 * Workload: sets x seeds pipelines; the comparison is a few hundred rows.
 */
#ifndef SNAC_PIPELINE_PIPELINE_ABLATE_H
#define SNAC_PIPELINE_PIPELINE_ABLATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/db.h"

typedef struct ablate_opts {
    const char *config_path;
    const char *db_path;  /* NULL: output.db of the config */
    size_t seeds;         /* 0: ablate.seeds */
    size_t jobs, workers; /* 0: the config's */
    FILE *log;
} ablate_opts;
#define ABLATE_OPTS_INIT {NULL, NULL, 0, 0, 0, NULL}

typedef struct ablate_summary {
    int64_t run_id;
    size_t members, failed_members;
    double seconds;
    char db_path[512];
} ablate_summary;

int ablate_run(const ablate_opts *o, ablate_summary *out);

enum ablate_format { ABLATE_TEXT, ABLATE_CSV, ABLATE_JSON };
/* The comparison of ablate run run_id (from ablation_sets / ablation_models). */
int ablate_write(snac_db *db, int64_t run_id, enum ablate_format fmt, FILE *out);

/* Mean of d[0..n) and its percentile-bootstrap interval (n_boot resamples, gsl_rng mt19937 seeded
 * with seed); lo/hi NaN when n < 2. */
void ablate_bootstrap_mean(const double *d, size_t n, size_t n_boot, uint64_t seed, double level, double *mean,
                           double *lo, double *hi);

#endif
