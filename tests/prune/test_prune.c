/* test_prune — iterative magnitude pruning: the schedule 1 - (1 - rate)^i, each layer to the
 * target within one weight, masks that only grow, the smallest magnitudes go first, global
 * scope, and bad arguments. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "prune/prune.h"
#include "util/err.h"
#include "util/rng.h"

static void schedule_should_compound(void)
{
    CHECK_NEAR(prune_target_sparsity(0.2, 0), 0.0, 1e-15);
    CHECK_NEAR(prune_target_sparsity(0.2, 1), 0.2, 1e-15);
    CHECK_NEAR(prune_target_sparsity(0.2, 10), 1.0 - pow(0.8, 10), 1e-15);
    CHECK_NEAR(prune_target_sparsity(0.2, 10), 0.8926258176, 1e-9);
}

static void ten_steps_of_20_percent_should_reach_each_layer_target(void)
{
    snac_rng rng;
    rng_seed(&rng, 1);
    enum { L = 3 };
    const size_t n[L] = {24 * 120, 120 * 60, 44 * 5};
    prune_tensor t[L];
    for (int l = 0; l < L; l++) {
        t[l].n = n[l];
        t[l].w = malloc(n[l] * sizeof(float));
        t[l].mask = malloc(n[l]);
        for (size_t i = 0; i < n[l]; i++) {
            t[l].w[i] = (float)rng_normal(&rng);
            t[l].mask[i] = 1;
        }
    }
    uint8_t *before = malloc(n[1]);
    for (size_t it = 1; it <= 10; it++) {
        for (size_t i = 0; i < n[1]; i++)
            before[i] = t[1].mask[i];
        /* training in between moves the weights: survivors get new random values */
        for (int l = 0; l < L; l++)
            for (size_t i = 0; i < n[l]; i++)
                if (t[l].mask[i])
                    t[l].w[i] = (float)rng_normal(&rng);
        double target = prune_target_sparsity(0.2, it);
        CHECK(prune_magnitude(t, L, target, PRUNE_SCOPE_LAYER) == 0);
        for (int l = 0; l < L; l++) {
            double s = prune_sparsity(&t[l], 1);
            CHECK_MSG(fabs(s * (double)n[l] - target * (double)n[l]) <= 1.0, "iteration %zu layer %d: %.6f vs %.6f",
                      it, l, s, target);
            for (size_t i = 0; i < n[l]; i++)
                if (!t[l].mask[i])
                    CHECK(t[l].w[i] == 0.0f);
        }
        size_t revived = 0;
        for (size_t i = 0; i < n[1]; i++)
            revived += !before[i] && t[1].mask[i];
        CHECK(revived == 0);
    }
    CHECK_NEAR(prune_sparsity(t, L), 1.0 - pow(0.8, 10), 1.0 / 1000);
    free(before);
    for (int l = 0; l < L; l++) {
        free(t[l].w);
        free(t[l].mask);
    }
}

static void smallest_magnitudes_should_go_first_and_global_should_pool(void)
{
    float a[6] = {0.5f, -0.1f, 3.0f, 0.2f, -2.0f, 0.05f};
    float b[4] = {10.0f, -9.0f, 8.0f, 0.01f};
    uint8_t ma[6] = {1, 1, 1, 1, 1, 1}, mb[4] = {1, 1, 1, 1};
    prune_tensor t[2] = {{a, ma, 6}, {b, mb, 4}};
    CHECK(prune_magnitude(t, 1, 0.5, PRUNE_SCOPE_LAYER) == 0);
    /* 3 of 6 go: |0.05|, |-0.1|, |0.2| */
    CHECK(ma[5] == 0 && ma[1] == 0 && ma[3] == 0 && ma[0] && ma[2] && ma[4]);
    CHECK(a[5] == 0.0f && a[1] == 0.0f && a[3] == 0.0f && a[0] == 0.5f);
    /* global 0.6 of all 10: the 3 masked + 0.01 + 0.5 + -2.0 */
    CHECK(prune_magnitude(t, 2, 0.6, PRUNE_SCOPE_GLOBAL) == 0);
    CHECK(mb[3] == 0 && ma[0] == 0 && ma[4] == 0 && ma[2] == 1 && mb[0] && mb[1] && mb[2]);
    CHECK_NEAR(prune_sparsity(t, 2), 0.6, 1e-12);
    /* errors */
    CHECK(prune_magnitude(t, 2, 1.5, PRUNE_SCOPE_LAYER) == SNAC_EINVAL);
    b[0] = NAN;
    CHECK(prune_magnitude(t, 2, 0.7, PRUNE_SCOPE_LAYER) == SNAC_EINVAL);
}

