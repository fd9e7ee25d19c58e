/* search_space — Table 1 defaults, the gene layout and genome <-> architecture; see search_space.h.
 *
 * Memory: nothing allocated. Workload: O(genes) per call.
 */
#include "search/search_space.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void search_space_init_table1(search_space *sp)
{
    memset(sp, 0, sizeof *sp);
    static const size_t depths[] = {4, 5, 6, 7, 8};
    static const size_t w[8][3] = {{64, 120, 128}, {32, 60, 64}, {16, 32}, {32, 64},
                                   {32, 64},       {32, 64},     {16, 32}, {32, 44, 64}};
    static const size_t nw[8] = {3, 3, 2, 2, 2, 2, 2, 3};
    sp->n_depths = COUNT(depths);
    memcpy(sp->depths, depths, sizeof depths);
    for (size_t k = 0; k < 8; k++) {
        sp->n_widths[k] = nw[k];
        memcpy(sp->widths[k], w[k], nw[k] * sizeof(size_t));
    }
    sp->n_acts = 3;
    sp->acts[0] = NN_ACT_RELU;
    sp->acts[1] = NN_ACT_TANH;
    sp->acts[2] = NN_ACT_SIGMOID;
    sp->n_bn = 2;
    sp->bn[0] = true;
    sp->bn[1] = false;
    static const double lr[] = {0.0010, 0.0015, 0.0020}, l1[] = {0, 1e-6, 1e-5, 1e-4}, dr[] = {0, 0.05, 0.1};
    sp->n_lr = COUNT(lr);
    memcpy(sp->lr, lr, sizeof lr);
    sp->n_l1 = COUNT(l1);
    memcpy(sp->l1, l1, sizeof l1);
    sp->n_dropout = COUNT(dr);
    memcpy(sp->dropout, dr, sizeof dr);
}

size_t search_space_n_positions(const search_space *sp) { return sp->n_depths ? sp->depths[sp->n_depths - 1] : 0; }

size_t search_space_n_genes(const search_space *sp) { return 1 + search_space_n_positions(sp) + SEARCH_N_HPARAM_GENES; }

static int check_list(size_t n, const char *what)
{
    if (n == 0 || n > SEARCH_MAX_CHOICES)
        return snac_err_set(SNAC_EINVAL, "search_space.%s: expected 1 to %d choices, got %zu", what,
                            SEARCH_MAX_CHOICES, n);
    return SNAC_OK;
}

int search_space_check(const search_space *sp)
{
    int rc;
    if ((rc = check_list(sp->n_depths, "layers")))
        return rc;
    for (size_t i = 0; i < sp->n_depths; i++) {
        if (sp->depths[i] < 1 || sp->depths[i] > NN_MAX_HIDDEN)
            return snac_err_set(SNAC_EINVAL, "search_space.layers: %zu is outside 1..%d", sp->depths[i],
                                NN_MAX_HIDDEN);
        if (i && sp->depths[i] <= sp->depths[i - 1])
            return snac_err_set(SNAC_EINVAL, "search_space.layers: must be strictly ascending (%zu after %zu)",
                                sp->depths[i], sp->depths[i - 1]);
    }
    size_t np = search_space_n_positions(sp);
    for (size_t k = 0; k < np; k++) {
        if (sp->n_widths[k] == 0 || sp->n_widths[k] > SEARCH_MAX_CHOICES)
            return snac_err_set(SNAC_EINVAL,
                                "search_space.widths: layer %zu needs 1 to %d width choices (the deepest network "
                                "has %zu hidden layers), got %zu",
                                k + 1, SEARCH_MAX_CHOICES, np, sp->n_widths[k]);
        for (size_t j = 0; j < sp->n_widths[k]; j++)
            if (sp->widths[k][j] < 1 || sp->widths[k][j] > 4096)
                return snac_err_set(SNAC_EINVAL, "search_space.widths: layer %zu width %zu is outside 1..4096", k + 1,
                                    sp->widths[k][j]);
    }
    if ((rc = check_list(sp->n_acts, "activation")) || (rc = check_list(sp->n_bn, "batch_norm")) ||
        (rc = check_list(sp->n_lr, "learning_rate")) || (rc = check_list(sp->n_l1, "l1")) ||
        (rc = check_list(sp->n_dropout, "dropout")))
        return rc;
    for (size_t i = 0; i < sp->n_lr; i++)
        if (!(sp->lr[i] > 0 && sp->lr[i] < 10))
            return snac_err_set(SNAC_EINVAL, "search_space.learning_rate: %g is outside (0, 10)", sp->lr[i]);
    for (size_t i = 0; i < sp->n_l1; i++)
        if (!(sp->l1[i] >= 0 && sp->l1[i] < 1))
            return snac_err_set(SNAC_EINVAL, "search_space.l1: %g is outside [0, 1)", sp->l1[i]);
    for (size_t i = 0; i < sp->n_dropout; i++)
        if (!(sp->dropout[i] >= 0 && sp->dropout[i] <= 0.95))
            return snac_err_set(SNAC_EINVAL, "search_space.dropout: %g is outside [0, 0.95]", sp->dropout[i]);
    return SNAC_OK;
}

