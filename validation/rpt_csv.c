/* rpt_csv — the sweep CSV reader; see rpt_csv.h.
 *
 * The header is mapped once to column meanings (enum col); the legacy short-row
 * layout gets its own mapping. Each data row is split into fields in a fixed
 * array (no allocation), then turned into up to two stages.
 */
#include "validation/rpt_csv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "validation/rpt_text.h"

#define MAX_FIELDS 64

/* ---- column meanings -------------------------------------------------------- */

enum col {
    C_VERSION, C_PART, C_MODEL, C_RF,
    C_TCLK, C_ECLK, C_LAT_BEST, C_LAT_WORST, C_II_MIN, C_II_MAX,
    C_HLS_BRAM, C_HLS_DSP, C_HLS_FF, C_HLS_LUT,  /* HLSResource* / VivadoHlsResource* */
    C_RES_BRAM, C_RES_DSP, C_RES_FF, C_RES_LUT,  /* Resource* (meaning depends on the header) */
    C_VIV_BRAM, C_VIV_DSP, C_VIV_FF, C_VIV_LUT,  /* VivadoResource* */
    C_VIV_CLK, C_HLS_EXIT, C_VIV_EXIT,
    C_AV_BRAM, C_AV_DSP, C_AV_FF, C_AV_LUT,
    C_COUNT
};

static const char *const col_names[C_COUNT][3] = {
    [C_VERSION] = {"VivadoVersion"}, [C_PART] = {"FpgaPart"}, [C_MODEL] = {"Model"}, [C_RF] = {"ReuseFactor"},
    [C_TCLK] = {"TargetClk", "VivadoHlsTargetClk"},
    [C_ECLK] = {"EstimatedClk", "VivadoHlsEstimatedClk"},
    [C_LAT_BEST] = {"BestLatency", "VivadoHlsBestLatency"},
    [C_LAT_WORST] = {"WorstLatency", "VivadoHlsWorstLatency"},
    [C_II_MIN] = {"IIntervalMin", "VivadoHlsIIntervalMin"},
    [C_II_MAX] = {"IIntevalMax", "IIntervalMax", "VivadoHlsIIntevalMax"},
    [C_HLS_BRAM] = {"HLSResourceBram", "VivadoHlsResourceBram"},
    [C_HLS_DSP] = {"HLSResourceDsp", "VivadoHlsResourceDsp"},
    [C_HLS_FF] = {"HLSResourceFf", "VivadoHlsResourceFf"},
    [C_HLS_LUT] = {"HLSResourceLut", "VivadoHlsResourceLut"},
    [C_RES_BRAM] = {"ResourceBram"}, [C_RES_DSP] = {"ResourceDsp"},
    [C_RES_FF] = {"ResourceFf"}, [C_RES_LUT] = {"ResourceLut"},
    [C_VIV_BRAM] = {"VivadoResourceBram"}, [C_VIV_DSP] = {"VivadoResourceDsp"},
    [C_VIV_FF] = {"VivadoResourceFf"}, [C_VIV_LUT] = {"VivadoResourceLut"},
    [C_VIV_CLK] = {"VivadoClk"}, [C_HLS_EXIT] = {"VivadoHlsExitVal"}, [C_VIV_EXIT] = {"VivadoExitVal"},
    [C_AV_BRAM] = {"TargetResourceBram"}, [C_AV_DSP] = {"TargetResourceDsp"},
    [C_AV_FF] = {"TargetResourceFf"}, [C_AV_LUT] = {"TargetResourceLut"},
};

/* A layout: the field index of each meaning (-1 = absent), and the stage groups. */
typedef struct layout {
    int at[C_COUNT];
    int hls[4], viv[4];   /* field indices of BRAM, DSP, FF, LUT per stage; hls[0] < 0 = no stage */
    size_t n_fields;
} layout;

static void stage_groups(layout *L)
{
    bool has_hls = L->at[C_HLS_BRAM] >= 0, has_res = L->at[C_RES_BRAM] >= 0, has_viv = L->at[C_VIV_BRAM] >= 0;
    for (int k = 0; k < 4; k++) {
        L->hls[k] = has_hls ? L->at[C_HLS_BRAM + k] : has_res ? L->at[C_RES_BRAM + k] : -1;
        L->viv[k] = has_viv ? L->at[C_VIV_BRAM + k] : has_hls && has_res ? L->at[C_RES_BRAM + k] : -1;
    }
}

/* ---- fields ----------------------------------------------------------------- */

/* Split a line into fields (double quotes with "" escapes). Quoted fields keep
 * their quotes stripped by pointing inside them; an escaped quote stays doubled,
 * which only matters for free-text columns this reader ignores. */
