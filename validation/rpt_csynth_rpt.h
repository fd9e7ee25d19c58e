/* rpt_csynth_rpt — read the text synthesis report of Vivado HLS / Vitis HLS
 * (<top>_csynth.rpt), used when there is no csynth.xml.
 *
 * Read by meaning, so 2018.x to 2024.x layouts all work:
 *   header "== Vivado HLS Report for 'top'" | "== Vitis HLS Report for 'top'"  -> toolchain (required),
 *     top module (between the quotes)
 *   "* Version:" -> tool version; "* Target device:" -> part (required)
 *   Timing summary: the first clock row of the table whose header has Target and
 *     Estimated ("5.00 ns") -> clock target / estimated (required)
 *   Latency summary: the first data row; cells with a time unit (absolute
 *     latency) and the pipeline type are dropped; the remaining four are
 *     latency min, max and interval min, max ("?" = unknown) (required)
 *   Utilization Estimates summary: columns by header name (BRAM_18K, DSP48E |
 *     DSP, FF, LUT, URAM); rows Total (required) and Available.
 *
 * Memory: nothing kept. Errors (SNAC_EFORMAT) name the file and the line or the
 * section that is missing.
 */
#ifndef SNAC_VALIDATION_RPT_CSYNTH_RPT_H
#define SNAC_VALIDATION_RPT_CSYNTH_RPT_H

#include <stddef.h>

#include "validation/rpt_result.h"

int rpt_csynth_rpt_read(const char *buf, size_t len, const char *name, rpt_result *out);

/* One row of the top function's latency detail ("+ Latency:" / "+ Detail:" /
 * "* Instance:"): a called function (hls4ml: one nnet:: call, its module name ending
 * in the call's config struct, "dense_latency_..._config2_s") and its own cycles. */
typedef struct rpt_instance {
    char module[160];
    double latency_worst, ii_max; /* cycles; NaN for "?" */
} rpt_instance;

/* The instance rows of a csynth.rpt, in report order; at most cap are stored, *n is
 * the count found (0 when the report lists none: "N/A", or a flattened top).
 * SNAC_EFORMAT names the line of a row whose cycle counts do not parse. */
int rpt_csynth_rpt_instances(const char *buf, size_t len, const char *name, rpt_instance *out, size_t cap,
                             size_t *n);

#endif
