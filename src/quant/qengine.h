/* qengine — the bit-exact integer inference engine: the golden model that QAT's eval
 * forward pass, the HLS C-simulation and the RTL simulation are compared with.
 *
 * Integer arithmetic only (int16/int32/int64), no floats, in the order of qmodel.h:
 * exact dense sums, the cast to result_t, the activation (ReLU, or the hls4ml table),
 * the cast to output_t. A layer whose codes fit in 16 bits and whose sum of products
 * provably fits in 31 bits runs through int16 x int16 -> int32 dot products (the
 * compiler's multiply-add vectors); any other layer through int64. Both are exact, so
 * which one runs never changes a bit.
 *
 * Memory: quant_engine_new() makes one workspace block; the model is BORROWED and must
 * outlive the engine. quant_engine_run allocates nothing. Workload: the 8-bit jet
 * baseline is ~26k multiply-adds per jet (fewer when pruned: zeros still cost a lane).
 */
#ifndef SNAC_QUANT_QENGINE_H
#define SNAC_QUANT_QENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "quant/qmodel.h"

typedef struct quant_engine quant_engine;

/* Validates the model (quant_model_validate) and prepares the layer plans. */
int quant_engine_new(const quant_model *m, quant_engine **out);
void quant_engine_free(quant_engine *e);

/* logits (n, n_out) output codes of the last layer for input codes x (n, n_in), each in
 * the model's input type. */
void quant_engine_run(quant_engine *e, const int32_t *x, size_t n, int32_t *logits);

/* Every layer's output codes of one sample: y[l] points at n_out(l) codes valid until the
 * next call (for tests and for export's per-layer test vectors). */
void quant_engine_trace(quant_engine *e, const int32_t *x, const int32_t **y);

/* Input codes (n, n_in) of floats x with the model's input type (this conversion is the
 * sensor side, not inference: it is the only float the engine path sees). */
void quant_engine_quantize_input(const quant_model *m, const float *x, size_t n, int32_t *codes);

/* Layer l's activation of one neuron: result code r -> output code (ReLU or the table,
 * then the cast to output_t). Shared with QAT's eval pass. */
int32_t quant_layer_activate(const quant_model *m, size_t l, int64_t r);

/* Index of the first largest logit of a row. */
size_t quant_argmax(const int32_t *row, size_t n);

/* Whether layer l runs on the 16-bit path (for tests and benchmarks). */
int quant_engine_layer_is_fast(const quant_engine *e, size_t l);

#endif
