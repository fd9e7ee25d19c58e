/* export_hls — the HLS C++ project of a quantized model in hls4ml's layout (Vivado/Vitis HLS;
 * Latency or Resource strategy, io_parallel or io_stream; per-layer reuse factors), filled from
 * hls_templates/hls and hls_templates/ap_types:
 *
 *   firmware/myproject.cpp, myproject.h, defines.h, parameters.h, weights/{w,b}<L>.h,
 *   weights/table_{tanh,sigmoid}.h (read by the test bench's table check only),
 *   nnet_utils/nnet_{common,types,mult,dense,dense_latency,dense_resource,dense_stream,
 *   activation,activation_stream}.h: our kernels with hls4ml 1.x's interfaces, so hls4ml's
 *   own nnet_utils folder replaces them unchanged (configs derive from nnet::dense_config /
 *   nnet::activ_config with every member hls4ml's kernels read; tanh/sigmoid build their own
 *   tables by hls4ml's rule, which equals the model's codes)
 *   ap_types_snac/ap_fixed.h, ap_int.h, hls_stream.h  (our own csim headers; the vendor's
 *                                         folder first on the include path replaces them)
 *   myproject_test.cpp, build_prj.tcl, vivado_synth.tcl
 *
 * Every precision is the stored model's (weights, biases, lossless accumulators, dense results
 * with their rounding/overflow, activation outputs, table_t); weights and table entries are
 * written as exact decimal values, so C simulation equals the integer engine bit for bit.
 * The test vectors (tb_data/) are written by export_project.c.
 *
 * Memory: nothing kept. Workload: one call per export.
 */
#ifndef SNAC_EXPORT_HLS_H
#define SNAC_EXPORT_HLS_H

#include "export/export_info.h"
#include "quant/qmodel.h"

/* Write the project under dir (which exists). */
int export_hls_write(const quant_model *m, const export_info *info, const char *dir);

/* The first line(s) of a generated file: model, spec hash, generator; `comment` is the line
 * comment ("//" or "#"). Into buf (cap >= 512). */
void export_file_header(const export_info *info, const char *comment, char *buf, size_t cap);

/* A value code * 2^-frac as the shortest decimal that reads back exactly ("%.17g"). */
void export_value_str(int64_t code, int frac, char *buf, size_t cap);

#endif
