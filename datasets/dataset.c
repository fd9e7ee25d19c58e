/* dataset — ds_load(): read (CSV or HDF5 jets), split (seeded), optional constituent
 * shuffle of the training jets, normalisation fitted on train and applied to all three;
 * plus the ds_norm fit/apply/serialise helpers.
 *
 * Memory: a ds_split owns train/val/test buffers and norm.shift/scale; ds_split_free()
 * releases them (no-op on a zeroed or NULL split). ds_load() builds into a local split
 * and only copies it to *out on success, so a failure leaves *out zeroed.
 *
 * Workload: one pass over the data per step; the robust fit sorts one copy of each
 * feature kind's training values (n_train * n_constituents floats).
 */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "datasets/dataset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datasets/loaders.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/rng.h"
#include "util/sha256.h"

const char *const ds_format_names[DS_FORMAT_COUNT] = {"csv", "hdf5"};
const char *const ds_norm_names[DS_NORM_COUNT] = {"none", "standard", "robust"};

int ds_format_from_name(const char *name)
{
    for (int i = 0; i < DS_FORMAT_COUNT; i++)
        if (strcmp(name, ds_format_names[i]) == 0)
            return i;
    return -1;
}

int ds_norm_from_name(const char *name)
{
    for (int i = 0; i < DS_NORM_COUNT; i++)
        if (strcmp(name, ds_norm_names[i]) == 0)
            return i;
    return -1;
}

void ds_config_init(ds_config *c)
{
    memset(c, 0, sizeof *c);
    c->format = DS_FORMAT_CSV;
    strcpy(c->class_column, "class");
    c->n_constituents = 8;
    c->n_features = 3;
    strcpy(c->features[0], "pt");
    strcpy(c->features[1], "etarel");
    strcpy(c->features[2], "phirel");
    c->pt_min = 2.0;
    c->norm = DS_NORM_AUTO;
    c->val_fraction = 0.2;
    c->test_fraction = 0.2;
    c->seed = 1;
}

void ds_tensor_free(ds_tensor *t)
{
    if (!t)
        return;
    free(t->x);
    free(t->y);
    memset(t, 0, sizeof *t);
}

void ds_norm_free(ds_norm *nrm)
{
    if (!nrm)
        return;
    free(nrm->shift);
    free(nrm->scale);
    memset(nrm, 0, sizeof *nrm);
}

