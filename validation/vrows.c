/* vrows — synthesis results of one surrogate toolchain with features and
 * actual numbers; see vrows.h.
 *
 * Memory: the row array grows by doubling and belongs to the vrows; each spec
 * JSON is parsed into a temporary cfg_doc released at once; stored models are
 * loaded and freed per row. Workload: one SELECT over synthesis_results.
 */
#include "validation/vrows.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml_doc.h"
#include "surrogate/surr_spec_mlp.h"
#include "surrogate/surr_specio.h"
#include "util/err.h"
#include "validation/vtoolchain.h"

/* ---- spec JSON ----------------------------------------------------------------- */

static int report_layout(const cfg_doc *d, const cfg_node *root, surr_spec *s)
{
    const cfg_node *layers = cfg_map_get(d, root, "layers"), *why = cfg_map_get(d, root, "no_layers");
    if ((!layers || cfg_node_kind(d, layers) != CFG_KIND_SEQUENCE) && why && cfg_node_scalar(d, why))
        return snac_err_set(SNAC_EINVAL, "no layer widths: %s", cfg_node_scalar(d, why));
    if (!layers || cfg_node_kind(d, layers) != CFG_KIND_SEQUENCE)
        return cfg_errorf(SNAC_EINVAL, d, root, "spec has neither \"model\" nor \"layers\": no layer widths");
    size_t n = cfg_seq_len(d, layers);
    size_t widths[SURR_MAX_LAYERS + 1];
    if (n < 2 || n > SURR_MAX_LAYERS + 1)
        return cfg_errorf(SNAC_EINVAL, d, layers, "\"layers\" needs 2 to %d widths, has %zu", SURR_MAX_LAYERS + 1, n);
    for (size_t i = 0; i < n; i++) {
        long long w;
        int rc = cfg_node_long(d, cfg_seq_at(d, layers, i), 1, 1000000, &w);
        if (rc)
            return rc;
        widths[i] = (size_t)w;
    }
    int rc = surr_spec_init_mlp(s, widths, n, SURR_ACT_RELU, false);
    if (rc)
        return rc;
    const cfg_node *v;
    if ((v = cfg_map_get(d, root, "precision"))) {
        quant_prec t;
        const char *txt = cfg_node_scalar(d, v);
        if (!txt || quant_prec_parse(txt, &t))
            return cfg_errorf(SNAC_EINVAL, d, v, "bad precision '%s'", txt ? txt : "");
        surr_spec_set_precision(s, &t, &t, &t, &t, &t); /* hls4ml's default config: one type everywhere */
    }
    if ((v = cfg_map_get(d, root, "reuse_factor"))) {
        long long rf;
        if ((rc = cfg_node_long(d, v, 1, 1000000000, &rf)))
            return rc;
        s->reuse_factor = (size_t)rf;
    }
    if ((v = cfg_map_get(d, root, "strategy"))) {
        int e;
        if ((rc = surr_enum_parse(surr_strategy_names, SURR_STRATEGY_COUNT, "strategy", cfg_node_scalar(d, v), &e)))
            return rc;
        s->strategy = (enum surr_strategy)e;
    }
    if ((v = cfg_map_get(d, root, "io_type"))) {
        int e;
        if ((rc = surr_enum_parse(surr_io_names, SURR_IO_COUNT, "io_type", cfg_node_scalar(d, v), &e)))
            return rc;
        s->io_type = (enum surr_io)e;
    }
    return SNAC_OK;
}

int vrows_spec_from_text(const char *text, size_t len, const char *name, surr_spec *out)
{
    cfg_doc *d = NULL;
    int rc = cfg_doc_parse(text, len, name, &d);
    if (rc)
        return rc;
    const cfg_node *root = cfg_doc_root(d);
    if (!root || cfg_node_kind(d, root) != CFG_KIND_MAPPING)
        rc = snac_err_set(SNAC_EINVAL, "%s: not a JSON object (a YAML mapping)", name);
    else if (cfg_map_get(d, root, "model"))
        rc = surr_spec_parse_yaml(text, len, name, out);
    else
        rc = report_layout(d, root, out);
    cfg_doc_free(d);
    return rc;
}

int vrows_spec_from_json(const char *json, surr_spec *out)
{
    return vrows_spec_from_text(json, strlen(json), "spec", out);
}

/* ---- rows ---------------------------------------------------------------------- */

static void arch_key(const surr_spec *s, char *buf, size_t cap)
{
    size_t u = (size_t)snprintf(buf, cap, "%zu", s->layer[0].n_in);
    for (size_t l = 0; l < s->n_layers && u < cap; l++)
        u += (size_t)snprintf(buf + u, cap - u, "-%zu", s->layer[l].n_out);
}

void vrows_assign_groups(vrows *r)
{
    size_t g = 0;
    for (size_t i = 0; i < r->n; i++) {
        r->row[i].group = -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->row[j].arch, r->row[i].arch) == 0) {
                r->row[i].group = r->row[j].group;
                break;
            }
        if (r->row[i].group < 0)
            r->row[i].group = (int)g++;
    }
    r->n_groups = g;
}

static double col_num(sqlite3_stmt *st, int c)
{
    return sqlite3_column_type(st, c) == SQLITE_NULL ? NAN : sqlite3_column_double(st, c);
}

