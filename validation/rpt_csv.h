/* rpt_csv — read a tabular synthesis sweep (the hls4ml reuse-factor sweeps of
 * 2019: RF_stress_results_*.csv, stress_results.csv, rf-exploration_reports_*.csv)
 * into rpt_results, one or two per row.
 *
 * Columns are found by header name ('#' before the first name is ignored):
 *   VivadoVersion, FpgaPart, Model, ReuseFactor,
 *   [VivadoHls]TargetClk, [VivadoHls]EstimatedClk, [VivadoHls]BestLatency, ...WorstLatency,
 *   ...IIntervalMin, ...IIntevalMax (sic) | ...IIntervalMax,
 *   HLSResource{Bram,Dsp,Ff,Lut} | VivadoHlsResource{...}   HLS estimates
 *   VivadoResource{...}, VivadoClk                           Vivado synthesis
 *   Resource{...}: the HLS estimates when the header has no other HLS group
 *     (stress layout), else the Vivado numbers
 *   VivadoHlsExitVal, VivadoExitVal: a stage whose exit value is not 0 failed
 *   TargetResource{...}: the available resources.
 * Other columns are ignored. Each row yields an HLS result (toolchain vivado_hls)
 * and, when the header has Vivado numbers, a Vivado result (toolchain vivado).
 * A stage with a value '?', empty or negative (-1), or a non-zero exit value, is
 * a failed run: skipped and counted, never an error. A cell that is neither a
 * number nor a failure mark is an error naming the line and column.
 *
 * One known defect is repaired: RF_stress_results_2layer_100x100.csv has a 22-name
 * header (with HLSResource*) but 18-field rows written in the stress layout; a
 * row exactly four fields short of such a header is read in the stress layout
 * (its Resource* are the HLS estimates) and the repair is counted in `repaired`.
 *
 * source_row = 2 * line + stage (line 1 = the header; stage 0 = HLS, 1 = Vivado),
 * so every result of a file has its own row key.
 *
 * The spec of every result: model name, layer widths from the model name
 * (rpt_layers_from_model_name), reuse factor, and the 2019 defaults, marked as
 * assumed: precision ap_fixed<16,6>, strategy latency, io_type io_parallel.
 *
 * Memory: results are passed to `fn` one at a time (a stack copy, valid during
 * the call); nothing is kept. Workload: files of a few hundred rows.
 */
#ifndef SNAC_VALIDATION_RPT_CSV_H
#define SNAC_VALIDATION_RPT_CSV_H

#include <stddef.h>

#include "validation/rpt_result.h"

typedef struct rpt_csv_stats {
    size_t rows;      /* data rows read */
    size_t results;   /* results passed to fn */
    size_t skipped;   /* stages skipped as failed runs */
    size_t repaired;  /* rows read in the stress layout under a longer header */
} rpt_csv_stats;

/* Called once per result; a non-zero return stops the read and is returned. */
typedef int (*rpt_csv_fn)(const rpt_result *r, void *ctx);

int rpt_csv_read(const char *buf, size_t len, const char *name, rpt_csv_fn fn, void *ctx, rpt_csv_stats *stats);

#endif
