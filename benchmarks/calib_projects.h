/* calib_projects — the public hls4ml MLP projects under ../shared as surrogate
 * calibration samples, for the calibration program (surr_calibrate) and the
 * leave-one-project-out benchmark (bench_surrogate_lopo). Build-time code only:
 * nothing here is part of libsnac, and the files are read at run time, never
 * committed (most carry no licence; see their README).
 *
 * A project is a folder the manifest lists with a network.json, and its HLS
 * csynth report (<P>_csynth.xml, else the .rpt) under <P>_prj/solution<N>/syn/report/,
 * read with the validation layer's parsers. Its spec is what `snac ingest` stores
 * for it: the firmware when shipped (rpt_firmware), else network.json
 * (rpt_netjson), both through rpt_net (per-layer n_in/n_out, reuse factor,
 * n_zeros, weight/bias/accum/input/output types, activation, strategy, io_type;
 * symbolic sizes resolved with the report's ports), to rpt_net_spec_json, read
 * back with vrows_spec_from_json as `snac refit` reads it; real weights when
 * every layer's w<k>.txt loads (exact features), else the counted sparsity.
 * The part is the report's full name (its speed grade sets the logic delay) and
 * the clock the report's target; the surrogate toolchain from the report's tool
 * and version (vtoolchain_map). When the .rpt is there, its latency detail's instance rows
 * (one per nnet:: call) are tied to the dense layers by config struct: each layer's own
 * cycles, and what the top function adds between the calls (bench_surrogate_lopo prints both).
 *
 * Skipped with a printed reason: a network rpt_net does not call an MLP, a
 * spec that does not parse or validate (a precision quant_prec_parse rejects),
 * no report, a report that does not parse, a design optimised away. An unknown
 * part is replaced by xcvu13p (the part only changes percentages), with a note.
 *
 * Memory: calib_projects_load mallocs the array (free()). Workload: 13 small
 * JSON files and reports: milliseconds.
 */
#ifndef SNAC_BENCHMARKS_CALIB_PROJECTS_H
#define SNAC_BENCHMARKS_CALIB_PROJECTS_H

#include <stdbool.h>
#include <stddef.h>

#include "surrogate/surr_fit.h"

typedef struct calib_project {
    char dir[400];           /* relative to the projects root */
    char arch[96];           /* "16-64-32-32-5" */
    char tool[48];           /* "vivado_hls 2019.2" */
    char part[64];
    char note[512];          /* where the spec came from, part substitution etc. */
    char skip[240];          /* why the project is not used ("" = used) */
    enum surr_toolchain tc;
    surr_sample s;
    /* each dense layer's own latency (its calls' csynth instance rows), when the .rpt lists them
     * and every one maps to a layer by its config struct; else n_layer_latency 0 and layer_why says why */
    double layer_latency[SURR_MAX_LAYERS];
    size_t n_layer_latency;
    char layer_why[160];
} calib_project;

/* Every dense_only project under root (sorted by folder name, so the order is
 * reproducible). Skipped ones carry a reason in skip. */
int calib_projects_load(const char *root, calib_project **out, size_t *n);

/* The calibration set: the embedded sweeps + paper baseline (toolchain
 * vivado-2019.1, groups 0..; weight CALIB_SWEEP_WEIGHT, no LUT/FF/latency at RF > 1)
 * followed by the used projects (one group each).
 * tc_of[i] is sample i's toolchain; *n_base the count of sweep+paper samples;
 * project_of[i] the index into p[] (-1 for the sweeps). All malloc'd. */
int calib_set_build(const calib_project *p, size_t np, surr_sample **s, enum surr_toolchain **tc_of,
                    long **project_of, size_t *n, size_t *n_base);

/* The 2018-2019 sweeps were synthesised by hls4ml 0.0.x-0.1, whose RF > 1 code
 * differs from today's: their LUT/FF at RF > 1 (up to 40x today's structural
 * cost) and latency at RF > 1 (an RF-iteration loop; today's 2020.1 projects
 * take ~0.6 cycles per extra RF step per layer) are not used, and every sweep architecture weighs this much of a project. */
#define CALIB_SWEEP_WEIGHT 0.25

/* Weight of a sample of another toolchain family in a family's fit: the
 * family's own data dominate, the others fill in what it has not measured. */
#define CALIB_FOREIGN_WEIGHT 0.25
/* ... except for latency, which depends on the HLS scheduler more than on the operators: Vitis
 * HLS adds 5-11 cycles between the layer calls where Vivado HLS adds 0-4 (the projects' csynth
 * instance rows), so each family's latency is fitted on its own projects, the others only
 * filling in terms it has no data for. */
#define CALIB_FOREIGN_WEIGHT_LATENCY 0.01

/* Fit the version of toolchain tc from s[0..n) (rows of other families weighted
 * CALIB_FOREIGN_WEIGHT, for latency CALIB_FOREIGN_WEIGHT_LATENCY (a second fit whose
 * latency model and statistics replace the first's); rows of group `exclude` left out,
 * -1 = none), with
 * leave-one-group-out statistics when `cv`. */
int calib_fit_family(const surr_sample *s, const enum surr_toolchain *tc_of, size_t n, enum surr_toolchain tc,
                     int exclude, bool cv, surr_version *v, surr_fit_report *rep);

/* The projects folder of a benchmark's command line, `prog [--projects DIR]` (DIR defaults to def):
 * 0 with *root set, else the exit code (2: usage, printed; 77: DIR absent, a skip, printed). */
int calib_projects_root_arg(int argc, char **argv, const char *prog, const char *def, const char **root);

/* Error statistics of predictions p against actual y over rows idx[0..m) (non-finite pairs left
 * out): APE = |p - y| / max(y, 1); median and mean APE (%), GSL Spearman (>= 3 rows, else NaN), the
 * share (%) within +-20% of y. */
typedef struct calib_stats {
    size_t n;
    double mdape, mape, spearman, within20;
} calib_stats;
calib_stats calib_stats_compute(const double *y, const double *p, const size_t *idx, size_t m);

#endif
