/* search_config — the `search`, `search_space` and `deploy` sections of a run config:
 * budget, objectives, constraints, seed architectures, the space, and the deployment
 * the surrogate estimates every trained candidate at.
 *
 *   search:       trials (500), population (20), epochs (5), seed, workers (0 = cores),
 *                 objectives [accuracy, avg_resource_pct, latency_cycles], constraints
 *                 {dsp: 1000, latency_cycles: {max: 30}, accuracy: {min: 0.6}},
 *                 seed_architectures [{hidden: [...], activation, batch_norm, dropout,
 *                 learning_rate, l1}], crossover (0.9), mutation (-1 = 1/genes), store_models
 *   search_space: layers, widths (one list per position), activation, batch_norm,
 *                 learning_rate, l1, dropout   (default: SNAC-Pack Table 1)
 *   deploy:       weight/bias/input/output ap_fixed types (8-bit: <8,1>/<8,1>/<8,3>/<8,3>),
 *                 reuse_factor 1, strategy latency, io_type io_parallel, part xcvu13p-flga2577-2-e,
 *                 clock_period 5, toolchain vivado-2019.1, surrogate (version id or name; "" = active)
 *   synthesis:    synthesis in the loop (search_synth.h; absent = off, the search unchanged):
 *                 per_generation (2), pick uncertainty|front|random, jobs (1), timeout (3600 s),
 *                 refit_every (1 generation; 0 = never refit), kfold (5), work ("" = beside the db),
 *                 nice (10: Yosys yields the cores to training), force (false: the gate decides)
 *
 * A metric (enum search_metric) is anything an objective or a constraint can name:
 * accuracy (validation, maximised), both BOPs flavours, the surrogate's average resource %,
 * latency in cycles or ns, and every single surrogate target (count or % of the part).
 * Objectives are handed to NSGA-II minimised: accuracy as 1 - accuracy, the rest as is.
 *
 * Memory: plain data (no heap). Workload: read once per run.
 */
#ifndef SNAC_SEARCH_SEARCH_CONFIG_H
#define SNAC_SEARCH_SEARCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nn/arch.h"
#include "search/search_space.h"
#include "surrogate/surr_model.h"
#include "surrogate/surr_spec.h"

#define SEARCH_MAX_OBJ 8
#define SEARCH_MAX_CONS 8
#define SEARCH_MAX_SEEDS 16

enum search_metric {
    SEARCH_M_ACCURACY,
    SEARCH_M_BOPS_MAC,
    SEARCH_M_BOPS_BITAWARE,
    SEARCH_M_AVG_RESOURCE_PCT,
    SEARCH_M_LATENCY_NS,
    SEARCH_M_LUT,
    SEARCH_M_FF,
    SEARCH_M_DSP,
    SEARCH_M_BRAM18,
    SEARCH_M_URAM,
    SEARCH_M_LATENCY_CYCLES,
    SEARCH_M_II,
    SEARCH_M_LUT_PCT,
    SEARCH_M_FF_PCT,
    SEARCH_M_DSP_PCT,
    SEARCH_M_BRAM18_PCT,
    SEARCH_M_URAM_PCT,
    SEARCH_M_COUNT
};
/* "accuracy", "bops_mac", "bops_bitaware", "avg_resource_pct", "latency_ns", "lut", "ff", "dsp",
 * "bram18", "uram", "latency_cycles", "ii", "lut_pct", "ff_pct", "dsp_pct", "bram18_pct", "uram_pct" */
extern const char *const search_metric_names[SEARCH_M_COUNT];

/* Natural value of metric m for a trial with validation accuracy acc and prediction p. */
double search_metric_value(enum search_metric m, double acc, const surr_prediction *p);
/* Minimised form handed to NSGA-II (1 - accuracy; others unchanged). */
double search_metric_minimised(enum search_metric m, double value);

typedef struct search_constraint {
    enum search_metric metric;
    double min, max; /* -INFINITY / INFINITY when absent */
} search_constraint;

