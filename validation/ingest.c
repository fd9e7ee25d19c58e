/* ingest — reports into synthesis_results; see ingest.h.
 *
 * Order per unit (one synthesis, or one sweep file): read and parse everything
 * first (no database access), check the numbers against the part, then BEGIN,
 * insert each result with ON CONFLICT DO NOTHING (counting present rows, or
 * attaching the spec / model to them), COMMIT; any failure rolls the unit back.
 * Directories: the units of a project one after another; a tree is walked in
 * sorted order so the row ids do not depend on the file system.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "validation/ingest.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/err.h"
#include "util/fileio.h"
#include "validation/ingest_manifest.h"
#include "validation/ingest_spec.h"
#include "validation/rpt_csv.h"
#include "validation/rpt_csynth_rpt.h"
#include "validation/rpt_csynth_xml.h"
#include "validation/rpt_hls4ml.h"
#include "validation/rpt_util.h"
#include "validation/rpt_export.h"
#include "validation/rpt_firmware.h"
#include "validation/rpt_netjson.h"
#include "surrogate/surr_part.h"
#include "util/sha256.h"

#include <dirent.h>
#include <stdarg.h>

/* ---- detection -------------------------------------------------------------- */

static bool contains(const char *buf, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    for (size_t i = 0; i + n <= len; i++)
        if (buf[i] == lit[0] && memcmp(buf + i, lit, n) == 0)
            return true;
    return false;
}

int ingest_detect(const char *path, const char *buf, size_t len, bool is_dir, bool force_csv, enum rpt_kind *kind)
{
    if (is_dir) {
        *kind = RPT_KIND_HLS4ML_PROJECT;
        return SNAC_OK;
    }
    size_t plen = strlen(path);
    if (force_csv || (plen > 4 && strcmp(path + plen - 4, ".csv") == 0)) {
        *kind = RPT_KIND_CSV_SWEEP;
        return SNAC_OK;
    }
    if (plen > 4 && strcmp(path + plen - 4, ".xml") == 0) {
        *kind = RPT_KIND_CSYNTH_XML; /* parse it, so a broken one gets an XML error with a line */
        return SNAC_OK;
    }
    size_t i = 0;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    if (i < len && buf[i] == '<') {
        *kind = RPT_KIND_CSYNTH_XML;
        return SNAC_OK;
    }
    if (contains(buf, len, "== Vivado HLS Report for") || contains(buf, len, "== Vitis HLS Report for")) {
        *kind = RPT_KIND_CSYNTH_RPT;
        return SNAC_OK;
    }
    if ((plen > 11 && strcmp(path + plen - 11, "_export.rpt") == 0) || contains(buf, len, "Implementation tool:") ||
        contains(buf, len, "== Vivado Synthesis Results") || contains(buf, len, "== Vivado Place & Route Results")) {
        *kind = RPT_KIND_EXPORT;
        return SNAC_OK;
    }
    if (contains(buf, len, "report_utilization") || contains(buf, len, "Utilization Design Information")) {
        *kind = RPT_KIND_UTILIZATION;
        return SNAC_OK;
    }
    if (len == 0)
        return snac_err_set(SNAC_EFORMAT, "%s: empty file", path);
    return snac_err_set(SNAC_EFORMAT,
                        "%s: unknown report format (expected a Vivado/Vitis HLS *_csynth.xml, csynth.xml or *_csynth.rpt, "
                        "an HLS *_export.rpt, a Vivado report_utilization text, an hls4ml project directory, or a "
                        "sweep CSV with --csv)",
                        path);
}

int ingest_toolchain_parse(const char *s, enum rpt_toolchain *tc, char *version, size_t version_cap)
{
    /* the report families and their other spellings; "vivado" alone is Vivado's
     * own synthesis here (report_utilization, export.rpt), not its HLS */
    static const struct { const char *alias; enum rpt_toolchain tc; } fams[] = {
        {"vivado_hls", RPT_TC_VIVADO_HLS}, {"vivado-hls", RPT_TC_VIVADO_HLS}, {"vivadohls", RPT_TC_VIVADO_HLS},
        {"vitis_hls", RPT_TC_VITIS_HLS},   {"vitis-hls", RPT_TC_VITIS_HLS},   {"vitishls", RPT_TC_VITIS_HLS},
        {"vitis", RPT_TC_VITIS_HLS},       {"vivado", RPT_TC_VIVADO},         {"yosys", RPT_TC_YOSYS},
    };
    for (size_t i = 0; i < sizeof fams / sizeof fams[0]; i++) {
        size_t n = strlen(fams[i].alias);
        if (strncasecmp(s, fams[i].alias, n) != 0)
            continue;
        const char *v = s + n;
        if (*v && *v != '-' && *v != '_' && *v != ' ')
            continue;
        if (*v)
            v++;
        while (*v == 'v' || *v == 'V')
            v++;
        if ((s[n] && !*v) || strlen(v) >= version_cap || (*v && (*v < '0' || *v > '9')))
            return snac_err_set(SNAC_EINVAL, "--toolchain '%s': bad version '%s'", s, v);
        *tc = fams[i].tc;
        rpt_strlcpy(version, v, version_cap);
        return SNAC_OK;
    }
    char fam[32];
    size_t n = strcspn(s, "-_ ");
    snprintf(fam, sizeof fam, "%.*s", (int)(n < 31 ? n : 31), s);
    return snac_err_set(SNAC_EINVAL, "--toolchain '%s': unknown family '%s' (known: vivado_hls, vitis_hls, "
                        "vivado, yosys, with or without a version: vitis_hls-2021.1)", s, fam);
}

/* ---- messages ------------------------------------------------------------------ */

