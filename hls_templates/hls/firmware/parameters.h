{{HEADER_C}}
#ifndef PARAMETERS_H_
#define PARAMETERS_H_

#include "ap_fixed.h"
#include "ap_int.h"

#include "defines.h"
{{NNET_INCLUDES}}
// weights and biases: constants of the design (hls4ml's weights/*.h layout; Resource layers
// hold theirs output-major, as hls4ml transposes them)
{{WEIGHT_INCLUDES}}
// layer configs in hls4ml 1.x's form (nnet::dense_config / nnet::activ_config, every member
// hls4ml's kernels read)
{{CONFIGS}}
#endif
