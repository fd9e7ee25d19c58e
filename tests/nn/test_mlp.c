/* Model tests: initialisation, architecture validation, BN folding, the binary format
 * (round trip, truncation, corruption, version). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn/mlp.h"
#include "nn/train.h"
#include "nn_testutil.h"
#include "util/err.h"

static nn_arch baseline(void)
{
    nn_arch a = {.n_in = 24, .n_hidden = 8, .hidden = {120, 60, 32, 64, 64, 64, 32, 44},
                 .n_out = 5, .act = NN_ACT_RELU, .batch_norm = true, .dropout = 0.0f};
    return a;
}

/* A model whose BN parameters and running statistics are far from their defaults. */
static nn_mlp *perturbed_model(nn_arch a, uint64_t seed)
{
    snac_rng r;
    rng_seed(&r, seed);
    nn_mlp *m;
    if (nn_mlp_new(&a, &r, &m) != 0)
        return NULL;
    for (size_t l = 0; l + 1 < nn_mlp_n_layers(m); l++) {
        nn_layer_view v;
        nn_mlp_layer(m, l, &v);
        fill_uniform(nn_mlp_biases(m, l), v.n_out, -0.5f, 0.5f, &r);
        if (v.bn_gamma) {
            fill_uniform((float *)v.bn_gamma, v.n_out, 0.5f, 2.0f, &r);
            fill_uniform((float *)v.bn_beta, v.n_out, -0.5f, 0.5f, &r);
            fill_uniform((float *)v.bn_mean, v.n_out, -1.0f, 1.0f, &r);
            fill_uniform((float *)v.bn_var, v.n_out, 0.2f, 3.0f, &r);
        }
    }
    return m;
}

static void new_model_should_follow_the_initialisation_rules(void)
{
    nn_arch a = baseline();
    snac_rng r;
    rng_seed(&r, 1);
    nn_mlp *m;
    CHECK(nn_mlp_new(&a, &r, &m) == 0);
    CHECK(nn_mlp_n_layers(m) == 9);
    size_t n_train, n_w;
    nn_mlp_params(m, &n_train, &n_w);
    CHECK(n_w == nn_arch_macs(&a) && n_w == 25916);
    CHECK(n_train == nn_arch_params(&a));
    for (size_t l = 0; l < 9; l++) {
        nn_layer_view v;
        nn_mlp_layer(m, l, &v);
        double lim = l < 8 ? sqrt(6.0 / (double)v.n_in) : sqrt(6.0 / (double)(v.n_in + v.n_out));
        double maxabs = 0;
        for (size_t i = 0; i < v.n_in * v.n_out; i++)
            maxabs = fmax(maxabs, fabs(v.w[i]));
        CHECK_MSG(maxabs <= lim && maxabs > 0.8 * lim, "layer %zu: max |w| %g, limit %g", l, maxabs, lim);
        for (size_t o = 0; o < v.n_out; o++) {
            CHECK(v.b[o] == 0.0f);
            if (l < 8)
                CHECK(v.bn_gamma[o] == 1.0f && v.bn_beta[o] == 0.0f && v.bn_mean[o] == 0.0f &&
                      v.bn_var[o] == 1.0f);
        }
        CHECK((l < 8) == (v.bn_gamma != NULL));
    }
    nn_mlp_free(m);
    nn_mlp_free(NULL);
}

static void invalid_architecture_should_be_rejected(void)
{
    snac_rng r;
    rng_seed(&r, 2);
    nn_mlp *m = (nn_mlp *)&r;
    nn_arch a = baseline();
    a.dropout = 1.0f;
    CHECK(nn_mlp_new(&a, &r, &m) == SNAC_EINVAL && m == NULL);
    CHECK_STR_CONTAINS(snac_err_msg(), "dropout");
    a = baseline();
    a.hidden[3] = 0;
    CHECK(nn_mlp_new(&a, &r, &m) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "hidden layer 3");
    a = baseline();
    a.n_hidden = NN_MAX_HIDDEN + 1;
    CHECK(nn_mlp_new(&a, &r, &m) == SNAC_EINVAL);
}

