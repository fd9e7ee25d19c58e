/* qmodel — a quantized, pruned MLP as it is deployed: integer weight and bias codes,
 * pruning masks, every layer's precisions and the activation tables; and its versioned,
 * self-describing binary format (what export reads, without re-quantizing).
 *
 * Layer l computes, in hls4ml's dense Latency / io_parallel semantics:
 *   acc[j] = bias[j] + sum_i x[i] * w[j][i]              (exact: accum is lossless)
 *   r[j]   = (result_t) acc[j]                           (quant_requant)
 *   y[j]   = (output_t) act(r[j])                        act: linear | relu | table
 * with x the previous layer's y (layer 0: the network input, in `input`). The last layer
 * is linear: its outputs are the logits, the class is their argmax.
 *
 * Memory: quant_model_new() makes one block for every array; quant_model_free(NULL) is a
 * no-op. Codes are int32 (every W <= 32 here); masks are bytes (1 = kept).
 */
#ifndef SNAC_QUANT_QMODEL_H
#define SNAC_QUANT_QMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quant/qfixed.h"
#include "quant/qtable.h"

#define QUANT_MAX_LAYERS 17     /* NN_MAX_HIDDEN hidden layers + the output layer */
#define QUANT_MAX_CODE_WIDTH 32 /* weight, bias, result, output, input and table types */
#define QUANT_MAX_ACC_WIDTH 53  /* accumulators: exact in a double, so QAT eval == engine */

enum quant_act { QUANT_ACT_LINEAR, QUANT_ACT_RELU, QUANT_ACT_TANH, QUANT_ACT_SIGMOID, QUANT_ACT_COUNT };
extern const char *const quant_act_names[QUANT_ACT_COUNT]; /* "linear", "relu", "tanh", "sigmoid" */

typedef struct quant_layer {
    size_t n_in, n_out;
    enum quant_act act;
    quant_prec weight, bias;  /* codes in w, b */
    quant_prec accum;         /* hls4ml `auto`: lossless for these weights and inputs */
    quant_prec result;        /* dense output, the activation's input */
    quant_prec output;        /* after the activation: the next layer's input */
    int32_t *w;               /* (n_out, n_in) row-major weight codes; 0 where masked */
    int32_t *b;               /* (n_out) bias codes */
    uint8_t *mask;            /* (n_out, n_in) 1 = kept, 0 = pruned */
} quant_layer;

typedef struct quant_model {
    size_t n_layers;
    quant_prec input;                    /* the network input type */
    quant_layer layer[QUANT_MAX_LAYERS];
    size_t table_size;                   /* entries of each activation table */
    quant_prec table_prec;               /* table_t */
    int32_t *table[QUANT_TABLE_COUNT];   /* (table_size) or NULL when no layer uses it */
    void *block;                         /* the one allocation behind every array */
} quant_model;

/* Everything needed to lay out a model; the arrays are allocated zeroed. */
typedef struct quant_model_shape {
    size_t n_layers;
    size_t width[QUANT_MAX_LAYERS + 1];  /* width[0] = inputs, width[l+1] = outputs of layer l */
    enum quant_act act[QUANT_MAX_LAYERS];
    size_t table_size;                   /* 0 = QUANT_TABLE_DEFAULT_SIZE */
} quant_model_shape;

int quant_model_new(const quant_model_shape *shape, quant_model **out);
void quant_model_free(quant_model *m);

/* hls4ml's `auto` accumulator of a dense layer with input type `in`, weights `w`, bias
 * `b` and n_in inputs: W = a_w + w_w + ceil(log2 n_in), I = a_i + w_i + ceil(log2 n_in);
 * with a bias one more integer bit and the wider fraction. Signed, AP_TRN, AP_WRAP. */
quant_prec quant_accum_auto(const quant_prec *in, const quant_prec *w, const quant_prec *b, size_t n_in);

/* Build the tables the layers need (after the precisions and table_size are set). */
int quant_model_build_tables(quant_model *m);

/* Check the whole model: chain widths, layer 0 input, every precision (widths, W >= I,
 * W <= 32, accumulators lossless and <= 53 bits), codes inside their types, masked
 * weights zero, the last layer linear, tables present. Messages name layer and field. */
int quant_model_validate(const quant_model *m);

/* Fraction of weights pruned (mask 0), over the whole model and for layer l. */
double quant_model_sparsity(const quant_model *m);
double quant_layer_sparsity(const quant_layer *l);
/* Multiply-accumulates, and nonzero weight codes. */
size_t quant_model_macs(const quant_model *m);
size_t quant_model_nonzero(const quant_model *m);

/* Binary format "SNACQMD" + u32 version 1, little-endian: shape, input/table precisions,
 * per layer act, five precisions, codes and mask, the tables, an FNV-1a checksum.
 * quant_model_save mallocs *buf; quant_model_load validates magic, version, sizes,
 * checksum and then the model (quant_model_validate): bad blobs are SNAC_EFORMAT. */
int quant_model_save(const quant_model *m, void **buf, size_t *len);
int quant_model_load(const void *buf, size_t len, quant_model **out);

/* A JSON description (precisions per layer, sparsity, table parameters) for the store and
 * for export manifests; malloc'd, caller frees. */
char *quant_model_json(const quant_model *m);

#endif
