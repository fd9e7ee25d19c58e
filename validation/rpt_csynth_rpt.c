/* rpt_csynth_rpt — the csynth.rpt text reader; see rpt_csynth_rpt.h.
 *
 * One pass over the lines with a small state machine: which "== Section" we are
 * in and which sub-part ("+ Timing", "+ Latency", "* Summary"). The first
 * matching table in each place is taken; detail tables further down are ignored.
 */
#include "validation/rpt_csynth_rpt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "validation/rpt_text.h"

#define MAX_CELLS 16

enum section { SEC_NONE, SEC_PERF, SEC_UTIL, SEC_OTHER };
enum perf_part { PERF_NONE, PERF_TIMING, PERF_LATENCY, PERF_DETAIL };

typedef struct state {
    const char *name;
    rpt_result *r;
    bool have_header, have_part, have_clock, have_latency, have_total, util_seen;
    int col_target, col_estimated;   /* timing table columns, -1 until the header is seen */
    int col_bram, col_dsp, col_ff, col_lut, col_uram; /* utilization summary columns */
    bool util_done;                  /* the summary table is over */
} state;

/* "5.00 ns" -> 5.0; "0.137 us" (HLS switches units for long estimates) -> 137; ps too. */
static int clock_cell(const state *s, size_t line, rpt_span cell, const char *what, double *out)
{
    rpt_span t = rpt_trim(cell);
    double scale = 1.0;
    if (t.len > 2 && memcmp(t.s + t.len - 2, "ns", 2) == 0)
        t.len -= 2;
    else if (t.len > 2 && memcmp(t.s + t.len - 2, "us", 2) == 0)
        t.len -= 2, scale = 1e3;
    else if (t.len > 2 && memcmp(t.s + t.len - 2, "ps", 2) == 0)
        t.len -= 2, scale = 1e-3;
    bool ok = rpt_number(t.s, t.len, out);
    *out *= scale;
    if (!ok || *out <= 0)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: %s clock '%.*s' is not a period in ns", s->name, line, what,
                            (int)cell.len, cell.s);
    return SNAC_OK;
}

static bool has_time_unit(rpt_span c)
{
    static const char *const units[] = {" ns", " us", " ms", " sec", " s"};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t n = strlen(units[i]);
        if (c.len > n && memcmp(c.s + c.len - n, units[i], n) == 0)
            return true;
    }
    return false;
}

static int latency_row(state *s, size_t line, const rpt_span *cells, size_t n)
{
    double v[4];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (has_time_unit(cells[i]))
            continue;
        double x;
        if (rpt_span_eq(cells[i], "?"))
            x = NAN;
        else if (!rpt_number(cells[i].s, cells[i].len, &x))
            continue; /* pipeline type: dataflow, function, none, ... */
        else if (x < 0)
            return snac_err_set(SNAC_EFORMAT, "%s:%zu: negative latency '%.*s'", s->name, line, (int)cells[i].len,
                                cells[i].s);
        if (k == 4)
            return snac_err_set(SNAC_EFORMAT, "%s:%zu: latency summary row has more than 4 cycle counts", s->name,
                                line);
        v[k++] = x;
    }
    if (k != 4)
        return snac_err_set(SNAC_EFORMAT,
                            "%s:%zu: latency summary row has %zu cycle counts, expected 4 (latency min/max, interval "
                            "min/max)",
                            s->name, line, k);
    s->r->latency_best = v[0];
    s->r->latency_worst = v[1];
    s->r->ii_min = v[2];
    s->r->ii_max = v[3];
    s->have_latency = true;
    return SNAC_OK;
}

static int util_value(const state *s, size_t line, const rpt_span *cells, size_t n, int col, const char *row,
                      const char *what, bool strict, double *out)
{
    if (col < 0) {
        *out = NAN;
        return SNAC_OK;
    }
    if ((size_t)col >= n)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: %s row has no %s cell", s->name, line, row, what);
    rpt_span c = cells[col];
    if (!strict && (rpt_span_eq(c, "-") || c.len == 0)) {
        *out = NAN;
        return SNAC_OK;
    }
    if (!rpt_number(c.s, c.len, out) || *out < 0)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: %s %s is '%.*s', expected a non-negative number", s->name, line,
                            row, what, (int)c.len, c.s);
    return SNAC_OK;
}