static int split(rpt_span line, rpt_span *f, size_t *n, const char *name, size_t lineno)
{
    size_t k = 0;
    const char *p = line.s, *end = line.s + line.len;
    for (;;) {
        if (k == MAX_FIELDS)
            return snac_err_set(SNAC_EFORMAT, "%s:%zu: more than %d fields", name, lineno, MAX_FIELDS);
        if (p < end && *p == '"') {
            const char *q = p + 1;
            while (q < end && !(*q == '"' && (q + 1 == end || q[1] != '"')))
                q += *q == '"' ? 2 : 1;
            if (q >= end)
                return snac_err_set(SNAC_EFORMAT, "%s:%zu: unterminated quoted field %zu", name, lineno, k + 1);
            f[k++] = (rpt_span){p + 1, (size_t)(q - p - 1)};
            p = q + 1;
            if (p < end && *p != ',')
                return snac_err_set(SNAC_EFORMAT, "%s:%zu: text after the closing quote of field %zu", name, lineno,
                                    k);
        } else {
            const char *c = memchr(p, ',', (size_t)(end - p));
            const char *stop = c ? c : end;
            f[k++] = rpt_trim((rpt_span){p, (size_t)(stop - p)});
            p = stop;
        }
        if (p >= end)
            break;
        p++; /* the comma */
        if (p == end) {
            if (k == MAX_FIELDS)
                return snac_err_set(SNAC_EFORMAT, "%s:%zu: more than %d fields", name, lineno, MAX_FIELDS);
            f[k++] = (rpt_span){end, 0};
            break;
        }
    }
    *n = k;
    return SNAC_OK;
}

static bool failure_mark(rpt_span c) { return c.len == 0 || rpt_span_eq(c, "?"); }

enum cell_state { CELL_OK, CELL_FAILED };

/* A numeric cell: a non-negative number (CELL_OK), a failure mark or negative
 * number (CELL_FAILED), or an error for anything else. */
static int cell(const layout *L, const rpt_span *f, int idx, const char *name, size_t lineno, const char *const *hdr,
                double *out, enum cell_state *st)
{
    rpt_span c = f[idx];
    if (failure_mark(c)) {
        *st = CELL_FAILED;
        return SNAC_OK;
    }
    if (!rpt_number(c.s, c.len, out))
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: column %s is '%.*s', expected a number or '?'", name, lineno,
                            hdr[idx], (int)c.len, c.s);
    *st = *out < 0 ? CELL_FAILED : CELL_OK;
    return SNAC_OK;
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct reader {
    const char *name;
    char hdr_buf[MAX_FIELDS * 64]; /* each name truncated to 63 bytes */
    const char *hdr[MAX_FIELDS]; /* header names, for messages */
    const char *hdr_short[MAX_FIELDS];
    layout full, shortl;
    bool has_short;
    rpt_csv_fn fn;
    void *ctx;
    rpt_csv_stats *st;
} reader;

