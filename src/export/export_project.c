/* export_project — `snac export` end to end; see export_project.h. */
#define _POSIX_C_SOURCE 200809L
#include "export/export_project.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export/export_hls.h"
#include "export/export_template.h"
#include "quant/qengine.h"
#include "snac_version.h"
#include "util/err.h"
#include "util/rng.h"
#include "util/sha256.h"

int export_load_qmodel(snac_db *db, int64_t model_id, quant_model **m, char *name, size_t name_cap,
                       char qmodel_sha[65])
{
    *m = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db_handle(db), "SELECT coalesce(name, ''), qmodel IS NOT NULL FROM models WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK)
        return db_error(db, "prepare model query");
    sqlite3_bind_int64(st, 1, model_id);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        sqlite3_finalize(st);
        if (step != SQLITE_DONE)
            return db_error(db, "read model");
        return snac_err_set(SNAC_ENOTFOUND, "no model %lld in %s", (long long)model_id, db_path(db));
    }
    const int has_q = sqlite3_column_int(st, 1);
    if (name)
        snprintf(name, name_cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!has_q)
        return snac_err_set(SNAC_EINVAL,
                            "model %lld is a float model (no quantized form): export needs a model from `snac local`",
                            (long long)model_id);
    void *blob;
    size_t len;
    int rc = db_model_load_qmodel(db, model_id, &blob, &len);
    if (rc)
        return rc;
    if (qmodel_sha)
        sha256_hex(blob, len, qmodel_sha);
    rc = quant_model_load(blob, len, m);
    free(blob);
    if (rc)
        return snac_err_prefix(rc, "model %lld: ", (long long)model_id);
    return 0;
}

