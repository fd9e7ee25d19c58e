/* jets_h5 — the hls4ml LHC jet HDF5 reader (Zenodo 3602260 layout, see jets.h) with the
 * Odagiu et al. preprocessing:
 *   1. drop constituents with pT <= pt_min; drop jets left with none;
 *   2. keep the first N constituents in stored (descending pT) order, zero-pad;
 *   3. select features by name (default pt, etarel, phirel -> indices 5, 8, 11);
 * giving rows of N*F floats, constituent-major (c0_pt, c0_etarel, c0_phirel, c1_pt, ...).
 * Labels: argmax of the one-hot columns 53..57, class order g, q, w, z, t.
 *
 * Only jetConstituentList and the five label columns of `jets` are read, in hyperslab
 * chunks of CHUNK_JETS jets; the image arrays are never touched. Every value read is
 * checked (finite, one-hot labels); any error names the file and the key, leaves the
 * output zeroed and returns SNAC_EFORMAT (SNAC_EIO when a file cannot be opened).
 * HDF5's own error printing is switched off; its failures are reported via snac_err_set.
 *
 * Memory: one chunk buffer (CHUNK_JETS * N_stored * 16 floats) per file, the output
 * tensor allocated once for the sum of the files' jet counts, then trimmed.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "datasets/jets.h"
#include "datasets/loaders.h"
#include "util/err.h"
#include "util/fileio.h"
#include "util/interrupt.h"

#define CHUNK_JETS 1024
#define KEY_CONST "jetConstituentList"
#define KEY_JETS "jets"
#define KEY_PNAMES "particleFeatureNames"

const char *const ds_jet_class_names[DS_JET_CLASS_COUNT] = {"g", "q", "w", "z", "t"};

const char *const ds_jet_pfeat_names[DS_JET_N_PFEAT_NAMES] = {
    "px", "py", "pz", "e", "erel", "pt", "ptrel", "eta", "etarel",
    "etarot", "phi", "phirel", "phirot", "deltaR", "costheta", "costhetarel", "pdgid"};

const char *const ds_jet_col_names[DS_JET_N_COLS] = {
    "j_ptfrac", "j_pt", "j_eta", "j_mass", "j_tau1_b1", "j_tau2_b1", "j_tau3_b1", "j_tau1_b2",
    "j_tau2_b2", "j_tau3_b2", "j_tau32_b1", "j_tau32_b2", "j_zlogz", "j_c1_b0", "j_c1_b1", "j_c1_b2",
    "j_c2_b1", "j_c2_b2", "j_d2_b1", "j_d2_b2", "j_d2_a1_b1", "j_d2_a1_b2", "j_m2_b1", "j_m2_b2",
    "j_n2_b1", "j_n2_b2", "j_tau1_b1_mmdt", "j_tau2_b1_mmdt", "j_tau3_b1_mmdt", "j_tau1_b2_mmdt",
    "j_tau2_b2_mmdt", "j_tau3_b2_mmdt", "j_tau32_b1_mmdt", "j_tau32_b2_mmdt", "j_c1_b0_mmdt",
    "j_c1_b1_mmdt", "j_c1_b2_mmdt", "j_c2_b1_mmdt", "j_c2_b2_mmdt", "j_d2_b1_mmdt", "j_d2_b2_mmdt",
    "j_d2_a1_b1_mmdt", "j_d2_a1_b2_mmdt", "j_m2_b1_mmdt", "j_m2_b2_mmdt", "j_n2_b1_mmdt",
    "j_n2_b2_mmdt", "j_mass_trim", "j_mass_mmdt", "j_mass_prun", "j_mass_sdb2", "j_mass_sdm1",
    "j_multiplicity", "j_g", "j_q", "j_w", "j_z", "j_t", "j_undef"};

_Static_assert(sizeof ds_jet_col_names / sizeof ds_jet_col_names[0] == DS_JET_N_COLS, "59 jet columns");

int ds_jet_pfeat_index(const char *name)
{
    if (strncmp(name, "j1_", 3) == 0)
        name += 3;
    for (int i = 0; i < DS_JET_N_PFEAT; i++)
        if (strcmp(name, ds_jet_pfeat_names[i]) == 0)
            return i;
    return -1;
}

/* ---------------------------------------------------------------- file lists */

