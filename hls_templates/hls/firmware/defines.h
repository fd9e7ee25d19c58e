{{HEADER_C}}
#ifndef DEFINES_H_
#define DEFINES_H_

#include "ap_fixed.h"

// sizes
#define N_INPUT_1_1 {{N_INPUT}}
#define N_OUTPUTS {{N_OUTPUTS}}
{{SIZES}}
// precisions, each exactly the stored quantized model's (weights, biases, accumulators,
// dense results, activation outputs, the activation table)
typedef {{INPUT_T}} input_t;
typedef {{TABLE_T}} table_t;       // tanh/sigmoid table entries
typedef ap_ufixed<21, 17> table_scale_t; // table_size / 16 or / 8, exact for table_size <= 65536
{{TYPEDEFS}}
#endif
