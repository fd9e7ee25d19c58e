/* test_local_prune — one pruning step of `snac local` (local_prune_rewind, the step run_chain
 * takes between QAT runs) on a 3-2-2 net whose every number is written here by hand:
 *
 *   - the order prune -> rewind: the mask comes from the magnitudes of the TRAINED weights (the
 *     QAT state's current master weights), and only then do the survivors take their
 *     rewind-point values; the checkpoint is chosen so that ranking it instead (rewind before
 *     prune) masks other weights, so the order is visible in every layer;
 *   - the counts: round(target * n) per layer at prune_rate 0.4, where rounding and truncation
 *     differ (iteration 1: 6 x 0.4 = 2.4 -> 2, 4 x 0.4 = 1.6 -> 2; iteration 2: 6 x 0.64 = 3.84
 *     -> 4, 4 x 0.64 = 2.56 -> 3);
 *   - the scope: global pools both layers' weights (a different mask from per-layer);
 *   - masks only grow, masked weights are exactly 0, every bias is rewound too.
 *
 * The net: 3 inputs, 2 ReLU, 2 outputs. Parameters in quant_qat_params order: layer 0's
 * weights (2 x 3), layer 1's (2 x 2), then the biases (2 + 2): 14 floats.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn/mlp.h"
#include "prune/prune.h"
#include "quant/qat.h"
#include "search/local_config.h"
#include "search/local_run.h"
#include "util/rng.h"

enum { NP = 14, N0 = 6, N1 = 4 };

/* The rewind point (after the warm-up). Its magnitude order is the opposite of the trained
 * weights' where it matters: ranking it would mask l0[0], l0[2] and l1[0], l1[2]. */
static const float ckpt[NP] = {0.01f, 0.8f, -0.03f, 0.6f, 0.5f, 0.04f, /* layer 0 */
                               0.05f, -0.7f, 0.06f, 0.9f,               /* layer 1 */
                               -0.11f, 0.12f, -0.13f, 0.14f};          /* biases */

/* The weights after training, before iteration 1's pruning. */
static const float trained1[NP] = {0.9f, -0.35f, 0.4f, -0.3f, 0.02f, 0.7f, /* |.| order: 4 3 1 2 5 0 */
                                   -0.6f, 0.1f, 0.25f, -0.08f,            /* |.| order: 3 1 2 0 */
                                   0.3f, -0.2f, 0.1f, 0.4f};

typedef struct net {
    nn_mlp *mlp;
    quant_model *spec;
    quant_qat *q;
} net;

static void net_new(net *t)
{
    snac_rng rng;
    rng_seed(&rng, 3);
    nn_arch a = {.n_in = 3, .n_hidden = 1, .hidden = {2}, .n_out = 2, .act = NN_ACT_RELU};
    local_config lc;
    local_config_init(&lc);
    quant_qat_opts o = QUANT_QAT_OPTS_INIT;
    o.batch_size = 4;
    memset(t, 0, sizeof *t);
    CHECK(nn_mlp_new(&a, &rng, &t->mlp) == 0);
    CHECK(local_model_spec(&lc, 8, &a, &t->spec) == 0);
    CHECK(quant_qat_new(t->mlp, t->spec, &o, &t->q) == 0);
    size_t n = 0;
    float *p = quant_qat_params(t->q, &n);
    CHECK(n == NP && quant_qat_n_layers(t->q) == 2);
    memcpy(p, trained1, sizeof trained1);
}

static void net_free(net *t)
{
    quant_qat_free(t->q);
    quant_model_free(t->spec);
    nn_mlp_free(t->mlp);
}

/* The QAT state's parameters and both masks equal want / want_m0 / want_m1 exactly. */
static void check_state(net *t, const char *what, const float *want, const uint8_t *want_m0, const uint8_t *want_m1)
{
    size_t n = 0, n0 = 0, n1 = 0;
    const float *p = quant_qat_params(t->q, &n);
    quant_qat_weights(t->q, 0, &n0);
    quant_qat_weights(t->q, 1, &n1);
    CHECK(n == NP && n0 == N0 && n1 == N1);
    const uint8_t *m0 = quant_qat_mask(t->q, 0), *m1 = quant_qat_mask(t->q, 1);
    for (size_t i = 0; i < N0; i++)
        CHECK_MSG(m0[i] == want_m0[i], "%s: layer 0 mask[%zu] = %d, want %d", what, i, m0[i], want_m0[i]);
    for (size_t i = 0; i < N1; i++)
        CHECK_MSG(m1[i] == want_m1[i], "%s: layer 1 mask[%zu] = %d, want %d", what, i, m1[i], want_m1[i]);
    for (size_t i = 0; i < NP; i++)
        CHECK_MSG(p[i] == want[i], "%s: parameter %zu = %g, want %g", what, i, (double)p[i], (double)want[i]);
}

