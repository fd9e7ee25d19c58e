/* surr_part — FPGA part table; see surr_part.h.
 *
 * One row per die: resource totals do not depend on package, speed grade or
 * temperature range, so "xcvu9p-flga2104-2L-e", "xcvu9pflga2104-2L" (Vivado's
 * abbreviated Device) and "xcvu9p" all resolve to the row "xcvu9p" by the
 * longest table name that prefixes the normalised part (lower case, "xc" and
 * dashes removed, so "7z020clg400-1" also matches).
 *
 * Sources (device totals; BRAM36 blocks x 2 = BRAM18):
 *   Zynq-7000 SoC product selection guide / data sheet DS190 (xc7z*);
 *   7 Series FPGAs overview DS180 (Artix-7 xc7a*, Kintex-7 xc7k*, Virtex-7 xc7vx*);
 *   UltraScale Architecture and Product Data Sheet: Overview DS890 (Kintex/Virtex
 *     UltraScale xcku0*, xcku115, xcvu0*, xcvu440);
 *   Kintex UltraScale+ product table / DS922 (xcku*p); Virtex UltraScale+ product
 *     table / DS923 (xcvu*p); Zynq UltraScale+ MPSoC product table / DS891 (xczu*eg/ev);
 *     Zynq UltraScale+ RFSoC DS889 (xczu28dr);
 *   Alveo data sheets DS962 (U200/U250), DS963 (U280), DS965 (U50), DS989 (U55C).
 * Checked against the AvailableResources that Vivado/Vitis HLS print in the
 * csynth.xml of the hls4ml projects in ../shared/data/hls4ml_projects for
 * xc7z007s, xc7z020, xc7a200t, xc7vx690t, xcku15p, xczu5ev, xczu7ev, xcvu9p,
 * xcvu13p, xcu50, xcu55c, xcu250 and xcu280 (all equal), and the TargetResource
 * columns of the hls4ml digit-recognizer sweep for xcku115.
 */
#include "surrogate/surr_part.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"

/* name, family, board, LUT, FF, DSP, BRAM18, URAM */
static const surr_part parts[] = {
    /* Zynq-7000 (DS190) */
    {"xc7z007s", "Zynq-7000", "Cora Z7-07S", 14400, 28800, 66, 100, 0},
    {"xc7z010", "Zynq-7000", "Zybo Z7-10", 17600, 35200, 80, 120, 0},
    {"xc7z012s", "Zynq-7000", "", 34400, 68800, 120, 144, 0},
    {"xc7z014s", "Zynq-7000", "", 40600, 81200, 170, 214, 0},
    {"xc7z015", "Zynq-7000", "", 46200, 92400, 160, 190, 0},
    {"xc7z020", "Zynq-7000", "PYNQ-Z2 / ZedBoard", 53200, 106400, 220, 280, 0},
    {"xc7z030", "Zynq-7000", "", 78600, 157200, 400, 530, 0},
    {"xc7z035", "Zynq-7000", "", 171900, 343800, 900, 1000, 0},
    {"xc7z045", "Zynq-7000", "ZC706", 218600, 437200, 900, 1090, 0},
    {"xc7z100", "Zynq-7000", "", 277400, 554800, 2020, 1510, 0},
    /* Artix-7, Kintex-7, Virtex-7 (DS180) */
    {"xc7a35t", "Artix-7", "Arty A7-35", 20800, 41600, 90, 100, 0},
    {"xc7a50t", "Artix-7", "", 32600, 65200, 120, 150, 0},
    {"xc7a75t", "Artix-7", "", 47200, 94400, 180, 210, 0},
    {"xc7a100t", "Artix-7", "Arty A7-100", 63400, 126800, 240, 270, 0},
    {"xc7a200t", "Artix-7", "Nexys Video", 134600, 269200, 740, 730, 0},
    {"xc7k325t", "Kintex-7", "KC705", 203800, 407600, 840, 890, 0},
    {"xc7k410t", "Kintex-7", "", 254200, 508400, 1540, 1590, 0},
    {"xc7vx485t", "Virtex-7", "VC707", 303600, 607200, 2800, 2060, 0},
    {"xc7vx690t", "Virtex-7", "VC709", 433200, 866400, 3600, 2940, 0},
    /* Kintex / Virtex UltraScale (DS890) */
    {"xcku040", "Kintex UltraScale", "KCU105", 242400, 484800, 1920, 1200, 0},
    {"xcku060", "Kintex UltraScale", "", 331680, 663360, 2760, 2160, 0},
    {"xcku115", "Kintex UltraScale", "", 663360, 1326720, 5520, 4320, 0},
    {"xcvu095", "Virtex UltraScale", "", 537600, 1075200, 768, 3456, 0},
    {"xcvu440", "Virtex UltraScale", "", 2532960, 5065920, 2880, 5040, 0},
    /* Kintex UltraScale+ (DS922) */
    {"xcku3p", "Kintex UltraScale+", "", 162720, 325440, 1368, 720, 48},
    {"xcku5p", "Kintex UltraScale+", "KCU116", 216960, 433920, 1824, 960, 64},
    {"xcku11p", "Kintex UltraScale+", "", 298560, 597120, 2928, 1200, 80},
    {"xcku15p", "Kintex UltraScale+", "", 522720, 1045440, 1968, 1968, 128},
    /* Virtex UltraScale+ (DS923) */
    {"xcvu3p", "Virtex UltraScale+", "", 394080, 788160, 2280, 1440, 320},
    {"xcvu5p", "Virtex UltraScale+", "", 600577, 1201154, 3474, 2048, 470},
    {"xcvu7p", "Virtex UltraScale+", "", 788160, 1576320, 4560, 2880, 640},
    {"xcvu9p", "Virtex UltraScale+", "VCU118", 1182240, 2364480, 6840, 4320, 960},
    {"xcvu11p", "Virtex UltraScale+", "", 1296000, 2592000, 9216, 4032, 960},
    {"xcvu13p", "Virtex UltraScale+", "", 1728000, 3456000, 12288, 5376, 1280},
    /* Alveo accelerator cards (DS962, DS963, DS965, DS989) */
    {"xcu200", "Virtex UltraScale+ (Alveo)", "Alveo U200", 1182240, 2364480, 6840, 4320, 960},
    {"xcu250", "Virtex UltraScale+ (Alveo)", "Alveo U250", 1728000, 3456000, 12288, 5376, 1280},
    {"xcu280", "Virtex UltraScale+ HBM (Alveo)", "Alveo U280", 1303680, 2607360, 9024, 4032, 960},
    {"xcu50", "Virtex UltraScale+ HBM (Alveo)", "Alveo U50", 871680, 1743360, 5952, 2688, 640},
    {"xcu55c", "Virtex UltraScale+ HBM (Alveo)", "Alveo U55C", 1303680, 2607360, 9024, 4032, 960},
    /* Zynq UltraScale+ MPSoC (DS891) and RFSoC (DS889) */
    {"xczu2cg", "Zynq UltraScale+", "", 47232, 94464, 240, 300, 0},
    {"xczu2eg", "Zynq UltraScale+", "", 47232, 94464, 240, 300, 0},
    {"xczu3eg", "Zynq UltraScale+", "Ultra96", 70560, 141120, 360, 432, 0},
    {"xczu4ev", "Zynq UltraScale+", "", 87840, 175680, 728, 256, 48},
    {"xczu5ev", "Zynq UltraScale+", "ZCU104 class", 117120, 234240, 1248, 288, 64},
    {"xczu7ev", "Zynq UltraScale+", "ZCU106", 230400, 460800, 1728, 624, 96},
    {"xczu9eg", "Zynq UltraScale+", "ZCU102", 274080, 548160, 2520, 1824, 0},
    {"xczu15eg", "Zynq UltraScale+", "", 341280, 682560, 3528, 1488, 112},
    {"xczu28dr", "Zynq UltraScale+ RFSoC", "ZCU111", 425280, 850560, 4272, 2160, 80},
};
#define N_PARTS (sizeof parts / sizeof parts[0])

