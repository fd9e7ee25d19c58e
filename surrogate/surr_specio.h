/* surr_specio — reading a surr_spec from a YAML spec file, applying command-line
 * overrides, and the canonical text of a spec (hashed into spec_sha256).
 *
 * YAML layout (see configs/specs/; every section optional except model.widths):
 *   model:     widths [n0, n1, ..., nL], activation relu|tanh|sigmoid,
 *              output_activation linear|softmax, batch_norm bool,
 *              weights PATH (real weights: a file or an hls4ml weights/ folder; see
 *              surr_spec_weights_load), weights_sha256 (of the weights a spec's
 *              weight_stats were counted from; ingest writes both, no path)
 *   precision: weight/bias/input/output "ap_fixed<W,I[,Q,O]>", accum "auto" or a type,
 *              sparsity [0,1)           (defaults for every layer)
 *   layers:    list of {index, weight, bias, input, output, accum, sparsity, reuse_factor,
 *              activation, batch_norm, normalize (a BN hls4ml keeps as its own call),
 *              weight_stats [nonzero, pow2, csd_digits, adder_terms(, dsp_products)]
 *              (surr_wstats: the real weights' counts, used when no weights are
 *              loaded)}   (per-layer reuse factor and precision)
 *   hls:       reuse_factor, strategy latency|resource, io_type io_parallel|io_stream,
 *              part (any name; an unknown part gives absolute predictions only),
 *              clock_period (ns), toolchain (any spelling surr_toolchain_resolve takes:
 *              vitis_hls-2021.1, vivado-2019.2, ...), table_size, rf_unchecked (accept
 *              reuse factors hls4ml's rule rejects: set for synthesized projects),
 *              multipliers auto|dsp|fabric
 *   provenance: free-form (ingest writes where a generated spec came from); ignored
 * Errors carry file:line:column.
 *
 * Memory: a spec read from YAML has no weights (w = b = NULL); nothing retained.
 */
#ifndef SNAC_SURROGATE_SURR_SPECIO_H
#define SNAC_SURROGATE_SURR_SPECIO_H

#include <stddef.h>

#include "surrogate/surr_spec.h"

int surr_spec_load_yaml(const char *path, surr_spec *out);

/* The real weights named by s->weights (model.weights in a spec file, relative to
 * the spec file's folder): either an hls4ml weights/ folder, whose w<k>.txt files
 * (sorted by k) belong to the dense layers in order, or one text file with every
 * layer's weights one after the other. Values are separated by commas and/or white
 * space, each layer's in hls4ml's (n_in, n_out) row-major order; they are stored
 * transposed, (n_out, n_in) (a Resource-strategy spec's files are taken as already
 * (n_out, n_in): hls4ml transposes those layers before writing them), and each
 * layer's w points into *block (malloc'd, the caller frees it after the spec).
 * Errors name the file and the counts. */
int surr_spec_weights_load(surr_spec *s, float **block);
/* Parse YAML text; `name` stands for the path in messages. */
int surr_spec_parse_yaml(const char *text, size_t len, const char *name, surr_spec *out);

/* Command-line overrides; zero/NULL fields leave the spec alone. */
typedef struct surr_spec_overrides {
    int bits;              /* every weight/bias/input/output type becomes W = bits (I clipped to bits) */
    size_t reuse_factor;   /* spec-wide RF (per-layer RFs are cleared) */
    const char *part;
    double clock_ns;
    const char *toolchain;
    const char *strategy;
    double sparsity;       /* < 0: leave; applies to layers without known weights */
} surr_spec_overrides;
#define SURR_SPEC_OVERRIDES_INIT ((surr_spec_overrides){0, 0, NULL, 0.0, NULL, NULL, -1.0})
int surr_spec_apply_overrides(surr_spec *s, const surr_spec_overrides *o);

/* Canonical text of the spec (a weight hash per layer with known weights) into
 * buf; returns the length that was needed (like snprintf). */
size_t surr_spec_canonical(const surr_spec *s, char *buf, size_t cap);
/* SHA-256 of the canonical text. */
int surr_spec_sha256(const surr_spec *s, char hex[65]);

#endif