static void say(const ingest_opts *o, enum ingest_msg kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(const ingest_opts *o, enum ingest_msg kind, const char *fmt, ...)
{
    if (!o->msg)
        return;
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    o->msg(o->msg_ctx, kind, text);
}

/* The first failure of a directory is returned after the others were tried. */
typedef struct failures {
    int first_rc;
    char first[1024];
    size_t n;
} failures;

static void failed(failures *f, const ingest_opts *o, ingest_counts *c, int rc)
{
    c->failed++;
    say(o, INGEST_MSG_FAILED, "%s", snac_err_msg());
    if (f->n++ == 0) {
        f->first_rc = rc;
        rpt_strlcpy(f->first, snac_err_msg(), sizeof f->first);
    }
}

/* ---- bounds ------------------------------------------------------------------- */

int ingest_check_bounds(const rpt_result *r, const char *path)
{
    const surr_part *p = r->part[0] ? surr_part_lookup(r->part) : surr_part_unknown();
    bool known = !surr_part_is_unknown(p);
    surr_part biggest = {"the largest device of the part table", "", "", 0, 0, 0, 0, 0};
    for (size_t i = 0; i < surr_part_count(); i++) {
        const surr_part *q = surr_part_at(i);
        biggest.lut = fmax(biggest.lut, q->lut), biggest.ff = fmax(biggest.ff, q->ff);
        biggest.dsp = fmax(biggest.dsp, q->dsp), biggest.bram18 = fmax(biggest.bram18, q->bram18);
        biggest.uram = fmax(biggest.uram, q->uram);
    }
    const surr_part *cap = known ? p : &biggest;
    static const char *const xml_el[] = {"AreaEstimates/Resources/LUT", "AreaEstimates/Resources/FF",
                                         "AreaEstimates/Resources/DSP48E|DSP", "AreaEstimates/Resources/BRAM_18K",
                                         "AreaEstimates/Resources/URAM"};
    static const char *const txt_el[] = {"LUT", "FF", "DSP", "BRAM18", "URAM"};
    const double v[] = {r->lut, r->ff, r->dsp, r->bram18, r->uram};
    const double total[] = {cap->lut, cap->ff, cap->dsp, cap->bram18, cap->uram};
    for (int k = 0; k < 5; k++) {
        if (isnan(v[k]))
            continue;
        /* URAM: parts without any get the largest device's count as their bound */
        double t = total[k] > 0 ? total[k] : biggest.uram;
        if (v[k] <= INGEST_BOUND_FACTOR * t)
            continue;
        const char *el = r->kind == RPT_KIND_CSYNTH_XML ? xml_el[k] : txt_el[k];
        return snac_err_set(SNAC_EFORMAT,
                            "%s: %s = %g is more than any FPGA can hold: %s %s has %g %s; values above %g x that "
                            "(%g) are refused", path, el, v[k], known ? "part" : "unknown part; ",
                            known ? r->part : cap->name, total[k], txt_el[k], INGEST_BOUND_FACTOR,
                            INGEST_BOUND_FACTOR * t);
    }
    const double lat[] = {r->latency_best, r->latency_worst, r->ii_min, r->ii_max};
    static const char *const lat_name[] = {"best-case latency", "worst-case latency", "interval min", "interval max"};
    for (int k = 0; k < 4; k++)
        if (!isnan(lat[k]) && !(lat[k] <= INGEST_MAX_CYCLES))
            return snac_err_set(SNAC_EFORMAT, "%s: %s %g cycles is not a plausible synthesis result (at most %g)",
                                path, lat_name[k], lat[k], INGEST_MAX_CYCLES);
    const double clk[] = {r->clock_target_ns, r->clock_estimated_ns};
    for (int k = 0; k < 2; k++)
        if (!isnan(clk[k]) && !(clk[k] >= INGEST_MIN_CLOCK_NS && clk[k] <= INGEST_MAX_CLOCK_NS))
            return snac_err_set(SNAC_EFORMAT, "%s: %s clock period %g ns is not a plausible synthesis setting "
                                "(expected %g to %g ns)", path, k ? "estimated" : "target", clk[k],
                                INGEST_MIN_CLOCK_NS, INGEST_MAX_CLOCK_NS);
    if (r->reuse_factor < 0 || r->reuse_factor > INGEST_MAX_REUSE)
        return snac_err_set(SNAC_EFORMAT, "%s: reuse factor %ld is not a plausible synthesis setting (at most %ld)",
                            path, r->reuse_factor, INGEST_MAX_REUSE);
    return SNAC_OK;
}

/* ---- units ---------------------------------------------------------------------- */

typedef struct source {
    char path[RPT_PATH_MAX];   /* as stored: absolute when it can be resolved */
    char sha[SHA256_HEX_LEN];
} source;

/* One synthesis: its result, the file it is keyed by and the twins merged into it. */
typedef struct unit {
    rpt_result r;
    source primary;
    char merged[2 * (RPT_PATH_MAX + SHA256_HEX_LEN + 2)];
} unit;

static void set_source(source *s, const char *path, const char *buf, size_t len)
{
    char *abs = realpath(path, NULL);
    rpt_strlcpy(s->path, abs ? abs : path, sizeof s->path);
    free(abs);
    sha256_hex(buf, len, s->sha);
}

static int read_report(const char *path, const char *buf, size_t len, enum rpt_kind kind, rpt_result *r)
{
    switch (kind) {
    case RPT_KIND_CSYNTH_XML: return rpt_csynth_xml_read(buf, len, path, r);
    case RPT_KIND_CSYNTH_RPT: return rpt_csynth_rpt_read(buf, len, path, r);
    case RPT_KIND_UTILIZATION: return rpt_util_read(buf, len, path, r);
    case RPT_KIND_EXPORT: return rpt_export_read(buf, len, path, r);
    default: return snac_err_set(SNAC_EINVAL, "%s: not a single-report kind", path);
    }
}

/* Read, detect (unless kind >= 0), parse and bound-check one report file. */
static int parse_file(const char *path, int kind, unit *u)
{
    char *buf;
    size_t len;
    int rc = snac_read_file(path, &buf, &len);
    if (rc)
        return rc;
    enum rpt_kind k = (enum rpt_kind)kind;
    if (kind < 0)
        rc = ingest_detect(path, buf, len, false, false, &k);
    if (!rc && (k == RPT_KIND_CSV_SWEEP || k == RPT_KIND_HLS4ML_PROJECT))
        rc = snac_err_set(SNAC_EINVAL, "%s: a sweep CSV is not a single report", path);
    if (!rc)
        rc = read_report(path, buf, len, k, &u->r);
    if (!rc)
        rc = ingest_check_bounds(&u->r, path);
    if (!rc) {
        set_source(&u->primary, path, buf, len);
        u->merged[0] = '\0';
    }
    free(buf);
    return rc;
}

static bool same_number(double a, double b) { return isnan(a) || isnan(b) || fabs(a - b) <= 1e-9 * fmax(1, fabs(a)); }

/* Do two reports describe the same synthesis? */
static bool same_synthesis(const rpt_result *a, const rpt_result *b)
{
    return same_number(a->lut, b->lut) && same_number(a->ff, b->ff) && same_number(a->dsp, b->dsp) &&
           same_number(a->bram18, b->bram18) && same_number(a->latency_worst, b->latency_worst) &&
           same_number(a->ii_max, b->ii_max) && strcasecmp(a->part, b->part) == 0;
}

/* Merge twin t (same synthesis) into u: fill what u lacks, list t's file. */
static void merge_twin(unit *u, const unit *t)
{
    double *dst[] = {&u->r.clock_target_ns, &u->r.clock_estimated_ns, &u->r.lut, &u->r.ff, &u->r.dsp, &u->r.bram18,
                     &u->r.uram, &u->r.latency_best, &u->r.latency_worst, &u->r.ii_min, &u->r.ii_max,
                     &u->r.avail_lut, &u->r.avail_ff, &u->r.avail_dsp, &u->r.avail_bram18, &u->r.avail_uram};
    const double src[] = {t->r.clock_target_ns, t->r.clock_estimated_ns, t->r.lut, t->r.ff, t->r.dsp, t->r.bram18,
                          t->r.uram, t->r.latency_best, t->r.latency_worst, t->r.ii_min, t->r.ii_max,
                          t->r.avail_lut, t->r.avail_ff, t->r.avail_dsp, t->r.avail_bram18, t->r.avail_uram};
    for (size_t i = 0; i < sizeof src / sizeof src[0]; i++)
        if (isnan(*dst[i]))
            *dst[i] = src[i];
    if (!u->r.top_module[0])
        rpt_strlcpy(u->r.top_module, t->r.top_module, sizeof u->r.top_module);
    if (!u->r.tool_version[0])
        rpt_strlcpy(u->r.tool_version, t->r.tool_version, sizeof u->r.tool_version);
    size_t n = strlen(u->merged);
    snprintf(u->merged + n, sizeof u->merged - n, "%s%s\t%s", n ? "\n" : "", t->primary.path, t->primary.sha);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool pjoin(char *dst, const char *a, const char *b)
{
    int n = snprintf(dst, RPT_PATH_MAX, "%s/%s", a, b);
    return n > 0 && n < RPT_PATH_MAX;
}

static bool ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* ---- specs ---------------------------------------------------------------------- */

/* What a project says about its network, found once per project. */
typedef struct project_spec {
    bool have_cfg;
    rpt_hls4ml_config cfg;
    bool have_net;
    rpt_net net;
    char *json;                /* the spec JSON for its rows (malloc'd), NULL = none */
    char why[512];             /* why there is no spec */
} project_spec;

/* Build the spec of the project in dir (cfg may be absent); hint from its HLS report. */
static void project_spec_build(const char *dir, const char *project, const rpt_net_hint *hint, project_spec *ps,
                               const ingest_opts *o, ingest_counts *c)
{
    char path[RPT_PATH_MAX], wdir[RPT_PATH_MAX];
    int rc = SNAC_EFORMAT;
    bool tried = false;
    ps->have_net = false;
    ps->why[0] = '\0';
    if (rpt_firmware_present(dir)) {
        tried = true;
        if ((rc = rpt_firmware_read(dir, project, hint, &ps->net))) {
            snprintf(ps->why, sizeof ps->why, "firmware not usable: %s", snac_err_msg());
            say(o, INGEST_MSG_NOTE, "%s: %s", dir, ps->why);
        }
    }
    if (rc && pjoin(path, dir, "network.json") && is_file(path)) { /* no firmware, or firmware not readable */
        tried = true;
        bool w = pjoin(wdir, dir, "firmware/weights") && is_dir(wdir);
        if ((rc = rpt_netjson_read(path, w ? wdir : NULL, hint, &ps->net))) {
            size_t u = strlen(ps->why);
            snprintf(ps->why + u, sizeof ps->why - u, "%snetwork.json not usable: %s", u ? "; " : "",
                     snac_err_msg());
            say(o, INGEST_MSG_NOTE, "%s: not usable: %s", path, snac_err_msg());
        }
    }
    if (!rc) {
        ps->have_net = true;
        rpt_net_read_tcl_multipliers(dir, ps->net.multipliers, sizeof ps->net.multipliers);
        char dis[1024] = "";
        if (ps->have_cfg)
            rpt_net_disagreements(&ps->net, &ps->cfg, dis, sizeof dis);
        if (dis[0])
            say(o, INGEST_MSG_NOTE, "%s: %s disagrees with hls4ml_config.yml (the %s is used): %s", dir,
                ps->net.source, ps->net.source, dis);
        if (ps->net.mlp && rpt_net_spec_json(&ps->net, NULL, 0, dis, &ps->json) == SNAC_OK) {
            strcmp(ps->net.source, "firmware") == 0 ? c->spec_firmware++ : c->spec_netjson++;
            if (ps->net.notes[0])
                say(o, INGEST_MSG_NOTE, "%s: spec from %s: %s", dir, ps->net.source, ps->net.notes);
            return;
        }
        snprintf(ps->why, sizeof ps->why, "%s: %s", ps->net.source, ps->net.mlp ? snac_err_msg() : ps->net.why);
    } else if (!tried) {
        snprintf(ps->why, sizeof ps->why, "no firmware/parameters.h and no network.json%s",
                 ps->have_cfg ? "; hls4ml_config.yml gives no layer sizes" : "");
    }
    snac_err_clear();
    if (ps->have_cfg) {
        c->spec_config++;
        say(o, INGEST_MSG_NOTE, "%s: no spec the surrogate can use (%s); reuse factor, precision, strategy and io_type "
            "taken from hls4ml_config.yml", dir, ps->why);
    } else {
        c->spec_none++;
        say(o, INGEST_MSG_NOTE, "%s: no spec (%s)", dir, ps->why);
    }
}

/* Carry the project's knowledge into a result: the firmware (or network.json)
 * first, hls4ml_config.yml only for what the firmware does not say. */
static void project_apply(const project_spec *ps, rpt_result *r)
{
    if (ps->have_cfg)
        rpt_hls4ml_apply(&ps->cfg, r);
    if (!ps->json)
        rpt_strlcpy(r->no_layers_why, ps->why, sizeof r->no_layers_why);
    if (ps->have_net && ps->net.n_layers) {
        const rpt_net *n = &ps->net;
        size_t rf = 0;
        for (size_t l = 0; l < n->n_layers; l++)
            rf = n->layer[l].reuse_factor > rf ? n->layer[l].reuse_factor : rf;
        if (rf)
            r->reuse_factor = (long)rf;
        if (n->layer[0].strategy[0])
            rpt_strlcpy(r->strategy, n->layer[0].strategy, sizeof r->strategy);
        if (n->io_type[0])
            rpt_strlcpy(r->io_type, n->io_type, sizeof r->io_type);
        if (n->layer[0].weight_t[0])
            rpt_strlcpy(r->precision, n->layer[0].weight_t, sizeof r->precision);
        r->n_layers = 0;
        if (n->mlp && n->n_layers + 1 <= RPT_MAX_LAYERS) {
            r->layers[0] = n->layer[0].n_in;
            for (size_t l = 0; l < n->n_layers; l++)
                r->layers[l + 1] = n->layer[l].n_out;
            r->n_layers = n->n_layers + 1;
        }
    }
}

/* ---- storing ---------------------------------------------------------------------- */

static const char insert_sql[] =
    "INSERT INTO synthesis_results(model_id, spec, spec_sha256, toolchain, tool_version, part,"
    " clock_target_ns, clock_estimated_ns, strategy, reuse_factor, io_type, precision,"
    " lut, ff, dsp, bram18, uram, latency_best, latency_worst, ii_min, ii_max,"
    " avail_lut, avail_ff, avail_dsp, avail_bram18, avail_uram, bram_note,"
    " source_kind, source_path, source_sha256, source_row, created_at, top_module, merged_sources)"
    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,"
    "?28,?29,?30,?31,?32,?33,?34)"
    " ON CONFLICT(source_sha256, source_row) DO NOTHING";

/* --spec / --model on a row that is already there: attach or replace. A derived
 * spec is attached only where the row has none. */
static const char update_explicit_sql[] =
    "UPDATE synthesis_results SET spec = coalesce(?1, spec), spec_sha256 = coalesce(?2, spec_sha256),"
    " model_id = coalesce(?3, model_id) WHERE source_sha256 = ?4 AND source_row = ?5"
    " AND ((?1 IS NOT NULL AND spec IS NOT ?1) OR (?3 IS NOT NULL AND model_id IS NOT ?3))";
static const char update_derived_sql[] =
    "UPDATE synthesis_results SET spec = ?1, spec_sha256 = ?2"
    " WHERE source_sha256 = ?4 AND source_row = ?5 AND spec IS NULL AND ?3 IS NULL";

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return s && s[0] ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

static int bind_real(sqlite3_stmt *st, int i, double v)
{
    return isnan(v) ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, v);
}

typedef struct stmts {
    sqlite3_stmt *ins, *upd_explicit, *upd_derived;
} stmts;

/* Insert (or attach to the existing row); *what: 0 inserted, 1 present, 2 updated. */
static int insert_one(snac_db *db, const stmts *S, const rpt_result *r, const source *src, const char *merged,
                      const char *derived_spec, const ingest_opts *o, int *what)
{
    char *spec = NULL;
    int rc;
    if (o->spec_json || derived_spec) {
        spec = strdup(o->spec_json ? o->spec_json : derived_spec);
        if (!spec)
            return snac_err_set(SNAC_ENOMEM, "ingest: out of memory");
    } else if ((rc = ingest_spec_from_result(r, &spec))) {
        return rc;
    }
    char spec_sha[SHA256_HEX_LEN] = "", now[32];
    if (spec)
        sha256_hex(spec, strlen(spec), spec_sha);
    db_now(now);
    const char *tc = rpt_toolchain_names[r->toolchain];
    const char *version = r->tool_version;
    enum rpt_toolchain otc;
    char over_version[32];
    if (o->toolchain) {
        if ((rc = ingest_toolchain_parse(o->toolchain, &otc, over_version, sizeof over_version))) {
            free(spec);
            return rc;
        }
        tc = rpt_toolchain_names[otc];
        if (over_version[0])
            version = over_version;
    }
    sqlite3_stmt *st = S->ins;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int s = SQLITE_OK;
    s |= o->model_id > 0 ? sqlite3_bind_int64(st, 1, o->model_id) : sqlite3_bind_null(st, 1);
    s |= bind_text(st, 2, spec);
    s |= bind_text(st, 3, spec_sha);
    s |= bind_text(st, 4, tc);
    s |= bind_text(st, 5, version);
    s |= bind_text(st, 6, r->part);
    s |= bind_real(st, 7, r->clock_target_ns);
    s |= bind_real(st, 8, r->clock_estimated_ns);
    s |= bind_text(st, 9, r->strategy);
    s |= r->reuse_factor > 0 ? sqlite3_bind_int64(st, 10, r->reuse_factor) : sqlite3_bind_null(st, 10);
    s |= bind_text(st, 11, r->io_type);
    s |= bind_text(st, 12, r->precision);
    const double nums[] = {r->lut, r->ff, r->dsp, r->bram18, r->uram, r->latency_best, r->latency_worst,
                           r->ii_min, r->ii_max, r->avail_lut, r->avail_ff, r->avail_dsp, r->avail_bram18,
                           r->avail_uram};
    for (int i = 0; i < 14; i++)
        s |= bind_real(st, 13 + i, nums[i]);
    s |= bind_text(st, 27, r->bram_note);
    s |= bind_text(st, 28, rpt_kind_names[r->kind]);
    s |= bind_text(st, 29, src->path);
    s |= bind_text(st, 30, src->sha);
    s |= sqlite3_bind_int64(st, 31, r->source_row);
    s |= bind_text(st, 32, now);
    s |= bind_text(st, 33, r->top_module);
    s |= bind_text(st, 34, merged);
    if (s != SQLITE_OK) {
        free(spec);
        return db_error(db, "binding a synthesis result");
    }
    if (sqlite3_step(st) != SQLITE_DONE) {
        free(spec);
        return db_error(db, "inserting a synthesis result");
    }
    *what = sqlite3_changes(db_handle(db)) > 0 ? 0 : 1;
    if (*what == 1 && (o->spec_json || o->model_id > 0 || derived_spec)) {
        sqlite3_stmt *u = o->spec_json || o->model_id > 0 ? S->upd_explicit : S->upd_derived;
        sqlite3_reset(u);
        sqlite3_clear_bindings(u);
        s = bind_text(u, 1, o->spec_json || derived_spec ? spec : NULL);
        s |= bind_text(u, 2, o->spec_json || derived_spec ? spec_sha : NULL);
        s |= o->model_id > 0 ? sqlite3_bind_int64(u, 3, o->model_id) : sqlite3_bind_null(u, 3);
        s |= bind_text(u, 4, src->sha);
        s |= sqlite3_bind_int64(u, 5, r->source_row);
        if (s != SQLITE_OK || sqlite3_step(u) != SQLITE_DONE) {
            free(spec);
            return db_error(db, "attaching a spec to a synthesis result");
        }
        if (sqlite3_changes(db_handle(db)) > 0)
            *what = 2;
    }
    free(spec);
    return SNAC_OK;
}

static int model_exists(snac_db *db, int64_t id)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT 1 FROM models WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "looking up the model");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return SNAC_OK;
    if (rc == SQLITE_DONE)
        return snac_err_set(SNAC_ENOTFOUND, "model %lld does not exist in %s", (long long)id, db_path(db));
    return db_error(db, "looking up the model");
}

