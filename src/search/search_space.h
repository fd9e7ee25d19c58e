/* search_space — the MLP search space of the global search (SNAC-Pack Table 1 by
 * default) and its encoding as an NSGA-II genome.
 *
 * Genome layout (every gene categorical, value = index into its choice list):
 *     gene 0            depth: index into depths[] (ascending)
 *     gene 1 + k        width of hidden layer k (k = 0 .. n_positions-1), gated by the
 *                       depth gene: active iff depths[gene 0] >= k + 1 (positions every
 *                       allowed depth reaches are not gated at all)
 *     then              activation, batch norm, learning rate, L1, dropout
 * Inactive widths are carried and inherited (genome.h) but are not part of the
 * architecture: two genomes that differ only there are the same trial.
 *
 * Memory: plain data, copied by value; nothing here allocates.
 * Workload: a decode per trial; microseconds.
 */
#ifndef SNAC_SEARCH_SEARCH_SPACE_H
#define SNAC_SEARCH_SEARCH_SPACE_H

#include <stdbool.h>
#include <stddef.h>

#include "nn/arch.h"
#include "search/genome.h"

#define SEARCH_MAX_CHOICES 16
#define SEARCH_N_HPARAM_GENES 5 /* activation, batch norm, learning rate, L1, dropout */
#define SEARCH_MAX_GENES (1 + NN_MAX_HIDDEN + SEARCH_N_HPARAM_GENES)

typedef struct search_space {
    size_t n_depths;
    size_t depths[SEARCH_MAX_CHOICES];                   /* hidden-layer counts, ascending, 1..NN_MAX_HIDDEN */
    size_t n_widths[NN_MAX_HIDDEN];                      /* choices per position (n_positions = max depth) */
    size_t widths[NN_MAX_HIDDEN][SEARCH_MAX_CHOICES];
    size_t n_acts;
    enum nn_act acts[NN_ACT_COUNT];
    size_t n_bn;
    bool bn[2];
    size_t n_lr, n_l1, n_dropout;
    double lr[SEARCH_MAX_CHOICES], l1[SEARCH_MAX_CHOICES], dropout[SEARCH_MAX_CHOICES];
} search_space;

/* Training hyper-parameters a genome carries besides the architecture. */
typedef struct search_hparams {
    double learning_rate;
    double l1;
} search_hparams;

/* SNAC-Pack Table 1: layers {4..8}; L1 {64,120,128}, L2 {32,60,64}, L3 {16,32}, L4-L6 {32,64},
 * L7 {16,32}, L8 {32,44,64}; relu/tanh/sigmoid; BN on/off; lr {1e-3,1.5e-3,2e-3};
 * L1 {0,1e-6,1e-5,1e-4}; dropout {0,0.05,0.1}. */
void search_space_init_table1(search_space *sp);
/* SNAC_EINVAL naming the list: empty lists, depths not ascending or out of 1..NN_MAX_HIDDEN,
 * a position the deepest depth reaches without widths, zero widths, dropout outside [0, 1). */
int search_space_check(const search_space *sp);
size_t search_space_n_positions(const search_space *sp); /* = the largest depth */
size_t search_space_n_genes(const search_space *sp);
/* genes: (search_space_n_genes) entries, <= SEARCH_MAX_GENES. */
void search_space_genes(const search_space *sp, nsga2_gene *genes);

/* Genome -> architecture (n_in, n_out given by the data) and hyper-parameters. */
void search_space_decode(const search_space *sp, const double *g, size_t n_in, size_t n_out, nn_arch *a,
                         search_hparams *hp);
/* Architecture -> genome (seeding with e.g. the baseline). Depth, every width, activation and
 * batch norm must be choices of the space (else SNAC_EINVAL naming the first that is not);
 * learning rate, L1 and dropout snap to the nearest choice. Inactive widths get choice 0. */
int search_space_encode(const search_space *sp, const nn_arch *a, const search_hparams *hp, double *g);

/* "2,1,0,1,..." (the choice indices) into buf; the text stored in trials.genome. */
void search_genome_format(const double *g, size_t n_genes, char *buf, size_t cap);
/* The genome text back into n_genes choices; SNAC_EFORMAT unless it holds exactly n_genes. */
int search_genome_parse(const char *text, double *g, size_t n_genes);
/* {"n_in":24,"hidden":[...],"n_out":5,"activation":"relu","batch_norm":true,"dropout":0,
 *  "learning_rate":0.001,"l1":1e-05} into buf. */
void search_arch_json(const nn_arch *a, const search_hparams *hp, char *buf, size_t cap);

#endif
