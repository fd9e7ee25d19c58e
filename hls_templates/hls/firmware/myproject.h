{{HEADER_C}}
#ifndef MYPROJECT_H_
#define MYPROJECT_H_

#include "ap_fixed.h"
#include "ap_int.h"
{{IO_INCLUDES}}
#include "defines.h"

// The network: {{ARCH}}; logits out (the class is their argmax). {{STRATEGY}} strategy, {{IO_TYPE}}.
void myproject({{TOP_ARGS}});

#endif
