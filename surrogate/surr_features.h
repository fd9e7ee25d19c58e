/* surr_features — what hls4ml builds for a spec (Latency strategy, io_parallel),
 * summarised as counts the cost model is linear in: multiplies that survive
 * constant propagation, free power-of-two weights, canonical-signed-digit (CSD)
 * adder terms of constant multiplication, operand/accumulator widths, adder-tree
 * depth, look-up-table activations, folded batch norm, reuse factor; plus both
 * BOPs figures.
 *
 * Resource strategy: weights live in memory, so every weight is a generic
 * multiply (zeros and powers of two are not free) and all are stored.
 *
 * Exact mode: when a layer's weights are known they are quantised to the layer's
 * weight type (its rounding/saturation modes) and counted. Expected mode: with
 * only bit widths and sparsity, the counts are expectations with nonzero weight
 * codes uniform over the type's nonzero codes.
 *
 * Toolchain yosys-0.23 (Latency strategy): the design is snac's own RTL (export_rtl.h), so the
 * shift-add and adder-tree bits and the output register bits are counted as that RTL builds them
 * (range-sized adders, unread neurons left out, only output bits that can change); see
 * surr_features.c.
 *
 * Memory: surr_features is plain data; extraction allocates nothing, except scratch per layer when
 * its weights are known (the Vitis DSP products' codes, O(n_in n_out); for the yosys toolchain, snac's
 * own RTL counted exactly).
 * Workload: O(total weights) in exact mode (~26k weights for the jet baseline),
 * O(layers + 2^min(W,16)) in expected mode; run once per spec, not per prediction.
 */
#ifndef SNAC_SURROGATE_SURR_FEATURES_H
#define SNAC_SURROGATE_SURR_FEATURES_H

#include <stdbool.h>

#include "surrogate/surr_spec.h"

enum surr_feature {
    SURR_F_MACS,            /* sum n_in*n_out: dense multiply-accumulates (the paper's "BOPs") */
    SURR_F_NONZERO,         /* weights that quantise to nonzero: multiplies hls4ml keeps (zeros fold away) */
    SURR_F_POW2,            /* nonzero weights equal to +-2^k: a shift, no multiplier, no LUT */
    SURR_F_GENERAL,         /* nonzero, not +-2^k: real constant multipliers (DSP or LUT shift-add) */
    SURR_F_CSD_DIGITS,      /* sum of CSD nonzero digits over the general weights (shift-add terms) */
    SURR_F_CSD_ADD_BITS,    /* sum (csd-1)*(a_w+w_w) over general weights: adder bits of shift-add multipliers */
    SURR_F_MULT_BITS,       /* sum a_w*w_w over general weights: array-multiplier area if built in LUTs */
    SURR_F_ACC_ADD_BITS,    /* sum over neurons of (terms-1)*acc_w, terms = nonzero weights + bias: adder tree bits */
    SURR_F_GENERAL_PER_CYCLE, /* sum general/RF per layer: multipliers instantiated in parallel */
    SURR_F_CSD_ADD_PER_CYCLE, /* CSD_ADD_BITS/RF per layer: shift-add adder bits instantiated */
    SURR_F_MULT_BITS_PER_CYCLE, /* MULT_BITS/RF per layer */
    SURR_F_ACC_ADD_PER_CYCLE, /* ACC_ADD_BITS/RF per layer */
    SURR_F_STORED_BITS,     /* sum nonzero*w_w: weight bits (a ROM/BRAM when RF is large) */
    SURR_F_W_BITS,          /* mean weight width W over layers, weighted by n_in*n_out */
    SURR_F_A_BITS,          /* mean layer-input width, weighted by n_in*n_out */
    SURR_F_ACC_BITS,        /* mean accumulator width, weighted by n_in*n_out */
    SURR_F_TREE_DEPTH,      /* sum over layers of ceil(log2 n_in): adder-tree depth on the critical path */
    SURR_F_TREE_DEPTH_MAX,  /* max over layers of ceil(log2 n_in) */
    SURR_F_LAYERS,          /* dense layers */
    SURR_F_NEURONS,         /* sum n_out */
    SURR_F_OUT_BITS,        /* sum n_out*out_w: layer output registers */
    SURR_F_TABLE_ACTS,      /* neurons with table activations (tanh, sigmoid: 1024-entry ROM; softmax exp/inv) */
    SURR_F_RELU_BITS,       /* sum n_out*out_w over ReLU layers: comparators/muxes */
    SURR_F_BN_FOLDED,       /* layers whose batch norm is folded into the dense weights (no cost) */
    SURR_F_RF_MAX,          /* largest reuse factor */
    SURR_F_SPARSITY,        /* zero-weight fraction over all weights */
    SURR_F_CLOCK_NS,        /* target clock period */
    SURR_F_FANIN,           /* mean n_in weighted by n_in*n_out: inputs each multiplier/adder tree selects from */
    SURR_F_DELAY_SCALE,     /* logic delay of the part relative to a Zynq-7000 -1 (surr_part_delay_scale) */
    SURR_F_COUNT
};
extern const char *const surr_feature_names[SURR_F_COUNT];

