/* TEMPORARY: replaced by the datasets helper. */
#include "datasets/dataset.h"
const char *const ds_format_names[DS_FORMAT_COUNT] = {"csv", "hdf5"};
