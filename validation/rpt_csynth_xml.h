/* rpt_csynth_xml — read a Vivado HLS / Vitis HLS <top>_csynth.xml synthesis
 * report into an rpt_result.
 *
 * Read (paths under <profile>):
 *   ReportVersion/Version                         tool version (optional)
 *   UserAssignments/{Part, TargetClockPeriod}     required
 *   UserAssignments/TopModelName (else RTLDesignHierarchy/TopModule/ModuleName)   top module (optional)
 *   PerformanceEstimates/SummaryOfTimingAnalysis/EstimatedClockPeriod      required
 *   PerformanceEstimates/SummaryOfOverallLatency/{Best-caseLatency, Worst-caseLatency,
 *       Interval-min, Interval-max}              required ("undef" = unknown)
 *   AreaEstimates/Resources/{BRAM_18K, DSP48E | DSP, FF, LUT}   required; URAM optional
 *   AreaEstimates/AvailableResources/...          optional
 * The same reader takes Vitis HLS's solution-level syn/report/csynth.xml (same <profile> schema).
 * Vivado HLS (<= 2020.1) writes DSP48E, Vitis HLS writes DSP; the toolchain is
 * vitis_hls for DSP or a version >= 2020.2, else vivado_hls. The clock unit must be ns.
 *
 * Memory: nothing kept; the XML document lives only during the call.
 * Errors (SNAC_EFORMAT) start with `name` and name the element and line.
 */
#ifndef SNAC_VALIDATION_RPT_CSYNTH_XML_H
#define SNAC_VALIDATION_RPT_CSYNTH_XML_H

#include <stddef.h>

#include "validation/rpt_result.h"

int rpt_csynth_xml_read(const char *buf, size_t len, const char *name, rpt_result *out);

#endif
