/* mlp_priv — the layout of struct nn_mlp, shared by mlp.c, mlp_io.c and train.c only.
 *
 * One block holds every float of a model, in this order:
 *   [W_0 .. W_L-1]                      dense weights, each (n_out, n_in)   } trainable,
 *   [b_0 .. b_L-1]                      dense biases (n_out)                } n_train
 *   [gamma_l, beta_l for hidden l]      BN scale and shift (with BN only)   } floats
 *   [run_mean_l, run_var_l]             BN running statistics (not trained)
 * so the optimiser walks one contiguous trainable block and L1 touches exactly its
 * first n_weights floats.
 */
#ifndef SNAC_NN_MLP_PRIV_H
#define SNAC_NN_MLP_PRIV_H

#include <stddef.h>

#include "nn/mlp.h"

#define NN_MAX_LAYERS (NN_MAX_HIDDEN + 1)
#define NN_MAX_WIDTH ((size_t)1 << 16)

struct nn_mlp {
    nn_arch arch;
    size_t n_layers;                      /* n_hidden + 1 */
    size_t dim[NN_MAX_LAYERS + 1];        /* dim[0] = n_in, dim[l + 1] = width of layer l */
    float bn_eps;
    float *w[NN_MAX_LAYERS];              /* (dim[l+1], dim[l]) */
    float *b[NN_MAX_LAYERS];              /* (dim[l+1]) */
    float *gamma[NN_MAX_LAYERS], *beta[NN_MAX_LAYERS];     /* (dim[l+1]) or NULL */
    float *run_mean[NN_MAX_LAYERS], *run_var[NN_MAX_LAYERS];
    size_t n_weights;                     /* params[0 .. n_weights): dense weights */
    size_t n_train;                       /* params[0 .. n_train): trainable */
    size_t n_total;                       /* params[0 .. n_total): everything */
    float *params;
};

/* Validate `a` (sizes, activation, dropout) with a message; 0 or SNAC_EINVAL. */
int mlp_arch_check(const nn_arch *a);
/* Floats in the parameter block of a model for `a` (already checked): n_total. */
size_t mlp_count_floats(const nn_arch *a);
/* Allocate a zero-filled model for `a` (already checked); pointers carved, BN eps set. */
int mlp_alloc(const nn_arch *a, nn_mlp **out);
size_t mlp_max_width(const nn_mlp *m);

/* Inference workspace for chunks of up to `chunk` rows, in floats. */
size_t mlp_infer_ws_floats(const nn_mlp *m, size_t chunk);
/* logits (n, n_out) of x (n, n_in), inference mode, n <= chunk of ws (mlp_infer_ws_floats). */
void mlp_infer_logits(const nn_mlp *m, const float *x, size_t n, float *logits, float *ws);

#endif
