/* Trainer tests: whole-network gradient against finite differences, bitwise
 * reproducibility, learning a separable problem, no allocation in a step, the epoch
 * callback, evaluation and input validation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn/mlp.h"
#include "nn/nnalloc.h"
#include "nn/train.h"
#include "nn_testutil.h"
#include "util/err.h"

/* n rows of d features, C classes, labels argmax(V x) with a margin >= 0.5 between the
 * best and second-best score: linearly separable by construction. */
static void make_separable(ds_tensor *t, size_t n, size_t d, size_t C, snac_rng *r)
{
    float V[5 * 24];
    fill_uniform(V, C * d, -1, 1, r);
    t->n = n;
    t->d = d;
    t->x = malloc(n * d * sizeof(float));
    t->y = malloc(n * sizeof(int32_t));
    for (size_t i = 0; i < n;) {
        float *x = t->x + i * d;
        for (size_t j = 0; j < d; j++)
            x[j] = (float)rng_normal(r);
        double s[5], best = -1e30, second = -1e30;
        size_t arg = 0;
        for (size_t c = 0; c < C; c++) {
            s[c] = 0;
            for (size_t j = 0; j < d; j++)
                s[c] += V[c * d + j] * x[j];
            if (s[c] > best)
                second = best, best = s[c], arg = c;
            else if (s[c] > second)
                second = s[c];
        }
        if (best - second < 0.5)
            continue;
        t->y[i++] = (int32_t)arg;
    }
}

static void free_tensor(ds_tensor *t)
{
    free(t->x);
    free(t->y);
}

static nn_arch small_arch(enum nn_act act, bool bn, float dropout)
{
    nn_arch a = {.n_in = 24, .n_hidden = 3, .hidden = {16, 12, 8}, .n_out = 5,
                 .act = act, .batch_norm = bn, .dropout = dropout};
    return a;
}

/* ---------------------------------------------------------------------------------- */
/* whole-network gradient */

typedef struct net_ctx {
    nn_trainer *t;
    const float *x;
    const int32_t *y;
    size_t n;
    snac_rng rng0; /* copied before every evaluation: the same dropout masks */
} net_ctx;

static double net_loss(void *p)
{
    net_ctx *c = p;
    snac_rng r = c->rng0;
    double loss;
    const float *g;
    nn_trainer_gradient(c->t, c->x, c->y, c->n, &r, &loss, &g);
    return loss / (double)c->n;
}

static void network_gradient_should_match_finite_differences(void)
{
    for (int variant = 0; variant < 2; variant++) {
        snac_rng r;
        rng_seed(&r, 20 + (uint64_t)variant);
        nn_arch a = small_arch(NN_ACT_TANH, variant == 0, variant == 0 ? 0.2f : 0.0f);
        a.act = variant == 0 ? NN_ACT_TANH : NN_ACT_SIGMOID;
        nn_mlp *m;
        nn_trainer *t;
        nn_train_opts o = NN_TRAIN_OPTS_INIT;
        CHECK(nn_mlp_new(&a, &r, &m) == 0);
        CHECK(nn_trainer_new(m, &o, 16, &t) == 0);
        ds_tensor d;
        make_separable(&d, 16, 24, 5, &r);
        net_ctx c = {t, d.x, d.y, 16, r};
        size_t n_train, n_w;
        float *params = nn_mlp_params(m, &n_train, &n_w);
        const float *g;
        double loss;
        snac_rng rr = c.rng0;
        CHECK(nn_trainer_gradient(t, d.x, d.y, 16, &rr, &loss, &g) == 0);
        float *grad = malloc(n_train * sizeof(float));
        memcpy(grad, g, n_train * sizeof(float));
        /* every 7th parameter: weights of all layers, biases, gamma, beta */
        float pick_p[256], pick_g[256];
        size_t idx[256], k = 0;
        for (size_t i = 0; i < n_train && k < 256; i += 7, k++)
            idx[k] = i;
        for (size_t j = 0; j < k; j++) {
            pick_g[j] = grad[idx[j]];
            pick_p[j] = params[idx[j]];
        }
        for (size_t j = 0; j < k; j++) { /* check one parameter at a time through the model */
            float keep = params[idx[j]];
            params[idx[j]] = keep + 5e-3f;
            double up = net_loss(&c);
            params[idx[j]] = keep - 5e-3f;
            double down = net_loss(&c);
            params[idx[j]] = keep;
            double fd = (up - down) / 1e-2;
            CHECK_MSG(fabs(fd - pick_g[j]) <= 2e-3 + 3e-2 * fabs(fd),
                      "variant %d param %zu: fd %.6g analytic %.6g", variant, idx[j], fd,
                      (double)pick_g[j]);
        }
        (void)pick_p;
        /* with BN the dense biases of hidden layers cancel: zero gradient */
        if (variant == 0) {
            nn_layer_view v;
            nn_mlp_layer(m, 0, &v);
            size_t off = (size_t)(nn_mlp_biases(m, 0) - params);
            for (size_t i = 0; i < v.n_out; i++)
                CHECK(grad[off + i] == 0.0f);
        }
        free(grad);
        free_tensor(&d);
        nn_trainer_free(t);
        nn_mlp_free(m);
    }
}