int export_check_out_dir(const char *out_dir)
{
    struct stat sb;
    if (stat(out_dir, &sb) != 0)
        return errno == ENOENT ? 0 : snac_err_set(SNAC_EIO, "cannot inspect %s: %s", out_dir, strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return snac_err_set(SNAC_EINVAL, "%s exists and is not a folder", out_dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, EXPORT_MANIFEST);
    if (stat(path, &sb) == 0)
        return 0; /* ours: a re-export overwrites it */
    snprintf(path, sizeof path, "%s/%s", out_dir, EXPORT_PARTIAL);
    if (stat(path, &sb) == 0)
        return 0; /* ours, left by an export that was killed or failed before its manifest */
    DIR *d = opendir(out_dir);
    if (!d)
        return snac_err_set(SNAC_EIO, "cannot read %s: %s", out_dir, strerror(errno));
    struct dirent *e;
    bool empty = true;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = false;
    closedir(d);
    if (!empty)
        return snac_err_set(SNAC_EINVAL, "%s exists, is not empty and is not a snac export (no %s); choose another --out",
                            out_dir, EXPORT_MANIFEST);
    return 0;
}

static int mkdir_one(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return snac_err_set(SNAC_EIO, "cannot create folder %s: %s", path, strerror(errno));
    return 0;
}

/* N input vectors drawn uniformly over the input type's codes, and the engine's logits. */
static int make_vectors(const quant_model *m, size_t n, uint64_t seed, int32_t **x, int32_t **y)
{
    const size_t n_in = m->layer[0].n_in, n_out = m->layer[m->n_layers - 1].n_out;
    *x = malloc(n * n_in * sizeof **x);
    *y = malloc(n * n_out * sizeof **y);
    quant_engine *e = NULL;
    int rc = *x && *y ? quant_engine_new(m, &e) : snac_err_set(SNAC_ENOMEM, "export: out of memory");
    if (rc)
        return rc;
    snac_rng r;
    rng_seed(&r, seed);
    const int64_t lo = quant_code_min(&m->input), hi = quant_code_max(&m->input);
    for (size_t k = 0; k < n * n_in; k++)
        (*x)[k] = (int32_t)(lo + (int64_t)rng_below(&r, (uint64_t)(hi - lo + 1)));
    quant_engine_run(e, *x, n, *y);
    quant_engine_free(e);
    return 0;
}

static int write_tb_data(const quant_model *m, const char *dir, const int32_t *x, const int32_t *y, size_t n)
{
    const size_t n_in = m->layer[0].n_in, n_out = m->layer[m->n_layers - 1].n_out;
    const quant_prec *po = &m->layer[m->n_layers - 1].output;
    strbuf in = {0}, out = {0};
    char v[64], path[4096];
    for (size_t s = 0; s < n; s++) {
        for (size_t i = 0; i < n_in; i++) {
            export_value_str(x[s * n_in + i], quant_frac(&m->input), v, sizeof v);
            strbuf_printf(&in, i ? " %s" : "%s", v);
        }
        strbuf_puts(&in, "\n");
        for (size_t j = 0; j < n_out; j++) {
            export_value_str(y[s * n_out + j], quant_frac(po), v, sizeof v);
            strbuf_printf(&out, j ? " %s" : "%s", v);
        }
        strbuf_puts(&out, "\n");
    }
    int rc = export_str_check(&in);
    rc = rc ? rc : export_str_check(&out);
    snprintf(path, sizeof path, "%s/tb_data", dir);
    rc = rc ? rc : mkdir_one(path);
    snprintf(path, sizeof path, "%s/tb_data/tb_input_features.dat", dir);
    rc = rc ? rc : export_write_file(path, strbuf_get(&in), in.len);
    snprintf(path, sizeof path, "%s/tb_data/tb_output_predictions.dat", dir);
    rc = rc ? rc : export_write_file(path, strbuf_get(&out), out.len);
    strbuf_free(&in);
    strbuf_free(&out);
    return rc;
}

/* Each layer's reuse factor into info (with the strategy and io type), refused unless hls4ml
 * accepts it for the strategy; the message names the layer and the nearest valid ones. */
static int check_reuse(const quant_model *m, const export_opts *o, export_info *info)
{
    info->strategy = o->strategy;
    info->io_type = o->io_type;
    info->reuse_factor = 0;
    for (size_t l = 0; l < m->n_layers; l++) {
        const quant_layer *L = &m->layer[l];
        const unsigned rf = o->reuse[l] ? o->reuse[l] : o->reuse_factor;
        const size_t macs = L->n_in * L->n_out;
        if (!export_rf_valid(o->strategy, L->n_in, L->n_out, rf)) {
            if (o->strategy == EXPORT_STRATEGY_LATENCY)
                return snac_err_set(SNAC_EINVAL, "export: layer %zu (%zu x %zu): reuse factor %u is more than the "
                                    "layer's %zu multiplications (Latency takes 1..%zu)", l + 1, L->n_in, L->n_out,
                                    rf, macs, macs);
            size_t below = 0, above = 0;
            for (size_t r = rf < macs ? rf : macs; r >= 1 && !below; r--)
                if (export_rf_valid(o->strategy, L->n_in, L->n_out, r))
                    below = r;
            for (size_t r = (size_t)rf + 1; r <= macs && !above; r++)
                if (export_rf_valid(o->strategy, L->n_in, L->n_out, r))
                    above = r;
            char near[64];
            if (above)
                snprintf(near, sizeof near, "%zu or %zu", below, above);
            else
                snprintf(near, sizeof near, "%zu", below);
            return snac_err_set(SNAC_EINVAL, "export: layer %zu (%zu x %zu): reuse factor %u is not one hls4ml "
                                "accepts for the Resource strategy (it must divide %zu, and be below %zu with %zu / RF "
                                "a multiple of %zu, or a multiple of %zu); nearest valid: %s", l + 1, L->n_in, L->n_out,
                                rf, macs, L->n_in, macs, L->n_out, L->n_in, near);
        }
        info->reuse[l] = rf;
        if (rf > info->reuse_factor)
            info->reuse_factor = rf;
    }
    return 0;
}

/* quant_model_json with the deployment the export writes, in the keys a report-layout spec
 * uses (strategy, io_type, reuse_factor: the surrogate's spelling) and the per-layer
 * reuse_factors. malloc'd; NULL when out of memory. */
static char *deployment_spec(const quant_model *m, const export_info *info)
{
    char *q = quant_model_json(m);
    if (!q)
        return NULL;
    size_t len = strlen(q);
    while (len && q[len - 1] != '}')
        len--;
    if (!len) {
        free(q);
        return NULL;
    }
    q[len - 1] = '\0'; /* reopen the object */
    strbuf s = {0};
    strbuf_printf(&s, "%s,\"strategy\":\"%s\",\"io_type\":\"%s\",\"reuse_factor\":%u,\"reuse_factors\":[", q,
                  export_strategy_names[info->strategy], export_io_names[info->io_type], info->reuse_factor);
    for (size_t l = 0; l < m->n_layers; l++)
        strbuf_printf(&s, l ? ",%u" : "%u", info->reuse[l]);
    strbuf_puts(&s, "]}");
    free(q);
    if (export_str_check(&s)) {
        strbuf_free(&s);
        return NULL;
    }
    return s.s; /* ownership passes to the caller */
}

int export_model(snac_db *db, int64_t model_id, const export_opts *o, const char *out_dir, export_result *res)
{
    memset(res, 0, sizeof *res);
    if (o->n_vectors < 1 || o->n_vectors > 100000)
        return snac_err_set(SNAC_EINVAL, "export: %zu test vectors, expected 1..100000", o->n_vectors);
    if (o->reuse_factor < 1)
        return snac_err_set(SNAC_EINVAL, "export: reuse factor must be >= 1");
    if ((unsigned)o->strategy >= EXPORT_STRATEGY_COUNT || (unsigned)o->io_type >= EXPORT_IO_COUNT)
        return snac_err_set(SNAC_EINVAL, "export: unknown strategy or io_type");
    if (!(o->clock_ns > 0))
        return snac_err_set(SNAC_EINVAL, "export: clock period must be > 0 ns");
    export_info info = {0};
    info.model_id = model_id;
    quant_model *m = NULL;
    int rc = export_load_qmodel(db, model_id, &m, info.model_name, sizeof info.model_name, info.qmodel_sha256);
    if (rc)
        return rc;
    for (char *c = info.model_name; *c; c++)
        if (*c == '"' || *c == '\\' || (unsigned char)*c < 0x20)
            *c = '_'; /* the name goes into comments and JSON */
    rc = export_check_out_dir(out_dir);
    rc = rc ? rc : check_reuse(m, o, &info);
    if (!rc && o->rtl)
        rc = export_rtl_check(m, &o->rtl_opts);
    char *spec = rc ? NULL : deployment_spec(m, &info);
    if (!rc && !spec)
        rc = snac_err_set(SNAC_ENOMEM, "export: out of memory");
    int32_t *x = NULL, *y = NULL;
    rc = rc ? rc : make_vectors(m, o->n_vectors, o->seed, &x, &y);
    if (!rc) {
        sha256_hex(spec, strlen(spec), info.spec_sha256);
        snprintf(info.generator, sizeof info.generator, "%s (git %s, export generator %d)", SNAC_VERSION, SNAC_GIT_REV,
                 EXPORT_GENERATOR_VERSION);
        snprintf(info.part, sizeof info.part, "%s", o->part);
        info.clock_ns = o->clock_ns;
        /* from here on files are written; the marker claims the folder until the manifest does */
        rc = mkdir_one(out_dir);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", out_dir, EXPORT_PARTIAL);
        rc = rc ? rc : export_write_file(path, "", 0);
    }
    rc = rc ? rc : export_hls_write(m, &info, out_dir);
    rc = rc ? rc : write_tb_data(m, out_dir, x, y, o->n_vectors);
    if (!rc && o->rtl)
        rc = export_rtl_write(m, &o->rtl_opts, &info, out_dir, x, y, o->n_vectors, &res->rtl);
    if (!rc) {
        export_vars v = {0};
        char path[4096];
        strbuf rtl = {0}, rl = {0};
        for (size_t l = 0; l < m->n_layers; l++)
            strbuf_printf(&rl, l ? ", %u" : "%u", info.reuse[l]);
        if (o->rtl) {
            strbuf_printf(&rtl,
                          "{\"top\":\"myproject\",\"output\":\"%s\",\"latency_cycles\":%d,\"csd_max_width\":%d,"
                          "\"stages\":[",
                          o->rtl_opts.argmax ? "argmax" : "logits", res->rtl.latency_cycles, o->rtl_opts.csd_max_width);
            for (size_t l = 0; l < m->n_layers; l++)
                strbuf_printf(&rtl, l ? ",%d" : "%d", o->rtl_opts.stages[l]);
            strbuf_printf(&rtl, "],\"weights\":{\"zero\":%zu,\"shift\":%zu,\"csd\":%zu,\"mult\":%zu,\"csd_adders\":%zu,"
                          "\"unused\":%zu},\"unused_neurons\":%zu}",
                          res->rtl.zero, res->rtl.shift, res->rtl.csd, res->rtl.mult, res->rtl.csd_adders,
                          res->rtl.unused_weights, res->rtl.unused_neurons);
        } else {
            strbuf_puts(&rtl, "null");
        }
        rc = export_str_check(&rtl);
        rc = rc ? rc : export_str_check(&rl);
        rc = rc ? rc : export_vars_set(&v, "GENERATOR", "%s", info.generator);
        rc = rc ? rc : export_vars_set(&v, "MODEL_ID", "%lld", (long long)model_id);
        rc = rc ? rc : export_vars_set(&v, "MODEL_NAME", "%s", info.model_name);
        rc = rc ? rc : export_vars_set(&v, "SPEC_SHA256", "%s", info.spec_sha256);
        rc = rc ? rc : export_vars_set(&v, "QMODEL_SHA256", "%s", info.qmodel_sha256);
        rc = rc ? rc : export_vars_set(&v, "PART", "%s", info.part);
        rc = rc ? rc : export_vars_set(&v, "CLOCK_NS", "%g", info.clock_ns);
        rc = rc ? rc : export_vars_set(&v, "REUSE", "%u", info.reuse_factor);
        rc = rc ? rc : export_vars_set(&v, "REUSE_LIST", "%s", strbuf_get(&rl));
        rc = rc ? rc : export_vars_set(&v, "STRATEGY", "%s", info.strategy == EXPORT_STRATEGY_LATENCY ? "Latency" : "Resource");
        rc = rc ? rc : export_vars_set(&v, "IO_TYPE", "%s", export_io_names[info.io_type]);
        rc = rc ? rc : export_vars_set(&v, "N_VECTORS", "%zu", o->n_vectors);
        rc = rc ? rc : export_vars_set(&v, "SEED", "%llu", (unsigned long long)o->seed);
        rc = rc ? rc : export_vars_set(&v, "RTL", "%s", strbuf_get(&rtl));
        rc = rc ? rc : export_vars_set(&v, "SPEC", "%s", spec);
        snprintf(path, sizeof path, "%s/%s", out_dir, EXPORT_MANIFEST);
        rc = rc ? rc : export_template_write("manifest.json", &v, path);
        snprintf(path, sizeof path, "%s/%s", out_dir, EXPORT_PARTIAL);
        if (!rc && unlink(path) != 0)
            rc = snac_err_set(SNAC_EIO, "cannot remove %s: %s", path, strerror(errno));
        export_vars_free(&v);
        strbuf_free(&rtl);
        strbuf_free(&rl);
    }
    res->n_layers = m->n_layers;
    res->nonzero = quant_model_nonzero(m);
    res->macs = quant_model_macs(m);
    free(spec);
    free(x);
    free(y);
    quant_model_free(m);
    return rc;
}
