/* surr_part — the FPGA part table: resource totals of the devices the surrogate
 * knows, for "% of the part" targets and for range checks of specs.
 *
 * Memory: a static, read-only table; lookups return borrowed pointers to it.
 * Workload: a handful of string compares per spec; never on a hot path.
 */
#ifndef SNAC_SURROGATE_SURR_PART_H
#define SNAC_SURROGATE_SURR_PART_H

#include <stdbool.h>
#include <stddef.h>

typedef struct surr_part {
    const char *name;    /* the device (die) name, "xcvu13p": totals do not depend on package or speed grade */
    const char *family;  /* "Virtex UltraScale+", ... */
    const char *board;   /* a board that carries it, or "" */
    double lut, ff, dsp, bram18, uram; /* totals; BRAM counted in 18 Kb halves */
} surr_part;

/* The device of part `name`: the longest table name that prefixes it, compared
 * without case, the "xc" prefix and dashes ("xcvu9p-flga2104-2L-e", Vivado's
 * "xcvu9pflga2104-2L" and "vu9p" all give xcvu9p). On failure returns
 * SNAC_ENOTFOUND with a message listing every known device. */
int surr_part_find(const char *name, const surr_part **out);
/* Like surr_part_find but never fails: an unknown part gives surr_part_unknown(),
 * whose totals are NaN (absolute predictions only, no percentages). */
const surr_part *surr_part_lookup(const char *name);
const surr_part *surr_part_unknown(void);
bool surr_part_is_unknown(const surr_part *p);
size_t surr_part_count(void);
const surr_part *surr_part_at(size_t i);
/* Logic delay of part `name` relative to a Zynq-7000 / Artix-7 of speed grade -1
 * (1.0), for the latency model's stage packing: the fabric class (Artix-class
 * 7-series 1.0; Kintex-/Virtex-7 0.6; UltraScale 0.45; UltraScale+ 0.35) times
 * the speed grade read from the name's "-<g>" suffix (-1 1.0, -2 0.87, -3 0.76,
 * as the data sheets' switching characteristics step; no grade: -2). An unknown
 * device counts as UltraScale+ (hls4ml's default parts). Never fails. */
double surr_part_delay_scale(const char *name);
/* "a, b, c" — the known names, for messages. */
void surr_part_list(char *buf, size_t cap);

#endif