static void step_should_mask_by_the_trained_weights_then_rewind_the_survivors(void)
{
    net t;
    net_new(&t);
    /* iteration 1, target 0.4: layer 0 masks round(2.4) = 2 of its trained weights, the smallest
     * |0.02| (4) and |-0.3| (3); layer 1 round(1.6) = 2: |-0.08| (3) and |0.1| (1). The survivors
     * take the checkpoint's values, the biases too. */
    CHECK_NEAR(prune_target_sparsity(0.4, 1), 0.4, 1e-15);
    CHECK(local_prune_rewind(t.q, ckpt, prune_target_sparsity(0.4, 1), PRUNE_SCOPE_LAYER) == 0);
    const uint8_t m0_1[N0] = {1, 1, 1, 0, 0, 1}, m1_1[N1] = {1, 0, 1, 0};
    const float want1[NP] = {0.01f, 0.8f, -0.03f, 0.0f, 0.0f, 0.04f, 0.05f, 0.0f, 0.06f, 0.0f,
                             -0.11f, 0.12f, -0.13f, 0.14f};
    check_state(&t, "iteration 1", want1, m0_1, m1_1);

    /* training moves the survivors (masked weights stay 0) */
    const float trained2[NP] = {0.2f, 0.15f, -0.5f, 0.0f, 0.0f, -0.35f, 0.3f, 0.0f, -0.02f, 0.0f,
                                1.0f, 2.0f, 3.0f, 4.0f};
    memcpy(quant_qat_params(t.q, &(size_t){0}), trained2, sizeof trained2);
    /* iteration 2, target 1 - 0.6^2 = 0.64: layer 0 round(3.84) = 4 masked, the two masked plus
     * the smallest trained survivors |0.15| (1) and |0.2| (0) (rewound first it would be |0.01| (0)
     * and |-0.03| (2)); layer 1 round(2.56) = 3: |-0.02| (2) (rewound first: |0.05| (0)) */
    CHECK_NEAR(prune_target_sparsity(0.4, 2), 0.64, 1e-15);
    CHECK(local_prune_rewind(t.q, ckpt, prune_target_sparsity(0.4, 2), PRUNE_SCOPE_LAYER) == 0);
    const uint8_t m0_2[N0] = {0, 0, 1, 0, 0, 1}, m1_2[N1] = {1, 0, 0, 0};
    const float want2[NP] = {0.0f, 0.0f, -0.03f, 0.0f, 0.0f, 0.04f, 0.05f, 0.0f, 0.0f, 0.0f,
                             -0.11f, 0.12f, -0.13f, 0.14f};
    check_state(&t, "iteration 2", want2, m0_2, m1_2);
    net_free(&t);
}

static void global_scope_should_pool_the_layers_trained_weights(void)
{
    net t;
    net_new(&t);
    /* 0.4 of all 10 weights = 4, the smallest trained magnitudes over both layers: |0.02| (l0 4),
     * |-0.08| (l1 3), |0.1| (l1 1), |0.25| (l1 2): one of layer 0, three of layer 1 (per layer it
     * would be two and two; from the checkpoint l0 0, 2, 5 and l1 0) */
    CHECK(local_prune_rewind(t.q, ckpt, 0.4, PRUNE_SCOPE_GLOBAL) == 0);
    const uint8_t m0[N0] = {1, 1, 1, 1, 0, 1}, m1[N1] = {1, 0, 0, 0};
    const float want[NP] = {0.01f, 0.8f, -0.03f, 0.6f, 0.0f, 0.04f, 0.05f, 0.0f, 0.0f, 0.0f,
                            -0.11f, 0.12f, -0.13f, 0.14f};
    check_state(&t, "global", want, m0, m1);
    net_free(&t);
}

static void bad_target_should_leave_the_state_untouched(void)
{
    net t;
    net_new(&t);
    CHECK(local_prune_rewind(t.q, ckpt, 1.5, PRUNE_SCOPE_LAYER) != 0);
    const uint8_t all0[N0] = {1, 1, 1, 1, 1, 1}, all1[N1] = {1, 1, 1, 1};
    check_state(&t, "refused", trained1, all0, all1);
    net_free(&t);
}

int main(void)
{
    TEST(step_should_mask_by_the_trained_weights_then_rewind_the_survivors);
    TEST(global_scope_should_pool_the_layers_trained_weights);
    TEST(bad_target_should_leave_the_state_untouched);
    return check_report();
}