static int util_row(state *s, size_t line, const rpt_span *cells, size_t n)
{
    rpt_result *r = s->r;
    int rc;
    if (rpt_span_eq(cells[0], "Name")) {
        for (size_t i = 1; i < n; i++) {
            int col = (int)i;
            if (rpt_span_eq(cells[i], "BRAM_18K"))
                s->col_bram = col;
            else if (rpt_span_eq(cells[i], "DSP48E") || rpt_span_eq(cells[i], "DSP") ||
                     rpt_span_eq(cells[i], "DSP48"))
                s->col_dsp = col;
            else if (rpt_span_eq(cells[i], "FF"))
                s->col_ff = col;
            else if (rpt_span_eq(cells[i], "LUT"))
                s->col_lut = col;
            else if (rpt_span_eq(cells[i], "URAM"))
                s->col_uram = col;
        }
        const char *missing = s->col_bram < 0 ? "BRAM_18K" : s->col_dsp < 0 ? "DSP48E/DSP"
                              : s->col_ff < 0 ? "FF" : s->col_lut < 0 ? "LUT" : NULL;
        if (missing)
            return snac_err_set(SNAC_EFORMAT, "%s:%zu: utilization summary has no %s column", s->name, line, missing);
        return SNAC_OK;
    }
    bool total = rpt_span_eq(cells[0], "Total"), avail = rpt_span_eq(cells[0], "Available");
    if (!total && !avail)
        return SNAC_OK;
    if (s->col_lut < 0)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: %.*s row before the utilization summary header", s->name, line,
                            (int)cells[0].len, cells[0].s);
    const char *row = total ? "Total" : "Available";
    double *bram = total ? &r->bram18 : &r->avail_bram18, *dsp = total ? &r->dsp : &r->avail_dsp,
           *ff = total ? &r->ff : &r->avail_ff, *lut = total ? &r->lut : &r->avail_lut,
           *uram = total ? &r->uram : &r->avail_uram;
    if ((rc = util_value(s, line, cells, n, s->col_bram, row, "BRAM_18K", total, bram)) ||
        (rc = util_value(s, line, cells, n, s->col_dsp, row, "DSP", total, dsp)) ||
        (rc = util_value(s, line, cells, n, s->col_ff, row, "FF", total, ff)) ||
        (rc = util_value(s, line, cells, n, s->col_lut, row, "LUT", total, lut)) ||
        (rc = util_value(s, line, cells, n, s->col_uram, row, "URAM", false, uram)))
        return rc;
    if (total)
        s->have_total = true;
    else
        s->util_done = true; /* Available follows Total: the summary is complete */
    return SNAC_OK;
}

/* "* Key:   value" header lines. */
static bool header_value(rpt_span line, const char *key, rpt_span *value)
{
    rpt_span t = rpt_trim(line);
    if (!rpt_span_starts(t, key))
        return false;
    *value = rpt_trim((rpt_span){t.s + strlen(key), t.len - strlen(key)});
    return true;
}

