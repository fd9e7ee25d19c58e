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

/* Bump when generated files change meaning (written into every file and the manifest). */
#define EXPORT_GENERATOR_VERSION 1
#define EXPORT_DEFAULT_PART "xcvu13p-flga2577-2-e"

typedef struct export_info {
    int64_t model_id;
    char model_name[128];
    char spec_sha256[65];
    char qmodel_sha256[65];
    char generator[96];      /* "0.1.0 (git abc, export generator 1)" */
    char part[64];
    double clock_ns;
    unsigned reuse_factor;
} export_info;

#endif