static void folded_batch_norm_should_predict_like_unfolded_inference(void)
{
    nn_mlp *m = perturbed_model(baseline(), 3), *f = NULL;
    CHECK(m != NULL);
    CHECK(nn_mlp_fold_bn(m, &f) == 0);
    CHECK(!nn_mlp_arch(f)->batch_norm);
    nn_layer_view v;
    nn_mlp_layer(f, 0, &v);
    CHECK(v.bn_gamma == NULL);
    enum { N = 300 };
    static float x[N * 24], p1[N * 5], p2[N * 5];
    snac_rng r;
    rng_seed(&r, 4);
    for (size_t i = 0; i < N * 24; i++)
        x[i] = (float)rng_normal(&r);
    CHECK(nn_mlp_predict(m, x, N, p1) == 0);
    CHECK(nn_mlp_predict(f, x, N, p2) == 0);
    double worst = 0;
    size_t same_class = 0;
    for (size_t i = 0; i < N; i++) {
        size_t a1 = 0, a2 = 0;
        double s = 0;
        for (size_t c = 0; c < 5; c++) {
            worst = fmax(worst, fabs(p1[i * 5 + c] - p2[i * 5 + c]));
            a1 = p1[i * 5 + c] > p1[i * 5 + a1] ? c : a1;
            a2 = p2[i * 5 + c] > p2[i * 5 + a2] ? c : a2;
            s += p1[i * 5 + c];
        }
        CHECK_NEAR(s, 1.0, 1e-5);
        same_class += a1 == a2;
    }
    CHECK_MSG(worst < 1e-4, "max probability difference %g", worst);
    CHECK(same_class == N);
    /* and the perturbation matters: the plain model differs from its BN-identity twin */
    nn_mlp_free(f);
    nn_mlp_free(m);
}

static void save_load_round_trip_should_be_bit_identical(void)
{
    nn_arch a = baseline();
    a.act = NN_ACT_SIGMOID;
    a.dropout = 0.05f;
    nn_mlp *m = perturbed_model(a, 5), *m2 = NULL;
    void *b1, *b2;
    size_t l1, l2;
    CHECK(nn_mlp_save(m, &b1, &l1) == 0);
    CHECK(nn_mlp_load(b1, l1, &m2) == 0);
    CHECK(nn_mlp_save(m2, &b2, &l2) == 0);
    CHECK(l1 == l2 && memcmp(b1, b2, l1) == 0);
    CHECK(memcmp(nn_mlp_arch(m), nn_mlp_arch(m2), sizeof(nn_arch)) == 0);
    for (size_t l = 0; l < nn_mlp_n_layers(m); l++) {
        nn_layer_view v, w;
        nn_mlp_layer(m, l, &v);
        nn_mlp_layer(m2, l, &w);
        CHECK(memcmp(v.w, w.w, v.n_in * v.n_out * sizeof(float)) == 0);
        CHECK(memcmp(v.b, w.b, v.n_out * sizeof(float)) == 0);
        if (v.bn_gamma)
            CHECK(memcmp(v.bn_var, w.bn_var, v.n_out * sizeof(float)) == 0 &&
                  memcmp(v.bn_mean, w.bn_mean, v.n_out * sizeof(float)) == 0 &&
                  v.bn_eps == w.bn_eps);
    }
    /* little-endian magic and version at fixed offsets */
    CHECK(memcmp(b1, "SNACMLP", 8) == 0);
    CHECK(((unsigned char *)b1)[8] == 1 && ((unsigned char *)b1)[9] == 0);
    free(b1), free(b2);
    nn_mlp_free(m), nn_mlp_free(m2);
}

