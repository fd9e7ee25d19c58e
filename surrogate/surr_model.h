/* surr_model — the surrogate's model family (basis version 6): a structural
 * model. Every target is a non-negative combination of named cost terms, and
 * each term is a sum over the dense layers (plus a few top-level terms):
 *     y_t = sum_k c_{t,k} * phi_k(features),  phi_k = sum_l phi_{k,l} + top_k
 * e.g. LUT = c_fabric * (shift-add adder bits of multipliers kept in fabric)
 *          + c_tree * (adder-tree bits) + c_dsp_glue * (DSP multipliers) + ...,
 * DSP = c_dsp * (multipliers per cycle whose product is at least dsp_min_bits wide),
 * latency = sum over layers of d (t_mult + levels * t_add) / clock + 1 per activation
 * + c (RF - 1) + per-layer and top-level register stages, d = the part's
 * logic delay relative to a Zynq-7000 -1 (fabric class x speed grade, surr_part.h):
 * stage packing of the multiply and the adder tree into the clock period.
 * FF = registers where a clock boundary falls: the product word once per whole
 * period inside the multiply (floor(SURR_MULT_NS d / clock), ~1 FF per bit and
 * stage once fitted), adder-tree pipeline bits, layer outputs, RF accumulators.
 * Under the Latency strategy zero weights and powers of two cost nothing (they
 * are not multipliers; surr_features.h). The DSP mapping threshold dsp_min_bits
 * is a fitted parameter (Vivado HLS keeps narrow constant products in fabric;
 * where it lies depends on the tool), stored per target so that a refit may keep
 * one target's parent model.
 * Every coefficient is >= 0 and every term is non-decreasing in the nonzero
 * weights and word widths at a fixed DSP mapping, and non-increasing in the
 * reuse factor (what is built in parallel is divided by RF), with one exception
 * the data demand: RF > 1 adds accumulator registers (rf_acc_bits, FF only;
 * e.g. a 4-128-3 net has 1294 FF at RF 1 and 3892 at RF 16, same pruning), so FF
 * is monotone in RF only for RF >= 2. A product crossing dsp_min_bits moves
 * from fabric LUTs to a DSP: LUT may fall there while DSP rises.
 * A few terms are facts, not fits (surr_basis_pinned): the FIFOs of a DATAFLOW top, the ReLU
 * process and rounding/saturating cast, the Resource kernel's one cycle per reuse step, the io_stream
 * dense's input and result registers, the softmax's exp registers, Vivado HLS's cycle per dense call; the fit
 * subtracts them and stores their known coefficients, so every coef . phi includes them.
 *
 * A surr_version is one fitted set of coefficients plus its metadata (the row of
 * surrogate_versions), with each target's coefficient covariance and relative
 * residual scale, from which surr_predict_interval() gives a 95% interval.
 * Coefficients serialise to a versioned little-endian blob that round-trips
 * bit for bit.
 *
 * Memory: surr_version owns three heap strings (fit_stats, fitted_on, note);
 * surr_version_clear() frees them. surr_predict() allocates nothing and touches
 * only the version and its arguments: safe to call from many threads.
 * Workload: surr_predict is the search's inner loop (>= 1e6 calls/s per core);
 * the interval costs O(basis^2) per target and is computed only when asked.
 */
#ifndef SNAC_SURROGATE_SURR_MODEL_H
#define SNAC_SURROGATE_SURR_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "surrogate/surr_features.h"
#include "surrogate/surr_part.h"
#include "surrogate/surr_spec.h"

enum surr_target {
    SURR_T_LUT, SURR_T_FF, SURR_T_DSP, SURR_T_BRAM18, SURR_T_URAM, SURR_T_LATENCY_CYCLES, SURR_T_II,
    SURR_T_COUNT
};
/* "lut", "ff", "dsp", "bram18", "uram", "latency_cycles", "ii" */
extern const char *const surr_target_names[SURR_T_COUNT];