/* Natural order: digit runs compare as numbers, so jetImage_2_... < jetImage_10_... */
static int natural_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0' && isdigit((unsigned char)a[1]))
                a++;
            while (*b == '0' && isdigit((unsigned char)b[1]))
                b++;
            size_t la = 0, lb = 0;
            while (isdigit((unsigned char)a[la]))
                la++;
            while (isdigit((unsigned char)b[lb]))
                lb++;
            if (la != lb)
                return la < lb ? -1 : 1;
            int c = strncmp(a, b, la);
            if (c)
                return c;
            a += la, b += lb;
        } else {
            if (*a != *b)
                return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
            a++, b++;
        }
    }
    return (unsigned char)*a - (unsigned char)*b;
}

static int cmp_path(const void *x, const void *y)
{
    return natural_cmp(*(char *const *)x, *(char *const *)y);
}

void ds_jets_free_list(char **files, size_t n_files)
{
    if (!files)
        return;
    for (size_t i = 0; i < n_files; i++)
        free(files[i]);
    free(files);
}

static int list_push(char ***list, size_t *n, size_t *cap, const char *path)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        char **l = realloc(*list, nc * sizeof *l);
        if (!l)
            return snac_err_set(SNAC_ENOMEM, "out of memory listing files");
        *list = l;
        *cap = nc;
    }
    if (!((*list)[*n] = strdup(path)))
        return snac_err_set(SNAC_ENOMEM, "out of memory listing files");
    (*n)++;
    return SNAC_OK;
}

int ds_jets_list_files(const char *const *paths, size_t n_paths, char ***files, size_t *n_files)
{
    char **list = NULL;
    size_t n = 0, cap = 0;
    int rc = SNAC_OK;
    *files = NULL;
    *n_files = 0;
    for (size_t i = 0; i < n_paths && !rc; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) != 0) {
            rc = snac_err_set(SNAC_EIO, "%s: no such file or directory", paths[i]);
            break;
        }
        if (!S_ISDIR(sb.st_mode)) {
            rc = list_push(&list, &n, &cap, paths[i]);
            continue;
        }
        DIR *dir = opendir(paths[i]);
        if (!dir) {
            rc = snac_err_set(SNAC_EIO, "%s: cannot open directory", paths[i]);
            break;
        }
        size_t first = n;
        struct dirent *e;
        while (!rc && (e = readdir(dir)) != NULL) {
            size_t len = strlen(e->d_name);
            if (len < 4 || strcmp(e->d_name + len - 3, ".h5") != 0)
                continue;
            char full[4096];
            snprintf(full, sizeof full, "%s/%s", paths[i], e->d_name);
            rc = list_push(&list, &n, &cap, full);
        }
        closedir(dir);
        if (!rc && n == first)
            rc = snac_err_set(SNAC_EIO, "%s: directory holds no .h5 files", paths[i]);
        if (!rc)
            qsort(list + first, n - first, sizeof *list, cmp_path);
    }
    if (rc) {
        ds_jets_free_list(list, n);
        return rc;
    }
    *files = list;
    *n_files = n;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- HDF5 helpers */

typedef struct h5file {
    const char *path;
    hid_t fid, dconst, djets;
    size_t n_jets, n_stored, n_pfeat, n_cols;
} h5file;

static void h5_close(h5file *f)
{
    if (f->dconst > 0)
        H5Dclose(f->dconst);
    if (f->djets > 0)
        H5Dclose(f->djets);
    if (f->fid > 0)
        H5Fclose(f->fid);
    f->fid = f->dconst = f->djets = -1;
}

