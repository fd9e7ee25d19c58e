/* test_ds_split_norm — ds_load's split (sizes, determinism, test files), robust and
 * standard normalisation against hand-computed numbers, the per-jet constituent shuffle
 * (determinism, permutation of slots), and the ds_norm blob round trip and its errors.
 * Jet files come from the simulator (small, seeded) so the numbers are realistic.
 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "datasets/dataset.h"
#include "datasets/jetsim.h"
#include "util/err.h"

static void norm_should_match_hand_computed_robust_and_standard_values(void)
{
    /* 2 jets x 2 slots x 2 features: f0 values {1, 0, 3, 5}, f1 values {10, 0, 30, 50} */
    float x[8] = {1, 10, 0, 0, 3, 30, 5, 50};
    int32_t y[2] = {0, 1};
    ds_tensor t = {2, 4, x, y};
    ds_norm n;
    CHECK(ds_norm_fit(DS_NORM_ROBUST, &t, 2, &n) == 0);
    /* sorted f0: 0 1 3 5 -> median 2, P5 = 0.15, P95 = 3 + 0.85 * 2 = 4.7 */
    CHECK_NEAR(n.shift[0], 2.0, 1e-6);
    CHECK_NEAR(n.scale[0], 4.7 - 0.15, 1e-5);
    CHECK_NEAR(n.shift[2], 2.0, 1e-6); /* expanded to every slot */
    /* sorted f1: 0 10 30 50 -> median 20, P5 = 1.5, P95 = 47 */
    CHECK_NEAR(n.shift[1], 20.0, 1e-5);
    CHECK_NEAR(n.scale[3], 45.5, 1e-4);
    ds_norm_free(&n);
    CHECK(ds_norm_fit(DS_NORM_STANDARD, &t, 0, &n) == 0); /* per column */
    CHECK_NEAR(n.shift[0], 2.0, 1e-6);                    /* mean of 1, 3 */
    CHECK_NEAR(n.scale[0], 1.0, 1e-6);                    /* population std */
    CHECK_NEAR(n.shift[3], 25.0, 1e-6);
    CHECK_NEAR(n.scale[3], 25.0, 1e-5);
    ds_norm_free(&n);
    float z[4] = {7, 7, 7, 7};
    ds_tensor tz = {4, 1, z, NULL};
    CHECK(ds_norm_fit(DS_NORM_ROBUST, &tz, 0, &n) == 0);
    CHECK(n.scale[0] == 1.0f && n.shift[0] == 7.0f); /* zero spread -> scale 1 */
    ds_norm_free(&n);
}

static void norm_blob_should_round_trip_and_reject_damage(void)
{
    float shift[3] = {1.5f, -2.0f, 0.25f}, scale[3] = {2.0f, 0.5f, 3.0f};
    ds_norm n = {DS_NORM_ROBUST, 3, shift, scale}, m;
    void *buf;
    size_t len;
    CHECK(ds_norm_save(&n, &buf, &len) == 0);
    CHECK(ds_norm_load(buf, len, &m) == 0);
    CHECK(m.kind == DS_NORM_ROBUST && m.d == 3);
    CHECK(memcmp(m.shift, shift, sizeof shift) == 0 && memcmp(m.scale, scale, sizeof scale) == 0);
    ds_norm_free(&m);
    CHECK(ds_norm_load(buf, len - 1, &m) == SNAC_EFORMAT);
    CHECK(m.shift == NULL);
    ((unsigned char *)buf)[8] = 99; /* version */
    CHECK(ds_norm_load(buf, len, &m) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "version");
    ((unsigned char *)buf)[0] = 'X';
    CHECK(ds_norm_load(buf, len, &m) == SNAC_EFORMAT);
    free(buf);
}

static void write_sim(const char *path, size_t n, uint64_t seed)
{
    jetsim_config c;
    jetsim_config_init(&c);
    jetsim_ws *w;
    CHECK(jetsim_ws_new(&w) == 0);
    CHECK_MSG(jetsim_write_file(&c, path, n, seed, w) == 0, "%s", snac_err_msg());
    jetsim_ws_free(w);
}

static void hdf5_config(ds_config *c, const char *path)
{
    ds_config_init(c);
    c->format = DS_FORMAT_HDF5;
    c->n_files = 1;
    snprintf(c->files[0], DS_PATH_CAP, "%s", path);
}