#define SURR_BASIS_VERSION 8
enum surr_basis {
    SURR_B_ONE,           /* top: 1 (interface, control) */
    SURR_B_LAYER,         /* per dense layer: 1 (layer control, output register stage) */
    SURR_B_DSP_MULT,      /* multipliers per cycle with a_w + w_w >= dsp_min_bits (mapped to DSP) */
    SURR_B_DSP_EXTRA,     /* extra DSP slices per DSP multiplier of a product wider than 27x18 */
    SURR_B_FABRIC_BITS,   /* shift-add adder bits per cycle of multipliers kept in fabric */
    SURR_B_TREE_BITS,     /* adder-tree bits per cycle */
    SURR_B_PROD_BITS,     /* multipliers per cycle * (a_w + w_w): product registers */
    SURR_B_PIPE_BITS,     /* adder-tree bits per cycle * delay / clock_ns: tree pipeline registers (more
                             stages on a slower part or a shorter clock: the same 16-4 net has 1,866 FF in
                             2 cycles on xc7vx690t-3 and 5,748 FF in 6 on xc7z020-1, both 5 ns) */
    SURR_B_OUT_BITS,      /* n_out * out_w: layer output registers */
    SURR_B_RF_ACC_BITS,   /* RF > 1: n_out * acc_w accumulators kept across the RF iterations */
    SURR_B_RELU_BITS,     /* ReLU layers: n_out * out_w */
    SURR_B_TABLE_NEURONS, /* neurons with a table activation (tanh, sigmoid, softmax); yosys-0.23: the ROMs
                             Yosys keeps, in full-table equivalents (surr_layer_terms.table_units) */
    SURR_B_TABLE_LAYER,   /* layers with a table activation (one ROM each) */
    SURR_B_IO_BITS,       /* top: n_in * a_w of the first layer + n_out * out_w of the last */
    SURR_B_STREAM_LAYER,  /* io_stream: per layer (FIFOs, handshakes) */
    SURR_B_BRAM_BLOCKS,   /* Resource strategy: stored weight bits / 18432 */
    SURR_B_MULT_STAGE,    /* latency: delay / clock_ns per layer (coefficient: ns of logic delay per layer on
                             a Zynq-7000 -1, the multiply's; delay = surr_part_delay_scale of the part). The
                             Vitis default puts a whole layer here (50.5 ns: its calls and the registers
                             Vitis HLS adds between them; README) */
    SURR_B_TREE_STAGE,    /* latency: delay * levels / clock_ns per layer (coefficient: adder delay in ns);
                             levels over the nonzero terms of a neuron */
    SURR_B_ACT_LAYER,     /* latency: layers with an activation (+1 each; the register between the dense
                             and the activation call; a delay-scaled table stage fitted worse, see README) */
    SURR_B_RF_CYCLES,     /* latency: sum of (RF - 1) over Latency-strategy layers */
    SURR_B_RF_MAX,        /* top: largest reuse factor (II) */
    SURR_B_MULT_PIPE_BITS, /* multipliers per cycle * (a_w + w_w) * floor(SURR_MULT_NS * delay / clock_ns):
                              the product word registered once per clock boundary inside the multiply (a
                              16x16 DSP multiply is 3 stages on xc7z020-1 at 5 ns: 6,149 FF for 64 products
                              of 32 bits; 0 stages at 25 ns or on UltraScale+ at 5 ns) */
    SURR_B_FIFO_LUT,      /* DATAFLOW tops: sum over the FIFOs between calls of (bits + SURR_FIFO_CTRL_LUT)
                             (surr_layer_fifos); LUT, coefficient pinned at 1 (surr_basis_pinned) */
    SURR_B_FIFOS,         /* DATAFLOW tops: FIFOs between calls; FF, coefficient pinned at SURR_FIFO_FF */
    SURR_B_ACT_PROC_BITS, /* DATAFLOW tops: ReLU layers' n_out x res_w: each activation call is a process of
                             its own (LUT, pinned at SURR_RELU_PROC_LUT) */
    SURR_B_CAST_BITS,     /* ReLU layers whose output type rounds or saturates: n_out x res_w, the cast's
                             adder and overflow check (LUT, pinned at SURR_CAST_LUT) */
    SURR_B_RF_LOOP,       /* latency: sum of (II - 1) over Resource-strategy layers: hls4ml's dense_resource
                             runs its ReuseLoop RF times pipelined at II=1 (one cycle per reuse step;
                             pinned at 1) */
    SURR_B_STREAM_ARRAY_BITS, /* io_stream: n_in x a_w + n_out x res_w per dense layer: hls4ml's stream dense
                                 (nnet_dense_stream.h) unpacks its input into `data[n_in]` and collects
                                 `res[n_out]`, both ARRAY_PARTITION complete: registers (FF, pinned at 1) */
    SURR_B_SOFTMAX_EXP_BITS, /* softmax layers: n_out x SURR_SOFTMAX_TABLE_BITS, the exp values held while the
                                sum's inverse is read from its table (FF, pinned at 1) */
    SURR_B_CALL_REG,      /* latency: dense layers under Vivado HLS (either family): the cycle the top function
                             adds per dense call, clock-independent (pinned at 1; see SURR_CALL_REG_TOOLCHAINS) */
    SURR_B_COUNT
};
extern const char *const surr_basis_names[SURR_B_COUNT];
/* Terms that are not sums over layers (their per-layer value is 0). */
#define SURR_BASIS_TOP_MASK ((1u << SURR_B_ONE) | (1u << SURR_B_IO_BITS) | (1u << SURR_B_RF_MAX))

