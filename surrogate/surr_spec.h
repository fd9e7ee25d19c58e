/* surr_spec — the model spec the surrogate estimates: an MLP as hls4ml would
 * build it (layer widths, activations, batch norm, per-layer ap_fixed precision,
 * weights or their sparsity, reuse factor, strategy, io_type) on a target part,
 * clock and toolchain.
 *
 * Enums come with name tables and a COUNT; the names are the YAML keywords and
 * the SQLite text values. The output layer is layer n_layers-1 (activation
 * "linear" or "softmax"); hidden layers carry relu/tanh/sigmoid.
 *
 * Memory: a surr_spec is plain data copied by value, except that layer weights
 * (w, b) are BORROWED pointers (typically into an nn_mlp): the owner must keep
 * them alive while the spec is used. surr_spec_validate() allocates nothing.
 */
#ifndef SNAC_SURROGATE_SURR_SPEC_H
#define SNAC_SURROGATE_SURR_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "quant/qfixed.h"

#define SURR_MAX_LAYERS 17 /* NN_MAX_HIDDEN hidden layers + the output layer */

enum surr_toolchain {
    SURR_TC_VIVADO_2019_1, /* Vivado HLS 2018.x-2019.x era (the public calibration data) */
    SURR_TC_VIVADO_2020_1,
    SURR_TC_VITIS_2023_2,
    SURR_TC_YOSYS_0_23,
    SURR_TC_COUNT
};
extern const char *const surr_toolchain_names[SURR_TC_COUNT];

enum surr_strategy { SURR_STRATEGY_LATENCY, SURR_STRATEGY_RESOURCE, SURR_STRATEGY_COUNT };
extern const char *const surr_strategy_names[SURR_STRATEGY_COUNT]; /* "latency", "resource" */

enum surr_io { SURR_IO_PARALLEL, SURR_IO_STREAM, SURR_IO_COUNT };
extern const char *const surr_io_names[SURR_IO_COUNT]; /* "io_parallel", "io_stream" */

/* Where the dense multiplies go: the tool decides (auto; hls4ml's default), DSP
 * blocks (#pragma HLS RESOURCE ... core=DSP48 / bind_op impl=dsp / build_prj.tcl's
 * `config_op mul -impl dsp`) or fabric LUTs (impl=fabric). Recorded in the spec and
 * its canonical text; the surrogate maps every multiply of a dsp spec to DSPs and
 * none of a fabric spec's (auto: by product width). */
enum surr_mult { SURR_MULT_AUTO, SURR_MULT_DSP, SURR_MULT_FABRIC, SURR_MULT_COUNT };
extern const char *const surr_mult_names[SURR_MULT_COUNT]; /* "auto", "dsp", "fabric" */

enum surr_act { SURR_ACT_LINEAR, SURR_ACT_RELU, SURR_ACT_TANH, SURR_ACT_SIGMOID, SURR_ACT_SOFTMAX, SURR_ACT_COUNT };
extern const char *const surr_act_names[SURR_ACT_COUNT]; /* "linear", "relu", "tanh", "sigmoid", "softmax" */

/* THE toolchain vocabulary. Any spelling -> the surrogate toolchain family:
 * a surrogate name (exact, note left empty), or a tool with an optional version,
 * "vivado_hls-2019.2", "vitis_hls 2021.1", "vivado-2019.2" (Vivado HLS), "vitis-2022.1",
 * "yosys-0.40", mapped by one table (surr_spec.c): vivado_hls <= 2019.x ->
 * vivado-2019.1, 2020.x -> vivado-2020.1, later -> vitis-2023.2; vitis_hls any ->
 * vitis-2023.2; yosys any -> yosys-0.23. When not exact, `note` says which
 * surrogate toolchain is used and why (print it). */
int surr_toolchain_resolve(const char *text, enum surr_toolchain *tc, char *note, size_t note_cap);
/* The same table for a report's (family, version): family vivado_hls, vitis_hls or
 * yosys; false for anything else (Vivado post-synthesis has no surrogate). */
bool surr_toolchain_of(const char *family, const char *version, enum surr_toolchain *tc, const char **why);

/* Index of `name` in `names` (case-insensitive), or -1. */
int surr_enum_from_name(const char *const *names, int count, const char *name);
/* Parse with an error listing the known spellings; `what` is "toolchain", "strategy", ... */
int surr_enum_parse(const char *const *names, int count, const char *what, const char *name, int *out);

/* What the surrogate reads from a layer's real weights, kept in the spec itself so a
 * spec does not depend on a folder that can move (issue 23): counted from the weights
 * quantised to the layer's weight type, with the bias counted as a term of every neuron. */