/* Rebuild the spec of the current row; SNAC_OK with *ok = false (and why) when it cannot be. */
static int row_spec(snac_db *db, sqlite3_stmt *st, enum surr_toolchain tc, surr_spec *s, surr_model_spec **ms,
                    bool *ok, char *why, size_t why_cap)
{
    const char *json = (const char *)sqlite3_column_text(st, 2);
    int64_t model_id = sqlite3_column_int64(st, 1);
    bool own_rf = false;
    *ok = false;
    if (json) {
        if (vrows_spec_from_json(json, s)) {
            snprintf(why, why_cap, "spec not usable: %s", snac_err_msg());
            return SNAC_OK; /* counted as no usable spec */
        }
        own_rf = strstr(json, "\"reuse_factor\"") != NULL;
    } else if (model_id > 0) {
        int rc = surr_model_spec_from_db(db, model_id, ms);
        if (rc == SNAC_ENOTFOUND)
            snprintf(why, why_cap, "model %lld not found: %s", (long long)model_id, snac_err_msg());
        if (rc)
            return rc == SNAC_ENOTFOUND ? SNAC_OK : rc;
        *s = (*ms)->spec;
    } else {
        snprintf(why, why_cap, "no spec and no model (ingest it with --spec FILE or --model ID)");
        return SNAC_OK;
    }
    const char *part = (const char *)sqlite3_column_text(st, 5);
    if (part && part[0])
        snprintf(s->part, sizeof s->part, "%s", part);
    double clk = col_num(st, 6);
    if (isfinite(clk) && clk > 0)
        s->clock_ns = clk;
    if (!own_rf && sqlite3_column_type(st, 7) != SQLITE_NULL && sqlite3_column_int64(st, 7) > 0)
        s->reuse_factor = (size_t)sqlite3_column_int64(st, 7);
    s->toolchain = tc;
    s->rf_unchecked = true;
    *ok = true;
    return SNAC_OK;
}

int vrows_load(snac_db *db, enum surr_toolchain tc, vrows *out)
{
    *out = (vrows)VROWS_INIT;
    sqlite3_stmt *st = NULL;
    static const char sql[] =
        "SELECT id, model_id, spec, toolchain, tool_version, part, clock_target_ns, reuse_factor,"
        " lut, ff, dsp, bram18, uram, latency_worst, ii_min FROM synthesis_results ORDER BY id";
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "select synthesis_results");
    size_t cap = 0;
    int rc = SNAC_OK, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        enum surr_toolchain rtc;
        if (!vtoolchain_map((const char *)sqlite3_column_text(st, 3), (const char *)sqlite3_column_text(st, 4), &rtc)) {
            out->n_unmapped++;
            continue;
        }
        if (rtc != tc) {
            out->n_other++;
            continue;
        }
        surr_spec spec;
        surr_model_spec *ms = NULL;
        bool ok;
        char why[256] = "";
        float *wblock = NULL;
        if ((rc = row_spec(db, st, tc, &spec, &ms, &ok, why, sizeof why)))
            break;
        /* real weights named by the spec: exact features; when they cannot be read (moved
         * files), the spec's exact sparsity still stands */
        if (ok && spec.weights[0] && surr_spec_weights_load(&spec, &wblock) != SNAC_OK) {
            for (size_t l = 0; l < spec.n_layers; l++)
                spec.layer[l].w = NULL;
            snac_err_clear();
            if (out->n_weights_missing++ == 0)
                out->first_weights_missing = sqlite3_column_int64(st, 0);
        }
        if (out->n == cap) {
            size_t nc = cap ? 2 * cap : 256;
            vrow *na = realloc(out->row, nc * sizeof *na);
            if (!na) {
                surr_model_spec_free(ms);
                free(wblock);
                rc = snac_err_set(SNAC_ENOMEM, "out of memory (%zu synthesis rows)", nc);
                break;
            }
            out->row = na;
            cap = nc;
        }
        vrow *r = &out->row[out->n];
        memset(r, 0, sizeof *r);
        if (ok && surr_features_extract(&spec, &r->x) != SNAC_OK) {
            snprintf(why, sizeof why, "features: %s", snac_err_msg());
            ok = false;
        }
        if (ok) {
            r->part = surr_part_lookup(spec.part);
            r->id = sqlite3_column_int64(st, 0);
            r->model_id = sqlite3_column_int64(st, 1);
            arch_key(&spec, r->arch, sizeof r->arch);
            for (int t = 0; t < SURR_T_COUNT; t++)
                r->y[t] = col_num(st, 8 + t);
            out->n++;
        } else {
            vrow_skip *ns = realloc(out->skip, (out->n_no_spec + 1) * sizeof *ns);
            if (!ns) {
                surr_model_spec_free(ms);
                free(wblock);
                rc = snac_err_set(SNAC_ENOMEM, "out of memory");
                break;
            }
            out->skip = ns;
            ns[out->n_no_spec].id = sqlite3_column_int64(st, 0);
            snprintf(ns[out->n_no_spec].why, sizeof ns[out->n_no_spec].why, "%s", why[0] ? why : "no usable spec");
            out->n_no_spec++;
        }
        surr_model_spec_free(ms);
        free(wblock);
        snac_err_clear();
    }
    if (!rc && s != SQLITE_DONE)
        rc = db_error(db, "read synthesis_results");
    sqlite3_finalize(st);
    if (rc) {
        vrows_free(out);
        return rc;
    }
    vrows_assign_groups(out);
    return SNAC_OK;
}

void vrows_free(vrows *r)
{
    if (!r)
        return;
    free(r->row);
    free(r->skip);
    *r = (vrows)VROWS_INIT;
}