/* Open `key` as a floating-point dataset of the given rank; dims out. */
static int open_dataset(h5file *f, const char *key, int rank, hsize_t *dims, hid_t *out)
{
    *out = -1;
    htri_t ex = H5Lexists(f->fid, key, H5P_DEFAULT);
    if (ex <= 0)
        return snac_err_set(SNAC_EFORMAT, "%s: missing key '%s'", f->path, key);
    hid_t d = H5Dopen2(f->fid, key, H5P_DEFAULT);
    if (d < 0)
        return snac_err_set(SNAC_EFORMAT, "%s: key '%s': cannot open the dataset (corrupt or truncated file)",
                            f->path, key);
    hid_t sp = H5Dget_space(d), ty = H5Dget_type(d);
    int r = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    H5T_class_t cls = ty >= 0 ? H5Tget_class(ty) : H5T_NO_CLASS;
    int rc = SNAC_OK;
    if (r != rank)
        rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': rank %d, expected %d", f->path, key, r, rank);
    else if (cls != H5T_FLOAT)
        rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': not a floating-point dataset", f->path, key);
    else
        H5Sget_simple_extent_dims(sp, dims, NULL);
    if (sp >= 0)
        H5Sclose(sp);
    if (ty >= 0)
        H5Tclose(ty);
    if (rc) {
        H5Dclose(d);
        return rc;
    }
    *out = d;
    return SNAC_OK;
}

/* Read a string dataset's names into names[cap][DS_NAME_CAP]; *n out. */
static int read_names(h5file *f, const char *key, char (*names)[DS_NAME_CAP], size_t cap, size_t *n)
{
    hid_t d = H5Dopen2(f->fid, key, H5P_DEFAULT);
    if (d < 0)
        return snac_err_set(SNAC_EFORMAT, "%s: key '%s': cannot open", f->path, key);
    hid_t sp = H5Dget_space(d), ty = H5Dget_type(d);
    int rc = SNAC_OK;
    hsize_t dims[1] = {0};
    if (H5Sget_simple_extent_ndims(sp) != 1 || H5Tget_class(ty) != H5T_STRING) {
        rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': expected a 1-d string dataset", f->path, key);
        goto out;
    }
    H5Sget_simple_extent_dims(sp, dims, NULL);
    if (dims[0] > cap) {
        rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': %llu names, expected at most %zu", f->path, key,
                          (unsigned long long)dims[0], cap);
        goto out;
    }
    *n = (size_t)dims[0];
    hid_t mt = H5Tcopy(H5T_C_S1);
    if (H5Tis_variable_str(ty) > 0) {
        H5Tset_size(mt, H5T_VARIABLE);
        char **v = calloc(*n ? *n : 1, sizeof *v);
        if (!v || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0)
            rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': read failed", f->path, key);
        else {
            for (size_t i = 0; i < *n; i++)
                snprintf(names[i], DS_NAME_CAP, "%s", v[i] ? v[i] : "");
            H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, v);
        }
        free(v);
    } else {
        size_t sz = H5Tget_size(ty);
        H5Tset_size(mt, sz);
        char *buf = malloc(*n * sz + 1);
        if (!buf || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
            rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': read failed", f->path, key);
        else
            for (size_t i = 0; i < *n; i++) {
                size_t l = strnlen(buf + i * sz, sz);
                if (l >= DS_NAME_CAP)
                    l = DS_NAME_CAP - 1;
                memcpy(names[i], buf + i * sz, l);
                names[i][l] = '\0';
            }
        free(buf);
    }
    H5Tclose(mt);
out:
    H5Sclose(sp);
    H5Tclose(ty);
    H5Dclose(d);
    return rc;
}

