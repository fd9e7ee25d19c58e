/* calib_yosys — Yosys results of snac's own models as surrogate calibration
 * samples for the yosys-0.23 family: the committed text file
 * surrogate/calibration/yosys_results.csv (written from a store by
 * yosys_calib_export, read by surr_calibrate and bench_yosys_loao), and the fit
 * of the yosys-0.23 version from it. Build-time code, like calib_projects.
 *
 * The file holds what the structural model needs of each model, not its
 * weights: one line per dense layer, with the model's columns repeated on each
 * of its lines (they must agree):
 *   model        "<set>:<model id>" (unique; the lines of a model are consecutive)
 *   arch         "24-16-8-5": the architecture group of leave-one-architecture-out
 *   activation   the hidden layers' activation; bits: the local search's weight width;
 *   sparsity     the model's zero-weight fraction
 *   yosys        the Yosys version that synthesized it ("0.23")
 *   part, clock_ns, lut, ff, dsp, bram18, uram, latency, ii   the synthesis row
 *   layer, n_in, n_out, act, a_w, w_w, acc_w, out_w, nonzero, general,
 *   csd_add_bits, acc_add_bits, out_bits, levels, table_units   surr_layer_terms of the
 *                layer as surr_features_extract counts snac's RTL (exact: the real weights)
 * Lines starting with '#' are comments; columns are found by their header name.
 * Reuse factor 1, Latency strategy, io_parallel (what `snac synth` builds).
 *
 * Memory: calib_yosys_read mallocs the row array (free()). Workload: a few
 * hundred models: milliseconds.
 */
#ifndef SNAC_BENCHMARKS_CALIB_YOSYS_H
#define SNAC_BENCHMARKS_CALIB_YOSYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "surrogate/surr_fit.h"

/* Products of weights of at most SURR_RTL_CSD_MAX_WIDTH bits are CSD shift-adds in snac's RTL
 * whatever the input width (up to as many bits again): no DSP below this product width. The
 * Yosys data have no DSP at all, so the threshold is set from the RTL rule, not fitted. */
#define CALIB_YOSYS_DSP_MIN_BITS (2 * SURR_RTL_CSD_MAX_WIDTH + 1)

typedef struct calib_yosys_row {
    surr_sample s;           /* features, the Yosys counts, weight 1, group by arch; s.id = model */
    char arch[96];
    char activation[16];
    int bits;
    double sparsity;
    char yosys[32];          /* Yosys version */
    char part[48];
} calib_yosys_row;

/* Parse the file's text (name for messages). Rows in file order; groups numbered by first
 * appearance of each arch. SNAC_EFORMAT names the line and column of anything malformed. */
int calib_yosys_parse(const char *text, const char *name, calib_yosys_row **rows, size_t *n);
/* Read and parse a file. */
int calib_yosys_read(const char *path, calib_yosys_row **rows, size_t *n);
/* Write rows (header comment lines first, each prefixed "# ") in the file's format. */
int calib_yosys_write(FILE *f, const char *header, const calib_yosys_row *rows, size_t n);

/* The distinct Yosys versions of the rows, sorted, comma-separated ("0.23"). */
void calib_yosys_versions(const calib_yosys_row *rows, size_t n, char *buf, size_t cap);

/* Fit the yosys-0.23 version from the rows (group `exclude` left out, -1 = none), with
 * leave-one-group-out statistics when cv. Only Yosys rows: the HLS families are a different
 * toolchain. v->toolchain = yosys-0.23; v->tool_versions = the rows' Yosys versions. */
int calib_yosys_fit(const calib_yosys_row *rows, size_t n, int exclude, bool cv, surr_version *v,
                    surr_fit_report *rep);

#endif