/* Store results r[0..n) (sources per result) in one transaction. */
static int store(snac_db *db, const rpt_result *r, const source *const *src, const char *const *merged, size_t n,
                 const char *derived_spec, const ingest_opts *o, ingest_counts *c)
{
    stmts S = {NULL, NULL, NULL};
    int rc;
    if (o->model_id > 0 && (rc = model_exists(db, o->model_id)))
        return rc;
    if ((rc = db_begin(db)))
        return rc;
    if (sqlite3_prepare_v2(db_handle(db), insert_sql, -1, &S.ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db_handle(db), update_explicit_sql, -1, &S.upd_explicit, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db_handle(db), update_derived_sql, -1, &S.upd_derived, NULL) != SQLITE_OK)
        rc = db_error(db, "preparing the synthesis_results statements");
    size_t k[3] = {0, 0, 0};
    for (size_t i = 0; i < n && !rc; i++) {
        int what = 0;
        if (!(rc = insert_one(db, &S, &r[i], src[i], merged ? merged[i] : NULL, derived_spec, o, &what)))
            k[what]++;
    }
    sqlite3_finalize(S.ins);
    sqlite3_finalize(S.upd_explicit);
    sqlite3_finalize(S.upd_derived);
    if (!rc)
        rc = db_commit(db);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    c->ingested += k[0];
    c->present += k[1] + k[2];
    c->updated += k[2];
    return SNAC_OK;
}

