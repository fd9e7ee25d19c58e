/* vtoolchain — report toolchain -> surrogate toolchain; the table is in vtoolchain.h.
 *
 * Memory: none. Workload: one call per synthesis_results row.
 */
#include "validation/vtoolchain.h"

#include <stdlib.h>
#include <string.h>

#include "validation/rpt_result.h"

const char *const vtc_stage_names[VTC_STAGE_COUNT] = {"hls-estimate", "post-synthesis"};
_Static_assert(SURR_TC_COUNT == 4, "vtoolchain: map every surrogate toolchain");

/* Leading year of a version like "2019.1" or "v2020.2"; 0 when unknown. */
static long version_year(const char *v)
{
    if (!v)
        return 0;
    while (*v && (*v < '0' || *v > '9'))
        v++;
    char *end;
    long y = strtol(v, &end, 10);
    return end > v && y >= 1990 && y <= 2999 ? y : 0;
}

bool vtoolchain_map(const char *family, const char *tool_version, enum surr_toolchain *tc)
{
    int f = family ? rpt_enum_find(rpt_toolchain_names, RPT_TC_COUNT, family) : -1;
    switch (f) {
    case RPT_TC_VIVADO_HLS: {
        long y = version_year(tool_version);
        *tc = y == 0 || y <= 2019 ? SURR_TC_VIVADO_2019_1 : SURR_TC_VIVADO_2020_1;
        return true;
    }
    case RPT_TC_VITIS_HLS:
        *tc = SURR_TC_VITIS_2023_2;
        return true;
    case RPT_TC_YOSYS:
        *tc = SURR_TC_YOSYS_0_23;
        return true;
    default: /* RPT_TC_VIVADO (post-synthesis) and anything unknown */
        return false;
    }
}

enum vtc_stage vtoolchain_stage(enum surr_toolchain tc)
{
    return tc == SURR_TC_YOSYS_0_23 ? VTC_STAGE_SYNTH : VTC_STAGE_HLS;
}

const char *vtoolchain_describe(enum surr_toolchain tc)
{
    switch (tc) {
    case SURR_TC_VIVADO_2019_1: return "vivado_hls results, version unknown or <= 2019.x (csynth estimates)";
    case SURR_TC_VIVADO_2020_1: return "vivado_hls results, version >= 2020.x (csynth estimates)";
    case SURR_TC_VITIS_2023_2: return "vitis_hls results, any version (csynth estimates)";
    case SURR_TC_YOSYS_0_23: return "yosys results (synth_xilinx post-synthesis netlist)";
    default: return "?";
    }
}
