{{HEADER_C}}
#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"
#include "ap_int.h"
#include "nnet_utils/nnet_types.h"

// sizes
#define N_INPUT_1_1 {{N_INPUT}}
#define N_OUTPUTS {{N_OUTPUTS}}
{{SIZES}}
// precisions, each exactly the stored quantized model's (weights, biases, accumulators,
// dense results, activation outputs; the tables' table_t is in each activation's config);
// {{IO_TYPE}}: {{IO_NOTE}}
typedef {{INPUT_T}} input_t;
{{TYPEDEFS}}
#endif
