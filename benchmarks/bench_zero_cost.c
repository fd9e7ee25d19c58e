/* bench_zero_cost — do training-free proxies rank this search space like training does?
 *
 * Draws N uniform random genomes from a search config's space (its data, its epochs), scores
 * each untrained network (NASWOT, SynFlow, grad-norm on one fixed batch; the parameter count as
 * the baseline any proxy must beat), then trains it exactly as a search trial would
 * (search_eval_trial's seed use: the same seed builds and trains the network) and evaluates its
 * validation accuracy. The validation accuracy after the first of those epochs is scored too:
 * the cheap fidelity the multi-fidelity search already uses, the bar a zero-cost proxy has to
 * clear to be worth it. Prints per proxy: Spearman's rho with the trained accuracy, and what a
 * pre-screen keeping the better half by the proxy would keep of the true top 10%; and the time
 * per score against the time per training.
 *
 * Usage: bench_zero_cost CONFIG [N [epochs [seed]]]   (defaults 60, the config's search.epochs, 1)
 *   e.g. snac data gen; ./build/benchmarks/bench_zero_cost configs/search_snac.yaml 60
 * Memory: the data set, one network at a time, N x 5 doubles.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "config/config.h"
#include "nn/train.h"
#include "search/genome.h"
#include "search/search_config.h"
#include "search/search_space.h"
#include "search/zero_cost.h"
#include "util/err.h"
#include "util/progress.h"
#include "util/rng.h"

#define BATCH 128
enum { P_NASWOT, P_SYNFLOW, P_GRADNORM, P_EPOCH1, P_PARAMS, N_PROXY };
static const char *const proxy_names[N_PROXY] = {"naswot", "synflow", "grad-norm", "1-epoch val acc",
                                                 "params (baseline)"};

/* Epoch callback: the validation accuracy after epoch 1 and that epoch's training time.
 * nn_evaluate only reads the model, so the training continues exactly as without it. */
typedef struct epoch1_ctx {
    const nn_mlp *m;
    const ds_tensor *val;
    double acc, seconds;
} epoch1_ctx;

static int epoch1_cb(const nn_epoch_stats *st, void *p)
{
    epoch1_ctx *c = p;
    if (st->epoch != 1)
        return 0;
    c->seconds = st->seconds;
    return nn_evaluate(c->m, c->val, NULL, &c->acc, NULL);
}

static double **sort_key; /* for the index sort below */
static size_t sort_col;
static int by_value_desc(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    double x = sort_key[sort_col][i], y = sort_key[sort_col][j];
    return x != y ? (x < y) - (x > y) : (i > j) - (i < j); /* ties by index: deterministic */
}