/* The multiply's delay in ns on a Zynq-7000 -1 from which its register stages are counted
 * (floor(SURR_MULT_NS * delay / clock)): a fixed constant like the delay factors, not fitted. */
#define SURR_MULT_NS 16.0

/* Vivado HLS's csynth estimate of a depth-1/2 FIFO (a shift register: one LUT per bit) is
 * bits + 12 LUT and 5 FF, exactly, in both reports that have FIFOs: the calibration set's io_stream
 * 4-128-3 (Vivado HLS 2020.1: 259 FIFOs of 16 bits, 7,252 LUT = 259 x 28, 1,295 FF = 259 x 5) and a
 * Resource io_parallel 16-64-32-32-5 (2019.2: 262 FIFOs, 3,152 bits, 6,296 LUT = 3,152 + 262 x 12,
 * 1,310 FF). These two terms are not fitted: the fit subtracts them from LUT and FF (a single
 * stream project cannot separate them from the per-layer stream term). */
#define SURR_FIFO_CTRL_LUT 12.0
#define SURR_FIFO_FF 5.0

/* A ReLU call as a DATAFLOW process: the calibration set's io_stream ReLU instances (Vivado HLS
 * 2020.1, pominiq CNNs and the 4-128-3 MLP, <16,6> in and out) cost 111 + 46 n LUT for n = 4, 8, 32,
 * 128 elements: 46 / 16 = 2.9 LUT per input bit (in a PIPELINE top the compare-mux is inlined:
 * relu_bits, fitted). A ReLU whose output type rounds or saturates casts with an adder and an
 * overflow check over its input word: the calibration set's one such ReLU (CestMerNeil LeNet, Vivado
 * HLS 2019.2, <16,6> -> ap_ufixed<4,0,AP_RND_CONV,AP_SAT>) costs 139 + 95 n LUT, 49 per 16-bit
 * element more than the plain one: 3.0 per input bit. Not fitted (no calibration MLP has either);
 * README, issue 23. */
#define SURR_RELU_PROC_LUT 2.9
#define SURR_CAST_LUT 3.0

/* hls4ml's softmax_latency and softmax_stable (nnet_activation.h; the only ones in the reports here,
 * and the spec does not say which) look up exp(x_i) in one table and 1 / sum in a second, then multiply: the n_out exp words (exp_table_t, default ap_fixed<18,8>)
 * wait in registers while the sum is formed and its inverse read. The calibration set's reports hold
 * at least that: 54 FF = 3 x 18 in the 3-output softmax_stable of pominiq's 4-128-3 nets (Vivado HLS
 * 2020.1, 25 ns, 2 cycles), 93 in the 5-output softmax_latency of a 16-64-32-32-5 (2019.2, 2 cycles),
 * more where the call is deeper (Iris, Vitis: 736 in 9 cycles). The table width is not in the spec:
 * hls4ml's default. */
#define SURR_SOFTMAX_TABLE_BITS 18.0

/* The top function's cycles between the calls (csynth: top latency minus the sum of its instance
 * rows) are one per dense call in Vivado HLS, whatever the clock: the calibration set's
 * 16-64-32-32-5 (2019.2, 5 ns) 10 - 6 = 4 for 4 dense calls, the 16-4 nets (2019.2, 5 ns, two parts)
 * 1 and 1, three 4-128-3 nets (2020.1, 25 ns) 2, 2 and 2; off by one in a fourth 4-128-3 (1 for 2) and
 * the 2-1 neuron (0 cycles in all: a combinational top). Vitis HLS adds more and clock-dependent
 * cycles (5 for 3 calls on xcu55c, 9 on xc7z020, both 5 ns): its per-layer delay term fits them. */
#define SURR_CALL_REG_TOOLCHAINS(tc) ((tc) == SURR_TC_VIVADO_2019_1 || (tc) == SURR_TC_VIVADO_2020_1)

/* The default DSP mapping threshold (product bits) before a fit chooses one. */
#define SURR_DSP_MIN_BITS_DEFAULT 20

/* phi(features) of the whole network for DSP threshold dsp_min_bits. Allocates nothing. */
void surr_basis_eval(int dsp_min_bits, const surr_features *x, double phi[SURR_B_COUNT]);
/* phi of dense layer l alone (top-level terms 0), and the top-level terms alone:
 * surr_basis_eval == sum over layers of surr_basis_eval_layer + surr_basis_eval_top. */
