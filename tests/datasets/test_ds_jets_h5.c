/* test_ds_jets_h5 — the hls4ml jet HDF5 reader on small files written in the exact layout
 * (30, 100 and 150 stored constituents): pT cut, empty-jet drop, truncation / zero padding,
 * feature selection by name, labels; and every error path (missing key, wrong rank/shape,
 * NaN, non-one-hot labels, zero jets after the cut, truncated file, non-HDF5 file), each
 * message naming the file and the key, with nothing left allocated.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "datasets/dataset.h"
#include "datasets/h5write.h"
#include "datasets/jets.h"
#include "datasets/loaders.h"
#include "util/err.h"

/* Constituent p of jet j: feature k = 100 k + p + 0.5 j (recognisable), pT from pts[]. */
static void fill_jet(float *c, size_t n_stored, size_t j, const float *pts, size_t n_pts)
{
    for (size_t p = 0; p < n_stored; p++)
        for (size_t k = 0; k < DS_JET_N_PFEAT; k++)
            c[p * DS_JET_N_PFEAT + k] = p < n_pts ? (float)(100.0 * (double)k + (double)p + 0.5 * (double)j) : 0.0f;
    for (size_t p = 0; p < n_pts && p < n_stored; p++)
        c[p * DS_JET_N_PFEAT + DS_PF_PT] = pts[p];
}

static void set_label(double *jets, size_t j, int cls)
{
    for (int k = 0; k < DS_JET_CLASS_COUNT; k++)
        jets[j * DS_JET_N_COLS + DS_JET_LABEL_COL + k] = k == cls ? 1.0 : 0.0;
}

/* 4 jets: g (10, 5, 2, 1.5 GeV), q (2, 1: empty after the cut), w (20, 19, ..., 9), t (3). */
static void write_basic(const char *path, size_t n_stored)
{
    float *c = calloc(4 * n_stored * DS_JET_N_PFEAT, sizeof *c);
    double *jets = calloc(4 * DS_JET_N_COLS, sizeof *jets);
    float g[] = {10, 5, 2, 1.5f}, q[] = {2, 1}, w[12], t[] = {3};
    for (int i = 0; i < 12; i++)
        w[i] = (float)(20 - i);
    size_t stride = n_stored * DS_JET_N_PFEAT;
    fill_jet(c + 0 * stride, n_stored, 0, g, 4);
    fill_jet(c + 1 * stride, n_stored, 1, q, 2);
    fill_jet(c + 2 * stride, n_stored, 2, w, 12);
    fill_jet(c + 3 * stride, n_stored, 3, t, 1);
    set_label(jets, 0, DS_JET_G);
    set_label(jets, 1, DS_JET_Q);
    set_label(jets, 2, DS_JET_W);
    set_label(jets, 3, DS_JET_T);
    CHECK(ds_h5_write_jets(path, 4, n_stored, c, jets) == 0);
    free(c);
    free(jets);
}

static int read_paths(const ds_config *c, const char *path, ds_tensor *t, ds_split *meta)
{
    size_t nf;
    return ds_jets_read(c, &path, 1, 1, t, &nf, meta);
}

static void check_basic(size_t n_stored)
{
    char path[64];
    snprintf(path, sizeof path, "ds_basic_%zup.h5", n_stored);
    write_basic(path, n_stored);
    ds_config c;
    ds_config_init(&c);
    ds_tensor t;
    static ds_split meta;
    int rc = read_paths(&c, path, &t, &meta);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    if (rc)
        return;
    CHECK(t.n == 3 && t.d == 24); /* the q jet is dropped */
    CHECK(meta.n_constituents == 8 && meta.n_constituent_features == 3 && meta.n_classes == 5);
    CHECK(strcmp(meta.feature_names[0], "c0_pt") == 0 && strcmp(meta.feature_names[23], "c7_phirel") == 0);
    CHECK(t.y[0] == DS_JET_G && t.y[1] == DS_JET_W && t.y[2] == DS_JET_T);
    /* g: two constituents survive pT > 2 (2.0 itself is cut), then zero padding */
    const float *r = t.x;
    CHECK(r[0] == 10.0f && r[1] == 800.0f && r[2] == 1100.0f); /* pt, etarel (k=8), phirel (k=11) of p0 */
    CHECK(r[3] == 5.0f && r[4] == 801.0f && r[5] == 1101.0f);
    for (int k = 6; k < 24; k++)
        CHECK(r[k] == 0.0f);
    /* w: first 8 of 12 kept, in stored order */
    r = t.x + 24;
    for (int p = 0; p < 8; p++) {
        CHECK(r[3 * p] == (float)(20 - p));
        CHECK(r[3 * p + 1] == (float)(800 + p + 1.0));
        CHECK(r[3 * p + 2] == (float)(1100 + p + 1.0));
    }
    /* t: one constituent, 7 padded slots */
    r = t.x + 48;
    CHECK(r[0] == 3.0f && r[1] == 801.5f && r[2] == 1101.5f && r[3] == 0.0f && r[23] == 0.0f);
    ds_tensor_free(&t);

    /* other features by name (with or without the j1_ prefix), other N */
    c.n_constituents = 2;
    c.n_features = 2;
    strcpy(c.features[0], "j1_e");
    strcpy(c.features[1], "deltaR");
    rc = read_paths(&c, path, &t, &meta);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    if (!rc) {
        CHECK(t.d == 4 && t.n == 3);
        CHECK(t.x[0] == 300.0f && t.x[1] == 1300.0f && t.x[2] == 301.0f && t.x[3] == 1301.0f);
        CHECK(strcmp(meta.feature_names[3], "c1_deltaR") == 0);
        ds_tensor_free(&t);
    }
}

