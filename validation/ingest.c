/* ingest — reports into synthesis_results; see ingest.h.
 *
 * Order per path: read and parse everything first (no database access), then
 * BEGIN, insert each result with ON CONFLICT DO NOTHING (counting present rows),
 * COMMIT; any failure rolls the whole path back.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "validation/ingest.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/err.h"
#include "util/fileio.h"
#include "validation/ingest_spec.h"
#include "validation/rpt_csv.h"
#include "validation/rpt_csynth_rpt.h"
#include "validation/rpt_csynth_xml.h"
#include "validation/rpt_hls4ml.h"
#include "validation/rpt_util.h"
#include "util/sha256.h"

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
    if (contains(buf, len, "report_utilization") || contains(buf, len, "Utilization Design Information")) {
        *kind = RPT_KIND_UTILIZATION;
        return SNAC_OK;
    }
    if (len == 0)
        return snac_err_set(SNAC_EFORMAT, "%s: empty file", path);
    return snac_err_set(SNAC_EFORMAT,
                        "%s: unknown report format (expected a Vivado/Vitis HLS *_csynth.xml or *_csynth.rpt, a "
                        "Vivado report_utilization text, an hls4ml project directory, or a sweep CSV with --csv)",
                        path);
}

int ingest_toolchain_parse(const char *s, enum rpt_toolchain *tc, char *version, size_t version_cap)
{
    char fam[32];
    const char *dash = strchr(s, '-');
    size_t n = dash ? (size_t)(dash - s) : strlen(s);
    if (n == 0 || n >= sizeof fam)
        return snac_err_set(SNAC_EINVAL, "--toolchain '%s': expected FAMILY or FAMILY-VERSION", s);
    memcpy(fam, s, n);
    fam[n] = '\0';
    int i = rpt_enum_find(rpt_toolchain_names, RPT_TC_COUNT, fam);
    if (i < 0)
        return snac_err_set(SNAC_EINVAL, "--toolchain '%s': unknown family '%s' (known: vivado_hls, vitis_hls, "
                            "vivado, yosys)", s, fam);
    *tc = (enum rpt_toolchain)i;
    version[0] = '\0';
    if (dash) {
        if (!dash[1] || strlen(dash + 1) >= version_cap)
            return snac_err_set(SNAC_EINVAL, "--toolchain '%s': bad version", s);
        rpt_strlcpy(version, dash + 1, version_cap);
    }
    return SNAC_OK;
}

/* ---- parsed results of one path --------------------------------------------- */

typedef struct source {
    char path[RPT_PATH_MAX];   /* as stored: absolute when it can be resolved */
    char sha[SHA256_HEX_LEN];
} source;

typedef struct batch {
    rpt_result *r;
    size_t *src;               /* index into sources per result */
    size_t n, cap;
    source sources[2];
    size_t n_sources;
    size_t skipped, repaired;
} batch;

static int batch_add(batch *b, const rpt_result *r, size_t src)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 8;
        rpt_result *nr = realloc(b->r, cap * sizeof *nr);
        if (!nr)
            return snac_err_set(SNAC_ENOMEM, "ingest: out of memory");
        b->r = nr;
        size_t *ns = realloc(b->src, cap * sizeof *ns);
        if (!ns)
            return snac_err_set(SNAC_ENOMEM, "ingest: out of memory");
        b->src = ns;
        b->cap = cap;
    }
    b->r[b->n] = *r;
    b->src[b->n] = src;
    b->n++;
    return SNAC_OK;
}

static void batch_free(batch *b)
{
    free(b->r);
    free(b->src);
}

static size_t add_source(batch *b, const char *path, const char *buf, size_t len)
{
    source *s = &b->sources[b->n_sources];
    char *abs = realpath(path, NULL);
    rpt_strlcpy(s->path, abs ? abs : path, sizeof s->path);
    free(abs);
    sha256_hex(buf, len, s->sha);
    return b->n_sources++;
}

static int csv_cb(const rpt_result *r, void *ctx)
{
    batch *b = ctx;
    return batch_add(b, r, 0);
}

/* Read one report file of a known kind. */
static int read_report(const char *path, const char *buf, size_t len, enum rpt_kind kind, rpt_result *r)
{
    switch (kind) {
    case RPT_KIND_CSYNTH_XML: return rpt_csynth_xml_read(buf, len, path, r);
    case RPT_KIND_CSYNTH_RPT: return rpt_csynth_rpt_read(buf, len, path, r);
    case RPT_KIND_UTILIZATION: return rpt_util_read(buf, len, path, r);
    default: return snac_err_set(SNAC_EINVAL, "%s: not a single-report kind", path);
    }
}

