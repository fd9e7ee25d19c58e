/* rpt_export — read the report Vivado/Vitis HLS writes after export_design runs
 * Vivado on the generated RTL (-flow syn | impl):
 * <prj>/<solution>/impl/report/{verilog,vhdl}/<top>_export.rpt, into an rpt_result
 * of toolchain `vivado` (post-synthesis or post-implementation numbers).
 *
 * Read by meaning, line by line, so both layouts work:
 *   Vivado HLS (<= 2020.1):
 *     "Implementation tool: Xilinx Vivado v.2019.2"   tool version
 *     "Project: myproject_prj", "Solution: solution1", "Device target: xc7z020-clg400-1"
 *     "#=== Post-Synthesis Resource usage ===" then "LUT:  1234" lines (SLICE, LUT, FF, DSP,
 *     BRAM, URAM, LATCH, SRL, CLB), optionally "#=== Post-Implementation Resource usage ==="
 *     "CP required: 5.000", "CP achieved post-synthesis: 4.1", "CP achieved post-implementation: 4.5"
 *   Vitis HLS (>= 2020.2): "* Version: 2021.1 (Build ...)", "* Target device: xcu250-...",
 *     sections "== Vivado Synthesis Results" / "== Place & Route Resource Summary" / ... with the
 *     same "KEY: value" lines (optionally "- LUT: 1234"), and a timing table whose rows are
 *     "| Target | 5.000 |", "| Post-Synthesis | 4.1 |", "| Post-Route | 4.5 |".
 * A later resource section (implementation) replaces an earlier one (synthesis):
 * the result is the last stage the report has. LUT, FF and DSP are required.
 * BRAM is counted in Block RAM tiles there (a RAMB36 tile = 2 BRAM18), normalised to
 * BRAM18 like report_utilization (bram_note says so). The estimated clock is the
 * achieved period of the stage read. The top module is the file name's prefix
 * (<top>_export.rpt) when `name` has that form.
 *
 * Memory: nothing kept. Errors (SNAC_EFORMAT) name the file and the line or key.
 */
#ifndef SNAC_VALIDATION_RPT_EXPORT_H
#define SNAC_VALIDATION_RPT_EXPORT_H

#include <stddef.h>

#include "validation/rpt_result.h"

int rpt_export_read(const char *buf, size_t len, const char *name, rpt_result *out);

#endif