static void truncated_or_corrupted_blob_should_fail_with_format_error(void)
{
    nn_arch a = {.n_in = 3, .n_hidden = 2, .hidden = {4, 3}, .n_out = 2, .act = NN_ACT_TANH,
                 .batch_norm = true};
    nn_mlp *m = perturbed_model(a, 6), *out;
    unsigned char *b;
    size_t len;
    CHECK(nn_mlp_save(m, (void **)&b, &len) == 0);
    for (size_t n = 0; n < len; n++) {
        out = (nn_mlp *)b;
        int rc = nn_mlp_load(b, n, &out);
        CHECK_MSG(rc == SNAC_EFORMAT && out == NULL, "prefix of %zu bytes gave %d", n, rc);
        CHECK(snac_err_msg()[0] != '\0');
    }
    unsigned char *big = malloc(len + 1);
    memcpy(big, b, len);
    big[len] = 0;
    CHECK(nn_mlp_load(big, len + 1, &out) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "oversized");
    free(big);
    for (size_t i = 0; i < len; i++) { /* every single-bit flip is detected */
        for (int bit = 0; bit < 8; bit += 3) {
            b[i] ^= (unsigned char)(1u << bit);
            int rc = nn_mlp_load(b, len, &out);
            CHECK_MSG(rc == SNAC_EFORMAT, "flip of bit %d of byte %zu gave %d", bit, i, rc);
            b[i] ^= (unsigned char)(1u << bit);
        }
    }
    CHECK(nn_mlp_load(b, len, &out) == 0);
    nn_mlp_free(out);
    b[8] = 2; /* a future version */
    CHECK(nn_mlp_load(b, len, &out) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "unsupported format version 2");
    b[0] = 'X';
    CHECK(nn_mlp_load(b, len, &out) == SNAC_EFORMAT);
    CHECK_STR_CONTAINS(snac_err_msg(), "bad magic");
    free(b);
    nn_mlp_free(m);
}

static void evaluate_of_fresh_and_empty_sets_should_be_defined(void)
{
    nn_mlp *m = perturbed_model(baseline(), 7);
    ds_tensor empty = {0};
    double loss = 0, acc = 0;
    CHECK(nn_evaluate(m, &empty, &loss, &acc, NULL) == 0);
    CHECK(isnan(loss) && isnan(acc));
    float x[24 * 3] = {0};
    int32_t y[3] = {0, 1, 4};
    ds_tensor t = {3, 24, x, y};
    size_t conf[25];
    CHECK(nn_evaluate(m, &t, &loss, &acc, conf) == 0);
    CHECK(isfinite(loss) && loss > 0);
    size_t total = 0;
    for (int i = 0; i < 25; i++)
        total += conf[i];
    CHECK(total == 3);
    nn_mlp_free(m);
}

static void arch_json_and_counts_should_describe_the_network(void)
{
    nn_arch a = {.n_in = 24, .n_hidden = 2, .hidden = {16, 8}, .n_out = 5, .act = NN_ACT_TANH,
                 .batch_norm = true, .dropout = 0.05f};
    char buf[256];
    const char *want = "{\"n_in\":24,\"hidden\":[16,8],\"n_out\":5,\"activation\":\"tanh\","
                       "\"batch_norm\":true,\"dropout\":0.0500000007}";
    CHECK(nn_arch_json(&a, buf, sizeof buf) == strlen(want));
    CHECK_MSG(strcmp(buf, want) == 0, "%s", buf);
    char small[10];
    CHECK(nn_arch_json(&a, small, sizeof small) == strlen(want)); /* reports the size it needs */
    CHECK(strlen(small) == sizeof small - 1);
    CHECK(nn_arch_macs(&a) == 24 * 16 + 16 * 8 + 8 * 5);
    CHECK(nn_arch_params(&a) == (24 * 16 + 16) + 2 * 16 + (16 * 8 + 8) + 2 * 8 + (8 * 5 + 5));
}

int main(void)
{
    TEST(arch_json_and_counts_should_describe_the_network);
    TEST(new_model_should_follow_the_initialisation_rules);
    TEST(invalid_architecture_should_be_rejected);
    TEST(folded_batch_norm_should_predict_like_unfolded_inference);
    TEST(save_load_round_trip_should_be_bit_identical);
    TEST(truncated_or_corrupted_blob_should_fail_with_format_error);
    TEST(evaluate_of_fresh_and_empty_sets_should_be_defined);
    return check_report();
}
