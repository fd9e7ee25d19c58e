/* rpt_export — the HLS export_design report reader; see rpt_export.h. */
#include "validation/rpt_export.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "validation/rpt_text.h"

enum key { K_LUT, K_FF, K_DSP, K_BRAM, K_URAM, K_COUNT };
static const char *const key_names[K_COUNT] = {"LUT", "FF", "DSP", "BRAM", "URAM"};

/* "KEY:" at the start of t (after an optional "- "); the rest in *v. */
static bool key_value(rpt_span t, const char *key, rpt_span *v)
{
    if (rpt_span_starts(t, "- "))
        t = rpt_trim((rpt_span){t.s + 2, t.len - 2});
    size_t n = strlen(key);
    if (t.len <= n || memcmp(t.s, key, n) != 0 || t.s[n] != ':')
        return false;
    *v = rpt_trim((rpt_span){t.s + n + 1, t.len - n - 1});
    return true;
}

static int number(const char *name, size_t line, const char *what, rpt_span v, double *out)
{
    if (!rpt_number(v.s, v.len, out) || *out < 0)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: %s is '%.*s', expected a non-negative number", name, line, what,
                            (int)v.len, v.s);
    return SNAC_OK;
}

/* The first word of v (a version "2019.2" from "v.2019.2 (lin64)" or "2021.1 (Build ...)"). */
static void first_word(rpt_span v, char *dst, size_t cap)
{
    if (rpt_span_starts(v, "v."))
        v = (rpt_span){v.s + 2, v.len - 2};
    size_t n = 0;
    while (n < v.len && v.s[n] != ' ' && v.s[n] != '\t')
        n++;
    rpt_span_copy((rpt_span){v.s, n}, dst, cap);
}

static void top_from_name(const char *name, char *dst, size_t cap)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *suf = strstr(base, "_export.rpt");
    if (suf && suf > base && strcmp(suf, "_export.rpt") == 0)
        rpt_span_copy((rpt_span){base, (size_t)(suf - base)}, dst, cap);
}

int rpt_export_read(const char *buf, size_t len, const char *name, rpt_result *r)
{
    rpt_result_init(r, RPT_KIND_EXPORT, RPT_TC_VIVADO);
    double val[K_COUNT], stage_val[K_COUNT];
    bool seen[K_COUNT] = {false}, stage_seen[K_COUNT] = {false};
    for (int k = 0; k < K_COUNT; k++)
        val[k] = stage_val[k] = NAN;
    bool is_export = false, in_res = false;
    double cp_syn = NAN, cp_impl = NAN;
    rpt_lines it;
    rpt_span line, cells[8];
    rpt_lines_init(&it, buf, len);
    int rc;
    while (rpt_lines_next(&it, &line)) {
        rpt_span t = rpt_trim(line), v;
        const char *p;
        if (rpt_span_starts(t, "Implementation tool:") && (p = rpt_span_find(t, "Vivado"))) {
            rpt_span rest = rpt_trim((rpt_span){p + 6, (size_t)(t.s + t.len - p - 6)});
            first_word(rest, r->tool_version, sizeof r->tool_version);
            is_export = true;
            continue;
        }
        if (key_value(t, "* Version", &v) && !r->tool_version[0]) {
            first_word(v, r->tool_version, sizeof r->tool_version);
            continue;
        }
        if (key_value(t, "Device target", &v) || key_value(t, "* Target device", &v)) {
            rpt_span_copy(v, r->part, sizeof r->part);
            continue;
        }
        /* A resource section: "#=== Post-Synthesis Resource usage ===", "== Vivado Synthesis Results",
         * "== Place & Route Resource Summary", ... A new one replaces what an earlier stage said. */
        if ((rpt_span_starts(t, "#===") || rpt_span_starts(t, "== ")) &&
            (rpt_span_find(t, "Resource") || rpt_span_find(t, "Results"))) {
            is_export = is_export || rpt_span_find(t, "Vivado") || rpt_span_find(t, "Resource usage");
            in_res = true;
            for (int k = 0; k < K_COUNT; k++)
                stage_seen[k] = false;
            continue;
        }
        if (rpt_span_starts(t, "#===") || rpt_span_starts(t, "== ")) {
            in_res = false;
            continue;
        }
        if (key_value(t, "CP required", &v)) {
            if ((rc = number(name, it.line, "CP required", v, &r->clock_target_ns)))
                return rc;
            continue;
        }
        if (key_value(t, "CP achieved post-synthesis", &v)) {
            if ((rc = number(name, it.line, "CP achieved post-synthesis", v, &cp_syn)))
                return rc;
            continue;
        }
        if (key_value(t, "CP achieved post-implementation", &v)) {
            if ((rc = number(name, it.line, "CP achieved post-implementation", v, &cp_impl)))
                return rc;
            continue;
        }
        size_t nc = rpt_table_cells(line, cells, 8);
        if (nc == 2) { /* Vitis timing table */
            double x;
            bool num = rpt_number(cells[1].s, cells[1].len, &x);
            if (num && rpt_span_eq(cells[0], "Target"))
                r->clock_target_ns = x;
            else if (num && rpt_span_eq(cells[0], "Post-Synthesis"))
                cp_syn = x;
            else if (num && rpt_span_eq(cells[0], "Post-Route"))
                cp_impl = x;
            continue;
        }
        if (!in_res)
            continue;
        for (int k = 0; k < K_COUNT; k++) {
            if (!key_value(t, key_names[k], &v))
                continue;
            char what[64];
            snprintf(what, sizeof what, "resource %s", key_names[k]);
            if ((rc = number(name, it.line, what, v, &stage_val[k])))
                return rc;
            stage_seen[k] = true;
            /* the stage is complete once LUT, FF and DSP are there: it becomes the result */
            if (stage_seen[K_LUT] && stage_seen[K_FF] && stage_seen[K_DSP])
                for (int j = 0; j < K_COUNT; j++) {
                    seen[j] = stage_seen[j];
                    val[j] = stage_seen[j] ? stage_val[j] : NAN;
                }
            break;
        }
    }
    if (!is_export)
        return snac_err_set(SNAC_EFORMAT, "%s: not an HLS export report (no 'Implementation tool: Xilinx Vivado' "
                            "line and no Vivado results section)", name);
    if (!r->part[0])
        return snac_err_set(SNAC_EFORMAT, "%s: missing 'Device target:' / '* Target device:'", name);
    if (!seen[K_LUT] || !seen[K_FF] || !seen[K_DSP])
        return snac_err_set(SNAC_EFORMAT, "%s: no resource section with LUT, FF and DSP lines", name);
    r->lut = val[K_LUT];
    r->ff = val[K_FF];
    r->dsp = val[K_DSP];
    r->uram = val[K_URAM];
    if (seen[K_BRAM]) {
        r->bram18 = 2 * val[K_BRAM];
        snprintf(r->bram_note, sizeof r->bram_note, "export.rpt BRAM %g (Block RAM tiles) x 2 = %g BRAM18",
                 val[K_BRAM], r->bram18);
    }
    r->clock_estimated_ns = !isnan(cp_impl) ? cp_impl : cp_syn;
    top_from_name(name, r->top_module, sizeof r->top_module);
    return SNAC_OK;
}
