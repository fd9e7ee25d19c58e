/* fuzz_csynth_xml — libFuzzer harness for the csynth_xml reader (see fuzz_targets.h). */
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_csynth_xml(data, size);
    return 0;
}