static int header(reader *R, rpt_span line, size_t lineno)
{
    rpt_span f[MAX_FIELDS];
    size_t n;
    if (line.len > 0 && line.s[0] == '#')
        line.s++, line.len--;
    int rc = split(line, f, &n, R->name, lineno);
    if (rc)
        return rc;
    size_t used = 0;
    layout *L = &R->full;
    for (int c = 0; c < C_COUNT; c++)
        L->at[c] = -1;
    L->n_fields = n;
    for (size_t i = 0; i < n; i++) {
        size_t len = f[i].len < 63 ? f[i].len : 63;
        memcpy(R->hdr_buf + used, f[i].s, len);
        R->hdr_buf[used + len] = '\0';
        R->hdr[i] = R->hdr_buf + used;
        used += len + 1;
        for (int c = 0; c < C_COUNT; c++)
            for (int k = 0; k < 3 && col_names[c][k]; k++)
                if (rpt_span_eq(f[i], col_names[c][k])) {
                    if (L->at[c] >= 0)
                        return snac_err_set(SNAC_EFORMAT, "%s:%zu: column %s appears twice", R->name, lineno,
                                            R->hdr[i]);
                    L->at[c] = (int)i;
                }
    }
    stage_groups(L);
    if (L->at[C_RF] < 0)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: no ReuseFactor column (not a reuse-factor sweep)", R->name,
                            lineno);
    if (L->hls[0] < 0 && L->viv[0] < 0)
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: no resource columns (Resource*, HLSResource*, VivadoResource*)",
                            R->name, lineno);
    for (int k = 0; k < 4; k++)
        if ((L->hls[0] >= 0 && L->hls[k] < 0) || (L->viv[0] >= 0 && L->viv[k] < 0))
            return snac_err_set(SNAC_EFORMAT, "%s:%zu: incomplete resource column group (Bram, Dsp, Ff, Lut)",
                                R->name, lineno);
    if (L->hls[0] >= 0) {
        static const int lat[] = {C_LAT_BEST, C_LAT_WORST, C_II_MIN, C_II_MAX};
        for (int k = 0; k < 4; k++)
            if (L->at[lat[k]] < 0)
                return snac_err_set(SNAC_EFORMAT, "%s:%zu: HLS columns without %s", R->name, lineno,
                                    col_names[lat[k]][0]);
    }

    /* The stress layout under a header with both HLSResource* and Resource*. */
    R->has_short = L->at[C_HLS_BRAM] >= 0 && L->at[C_RES_BRAM] >= 0 && L->at[C_VIV_BRAM] < 0;
    if (R->has_short) {
        layout *S = &R->shortl;
        int drop[4];
        for (int k = 0; k < 4; k++)
            drop[k] = L->at[C_HLS_BRAM + k];
        size_t j = 0;
        int remap[MAX_FIELDS];
        for (size_t i = 0; i < n; i++) {
            bool dropped = false;
            for (int k = 0; k < 4; k++)
                dropped |= (int)i == drop[k];
            remap[i] = dropped ? -1 : (int)j;
            if (!dropped)
                R->hdr_short[j++] = R->hdr[i];
        }
        S->n_fields = j;
        for (int c = 0; c < C_COUNT; c++)
            S->at[c] = L->at[c] >= 0 ? remap[L->at[c]] : -1;
        for (int k = 0; k < 4; k++) {
            S->hls[k] = S->at[C_RES_BRAM + k]; /* stress layout: Resource* are the HLS estimates */
            S->viv[k] = -1;
        }
    }
    return SNAC_OK;
}

static void text_field(const rpt_span *f, int idx, char *dst, size_t cap)
{
    if (idx >= 0 && !failure_mark(f[idx]))
        rpt_span_copy(f[idx], dst, cap);
}

/* One stage (0 = HLS, 1 = Vivado) of a row. */
static int stage(reader *R, const layout *L, const char *const *hdr, const rpt_span *f, size_t lineno, int which,
                 const rpt_result *base)
{
    const int *g = which == 0 ? L->hls : L->viv;
    if (g[0] < 0)
        return SNAC_OK;
    rpt_result r = *base;
    r.toolchain = which == 0 ? RPT_TC_VIVADO_HLS : RPT_TC_VIVADO;
    r.source_row = (long)(2 * lineno + (size_t)which);
    bool failed = false;
    enum cell_state cs;
    int rc;
    double *res[4] = {&r.bram18, &r.dsp, &r.ff, &r.lut};
    for (int k = 0; k < 4; k++) {
        if ((rc = cell(L, f, g[k], R->name, lineno, hdr, res[k], &cs)))
            return rc;
        failed |= cs == CELL_FAILED;
    }
    int exit_col = L->at[which == 0 ? C_HLS_EXIT : C_VIV_EXIT];
    if (exit_col >= 0 && !rpt_span_eq(f[exit_col], "0"))
        failed = true;
    if (which == 0) {
        double *lat[4] = {&r.latency_best, &r.latency_worst, &r.ii_min, &r.ii_max};
        static const int lat_col[4] = {C_LAT_BEST, C_LAT_WORST, C_II_MIN, C_II_MAX};
        for (int k = 0; k < 4; k++) {
            if ((rc = cell(L, f, L->at[lat_col[k]], R->name, lineno, hdr, lat[k], &cs)))
                return rc;
            failed |= cs == CELL_FAILED;
        }
        if (L->at[C_ECLK] >= 0 && (rc = cell(L, f, L->at[C_ECLK], R->name, lineno, hdr, &r.clock_estimated_ns, &cs)))
            return rc;
        if (L->at[C_ECLK] >= 0 && cs == CELL_FAILED)
            r.clock_estimated_ns = NAN;
        rpt_strlcpy(r.bram_note, "BRAM_18K as reported by HLS", sizeof r.bram_note);
    } else {
        r.latency_best = r.latency_worst = r.ii_min = r.ii_max = NAN; /* HLS numbers, not Vivado's */
        if (L->at[C_VIV_CLK] >= 0 &&
            (rc = cell(L, f, L->at[C_VIV_CLK], R->name, lineno, hdr, &r.clock_estimated_ns, &cs)))
            return rc;
        if (L->at[C_VIV_CLK] < 0 || cs == CELL_FAILED)
            r.clock_estimated_ns = NAN;
        rpt_strlcpy(r.bram_note, "BRAM as recorded by the sweep script (unit not stated; taken as BRAM18)",
                    sizeof r.bram_note);
    }
    if (failed) {
        R->st->skipped++;
        return SNAC_OK;
    }
    R->st->results++;
    return R->fn ? R->fn(&r, R->ctx) : SNAC_OK;
}

