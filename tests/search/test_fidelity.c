/* Multi-fidelity search, the pieces under the driver:
 *   - the rung rule (fidelity.h) on hand-made objective vectors: which candidates continue
 *     (exact indices), the keep count's rounding, constraint-domination, failed candidates,
 *     determinism on ties;
 *   - the learning-curve extrapolation survival uses (extrapolate: true), on hand-made
 *     rung histories with exact binary fractions;
 *   - training in instalments (nn_train_more): 1 epoch + 2 more is bitwise 3 epochs from
 *     scratch, with batch norm and dropout (what makes resuming a rung from a checkpoint,
 *     retraining it on an MPI rank, or after a crash give the same numbers).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn/mlp.h"
#include "nn/train.h"
#include "search/fidelity.h"
#include "util/rng.h"

/* two objectives, six candidates:
 *   front 1: 1 (0.2, 0.9), 0 (0.5, 0.5), 3 (0.9, 0.1)
 *   front 2: 4 (0.35, 0.95) by 1, 2 (0.6, 0.6) by 0, 5 (1.0, 0.2) by 3 */
static const double F6[6 * 2] = {0.5, 0.5, 0.2, 0.9, 0.6, 0.6, 0.9, 0.1, 0.35, 0.95, 1.0, 0.2};

static void fidelity_should_round_the_keep_count_up(void)
{
    CHECK(search_fidelity_keep_count(20, 0.5) == 10);
    CHECK(search_fidelity_keep_count(10, 0.5) == 5);
    CHECK(search_fidelity_keep_count(5, 0.5) == 3);
    CHECK(search_fidelity_keep_count(3, 0.5) == 2);
    CHECK(search_fidelity_keep_count(7, 0.1) == 1);
    CHECK(search_fidelity_keep_count(10, 1.0) == 10);
    CHECK(search_fidelity_keep_count(0, 0.5) == 0);
}

static void fidelity_should_advance_the_first_front(void)
{
    search_fidelity_work *w;
    CHECK(search_fidelity_work_alloc(8, &w) == 0);
    size_t adv[8], n = 99;
    CHECK(search_fidelity_select(F6, NULL, NULL, 6, 2, 0.5, adv, &n, w) == 0);
    CHECK(n == 3);
    CHECK(n == 3 && adv[0] == 0 && adv[1] == 1 && adv[2] == 3);
    search_fidelity_work_free(w);
}

static void fidelity_should_fill_up_by_crowding_distance(void)
{
    search_fidelity_work *w;
    CHECK(search_fidelity_work_alloc(8, &w) == 0);
    size_t adv[8], n = 0;
    /* keep 5 of 6: front 1, then the two extremes of front 2 (4 and 5); 2 is the crowded one */
    CHECK(search_fidelity_select(F6, NULL, NULL, 6, 2, 0.8, adv, &n, w) == 0);
    CHECK(n == 5);
    CHECK(n == 5 && adv[0] == 0 && adv[1] == 1 && adv[2] == 3 && adv[3] == 4 && adv[4] == 5);
    search_fidelity_work_free(w);
}

static void fidelity_should_rank_infeasible_and_drop_failed_candidates(void)
{
    search_fidelity_work *w;
    CHECK(search_fidelity_work_alloc(8, &w) == 0);
    size_t adv[8], n = 0;
    /* 1 failed (violation 1e6): the feasible front 1 is now {0, 3, 4} */
    const double viol[6] = {0, 1e6, 0, 0, 0, 0};
    const unsigned char failed[6] = {0, 1, 0, 0, 0, 0};
    CHECK(search_fidelity_select(F6, viol, failed, 6, 2, 0.5, adv, &n, w) == 0);
    CHECK(n == 3 && adv[0] == 0 && adv[1] == 3 && adv[2] == 4);
    /* keep all: everyone but the failed one continues */
    CHECK(search_fidelity_select(F6, viol, failed, 6, 2, 1.0, adv, &n, w) == 0);
    CHECK(n == 5 && adv[0] == 0 && adv[1] == 2 && adv[2] == 3 && adv[3] == 4 && adv[4] == 5);
    search_fidelity_work_free(w);
}

static void fidelity_should_break_ties_by_index(void)
{
    search_fidelity_work *w;
    CHECK(search_fidelity_work_alloc(8, &w) == 0);
    /* four identical candidates, keep 2: the same two every time, the lowest indices */
    const double f[4 * 2] = {0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3};
    size_t a[4], b[4], na = 0, nb = 0;
    CHECK(search_fidelity_select(f, NULL, NULL, 4, 2, 0.5, a, &na, w) == 0);
    CHECK(search_fidelity_select(f, NULL, NULL, 4, 2, 0.5, b, &nb, w) == 0);
    CHECK(na == 2 && nb == 2 && memcmp(a, b, sizeof a[0] * 2) == 0);
    CHECK(na == 2 && a[0] == 0 && a[1] == 1);
    search_fidelity_work_free(w);
}

/* three rungs, two objectives, five candidates (fr: (5, 3, 2); 99 = a rung never reached):
 *   0 and 1 reached the last rung, 2 stopped at rung 1, 3 at rung 0, 4 failed (last = 3)
 *   gain(0) = mean((0.25 - 0.5, 3 - 4), (0.5 - 0.75, 1 - 2)) = (-0.25, -1)
 *   gain(1) = mean((0.25 - 0.375, 3 - 3.5), (0.5 - 0.5, 1 - 2)) = (-0.0625, -0.75)
 *   4's history (0 -> 10) would move both gains if it were counted */
