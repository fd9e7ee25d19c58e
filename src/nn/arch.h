/* arch — the architecture of an MLP classifier, as configs and the search describe it.
 *
 * Plain data, no allocation: an nn_arch is copied by value. The activation enum
 * has a name table whose spellings are also the config keywords and the text
 * stored in SQLite, so there is one spelling everywhere.
 */
#ifndef SNAC_NN_ARCH_H
#define SNAC_NN_ARCH_H

#include <stdbool.h>
#include <stddef.h>

#define NN_MAX_HIDDEN 16

enum nn_act { NN_ACT_RELU, NN_ACT_TANH, NN_ACT_SIGMOID, NN_ACT_COUNT };
extern const char *const nn_act_names[NN_ACT_COUNT]; /* "relu", "tanh", "sigmoid" */
/* Index of `name` in nn_act_names, or -1. */
int nn_act_from_name(const char *name);

typedef struct nn_arch {
    size_t n_in;                    /* input features (24 for 8 constituents x 3) */
    size_t n_hidden;                /* hidden dense layers, 0..NN_MAX_HIDDEN */
    size_t hidden[NN_MAX_HIDDEN];   /* their widths */
    size_t n_out;                   /* classes (5 for the jet task) */
    enum nn_act act;                /* activation of every hidden layer */
    bool batch_norm;                /* BN after each hidden dense layer, before the activation */
    float dropout;                  /* dropout rate after each hidden activation, [0, 1) */
} nn_arch;

/* Multiply-accumulate count of the dense layers, sum n_in*n_out (the paper's "BOPs"). */
size_t nn_arch_macs(const nn_arch *a);
/* Number of trainable parameters (weights, biases, BN gamma/beta). */
size_t nn_arch_params(const nn_arch *a);
/* The architecture as a JSON object (the `arch` text stored with models and trials):
 * {"n_in":24,"hidden":[...],"n_out":5,"activation":"relu","batch_norm":true,"dropout":0}.
 * Returns the length snprintf would have written; truncated (still NUL-terminated) if >= cap. */
size_t nn_arch_json(const nn_arch *a, char *buf, size_t cap);

#endif