void ds_split_free(ds_split *s)
{
    if (!s)
        return;
    ds_tensor_free(&s->train);
    ds_tensor_free(&s->val);
    ds_tensor_free(&s->test);
    ds_norm_free(&s->norm);
    memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------------- normalisation */

void ds_norm_apply(const ds_norm *nrm, ds_tensor *t)
{
    if (!nrm || !t || !t->x || nrm->d != t->d)
        return;
    for (size_t i = 0; i < t->n; i++) {
        float *row = t->x + i * t->d;
        for (size_t j = 0; j < t->d; j++)
            row[j] = (row[j] - nrm->shift[j]) / nrm->scale[j];
    }
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* numpy-style percentile (linear interpolation) of sorted v[0..n), q in [0, 1]. */
static double percentile_sorted(const float *v, size_t n, double q)
{
    if (n == 1)
        return v[0];
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    double frac = pos - (double)lo;
    return (double)v[lo] + frac * ((double)v[hi] - (double)v[lo]);
}

int ds_norm_fit(enum ds_norm_kind kind, const ds_tensor *t, size_t group, ds_norm *out)
{
    memset(out, 0, sizeof *out);
    if (kind < 0 || kind >= DS_NORM_COUNT)
        return snac_err_set(SNAC_EINVAL, "normalisation: kind %d is not none/standard/robust", (int)kind);
    size_t d = t->d;
    if (d == 0)
        return snac_err_set(SNAC_EINVAL, "normalisation: tensor has no features");
    size_t g = group ? group : d;
    if (d % g != 0)
        return snac_err_set(SNAC_EINVAL, "normalisation: %zu features are not a multiple of group %zu", d, g);
    if (kind != DS_NORM_NONE && t->n == 0)
        return snac_err_set(SNAC_EINVAL, "normalisation: cannot fit on an empty training set");
    size_t slots = d / g;
    float *shift = calloc(d, sizeof *shift), *scale = malloc(d * sizeof *scale);
    size_t m = t->n * slots; /* values per feature kind */
    float *buf = kind == DS_NORM_ROBUST ? malloc((m ? m : 1) * sizeof *buf) : NULL;
    if (!shift || !scale || (kind == DS_NORM_ROBUST && !buf)) {
        free(shift), free(scale), free(buf);
        return snac_err_set(SNAC_ENOMEM, "normalisation: out of memory (%zu features)", d);
    }
    for (size_t f = 0; f < g; f++) {
        double sh = 0.0, sc = 1.0;
        if (kind == DS_NORM_STANDARD) {
            double sum = 0.0;
            for (size_t i = 0; i < t->n; i++)
                for (size_t s = 0; s < slots; s++)
                    sum += t->x[i * d + s * g + f];
            double mean = sum / (double)m, ss = 0.0;
            for (size_t i = 0; i < t->n; i++)
                for (size_t s = 0; s < slots; s++) {
                    double dv = t->x[i * d + s * g + f] - mean;
                    ss += dv * dv;
                }
            sh = mean;
            sc = sqrt(ss / (double)m);
        } else if (kind == DS_NORM_ROBUST) {
            size_t k = 0;
            for (size_t i = 0; i < t->n; i++)
                for (size_t s = 0; s < slots; s++)
                    buf[k++] = t->x[i * d + s * g + f];
            qsort(buf, m, sizeof *buf, cmp_float);
            sh = percentile_sorted(buf, m, 0.5);
            sc = percentile_sorted(buf, m, 0.95) - percentile_sorted(buf, m, 0.05);
        }
        if (!(sc > 0.0) || !isfinite(sc))
            sc = 1.0;
        for (size_t s = 0; s < slots; s++) {
            shift[s * g + f] = (float)sh;
            scale[s * g + f] = (float)sc;
        }
    }
    free(buf);
    out->kind = kind;
    out->d = d;
    out->shift = shift;
    out->scale = scale;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- serialisation */

#define NORM_MAGIC "SNACNRM"
#define NORM_VERSION 1u
#define NORM_HEADER (8 + 4 + 4 + 8)

int ds_norm_save(const ds_norm *nrm, void **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    if (nrm->kind < 0 || nrm->kind >= DS_NORM_COUNT)
        return snac_err_set(SNAC_EINVAL, "normalisation: cannot save kind %d", (int)nrm->kind);
    size_t n = NORM_HEADER + 8 * nrm->d;
    unsigned char *p = malloc(n);
    if (!p)
        return snac_err_set(SNAC_ENOMEM, "normalisation: out of memory");
    memcpy(p, NORM_MAGIC, 8); /* includes the NUL */
    le_put_u32(p + 8, NORM_VERSION);
    le_put_u32(p + 12, (uint32_t)nrm->kind);
    le_put_u64(p + 16, nrm->d);
    for (size_t j = 0; j < nrm->d; j++) {
        le_put_f32(p + NORM_HEADER + 4 * j, nrm->shift[j]);
        le_put_f32(p + NORM_HEADER + 4 * (nrm->d + j), nrm->scale[j]);
    }
    *buf = p;
    *len = n;
    return SNAC_OK;
}

int ds_norm_load(const void *buf, size_t len, ds_norm *out)
{
    memset(out, 0, sizeof *out);
    const unsigned char *p = buf;
    if (len < NORM_HEADER || memcmp(p, NORM_MAGIC, 8) != 0)
        return snac_err_set(SNAC_EFORMAT, "normalisation blob: bad magic or too short (%zu bytes)", len);
    uint32_t version = le_get_u32(p + 8), kind = le_get_u32(p + 12);
    uint64_t d = le_get_u64(p + 16);
    if (version != NORM_VERSION)
        return snac_err_set(SNAC_EFORMAT, "normalisation blob: version %u, this build reads %u", version, NORM_VERSION);
    if (kind >= DS_NORM_COUNT)
        return snac_err_set(SNAC_EFORMAT, "normalisation blob: unknown kind %u", kind);
    if (d == 0 || d > (len - NORM_HEADER) / 8 || len != NORM_HEADER + 8 * d)
        return snac_err_set(SNAC_EFORMAT, "normalisation blob: %zu bytes do not hold d = %llu", len,
                            (unsigned long long)d);
    float *shift = malloc(d * sizeof *shift), *scale = malloc(d * sizeof *scale);
    if (!shift || !scale) {
        free(shift), free(scale);
        return snac_err_set(SNAC_ENOMEM, "normalisation: out of memory");
    }
    for (size_t j = 0; j < d; j++) {
        shift[j] = le_get_f32(p + NORM_HEADER + 4 * j);
        scale[j] = le_get_f32(p + NORM_HEADER + 4 * (d + j));
        if (!isfinite(shift[j]) || !isfinite(scale[j]) || scale[j] == 0.0f) {
            free(shift), free(scale);
            return snac_err_set(SNAC_EFORMAT, "normalisation blob: entry %zu is not finite or has zero scale", j);
        }
    }
    out->kind = (enum ds_norm_kind)kind;
    out->d = d;
    out->shift = shift;
    out->scale = scale;
    return SNAC_OK;
}

/* ---------------------------------------------------------------- split */

static int tensor_alloc(ds_tensor *t, size_t n, size_t d)
{
    t->n = n;
    t->d = d;
    t->x = malloc((n * d != 0 ? n * d : 1) * sizeof *t->x);
    t->y = malloc((n ? n : 1) * sizeof *t->y);
    if (!t->x || !t->y) {
        ds_tensor_free(t);
        return snac_err_set(SNAC_ENOMEM, "dataset: out of memory (%zu rows x %zu)", n, d);
    }
    return SNAC_OK;
}

static void tensor_gather(const ds_tensor *all, const size_t *idx, ds_tensor *t)
{
    for (size_t i = 0; i < t->n; i++) {
        memcpy(t->x + i * t->d, all->x + idx[i] * all->d, all->d * sizeof *t->x);
        t->y[i] = all->y[idx[i]];
    }
}

/* Seeded permutation of each training jet's n_slots constituent rows (F floats each). */
static void shuffle_constituents(ds_tensor *t, size_t n_slots, size_t f, snac_rng *r)
{
    size_t perm[DS_MAX_FEATURES * 8];
    float tmp[DS_MAX_FEATURES * 8];
    for (size_t i = 0; i < t->n; i++) {
        for (size_t s = 0; s < n_slots; s++)
            perm[s] = s;
        rng_shuffle_size(r, perm, n_slots);
        float *row = t->x + i * t->d;
        memcpy(tmp, row, t->d * sizeof *row);
        for (size_t s = 0; s < n_slots; s++)
            memcpy(row + s * f, tmp + perm[s] * f, f * sizeof *row);
    }
}

static int split_rows(const ds_config *c, ds_tensor *all, size_t n_pool, ds_split *s)
{
    /* rows [0, n_pool) are split into train/val(/test); rows [n_pool, n) are the test files */
    size_t n = all->n, d = all->d;
    bool test_from_files = c->n_test_files > 0;
    double fv = c->val_fraction, ft = test_from_files ? 0.0 : c->test_fraction;
    if (!(fv >= 0.0 && fv < 1.0) || !(ft >= 0.0 && ft < 1.0) || fv + ft >= 1.0)
        return snac_err_set(SNAC_EINVAL, "data: val_fraction %g and test_fraction %g must be in [0, 1) "
                            "with a sum below 1", c->val_fraction, c->test_fraction);
    size_t n_val = (size_t)llround(fv * (double)n_pool);
    size_t n_test = test_from_files ? n - n_pool : (size_t)llround(ft * (double)n_pool);
    size_t n_test_pool = test_from_files ? 0 : n_test;
    if (n_val + n_test_pool >= n_pool)
        return snac_err_set(SNAC_EINVAL, "data: %zu rows leave no training rows after the split "
                            "(val %zu, test %zu)", n_pool, n_val, n_test_pool);
    size_t n_train = n_pool - n_val - n_test_pool;
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return snac_err_set(SNAC_ENOMEM, "data: out of memory");
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    snac_rng r;
    rng_seed(&r, c->seed);
    rng_shuffle_size(&r, idx, n_pool);
    int rc = tensor_alloc(&s->test, n_test, d);
    if (!rc)
        rc = tensor_alloc(&s->val, n_val, d);
    if (!rc)
        rc = tensor_alloc(&s->train, n_train, d);
    if (rc) {
        free(idx);
        return rc;
    }
    /* test first: a test set from files keeps its file order */
    tensor_gather(all, test_from_files ? idx + n_pool : idx, &s->test);
    tensor_gather(all, idx + n_test_pool, &s->val);
    tensor_gather(all, idx + n_test_pool + n_val, &s->train);
    free(idx);
    if (c->shuffle_constituents && s->n_constituents > 1) {
        snac_rng rs;
        rng_split(&r, &rs);
        shuffle_constituents(&s->train, s->n_constituents, s->n_constituent_features, &rs);
    }
    return SNAC_OK;
}

/* ---------------------------------------------------------------- ds_load */

int ds_load(const ds_config *c, ds_split *out)
{
    memset(out, 0, sizeof *out);
    if (c->format < 0 || c->format >= DS_FORMAT_COUNT)
        return snac_err_set(SNAC_EINVAL, "data: unknown format %d", (int)c->format);
    if (c->n_files == 0)
        return snac_err_set(SNAC_EINVAL, "data: no input files given");
    if (c->n_files > DS_MAX_PATHS || c->n_test_files > DS_MAX_PATHS)
        return snac_err_set(SNAC_EINVAL, "data: more than %d files", DS_MAX_PATHS);
    const char *paths[2 * DS_MAX_PATHS];
    size_t n_paths = 0;
    for (size_t i = 0; i < c->n_files; i++)
        paths[n_paths++] = c->files[i];
    for (size_t i = 0; i < c->n_test_files; i++)
        paths[n_paths++] = c->test_files[i];

    ds_split *s = calloc(1, sizeof *s);
    if (!s)
        return snac_err_set(SNAC_ENOMEM, "data: out of memory");
    ds_tensor all = {0};
    size_t n_pool = 0;
    int rc = c->format == DS_FORMAT_CSV
                 ? ds_csv_read(c, paths, n_paths, c->n_files, &all, &n_pool, s)
                 : ds_jets_read(c, paths, n_paths, c->n_files, &all, &n_pool, s);
    if (!rc)
        rc = split_rows(c, &all, n_pool, s);
    ds_tensor_free(&all);
    if (!rc) {
        enum ds_norm_kind kind = c->norm;
        if (kind == DS_NORM_AUTO)
            kind = c->format == DS_FORMAT_HDF5 ? DS_NORM_ROBUST : DS_NORM_STANDARD;
        /* jets: statistics per feature kind over all constituent slots; CSV: per column */
        rc = ds_norm_fit(kind, &s->train, s->n_constituent_features, &s->norm);
    }
    if (!rc) {
        ds_norm_apply(&s->norm, &s->train);
        ds_norm_apply(&s->norm, &s->val);
        ds_norm_apply(&s->norm, &s->test);
        *out = *s;
    } else {
        ds_split_free(s);
    }
    free(s);
    return rc;
}

/* ---------------------------------------------------------------- fingerprint */

void ds_fingerprint(const ds_split *s, char out[DS_FINGERPRINT_CAP])
{
    const ds_tensor *t[3] = {&s->train, &s->val, &s->test};
    static const char *const names[3] = {"train", "val", "test"};
    size_t n = 0;
    for (int i = 0; i < 3; i++) {
        sha256_ctx c;
        unsigned char dg[SHA256_DIGEST_LEN];
        sha256_init(&c);
        if (t[i]->n) {
            sha256_update(&c, t[i]->x, t[i]->n * t[i]->d * sizeof *t[i]->x);
            sha256_update(&c, t[i]->y, t[i]->n * sizeof *t[i]->y);
        }
        sha256_final(&c, dg);
        n += (size_t)snprintf(out + n, DS_FINGERPRINT_CAP - n, "%s%s %zux%zu ", i ? "; " : "", names[i], t[i]->n,
                              t[i]->d);
        for (int k = 0; k < 8 && n + 3 < DS_FINGERPRINT_CAP; k++)
            n += (size_t)snprintf(out + n, DS_FINGERPRINT_CAP - n, "%02x", dg[k]);
    }
}

bool ds_fingerprint_diff(const char *stored, const char *now, char *diff, size_t cap)
{
    if (cap)
        diff[0] = '\0';
    if (!stored[0] || strcmp(stored, now) == 0)
        return false;
    char then[DS_FINGERPRINT_CAP], cur[DS_FINGERPRINT_CAP];
    snprintf(then, sizeof then, "%s", stored);
    snprintf(cur, sizeof cur, "%s", now);
    char *sa = NULL, *sb = NULL;
    char *a = strtok_r(then, ";", &sa), *b = strtok_r(cur, ";", &sb);
    size_t n = 0;
    for (; a || b; a = strtok_r(NULL, ";", &sa), b = strtok_r(NULL, ";", &sb)) {
        while (a && *a == ' ')
            a++;
        while (b && *b == ' ')
            b++;
        if (a && b && strcmp(a, b) == 0)
            continue;
        if (n < cap)
            n += (size_t)snprintf(diff + n, cap - n, "%s%s then, %s now", n ? "; " : "", a ? a : "-", b ? b : "-");
    }
    return true;
}