static void rewind_should_restore_the_checkpoint_exactly(void)
{
    float a[5] = {9, 9, 9, 9, 9}, b[3] = {7, 7, 7};
    uint8_t ma[5] = {1, 0, 1, 1, 0}, mb[3] = {0, 1, 1};
    const float ckpt[8] = {0.1f, 0.2f, -0.3f, 1e-30f, 5.0f, 6.0f, -7.5f, 0.0f};
    prune_tensor t[2] = {{a, ma, 5}, {b, mb, 3}};
    prune_rewind(t, 2, ckpt);
    const float want_a[5] = {0.1f, 0.0f, -0.3f, 1e-30f, 0.0f}, want_b[3] = {0.0f, -7.5f, 0.0f};
    CHECK(memcmp(a, want_a, sizeof a) == 0);
    CHECK(memcmp(b, want_b, sizeof b) == 0);
}

/* issue 24: the number masked is round(sparsity * n), exactly, per layer; by hand: n = 10 at
 * 0.36 -> 3.6 -> 4 (truncation would give 3), n = 7 at 0.5 -> 3.5 -> 4, n = 9 at 0.488 -> 4.392 -> 4,
 * n = 25 at 0.2 -> 5; globally 0.36 of all 51 -> 18.36 -> 18 */
static size_t masked(const prune_tensor *t)
{
    size_t z = 0;
    for (size_t i = 0; i < t->n; i++)
        z += !t->mask[i];
    return z;
}

static void target_count_should_be_rounded_exactly(void)
{
    enum { L = 4 };
    const size_t n[L] = {10, 7, 9, 25};
    const double s[L] = {0.36, 0.5, 0.488, 0.2};
    const size_t want[L] = {4, 4, 4, 5};
    float w[51];
    uint8_t m[51];
    prune_tensor t[L];
    size_t off = 0;
    for (int l = 0; l < L; l++) {
        t[l] = (prune_tensor){w + off, m + off, n[l]};
        off += n[l];
    }
    for (int l = 0; l < L; l++) {
        for (size_t i = 0; i < 51; i++)
            w[i] = (float)(i + 1) * ((i % 2) ? -0.1f : 0.1f), m[i] = 1;
        CHECK(prune_magnitude(&t[l], 1, s[l], PRUNE_SCOPE_LAYER) == 0);
        CHECK_MSG(masked(&t[l]) == want[l], "layer %d: %zu masked, want %zu", l, masked(&t[l]), want[l]);
        /* the smallest magnitudes of this layer: its first want[l] entries (|w| grows with i) */
        for (size_t i = 0; i < n[l]; i++)
            CHECK(t[l].mask[i] == (i >= want[l]));
    }
    for (size_t i = 0; i < 51; i++)
        w[i] = (float)(i + 1) * 0.1f, m[i] = 1;
    CHECK(prune_magnitude(t, L, 0.36, PRUNE_SCOPE_GLOBAL) == 0);
    size_t total = 0;
    for (int l = 0; l < L; l++)
        total += masked(&t[l]);
    CHECK_MSG(total == 18, "global: %zu masked, want 18", total);
    /* pooled: the 18 smallest of all are the whole first layer (10), all of the second (7) and one
     * of the third, so the per-layer counts are 10, 7, 1, 0, not 0.36 of each */
    CHECK(masked(&t[0]) == 10 && masked(&t[1]) == 7 && masked(&t[2]) == 1 && masked(&t[3]) == 0);
}

int main(void)
{
    rewind_should_restore_the_checkpoint_exactly();
    schedule_should_compound();
    ten_steps_of_20_percent_should_reach_each_layer_target();
    smallest_magnitudes_should_go_first_and_global_should_pool();
    TEST(target_count_should_be_rounded_exactly);
    return check_report();
}
