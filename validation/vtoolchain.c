/* vtoolchain — report toolchain -> surrogate toolchain; the table is in vtoolchain.h.
 *
 * Memory: none. Workload: one call per synthesis_results row.
 */
#include "validation/vtoolchain.h"


const char *const vtc_stage_names[VTC_STAGE_COUNT] = {"hls-estimate", "post-synthesis"};
_Static_assert(SURR_TC_COUNT == 4, "vtoolchain: map every surrogate toolchain");

bool vtoolchain_map(const char *family, const char *tool_version, enum surr_toolchain *tc)
{
    /* One table for every command: surr_toolchain_of (surrogate/surr_spec.c). A Vivado
     * post-synthesis result ("vivado": report_utilization, export.rpt) has no surrogate. */
    return surr_toolchain_of(family, tool_version, tc, NULL);
}

enum vtc_stage vtoolchain_stage(enum surr_toolchain tc)
{
    return tc == SURR_TC_YOSYS_0_23 ? VTC_STAGE_SYNTH : VTC_STAGE_HLS;
}

const char *vtoolchain_describe(enum surr_toolchain tc)
{
    switch (tc) {
    case SURR_TC_VIVADO_2019_1: return "vivado_hls results, version unknown or <= 2019.x (csynth estimates)";
    case SURR_TC_VIVADO_2020_1: return "vivado_hls results, version 2020.x (csynth estimates)";
    case SURR_TC_VITIS_2023_2: return "vitis_hls results, any version (csynth estimates)";
    case SURR_TC_YOSYS_0_23: return "yosys results (synth_xilinx post-synthesis netlist)";
    default: return "?";
    }
}
