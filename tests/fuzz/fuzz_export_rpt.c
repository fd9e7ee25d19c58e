/* fuzz_export_rpt — libFuzzer harness for the export_rpt reader (see fuzz_targets.h). */
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_export_rpt(data, size);
    return 0;
}
