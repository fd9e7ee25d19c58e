/* h5write — jet-layout HDF5 writer; see h5write.h.
 *
 * Datasets are contiguous (no chunking/compression): the simulator writes 10,000-jet
 * files in one call each, and readers take hyperslabs.
 */
#include "datasets/h5write.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "datasets/jets.h"
#include "util/err.h"

long long ds_h5_create(const char *path)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE); /* root group without timestamps too */
    if (fcpl >= 0)
        H5Pset_obj_track_times(fcpl, 0);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl >= 0 ? fcpl : H5P_DEFAULT, H5P_DEFAULT);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (f < 0)
        return snac_err_set(SNAC_EIO, "%s: cannot create the HDF5 file", path);
    return (long long)f;
}

void ds_h5_close(long long fid)
{
    if (fid >= 0)
        H5Fclose((hid_t)fid);
}

/* Create dataset `key` without modification times in its header, so the same jets give
 * byte-identical files (HDF5 records the creation time by default). */
static hid_t create_untimed(hid_t fid, const char *key, hid_t type, hid_t space)
{
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0)
        return -1;
    H5Pset_obj_track_times(dcpl, 0);
    hid_t d = H5Dcreate2(fid, key, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    return d;
}

int ds_h5_write_array(long long fid, const char *path, const char *key, int rank, const size_t *dims,
                      const void *data, int is_double)
{
    hsize_t hd[8];
    if (rank < 1 || rank > 8)
        return snac_err_set(SNAC_EINVAL, "%s: key '%s': rank %d unsupported", path, key, rank);
    for (int i = 0; i < rank; i++)
        hd[i] = dims[i];
    hid_t sp = H5Screate_simple(rank, hd, NULL);
    hid_t ft = is_double ? H5T_IEEE_F64LE : H5T_IEEE_F32LE, mt = is_double ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
    hid_t d = sp >= 0 ? create_untimed((hid_t)fid, key, ft, sp) : -1;
    int rc = SNAC_OK;
    if (d < 0 || H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        rc = snac_err_set(SNAC_EIO, "%s: key '%s': write failed", path, key);
    if (d >= 0)
        H5Dclose(d);
    if (sp >= 0)
        H5Sclose(sp);
    return rc;
}

int ds_h5_write_strings(long long fid, const char *path, const char *key, const char *const *s, size_t n)
{
    size_t w = 1;
    for (size_t i = 0; i < n; i++)
        if (strlen(s[i]) > w)
            w = strlen(s[i]);
    char *buf = calloc(n ? n : 1, w);
    if (!buf)
        return snac_err_set(SNAC_ENOMEM, "%s: out of memory", path);
    for (size_t i = 0; i < n; i++)
        memcpy(buf + i * w, s[i], strlen(s[i]));
    hsize_t hd[1] = {n};
    hid_t sp = H5Screate_simple(1, hd, NULL), ty = H5Tcopy(H5T_C_S1);
    H5Tset_size(ty, w);
    H5Tset_strpad(ty, H5T_STR_NULLPAD);
    hid_t d = create_untimed((hid_t)fid, key, ty, sp);
    int rc = SNAC_OK;
    if (d < 0 || H5Dwrite(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rc = snac_err_set(SNAC_EIO, "%s: key '%s': write failed", path, key);
    if (d >= 0)
        H5Dclose(d);
    H5Tclose(ty);
    H5Sclose(sp);
    free(buf);
    return rc;
}

/* " (no space left on device)" when the last failure was a full disk, else "". */
static const char *disk_hint(void)
{
    return errno == ENOSPC || errno == EDQUOT ? " (no space left on device)" : "";
}

/* Written under "<path>.partial" and renamed into place when complete, so a failure (a full
 * disk, a kill) never leaves a truncated or empty .h5 under the final name; the partial file
 * is removed on failure. */
int ds_h5_write_jets(const char *path, size_t n_jets, size_t n_stored, const float *constituents,
                     const double *jets)
{
    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.partial", path) >= (int)sizeof tmp)
        return snac_err_set(SNAC_EINVAL, "%s: path too long", path);
    errno = 0;
    long long f = ds_h5_create(tmp);
    if (f < 0)
        return snac_err_set(SNAC_EIO, "%s: cannot create the HDF5 file%s", path, disk_hint());
    size_t dc[3] = {n_jets, n_stored, DS_JET_N_PFEAT}, dj[2] = {n_jets, DS_JET_N_COLS};
    char pn[DS_JET_N_PFEAT_NAMES][16];
    const char *pnames[DS_JET_N_PFEAT_NAMES];
    for (int i = 0; i < DS_JET_N_PFEAT_NAMES; i++) {
        snprintf(pn[i], sizeof pn[i], "j1_%s", ds_jet_pfeat_names[i]);
        pnames[i] = pn[i];
    }
    int rc = ds_h5_write_array(f, path, "jetConstituentList", 3, dc, constituents, 0);
    if (!rc)
        rc = ds_h5_write_array(f, path, "jets", 2, dj, jets, 1);
    if (!rc)
        rc = ds_h5_write_strings(f, path, "jetFeatureNames", ds_jet_col_names, DS_JET_N_COLS);
    if (!rc)
        rc = ds_h5_write_strings(f, path, "particleFeatureNames", pnames, DS_JET_N_PFEAT_NAMES);
    if (H5Fclose((hid_t)f) < 0 && !rc)
        rc = snac_err_set(SNAC_EIO, "%s: closing the HDF5 file failed%s", path, disk_hint());
    if (rc && disk_hint()[0] && !strstr(snac_err_msg(), "no space")) {
        char m[1024];
        snprintf(m, sizeof m, "%s", snac_err_msg());
        snac_err_set(rc, "%s%s", m, disk_hint());
    }
    if (!rc && rename(tmp, path) != 0)
        rc = snac_err_set(SNAC_EIO, "%s: cannot rename %s into place: %s", path, tmp, strerror(errno));
    if (rc)
        remove(tmp);
    return rc;
}
