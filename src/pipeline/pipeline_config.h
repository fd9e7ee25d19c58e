/* pipeline_config — the `pipeline:` and `ablate:` sections of a run config: what `snac run`
 * does after the global search, and which objective sets `snac ablate` compares.
 *
 *   pipeline:
 *     data: {out: out/jets, train: 100000, val: 20000, test: 20000, seed: 1}
 *                       simulated jets written under `out` when a file of data.files or
 *                       data.test_files is missing (then data.files should point inside it)
 *     select: {min_acc: 0, top_k: 0, best: false}
 *                       the paper's rule: every front member with validation accuracy >= min_acc,
 *                       the most accurate first, one per layer widths, at most top_k of them
 *                       (0: all); best: only the most accurate trained trial
 *     build: {every: 0, max_models: 0}
 *                       models to build: 0 = the local front, N = every N-th local iteration;
 *                       at most max_models of them (0: all): each chain's most accurate, then
 *                       each chain's second, ...
 *     synth: {jobs: 2, timeout: 3600, work: out/pipeline}
 *                       Yosys runs in parallel, seconds per model, where exports and syntheses go
 *                       (<work>/run_<id>/export/model_<m>, <work>/run_<id>/synth/model_<m>)
 *     refit: true       refit the synthesized toolchain's surrogate (k-fold gate) after validation
 *     kfold: 5
 *     feedback: false   a second search with the corrected estimator (the version active after
 *                       the refit), at the synthesized toolchain
 *     feedback_trials: 0  its budget (0: search.trials)
 *     report: ""        the HTML report the summary writes (snac report of the whole store):
 *                       "" = report.html beside the database, "none" = no report
 *
 *   ablate:
 *     seeds: 3          search seeds search.seed + 0 .. seeds-1
 *     sets: [accuracy, nac, snac, snac-refit]
 *     extra: [{name: lut-only, objectives: [accuracy, lut]}]   further sets (deploy as configured)
 *
 * Memory: plain data. Workload: read once per run.
 */
#ifndef SNAC_PIPELINE_PIPELINE_CONFIG_H
#define SNAC_PIPELINE_PIPELINE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "datasets/dataset.h"
#include "search/search_config.h"

#define PIPE_MAX_SETS 8

typedef struct pipe_config {
    struct {
        char out[DS_PATH_CAP];
        size_t train, val, test;
        uint64_t seed;
    } data;
    double min_acc;
    size_t top_k;
    bool best;
    size_t every, max_models;
    size_t jobs;
    double timeout_s;
    char work[DS_PATH_CAP];
    bool refit;
    size_t kfold;
    bool feedback;
    size_t feedback_trials;
    char report[DS_PATH_CAP];
} pipe_config;

/* An objective set of an ablation. `refit`: the deploy toolchain becomes the synthesized one
 * and the surrogate the version refitted on the ablation's own synthesis results. */
typedef struct pipe_set {
    char name[32];
    size_t n_obj;
    enum search_metric obj[SEARCH_MAX_OBJ];
    bool refit;
} pipe_set;

typedef struct ablate_config {
    size_t seeds;
    size_t n_sets;
    pipe_set set[PIPE_MAX_SETS];
} ablate_config;

void pipe_config_init(pipe_config *c);
void ablate_config_init(ablate_config *c);
/* Read `pipeline:` (and, for ablate_config_parse, `ablate:`) from a YAML text; other keys are
 * left to their readers. Errors carry file:line:column. */
int pipe_config_parse(const char *text, size_t len, const char *name, pipe_config *c);
int ablate_config_parse(const char *text, size_t len, const char *name, ablate_config *c);

/* The built-in sets: "accuracy", "nac" (accuracy + bops_mac), "snac" (accuracy +
 * avg_resource_pct + latency_cycles at the configured deployment, the shipped default),
 * "snac-refit" (the same objectives with the refitted Yosys surrogate). */
int pipe_set_builtin(const char *name, pipe_set *out);

#endif