static int store_unit(snac_db *db, const unit *u, const char *derived_spec, const ingest_opts *o, ingest_counts *c)
{
    const source *src = &u->primary;
    const char *merged = u->merged;
    size_t in0 = c->ingested, up0 = c->updated;
    int rc = store(db, &u->r, &src, &merged, 1, derived_spec, o, c);
    if (!rc)
        say(o, INGEST_MSG_LANDED, "%s: %s%s (%s%s%s)", u->primary.path,
            c->ingested > in0 ? "ingested" : c->updated > up0 ? "already present, spec/model attached"
                                                              : "already present",
            u->merged[0] ? " with merged twins" : "", rpt_toolchain_names[u->r.toolchain],
            u->r.top_module[0] ? ", top " : "", u->r.top_module);
    return rc;
}

/* ---- manifests of `snac export` folders -------------------------------------------- */

/* The options the reports of the project in dir are stored with: *o, or, when dir
 * is a `snac export` folder (snac_manifest.json) and neither --model nor --spec
 * was given, *o with the manifest's model and spec, as if they had been (the
 * same attach path). The manifest must be well formed and match the database's
 * model; otherwise the folder's reports are refused. Explicit flags win: the
 * manifest is then only compared with them (notes). m is freed on failure. */
static int manifest_opts(snac_db *db, const char *dir, const ingest_opts *o, ingest_opts *eff, ingest_manifest *m)
{
    *eff = *o;
    bool found;
    int rc = ingest_manifest_read(dir, m, &found);
    bool explicit_flags = o->model_id > 0 || o->spec_json;
    if (!found && !rc)
        return SNAC_OK;
    if (explicit_flags) {
        if (rc) {
            say(o, INGEST_MSG_NOTE, "not used (--model/--spec given): %s", snac_err_msg());
            snac_err_clear();
            return SNAC_OK;
        }
        if (o->model_id > 0 && o->model_id != m->model_id)
            say(o, INGEST_MSG_NOTE, "%s names model %lld; --model %lld wins", m->path, (long long)m->model_id,
                (long long)o->model_id);
        if (o->spec_json && strcmp(o->spec_json, m->spec_json) != 0)
            say(o, INGEST_MSG_NOTE, "%s: its spec differs from --spec; --spec wins", m->path);
        return SNAC_OK;
    }
    if (!rc)
        rc = ingest_manifest_verify(db, m);
    if (rc) {
        ingest_manifest_free(m);
        return rc;
    }
    eff->model_id = m->model_id;
    eff->spec_json = m->spec_json;
    say(o, INGEST_MSG_NOTE, "%s: reports attached to model %lld (qmodel SHA-256 matches)", m->path,
        (long long)m->model_id);
    return SNAC_OK;
}

