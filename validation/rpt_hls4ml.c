/* rpt_hls4ml — hls4ml project directories; see rpt_hls4ml.h. */
#define _POSIX_C_SOURCE 200809L
#include "validation/rpt_hls4ml.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config/yaml_doc.h"
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

/* ---- the reports ------------------------------------------------------------ */

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool join(char *dst, const char *dir, const char *rel1, const char *rel2, const char *rel3)
{
    int n = snprintf(dst, RPT_PATH_MAX, "%s/%s%s%s", dir, rel1, rel2 ? rel2 : "", rel3 ? rel3 : "");
    return n > 0 && n < RPT_PATH_MAX;
}

int rpt_hls4ml_find(const char *dir, const rpt_hls4ml_config *cfg, rpt_hls4ml_project *p)
{
    memset(p, 0, sizeof *p);
    if (!join(p->config_path, dir, "hls4ml_config.yml", NULL, NULL) || !is_file(p->config_path))
        return snac_err_set(SNAC_EFORMAT, "%s: a directory without hls4ml_config.yml is not an hls4ml project", dir);
    if (!cfg)
        return SNAC_OK;
    char rel[512];
    snprintf(rel, sizeof rel, "%s_prj/solution1/syn/report/%s", cfg->project, cfg->project);
    if (join(p->csynth_path, dir, rel, "_csynth.xml", NULL) && is_file(p->csynth_path))
        p->csynth_kind = RPT_KIND_CSYNTH_XML;
    else if (join(p->csynth_path, dir, rel, "_csynth.rpt", NULL) && is_file(p->csynth_path))
        p->csynth_kind = RPT_KIND_CSYNTH_RPT;
    else
        p->csynth_path[0] = '\0';
    if (!(join(p->vivado_path, dir, "vivado_synth.rpt", NULL, NULL) && is_file(p->vivado_path)) &&
        !(join(p->vivado_path, dir, cfg->project, "_prj/vivado_synth.rpt", NULL) && is_file(p->vivado_path)))
        p->vivado_path[0] = '\0';
    if (!p->csynth_path[0] && !p->vivado_path[0])
        return snac_err_set(SNAC_EFORMAT,
                            "%s: hls4ml project without reports (looked for %s_prj/solution1/syn/report/%s_csynth.xml "
                            "or .rpt, and vivado_synth.rpt)",
                            dir, cfg->project, cfg->project);
    return SNAC_OK;
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
    if (c->part[0] && (!r->part[0] || r->toolchain == RPT_TC_VIVADO))
        rpt_strlcpy(r->part, c->part, sizeof r->part);
    if (isnan(r->clock_target_ns))
        r->clock_target_ns = c->clock_ns;
}