/* ---------------------------------------------------------------------------------- */
/* reproducibility and learning */

static int count_epochs(const nn_epoch_stats *st, void *ctx)
{
    size_t *n = ctx;
    (*n)++;
    CHECK(st->epoch == *n);
    CHECK(isfinite(st->train_loss) && st->train_acc >= 0.0 && st->train_acc <= 1.0);
    return 0;
}

static void train_model(uint64_t seed, const ds_tensor *train, void **blob, size_t *len)
{
    snac_rng r;
    rng_seed(&r, seed);
    nn_arch a = small_arch(NN_ACT_RELU, true, 0.1f);
    nn_mlp *m;
    nn_train_opts o = NN_TRAIN_OPTS_INIT;
    o.epochs = 2;
    o.batch_size = 32;
    o.l1 = 1e-4f;
    size_t epochs = 0;
    CHECK(nn_mlp_new(&a, &r, &m) == 0);
    CHECK(nn_train(m, train, NULL, &o, &r, count_epochs, &epochs) == 0);
    CHECK(epochs == 2);
    CHECK(nn_mlp_save(m, blob, len) == 0);
    nn_mlp_free(m);
}

static void same_seed_should_give_bitwise_identical_weights(void)
{
    snac_rng r;
    rng_seed(&r, 30);
    ds_tensor d;
    make_separable(&d, 300, 24, 5, &r);
    void *b1, *b2, *b3;
    size_t l1, l2, l3;
    train_model(7, &d, &b1, &l1);
    train_model(7, &d, &b2, &l2);
    train_model(8, &d, &b3, &l3);
    CHECK(l1 == l2 && memcmp(b1, b2, l1) == 0);
    CHECK(l1 == l3 && memcmp(b1, b3, l1) != 0); /* a different seed does change them */
    free(b1), free(b2), free(b3);
    free_tensor(&d);
}

static int keep_last(const nn_epoch_stats *st, void *ctx)
{
    *(nn_epoch_stats *)ctx = *st;
    return 0;
}

static void linearly_separable_set_should_reach_99_percent_accuracy(void)
{
    snac_rng r;
    rng_seed(&r, 40);
    ds_tensor train, val;
    make_separable(&train, 3000, 24, 5, &r);
    /* same labelling map for validation: draw from the same generator state copy */
    snac_rng r2;
    rng_seed(&r2, 40);
    ds_tensor tmp;
    make_separable(&tmp, 3600, 24, 5, &r2); /* same V, 600 more rows */
    val.n = 600, val.d = 24, val.x = tmp.x + 3000 * 24, val.y = tmp.y + 3000;
    for (int bn = 0; bn <= 1; bn++) {
        nn_arch a = small_arch(NN_ACT_RELU, bn, 0.0f);
        nn_mlp *m;
        nn_train_opts o = NN_TRAIN_OPTS_INIT;
        o.epochs = 25;
        o.batch_size = 64;
        o.learning_rate = 3e-3f;
        nn_epoch_stats last = {0};
        CHECK(nn_mlp_new(&a, &r, &m) == 0);
        CHECK(nn_train(m, &train, &val, &o, &r, keep_last, &last) == 0);
        double loss, acc;
        size_t conf[25];
        CHECK(nn_evaluate(m, &val, &loss, &acc, conf) == 0);
        CHECK_MSG(acc >= 0.99, "batch norm %d: validation accuracy %.4f", bn, acc);
        CHECK_NEAR(acc, last.val_acc, 1e-12);
        size_t total = 0, diag = 0;
        for (int i = 0; i < 25; i++)
            total += conf[i];
        for (int i = 0; i < 5; i++)
            diag += conf[i * 6];
        CHECK(total == 600);
        CHECK_NEAR((double)diag / 600.0, acc, 1e-12);
        nn_mlp_free(m);
    }
    free_tensor(&train);
    free_tensor(&tmp);
}