static int scan(state *s, const char *buf, size_t len)
{
    rpt_lines it;
    rpt_span line, cells[MAX_CELLS], v;
    enum section sec = SEC_NONE;
    enum perf_part perf = PERF_NONE;
    rpt_lines_init(&it, buf, len);
    rpt_result *r = s->r;
    int rc;
    while (rpt_lines_next(&it, &line)) {
        rpt_span t = rpt_trim(line);
        if (rpt_span_starts(t, "== ")) {
            const char *q = NULL;
            if ((q = rpt_span_find(t, "Vivado HLS Report for"))) {
                r->toolchain = RPT_TC_VIVADO_HLS;
                s->have_header = true;
            } else if ((q = rpt_span_find(t, "Vitis HLS Report for"))) {
                r->toolchain = RPT_TC_VITIS_HLS;
                s->have_header = true;
            }
            if (q) { /* "== Vivado HLS Report for 'myproject'": the top module between quotes */
                const char *a = memchr(q, '\'', (size_t)(t.s + t.len - q));
                const char *b = a ? memchr(a + 1, '\'', (size_t)(t.s + t.len - a - 1)) : NULL;
                if (b)
                    rpt_span_copy((rpt_span){a + 1, (size_t)(b - a - 1)}, r->top_module, sizeof r->top_module);
            }
            sec = rpt_span_starts(t, "== Performance Estimates") ? SEC_PERF
                  : rpt_span_starts(t, "== Utilization Estimates") ? SEC_UTIL : SEC_OTHER;
            if (sec == SEC_UTIL)
                s->util_seen = true;
            perf = PERF_NONE;
            continue;
        }
        if (!s->have_header)
            continue;
        if (sec == SEC_OTHER) {
            if (header_value(line, "* Version:", &v)) {
                size_t n = 0;
                while (n < v.len && v.s[n] != ' ')
                    n++;
                rpt_span_copy((rpt_span){v.s, n}, r->tool_version, sizeof r->tool_version);
            } else if (header_value(line, "* Target device:", &v) && v.len > 0) {
                rpt_span_copy(v, r->part, sizeof r->part);
                s->have_part = true;
            }
            continue;
        }
        if (sec == SEC_PERF) {
            if (rpt_span_starts(t, "+ Timing"))
                perf = PERF_TIMING;
            else if (rpt_span_starts(t, "+ Latency"))
                perf = PERF_LATENCY;
            else if (rpt_span_starts(t, "+ Detail") || rpt_span_starts(t, "* Detail"))
                perf = PERF_DETAIL;
            size_t n = rpt_table_cells(line, cells, MAX_CELLS);
            if (n == 0 || n > MAX_CELLS)
                continue;
            if (perf == PERF_TIMING && !s->have_clock) {
                if (s->col_target < 0) {
                    for (size_t i = 0; i < n; i++) {
                        if (rpt_span_eq(cells[i], "Target"))
                            s->col_target = (int)i;
                        else if (rpt_span_eq(cells[i], "Estimated"))
                            s->col_estimated = (int)i;
                    }
                    if (s->col_target >= 0 && s->col_estimated < 0)
                        return snac_err_set(SNAC_EFORMAT, "%s:%zu: timing summary has no Estimated column", s->name,
                                            it.line);
                } else if ((size_t)s->col_target < n && (size_t)s->col_estimated < n) {
                    if ((rc = clock_cell(s, it.line, cells[s->col_target], "target", &r->clock_target_ns)) ||
                        (rc = clock_cell(s, it.line, cells[s->col_estimated], "estimated",
                                         &r->clock_estimated_ns)))
                        return rc;
                    s->have_clock = true;
                } else {
                    return snac_err_set(SNAC_EFORMAT, "%s:%zu: timing summary row has %zu cells", s->name, it.line,
                                        n);
                }
            } else if (perf == PERF_LATENCY && !s->have_latency) {
                double x;
                bool data = rpt_span_eq(cells[0], "?") || rpt_number(cells[0].s, cells[0].len, &x);
                if (data && (rc = latency_row(s, it.line, cells, n)))
                    return rc;
            }
            continue;
        }
        if (sec == SEC_UTIL && !s->util_done) {
            if (rpt_span_starts(t, "+ Detail")) {
                s->util_done = true;
                continue;
            }
            size_t n = rpt_table_cells(line, cells, MAX_CELLS);
            if (n > MAX_CELLS)
                return snac_err_set(SNAC_EFORMAT, "%s:%zu: utilization summary row has too many cells", s->name,
                                    it.line);
            if (n > 0 && (rc = util_row(s, it.line, cells, n)))
                return rc;
        }
    }
    return SNAC_OK;
}

