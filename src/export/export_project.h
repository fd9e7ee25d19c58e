/* export_project — `snac export`: a stored quantized model to an hls4ml-layout HLS project
 * (export_hls.h), optionally its Verilog RTL (export_rtl.h), the test vectors and a manifest.
 *
 *   DIR/snac_manifest.json          model id, name, spec and its SHA-256, the qmodel blob's
 *                                   SHA-256, part, clock, strategy, io_type, reuse factors,
 *                                   RTL latency; spec = quant_model_json with the deployment
 *                                   (strategy, io_type, reuse_factor, reuse_factors) added
 *   DIR/tb_data/tb_input_features.dat    N input vectors (values, one jet per line)
 *   DIR/tb_data/tb_output_predictions.dat the integer engine's logits for them
 *   DIR/rtl/...                     with opts.rtl: see export_rtl.h
 *
 * Inputs are N seeded random codes drawn uniformly over the model's input type (every code,
 * saturated ends included), so they exercise every path the hardware can see.
 *
 * Everything that can fail on the user's input is checked before the first byte is written:
 * an unknown model id, a model without a quantized form (a float model), a bad blob, an
 * output folder that exists, is not empty and holds no snac_manifest.json (not ours), an RTL
 * export the RTL writer cannot do, a reuse factor hls4ml does not accept for the strategy. Re-exporting into our own folder overwrites it.
 *
 * Memory: all freed before return. Workload: one model; the engine runs N vectors.
 */
#ifndef SNAC_EXPORT_PROJECT_H
#define SNAC_EXPORT_PROJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "export/export_rtl.h"
#include "store/db.h"

#define EXPORT_MANIFEST "snac_manifest.json"
/* Written first and removed after the manifest: a folder an export did not finish stays ours,
 * so a killed or failed export (or `snac synth` batch) can be run again into it. */
#define EXPORT_PARTIAL ".snac_export_partial"

typedef struct export_opts {
    bool rtl;              /* also write rtl/ */
    size_t n_vectors;      /* test vectors (1..100000) */
    uint64_t seed;         /* of the test vectors */
    const char *part;      /* FPGA part for the Tcl scripts */
    double clock_ns;       /* clock period */
    unsigned reuse_factor; /* >= 1, every layer's unless reuse[l] says otherwise */
    export_rtl_opts rtl_opts;
    enum export_strategy strategy; /* hls4ml's dense strategy (Latency, Resource) */
    enum export_io io_type;        /* io_parallel or io_stream */
    unsigned reuse[QUANT_MAX_LAYERS]; /* per layer; 0 = reuse_factor. Each must be one hls4ml
                                       * accepts for the strategy (export_rf_valid) */
} export_opts;

#define EXPORT_OPTS_INIT \
    {false, 64, 1, EXPORT_DEFAULT_PART, 5.0, 1, EXPORT_RTL_OPTS_INIT, EXPORT_STRATEGY_LATENCY, EXPORT_IO_PARALLEL, {0}}

typedef struct export_result {
    size_t n_layers, nonzero, macs;
    export_rtl_report rtl;  /* when opts.rtl */
} export_result;

/* Load model `model_id` from db and write the project to out_dir. */
int export_model(snac_db *db, int64_t model_id, const export_opts *opts, const char *out_dir, export_result *res);

/* Load the quantized form of model `model_id` (*m owned by the caller) and its name
 * (name may be NULL). Clear errors for an unknown id and for a float model. */
int export_load_qmodel(snac_db *db, int64_t model_id, quant_model **m, char *name, size_t name_cap,
                       char qmodel_sha[65]);

/* 0 when out_dir does not exist, is empty or holds our manifest; else SNAC_EINVAL. */
int export_check_out_dir(const char *out_dir);

#endif