static int h5_open(const char *path, h5file *f)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    f->fid = f->dconst = f->djets = -1;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    /* a FIFO or a device would block HDF5's open (or read forever): refused by name */
    int rc = snac_check_regular(path, "HDF5 data file");
    if (rc)
        return rc;
    snac_interrupt_blocking_begin(); /* replaced since the check: the first SIGINT/SIGTERM still ends it */
    htri_t is_h5 = H5Fis_hdf5(path);
    if (is_h5 > 0)
        f->fid = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    snac_interrupt_blocking_end();
    if (is_h5 <= 0)
        return snac_err_set(SNAC_EFORMAT, "%s: key '%s': not an HDF5 file", path, KEY_CONST);
    if (f->fid < 0)
        return snac_err_set(SNAC_EFORMAT, "%s: key '%s': cannot open the HDF5 file (truncated or corrupt)",
                            path, KEY_CONST);
    hsize_t dc[3] = {0}, dj[2] = {0};
    rc = open_dataset(f, KEY_CONST, 3, dc, &f->dconst);
    if (!rc)
        rc = open_dataset(f, KEY_JETS, 2, dj, &f->djets);
    if (!rc && (dc[1] == 0 || dc[2] != DS_JET_N_PFEAT))
        rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': shape (%llu, %llu, %llu), expected (n, N, %d)", path,
                          KEY_CONST, (unsigned long long)dc[0], (unsigned long long)dc[1],
                          (unsigned long long)dc[2], DS_JET_N_PFEAT);
    /* a header can claim any shape (unallocated storage reads as fill values): bound it before
     * anything is sized or read from it */
    if (!rc && (dc[0] > DS_JETS_MAX_PER_FILE || dc[1] > DS_JETS_MAX_STORED))
        rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': shape (%llu, %llu, %llu): at most %llu jets of %d constituents "
                          "per file", path, KEY_CONST, (unsigned long long)dc[0], (unsigned long long)dc[1],
                          (unsigned long long)dc[2], (unsigned long long)DS_JETS_MAX_PER_FILE, DS_JETS_MAX_STORED);
    if (!rc && (dj[0] != dc[0] || dj[1] < DS_JET_LABEL_COL + DS_JET_CLASS_COUNT || dj[1] > 4096))
        rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': shape (%llu, %llu), expected (%llu, %d)", path, KEY_JETS,
                          (unsigned long long)dj[0], (unsigned long long)dj[1], (unsigned long long)dc[0],
                          DS_JET_N_COLS);
    if (rc) {
        h5_close(f);
        return rc;
    }
    f->n_jets = (size_t)dc[0];
    f->n_stored = (size_t)dc[1];
    f->n_pfeat = (size_t)dc[2];
    f->n_cols = (size_t)dj[1];
    return SNAC_OK;
}

/* If particleFeatureNames exists, the selected features must sit at their standard index. */
static int check_pnames(h5file *f, const int *feat, size_t n_feat)
{
    if (H5Lexists(f->fid, KEY_PNAMES, H5P_DEFAULT) <= 0)
        return SNAC_OK;
    char names[64][DS_NAME_CAP];
    size_t n = 0;
    int rc = read_names(f, KEY_PNAMES, names, 64, &n);
    if (rc)
        return rc;
    for (size_t k = 0; k < n_feat; k++) {
        int j = feat[k];
        if ((size_t)j >= n || ds_jet_pfeat_index(names[j]) != j)
            return snac_err_set(SNAC_EFORMAT, "%s: key '%s': entry %d is '%s', expected '%s'", f->path, KEY_PNAMES,
                                j, (size_t)j < n ? names[j] : "(missing)", ds_jet_pfeat_names[j]);
    }
    return SNAC_OK;
}

/* Read the hyperslab start[0..rank) + count[0..rank) of dataset d into buf (native type t). */
static int read_slab(const h5file *f, hid_t d, const char *key, hid_t t, int rank, const hsize_t *start,
                     const hsize_t *count, void *buf)
{
    int rc = SNAC_OK;
    hid_t fs = H5Dget_space(d), ms = H5Screate_simple(rank, count, NULL);
    if (fs < 0 || ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) < 0 ||
        H5Dread(d, t, ms, fs, H5P_DEFAULT, buf) < 0)
        rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': read of jets %llu..%llu failed (truncated or corrupt file)",
                          f->path, key, (unsigned long long)start[0], (unsigned long long)(start[0] + count[0] - 1));
    if (fs >= 0)
        H5Sclose(fs);
    if (ms >= 0)
        H5Sclose(ms);
    return rc;
}

