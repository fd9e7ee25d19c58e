/* fuzz_yaml_doc — libFuzzer harness for the YAML reader: parse with the alias/node/depth
 * budget, walk every node with aliases expanded, read the root through a schema
 * (see fuzz_targets.h). */
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_yaml_doc(data, size);
    return 0;
}