/* snac's RTL writes weights of at most this many bits as CSD shift-adds, wider ones as `*`
 * (EXPORT_RTL_CSD_MAX_WIDTH, the default of export and synth): the yosys-0.23 features assume it. */
#define SURR_RTL_CSD_MAX_WIDTH 16

/* Vitis HLS (2022.1-2024.1 reports) puts a constant product above the DSP threshold's width on a DSP48
 * only when the constant's shift-add form needs at least this many CSD digits, once per input and
 * constant: per dense call, the DSPs of four Vitis projects equal the distinct (input, code) pairs of
 * 3+ digits exactly (16x6 bits: 29 of 175 general products, 38 of 439; 15x10: 4 and 2). Vivado HLS
 * (2019-2020) maps every general product above the threshold. */
#define SURR_VITIS_DSP_CSD_DIGITS 3

/* What the structural model (surr_model.h, basis version 6) needs of one dense
 * layer: counts for the whole layer (divide by rf for what is instantiated in
 * parallel), its word widths and its adder-tree depth. */
typedef struct surr_layer_terms {
    double n_in, n_out, rf;
    double ii;             /* the layer's initiation interval as hls4ml builds it (surr_layer_ii) */
    double nonzero;        /* weights that quantise to nonzero */
    double general;        /* nonzero and not +-2^k: real constant multipliers */
    double dsp_products;   /* distinct (input, code) products with >= SURR_VITIS_DSP_CSD_DIGITS CSD digits
                              (Resource strategy: every product) */
    double csd_add_bits;   /* sum (csd-1)*(a_w+w_w) over general weights: shift-add adder bits */
    double acc_add_bits;   /* sum over neurons of (terms-1)*acc_w: adder-tree bits */
    double stored_bits;    /* nonzero * w_w */
    double out_bits;       /* output register bits: n_out * out_w (yosys: the live bits of the built neurons) */
    double table_units;    /* table activations: n_out (a full table per neuron); yosys: ROMs in full-table
                              equivalents, sum over built neurons of the 64-word blocks x output bits that
                              change among the words it can reach, / (8 x table size / 64) (with weights
                              unknown: every word); 0 = not set: n_out */
    int a_w, w_w, acc_w, out_w;
    int levels;            /* ceil(log2(terms + 1)): adder-tree depth over the nonzero products per neuron (mean) + bias */
    enum surr_act act;
    bool resource;         /* Resource strategy (weights may live in BRAM) */
    bool normalize;        /* an nnet::normalize call follows: n_out products by scales of out_w bits */
    /* DATAFLOW tops (io_stream, or hls4ml's Resource io_parallel top): the channels HLS builds
     * between this layer's calls and to the next layer's, one FIFO per array element (every array is
     * partitioned), plus, on layer 0 of an io_parallel top, the reshaped input array as one FIFO of
     * n_in x a_w bits (surr_layer_fifos); 0 for a PIPELINE top */
    double fifos;          /* FIFOs */
    double fifo_bits;      /* their summed widths */
    int res_w;             /* the dense result's width, the activation's input (surr_layer_result_width) */
    bool act_cast;         /* a ReLU whose output type rounds (not AP_TRN) or saturates (not AP_WRAP): the
                              cast after the compare is an adder and an overflow check over the input word */
} surr_layer_terms;

