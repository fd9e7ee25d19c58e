{{HEADER_C}}
#include "myproject.h"
#include "parameters.h"

void myproject({{TOP_ARGS}})
{
{{TOP_PRAGMAS}}
{{LAYERS}}
}
