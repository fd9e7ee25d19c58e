/* rpt_util — read Vivado `report_utilization` text (hls4ml's vivado_synth.rpt,
 * after synthesis or after place and route) into an rpt_result.
 *
 * Read by meaning across Vivado 2018.3 .. 2024.x: the header lines
 * "| Tool Version : Vivado v.2020.1 ..." and "| Device : 7z020clg400-1"; every
 * "Site Type" table, columns Used and Available found by header name (later
 * versions add a Prohibited column; the per-SLR tables of multi-SLR parts,
 * "| Site Type | SLR0 | SLR1 | ...", have no Used column and are skipped);
 * "| Design : myproject" -> top module; rows, first occurrence only:
 *   LUT  "Slice LUTs" | "CLB LUTs"          FF   "Slice Registers" | "CLB Registers"
 *   BRAM "Block RAM Tile" (+ "RAMB36/FIFO", "RAMB18" for the note)
 *   URAM "URAM" (UltraScale+ only; absent = unknown)   DSP "DSPs"
 * BRAM is normalised to BRAM18: a Block RAM tile holds one RAMB36 or two RAMB18,
 * and Vivado counts a lone RAMB18 as half a tile, so BRAM18 = 2 x tiles; the
 * conversion is written to bram_note. LUT, FF, BRAM tile and DSP are required.
 *
 * Memory: nothing kept. Errors (SNAC_EFORMAT) name the file and the line or row.
 */
#ifndef SNAC_VALIDATION_RPT_UTIL_H
#define SNAC_VALIDATION_RPT_UTIL_H

#include <stddef.h>

#include "validation/rpt_result.h"

int rpt_util_read(const char *buf, size_t len, const char *name, rpt_result *out);

#endif
