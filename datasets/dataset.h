/* dataset — in-memory tensors and the split the trainer consumes, plus the
 * `data:` configuration every loader (CSV, HDF5 jets, simulator) reads.
 *
 * Memory: a ds_split owns its buffers; ds_split_free() releases them and is a
 * no-op on a zeroed or NULL split. A loader either fills the whole split or
 * leaves it zeroed and returns a negative SNAC_E* code with the file, key and
 * line in snac_err_msg().
 */
#ifndef SNAC_DATASETS_DATASET_H
#define SNAC_DATASETS_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DS_MAX_PATHS 128
#define DS_MAX_FEATURES 64
#define DS_NAME_CAP 32
#define DS_PATH_CAP 512
#define DS_MAX_CLASSES 16

enum ds_format { DS_FORMAT_CSV, DS_FORMAT_HDF5, DS_FORMAT_COUNT };
extern const char *const ds_format_names[DS_FORMAT_COUNT]; /* "csv", "hdf5" */

/* DS_NORM_AUTO (not in the name table): standard for CSV, robust for HDF5, chosen at load time. */
enum ds_norm_kind { DS_NORM_AUTO = -1, DS_NORM_NONE, DS_NORM_STANDARD, DS_NORM_ROBUST, DS_NORM_COUNT };
extern const char *const ds_norm_names[DS_NORM_COUNT]; /* "none", "standard", "robust" */

/* Index of `name` in the table, or -1. */
int ds_format_from_name(const char *name);
int ds_norm_from_name(const char *name);

/* The `data:` section of a config. */
typedef struct ds_config {
    enum ds_format format;
    size_t n_files;
    char files[DS_MAX_PATHS][DS_PATH_CAP];      /* files or directories (HDF5: jetImage_*.h5 inside) */
    size_t n_test_files;                        /* optional separate test set; 0 = split from files */
    char test_files[DS_MAX_PATHS][DS_PATH_CAP];
    /* CSV */
    char class_column[DS_NAME_CAP];             /* default "class" */
    size_t n_columns;                           /* feature columns by name; 0 = every other column */
    char columns[DS_MAX_FEATURES][DS_NAME_CAP];
    /* HDF5 jets */
    size_t n_constituents;                      /* default 8 */
    size_t n_features;                          /* default 3: pt, etarel, phirel */
    char features[DS_MAX_FEATURES][DS_NAME_CAP];
    double pt_min;                              /* drop constituents with pT <= pt_min (GeV), default 2 */
    bool shuffle_constituents;                  /* seeded per-jet shuffle of training jets */
    size_t max_jets;                            /* 0 = all */
    /* both */
    enum ds_norm_kind norm;                     /* CSV default standard, HDF5 default robust */
    double val_fraction;                        /* default 0.2 */
    double test_fraction;                       /* default 0.2 (ignored with test_files) */
    uint64_t seed;                              /* split / shuffle seed */
} ds_config;

/* Fill defaults (format csv, class "class", 8 constituents, pt/etarel/phirel, pt_min 2,
 * robust norm for hdf5 / standard for csv chosen at load time, fractions 0.2/0.2, seed 1). */
void ds_config_init(ds_config *c);

typedef struct ds_tensor {
    size_t n;         /* rows */
    size_t d;         /* features per row */
    float *x;         /* (n, d) row-major */
    int32_t *y;       /* (n) class index in [0, n_classes) */
} ds_tensor;

/* Normalisation fitted on the training set: x' = (x - shift[j]) / scale[j]. */
typedef struct ds_norm {
    enum ds_norm_kind kind;
    size_t d;
    float *shift;     /* (d) */
    float *scale;     /* (d) */
} ds_norm;

typedef struct ds_split {
    ds_tensor train, val, test;
    size_t d;
    size_t n_classes;
    char class_names[DS_MAX_CLASSES][DS_NAME_CAP];
    char feature_names[DS_MAX_FEATURES * 8][DS_NAME_CAP]; /* d names, e.g. "c0_pt" */
    ds_norm norm;
    /* Jets only (0 for CSV): d = n_constituents * n_constituent_features, constituent-major
     * (c0_pt, c0_etarel, c0_phirel, c1_pt, ...). */
    size_t n_constituents;
    size_t n_constituent_features;
} ds_split;

/* Load per config: read, split (seeded), fit normalisation on train, apply to all. */
int ds_load(const ds_config *c, ds_split *out);
void ds_split_free(ds_split *s);

/* What the loaded data is, for a resume to refuse other data: per set "name NxD" and the
 * first 16 hex digits of the SHA-256 of its rows and labels as loaded (normalised),
 * joined by "; ", e.g. "train 5000x24 3f2a...; val 1000x24 ...; test 1000x24 ...". */
#define DS_FINGERPRINT_CAP 160
void ds_fingerprint(const ds_split *s, char out[DS_FINGERPRINT_CAP]);
/* Whether fingerprint `now` differs from `stored` ("" stored: unknown, accepted); when it does,
 * diff gets each differing set as "<then> then, <now> now" joined by "; ". */
bool ds_fingerprint_diff(const char *stored, const char *now, char *diff, size_t cap);

/* Apply a stored normalisation to a tensor in place (inference on new data). */
void ds_norm_apply(const ds_norm *nrm, ds_tensor *t);

/* Fit a normalisation of `kind` (not AUTO) on t. group = 0: statistics per column;
 * group = F > 0 (t->d a multiple of F): statistics pooled per feature kind over the columns
 * j with j % F == f (all constituent slots), then expanded to d entries.
 * standard: shift mean, scale std; robust: shift median, scale P95 - P5 (linear
 * interpolation between order statistics); none: 0 / 1. A zero scale becomes 1. */
int ds_norm_fit(enum ds_norm_kind kind, const ds_tensor *t, size_t group, ds_norm *out);
void ds_norm_free(ds_norm *nrm);
/* Versioned little-endian blob ("SNACNRM" + version + kind + d + shift + scale).
 * ds_norm_save mallocs *buf (caller frees); ds_norm_load checks magic, version, length. */
int ds_norm_save(const ds_norm *nrm, void **buf, size_t *len);
int ds_norm_load(const void *buf, size_t len, ds_norm *out);

void ds_tensor_free(ds_tensor *t);

#endif