static int parse_project(const char *dir, batch *b)
{
    rpt_hls4ml_project p;
    rpt_hls4ml_config cfg;
    char *buf = NULL;
    size_t len;
    int rc = rpt_hls4ml_find(dir, NULL, &p);
    if (rc || (rc = snac_read_file(p.config_path, &buf, &len)))
        return rc;
    rc = rpt_hls4ml_config_read(buf, len, p.config_path, &cfg);
    free(buf);
    if (rc || (rc = rpt_hls4ml_find(dir, &cfg, &p)))
        return rc;
    const char *paths[2] = {p.csynth_path, p.vivado_path};
    enum rpt_kind kinds[2] = {p.csynth_kind, RPT_KIND_UTILIZATION};
    for (int i = 0; i < 2; i++) {
        if (!paths[i][0])
            continue;
        rpt_result r;
        if ((rc = snac_read_file(paths[i], &buf, &len)))
            return rc;
        rc = read_report(paths[i], buf, len, kinds[i], &r);
        if (!rc) {
            rpt_hls4ml_apply(&cfg, &r);
            rc = batch_add(b, &r, add_source(b, paths[i], buf, len));
        }
        free(buf);
        if (rc)
            return rc;
    }
    return SNAC_OK;
}

static int parse_path(const char *path, bool force_csv, batch *b)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return snac_err_set(SNAC_EIO, "%s: no such file or directory", path);
    enum rpt_kind kind;
    int rc;
    if (S_ISDIR(st.st_mode)) {
        if ((rc = ingest_detect(path, NULL, 0, true, false, &kind)))
            return rc;
        return parse_project(path, b);
    }
    char *buf;
    size_t len;
    if ((rc = snac_read_file(path, &buf, &len)))
        return rc;
    if (!(rc = ingest_detect(path, buf, len, false, force_csv, &kind))) {
        size_t src = add_source(b, path, buf, len);
        if (kind == RPT_KIND_CSV_SWEEP) {
            rpt_csv_stats cs;
            rc = rpt_csv_read(buf, len, path, csv_cb, b, &cs);
            b->skipped = cs.skipped;
            b->repaired = cs.repaired;
        } else {
            rpt_result r;
            if (!(rc = read_report(path, buf, len, kind, &r)))
                rc = batch_add(b, &r, src);
        }
    }
    free(buf);
    return rc;
}

/* ---- storing ---------------------------------------------------------------- */

static const char insert_sql[] =
    "INSERT INTO synthesis_results(model_id, spec, spec_sha256, toolchain, tool_version, part,"
    " clock_target_ns, clock_estimated_ns, strategy, reuse_factor, io_type, precision,"
    " lut, ff, dsp, bram18, uram, latency_best, latency_worst, ii_min, ii_max,"
    " avail_lut, avail_ff, avail_dsp, avail_bram18, avail_uram, bram_note,"
    " source_kind, source_path, source_sha256, source_row, created_at)"
    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,"
    "?28,?29,?30,?31,?32)"
    " ON CONFLICT(source_sha256, source_row) DO NOTHING";

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
    return s && s[0] ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

static int bind_real(sqlite3_stmt *st, int i, double v)
{
    return isnan(v) ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, v);
}

static int insert_one(snac_db *db, sqlite3_stmt *st, const rpt_result *r, const source *src, const ingest_opts *o,
                      bool *inserted)
{
    char *spec = NULL;
    int rc;
    if (o->spec_json) {
        spec = strdup(o->spec_json);
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
    free(spec);
    if (s != SQLITE_OK)
        return db_error(db, "binding a synthesis result");
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_error(db, "inserting a synthesis result");
    *inserted = sqlite3_changes(db_handle(db)) > 0;
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

static int store(snac_db *db, const batch *b, const ingest_opts *o, size_t *ingested, size_t *present)
{
    sqlite3_stmt *st;
    int rc;
    if (o->model_id > 0 && (rc = model_exists(db, o->model_id)))
        return rc;
    if ((rc = db_begin(db)))
        return rc;
    if (sqlite3_prepare_v2(db_handle(db), insert_sql, -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(db, "preparing the synthesis_results insert");
        db_rollback(db);
        return rc;
    }
    size_t n_in = 0, n_present = 0;
    for (size_t i = 0; i < b->n && !rc; i++) {
        bool inserted = false;
        if (!(rc = insert_one(db, st, &b->r[i], &b->sources[b->src[i]], o, &inserted)))
            inserted ? n_in++ : n_present++;
    }
    sqlite3_finalize(st);
    if (!rc)
        rc = db_commit(db);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    *ingested += n_in;
    *present += n_present;
    return SNAC_OK;
}

int ingest_path(snac_db *db, const char *path, const ingest_opts *o, ingest_counts *c)
{
    batch b = {0};
    int rc = parse_path(path, o->csv, &b);
    if (!rc)
        rc = store(db, &b, o, &c->ingested, &c->present);
    if (rc) {
        c->failed++;
    } else {
        c->skipped += b.skipped;
        c->repaired += b.repaired;
    }
    batch_free(&b);
    return rc;
}
