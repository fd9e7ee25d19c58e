/* rpt_util — the report_utilization reader; see rpt_util.h. */
#include "validation/rpt_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "validation/rpt_text.h"

#define MAX_CELLS 16

enum row { ROW_LUT, ROW_FF, ROW_BRAM_TILE, ROW_RAMB36, ROW_RAMB18, ROW_URAM, ROW_DSP, ROW_COUNT };

/* Spellings of each row's site type, by Vivado generation (7-series Slice, UltraScale CLB). */
static const char *const row_names[ROW_COUNT][3] = {
    [ROW_LUT] = {"Slice LUTs", "CLB LUTs", NULL},
    [ROW_FF] = {"Slice Registers", "CLB Registers", NULL},
    [ROW_BRAM_TILE] = {"Block RAM Tile", NULL, NULL},
    [ROW_RAMB36] = {"RAMB36/FIFO", NULL, NULL},
    [ROW_RAMB18] = {"RAMB18", NULL, NULL},
    [ROW_URAM] = {"URAM", NULL, NULL},
    [ROW_DSP] = {"DSPs", NULL, NULL},
};

typedef struct row_value {
    bool seen;
    double used, avail;
} row_value;

static int which_row(rpt_span site)
{
    /* "Slice LUTs*" carries a footnote star. */
    while (site.len > 0 && site.s[site.len - 1] == '*')
        site.len--;
    for (int r = 0; r < ROW_COUNT; r++)
        for (int k = 0; k < 3 && row_names[r][k]; k++)
            if (rpt_span_eq(site, row_names[r][k]))
                return r;
    return -1;
}

static int cell_number(const char *name, size_t line, rpt_span site, rpt_span c, const char *what, bool optional,
                       double *out)
{
    if (optional && c.len == 0) {
        *out = NAN;
        return SNAC_OK;
    }
    if (!rpt_number(c.s, c.len, out) || *out < 0)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: %.*s %s is '%.*s', expected a non-negative number", name, line,
                            (int)site.len, site.s, what, (int)c.len, c.s);
    return SNAC_OK;
}