void surr_basis_eval_layer(int dsp_min_bits, const surr_features *x, size_t l, double phi[SURR_B_COUNT]);
void surr_basis_eval_top(const surr_features *x, double phi[SURR_B_COUNT]);
/* The basis functions a target uses by default (bit k = enum surr_basis k). */
uint32_t surr_basis_default_mask(enum surr_target t);
/* The coefficient of basis k in target t when it is not fitted but known (the FIFO terms:
 * SURR_FIFO_CTRL_LUT), else NaN. The fit subtracts pinned terms from y and stores the pinned
 * value as the coefficient, so every prediction (coef . phi) includes them. */
double surr_basis_pinned(enum surr_target t, enum surr_basis k);
/* Basis functions whose coefficient the fit keeps >= 0: every one (they are costs). */
uint32_t surr_basis_monotone_mask(void);

enum { SURR_TM_FITTED = 1u, SURR_TM_NO_DATA = 2u /* no calibration data: predicts 0 */ };

typedef struct surr_target_model {
    uint32_t mask;              /* basis functions in use */
    uint32_t flags;             /* SURR_TM_* */
    int dsp_min_bits;           /* a multiply with a_w + w_w >= this maps to DSP (0: every one) */
    double coef[SURR_B_COUNT];  /* zero outside the mask */
    double sigma_rel;           /* residual scale relative to max(y, floor) (robust fit) */
    double cov[SURR_B_COUNT][SURR_B_COUNT]; /* coefficient covariance (0 for coefficients at their bound) */
} surr_target_model;

typedef struct surr_version {
    int64_t id;                 /* row id in surrogate_versions; 0 = not stored */
    char name[96];              /* unique, e.g. "default-vivado-2019.1-b2" */
    char family[48];            /* "struct-nnls-huber", "struct-recal", ... */
    int basis_version;          /* SURR_BASIS_VERSION it was fitted with */
    enum surr_toolchain toolchain;
    int64_t parent_id;          /* 0 = none */
    bool active;
    surr_target_model t[SURR_T_COUNT];
    char *fit_stats;            /* JSON, owned (may be NULL) */
    char *fitted_on;            /* JSON array of the data ids, owned (may be NULL) */
    char *note;                 /* free text, owned (may be NULL) */
    char tool_versions[64];     /* the tool versions its data came from ("0.23"), "" = not recorded;
                                   in the coefficient file, not in the store */
} surr_version;

void surr_version_clear(surr_version *v); /* frees the strings; NULL-safe */
/* Set one of the owned strings to a copy of s (NULL clears). */
int surr_version_set_str(char **field, const char *s);

typedef struct surr_prediction {
    double y[SURR_T_COUNT];     /* LUT, FF, DSP, BRAM18, URAM, latency (cycles), II */
    double pct[SURR_T_COUNT];   /* resources as % of the part (latency/II: 0) */
    double avg_resource_pct;    /* mean of LUT%, FF%, DSP%, BRAM% */
    double latency_ns;          /* latency cycles * clock period */
    double bops_mac, bops_bitaware;
    double lo[SURR_T_COUNT], hi[SURR_T_COUNT]; /* 95% interval (surr_predict_interval); NaN from surr_predict */
} surr_prediction;

/* Predict every target for features x on `part`. Allocates nothing. */
void surr_predict(const surr_version *v, const surr_features *x, const surr_part *part, surr_prediction *out);
/* surr_predict plus the 95% interval of every target: the coefficient covariance
 * propagated through phi plus the residual scale, y +- 1.96 sqrt(phi' C phi + (s y)^2),
 * clipped at 0 (II and latency at 1). Allocates nothing. */
void surr_predict_interval(const surr_version *v, const surr_features *x, const surr_part *part,
                           surr_prediction *out);
/* Floor of the relative error scale of target t: residuals are (y - pred) / max(y, floor). */
double surr_target_floor(enum surr_target t);

/* Coefficient blob: "SNSV", u32 format 2, u32 basis version, u32 targets, u32 basis,
 * then per target u32 mask, u32 flags, i32 dsp_min_bits, u32 0, basis x f64
 * coefficients, f64 sigma_rel, basis x basis f64 covariance, all little-endian. */
int surr_coef_encode(const surr_version *v, void **blob, size_t *len); /* malloc'd */
int surr_coef_decode(const void *blob, size_t len, surr_version *v);   /* fills v->t and basis_version */

#endif
