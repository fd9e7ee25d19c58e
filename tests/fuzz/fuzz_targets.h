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
    {"csv", fuzz_csv},               {"hls4ml_config", fuzz_hls4ml_config}, {"export_rpt", fuzz_export_rpt},
    {"network_json", fuzz_network_json},
};

#endif
