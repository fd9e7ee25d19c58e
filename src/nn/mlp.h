/* mlp — a multilayer perceptron classifier: dense layers, optional batch norm,
 * hidden activation, dropout, softmax output.
 *
 * Memory: nn_mlp_new() carves every parameter (weights, biases, BN gamma/beta and
 * running statistics) out of one block; nn_mlp_free(NULL) is a no-op.
 * Layer l maps n_in(l) -> n_out(l); l = 0..n_hidden, the last one is the output layer
 * (no BN, no activation: logits).
 */
#ifndef SNAC_NN_MLP_H
#define SNAC_NN_MLP_H

#include <stddef.h>

#include "nn/arch.h"
#include "util/rng.h"

typedef struct nn_mlp nn_mlp;

/* Read-only view of one dense layer's parameters, borrowed from the model. */
typedef struct nn_layer_view {
    size_t n_in, n_out;
    const float *w;         /* (n_out, n_in) row-major: w[o * n_in + i] */
    const float *b;         /* (n_out) */
    const float *bn_gamma;  /* (n_out) or NULL when no BN on this layer */
    const float *bn_beta;
    const float *bn_mean;   /* running statistics used at inference */
    const float *bn_var;
    float bn_eps;
} nn_layer_view;

/* Allocate and initialise (He-uniform for ReLU, Glorot-uniform otherwise; zero biases;
 * BN gamma 1, beta 0, running mean 0, var 1) from `rng`. */
int nn_mlp_new(const nn_arch *a, snac_rng *rng, nn_mlp **out);
void nn_mlp_free(nn_mlp *m);
const nn_arch *nn_mlp_arch(const nn_mlp *m);
size_t nn_mlp_n_layers(const nn_mlp *m);                 /* n_hidden + 1 */
void nn_mlp_layer(const nn_mlp *m, size_t l, nn_layer_view *v);
/* Mutable access to layer l's weights (n_out, n_in) and biases (for pruning, quantisation, tests). */
float *nn_mlp_weights(nn_mlp *m, size_t l);
float *nn_mlp_biases(nn_mlp *m, size_t l);

/* The trainable parameters as one contiguous block: the dense weights of every layer
 * first (the first *n_weights floats, layer 0 first), then every dense bias, then BN
 * gamma and beta per hidden layer. Running BN statistics are not part of it.
 * Either size pointer may be NULL. For optimisers, pruning and quantisation passes. */
float *nn_mlp_params(nn_mlp *m, size_t *n_trainable, size_t *n_weights);

/* A new model with batch norm folded into the preceding dense layers (inference-equivalent). */
int nn_mlp_fold_bn(const nn_mlp *m, nn_mlp **out);

/* Inference: probs (n, n_out) = softmax(model(x (n, n_in))). Uses running BN statistics,
 * no dropout. Allocates its own scratch (not a training path). */
int nn_mlp_predict(const nn_mlp *m, const float *x, size_t n, float *probs);

/* Versioned little-endian binary format ("SNACMLP" + version): arch + every parameter
 * (running BN statistics included) + an FNV-1a checksum; layout in mlp_io.c.
 * nn_mlp_save mallocs *buf (caller frees with free()). nn_mlp_load validates the magic,
 * version, sizes and checksum: a truncated or corrupted blob gives SNAC_EFORMAT. */
int nn_mlp_save(const nn_mlp *m, void **buf, size_t *len);
int nn_mlp_load(const void *buf, size_t len, nn_mlp **out);

#endif