static const double FR5[5 * 3 * 2] = {
    0.5,   4, 0.375, 3.5, 0.25, 3,  /* 0 */
    0.75,  2, 0.5,   2,   0.5,  1,  /* 1 */
    0.625, 1, 0.5,   1,   99,   99, /* 2 */
    0.875, 8, 99,    99,  99,   99, /* 3 */
    0,     0, 5,     5,   10,   10, /* 4 */
};

static void extrapolate_should_add_the_mean_gain_of_the_finishers(void)
{
    const size_t last[5] = {2, 2, 1, 0, 3};
    double f[5 * 2];
    for (size_t i = 0; i < 10; i++)
        f[i] = -1;
    search_fidelity_extrapolate(FR5, last, 5, 3, 2, f);
    CHECK(f[0] == 0.25 && f[1] == 3);     /* finishers: as measured at the last rung */
    CHECK(f[2] == 0.5 && f[3] == 1);
    CHECK(f[4] == 0.4375 && f[5] == 0.25); /* 0.5 - 0.0625, 1 - 0.75 */
    CHECK(f[6] == 0.625 && f[7] == 7);     /* 0.875 - 0.25, 8 - 1 */
    CHECK(f[8] == -1 && f[9] == -1);       /* failed: not written */
}

static void extrapolate_should_leave_the_rung_values_when_nobody_finished(void)
{
    const size_t last[5] = {1, 1, 1, 0, 3};
    double f[5 * 2];
    search_fidelity_extrapolate(FR5, last, 5, 3, 2, f);
    CHECK(f[0] == 0.375 && f[1] == 3.5);
    CHECK(f[6] == 0.875 && f[7] == 8);
}

/* ---------------------------------------------------------------- training in instalments */

static void make_data(ds_tensor *t, size_t n, size_t d, snac_rng *r)
{
    t->n = n;
    t->d = d;
    t->x = malloc(n * d * sizeof(float));
    t->y = malloc(n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t j = 0; j < d; j++) {
            t->x[i * d + j] = (float)rng_normal(r);
            s += t->x[i * d + j] * (double)(j % 3) - 0.3 * t->x[i * d + j];
        }
        t->y[i] = s > 0.5 ? 2 : s > -0.5 ? 1 : 0;
    }
}

static void train_more_should_equal_one_uninterrupted_run(void)
{
    snac_rng r;
    rng_seed(&r, 11);
    ds_tensor data;
    make_data(&data, 300, 6, &r); /* 300 rows at batch 32: a short last batch every epoch */
    nn_arch a = {.n_in = 6, .n_hidden = 2, .hidden = {12, 8}, .n_out = 3, .act = NN_ACT_RELU, .batch_norm = true,
                 .dropout = 0.1f};
    nn_train_opts o = NN_TRAIN_OPTS_INIT;
    o.batch_size = 32;
    o.l1 = 1e-4f;

    snac_rng r1, r2;
    rng_seed(&r1, 99);
    rng_seed(&r2, 99);
    nn_mlp *m1 = NULL, *m2 = NULL;
    CHECK(nn_mlp_new(&a, &r1, &m1) == 0);
    CHECK(nn_mlp_new(&a, &r2, &m2) == 0);
    o.epochs = 3;
    CHECK(nn_train(m1, &data, NULL, &o, &r1, NULL, NULL) == 0);
    nn_adam_state st = {0};
    o.epochs = 1;
    CHECK(nn_train_more(m2, &data, NULL, &o, &r2, &st, NULL, NULL) == 0);
    CHECK(st.t == 10 && st.n > 0 && st.m && st.v);
    /* through a save/load of the weights, as a checkpoint does */
    void *blob = NULL;
    size_t len = 0;
    nn_mlp *m3 = NULL;
    CHECK(nn_mlp_save(m2, &blob, &len) == 0);
    CHECK(nn_mlp_load(blob, len, &m3) == 0);
    free(blob);
    o.epochs = 2;
    CHECK(nn_train_more(m3, &data, NULL, &o, &r2, &st, NULL, NULL) == 0);
    CHECK(st.t == 30);
    void *b1 = NULL, *b3 = NULL;
    size_t l1 = 0, l3 = 0;
    CHECK(nn_mlp_save(m1, &b1, &l1) == 0 && nn_mlp_save(m3, &b3, &l3) == 0);
    CHECK(l1 == l3 && memcmp(b1, b3, l1) == 0);
    CHECK(memcmp(&r1, &r2, sizeof r1) == 0);
    /* a wrong-sized state is refused, not used */
    st.n += 1;
    CHECK(nn_train_more(m3, &data, NULL, &o, &r2, &st, NULL, NULL) != 0);
    free(b1);
    free(b3);
    nn_adam_state_clear(&st);
    nn_adam_state_clear(NULL);
    nn_mlp_free(m1);
    nn_mlp_free(m2);
    nn_mlp_free(m3);
    free(data.x);
    free(data.y);
}

int main(void)
{
    TEST(fidelity_should_round_the_keep_count_up);
    TEST(fidelity_should_advance_the_first_front);
    TEST(fidelity_should_fill_up_by_crowding_distance);
    TEST(fidelity_should_rank_infeasible_and_drop_failed_candidates);
    TEST(fidelity_should_break_ties_by_index);
    TEST(extrapolate_should_add_the_mean_gain_of_the_finishers);
    TEST(extrapolate_should_leave_the_rung_values_when_nobody_finished);
    TEST(train_more_should_equal_one_uninterrupted_run);
    return check_report();
}
