/* export_info — what every generated file says about where it came from: the model id and
 * name, the spec hash, the generator version, and the deployment (part, clock, reuse factor).
 * Filled once by export_project.c; the HLS and RTL writers only read it.
 *
 * spec = the quantized model's JSON description (quant_model_json: shape, every precision,
 * sparsity, table parameters) and its SHA-256; the qmodel blob's own SHA-256 pins the exact
 * weights. Memory: plain fixed-size strings.
 */
#ifndef SNAC_EXPORT_INFO_H
#define SNAC_EXPORT_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "quant/qmodel.h"

/* Bump when generated files change meaning (written into every file and the manifest). */
#define EXPORT_GENERATOR_VERSION 2
#define EXPORT_DEFAULT_PART "xcvu13p-flga2577-2-e"

/* hls4ml's dense strategies the export writes; the names are the nnet:: enum values, the
 * --strategy keywords and the surrogate's spelling (surr_strategy_names). */
enum export_strategy { EXPORT_STRATEGY_LATENCY, EXPORT_STRATEGY_RESOURCE, EXPORT_STRATEGY_COUNT };
extern const char *const export_strategy_names[EXPORT_STRATEGY_COUNT]; /* "latency", "resource" */

/* hls4ml's io types: arrays split into registers, or one hls::stream of nnet::array packs per
 * layer (the names are hls4ml's IOType values and the surrogate's, surr_io_names). */
enum export_io { EXPORT_IO_PARALLEL, EXPORT_IO_STREAM, EXPORT_IO_COUNT };
extern const char *const export_io_names[EXPORT_IO_COUNT]; /* "io_parallel", "io_stream" */

typedef struct export_info {
    int64_t model_id;
    char model_name[128];
    char spec_sha256[65];
    char qmodel_sha256[65];
    char generator[96];      /* "0.1.0 (git abc, export generator 1)" */
    char part[64];
    double clock_ns;
    unsigned reuse_factor;   /* the largest of reuse[] (the manifest's one number) */
    unsigned reuse[QUANT_MAX_LAYERS]; /* per layer, each valid for `strategy` (export_rf_valid) */
    enum export_strategy strategy;
    enum export_io io_type;
} export_info;

/* hls4ml's rule for a reuse factor: Latency takes 1..n_in*n_out; Resource
 * (_validate_reuse_factor of hls4ml's FPGA backend) needs rf to divide n_in*n_out, and either
 * rf < n_in with ceil(n_in*n_out / rf) a multiple of n_out, or rf a multiple of n_in. */
bool export_rf_valid(enum export_strategy s, size_t n_in, size_t n_out, size_t rf);

#endif
