/* vtoolchain — THE mapping between the toolchain a synthesis result came from
 * (synthesis_results.toolchain family + tool_version, see rpt_result.h) and the
 * surrogate toolchain whose numbers it can validate or refit (surr_spec.h).
 *
 * Stages are never mixed: HLS estimates (csynth) and post-synthesis netlists are
 * different quantities, so each surrogate toolchain takes exactly one stage.
 *
 *   report family  tool_version           surrogate toolchain  stage
 *   vivado_hls     unknown, <= 2019.x     vivado-2019.1        HLS estimate (csynth)
 *   vivado_hls     2020.x                 vivado-2020.1        HLS estimate (csynth)
 *   vivado_hls     >= 2021 (does not exist: Vitis HLS)  vitis-2023.2
 *   vitis_hls      any                    vitis-2023.2         HLS estimate (csynth)
 *   yosys          any                    yosys-0.23           post-synthesis (synth_xilinx stat)
 *   vivado         any                    (none)               post-synthesis: no surrogate toolchain
 *                                                              predicts it; validate/refit skip and count it
 *
 * validate and refit select rows with vtoolchain_map() and nothing else. The rows
 * of the table live in surrogate/surr_spec.c (surr_toolchain_of), so that the
 * surrogate's own commands and spec files (surr_toolchain_resolve: "vitis_hls-2021.1",
 * "vivado-2019.2", ...) use the very same mapping without depending on validation/.
 *
 * Memory: none; the strings returned are static. Workload: one call per row.
 */
#ifndef SNAC_VALIDATION_VTOOLCHAIN_H
#define SNAC_VALIDATION_VTOOLCHAIN_H

#include <stdbool.h>

#include "surrogate/surr_spec.h"

enum vtc_stage { VTC_STAGE_HLS, VTC_STAGE_SYNTH, VTC_STAGE_COUNT };
extern const char *const vtc_stage_names[VTC_STAGE_COUNT]; /* "hls-estimate", "post-synthesis" */

/* Surrogate toolchain of a result from `family` ("vivado_hls", ...) at
 * `tool_version` ("2019.1", "" or NULL = unknown). Returns false (and leaves
 * *tc alone) when no surrogate toolchain takes that result. */
bool vtoolchain_map(const char *family, const char *tool_version, enum surr_toolchain *tc);

/* The stage a surrogate toolchain's numbers are. */
enum vtc_stage vtoolchain_stage(enum surr_toolchain tc);

/* One line saying which results feed tc, e.g. "vivado_hls <= 2019.x csynth estimates". */
const char *vtoolchain_describe(enum surr_toolchain tc);

#endif
