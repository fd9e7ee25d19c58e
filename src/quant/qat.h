/* qat — quantization-aware training of an MLP whose deployed form is a quant_model.
 *
 * Training pass (float32, OpenBLAS): every weight, bias and layer output goes through
 * fake quantization (quant_fake_f32) with the precisions of the model spec; tanh and
 * sigmoid are the hls4ml tables themselves (the forward pass reads the table entry the
 * hardware will read). Backward: the straight-through estimator — the gradient passes a
 * quantizer unchanged except where a saturating quantizer clipped (zero there); through a
 * table it is the derivative of the true function at the table's input. Pruned weights
 * (mask 0) are exactly zero before and after every step and get no gradient.
 *
 * Eval pass (float64): weights and inputs are their exact fixed-point values, the sums
 * are exact (accumulators are at most 53 bits), the result/activation/output steps are
 * the integer engine's own (quant_requant and the table). So quant_qat_eval_codes() equals
 * quant_engine_run() bit for bit; the tests hold it to that on every vector.
 *
 * Batch norm is folded into the dense layers before QAT starts (nn_mlp_fold_bn); dropout
 * is not used. Master weights stay float; quant_qat_export() quantizes them.
 *
 * Memory: quant_qat_new() makes one workspace block (parameters, Adam moments, gradient,
 * masks, every activation buffer for max_batch rows, the eval buffers); the steps allocate
 * nothing. The spec is copied. Workload: the baseline at batch 128 is ~19 MFLOP of GEMMs
 * plus ~90k fake quantizations per step.
 */
#ifndef SNAC_QUANT_QAT_H
#define SNAC_QUANT_QAT_H

#include <stddef.h>
#include <stdint.h>

#include "datasets/dataset.h"
#include "nn/mlp.h"
#include "quant/qmodel.h"
#include "util/rng.h"

typedef struct quant_qat_opts {
    size_t batch_size;
    float learning_rate, beta1, beta2, eps;  /* Adam */
    float l1;                                /* L1 on the dense weights */
} quant_qat_opts;
#define QUANT_QAT_OPTS_INIT ((quant_qat_opts){128, 1.3e-3f, 0.9f, 0.999f, 1e-7f, 0.0f})

typedef struct quant_qat quant_qat;

/* QAT of `m` (float; batch norm folded here if present) deployed as `spec` (shape, acts,
 * precisions, table; its masks are taken over, its codes ignored). Shapes must agree:
 * the same widths, spec's hidden activations equal m's, the last layer linear. */
int quant_qat_new(const nn_mlp *m, const quant_model *spec, const quant_qat_opts *o, quant_qat **out);
void quant_qat_free(quant_qat *q);

/* One Adam step on x (n, n_in), y (n), 1 <= n <= batch_size. */
int quant_qat_step(quant_qat *q, const float *x, const int32_t *y, size_t n, double *loss_sum, size_t *correct);
/* One epoch over `train` in an order drawn from rng; mean loss and accuracy out (either may be NULL). */
int quant_qat_epoch(quant_qat *q, const ds_tensor *train, snac_rng *rng, double *loss, double *acc);

/* The deployed network's output codes (n, n_out) for x (n, n_in): bit-exact with the
 * integer engine on quant_qat_export()'s model. */
int quant_qat_eval_codes(quant_qat *q, const float *x, size_t n, int32_t *logits);
/* Accuracy of the deployed network (argmax of the output codes) on d; confusion (C, C) may be NULL. */
int quant_qat_evaluate(quant_qat *q, const ds_tensor *d, double *acc, size_t *confusion);

/* The quantized model of the current weights and masks (new; quant_model_free). */
int quant_qat_export(const quant_qat *q, quant_model **out);

/* The master weights as a float network of architecture `a` with batch norm off (the
 * folded form QAT trains): what the store keeps so a run can resume bit for bit. */
int quant_qat_to_mlp(const quant_qat *q, const nn_arch *a, nn_mlp **out);

/* Master parameters as one block: every layer's weights (layer 0 first), then every bias. */
float *quant_qat_params(quant_qat *q, size_t *n);
/* Layer l's master weights (n_out, n_in) and mask; *n gets n_out * n_in. */
float *quant_qat_weights(quant_qat *q, size_t l, size_t *n);
uint8_t *quant_qat_mask(quant_qat *q, size_t l);
size_t quant_qat_n_layers(const quant_qat *q);
/* Zero the Adam moments and step count (a new optimizer, as after a rewind), and zero every
 * masked weight. */
void quant_qat_reset_optimizer(quant_qat *q);

#endif
