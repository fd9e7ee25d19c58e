/* surr_spec_mlp — a surr_spec from a trained network (nn_mlp) or a model stored in
 * the SQLite store, with the weights themselves so features are exact.
 *
 * Batch norm is folded (nn_mlp_fold_bn) before the weights are read, as hls4ml does.
 *
 * Memory: surr_model_spec owns the (folded) network; the spec's layer w/b
 * pointers borrow from it, so keep the surr_model_spec alive while the spec is
 * used and release with surr_model_spec_free() (NULL-safe).
 */
#ifndef SNAC_SURROGATE_SURR_SPEC_MLP_H
#define SNAC_SURROGATE_SURR_SPEC_MLP_H

#include <stdint.h>

#include "nn/mlp.h"
#include "store/db.h"
#include "surrogate/surr_spec.h"

typedef struct surr_model_spec {
    surr_spec spec;
    nn_mlp *mlp;        /* owned: the folded network the weights point into */
    int64_t model_id;   /* 0 when not from the store */
} surr_model_spec;

/* From a network: widths/activation/BN from its arch, weights borrowed from a
 * folded copy; precision etc. are the surr_spec_init_mlp defaults. */
int surr_model_spec_from_mlp(const nn_mlp *m, surr_model_spec **out);
/* From model `id` in the store (weights blob, nn_mlp_load). */
int surr_model_spec_from_db(snac_db *db, int64_t id, surr_model_spec **out);
void surr_model_spec_free(surr_model_spec *ms);

#endif
