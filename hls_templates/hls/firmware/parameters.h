{{HEADER_C}}
#ifndef PARAMETERS_H_
#define PARAMETERS_H_

#include "ap_fixed.h"

#include "defines.h"
#include "nnet_utils/nnet_activation.h"
#include "nnet_utils/nnet_dense_latency.h"

// constant weights and biases: in the pipelined top function they become wires, so
// zero weights and powers of two cost no multiplier
{{WEIGHT_INCLUDES}}
{{CONFIGS}}
#endif
