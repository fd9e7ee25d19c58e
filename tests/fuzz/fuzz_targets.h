/* fuzz_targets — one entry point per report parser, shared by the libFuzzer
 * harnesses (fuzz_<target>.c, built with -DSNAC_FUZZ=ON and clang) and by the
 * corpus replay test (tests/validation/test_fuzz_corpus.c, every build), so CI
 * checks the regression corpus under tests/fuzz/corpus/<target>/ without clang.
 *
 * Each entry point parses data[0..size) as an untrusted file and discards the
 * result; any return code is fine, only memory errors and crashes are bugs.
 * Memory: nothing survives a call.
 */
#ifndef SNAC_TESTS_FUZZ_TARGETS_H
#define SNAC_TESTS_FUZZ_TARGETS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/yaml_doc.h"
#include "validation/rpt_csv.h"
#include "validation/rpt_csynth_rpt.h"
#include "validation/rpt_csynth_xml.h"
#include "validation/rpt_export.h"
#include "validation/rpt_netjson.h"
#include "validation/rpt_hls4ml.h"
#include "validation/rpt_util.h"
#include "validation/xml.h"

static int fuzz_csv_cb(const rpt_result *r, void *ctx)
{
    (void)r;
    ++*(size_t *)ctx;
    return 0;
}

static inline int fuzz_csynth_xml(const uint8_t *data, size_t size)
{
    rpt_result r;
    xml_doc *d;
    if (xml_parse((const char *)data, size, "fuzz.xml", &d) == 0) {
        /* walk the tree the way the readers do */
        const xml_node *root = xml_root(d);
        for (const xml_node *n = xml_child(d, root, NULL); n; n = xml_next(d, n, NULL))
            (void)xml_text(d, n);
        (void)xml_path(d, root, "AreaEstimates/Resources/LUT");
        xml_free(d);
    }
    return rpt_csynth_xml_read((const char *)data, size, "fuzz.xml", &r);
}

static inline int fuzz_csynth_rpt(const uint8_t *data, size_t size)
{
    rpt_result r;
    rpt_instance in[4]; /* fewer slots than many reports have rows: the cap is exercised too */
    size_t n;
    int rc = rpt_csynth_rpt_instances((const char *)data, size, "fuzz.rpt", in, 4, &n);
    if (rc == 0)
        for (size_t i = 0; i < n && i < 4; i++)
            (void)strlen(in[i].module);
    return rpt_csynth_rpt_read((const char *)data, size, "fuzz.rpt", &r);
}

static inline int fuzz_util_rpt(const uint8_t *data, size_t size)
{
    rpt_result r;
    return rpt_util_read((const char *)data, size, "fuzz.rpt", &r);
}

static inline int fuzz_csv(const uint8_t *data, size_t size)
{
    rpt_csv_stats st;
    size_t n = 0;
    return rpt_csv_read((const char *)data, size, "fuzz.csv", fuzz_csv_cb, &n, &st);
}

static inline int fuzz_hls4ml_config(const uint8_t *data, size_t size)
{
    rpt_hls4ml_config c;
    return rpt_hls4ml_config_read((const char *)data, size, "fuzz.yml", &c);
}

/* Walk every node the way the config readers do (kinds, marks, scalars as numbers and
 * booleans, key look-ups), with aliases expanded: the parse-time budget (yaml_doc.h) must
 * keep this walk bounded whatever the input. Returns the nodes visited. */
static size_t fuzz_yaml_walk(const cfg_doc *d, const cfg_node *n, size_t depth)
{
    size_t line, col, visited = 1;
    cfg_node_mark(d, n, &line, &col);
    if (depth > CFG_MAX_DEPTH + 1)
        abort(); /* the budget promised at most CFG_MAX_DEPTH levels */
    switch (cfg_node_kind(d, n)) {
    case CFG_KIND_SCALAR: {
        double x;
        long long l;
        bool b;
        (void)cfg_node_double(d, n, -1e300, 1e300, &x);
        (void)cfg_node_long(d, n, -1000000, 1000000, &l);
        (void)cfg_node_bool(d, n, &b);
        if (!cfg_node_scalar(d, n))
            abort();
        break;
    }
    case CFG_KIND_SEQUENCE:
        for (size_t i = 0; i < cfg_seq_len(d, n); i++)
            visited += fuzz_yaml_walk(d, cfg_seq_at(d, n, i), depth + 1);
        break;
    case CFG_KIND_MAPPING:
        (void)cfg_map_get(d, n, "model");
        for (size_t i = 0; i < cfg_map_len(d, n); i++) {
            const cfg_node *k, *v;
            cfg_map_at(d, n, i, &k, &v);
            visited += fuzz_yaml_walk(d, k, depth + 1) + fuzz_yaml_walk(d, v, depth + 1);
        }
        break;
    }
    return visited;
}

