/* loaders — the readers behind ds_load(): CSV tables and hls4ml jet HDF5 files.
 *
 * Both readers share one contract: read every path of paths[0..n_paths) into one
 * tensor `out` (rows of the first n_first paths come first; their row count goes to
 * *n_out_first), and fill the metadata fields of `meta` (d, n_classes, class_names,
 * feature_names, n_constituents, n_constituent_features). On error `out` is left
 * zeroed, nothing is allocated, and the message names the file, key/column and line.
 *
 * Memory: out->x and out->y are malloc'd; the caller frees them with ds_tensor_free().
 */
#ifndef SNAC_DATASETS_LOADERS_H
#define SNAC_DATASETS_LOADERS_H

#include <stddef.h>

#include "datasets/dataset.h"

int ds_csv_read(const ds_config *c, const char *const *paths, size_t n_paths, size_t n_first,
                ds_tensor *out, size_t *n_out_first, ds_split *meta);

int ds_jets_read(const ds_config *c, const char *const *paths, size_t n_paths, size_t n_first,
                 ds_tensor *out, size_t *n_out_first, ds_split *meta);

#endif