int rpt_util_read(const char *buf, size_t len, const char *name, rpt_result *r)
{
    rpt_result_init(r, RPT_KIND_UTILIZATION, RPT_TC_VIVADO);
    row_value rows[ROW_COUNT] = {{0}};
    rpt_lines it;
    rpt_span line, cells[MAX_CELLS];
    int col_used = -1, col_avail = -1;
    bool is_util = false, have_tool = false;
    rpt_lines_init(&it, buf, len);
    while (rpt_lines_next(&it, &line)) {
        rpt_span t = rpt_trim(line);
        const char *p;
        if (rpt_span_find(t, "report_utilization") || rpt_span_eq(t, "Utilization Design Information"))
            is_util = true;
        if (rpt_span_starts(t, "| Tool Version") && (p = rpt_span_find(t, "Vivado v."))) {
            p += strlen("Vivado v.");
            size_t n = 0;
            while (p + n < t.s + t.len && p[n] != ' ')
                n++;
            rpt_span_copy((rpt_span){p, n}, r->tool_version, sizeof r->tool_version);
            have_tool = true;
            continue;
        }
        if (rpt_span_starts(t, "| Design ") && (p = rpt_span_find(t, ":")) &&
            rpt_trim((rpt_span){t.s + 8, (size_t)(p - t.s - 8)}).len == 0) { /* not "| Design State :" */
            rpt_span v = rpt_trim((rpt_span){p + 1, (size_t)(t.s + t.len - p - 1)});
            rpt_span_copy(v, r->top_module, sizeof r->top_module);
            continue;
        }
        if (rpt_span_starts(t, "| Device") && (p = rpt_span_find(t, ":"))) {
            rpt_span v = rpt_trim((rpt_span){p + 1, (size_t)(t.s + t.len - p - 1)});
            rpt_span_copy(v, r->part, sizeof r->part);
            continue;
        }
        size_t n = rpt_table_cells(line, cells, MAX_CELLS);
        if (n == 0)
            continue;
        if (n > MAX_CELLS)
            continue; /* wide tables (primitives by category, ...) are not read */
        if (rpt_span_eq(cells[0], "Ref Name")) { /* primitives tables: not site types */
            col_used = col_avail = -1;
            continue;
        }
        if (rpt_span_eq(cells[0], "Site Type")) {
            col_used = col_avail = -1;
            for (size_t i = 1; i < n; i++) {
                if (rpt_span_eq(cells[i], "Used"))
                    col_used = (int)i;
                else if (rpt_span_eq(cells[i], "Available"))
                    col_avail = (int)i;
            }
            /* Multi-SLR parts add per-SLR tables (| Site Type | SLR0 | SLR1 | ...) after the
             * summary tables: no Used column, nothing this reader needs; skip them. */
            continue;
        }
        if (col_used < 0)
            continue;
        int row = which_row(cells[0]);
        if (row < 0 || rows[row].seen)
            continue;
        if ((size_t)col_used >= n || (col_avail >= 0 && (size_t)col_avail >= n))
            return snac_err_set(SNAC_EFORMAT, "%s:%zu: %.*s row has %zu cells, the table header more", name, it.line,
                                (int)cells[0].len, cells[0].s, n);
        int rc = cell_number(name, it.line, cells[0], cells[col_used], "Used", false, &rows[row].used);
        if (!rc && col_avail >= 0)
            rc = cell_number(name, it.line, cells[0], cells[col_avail], "Available", true, &rows[row].avail);
        else
            rows[row].avail = NAN;
        if (rc)
            return rc;
        rows[row].seen = true;
    }
    if (!is_util)
        return snac_err_set(SNAC_EFORMAT, "%s: not a Vivado utilization report (no report_utilization command or "
                            "'Utilization Design Information')", name);
    if (!have_tool)
        return snac_err_set(SNAC_EFORMAT, "%s: missing '| Tool Version : Vivado v.<version>' header line", name);
    static const struct { int row; const char *what; } required[] = {
        {ROW_LUT, "'Slice LUTs' / 'CLB LUTs'"}, {ROW_FF, "'Slice Registers' / 'CLB Registers'"},
        {ROW_BRAM_TILE, "'Block RAM Tile'"}, {ROW_DSP, "'DSPs'"}};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!rows[required[i].row].seen)
            return snac_err_set(SNAC_EFORMAT, "%s: missing the %s row", name, required[i].what);

    r->lut = rows[ROW_LUT].used;
    r->avail_lut = rows[ROW_LUT].avail;
    r->ff = rows[ROW_FF].used;
    r->avail_ff = rows[ROW_FF].avail;
    r->dsp = rows[ROW_DSP].used;
    r->avail_dsp = rows[ROW_DSP].avail;
    if (rows[ROW_URAM].seen) {
        r->uram = rows[ROW_URAM].used;
        r->avail_uram = rows[ROW_URAM].avail;
    }
    r->bram18 = 2 * rows[ROW_BRAM_TILE].used;
    r->avail_bram18 = 2 * rows[ROW_BRAM_TILE].avail;
    int n;
    if (rows[ROW_RAMB36].seen && rows[ROW_RAMB18].seen)
        n = snprintf(r->bram_note, sizeof r->bram_note,
                     "Block RAM Tile %g (RAMB36/FIFO %g, RAMB18 %g) x 2 = %g BRAM18; 1 RAMB36 tile = 2 BRAM18",
                     rows[ROW_BRAM_TILE].used, rows[ROW_RAMB36].used, rows[ROW_RAMB18].used, r->bram18);
    else
        n = snprintf(r->bram_note, sizeof r->bram_note,
                     "Block RAM Tile %g x 2 = %g BRAM18; 1 RAMB36 tile = 2 BRAM18", rows[ROW_BRAM_TILE].used,
                     r->bram18);
    (void)n;
    return SNAC_OK;
}