/* ---- single files ------------------------------------------------------------------ */

/* The top function a Vitis csynth.xml in dir describes ("" when there is none or it
 * does not parse): the network's top, or the AXI wrapper hls4ml's accelerator
 * backend puts around it. */
static void csynth_xml_top(const char *dir, char *top, size_t cap)
{
    char p[RPT_PATH_MAX];
    top[0] = '\0';
    unit *u = calloc(1, sizeof *u);
    if (u && pjoin(p, dir, "csynth.xml") && is_file(p) && parse_file(p, RPT_KIND_CSYNTH_XML, u) == SNAC_OK)
        rpt_strlcpy(top, u->r.top_module, cap);
    snac_err_clear();
    free(u);
}

/* The HLS reports of one solution's syn/report folder that describe the same
 * synthesis as the top `top`: <top>_csynth.xml, <top>_csynth.rpt, and Vitis
 * csynth.xml when it names that top (or names none). A folder can hold two
 * syntheses: the network's top and its AXI wrapper's (issue 23). */
static size_t twin_paths_of(const char *dir, const char *top, bool unknown_csynth, char out[3][RPT_PATH_MAX])
{
    char name[256], ctop[160];
    size_t n = 0;
    if (pjoin(out[n], dir, "csynth.xml") && is_file(out[n])) {
        csynth_xml_top(dir, ctop, sizeof ctop);
        if (!top || !top[0] || (!ctop[0] && unknown_csynth) || (ctop[0] && strcasecmp(ctop, top) == 0))
            n++;
    }
    if (top && top[0]) {
        snprintf(name, sizeof name, "%s_csynth.xml", top);
        if (pjoin(out[n], dir, name) && is_file(out[n]))
            n++;
        snprintf(name, sizeof name, "%s_csynth.rpt", top);
        if (pjoin(out[n], dir, name) && is_file(out[n]))
            n++;
    }
    return n;
}

/* The same; a csynth.xml whose top cannot be read counts as this top's twin. */
static size_t twin_paths(const char *dir, const char *top, char out[3][RPT_PATH_MAX])
{
    return twin_paths_of(dir, top, true, out);
}

static void dir_of(const char *path, char *dir)
{
    rpt_strlcpy(dir, path, RPT_PATH_MAX);
    char *s = strrchr(dir, '/');
    if (s && s != dir)
        *s = '\0';
    else
        rpt_strlcpy(dir, s ? "/" : ".", RPT_PATH_MAX);
}

/* Units of one HLS solution report folder: the files in `paths` that parse, twins
 * of one synthesis merged (in order: the first that parses is the row's key). */
/* `named` (< np): only that file was asked for; its twins that do not parse are
 * notes, not failures. SIZE_MAX: every file counts (a project). */
static void hls_units(char paths[][RPT_PATH_MAX], size_t np, const project_spec *ps, snac_db *db,
                      const ingest_opts *o, ingest_counts *c, failures *f, size_t named)
{
    unit *u = calloc(np ? np : 1, sizeof *u);
    bool *ok = calloc(np ? np : 1, sizeof *ok);
    if (!u || !ok) {
        free(u), free(ok);
        failed(f, o, c, snac_err_set(SNAC_ENOMEM, "ingest: out of memory"));
        return;
    }
    for (size_t i = 0; i < np; i++) {
        int rc = parse_file(paths[i], ends_with(paths[i], ".xml") ? RPT_KIND_CSYNTH_XML : RPT_KIND_CSYNTH_RPT, &u[i]);
        if (rc && (named == SIZE_MAX || named == i))
            failed(f, o, c, rc);
        else if (rc)
            say(o, INGEST_MSG_NOTE, "a report of the same solution does not parse, not merged: %s", snac_err_msg());
        ok[i] = rc == SNAC_OK;
    }
    for (size_t i = 0; i < np; i++) {
        if (!ok[i])
            continue;
        for (size_t j = i + 1; j < np; j++) {
            if (!ok[j])
                continue;
            if (same_synthesis(&u[i].r, &u[j].r)) {
                merge_twin(&u[i], &u[j]);
                ok[j] = false;
                c->merged++;
                say(o, INGEST_MSG_LANDED, "%s: same synthesis as %s, merged into its row", u[j].primary.path,
                    u[i].primary.path);
            } else {
                say(o, INGEST_MSG_NOTE, "%s: numbers differ from %s: a different synthesis, stored as its own row",
                    u[j].primary.path, u[i].primary.path);
            }
        }
        if (ps && ps->have_cfg && !isnan(ps->cfg.clock_ns) && !isnan(u[i].r.clock_target_ns) &&
            fabs(ps->cfg.clock_ns - u[i].r.clock_target_ns) > 1e-6)
            say(o, INGEST_MSG_NOTE, "%s: target clock %g ns, hls4ml_config.yml says ClockPeriod %g (the report's is kept)",
                u[i].primary.path, u[i].r.clock_target_ns, ps->cfg.clock_ns);
        if (ps)
            project_apply(ps, &u[i].r);
        int rc = store_unit(db, &u[i], ps ? ps->json : NULL, o, c);
        if (rc)
            failed(f, o, c, rc);
    }
    free(u);
    free(ok);
}

static int ingest_csv(snac_db *db, const char *path, const ingest_opts *o, ingest_counts *c);
static bool is_project(const char *dir);
static void project_load(const char *dir, project_spec *ps, const rpt_net_hint *hint, const ingest_opts *o,
                         ingest_counts *c, failures *f);

/* The hls4ml project a report file belongs to, from where hls4ml puts it:
 * <dir>/<P>_prj/<solution>/syn/report/<file>, .../impl/report/verilog/<file>, <dir>/vivado_synth.rpt. */
static bool project_of(const char *path, char *dir)
{
    char d[RPT_PATH_MAX];
    dir_of(path, d);
    for (int up = 0; up <= 5; up++) {
        if ((up == 0 || up == 4 || up == 5) && is_project(d)) {
            rpt_strlcpy(dir, d, RPT_PATH_MAX);
            return true;
        }
        char parent[RPT_PATH_MAX];
        dir_of(d, parent);
        if (strcmp(parent, d) == 0)
            break;
        rpt_strlcpy(d, parent, sizeof d);
    }
    return false;
}

/* One file named on the command line. */
/* Is r the AXI wrapper's report (top <T>_axi) with the network's own <T>_csynth.* beside it?
 * Then the project's spec belongs to the network's row, not to this one. */
static bool wrapper_beside_network(const char *path, const rpt_result *r)
{
    size_t n = strlen(r->top_module);
    if (n <= 4 || strcasecmp(r->top_module + n - 4, "_axi") != 0)
        return false;
    char dir[RPT_PATH_MAX], net[160], twins[3][RPT_PATH_MAX];
    dir_of(path, dir);
    snprintf(net, sizeof net, "%.*s", (int)(n - 4), r->top_module);
    return twin_paths(dir, net, twins) > 0;
}