/* Read jets [j0, j0+m): constituents (m, n_stored, 16) and labels (m, 5). */
static int read_chunk(h5file *f, size_t j0, size_t m, float *cbuf, double *lbuf)
{
    hsize_t start3[3] = {j0, 0, 0}, count3[3] = {m, f->n_stored, f->n_pfeat};
    hsize_t start2[2] = {j0, DS_JET_LABEL_COL}, count2[2] = {m, DS_JET_CLASS_COUNT};
    int rc = read_slab(f, f->dconst, KEY_CONST, H5T_NATIVE_FLOAT, 3, start3, count3, cbuf);
    return rc ? rc : read_slab(f, f->djets, KEY_JETS, H5T_NATIVE_DOUBLE, 2, start2, count2, lbuf);
}

static int check_labels(const h5file *f, size_t jet, const double *l, int *cls)
{
    int hot = -1, n_hot = 0;
    for (int k = 0; k < DS_JET_CLASS_COUNT; k++) {
        if (!isfinite(l[k]))
            return snac_err_set(SNAC_EFORMAT, "%s: key '%s': jet %zu: label column %s is NaN or infinite", f->path,
                                KEY_JETS, jet, ds_jet_col_names[DS_JET_LABEL_COL + k]);
        if (l[k] == 1.0)
            hot = k, n_hot++;
        else if (l[k] != 0.0)
            n_hot = 99;
    }
    if (n_hot != 1)
        return snac_err_set(SNAC_EFORMAT, "%s: key '%s': jet %zu: labels (columns 53..57) are not one-hot "
                            "(%g %g %g %g %g)", f->path, KEY_JETS, jet, l[0], l[1], l[2], l[3], l[4]);
    *cls = hot;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- reader */

typedef struct sel {
    size_t n_keep;          /* N */
    size_t n_feat;          /* F */
    int feat[DS_MAX_FEATURES];
    double pt_min;
} sel;

/* Read one file, appending surviving jets to x/y from row *n (capacity cap). */
static int read_file(const char *path, const sel *s, float *x, int32_t *y, size_t *n, size_t cap)
{
    h5file f;
    int rc = h5_open(path, &f);
    if (rc)
        return rc;
    rc = check_pnames(&f, s->feat, s->n_feat);
    size_t chunk = f.n_jets < CHUNK_JETS ? (f.n_jets ? f.n_jets : 1) : CHUNK_JETS;
    size_t per_jet = f.n_stored * f.n_pfeat, d = s->n_keep * s->n_feat, kept = 0;
    float *cbuf = rc ? NULL : malloc(chunk * per_jet * sizeof *cbuf);
    double *lbuf = rc ? NULL : malloc(chunk * DS_JET_CLASS_COUNT * sizeof *lbuf);
    if (!rc && (!cbuf || !lbuf))
        rc = snac_err_set(SNAC_ENOMEM, "%s: out of memory for a chunk of %zu jets", path, chunk);
    for (size_t j0 = 0; !rc && j0 < f.n_jets && *n < cap; j0 += chunk) {
        size_t m = f.n_jets - j0 < chunk ? f.n_jets - j0 : chunk;
        if ((rc = read_chunk(&f, j0, m, cbuf, lbuf)))
            break;
        for (size_t i = 0; i < m && *n < cap; i++) {
            const float *c = cbuf + i * per_jet;
            for (size_t k = 0; k < per_jet; k++)
                if (!isfinite(c[k])) {
                    rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': jet %zu, constituent %zu, feature %s is "
                                      "NaN or infinite", path, KEY_CONST, j0 + i, k / f.n_pfeat,
                                      ds_jet_pfeat_names[k % f.n_pfeat]);
                    break;
                }
            int cls = 0;
            if (rc || (rc = check_labels(&f, j0 + i, lbuf + i * DS_JET_CLASS_COUNT, &cls)))
                break;
            float *out = x + *n * d;
            size_t got = 0;
            for (size_t p = 0; p < f.n_stored && got < s->n_keep; p++) {
                const float *part = c + p * f.n_pfeat;
                if (!(part[DS_PF_PT] > s->pt_min))
                    continue;
                for (size_t k = 0; k < s->n_feat; k++)
                    out[got * s->n_feat + k] = part[s->feat[k]];
                got++;
            }
            if (got == 0)
                continue; /* jet left empty by the pT cut */
            memset(out + got * s->n_feat, 0, (d - got * s->n_feat) * sizeof *out);
            y[*n] = cls;
            (*n)++;
            kept++;
        }
    }
    if (!rc && kept == 0 && *n < cap)
        rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': no jets left after the pT > %g GeV cut (%zu jets read)",
                          path, KEY_CONST, s->pt_min, f.n_jets);
    free(cbuf);
    free(lbuf);
    h5_close(&f);
    return rc;
}

