/* fuzz_h5_jets — libFuzzer harness for the jet HDF5 reader's shape and attribute checks
 * (well-formed HDF5 files holding the wrong things; see fuzz_h5.h). */
#include "fuzz_h5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_h5_jets(data, size);
    return 0;
}
