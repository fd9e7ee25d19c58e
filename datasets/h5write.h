/* h5write — writes jet files in the hls4ml HDF5 layout (see jets.h): jetConstituentList
 * (n, N, 16) float32, jets (n, 59) float64, jetFeatureNames (59) and particleFeatureNames
 * (17, "j1_px" ... "j1_pdgid") as fixed-length string datasets. The jetImage arrays are
 * not written. Also small generic helpers used by tests to build malformed files.
 *
 * Memory: the caller owns the arrays; nothing is kept. HDF5 error printing is silenced;
 * failures name the file and the key.
 */
#ifndef SNAC_DATASETS_H5WRITE_H
#define SNAC_DATASETS_H5WRITE_H

#include <stddef.h>

/* Write a complete jet file (create/truncate `path`). */
int ds_h5_write_jets(const char *path, size_t n_jets, size_t n_stored, const float *constituents,
                     const double *jets);

/* Generic: create a file and return its id (>= 0) or a negative SNAC_E* code. */
long long ds_h5_create(const char *path);
/* Write a float32 (is_double 0) or float64 dataset of the given rank/dims into file `fid`. */
int ds_h5_write_array(long long fid, const char *path, const char *key, int rank, const size_t *dims,
                      const void *data, int is_double);
/* Write n fixed-length strings. */
int ds_h5_write_strings(long long fid, const char *path, const char *key, const char *const *s, size_t n);
void ds_h5_close(long long fid);

#endif
