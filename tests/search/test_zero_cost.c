/* zero_cost: each proxy on nets small enough to compute by hand (values in the comments). */
#include "check.h"

#include <math.h>

#include "nn/mlp.h"
#include "search/zero_cost.h"
#include "util/rng.h"

/* 2 -> [2] -> 2, W0 = I, W1 = [[1, -2], [0.5, 0.5]], zero biases */
static nn_mlp *tiny(bool bn)
{
    nn_arch a = {.n_in = 2, .n_hidden = 1, .hidden = {2}, .n_out = 2, .act = NN_ACT_RELU, .batch_norm = bn};
    snac_rng rng;
    rng_seed(&rng, 1);
    nn_mlp *m = NULL;
    if (nn_mlp_new(&a, &rng, &m))
        return NULL;
    float w0[] = {1, 0, 0, 1}, w1[] = {1, -2, 0.5f, 0.5f};
    memcpy(nn_mlp_weights(m, 0), w0, sizeof w0);
    memcpy(nn_mlp_weights(m, 1), w1, sizeof w1);
    memset(nn_mlp_biases(m, 0), 0, 2 * sizeof(float));
    memset(nn_mlp_biases(m, 1), 0, 2 * sizeof(float));
    return m;
}

static void naswot_should_be_the_log_det_of_the_agreement_kernel(void)
{
    nn_mlp *m = tiny(false);
    CHECK(m != NULL);
    /* codes 11, 10, 00: K = [[2,1,0],[1,2,1],[0,1,2]], det 4 */
    float x[] = {1, 1, 1, -1, -1, -1};
    double s = 0;
    CHECK(zc_naswot(m, x, 3, &s) == 0);
    CHECK_NEAR(s, log(4.0), 1e-12);
    /* a unit at exactly 0 is off, as ReLU's gate: codes 01, 11, 00, K = [[2,1,1],[1,2,0],[1,0,2]] */
    float x0[] = {0, 1, 1, 1, -1, -1};
    CHECK(zc_naswot(m, x0, 3, &s) == 0);
    CHECK_NEAR(s, log(4.0), 1e-12);
    /* a fourth input with the first one's pattern: K singular */
    float x4[] = {1, 1, 1, -1, -1, -1, 2, 3};
    CHECK(zc_naswot(m, x4, 4, &s) == 0);
    CHECK(isinf(s) && s < 0);
    CHECK(zc_naswot(m, x, 1, &s) != 0);
    nn_mlp_free(m);
}

static void naswot_should_gate_after_batch_norm_in_training_mode(void)
{
    /* z = x: without BN the codes are 11, 11, 10 (singular); with the batch's mean
     * (2, 2/3) removed they are 01, 11, 00: K = [[2,1,1],[1,2,0],[1,0,2]], det 4 */
    float x[] = {1, 1, 3, 2, 2, -1};
    double s = 0;
    nn_mlp *plain = tiny(false), *bn = tiny(true);
    CHECK(plain && bn);
    CHECK(zc_naswot(plain, x, 3, &s) == 0);
    CHECK(isinf(s) && s < 0);
    CHECK(zc_naswot(bn, x, 3, &s) == 0);
    CHECK_NEAR(s, log(4.0), 1e-12);
    nn_mlp_free(plain);
    nn_mlp_free(bn);
}

static void synflow_should_sum_weight_times_path_flow(void)
{
    nn_mlp *m = tiny(false);
    CHECK(m != NULL);
    /* ones in; act1 = (1, 1), R = 3 + 1 = 4; each layer's term is R with zero biases: 8 */
    double s = 0;
    CHECK(zc_synflow(m, &s) == 0);
    CHECK_NEAR(s, log(8.0), 1e-12);
    /* b0 = (-0.5, 0), taken by magnitude: act1 = (1.5, 1); layer 1: 1*1.5 + 2*1 + 0.5*1.5 + 0.5*1 = 4.75;
     * layer 0: g1 = |W1|^T (1, 1) = (1.5, 2.5), so 1*1.5 + 1*2.5 = 4; the biases are not summed */
    nn_mlp_biases(m, 0)[0] = -0.5f;
    CHECK(zc_synflow(m, &s) == 0);
    CHECK_NEAR(s, log(8.75), 1e-12);
    nn_mlp_free(m);
}

static void gradnorm_should_be_the_norm_of_the_mean_weight_gradient(void)
{
    /* logistic regression with zero weights: p = (1/2, 1/2); x = (1, 2) class 0 gives
     * dW = [[-0.5, -1], [0.5, 1]], x = (2, 0) class 1 gives [[1, 0], [-1, 0]]; the mean
     * [[0.25, -0.5], [-0.25, 0.5]] has norm sqrt(0.625) */
    nn_arch a = {.n_in = 2, .n_hidden = 0, .n_out = 2, .act = NN_ACT_RELU};
    snac_rng rng;
    rng_seed(&rng, 3);
    nn_mlp *m = NULL;
    CHECK(nn_mlp_new(&a, &rng, &m) == 0);
    memset(nn_mlp_weights(m, 0), 0, 4 * sizeof(float));
    memset(nn_mlp_biases(m, 0), 0, 2 * sizeof(float));
    float x[] = {1, 2, 2, 0};
    int32_t y[] = {0, 1};
    double s = 0;
    CHECK(zc_gradnorm(m, x, y, 2, 1, &s) == 0);
    CHECK_NEAR(s, sqrt(0.625), 1e-7);
    CHECK(nn_mlp_weights(m, 0)[1] == 0.0f); /* no update */
    nn_mlp_free(m);
}

int main(void)
{
    TEST(naswot_should_be_the_log_det_of_the_agreement_kernel);
    TEST(naswot_should_gate_after_batch_norm_in_training_mode);
    TEST(synflow_should_sum_weight_times_path_flow);
    TEST(gradnorm_should_be_the_norm_of_the_mean_weight_gradient);
    return check_report();
}