static int ingest_file(snac_db *db, const char *path, bool force_csv, const ingest_opts *o, ingest_counts *c)
{
    if (force_csv || ends_with(path, ".csv"))
        return ingest_csv(db, path, o, c);
    unit *u = calloc(1, sizeof *u);
    project_spec *ps = calloc(1, sizeof *ps);
    if (!u || !ps) {
        free(u), free(ps);
        return snac_err_set(SNAC_ENOMEM, "ingest: out of memory");
    }
    int rc = parse_file(path, -1, u);
    if (rc) {
        free(u), free(ps);
        c->failed++;
        return rc;
    }
    /* a report inside an hls4ml project gets the project's spec, as when the project is ingested
     * (a `snac export` folder's: its manifest's model and spec) */
    char pdir[RPT_PATH_MAX];
    const project_spec *pspec = NULL;
    bool in_project = project_of(path, pdir);
    ingest_opts eff = *o;
    ingest_manifest man = {0};
    if (in_project && (rc = manifest_opts(db, pdir, o, &eff, &man))) {
        free(u), free(ps);
        c->failed++;
        return rc;
    }
    o = &eff;
    if (!o->spec_json && in_project && !wrapper_beside_network(path, &u->r)) {
        failures pf = {0};
        rpt_net_hint hint = {u->r.n_out_ports, u->r.in_port_bits};
        project_load(pdir, ps, &hint, o, c, &pf);
        pspec = ps;
    }
    if (u->r.kind == RPT_KIND_CSYNTH_XML || u->r.kind == RPT_KIND_CSYNTH_RPT) {
        /* its twins in the same folder: ingest the solution's reports as one synthesis */
        char dir[RPT_PATH_MAX], twins[3][RPT_PATH_MAX];
        dir_of(path, dir);
        size_t nt = twin_paths(dir, u->r.top_module, twins);
        size_t named = SIZE_MAX; /* which twin is the file named */
        char *abs_n = realpath(path, NULL);
        for (size_t i = 0; i < nt && abs_n; i++) {
            char *a = realpath(twins[i], NULL);
            if (a && strcmp(a, abs_n) == 0)
                named = i;
            free(a);
        }
        free(abs_n);
        if (nt > 1 && named != SIZE_MAX) {
            failures f = {0};
            hls_units(twins, nt, pspec, db, o, c, &f, named);
            free(u);
            free(ps->json);
            free(ps);
            ingest_manifest_free(&man);
            if (f.n) {
                snac_err_set(f.first_rc, "%s", f.first);
                return f.first_rc;
            }
            return SNAC_OK;
        }
    }
    if (pspec)
        project_apply(pspec, &u->r);
    rc = store_unit(db, u, pspec ? pspec->json : NULL, o, c);
    if (rc)
        c->failed++;
    free(u);
    free(ps->json);
    free(ps);
    ingest_manifest_free(&man);
    return rc;
}

typedef struct csv_batch {
    rpt_result *r;
    size_t n, cap;
} csv_batch;

static int csv_cb(const rpt_result *r, void *ctx)
{
    csv_batch *b = ctx;
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        rpt_result *nr = realloc(b->r, cap * sizeof *nr);
        if (!nr)
            return snac_err_set(SNAC_ENOMEM, "ingest: out of memory");
        b->r = nr;
        b->cap = cap;
    }
    b->r[b->n++] = *r;
    return SNAC_OK;
}

static int ingest_csv(snac_db *db, const char *path, const ingest_opts *o, ingest_counts *c)
{
    char *buf;
    size_t len;
    int rc = snac_read_file(path, &buf, &len);
    if (rc) {
        c->failed++;
        return rc;
    }
    source src;
    set_source(&src, path, buf, len);
    csv_batch b = {0};
    rpt_csv_stats cs = {0};
    rc = rpt_csv_read(buf, len, path, csv_cb, &b, &cs);
    free(buf);
    for (size_t i = 0; i < b.n && !rc; i++)
        rc = ingest_check_bounds(&b.r[i], path);
    const source **srcs = NULL;
    if (!rc && b.n) {
        srcs = malloc(b.n * sizeof *srcs);
        if (!srcs)
            rc = snac_err_set(SNAC_ENOMEM, "ingest: out of memory");
        for (size_t i = 0; srcs && i < b.n; i++)
            srcs[i] = &src;
    }
    if (!rc)
        rc = store(db, b.r, srcs, NULL, b.n, NULL, o, c);
    free(srcs);
    free(b.r);
    if (rc) {
        c->failed++;
        return rc;
    }
    c->skipped += cs.skipped;
    c->repaired += cs.repaired;
    return SNAC_OK;
}

