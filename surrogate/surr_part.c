/* surr_part — FPGA part table; see surr_part.h.
 *
 * Sources (totals of the device, all speed grades alike):
 *   Virtex UltraScale+ data sheet DS923 / product table: xcvu13p 1,728,000 LUT,
 *     3,456,000 FF, 12,288 DSP, 2,688 BRAM36 (5,376 BRAM18), 1,280 URAM.
 *   Alveo U250 (DS962): the xcu250 is the same die class as the VU13P; same totals.
 *   Zynq UltraScale+ product table (DS891): xczu9eg 274,080 LUT, 548,160 FF,
 *     2,520 DSP, 912 BRAM36 (1,824 BRAM18), no URAM (ZCU102 board).
 *   Zynq-7000 product table (DS190): xc7z020 53,200 LUT, 106,400 FF, 220 DSP,
 *     140 BRAM36 (280 BRAM18); matches the Vivado report in ../shared/data/reports.
 *   Kintex UltraScale product table (DS890): xcku115 663,360 LUT, 1,326,720 FF,
 *     5,520 DSP, 2,160 BRAM36 (4,320 BRAM18), no URAM; matches the TargetResource*
 *     columns of the hls4ml digit-recognizer sweep (surrogate/calibration/).
 */
#include "surrogate/surr_part.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"

static const surr_part parts[] = {
    {"xcvu13p-flga2577-2-e", "Virtex UltraScale+", "", 1728000, 3456000, 12288, 5376, 1280},
    {"xcu250-figd2104-2L-e", "Virtex UltraScale+ (Alveo)", "Alveo U250", 1728000, 3456000, 12288, 5376, 1280},
    {"xczu9eg-ffvb1156-2-e", "Zynq UltraScale+", "ZCU102", 274080, 548160, 2520, 1824, 0},
    {"xc7z020-clg400-1", "Zynq-7000", "PYNQ-Z2 / Zedboard class", 53200, 106400, 220, 280, 0},
    {"xcku115-flvb2104-2-e", "Kintex UltraScale", "", 663360, 1326720, 5520, 4320, 0},
    {"xcku115-flvb2104-2-i", "Kintex UltraScale", "", 663360, 1326720, 5520, 4320, 0},
};
#define N_PARTS (sizeof parts / sizeof parts[0])

size_t surr_part_count(void) { return N_PARTS; }

const surr_part *surr_part_at(size_t i) { return i < N_PARTS ? &parts[i] : NULL; }

void surr_part_list(char *buf, size_t cap)
{
    size_t used = 0;
    if (cap == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < N_PARTS && used < cap; i++) {
        int n = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", parts[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

int surr_part_find(const char *name, const surr_part **out)
{
    *out = NULL;
    for (size_t i = 0; i < N_PARTS; i++)
        if (strcasecmp(name, parts[i].name) == 0) {
            *out = &parts[i];
            return SNAC_OK;
        }
    char known[512];
    surr_part_list(known, sizeof known);
    return snac_err_set(SNAC_ENOTFOUND, "unknown FPGA part '%s'; known parts: %s", name, known);
}