/* Read a group of files (already expanded) into x/y from row *n, at most `limit` jets. */
static int read_group(char **files, size_t n_files, const sel *s, float *x, int32_t *y, size_t *n, size_t limit)
{
    size_t cap = *n + limit;
    for (size_t i = 0; i < n_files && *n < cap; i++) {
        int rc = read_file(files[i], s, x, y, n, cap);
        if (rc)
            return rc;
    }
    return SNAC_OK;
}

static int group_size(char **files, size_t n_files, size_t *total)
{
    *total = 0;
    for (size_t i = 0; i < n_files; i++) {
        h5file f;
        int rc = h5_open(files[i], &f);
        if (rc)
            return rc;
        *total += f.n_jets;
        h5_close(&f);
    }
    return SNAC_OK;
}

int ds_jets_read(const ds_config *c, const char *const *paths, size_t n_paths, size_t n_first,
                 ds_tensor *out, size_t *n_out_first, ds_split *meta)
{
    memset(out, 0, sizeof *out);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    sel s = {.n_keep = c->n_constituents, .n_feat = c->n_features, .pt_min = c->pt_min};
    if (s.n_keep == 0 || s.n_feat == 0 || s.n_feat > DS_JET_N_PFEAT)
        return snac_err_set(SNAC_EINVAL, "data: n_constituents (%zu) and features (%zu) must be positive, "
                            "features at most %d", s.n_keep, s.n_feat, DS_JET_N_PFEAT);
    if (s.n_keep * s.n_feat > DS_MAX_FEATURES * 8)
        return snac_err_set(SNAC_EINVAL, "data: %zu constituents x %zu features exceed %d inputs", s.n_keep,
                            s.n_feat, DS_MAX_FEATURES * 8);
    if (!isfinite(s.pt_min) || s.pt_min < 0.0)
        return snac_err_set(SNAC_EINVAL, "data: pt_min %g must be a finite value >= 0", s.pt_min);
    for (size_t k = 0; k < s.n_feat; k++)
        if ((s.feat[k] = ds_jet_pfeat_index(c->features[k])) < 0)
            return snac_err_set(SNAC_EINVAL, "data: unknown constituent feature '%s' (one of px py pz e erel pt "
                                "ptrel eta etarel etarot phi phirel phirot deltaR costheta costhetarel)",
                                c->features[k]);
    char **g1 = NULL, **g2 = NULL;
    size_t n1 = 0, n2 = 0, t1 = 0, t2 = 0;
    int rc = ds_jets_list_files(paths, n_first, &g1, &n1);
    if (!rc && n_paths > n_first)
        rc = ds_jets_list_files(paths + n_first, n_paths - n_first, &g2, &n2);
    if (!rc)
        rc = group_size(g1, n1, &t1);
    if (!rc)
        rc = group_size(g2, n2, &t2);
    if (!rc && c->max_jets) {
        t1 = t1 < c->max_jets ? t1 : c->max_jets;
        t2 = t2 < c->max_jets ? t2 : c->max_jets;
    }
    size_t d = s.n_keep * s.n_feat, n = 0;
    float *x = NULL;
    int32_t *y = NULL;
    if (!rc) {
        x = malloc((t1 + t2 ? t1 + t2 : 1) * d * sizeof *x);
        y = malloc((t1 + t2 ? t1 + t2 : 1) * sizeof *y);
        if (!x || !y)
            rc = snac_err_set(SNAC_ENOMEM, "data: out of memory for %zu jets", t1 + t2);
    }
    if (!rc)
        rc = read_group(g1, n1, &s, x, y, &n, t1);
    size_t n_pool = n;
    if (!rc)
        rc = read_group(g2, n2, &s, x, y, &n, t2);
    ds_jets_free_list(g1, n1);
    ds_jets_free_list(g2, n2);
    if (rc) {
        free(x);
        free(y);
        return rc;
    }
    out->n = n;
    out->d = d;
    out->x = x;
    out->y = y;
    *n_out_first = n_pool;
    meta->d = d;
    meta->n_classes = DS_JET_CLASS_COUNT;
    for (size_t k = 0; k < DS_JET_CLASS_COUNT; k++)
        snprintf(meta->class_names[k], DS_NAME_CAP, "%s", ds_jet_class_names[k]);
    for (size_t p = 0; p < s.n_keep; p++)
        for (size_t k = 0; k < s.n_feat; k++)
            snprintf(meta->feature_names[p * s.n_feat + k], DS_NAME_CAP, "c%zu_%s", p,
                     ds_jet_pfeat_names[s.feat[k]]);
    meta->n_constituents = s.n_keep;
    meta->n_constituent_features = s.n_feat;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- describe */

int ds_jets_describe(const char *path, ds_jets_shape *out)
{
    memset(out, 0, sizeof *out);
    h5file f;
    int rc = h5_open(path, &f);
    if (rc)
        return rc;
    out->n_jets = f.n_jets;
    out->n_stored = f.n_stored;
    out->n_pfeat = f.n_pfeat;
    out->n_cols = f.n_cols;
    double *lbuf = malloc(CHUNK_JETS * DS_JET_CLASS_COUNT * sizeof *lbuf);
    if (!lbuf)
        rc = snac_err_set(SNAC_ENOMEM, "%s: out of memory", path);
    for (size_t j0 = 0; !rc && j0 < f.n_jets; j0 += CHUNK_JETS) {
        size_t m = f.n_jets - j0 < CHUNK_JETS ? f.n_jets - j0 : CHUNK_JETS;
        hsize_t start2[2] = {j0, DS_JET_LABEL_COL}, count2[2] = {m, DS_JET_CLASS_COUNT};
        hid_t fs = H5Dget_space(f.djets), ms = H5Screate_simple(2, count2, NULL);
        if (fs < 0 || ms < 0 || H5Sselect_hyperslab(fs, H5S_SELECT_SET, start2, NULL, count2, NULL) < 0 ||
            H5Dread(f.djets, H5T_NATIVE_DOUBLE, ms, fs, H5P_DEFAULT, lbuf) < 0)
            rc = snac_err_set(SNAC_EFORMAT, "%s: key '%s': read failed (truncated or corrupt file)", path, KEY_JETS);
        if (fs >= 0)
            H5Sclose(fs);
        if (ms >= 0)
            H5Sclose(ms);
        for (size_t i = 0; !rc && i < m; i++) {
            int cls;
            if (!(rc = check_labels(&f, j0 + i, lbuf + i * DS_JET_CLASS_COUNT, &cls)))
                out->class_count[cls]++;
        }
    }
    free(lbuf);
    h5_close(&f);
    return rc;
}