/* ---------------------------------------------------------------------------------- */
/* no allocation in a step */

static void training_step_should_allocate_nothing(void)
{
    snac_rng r;
    rng_seed(&r, 50);
    nn_arch a = small_arch(NN_ACT_RELU, true, 0.1f);
    nn_mlp *m;
    nn_trainer *t;
    nn_train_opts o = NN_TRAIN_OPTS_INIT;
    ds_tensor d;
    make_separable(&d, 64, 24, 5, &r);
    size_t rows[32];
    for (size_t i = 0; i < 32; i++)
        rows[i] = 2 * i;
    CHECK(nn_mlp_new(&a, &r, &m) == 0);
    CHECK(nn_trainer_new(m, &o, 32, &t) == 0);
    size_t before = nn_alloc_count();
    double loss;
    size_t hits;
    for (int s = 0; s < 3; s++) {
        CHECK(nn_trainer_step(t, d.x, d.y, 32, &r, &loss, &hits) == 0);
        CHECK(nn_trainer_step_rows(t, &d, rows, 32, &r, &loss, &hits) == 0);
    }
    CHECK(nn_alloc_count() == before);
    CHECK(nn_trainer_steps(t) == 6);
    nn_trainer_free(t);
    nn_mlp_free(m);
    free_tensor(&d);
}

/* ---------------------------------------------------------------------------------- */
/* callback, validation of inputs */

static int stop_at_two(const nn_epoch_stats *st, void *ctx)
{
    (*(size_t *)ctx)++;
    CHECK(isnan(st->val_loss) && isnan(st->val_acc));
    CHECK(st->samples_per_s > 0.0);
    return st->epoch == 2 ? 7 : 0;
}

static void nonzero_callback_return_should_stop_training(void)
{
    snac_rng r;
    rng_seed(&r, 60);
    ds_tensor d;
    make_separable(&d, 100, 24, 5, &r);
    nn_arch a = small_arch(NN_ACT_TANH, false, 0.0f);
    nn_mlp *m;
    nn_train_opts o = NN_TRAIN_OPTS_INIT;
    o.epochs = 5;
    size_t calls = 0;
    CHECK(nn_mlp_new(&a, &r, &m) == 0);
    CHECK(nn_train(m, &d, NULL, &o, &r, stop_at_two, &calls) == 7);
    CHECK(calls == 2);
    nn_mlp_free(m);
    free_tensor(&d);
}

static void bad_labels_and_shapes_should_be_rejected_with_a_message(void)
{
    snac_rng r;
    rng_seed(&r, 70);
    ds_tensor d;
    make_separable(&d, 50, 24, 5, &r);
    nn_arch a = small_arch(NN_ACT_RELU, false, 0.0f);
    nn_mlp *m;
    nn_train_opts o = NN_TRAIN_OPTS_INIT;
    CHECK(nn_mlp_new(&a, &r, &m) == 0);
    d.y[10] = 5;
    CHECK(nn_train(m, &d, NULL, &o, &r, NULL, NULL) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "label 5 of row 10");
    d.y[10] = 0;
    d.d = 23;
    CHECK(nn_train(m, &d, NULL, &o, &r, NULL, NULL) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "23 features");
    d.d = 24;
    o.batch_size = 0;
    CHECK(nn_train(m, &d, NULL, &o, &r, NULL, NULL) == SNAC_EINVAL);
    CHECK_STR_CONTAINS(snac_err_msg(), "batch_size");
    o = (nn_train_opts)NN_TRAIN_OPTS_INIT;
    nn_trainer *t;
    CHECK(nn_trainer_new(m, &o, 8, &t) == 0);
    CHECK(nn_trainer_step(t, d.x, d.y, 9, &r, NULL, NULL) == SNAC_EINVAL);
    nn_trainer_free(t);
    nn_trainer_free(NULL);
    nn_mlp_free(m);
    free_tensor(&d);
}

int main(void)
{
    TEST(network_gradient_should_match_finite_differences);
    TEST(same_seed_should_give_bitwise_identical_weights);
    TEST(linearly_separable_set_should_reach_99_percent_accuracy);
    TEST(training_step_should_allocate_nothing);
    TEST(nonzero_callback_return_should_stop_training);
    TEST(bad_labels_and_shapes_should_be_rejected_with_a_message);
    return check_report();
}