static int row(reader *R, rpt_span line, size_t lineno)
{
    rpt_span f[MAX_FIELDS];
    size_t n;
    int rc = split(line, f, &n, R->name, lineno);
    if (rc)
        return rc;
    const layout *L = &R->full;
    const char *const *hdr = R->hdr;
    if (n != L->n_fields) {
        if (R->has_short && n == R->shortl.n_fields) {
            L = &R->shortl;
            hdr = R->hdr_short;
            R->st->repaired++;
        } else {
            return snac_err_set(SNAC_EFORMAT, "%s:%zu: %zu fields, the header has %zu", R->name, lineno, n,
                                L->n_fields);
        }
    }
    R->st->rows++;
    rpt_result base;
    rpt_result_init(&base, RPT_KIND_CSV_SWEEP, RPT_TC_VIVADO_HLS);
    double rf;
    rpt_span rfc = f[L->at[C_RF]];
    if (!rpt_number(rfc.s, rfc.len, &rf) || rf < 1 || rf > 1e9 || rf != floor(rf))
        return snac_err_set(SNAC_EFORMAT, "%s:%zu: ReuseFactor is '%.*s', expected a positive integer", R->name,
                            lineno, (int)rfc.len, rfc.s);
    base.reuse_factor = (long)rf;
    text_field(f, L->at[C_VERSION], base.tool_version, sizeof base.tool_version);
    text_field(f, L->at[C_PART], base.part, sizeof base.part);
    text_field(f, L->at[C_MODEL], base.model_name, sizeof base.model_name);
    base.n_layers = rpt_layers_from_model_name(base.model_name, base.layers, RPT_MAX_LAYERS);
    rpt_strlcpy(base.precision, "ap_fixed<16,6>", sizeof base.precision);
    rpt_strlcpy(base.strategy, "latency", sizeof base.strategy);
    rpt_strlcpy(base.io_type, "io_parallel", sizeof base.io_type);
    base.assumed = RPT_ASSUMED_PRECISION | RPT_ASSUMED_STRATEGY | RPT_ASSUMED_IO_TYPE;
    enum cell_state cs;
    if (L->at[C_TCLK] >= 0) {
        if ((rc = cell(L, f, L->at[C_TCLK], R->name, lineno, hdr, &base.clock_target_ns, &cs)))
            return rc;
        if (cs == CELL_FAILED)
            base.clock_target_ns = NAN;
    }
    double *av[4] = {&base.avail_bram18, &base.avail_dsp, &base.avail_ff, &base.avail_lut};
    for (int k = 0; k < 4; k++) {
        if (L->at[C_AV_BRAM + k] < 0)
            continue;
        if ((rc = cell(L, f, L->at[C_AV_BRAM + k], R->name, lineno, hdr, av[k], &cs)))
            return rc;
        if (cs == CELL_FAILED)
            *av[k] = NAN;
    }
    if ((rc = stage(R, L, hdr, f, lineno, 0, &base)))
        return rc;
    return stage(R, L, hdr, f, lineno, 1, &base);
}

int rpt_csv_read(const char *buf, size_t len, const char *name, rpt_csv_fn fn, void *ctx, rpt_csv_stats *stats)
{
    reader R; /* about 5 KB: header names and two layouts */
    reader *rd = &R;
    memset(rd, 0, sizeof *rd);
    rd->name = name;
    rd->fn = fn;
    rd->ctx = ctx;
    rd->st = stats;
    memset(stats, 0, sizeof *stats);
    rpt_lines it;
    rpt_span line;
    bool have_header = false;
    rpt_lines_init(&it, buf, len);
    while (rpt_lines_next(&it, &line)) {
        if (rpt_trim(line).len == 0)
            continue;
        if (memchr(line.s, '\0', line.len))
            return snac_err_set(SNAC_EFORMAT, "%s:%zu: NUL byte (not a text file)", name, it.line);
        int rc = have_header ? row(rd, line, it.line) : header(rd, line, it.line);
        if (rc)
            return rc;
        have_header = true;
    }
    if (!have_header)
        return snac_err_set(SNAC_EFORMAT, "%s: empty file (no CSV header)", name);
    return SNAC_OK;
}