/* Indices of cols[c] sorted by descending value, ties by index. */
static void rank_desc(double **cols, size_t c, size_t *idx, size_t n)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    sort_key = cols;
    sort_col = c;
    qsort(idx, n, sizeof *idx, by_value_desc);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 5) {
        fprintf(stderr, "usage: bench_zero_cost CONFIG [N [epochs [seed]]]\n");
        return 2;
    }
    size_t n = argc > 2 ? strtoul(argv[2], NULL, 10) : 60;
    uint64_t seed = argc > 4 ? strtoull(argv[4], NULL, 10) : 1;
    snac_config cfg;
    search_config sc;
    if (snac_config_load(argv[1], &cfg) || search_config_load(argv[1], &sc)) {
        fprintf(stderr, "bench_zero_cost: %s\n", snac_err_msg());
        return 1;
    }
    size_t epochs = argc > 3 ? strtoul(argv[3], NULL, 10) : sc.epochs;
    if (n < 8 || epochs == 0) {
        fprintf(stderr, "bench_zero_cost: N >= 8 and epochs >= 1\n");
        return 2;
    }
    ds_split data;
    if (ds_load(&cfg.data, &data)) {
        fprintf(stderr, "bench_zero_cost: %s\n", snac_err_msg());
        return 1;
    }
    size_t n_genes = search_space_n_genes(&sc.space);
    nsga2_gene genes[SEARCH_MAX_GENES];
    search_space_genes(&sc.space, genes);
    nsga2_space sp = {n_genes, genes};

    /* the proxies' batch: BATCH training rows drawn once */
    float *bx = malloc(BATCH * data.d * sizeof *bx);
    int32_t *by = malloc(BATCH * sizeof *by);
    double *col[N_PROXY + 1], t_proxy[N_PROXY] = {0}, t_train = 0;
    for (size_t c = 0; c <= N_PROXY; c++)
        col[c] = calloc(n, sizeof(double));
    size_t *idx = malloc(n * sizeof *idx), *top = malloc(n * sizeof *top);
    snac_rng rng;
    rng_seed(&rng, seed);
    for (size_t i = 0; i < BATCH; i++) {
        size_t r = (size_t)(rng_uniform(&rng) * (double)data.train.n) % data.train.n;
        memcpy(bx + i * data.d, data.train.x + r * data.d, data.d * sizeof *bx);
        by[i] = data.train.y[r];
    }
    printf("bench_zero_cost: %zu random architectures of %s, %zu epochs each, %zu training rows\n", n, argv[1],
           epochs, data.train.n);
    for (size_t i = 0; i < n; i++) {
        double g[SEARCH_MAX_GENES];
        nsga2_genome_random(&sp, &rng, g);
        nn_arch a;
        search_hparams hp;
        search_space_decode(&sc.space, g, data.d, data.n_classes, &a, &hp);
        uint64_t s = rng_mix64(seed ^ (uint64_t)(i + 1));
        snac_rng r;
        rng_seed(&r, s);
        nn_mlp *m = NULL;
        if (nn_mlp_new(&a, &r, &m)) {
            fprintf(stderr, "bench_zero_cost: %s\n", snac_err_msg());
            return 1;
        }
        double t0 = progress_now();
        int rc = zc_naswot(m, bx, BATCH, &col[P_NASWOT][i]);
        double t1 = progress_now();
        rc = rc ? rc : zc_synflow(m, &col[P_SYNFLOW][i]);
        double t2 = progress_now();
        rc = rc ? rc : zc_gradnorm(m, bx, by, BATCH, s, &col[P_GRADNORM][i]);
        double t3 = progress_now();
        col[P_PARAMS][i] = (double)nn_arch_params(&a);
        t_proxy[P_NASWOT] += t1 - t0, t_proxy[P_SYNFLOW] += t2 - t1, t_proxy[P_GRADNORM] += t3 - t2;
        nn_mlp_free(m);
        m = NULL;
        /* train as a search trial does: a fresh network from the same seed */
        nn_train_opts o = cfg.training;
        o.epochs = epochs;
        o.learning_rate = (float)hp.learning_rate;
        o.l1 = (float)hp.l1;
        o.threads = 1;
        rng_seed(&r, s);
        double loss = NAN, acc = NAN;
        rc = rc ? rc : nn_mlp_new(&a, &r, &m);
        epoch1_ctx e1 = {m, &data.val, NAN, 0.0};
        double t4 = progress_now();
        rc = rc ? rc : nn_train(m, &data.train, NULL, &o, &r, epoch1_cb, &e1);
        t_train += progress_now() - t4;
        col[P_EPOCH1][i] = e1.acc;
        t_proxy[P_EPOCH1] += e1.seconds;
        rc = rc ? rc : nn_evaluate(m, &data.val, &loss, &acc, NULL);
        nn_mlp_free(m);
        if (rc) {
            fprintf(stderr, "bench_zero_cost: architecture %zu: %s\n", i, snac_err_msg());
            return 1;
        }
        col[N_PROXY][i] = acc;
        progress_line("arch %2zu: %zu hidden, %s%s, %zu params: naswot %.2f synflow %.2f grad-norm %.4g -> acc %.4f",
                      i, a.n_hidden, nn_act_names[a.act], a.batch_norm ? "+bn" : "", nn_arch_params(&a),
                      col[P_NASWOT][i], col[P_SYNFLOW][i], col[P_GRADNORM][i], acc);
    }
    /* -inf NASWOT scores (a repeated activation pattern) rank last, below every finite one */
    double lo = INFINITY;
    for (size_t i = 0; i < n; i++)
        lo = isfinite(col[P_NASWOT][i]) ? fmin(lo, col[P_NASWOT][i]) : lo;
    for (size_t i = 0; i < n; i++)
        col[P_NASWOT][i] = isfinite(col[P_NASWOT][i]) ? col[P_NASWOT][i] : lo - 1;

    size_t n_top = (n + 9) / 10;
    rank_desc(col, N_PROXY, top, n);
    double *work = malloc(2 * n * sizeof *work);
    printf("\n%-18s %12s %28s %16s\n", "proxy", "spearman rho", "top-10% kept by best half", "ms per score");
    for (size_t c = 0; c < N_PROXY; c++) {
        double rho = gsl_stats_spearman(col[c], 1, col[N_PROXY], 1, n, work);
        rank_desc(col, c, idx, n);
        size_t kept = 0;
        for (size_t t = 0; t < n_top; t++)
            for (size_t h = 0; h < n / 2; h++)
                kept += idx[h] == top[t];
        char keep[32];
        snprintf(keep, sizeof keep, "%zu of %zu", kept, n_top);
        printf("%-18s %+12.3f %28s %16.3f\n", proxy_names[c], rho, keep,
               c == P_PARAMS ? 0.0 : 1e3 * t_proxy[c] / (double)n);
    }
    printf("training: %.1f ms per architecture (%zu epochs); accuracy range %.4f .. %.4f\n",
           1e3 * t_train / (double)n, epochs, gsl_stats_min(col[N_PROXY], 1, n), gsl_stats_max(col[N_PROXY], 1, n));
    free(work);
    free(idx);
    free(top);
    for (size_t c = 0; c <= N_PROXY; c++)
        free(col[c]);
    free(bx);
    free(by);
    ds_split_free(&data);
    snac_config_free(&cfg);
    return 0;
}
