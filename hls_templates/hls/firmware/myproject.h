{{HEADER_C}}
#ifndef MYPROJECT_H_
#define MYPROJECT_H_

#include "ap_fixed.h"

#include "defines.h"

// The network: {{ARCH}}; logits out (the class is their argmax).
void myproject(const input_t input_1[N_INPUT_1_1], result_t layer{{LAST}}_out[N_OUTPUTS]);

#endif
