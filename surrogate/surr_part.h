/* surr_part — the FPGA part table: resource totals of the devices the surrogate
 * knows, for "% of the part" targets and for range checks of specs.
 *
 * Memory: a static, read-only table; lookups return borrowed pointers to it.
 * Workload: a handful of string compares per spec; never on a hot path.
 */
#ifndef SNAC_SURROGATE_SURR_PART_H
#define SNAC_SURROGATE_SURR_PART_H

#include <stddef.h>

typedef struct surr_part {
    const char *name;    /* full AMD/Xilinx part name, as Vivado spells it */
    const char *family;  /* "Virtex UltraScale+", ... */
    const char *board;   /* a board that carries it, or "" */
    double lut, ff, dsp, bram18, uram; /* totals; BRAM counted in 18 Kb halves */
} surr_part;

/* The part named `name` (exact, case-insensitive). On failure returns
 * SNAC_ENOTFOUND with a message listing every known part. */
int surr_part_find(const char *name, const surr_part **out);
size_t surr_part_count(void);
const surr_part *surr_part_at(size_t i);
/* "a, b, c" — the known names, for messages. */
void surr_part_list(char *buf, size_t cap);

#endif