typedef struct surr_features {
    double f[SURR_F_COUNT];
    size_t n_layers;                          /* dense layers */
    surr_layer_terms layer[SURR_MAX_LAYERS];  /* per dense layer */
    bool io_stream;                           /* io_stream: FIFOs between layers */
    bool dataflow;                            /* a DATAFLOW top (io_stream, or the Resource strategy at
                                                 io_parallel: hls4ml's writer): FIFOs between calls */
    enum surr_mult mult;                      /* the spec's multiplier mapping (hls.multipliers): dsp and
                                                 fabric override the product-width threshold */
    enum surr_toolchain toolchain;            /* whose DSP mapping rule applies (vitis-2023.2: by CSD digits) */
    double bops_mac;      /* sum n_in*n_out (the SNAC-Pack paper's BOPs; 25,916 for the jet baseline) */
    double bops_bitaware; /* sum n_in*n_out*((1-s)*b_w*b_a + b_w + b_a + log2 n_in) */
    bool exact;           /* every layer's weights were known and counted */
} surr_features;

/* Features of a spec. Validates the spec first (errors as surr_spec_validate);
 * non-finite weights are an error naming the layer and index. */
int surr_features_extract(const surr_spec *s, surr_features *out);

/* hls4ml's Latency dense kernel (nnet_dense_latency.h) asks for II = RF and limits the
 * multiplications to multiplier_limit = ceil(n/RF) - floor(n_zeros/RF) multipliers (at least
 * 1); zero weights and powers of two are no multiplications, so the layer takes
 * ceil(general / limit) cycles per input when that is below RF: at RF above a layer's n
 * multiplications (hls4ml builds those), one multiplier does the `general` products and
 * II = general, not RF. The Resource kernel loops RF times: II = RF. */
double surr_layer_ii(double n, double zeros, double general, double rf, bool resource);

/* hls4ml's writer puts `#pragma HLS DATAFLOW` on the top function for io_stream and for the
 * Resource strategy at io_parallel (PIPELINE otherwise); snac's own RTL (yosys-0.23) has none. */
bool surr_spec_dataflow(const surr_spec *s);

/* The width of layer l's dense result (hls4ml's result_t, the activation's input), which the spec
 * does not carry: hls4ml's default types it like the accumulator (accum_t), so the accumulator's
 * width when the spec sets one, else the layer's output width. */
int surr_layer_result_width(const surr_spec *s, size_t l);

/* The FIFOs of layer l of a DATAFLOW top, as Vivado HLS reports them (csynth FIFO table): one per
 * element of every array passed between two calls, depth 1-2. Within the layer the dense result
 * (n_out elements of the layer's accumulator width when the spec sets one, else its output width)
 * feeds the normalize call and/or the activation; the layer's output (out_w bits) feeds the next
 * layer unless l is the last (the top's output port is no FIFO). Layer 0 of an io_parallel top adds
 * one FIFO holding the whole reshaped input (n_in x a_w bits; io_stream inputs are ports).
 * E.g. a 16-64-32-32-5 Resource net, <16,6> inputs and results, <7,1> ReLU outputs, softmax: 262
 * FIFOs, as its report lists (1 x 256 bits, 133 x 16, 128 x 6-7). 0 and 0 when not dataflow. */
void surr_layer_fifos(const surr_spec *s, size_t l, double *fifos, double *fifo_bits);

/* Count layer l's weights (L->w must be set) into the statistics a spec can carry
 * instead of them (surr_wstats); the features of either are the same. */
int surr_wstats_count(const surr_layer *L, size_t l, surr_wstats *out);

/* Both BOPs figures alone (cheap: no weight scan unless weights are known). */
double surr_bops_mac(const surr_spec *s);
double surr_bops_bitaware(const surr_spec *s);

/* Expected-mode statistics of a W-bit signed weight type with uniformly
 * distributed nonzero codes: fraction that are +-2^k, and mean CSD digits of the
 * others (exact enumeration up to W = 16, NAF density 1/3 per extra bit above). */
void surr_weight_code_stats(int width, bool is_signed, double *p_pow2, double *mean_csd_general);

#endif