static void split_should_have_configured_sizes_and_repeat_for_a_seed(void)
{
    write_sim("ds_sim_a.h5", 500, 11);
    ds_config c;
    hdf5_config(&c, "ds_sim_a.h5");
    c.seed = 5;
    ds_split a, b, d;
    int rc = ds_load(&c, &a);
    CHECK_MSG(rc == 0, "%s", snac_err_msg());
    if (rc)
        return;
    size_t n = a.train.n + a.val.n + a.test.n;
    CHECK(n > 490 && n <= 500); /* a few jets may fall below the cut */
    CHECK(a.val.n == (size_t)llround(0.2 * (double)n) && a.test.n == (size_t)llround(0.2 * (double)n));
    CHECK(a.d == 24 && a.norm.kind == DS_NORM_ROBUST && a.norm.d == 24);
    CHECK(ds_load(&c, &b) == 0);
    CHECK(memcmp(a.train.x, b.train.x, a.train.n * a.d * sizeof(float)) == 0);
    CHECK(memcmp(a.test.y, b.test.y, a.test.n * sizeof(int32_t)) == 0);
    c.seed = 6;
    CHECK(ds_load(&c, &d) == 0);
    CHECK(memcmp(a.train.x, d.train.x, a.train.n * a.d * sizeof(float)) != 0);
    ds_split_free(&d);

    /* robust normalisation: equals a fit on the un-normalised train split, per feature kind */
    c.seed = 5;
    c.norm = DS_NORM_NONE;
    CHECK(ds_load(&c, &d) == 0);
    ds_norm ref;
    CHECK(ds_norm_fit(DS_NORM_ROBUST, &d.train, 3, &ref) == 0);
    for (size_t j = 0; j < 24; j++) {
        CHECK(a.norm.shift[j] == ref.shift[j] && a.norm.scale[j] == ref.scale[j]);
        CHECK(a.norm.shift[j] == a.norm.shift[j % 3] && a.norm.scale[j] == a.norm.scale[j % 3]);
    }
    for (size_t i = 0; i < a.val.n * 24; i++)
        CHECK_NEAR(a.val.x[i], (d.val.x[i] - ref.shift[i % 24]) / ref.scale[i % 24], 1e-5);
    /* pT median over all 8 slots incl. padding: positive, scale positive */
    CHECK(a.norm.shift[0] > 0.0f && a.norm.scale[0] > 0.0f);
    ds_norm_free(&ref);
    ds_split_free(&d);
    ds_split_free(&b);

    /* a separate test file: all of its jets form the test split, in file order */
    write_sim("ds_sim_t.h5", 100, 12);
    c.norm = DS_NORM_AUTO;
    c.n_test_files = 1;
    snprintf(c.test_files[0], DS_PATH_CAP, "%s", "ds_sim_t.h5");
    CHECK(ds_load(&c, &d) == 0);
    CHECK(d.test.n >= 98 && d.test.n <= 100);
    CHECK(d.val.n == (size_t)llround(0.2 * (double)n) && d.train.n == n - d.val.n);
    ds_split_free(&d);
    ds_split_free(&a);
}

static void shuffle_should_permute_slots_of_training_jets_deterministically(void)
{
    ds_config c;
    hdf5_config(&c, "ds_sim_a.h5");
    c.norm = DS_NORM_NONE;
    ds_split plain, s1, s2;
    CHECK(ds_load(&c, &plain) == 0);
    c.shuffle_constituents = true;
    CHECK(ds_load(&c, &s1) == 0);
    CHECK(ds_load(&c, &s2) == 0);
    CHECK(memcmp(s1.train.x, s2.train.x, s1.train.n * 24 * sizeof(float)) == 0);
    CHECK(memcmp(s1.val.x, plain.val.x, s1.val.n * 24 * sizeof(float)) == 0); /* only train */
    size_t changed = 0, bad = 0;
    for (size_t i = 0; i < plain.train.n; i++) {
        const float *a = plain.train.x + i * 24, *b = s1.train.x + i * 24;
        if (memcmp(a, b, 24 * sizeof(float)) != 0)
            changed++;
        for (int p = 0; p < 8; p++) { /* every original slot appears in the shuffled row */
            int found = 0;
            for (int q = 0; q < 8 && !found; q++)
                found = memcmp(a + 3 * p, b + 3 * q, 3 * sizeof(float)) == 0;
            bad += !found;
        }
    }
    CHECK(changed > plain.train.n / 2);
    CHECK(bad == 0);
    ds_split_free(&plain);
    ds_split_free(&s1);
    ds_split_free(&s2);
}

static void load_should_reject_bad_fractions_and_leave_the_split_zeroed(void)
{
    ds_config c;
    hdf5_config(&c, "ds_sim_a.h5");
    c.val_fraction = 0.6;
    c.test_fraction = 0.5;
    ds_split s;
    CHECK(ds_load(&c, &s) == SNAC_EINVAL);
    CHECK(s.train.x == NULL && s.norm.shift == NULL);
    CHECK_STR_CONTAINS(snac_err_msg(), "fraction");
}

int main(void)
{
    TEST(norm_should_match_hand_computed_robust_and_standard_values);
    TEST(norm_blob_should_round_trip_and_reject_damage);
    TEST(split_should_have_configured_sizes_and_repeat_for_a_seed);
    TEST(shuffle_should_permute_slots_of_training_jets_deterministically);
    TEST(load_should_reject_bad_fractions_and_leave_the_split_zeroed);
    return check_report();
}