static void jets_should_cut_drop_truncate_and_pad_with_30_constituents(void) { check_basic(30); }
static void jets_should_cut_drop_truncate_and_pad_with_100_constituents(void) { check_basic(100); }
static void jets_should_cut_drop_truncate_and_pad_with_150_constituents(void) { check_basic(150); }

static void jets_should_read_a_directory_and_cap_max_jets(void)
{
    system("mkdir -p ds_dir && rm -f ds_dir/*.h5");
    write_basic("ds_dir/jetImage_2_30p_0_4.h5", 30);
    write_basic("ds_dir/jetImage_10_30p_4_8.h5", 30);
    ds_config c;
    ds_config_init(&c);
    ds_tensor t;
    static ds_split meta;
    CHECK(read_paths(&c, "ds_dir", &t, &meta) == 0);
    CHECK(t.n == 6);
    ds_tensor_free(&t);
    c.max_jets = 4;
    CHECK(read_paths(&c, "ds_dir", &t, &meta) == 0);
    CHECK(t.n == 4);
    ds_tensor_free(&t);
    c.max_jets = 0;
    strcpy(c.features[2], "pdgid");
    CHECK(read_paths(&c, "ds_dir", &t, &meta) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "pdgid");
}

/* ---------------------------------------------------------------- error paths */

static void expect_fail(const char *path, const char *key)
{
    ds_config c;
    ds_config_init(&c);
    ds_tensor t;
    static ds_split meta;
    int rc = read_paths(&c, path, &t, &meta);
    CHECK_MSG(rc < 0, "%s: expected an error", path);
    CHECK_STR_CONTAINS(snac_err_msg(), path);
    CHECK_STR_CONTAINS(snac_err_msg(), key);
    CHECK(t.x == NULL && t.y == NULL && t.n == 0);
    /* the same through ds_load: split stays zeroed */
    snprintf(c.files[0], DS_PATH_CAP, "%s", path);
    c.n_files = 1;
    c.format = DS_FORMAT_HDF5;
    ds_split s;
    CHECK(ds_load(&c, &s) < 0);
    CHECK(s.train.x == NULL && s.d == 0);
}

/* A file with the given constituent dims and jets dims (valid labels, pT 10 everywhere). */
static void write_shaped(const char *path, int crank, const size_t *cdims, const size_t *jdims, int with_const)
{
    size_t nc = 1, nj = jdims[0] * jdims[1];
    for (int i = 0; i < crank; i++)
        nc *= cdims[i];
    float *c = malloc(nc * sizeof *c);
    double *j = calloc(nj, sizeof *j);
    for (size_t i = 0; i < nc; i++)
        c[i] = 10.0f;
    for (size_t r = 0; r < jdims[0] && jdims[1] > DS_JET_LABEL_COL; r++)
        j[r * jdims[1] + DS_JET_LABEL_COL] = 1.0;
    long long f = ds_h5_create(path);
    CHECK(f >= 0);
    if (with_const)
        CHECK(ds_h5_write_array(f, path, "jetConstituentList", crank, cdims, c, 0) == 0);
    CHECK(ds_h5_write_array(f, path, "jets", 2, jdims, j, 1) == 0);
    ds_h5_close(f);
    free(c);
    free(j);
}

static void jets_should_name_file_and_key_for_a_missing_key(void)
{
    size_t cd[3] = {2, 30, 16}, jd[2] = {2, 59};
    write_shaped("ds_missing.h5", 3, cd, jd, 0);
    expect_fail("ds_missing.h5", "'jetConstituentList'");
    CHECK_STR_CONTAINS(snac_err_msg(), "missing key");
}

