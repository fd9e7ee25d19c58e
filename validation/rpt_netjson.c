/* rpt_netjson — network.json -> rpt_op list -> rpt_net; see rpt_netjson.h.
 * JSON is read with the YAML reader (JSON is YAML 1.2 flow syntax). */
#include "validation/rpt_netjson.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml_doc.h"
#include "util/err.h"
#include "util/fileio.h"

static void get(const cfg_doc *d, const cfg_node *map, const char *key, char *dst, size_t cap)
{
    const cfg_node *n = map ? cfg_map_get(d, map, key) : NULL;
    const char *s = n ? cfg_node_scalar(d, n) : NULL;
    rpt_strlcpy(dst, s ? s : "", cap);
}

int rpt_netjson_ops(const char *buf, size_t len, const char *name, rpt_op *ops, size_t *n, char *io_type,
                    size_t io_cap)
{
    *n = 0;
    cfg_doc *d;
    int rc = cfg_doc_parse(buf, len, name, &d);
    if (rc)
        return rc;
    const cfg_node *root = cfg_doc_root(d), *layers;
    if (!root || cfg_node_kind(d, root) != CFG_KIND_MAPPING) {
        rc = snac_err_set(SNAC_EFORMAT, "%s: network.json must be an object", name);
    } else if (!(layers = cfg_map_get(d, root, "layers")) || cfg_node_kind(d, layers) != CFG_KIND_SEQUENCE) {
        rc = cfg_errorf(SNAC_EFORMAT, d, root, "network.json has no \"layers\" list");
    } else if (cfg_seq_len(d, layers) > RPT_OPS_MAX) {
        rc = cfg_errorf(SNAC_EFORMAT, d, layers, "more than %d layers", RPT_OPS_MAX);
    } else {
        get(d, root, "io_type", io_type, io_cap);
        for (size_t i = 0; i < cfg_seq_len(d, layers) && !rc; i++) {
            const cfg_node *l = cfg_seq_at(d, layers, i);
            if (cfg_node_kind(d, l) != CFG_KIND_MAPPING) {
                rc = cfg_errorf(SNAC_EFORMAT, d, l, "layers[%zu] must be an object", i);
                break;
            }
            rpt_op *o = &ops[(*n)++];
            memset(o, 0, sizeof *o);
            get(d, l, "op", o->op, sizeof o->op);
            if (!o->op[0]) {
                rc = cfg_errorf(SNAC_EFORMAT, d, l, "layers[%zu] has no \"op\"", i);
                break;
            }
            get(d, l, "config", o->config, sizeof o->config);
            get(d, l, "input_t", o->input_t, sizeof o->input_t);
            get(d, l, "output_t", o->output_t, sizeof o->output_t);
            const cfg_node *p = cfg_map_get(d, l, "params"), *t = cfg_map_get(d, l, "types");
            if (p && cfg_node_kind(d, p) == CFG_KIND_MAPPING) {
                get(d, p, "n_in", o->n_in, sizeof o->n_in);
                get(d, p, "n_out", o->n_out, sizeof o->n_out);
                get(d, p, "n_zeros", o->n_zeros, sizeof o->n_zeros);
                get(d, p, "n_nonzeros", o->n_nonzeros, sizeof o->n_nonzeros);
                get(d, p, "reuse_factor", o->reuse_factor, sizeof o->reuse_factor);
                get(d, p, "strategy", o->strategy, sizeof o->strategy);
                get(d, p, "io_type", o->io_type, sizeof o->io_type);
                get(d, p, "table_size", o->table_size, sizeof o->table_size);
            }
            if (t && cfg_node_kind(d, t) == CFG_KIND_MAPPING) {
                get(d, t, "weight_t", o->weight_t, sizeof o->weight_t);
                get(d, t, "bias_t", o->bias_t, sizeof o->bias_t);
                get(d, t, "accum_t", o->accum_t, sizeof o->accum_t);
            }
            /* config<k> -> w<k> */
            size_t cl = strlen(o->config), k = cl;
            while (k > 0 && isdigit((unsigned char)o->config[k - 1]))
                k--;
            if (k < cl)
                snprintf(o->weights, sizeof o->weights, "w%s", o->config + k);
        }
    }
    cfg_doc_free(d);
    return rc;
}

int rpt_netjson_read(const char *path, const char *weights_dir, const rpt_net_hint *hint, rpt_net *net)
{
    char *buf;
    size_t len, n;
    int rc = snac_read_file(path, &buf, &len);
    if (rc)
        return rc;
    rpt_op *ops = malloc(RPT_OPS_MAX * sizeof *ops);
    char io[32];
    if (!ops) {
        free(buf);
        return snac_err_set(SNAC_ENOMEM, "%s: out of memory", path);
    }
    rc = rpt_netjson_ops(buf, len, path, ops, &n, io, sizeof io);
    free(buf);
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            if (!ops[i].io_type[0])
                rpt_strlcpy(ops[i].io_type, io, sizeof ops[i].io_type);
        rc = rpt_net_build(ops, n, weights_dir, hint, net);
        rpt_strlcpy(net->source, "network.json", sizeof net->source);
        if (!net->io_type[0] && io[0])
            rpt_strlcpy(net->io_type, io, sizeof net->io_type);
    }
    free(ops);
    return rc;
}
