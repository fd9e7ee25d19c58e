/* surr_calib — the shipped calibration data and the default surrogate version.
 *
 * The data are real public hls4ml synthesis sweeps (fastmachinelearning/hls4ml,
 * Apache-2.0; copied to surrogate/calibration/ with PROVENANCE.md) compiled into
 * the library, plus the SNAC-Pack paper's synthesised baseline. The default
 * version is fitted from them with GSL at run time: no coefficient is typed into
 * the source, and the fit is reproducible bit for bit on one platform.
 *
 * Memory: surr_calib_samples() mallocs the sample array (caller frees).
 * Workload: parsing ~200 CSV rows and one ridge fit: milliseconds.
 */
#ifndef SNAC_SURROGATE_SURR_CALIB_H
#define SNAC_SURROGATE_SURR_CALIB_H

#include <stddef.h>

#include "surrogate/surr_fit.h"

typedef struct surr_calib_file {
    const char *name;  /* file name under surrogate/calibration/ */
    const char *text;  /* contents, NUL-terminated */
    size_t len;
} surr_calib_file;
extern const surr_calib_file surr_calib_files[];
extern const size_t surr_calib_n_files;

/* Fit weight of the single paper data point (the only 8-bit, pruned, VU13P row). */
#define SURR_CALIB_PAPER_WEIGHT 10.0

/* All calibration samples (CSV rows that pass the filters + the paper baseline).
 * *n_rejected counts CSV rows dropped by the filters (failed runs, HLS that did
 * not build what the reuse factor asks for). */
int surr_calib_samples(surr_sample **out, size_t *n, size_t *n_rejected);

/* The SNAC-Pack paper's baseline spec (24-120-60-32-64-64-64-32-44-5, ReLU,
 * 8-bit ap_fixed<8,1> weights, ap_fixed<8,3> activations, 50% sparsity, RF 1,
 * Latency, io_parallel, xcvu13p-flga2577-2-e, 5 ns). */
int surr_calib_paper_spec(surr_spec *s);

/* Fit the default version for toolchain tc (family loglin-ridge-gcv, monotone):
 * sets name "default-<tc>-b<basis>", fitted_on, fit_stats and a note that says
 * which data it rests on and, for toolchains without data, what it falls back to. */
int surr_calib_default_version(enum surr_toolchain tc, surr_version *v, surr_fit_report *rep);
/* The same with other fit options (method comparison; the default uses SURR_FIT_OPTIONS_INIT). */
int surr_calib_fit(enum surr_toolchain tc, const surr_fit_options *o, surr_version *v, surr_fit_report *rep);

#endif
