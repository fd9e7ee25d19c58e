/* fuzz_hls4ml_config — libFuzzer harness for the hls4ml_config reader (see fuzz_targets.h). */
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_hls4ml_config(data, size);
    return 0;
}