/* A schema read of the root mapping: numbers, lists, strings, enums, unknown keys. */
typedef struct fuzz_yaml_rec {
    double x;
    size_t n, list[4], n_list;
    bool flag;
    char name[16];
    int kind;
} fuzz_yaml_rec;

static inline int fuzz_yaml_doc(const uint8_t *data, size_t size)
{
    cfg_doc *d;
    int rc = cfg_doc_parse((const char *)data, size, "fuzz.yaml", &d);
    if (rc)
        return rc;
    const cfg_node *root = cfg_doc_root(d);
    if (root) {
        if (fuzz_yaml_walk(d, root, 0) > 3 * CFG_MAX_NODES) /* keys and values: a node is walked once per use */
            abort();
        static const char *const kinds[] = {"a", "b"};
        const cfg_field f[] = {
            {.key = "x", .type = CFG_DOUBLE, .offset = offsetof(fuzz_yaml_rec, x), .min = -1, .max = 1},
            {.key = "n", .type = CFG_SIZE, .offset = offsetof(fuzz_yaml_rec, n), .min = 0, .max = 100},
            {.key = "list", .type = CFG_SIZE_LIST, .offset = offsetof(fuzz_yaml_rec, list), .min = 0, .max = 9,
             .cap = 4, .count_offset = offsetof(fuzz_yaml_rec, n_list)},
            {.key = "flag", .type = CFG_BOOL, .offset = offsetof(fuzz_yaml_rec, flag)},
            {.key = "name", .type = CFG_STRING, .offset = offsetof(fuzz_yaml_rec, name), .cap = 16},
            {.key = "kind", .type = CFG_ENUM, .offset = offsetof(fuzz_yaml_rec, kind), .names = kinds, .n_names = 2},
        };
        fuzz_yaml_rec r;
        memset(&r, 0, sizeof r);
        rc = cfg_read_map(d, root, "fuzz", f, sizeof f / sizeof f[0], &r);
    }
    cfg_doc_free(d);
    return rc;
}

/* HLS *_export.rpt, both layouts */
static inline int fuzz_export_rpt(const uint8_t *data, size_t size)
{
    rpt_result r;
    return rpt_export_read((const char *)data, size, "fuzz_export.rpt", &r);
}

/* network.json: the op list, then the layers built from it (no weights folder) */
static inline int fuzz_network_json(const uint8_t *data, size_t size)
{
    rpt_op *ops = malloc(RPT_OPS_MAX * sizeof *ops);
    rpt_net *net = malloc(sizeof *net);
    size_t n = 0;
    char io[32];
    int rc = ops && net ? rpt_netjson_ops((const char *)data, size, "fuzz.json", ops, &n, io, sizeof io) : -1;
    if (rc == 0) {
        rpt_net_hint hint = {3, 48};
        rc = rpt_net_build(ops, n, NULL, &hint, net);
    }
    free(ops);
    free(net);
    return rc;
}

typedef struct fuzz_target {
    const char *name; /* corpus folder under tests/fuzz/corpus/ */
    int (*run)(const uint8_t *data, size_t size);
} fuzz_target;

static const fuzz_target fuzz_targets[] = {
    {"csynth_xml", fuzz_csynth_xml}, {"csynth_rpt", fuzz_csynth_rpt}, {"util_rpt", fuzz_util_rpt},
    {"csv", fuzz_csv},               {"hls4ml_config", fuzz_hls4ml_config}, {"yaml_doc", fuzz_yaml_doc},
    {"export_rpt", fuzz_export_rpt},
    {"network_json", fuzz_network_json},
};

#endif
