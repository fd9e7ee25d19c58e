/* rpt_hls4ml — hls4ml project directories; see rpt_hls4ml.h. */
#define _POSIX_C_SOURCE 200809L
#include "validation/rpt_hls4ml.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/yaml_doc.h"
#include "surrogate/surr_part.h"
#include "util/err.h"

/* ---- the config ------------------------------------------------------------- */

static int scalar(const cfg_doc *d, const cfg_node *map, const char *key, char *dst, size_t cap)
{
    const cfg_node *n = cfg_map_get(d, map, key);
    if (!n)
        return SNAC_OK;
    const char *s = cfg_node_scalar(d, n);
    if (!s)
        return cfg_errorf(SNAC_EFORMAT, d, n, "%s must be a scalar", key);
    rpt_strlcpy(dst, s, cap);
    return SNAC_OK;
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static int read_config(const cfg_doc *d, rpt_hls4ml_config *c)
{
    const cfg_node *root = cfg_doc_root(d), *n;
    int rc;
    if (!root || cfg_node_kind(d, root) != CFG_KIND_MAPPING)
        return snac_err_set(SNAC_EFORMAT, "%s: hls4ml config must be a mapping", cfg_doc_name(d));
    if ((rc = scalar(d, root, "ProjectName", c->project, sizeof c->project)) ||
        (rc = scalar(d, root, "Part", c->part, sizeof c->part)) ||
        (!c->part[0] && (rc = scalar(d, root, "XilinxPart", c->part, sizeof c->part))) || /* hls4ml <= 0.5 */
        (rc = scalar(d, root, "IOType", c->io_type, sizeof c->io_type)) ||
        (rc = scalar(d, root, "Backend", c->backend, sizeof c->backend)))
        return rc;
    lower(c->io_type);
    if ((n = cfg_map_get(d, root, "ClockPeriod")) && (rc = cfg_node_double(d, n, 1e-3, 1e6, &c->clock_ns)))
        return rc;
    const cfg_node *hls = cfg_map_get(d, root, "HLSConfig");
    const cfg_node *model = hls && cfg_node_kind(d, hls) == CFG_KIND_MAPPING ? cfg_map_get(d, hls, "Model") : NULL;
    if (!model)
        return SNAC_OK;
    if (cfg_node_kind(d, model) != CFG_KIND_MAPPING)
        return cfg_errorf(SNAC_EFORMAT, d, model, "HLSConfig.Model must be a mapping");
    if ((n = cfg_map_get(d, model, "ReuseFactor"))) {
        long long rf;
        if ((rc = cfg_node_long(d, n, 1, 1000000000, &rf)))
            return rc;
        c->reuse_factor = (long)rf;
    }
    if ((rc = scalar(d, model, "Strategy", c->strategy, sizeof c->strategy)))
        return rc;
    lower(c->strategy);
    if ((n = cfg_map_get(d, model, "Precision"))) {
        if (cfg_node_kind(d, n) == CFG_KIND_MAPPING) {
            const cfg_node *p = cfg_map_get(d, n, "default");
            if (!p)
                p = cfg_map_get(d, n, "result");
            if (p && cfg_node_scalar(d, p))
                rpt_strlcpy(c->precision, cfg_node_scalar(d, p), sizeof c->precision);
        } else if (cfg_node_scalar(d, n)) {
            rpt_strlcpy(c->precision, cfg_node_scalar(d, n), sizeof c->precision);
        } else {
            return cfg_errorf(SNAC_EFORMAT, d, n, "HLSConfig.Model.Precision must be a string or a mapping");
        }
    }
    return SNAC_OK;
}

int rpt_hls4ml_config_read(const char *buf, size_t len, const char *name, rpt_hls4ml_config *c)
{
    memset(c, 0, sizeof *c);
    c->clock_ns = NAN;
    cfg_doc *d;
    int rc = cfg_doc_parse(buf, len, name, &d);
    if (rc)
        return rc;
    rc = read_config(d, c);
    cfg_doc_free(d);
    if (!rc && !c->project[0])
        rpt_strlcpy(c->project, "myproject", sizeof c->project);
    /* The project name becomes part of paths: no separators or parent references. */
    if (!rc && (strchr(c->project, '/') || strcmp(c->project, "..") == 0 || strcmp(c->project, ".") == 0))
        rc = snac_err_set(SNAC_EFORMAT, "%s: ProjectName '%s' is not a plain name", name, c->project);
    return rc;
}

void rpt_hls4ml_apply(const rpt_hls4ml_config *c, rpt_result *r)
{
    if (c->strategy[0])
        rpt_strlcpy(r->strategy, c->strategy, sizeof r->strategy);
    if (c->reuse_factor > 0)
        r->reuse_factor = c->reuse_factor;
    if (c->io_type[0])
        rpt_strlcpy(r->io_type, c->io_type, sizeof r->io_type);
    if (c->precision[0])
        rpt_strlcpy(r->precision, c->precision, sizeof r->precision);
    rpt_strlcpy(r->model_name, c->project, sizeof r->model_name);
    /* Vivado abbreviates the device ("7z020clg400-1"): the config's full name replaces
     * it only when both name the same device (a stale config must not move a report
     * to another part). */
    if (c->part[0] && (!r->part[0] || (r->toolchain == RPT_TC_VIVADO &&
                                        surr_part_lookup(r->part) == surr_part_lookup(c->part) &&
                                        !surr_part_is_unknown(surr_part_lookup(c->part)))))
        rpt_strlcpy(r->part, c->part, sizeof r->part);
    if (isnan(r->clock_target_ns))
        r->clock_target_ns = c->clock_ns;
}
