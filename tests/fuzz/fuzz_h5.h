/* fuzz_h5 — structure-aware fuzzing of the jet HDF5 reader's attribute and shape checks.
 *
 * Fuzzing HDF5's own byte-level parser would find bugs of libhdf5, not ours; what our reader
 * must survive is a well-formed HDF5 file holding the wrong things. fuzz_h5_jets() turns
 * the input bytes into such a file — ranks, dimensions (some absurd, with unallocated
 * storage), element types (float, double, int, string), missing keys, feature-name tables,
 * values including NaN, infinities and non-one-hot labels — writes it with the HDF5 API,
 * and runs ds_jets_describe() and ds_jets_read() on it. Any return code is fine; a crash,
 * a sanitizer report or a run of more than a second is a bug.
 *
 * Memory: nothing survives a call; the temporary file is removed.
 */
#ifndef SNAC_TESTS_FUZZ_H5_H
#define SNAC_TESTS_FUZZ_H5_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "datasets/dataset.h"
#include "datasets/jets.h"
#include "datasets/loaders.h"

typedef struct fuzz_bytes {
    const uint8_t *p;
    size_t n, at;
} fuzz_bytes;

static inline unsigned fuzz_u8(fuzz_bytes *b) { return b->at < b->n ? b->p[b->at++] : 0; }

static inline float fuzz_f32(fuzz_bytes *b)
{
    uint32_t u = fuzz_u8(b) | fuzz_u8(b) << 8 | fuzz_u8(b) << 16 | (uint32_t)fuzz_u8(b) << 24;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* One dataset `key`: rank, dims and type from the bytes, values from the bytes (cycled). */
static inline void fuzz_h5_dataset(hid_t fid, const char *key, fuzz_bytes *b, const hsize_t *typical, int typ_rank)
{
    unsigned shape = fuzz_u8(b);
    int rank = shape & 1 ? typ_rank : 1 + (int)(shape >> 1) % 4;
    hsize_t dims[4];
    hsize_t n = 1;
    int huge = 0;
    for (int i = 0; i < rank; i++) {
        unsigned v = fuzz_u8(b);
        dims[i] = (v & 3) == 0 && i < typ_rank ? typical[i] : v % 7;
        if (v == 0xff) { /* an absurd header: storage never written */
            dims[i] = (hsize_t)1 << 40;
            huge = 1;
        }
        n *= dims[i] ? dims[i] : 1;
    }
    unsigned t = fuzz_u8(b) % 5;
    hid_t type = t == 0 ? H5T_IEEE_F64LE : t == 1 ? H5T_STD_I32LE : t == 2 ? H5Tcopy(H5T_C_S1) : H5T_IEEE_F32LE;
    if (t == 2)
        H5Tset_size(type, 8);
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_LATE);
    hid_t d = sp >= 0 ? H5Dcreate2(fid, key, type, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT) : -1;
    if (d >= 0 && !huge && n <= 4096) {
        float *v = calloc((size_t)n * 2 + 2, sizeof *v); /* room for 8-byte strings too */
        if (v) {
            for (hsize_t i = 0; i < n; i++)
                v[i] = b->at < b->n ? fuzz_f32(b) : (float)(i % 2); /* one-hot-ish once the bytes run out */
            hid_t mt = t == 2 ? type : H5T_NATIVE_FLOAT;
            if (t == 1)
                mt = H5T_NATIVE_INT32; /* the bits as ints */
            H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
            free(v);
        }
    }
    if (d >= 0)
        H5Dclose(d);
    H5Pclose(dcpl);
    if (sp >= 0)
        H5Sclose(sp);
    if (t == 2)
        H5Tclose(type);
}

static inline int fuzz_h5_jets(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/snac_fuzz_h5_%ld.h5", (long)getpid());
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fid = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (fid < 0)
        return -1;
    fuzz_bytes b = {data, size, 0};
    unsigned keys = fuzz_u8(&b);
    hsize_t tc[3] = {4, 8, DS_JET_N_PFEAT}, tj[2] = {4, DS_JET_N_COLS};
    if (!(keys & 1))
        fuzz_h5_dataset(fid, "jetConstituentList", &b, tc, 3);
    if (!(keys & 2))
        fuzz_h5_dataset(fid, "jets", &b, tj, 2);
    if (keys & 4) { /* a feature-name table, standard or scrambled */
        const char *names[DS_JET_N_PFEAT_NAMES];
        char own[DS_JET_N_PFEAT_NAMES][8];
        size_t n = fuzz_u8(&b) % (DS_JET_N_PFEAT_NAMES + 2);
        if (n > DS_JET_N_PFEAT_NAMES)
            n = DS_JET_N_PFEAT_NAMES;
        for (size_t i = 0; i < n; i++) {
            unsigned c = fuzz_u8(&b);
            if (c & 1) {
                names[i] = ds_jet_pfeat_names[c % DS_JET_N_PFEAT_NAMES];
            } else {
                for (int k = 0; k < 7; k++)
                    own[i][k] = (char)(fuzz_u8(&b) | 1);
                own[i][7] = '\0';
                names[i] = own[i];
            }
        }
        hsize_t dn[1] = {n};
        hid_t st = H5Tcopy(H5T_C_S1);
        H5Tset_size(st, 16);
        char buf[DS_JET_N_PFEAT_NAMES + 1][16];
        memset(buf, 0, sizeof buf);
        for (size_t i = 0; i < n; i++)
            snprintf(buf[i], 16, "j1_%s", names[i]);
        hid_t sp = H5Screate_simple(1, dn, NULL);
        hid_t d = H5Dcreate2(fid, "particleFeatureNames", st, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (d >= 0) {
            H5Dwrite(d, st, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
            H5Dclose(d);
        }
        H5Sclose(sp);
        H5Tclose(st);
    }
    H5Fclose(fid);

    ds_jets_shape sh;
    int rc = ds_jets_describe(path, &sh);
    ds_config c;
    ds_config_init(&c);
    c.n_constituents = 1 + (keys >> 4) % 8;
    ds_tensor t;
    ds_split meta;
    memset(&meta, 0, sizeof meta);
    size_t n_first = 0;
    const char *paths[1] = {path};
    if (ds_jets_read(&c, paths, 1, 1, &t, &n_first, &meta) == 0)
        ds_tensor_free(&t);
    remove(path);
    return rc;
}

#endif