int rpt_csynth_rpt_read(const char *buf, size_t len, const char *name, rpt_result *out)
{
    rpt_result_init(out, RPT_KIND_CSYNTH_RPT, RPT_TC_VIVADO_HLS);
    state s = {.name = name, .r = out, .col_target = -1, .col_estimated = -1,
               .col_bram = -1, .col_dsp = -1, .col_ff = -1, .col_lut = -1, .col_uram = -1};
    int rc = scan(&s, buf, len);
    if (rc)
        return rc;
    if (!s.have_header)
        return snac_err_set(SNAC_EFORMAT, "%s: not a csynth report (no '== Vivado HLS Report for' or '== Vitis HLS "
                            "Report for' header)", name);
    if (!s.have_part)
        return snac_err_set(SNAC_EFORMAT, "%s: missing '* Target device:' in the report header", name);
    if (!s.have_clock)
        return snac_err_set(SNAC_EFORMAT, "%s: missing the timing summary (+ Timing, Target/Estimated clock)", name);
    if (!s.have_latency)
        return snac_err_set(SNAC_EFORMAT, "%s: missing the latency summary (+ Latency)", name);
    if (!s.util_seen)
        return snac_err_set(SNAC_EFORMAT, "%s: missing the '== Utilization Estimates' section", name);
    if (!s.have_total)
        return snac_err_set(SNAC_EFORMAT, "%s: missing the Total row of the utilization summary", name);
    rpt_strlcpy(out->bram_note, "BRAM_18K as reported by HLS", sizeof out->bram_note);
    return SNAC_OK;
}

/* ------------------------------------------------------------- instances */

int rpt_csynth_rpt_instances(const char *buf, size_t len, const char *name, rpt_instance *out, size_t cap,
                             size_t *n_out)
{
    rpt_lines it;
    rpt_span line, cells[MAX_CELLS];
    enum { BEFORE, PERF, LATENCY, DETAIL, TABLE } where = BEFORE;
    size_t n = 0;
    *n_out = 0;
    rpt_lines_init(&it, buf, len);
    while (rpt_lines_next(&it, &line)) {
        rpt_span t = rpt_trim(line);
        if (rpt_span_starts(t, "== ")) {
            if (where != BEFORE)
                break; /* the performance section is over */
            if (rpt_span_starts(t, "== Performance Estimates"))
                where = PERF;
            continue;
        }
        if (where == BEFORE)
            continue;
        if (rpt_span_starts(t, "+ ")) { /* "+ Timing", "+ Latency", "+ Detail" */
            if (where == TABLE)
                break;
            where = rpt_span_starts(t, "+ Latency") ? LATENCY
                    : (rpt_span_starts(t, "+ Detail") && where >= LATENCY) ? DETAIL : PERF;
            continue;
        }
        if (rpt_span_starts(t, "* ")) { /* "* Instance:", "* Loop:", "* Summary:" */
            if (where == TABLE)
                break;
            if (where == DETAIL && rpt_span_starts(t, "* Instance"))
                where = TABLE;
            continue;
        }
        if (where != TABLE)
            continue;
        size_t nc = rpt_table_cells(line, cells, MAX_CELLS);
        if (nc < 4 || nc > MAX_CELLS || rpt_span_eq(cells[1], "Module") || cells[1].len == 0)
            continue; /* borders and the two header rows */
        double v[4];
        size_t k = 0;
        for (size_t i = 2; i < nc && k < 4; i++) {
            double x;
            if (has_time_unit(cells[i]))
                continue;
            if (rpt_span_eq(cells[i], "?"))
                x = NAN;
            else if (!rpt_number(cells[i].s, cells[i].len, &x) || x < 0)
                break; /* the pipeline type */
            v[k++] = x;
        }
        if (k != 4)
            return snac_err_set(SNAC_EFORMAT, "%s:%zu: instance row '%.*s' has %zu cycle counts, expected 4 "
                                "(latency min/max, interval min/max)", name, it.line, (int)cells[0].len,
                                cells[0].s, k);
        if (n < cap) {
            rpt_span_copy(cells[1], out[n].module, sizeof out[n].module);
            out[n].latency_worst = v[1];
            out[n].ii_max = v[3];
        }
        n++;
    }
    *n_out = n;
    return SNAC_OK;
}
