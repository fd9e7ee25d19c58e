/* export_rtl — synthesizable Verilog-2005 of a quantized model, the same arithmetic as the
 * integer engine (quant/qengine.h), filled from hls_templates/rtl:
 *
 *   rtl/myproject.v            top: clk, in_valid, x (inputs packed, input 0 in the low bits),
 *                              out_valid, y (the logits, packed the same way, or with argmax the
 *                              class index); out_valid is in_valid delayed by the latency
 *   rtl/myproject_argmax.v     with argmax: the index of the largest logit (lowest on ties), registered
 *   rtl/myproject_layer<L>.v   one module per dense layer + activation
 *   rtl/myproject_rom_<f>.v    tanh / sigmoid tables as ROMs (the model's own codes)
 *   rtl/tb_myproject.v         test bench: rtl/tb_input.hex -> rtl/sim_results.txt, to compare
 *                              with rtl/tb_expected.txt (the engine's logit codes)
 *   rtl/files.f                the file list, top last
 *
 * Arithmetic per neuron j of a layer, all in the layer's accumulator width (hls4ml `auto`,
 * lossless, so two's complement wrap-around of intermediate terms never changes the sum):
 *   bias aligned to the accumulator fraction, plus x[i] * w[j][i] for every nonzero weight:
 *   zero weights vanish; +-2^k is a shift; a weight whose type is at most csd_max_width bits
 *   wide becomes the shift-adds of its canonical signed-digit form; a wider one a `*` by the
 *   constant (which synthesis may map to a DSP). Terms are summed by a balanced adder tree.
 *   Then the requantization to the result type with the model's rounding and overflow modes,
 *   ReLU, or the table index (truncation toward zero, clamped) and a ROM look-up, then the
 *   conversion to the output type. A hidden neuron that no nonzero weight of the next layer reads
 *   is not built (its output is tied to 0), as synthesis of the whole design would find.
 *
 * Pipeline: `stages` register stages per layer (1..8). Stage 1 registers the layer's outputs;
 * with 2 or more, the accumulators are registered too (after the adder trees), and further
 * stages delay the outputs. Latency in cycles = the sum over layers (+1 with argmax); reported.
 *
 * Limits (checked by export_rtl_check before anything is written): table sizes must be powers
 * of two; AP_WRAP_SM is not a mode the model has.
 *
 * Memory: nothing kept. Workload: one call per export; text grows with the nonzero weights.
 */
#ifndef SNAC_EXPORT_RTL_H
#define SNAC_EXPORT_RTL_H

#include <stdbool.h>
#include <stddef.h>

#include "export/export_info.h"
#include "quant/qmodel.h"

#define EXPORT_RTL_MAX_STAGES 8

typedef struct export_rtl_opts {
    int csd_max_width;                      /* weights of at most this many bits: CSD shift-add; 0 = always `*` */
    int stages[QUANT_MAX_LAYERS];           /* register stages per layer, 1..EXPORT_RTL_MAX_STAGES */
    bool argmax;                            /* output the class index (one more register stage), not the logits */
} export_rtl_opts;

#define EXPORT_RTL_CSD_MAX_WIDTH 16
#define EXPORT_RTL_OPTS_INIT {EXPORT_RTL_CSD_MAX_WIDTH, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, false}

typedef struct export_rtl_report {
    int latency_cycles;
    size_t zero, shift, csd, mult; /* weights by how they were built */
    size_t csd_adders;             /* adders/subtractors of the CSD forms */
    size_t adder_bits;             /* sum of the widths of every adder, subtractor and negation (CSD forms,
                                      negative weights, adder trees): what surr_features counts for yosys */
    size_t unused_neurons;         /* hidden outputs no nonzero weight reads: not built */
    size_t unused_weights;         /* their nonzero incoming weights */
} export_rtl_report;

/* Whether the model and options can be written (no file touched). */
int export_rtl_check(const quant_model *m, const export_rtl_opts *o);

/* Write rtl/ under dir; test vectors x (n, n_in) input codes with expected logits (n, n_out). */
int export_rtl_write(const quant_model *m, const export_rtl_opts *o, const export_info *info, const char *dir,
                     const int32_t *x, const int32_t *logits, size_t n, export_rtl_report *rep);

#endif