typedef struct surr_wstats {
    bool known;
    double nonzero;   /* weights that quantise to nonzero */
    double pow2;      /* of those, +-2^k */
    double csd;       /* CSD digits summed over the nonzero, non-power-of-two weights */
    double acc_terms; /* sum over neurons of (terms - 1), terms = nonzero weights + the bias */
    double dsp_products; /* distinct (input, weight code) products whose code has >= 3 CSD digits (what
                            Vitis HLS puts on DSPs, surr_features.h); < 0 = not counted (older specs) */
} surr_wstats;

typedef struct surr_layer {
    size_t n_in, n_out;
    enum surr_act act;     /* activation applied to this layer's output */
    bool batch_norm;       /* BN after the dense layer; folded into it at inference */
    bool normalize;        /* an nnet::normalize call after the dense (a BN hls4ml did not fold): n_out
                              products by constant scales, typed like the layer's output */
    quant_prec weight;     /* weight type */
    quant_prec bias;       /* bias type */
    quant_prec input;      /* layer input (previous layer's output) type */
    quant_prec output;     /* layer output (after activation) type */
    quant_prec accum;      /* accumulator type; width 0 = lossless default (see surr_spec_resolve) */
    double sparsity;       /* fraction of zero weights, used when w == NULL; [0, 1) */
    size_t reuse_factor;   /* 0 = the spec's reuse_factor */
    const float *w;        /* (n_out, n_in) row-major, BORROWED; NULL = weights unknown */
    const float *b;        /* (n_out), BORROWED; may be NULL */
    surr_wstats wstats;    /* used when w == NULL and wstats.known */
} surr_layer;

typedef struct surr_spec {
    size_t n_layers;
    surr_layer layer[SURR_MAX_LAYERS];
    size_t reuse_factor;            /* default for every layer */
    enum surr_strategy strategy;
    enum surr_io io_type;
    char part[48];                  /* as the user or report named it; surr_part_lookup resolves the device */
    double clock_ns;                /* target clock period */
    enum surr_toolchain toolchain;
    size_t table_size;              /* tanh/sigmoid look-up table entries (hls4ml default 1024) */
    bool rf_unchecked;              /* accept reuse factors hls4ml now rejects (the 2019 sweeps used them) */
    enum surr_mult multipliers;     /* DSP or fabric mapping of the multiplies */
    char weights[256];              /* real weights to load (surr_spec_weights_load): a text file or an
                                       hls4ml weights/ folder; "" = none */
    char weights_sha256[65];        /* SHA-256 of the weights the layers' wstats were counted from; "" = none */
} surr_spec;

/* A spec for widths[0..n_widths) (n_widths >= 2) with hidden activation `hidden`,
 * optional BN on hidden layers, and the defaults: ap_fixed<16,6> everywhere
 * (accumulator lossless), sparsity 0, RF 1, Latency, io_parallel,
 * xcvu13p-flga2577-2-e, 5 ns, vivado-2019.1, table 1024, linear output. */
int surr_spec_init_mlp(surr_spec *s, const size_t *widths, size_t n_widths, enum surr_act hidden, bool batch_norm);

/* Set the same type on every layer (NULL = leave as is). */
void surr_spec_set_precision(surr_spec *s, const quant_prec *weight, const quant_prec *bias,
                             const quant_prec *input, const quant_prec *output, const quant_prec *accum);

/* Effective reuse factor of layer l. */
size_t surr_spec_layer_rf(const surr_spec *s, size_t l);
/* Lossless accumulator of layer l when accum.width == 0 (DESIGN.md):
 * width a_w + w_w + ceil(log2 n_in) + 1, integer a_i + w_i + ceil(log2 n_in) + 1. */
quant_prec surr_spec_layer_accum(const surr_spec *s, size_t l);

/* hls4ml's reuse-factor rule for a dense layer (n_in, n_out, rf): _validate_reuse_factor
 * of its FPGA backend, which set_closest_reuse_factor applies to Resource-strategy
 * layers only. */
bool surr_rf_valid(size_t n_in, size_t n_out, size_t rf);
/* What hls4ml (0.6-1.x, Vivado/Vitis backends) accepts for a dense layer of this
 * strategy: Resource -> surr_rf_valid; Latency -> any 1 <= rf <= n_in * n_out
 * (init_dense leaves a Latency layer's RF alone; the kernel takes
 * ceil(n_in n_out / rf) multipliers). */
bool surr_rf_valid_for(enum surr_strategy strategy, size_t n_in, size_t n_out, size_t rf);

/* Check everything a user can get wrong; messages name the layer and value:
 * zero widths, mismatched chain, W < I, no part (an unknown part is accepted:
 * surr_part_lookup gives absolute predictions only), bad toolchain/strategy,
 * sparsity outside [0,1), non-positive clock, reuse factor hls4ml rejects. */
int surr_spec_validate(const surr_spec *s);

/* ceil(log2 n) for n >= 1 (0 for n == 1). */
int surr_ceil_log2(size_t n);

#endif