/* Totals NaN: predictions stay absolute, percentages are undefined. */
static const surr_part unknown_part = {"(unknown part)", "unknown", "", NAN, NAN, NAN, NAN, NAN};

size_t surr_part_count(void) { return N_PARTS; }

const surr_part *surr_part_at(size_t i) { return i < N_PARTS ? &parts[i] : NULL; }

const surr_part *surr_part_unknown(void) { return &unknown_part; }

bool surr_part_is_unknown(const surr_part *p) { return p == &unknown_part; }

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

/* Lower case, without a leading "xc" and without '-' / '_'. */
static void normalise(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    if (strncasecmp(in, "xc", 2) == 0)
        in += 2;
    for (; *in && n + 1 < cap; in++)
        if (*in != '-' && *in != '_' && !isspace((unsigned char)*in))
            out[n++] = (char)tolower((unsigned char)*in);
    out[n] = '\0';
}

int surr_part_find(const char *name, const surr_part **out)
{
    *out = NULL;
    char want[96], have[32];
    normalise(name ? name : "", want, sizeof want);
    size_t best_len = 0;
    for (size_t i = 0; i < N_PARTS; i++) {
        normalise(parts[i].name, have, sizeof have);
        size_t n = strlen(have);
        if (n > best_len && strncmp(want, have, n) == 0) {
            *out = &parts[i];
            best_len = n;
        }
    }
    if (*out)
        return SNAC_OK;
    char known[1024];
    surr_part_list(known, sizeof known);
    return snac_err_set(SNAC_ENOTFOUND, "unknown FPGA part '%s'; known devices (any package/speed grade): %s",
                        name ? name : "", known);
}

const surr_part *surr_part_lookup(const char *name)
{
    const surr_part *p;
    if (surr_part_find(name, &p) == SNAC_OK)
        return p;
    snac_err_clear();
    return &unknown_part;
}

/* ------------------------------------------------------------ logic delay */

/* Speed grade of a full part name: the digit of the last "-<g>" group followed
 * by an end, a dash or a voltage letter ("xcvu9p-flga2104-2L-e" -> 2,
 * "xc7z020clg400-1" -> 1); 0 = none. */
static int speed_grade(const char *name)
{
    int g = 0;
    for (const char *p = name; *p; p++) {
        if (*p != '-' || !isdigit((unsigned char)p[1]))
            continue;
        char c = p[2];
        if (c == '\0' || c == '-' || c == 'L' || c == 'l' || c == 'H' || c == 'h' || c == 'E' || c == 'e' ||
            c == 'I' || c == 'i')
            g = p[1] - '0';
    }
    return g >= 1 && g <= 3 ? g : 0;
}

double surr_part_delay_scale(const char *name)
{
    const surr_part *p = surr_part_lookup(name ? name : "");
    double fabric = 0.35;
    if (!surr_part_is_unknown(p)) {
        const char *f = p->family;
        if (strstr(f, "UltraScale+"))
            fabric = 0.35;
        else if (strstr(f, "UltraScale"))
            fabric = 0.45;
        else if (strstr(f, "Kintex-7") || strstr(f, "Virtex-7"))
            fabric = 0.6;
        else
            fabric = 1.0; /* Artix-7, Zynq-7000 (the Zynq-7010/20 fabric is Artix-class) */
    }
    static const double grade[4] = {0.87, 1.0, 0.87, 0.76};
    return fabric * grade[speed_grade(name ? name : "")];
}