typedef struct search_deploy {
    quant_prec weight, bias, input, output;
    size_t reuse_factor;
    enum surr_strategy strategy;
    enum surr_io io_type;
    char part[48];
    double clock_ns;
    enum surr_toolchain toolchain;
    char surrogate[96]; /* version id or name; "" = the toolchain's active version */
} search_deploy;

/* Multi-fidelity evaluation inside a generation (successive halving): every new
 * candidate trains rungs[0] epochs; at each rung the best ceil(keep x candidates) by
 * non-dominated rank and crowding on that rung's objectives continue (their training
 * resumes) to the next rung; the last rung is search.epochs. n_rungs 0 = off: every
 * candidate trains search.epochs (the default, and what runs before this option did). */
#define SEARCH_MAX_RUNGS 8
typedef struct search_fidelity {
    size_t n_rungs;
    size_t rungs[SEARCH_MAX_RUNGS]; /* epochs, strictly increasing, the last = search.epochs */
    double keep;                    /* (0, 1]: fraction of a rung's candidates that continue */
    bool extrapolate;               /* survival sees a partial candidate's objectives plus the mean
                                     * gain to the last rung (fidelity.h); false = as measured */
} search_fidelity;
enum search_pick { SEARCH_PICK_UNCERTAINTY, SEARCH_PICK_FRONT, SEARCH_PICK_RANDOM, SEARCH_PICK_COUNT };
extern const char *const search_pick_names[SEARCH_PICK_COUNT]; /* "uncertainty", "front", "random" */

/* The `synthesis:` section: which candidates of each generation Yosys synthesizes while the
 * next generation trains, and how often the deploy toolchain's surrogate is refitted on them. */
typedef struct search_synthesis {
    bool enabled;            /* the section is present */
    size_t per_generation;   /* K candidates picked after each generation (>= 1) */
    enum search_pick pick;
    size_t jobs;             /* Yosys processes at a time */
    double timeout_s;        /* per model */
    size_t refit_every;      /* G: refit before generations G, 2G, ...; 0 = never */
    size_t kfold;            /* folds of the refit gate (>= 2) */
    int nice;                /* niceness of the synthesis process (0..19) */
    bool force;              /* activate every refit, gate or not (`snac refit --force`) */
    char work[256];          /* export/synth folders; "" = <db>.synth/ beside the store */
} search_synthesis;

typedef struct search_config {
    size_t trials;      /* asked rows in all (generations = trials / population, at least 1) */
    size_t population;
    size_t epochs;      /* per trial */
    uint64_t seed;      /* run seed: NSGA-II stream and every trial seed derive from it */
    size_t workers;     /* 0 = the number of online cores */
    bool store_models;  /* keep every trained candidate's weights in `models` (default true) */
    double p_crossover, p_mutation;
    size_t n_obj;
    enum search_metric obj[SEARCH_MAX_OBJ];
    size_t n_cons;
    search_constraint cons[SEARCH_MAX_CONS];
    size_t n_seeds;
    nn_arch seed_arch[SEARCH_MAX_SEEDS];     /* n_in / n_out unused */
    search_hparams seed_hp[SEARCH_MAX_SEEDS];
    search_space space;
    search_deploy deploy;
    search_fidelity fidelity; /* search.fidelity: {rungs: [1, 3, 5], keep: 0.5} */
    search_synthesis synthesis;
} search_config;

/* Table 1, the paper budget (500 trials, population 20, 5 epochs), SNAC-Pack objectives
 * (accuracy, avg_resource_pct, latency_cycles), no constraints, the baseline as seed, 8-bit deployment. */
void search_config_init(search_config *c);
/* Read the three sections from a YAML document (any other top-level key is ignored here:
 * snac_config reads those). Missing sections keep the defaults; errors carry file:line:column. */
int search_config_parse(const char *text, size_t len, const char *name, search_config *c);
int search_config_load(const char *path, search_config *c);
size_t search_config_generations(const search_config *c);

#endif
