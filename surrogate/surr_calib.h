/* surr_calib — the shipped calibration data, the committed coefficient file and
 * the default surrogate version.
 *
 * Embedded in the library: real public hls4ml synthesis sweeps
 * (fastmachinelearning/hls4ml, Apache-2.0; surrogate/calibration/ with
 * PROVENANCE.md), and structural_coefficients.txt, the default coefficients per
 * toolchain written by the calibration program (benchmarks/surr_calibrate.c)
 * from those sweeps, the SNAC-Pack paper's baseline and the public hls4ml
 * projects under ../shared (read at calibration time only, never committed).
 * The default version is read from that file; no coefficient is typed into the
 * source. surr_calib_fit() refits from the embedded sweeps alone (for
 * comparison and tests).
 *
 * The coefficient file is text: one section per toolchain ("toolchain NAME" ...
 * "end"), every coefficient on a line of its own with its target and basis name,
 * numbers in %.17g so that writing what was read reproduces the file byte for byte.
 * A section may record the tool versions its data came from ("tool_versions 0.23":
 * the yosys-0.23 family, fitted on Yosys results of snac's own models).
 *
 * Memory: surr_calib_samples() mallocs the sample array (caller frees);
 * surr_calib_coef_write() mallocs the text. Workload: milliseconds.
 */
#ifndef SNAC_SURROGATE_SURR_CALIB_H
#define SNAC_SURROGATE_SURR_CALIB_H

#include <stdbool.h>
#include <stddef.h>

#include "surrogate/surr_fit.h"

typedef struct surr_calib_file {
    const char *name;  /* file name under surrogate/calibration/ */
    const char *text;  /* contents, NUL-terminated */
    size_t len;
} surr_calib_file;
extern const surr_calib_file surr_calib_files[];
extern const size_t surr_calib_n_files;

/* Fit weight of the single paper data point (its own group, weighted like one
 * architecture of the sweeps: every group counts alike in the structural fit). */
#define SURR_CALIB_PAPER_WEIGHT 1.0

/* All calibration samples (CSV rows that pass the filters + the paper baseline).
 * *n_rejected counts CSV rows dropped by the filters (failed runs, HLS that did
 * not build what the reuse factor asks for). */
int surr_calib_samples(surr_sample **out, size_t *n, size_t *n_rejected);

/* The SNAC-Pack paper's baseline spec (24-120-60-32-64-64-64-32-44-5, ReLU,
 * 8-bit ap_fixed<8,1> weights, ap_fixed<8,3> activations, 50% sparsity, RF 1,
 * Latency, io_parallel, xcvu13p-flga2577-2-e, 5 ns). */
int surr_calib_paper_spec(surr_spec *s);

/* The default version of toolchain tc, read from the embedded
 * structural_coefficients.txt: name "default-<tc>-b<basis>", coefficients,
 * covariance, dsp_min_bits, fitted_on, fit_stats and the note written by the
 * calibration program. rep (may be NULL) is zeroed (the statistics are in fit_stats). */
int surr_calib_default_version(enum surr_toolchain tc, surr_version *v, surr_fit_report *rep);
/* Fit a version for tc from the embedded sweeps + the paper baseline alone, with
 * in-sample and leave-one-architecture-out statistics in rep. */
int surr_calib_fit(enum surr_toolchain tc, const surr_fit_options *o, surr_version *v, surr_fit_report *rep);

/* The coefficient file: text of versions v[0..n) (malloc'd, NUL-terminated),
 * and the section of toolchain tc parsed from `text` (SNAC_ENOTFOUND when the
 * file has no such section; SNAC_EFORMAT names the line of a bad one). */
int surr_calib_coef_write(const surr_version *v, size_t n, const char *header, char **text);
int surr_calib_coef_read(const char *text, enum surr_toolchain tc, surr_version *v);

/* Whether tool version `installed` ("0.40") is one the version's data came from
 * (v->tool_versions, comma-separated: "0.23" or "0.23,0.40"). A version with no recorded
 * tool versions (the HLS families) counts as calibrated on every one. */
bool surr_calib_tool_version_known(const surr_version *v, const char *installed);

#endif
