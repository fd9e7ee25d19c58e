/* local_config — the `local:` section of a config: SNAC-Pack's local search (QAT warm-up,
 * then iterative magnitude pruning with rewinding, at one or more bit widths), and the
 * deployed precisions it implies for each layer of an architecture.
 *
 *   local:
 *     warmup_epochs: 5          QAT epochs before the first pruning step (the rewind point)
 *     iterations: 10            pruning iterations; iteration i reaches 1 - (1 - rate)^i
 *     prune_rate: 0.2           in (0, 1)
 *     prune_epochs: 10          QAT epochs after each pruning step
 *     scope: layer              layer (each kernel to the same sparsity) | global
 *     bits: [8]                 one chain per width: weights ap_fixed<B, weight_integer>,
 *                               biases ap_fixed<B, bias_integer>, ReLU outputs
 *                               ap_ufixed<B, activation_integer>, tanh outputs ap_fixed<B,1>,
 *                               sigmoid outputs ap_ufixed<B,0>
 *     weight_integer: 1         (QKeras quantized_bits(B, 0) = ap_fixed<B, 1>)
 *     bias_integer: 3
 *     activation_integer: 3
 *     weight_rounding: AP_RND_CONV, activation_rounding: AP_RND, overflow: AP_SAT
 *     input: "ap_fixed<12,4,AP_RND,AP_SAT>"      the network input (l1-jet-id's input_layer)
 *     table_input: "ap_fixed<16,6,AP_RND,AP_SAT>" dense result feeding a tanh/sigmoid table
 *     logits: "ap_fixed<16,6,AP_RND,AP_SAT>"     the output layer
 *     table_size: 1024
 *     batch_size: 128
 *     learning_rate: 0          0 = the source trial's own
 *     seed: 1
 * Errors carry file:line:column: unknown precision spellings, W < I, bits outside 1..32,
 * a rate outside (0, 1).
 *
 * Memory: plain data. Workload: read once per run.
 */
#ifndef SNAC_SEARCH_LOCAL_CONFIG_H
#define SNAC_SEARCH_LOCAL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "nn/arch.h"
#include "prune/prune.h"
#include "quant/qmodel.h"

#define LOCAL_MAX_BITS 8

typedef struct local_config {
    size_t warmup_epochs, iterations, prune_epochs;
    double prune_rate;
    enum prune_scope scope;
    size_t n_bits;
    size_t bits[LOCAL_MAX_BITS];
    int weight_integer, bias_integer, activation_integer;
    enum quant_qmode weight_rounding, activation_rounding;
    enum quant_omode overflow;
    quant_prec input, table_input, logits;
    size_t table_size;
    size_t batch_size;
    double learning_rate;
    uint64_t seed;
} local_config;

void local_config_init(local_config *c);
/* Read the `local` section of a YAML document (a missing section keeps the defaults;
 * other top-level keys are ignored). */
int local_config_parse(const char *text, size_t len, const char *name, local_config *c);
int local_config_load(const char *path, local_config *c);

/* The deployed model of architecture `a` (batch norm folded away) at `bits`: shape,
 * activations, every precision, tables; codes zero, masks all kept. Errors when a
 * combination cannot be bit-exact (an accumulator over 53 bits). */
int local_model_spec(const local_config *c, size_t bits, const nn_arch *a, quant_model **out);

#endif