/* ---- projects ---------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorted entries of dir (names malloc'd; free with free_names). */
static size_t list_dir(const char *dir, char ***names)
{
    *names = NULL;
    DIR *dp = opendir(dir);
    if (!dp)
        return 0;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nn = realloc(*names, cap * sizeof *nn);
            if (!nn)
                break;
            *names = nn;
        }
        if (!((*names)[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(dp);
    if (n)
        qsort(*names, n, sizeof **names, cmp_str);
    return n;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* dir holds an hls4ml project: hls4ml_config.yml, <P>_prj/solution<N>/syn/report, or syn/report
 * beside firmware/ (the solution folder copied to the root). */
static bool is_project(const char *dir)
{
    char p[RPT_PATH_MAX];
    if (pjoin(p, dir, "hls4ml_config.yml") && is_file(p))
        return true;
    char fw[RPT_PATH_MAX];
    if (pjoin(p, dir, "syn/report") && is_dir(p) && pjoin(fw, dir, "firmware") && is_dir(fw))
        return true; /* a solution copied to the root, beside the firmware */
    char **names;
    size_t n = list_dir(dir, &names);
    bool yes = false;
    for (size_t i = 0; i < n && !yes; i++) {
        if (!ends_with(names[i], "_prj") || !pjoin(p, dir, names[i]) || !is_dir(p))
            continue;
        char **sol;
        size_t ns = list_dir(p, &sol);
        for (size_t j = 0; j < ns && !yes; j++) {
            char q[RPT_PATH_MAX], r[RPT_PATH_MAX];
            yes = pjoin(q, p, sol[j]) && pjoin(r, q, "syn/report") && is_dir(r);
        }
        free_names(sol, ns);
    }
    free_names(names, n);
    return yes;
}

/* The top function's ports in the first HLS report that has them (for symbolic sizes). */
static rpt_net_hint ports_hint(char paths[][RPT_PATH_MAX], size_t n)
{
    rpt_net_hint h = {0, 0};
    for (size_t i = 0; i < n; i++) {
        unit u;
        if (parse_file(paths[i], ends_with(paths[i], ".xml") ? RPT_KIND_CSYNTH_XML : RPT_KIND_CSYNTH_RPT, &u) ==
                SNAC_OK &&
            (u.r.n_out_ports || u.r.in_port_bits)) {
            h.n_outputs = u.r.n_out_ports;
            h.in_bits = u.r.in_port_bits;
            break;
        }
    }
    snac_err_clear();
    return h;
}

/* The project's hls4ml_config.yml, if any; a broken one fails on its own. */
static void read_config(const char *dir, project_spec *ps, const ingest_opts *o, ingest_counts *c, failures *f,
                        bool strict)
{
    char path[RPT_PATH_MAX];
    if (!pjoin(path, dir, "hls4ml_config.yml") || !is_file(path))
        return;
    char *buf;
    size_t len;
    int rc = snac_read_file(path, &buf, &len);
    if (!rc) {
        rc = rpt_hls4ml_config_read(buf, len, path, &ps->cfg);
        free(buf);
    }
    if (rc && strict)
        failed(f, o, c, rc); /* the reports still land */
    else if (rc)
        say(o, INGEST_MSG_NOTE, "not used: %s", snac_err_msg());
    else
        ps->have_cfg = true;
}

/* Config and spec of the project in dir, for a single report of it. */
static void project_load(const char *dir, project_spec *ps, const rpt_net_hint *hint, const ingest_opts *o,
                         ingest_counts *c, failures *f)
{
    read_config(dir, ps, o, c, f, false);
    project_spec_build(dir, ps->have_cfg ? ps->cfg.project : "myproject", hint, ps, o, c);
}

static int project_reports(snac_db *db, const char *dir, const ingest_opts *o, ingest_counts *c);

/* An hls4ml project (or `snac export` folder): a bad or foreign manifest refuses all its reports. */
static int ingest_project(snac_db *db, const char *dir, const ingest_opts *o, ingest_counts *c)
{
    ingest_opts eff;
    ingest_manifest man;
    int rc = manifest_opts(db, dir, o, &eff, &man);
    if (rc) {
        c->projects++;
        c->failed++;
        if (o->recursive) /* named here: a tree's failures are listed as they happen */
            say(o, INGEST_MSG_FAILED, "%s", snac_err_msg());
        ingest_manifest_free(&man);
        return rc;
    }
    rc = project_reports(db, dir, &eff, c);
    ingest_manifest_free(&man);
    return rc;
}

/* One solution folder's syn/report (one synthesis, the top's reports) and its export report. */
static void solution_units(snac_db *db, const char *dir, const char *sol, const char *top, project_spec *ps,
                           bool *specced, size_t *n_reports, const ingest_opts *o, ingest_counts *c, failures *f)
{
    char rep[RPT_PATH_MAX], twins[3][RPT_PATH_MAX];
    if (!pjoin(rep, sol, "syn/report") || !is_dir(rep))
        return;
    /* Two syntheses can sit here: the network's top (the firmware's top function: the row its
     * spec describes) and the AXI wrapper hls4ml's accelerator backend builds around it (its own
     * row, its own top; the spec only when the network's own reports are missing). */
    char wrap[160], wtwins[3][RPT_PATH_MAX];
    snprintf(wrap, sizeof wrap, "%s_axi", top);
    size_t nt = twin_paths(rep, top, twins);
    size_t nw = twin_paths_of(rep, wrap, false, wtwins); /* an unreadable csynth.xml: the network's twin */
    if (nt == 0 && nw == 0) { /* only a csynth.xml of another top: that is the synthesis */
        char ctop[160];
        csynth_xml_top(rep, ctop, sizeof ctop);
        nt = twin_paths(rep, ctop[0] ? ctop : NULL, twins);
    }
    if (!*specced) {
        rpt_net_hint hint = nt ? ports_hint(twins, nt) : ports_hint(wtwins, nw);
        project_spec_build(dir, ps->have_cfg ? ps->cfg.project : top, &hint, ps, o, c);
        *specced = true;
    }
    if (nt == 0 && nw == 0)
        say(o, INGEST_MSG_NOTE, "%s: no %s_csynth.xml/.rpt or csynth.xml", rep, top);
    hls_units(twins, nt, ps, db, o, c, f, SIZE_MAX);
    if (nw && nt) {
        project_spec wps = {.have_cfg = ps->have_cfg, .cfg = ps->cfg};
        snprintf(wps.why, sizeof wps.why, "the AXI wrapper %s: the spec describes the network's own row (top %s)",
                 wrap, top);
        hls_units(wtwins, nw, &wps, db, o, c, f, SIZE_MAX);
    } else if (nw) {
        hls_units(wtwins, nw, ps, db, o, c, f, SIZE_MAX);
    }
    *n_reports += nt + nw;
    /* export_design's Vivado run */
    static const char *const impl[] = {"impl/report/verilog", "impl/report/vhdl"};
    for (int k = 0; k < 2; k++) {
        char idir[RPT_PATH_MAX];
        if (!pjoin(idir, sol, impl[k]) || !is_dir(idir))
            continue;
        char **files;
        size_t nf = list_dir(idir, &files);
        for (size_t m = 0; m < nf; m++) {
            char ep[RPT_PATH_MAX];
            if (!ends_with(files[m], "_export.rpt") || !pjoin(ep, idir, files[m]))
                continue;
            unit u;
            (*n_reports)++;
            int rc = parse_file(ep, RPT_KIND_EXPORT, &u);
            if (!rc) {
                project_apply(ps, &u.r);
                rc = store_unit(db, &u, ps->json, o, c);
            }
            if (rc)
                failed(f, o, c, rc);
        }
        free_names(files, nf);
        break; /* verilog and vhdl reports of one run are the same synthesis */
    }
}

/* The top of a solution at the project's root: the config's project name, else the firmware
 * source <P>.cpp whose <P>_csynth report is there, else hls4ml's default. */
static void root_top(const char *dir, const project_spec *ps, char *top, size_t cap)
{
    rpt_strlcpy(top, ps->have_cfg ? ps->cfg.project : "myproject", cap);
    char fw[RPT_PATH_MAX], p[RPT_PATH_MAX], **names;
    if (ps->have_cfg || !pjoin(fw, dir, "firmware") || !is_dir(fw))
        return;
    size_t n = list_dir(fw, &names);
    for (size_t i = 0; i < n; i++) {
        if (!ends_with(names[i], ".cpp"))
            continue;
        char name[200];
        snprintf(name, sizeof name, "syn/report/%.*s_csynth.xml", (int)(strlen(names[i]) - 4), names[i]);
        bool hit = pjoin(p, dir, name) && is_file(p);
        if (!hit) {
            snprintf(name, sizeof name, "syn/report/%.*s_csynth.rpt", (int)(strlen(names[i]) - 4), names[i]);
            hit = pjoin(p, dir, name) && is_file(p);
        }
        if (hit) {
            snprintf(top, cap, "%.*s", (int)(strlen(names[i]) - 4), names[i]);
            break;
        }
    }
    free_names(names, n);
}

static int project_reports(snac_db *db, const char *dir, const ingest_opts *o, ingest_counts *c)
{
    failures f = {0};
    project_spec *ps = calloc(1, sizeof *ps);
    if (!ps)
        return snac_err_set(SNAC_ENOMEM, "ingest: out of memory");
    c->projects++;
    char path[RPT_PATH_MAX];
    read_config(dir, ps, o, c, &f, true);
    /* every <X>_prj/solution*: its HLS reports (one synthesis) and its export report */
    char **names;
    size_t nn = list_dir(dir, &names);
    bool specced = false;
    size_t n_reports = 0; /* report files found (landed or not) */
    for (size_t i = 0; i < nn; i++) {
        char prj[RPT_PATH_MAX];
        if (!ends_with(names[i], "_prj") || !pjoin(prj, dir, names[i]) || !is_dir(prj))
            continue;
        char top[128];
        rpt_strlcpy(top, ps->have_cfg ? ps->cfg.project : names[i], sizeof top);
        if (!ps->have_cfg)
            top[strlen(top) - 4] = '\0';
        char **sols;
        size_t ns = list_dir(prj, &sols);
        for (size_t j = 0; j < ns; j++) {
            char sol[RPT_PATH_MAX];
            if (pjoin(sol, prj, sols[j]))
                solution_units(db, dir, sol, top, ps, &specced, &n_reports, o, c, &f);
        }
        free_names(sols, ns);
    }
    free_names(names, nn);
    /* a solution copied to the project's root (syn/report beside firmware/) */
    char top[128];
    root_top(dir, ps, top, sizeof top);
    solution_units(db, dir, dir, top, ps, &specced, &n_reports, o, c, &f);
    if (!specced)
        project_spec_build(dir, ps->have_cfg ? ps->cfg.project : "myproject", NULL, ps, o, c);
    /* Vivado logic synthesis of hls4ml's build_prj.tcl (vsynth) */
    const char *vs[2] = {"vivado_synth.rpt", NULL};
    char alt[200];
    if (ps->have_cfg) {
        snprintf(alt, sizeof alt, "%s_prj/vivado_synth.rpt", ps->cfg.project);
        vs[1] = alt;
    }
    for (int k = 0; k < 2; k++) {
        if (!vs[k] || !pjoin(path, dir, vs[k]) || !is_file(path))
            continue;
        unit u;
        n_reports++;
        int rc = parse_file(path, RPT_KIND_UTILIZATION, &u);
        if (!rc) {
            project_apply(ps, &u.r);
            rc = store_unit(db, &u, ps->json, o, c);
        }
        if (rc)
            failed(&f, o, c, rc);
    }
    free(ps->json);
    free(ps);
    if (f.n) {
        snac_err_set(f.first_rc, "%s: %zu report file%s failed; the first: %s", dir, f.n, f.n > 1 ? "s" : "",
                     f.first);
        return f.first_rc;
    }
    if (n_reports == 0) { /* named on its own, a project without reports is an error; in a tree, a note */
        const char *what = "hls4ml project without reports (looked for <P>_prj/solution<N>/syn/report/"
                           "{csynth.xml, <P>_csynth.xml, <P>_csynth.rpt}, impl/report/verilog/<P>_export.rpt and "
                           "vivado_synth.rpt)";
        if (o->recursive) {
            say(o, INGEST_MSG_NOTE, "%s: %s", dir, what);
            return SNAC_OK;
        }
        c->failed++;
        return snac_err_set(SNAC_EFORMAT, "%s: %s", dir, what);
    }
    return SNAC_OK;
}

/* ---- trees ------------------------------------------------------------------------- */

static bool loose_report_name(const char *name)
{
    return ends_with(name, "_csynth.xml") || strcmp(name, "csynth.xml") == 0 || ends_with(name, "_csynth.rpt") ||
           ends_with(name, "_export.rpt") || strcmp(name, "vivado_synth.rpt") == 0;
}

static void walk_failed(const ingest_opts *o, failures *f, int rc)
{
    say(o, INGEST_MSG_FAILED, "%s", snac_err_msg());
    if (f->n++ == 0) {
        f->first_rc = rc;
        rpt_strlcpy(f->first, snac_err_msg(), sizeof f->first);
    }
}

/* A solution's syn/report folder met outside a project (the tree starts below the
 * project): it also holds every sub-function's report, so only the top's reports
 * are syntheses: <P>_csynth.* of the enclosing <P>_prj (the network), its AXI
 * wrapper's <P>_axi_csynth.* when there, and a csynth.xml of another top on its own. */
static void solution_reports(snac_db *db, const char *dir, const ingest_opts *o, ingest_counts *c, failures *f)
{
    char p[RPT_PATH_MAX], d[RPT_PATH_MAX], top[160] = "", ctop[160];
    rpt_strlcpy(d, dir, sizeof d);
    for (int up = 0; up < 3; up++) { /* report -> syn -> solution -> <P>_prj */
        char parent[RPT_PATH_MAX];
        dir_of(d, parent);
        rpt_strlcpy(d, parent, sizeof d);
    }
    const char *base = strrchr(d, '/');
    base = base ? base + 1 : d;
    if (ends_with(base, "_prj"))
        snprintf(top, sizeof top, "%.*s", (int)(strlen(base) - 4), base);
    csynth_xml_top(dir, ctop, sizeof ctop);
    char tops[3][200];
    size_t nt = 0;
    if (top[0]) {
        snprintf(tops[nt++], sizeof tops[0], "%s", top);
        snprintf(tops[nt++], sizeof tops[0], "%s_axi", top);
    }
    bool csynth_other = ctop[0] && !(nt && (strcasecmp(ctop, tops[0]) == 0 || strcasecmp(ctop, tops[1]) == 0));
    if (csynth_other || (!top[0] && pjoin(p, dir, "csynth.xml") && is_file(p)))
        snprintf(tops[nt++], sizeof tops[0], "%s", ctop);
    size_t found = 0;
    for (size_t t = 0; t < nt; t++) {
        char twins[3][RPT_PATH_MAX];
        if (twin_paths_of(dir, tops[t][0] ? tops[t] : NULL, t != 1, twins) == 0) /* t 1: the wrapper */
            continue;
        found++;
        int rc = ingest_file(db, twins[0], false, o, c);
        if (rc)
            walk_failed(o, f, rc);
    }
    if (!found)
        say(o, INGEST_MSG_NOTE, "%s: no csynth.xml and no <top>_csynth.xml/.rpt of the solution's top: "
            "skipped (its sub-module reports are not syntheses of their own)", dir);
}

#define WALK_MAX_DEPTH 64 /* folders below the path given to -r */

static void walk(snac_db *db, const char *dir, const ingest_opts *o, ingest_counts *c, failures *f, int depth)
{
    if (depth > WALK_MAX_DEPTH) {
        say(o, INGEST_MSG_NOTE, "%s: more than %d folders below the path given: not searched (give a deeper "
            "path to ingest -r)", dir, WALK_MAX_DEPTH);
        return;
    }
    bool project = is_project(dir);
    if (!project && (ends_with(dir, "/syn/report") || strcmp(dir, "syn/report") == 0)) {
        solution_reports(db, dir, o, c, f);
        return;
    }
    if (project) {
        int rc = ingest_project(db, dir, o, c);
        if (rc && f->n++ == 0) { /* its files were counted and named by ingest_project */
            f->first_rc = rc;
            rpt_strlcpy(f->first, snac_err_msg(), sizeof f->first);
        }
        /* its <P>_prj and firmware folders were read with it (below) */
    }
    char **names;
    size_t n = list_dir(dir, &names);
    for (size_t i = 0; i < n; i++) {
        char p[RPT_PATH_MAX];
        if (!pjoin(p, dir, names[i])) {
            say(o, INGEST_MSG_NOTE, "%s/%s: path longer than %d bytes: not searched", dir, names[i],
                RPT_PATH_MAX - 1);
            continue;
        }
        struct stat st;
        if (lstat(p, &st) != 0 || S_ISLNK(st.st_mode))
            continue; /* no symlink loops */
        if (S_ISDIR(st.st_mode)) {
            /* a project's own report folders were read with it */
            if (project && (ends_with(names[i], "_prj") || strcmp(names[i], "firmware") == 0))
                continue;
            walk(db, p, o, c, f, depth + 1);
        } else if (!project && S_ISREG(st.st_mode) && loose_report_name(names[i])) {
            int rc = ingest_file(db, p, false, o, c);
            if (rc)
                walk_failed(o, f, rc);
        }
    }
    free_names(names, n);
}

int ingest_path(snac_db *db, const char *path, const ingest_opts *o, ingest_counts *c)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        c->failed++;
        return snac_err_set(SNAC_EIO, "%s: no such file or directory", path);
    }
    if (!S_ISDIR(st.st_mode))
        return ingest_file(db, path, o->csv, o, c);
    if (o->recursive) {
        failures f = {0};
        walk(db, path, o, c, &f, 0);
        if (f.n) {
            snac_err_set(f.first_rc, "%s: %zu failure%s under this tree; the first: %s", path, f.n,
                         f.n > 1 ? "s" : "", f.first);
            return f.first_rc;
        }
        return SNAC_OK;
    }
    if (!is_project(path)) {
        c->failed++;
        return snac_err_set(SNAC_EFORMAT, "%s: not an hls4ml project (no hls4ml_config.yml and no "
                            "<P>_prj/solution<N>/syn/report); use -r to search a tree of projects", path);
    }
    return ingest_project(db, path, o, c);
}