/* Smallest depth index whose depth reaches position k (0-based), i.e. depths[i] >= k + 1. */
static size_t gate_min(const search_space *sp, size_t k)
{
    size_t i = 0;
    while (i < sp->n_depths && sp->depths[i] < k + 1)
        i++;
    return i;
}

void search_space_genes(const search_space *sp, nsga2_gene *genes)
{
    size_t np = search_space_n_positions(sp), g = 0;
    genes[g++] = NSGA2_GENE_CATEGORICAL(sp->n_depths);
    for (size_t k = 0; k < np; k++) {
        size_t gm = gate_min(sp, k);
        genes[g++] = gm == 0 ? NSGA2_GENE_CATEGORICAL(sp->n_widths[k])
                             : NSGA2_GENE_CATEGORICAL_GATED(sp->n_widths[k], 0, gm);
    }
    genes[g++] = NSGA2_GENE_CATEGORICAL(sp->n_acts);
    genes[g++] = NSGA2_GENE_CATEGORICAL(sp->n_bn);
    genes[g++] = NSGA2_GENE_CATEGORICAL(sp->n_lr);
    genes[g++] = NSGA2_GENE_CATEGORICAL(sp->n_l1);
    genes[g++] = NSGA2_GENE_CATEGORICAL(sp->n_dropout);
}

void search_space_decode(const search_space *sp, const double *g, size_t n_in, size_t n_out, nn_arch *a,
                         search_hparams *hp)
{
    size_t np = search_space_n_positions(sp);
    memset(a, 0, sizeof *a);
    a->n_in = n_in;
    a->n_out = n_out;
    a->n_hidden = sp->depths[(size_t)g[0]];
    for (size_t k = 0; k < a->n_hidden; k++)
        a->hidden[k] = sp->widths[k][(size_t)g[1 + k]];
    const double *h = g + 1 + np;
    a->act = sp->acts[(size_t)h[0]];
    a->batch_norm = sp->bn[(size_t)h[1]];
    a->dropout = (float)sp->dropout[(size_t)h[4]];
    hp->learning_rate = sp->lr[(size_t)h[2]];
    hp->l1 = sp->l1[(size_t)h[3]];
}

static size_t nearest(const double *v, size_t n, double x)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (fabs(v[i] - x) < fabs(v[best] - x))
            best = i;
    return best;
}

int search_space_encode(const search_space *sp, const nn_arch *a, const search_hparams *hp, double *g)
{
    size_t np = search_space_n_positions(sp), i;
    for (i = 0; i < sp->n_depths && sp->depths[i] != a->n_hidden; i++)
        ;
    if (i == sp->n_depths)
        return snac_err_set(SNAC_EINVAL, "architecture with %zu hidden layers is not in the search space", a->n_hidden);
    g[0] = (double)i;
    for (size_t k = 0; k < np; k++) {
        g[1 + k] = 0;
        if (k >= a->n_hidden)
            continue;
        size_t j;
        for (j = 0; j < sp->n_widths[k] && sp->widths[k][j] != a->hidden[k]; j++)
            ;
        if (j == sp->n_widths[k])
            return snac_err_set(SNAC_EINVAL, "width %zu of hidden layer %zu is not in the search space", a->hidden[k],
                                k + 1);
        g[1 + k] = (double)j;
    }
    double *h = g + 1 + np;
    for (i = 0; i < sp->n_acts && sp->acts[i] != a->act; i++)
        ;
    if (i == sp->n_acts)
        return snac_err_set(SNAC_EINVAL, "activation %s is not in the search space", nn_act_names[a->act]);
    h[0] = (double)i;
    for (i = 0; i < sp->n_bn && sp->bn[i] != a->batch_norm; i++)
        ;
    if (i == sp->n_bn)
        return snac_err_set(SNAC_EINVAL, "batch_norm %s is not in the search space", a->batch_norm ? "true" : "false");
    h[1] = (double)i;
    h[2] = (double)nearest(sp->lr, sp->n_lr, hp->learning_rate);
    h[3] = (double)nearest(sp->l1, sp->n_l1, hp->l1);
    h[4] = (double)nearest(sp->dropout, sp->n_dropout, a->dropout);
    return SNAC_OK;
}

void search_genome_format(const double *g, size_t n_genes, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n_genes && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%zu", i ? "," : "", (size_t)g[i]);
}

int search_genome_parse(const char *text, double *g, size_t n_genes)
{
    const char *p = text;
    for (size_t i = 0; i < n_genes; i++) {
        char *end;
        unsigned long long x = strtoull(p, &end, 10);
        if (end == p || (i + 1 < n_genes ? *end != ',' : *end != '\0'))
            return snac_err_set(SNAC_EFORMAT, "genome '%s': expected %zu comma-separated choices", text, n_genes);
        g[i] = (double)x;
        p = end + 1;
    }
    return SNAC_OK;
}

void search_arch_json(const nn_arch *a, const search_hparams *hp, char *buf, size_t cap)
{
    /* the network's own JSON, with the trial's training hyperparameters added before the '}' */
    size_t n = nn_arch_json(a, buf, cap);
    if (n < cap && n > 0)
        snprintf(buf + n - 1, cap - n + 1, ",\"learning_rate\":%.17g,\"l1\":%.17g}", hp->learning_rate, hp->l1);
}