static void jets_should_name_file_and_key_for_wrong_rank_or_shape(void)
{
    size_t cd2[2] = {2, 480}, cd3[3] = {2, 30, 15}, jd[2] = {2, 59}, jd_bad[2] = {2, 50}, cdok[3] = {2, 30, 16};
    write_shaped("ds_rank.h5", 2, cd2, jd, 1);
    expect_fail("ds_rank.h5", "'jetConstituentList'");
    CHECK_STR_CONTAINS(snac_err_msg(), "rank 2");
    write_shaped("ds_shape.h5", 3, cd3, jd, 1);
    expect_fail("ds_shape.h5", "'jetConstituentList'");
    CHECK_STR_CONTAINS(snac_err_msg(), "shape");
    write_shaped("ds_jshape.h5", 3, cdok, jd_bad, 1);
    expect_fail("ds_jshape.h5", "'jets'");
}

static void jets_should_name_file_and_key_for_nan(void)
{
    size_t n_stored = 30;
    float *c = calloc(4 * n_stored * DS_JET_N_PFEAT, sizeof *c);
    double *jets = calloc(4 * DS_JET_N_COLS, sizeof *jets);
    float pts[] = {10, 5};
    for (size_t j = 0; j < 4; j++) {
        fill_jet(c + j * n_stored * DS_JET_N_PFEAT, n_stored, j, pts, 2);
        set_label(jets, j, 1);
    }
    c[2 * n_stored * DS_JET_N_PFEAT + 1 * DS_JET_N_PFEAT + DS_PF_ETAREL] = NAN;
    CHECK(ds_h5_write_jets("ds_nan.h5", 4, n_stored, c, jets) == 0);
    expect_fail("ds_nan.h5", "'jetConstituentList'");
    CHECK_STR_CONTAINS(snac_err_msg(), "jet 2");
    CHECK_STR_CONTAINS(snac_err_msg(), "etarel");
    /* labels not one-hot */
    c[2 * n_stored * DS_JET_N_PFEAT + 1 * DS_JET_N_PFEAT + DS_PF_ETAREL] = 0.5f;
    jets[3 * DS_JET_N_COLS + DS_JET_LABEL_COL + 4] = 1.0; /* two hot */
    CHECK(ds_h5_write_jets("ds_onehot.h5", 4, n_stored, c, jets) == 0);
    expect_fail("ds_onehot.h5", "'jets'");
    CHECK_STR_CONTAINS(snac_err_msg(), "one-hot");
    free(c);
    free(jets);
}

static void jets_should_fail_when_no_jet_survives_the_cut(void)
{
    size_t n_stored = 30;
    float *c = calloc(3 * n_stored * DS_JET_N_PFEAT, sizeof *c);
    double *jets = calloc(3 * DS_JET_N_COLS, sizeof *jets);
    float pts[] = {2.0f, 1.0f};
    for (size_t j = 0; j < 3; j++) {
        fill_jet(c + j * n_stored * DS_JET_N_PFEAT, n_stored, j, pts, 2);
        set_label(jets, j, 0);
    }
    CHECK(ds_h5_write_jets("ds_zero.h5", 3, n_stored, c, jets) == 0);
    expect_fail("ds_zero.h5", "'jetConstituentList'");
    CHECK_STR_CONTAINS(snac_err_msg(), "no jets left");
    free(c);
    free(jets);
}

static void jets_should_name_file_and_key_for_truncated_and_non_hdf5_files(void)
{
    write_basic("ds_trunc.h5", 150);
    FILE *f = fopen("ds_trunc.h5", "rb");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fclose(f);
    CHECK(truncate("ds_trunc.h5", len / 2) == 0);
    expect_fail("ds_trunc.h5", "'jetConstituentList'");
    f = fopen("ds_text.h5", "w");
    fputs("this is not an HDF5 file\n", f);
    fclose(f);
    expect_fail("ds_text.h5", "'jetConstituentList'");
    CHECK_STR_CONTAINS(snac_err_msg(), "not an HDF5 file");
}

int main(void)
{
    TEST(jets_should_cut_drop_truncate_and_pad_with_30_constituents);
    TEST(jets_should_cut_drop_truncate_and_pad_with_100_constituents);
    TEST(jets_should_cut_drop_truncate_and_pad_with_150_constituents);
    TEST(jets_should_read_a_directory_and_cap_max_jets);
    TEST(jets_should_name_file_and_key_for_a_missing_key);
    TEST(jets_should_name_file_and_key_for_wrong_rank_or_shape);
    TEST(jets_should_name_file_and_key_for_nan);
    TEST(jets_should_fail_when_no_jet_survives_the_cut);
    TEST(jets_should_name_file_and_key_for_truncated_and_non_hdf5_files);
    return check_report();
}
