/* surr_spec_mlp — a surr_spec from a trained network (nn_mlp), a quantized model
 * (quant_model) or a model stored in the SQLite store, with the weights themselves so
 * features are exact.
 *
 * Batch norm is folded (nn_mlp_fold_bn) before the weights are read, as hls4ml does.
 * A quantized model gives its own types (input, weight, bias, accumulator, output per
 * layer), its integer weights and its table size: what export and synthesis build.
 *
 * Memory: surr_model_spec owns the (folded) network or the weight values; the spec's
 * layer w/b pointers borrow from it, so keep the surr_model_spec alive while the spec
 * is used and release with surr_model_spec_free() (NULL-safe).
 */
#ifndef SNAC_SURROGATE_SURR_SPEC_MLP_H
#define SNAC_SURROGATE_SURR_SPEC_MLP_H

#include <stdint.h>

#include "nn/mlp.h"
#include "quant/qmodel.h"
#include "store/db.h"
#include "surrogate/surr_spec.h"

typedef struct surr_model_spec {
    surr_spec spec;
    nn_mlp *mlp;        /* owned: the folded network the weights point into (or NULL) */
    float *values;      /* owned: a quantized model's weights and biases as values (or NULL) */
    int64_t model_id;   /* 0 when not from the store */
} surr_model_spec;

/* From a network: widths/activation/BN from its arch, weights borrowed from a
 * folded copy; precision etc. are the surr_spec_init_mlp defaults. */
int surr_model_spec_from_mlp(const nn_mlp *m, surr_model_spec **out);
/* From a quantized model: its types, weights and biases (codes as exact values), table size;
 * the deployment fields (part, clock, RF, toolchain...) are the surr_spec_init_mlp defaults. */
int surr_model_spec_from_qmodel(const quant_model *qm, surr_model_spec **out);
/* From model `id` in the store: its quantized form when it has one (a `snac local`
 * iteration), else the float network (weights blob, nn_mlp_load). */
int surr_model_spec_from_db(snac_db *db, int64_t id, surr_model_spec **out);
void surr_model_spec_free(surr_model_spec *ms);

#endif
