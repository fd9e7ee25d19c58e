{{HEADER_C}}
// Common definitions of snacpack's bundled kernels, written for snacpack (not hls4ml's file)
// with hls4ml 1.x's names and values, so the generated firmware compiles unchanged against
// either: the io_type and strategy enums the layer configs name, and DIV_ROUNDUP/MIN/MAX,
// which the configs' multiplier_limit uses.
#ifndef NNET_COMMON_H_
#define NNET_COMMON_H_

#include "ap_fixed.h"

#define DIV_ROUNDUP(n, d) ((n + d - 1) / d)
#define MIN(n, d) (n > d ? d : n)
#define MAX(n, d) (n > d ? n : d)

namespace nnet {

enum io_type { io_parallel = 0, io_stream };
enum strategy { latency, resource, resource_unrolled };

} // namespace nnet

#endif
