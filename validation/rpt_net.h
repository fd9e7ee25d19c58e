/* rpt_net — what an hls4ml project's firmware says about its network, in one
 * form whichever source it came from: the firmware itself (rpt_firmware.h:
 * myproject.cpp, parameters.h, defines.h, weights/w<k>.txt) or the network.json
 * that describes it (rpt_netjson.h). Both readers first produce the top
 * function's nnet:: calls in order (rpt_op, strings as in the source, typedefs
 * resolved); rpt_net_build() turns them into dense layers.
 *
 * From the ops: every dense (dense, dense_latency, dense_resource, dense_large)
 * starts a layer; a following relu/tanh/sigmoid/softmax/linear sets its
 * activation and output type; normalize marks batch norm; quantizer casts
 * (names containing "quantize"), repack_stream and reverse are ignored. Any other
 * op (conv, pooling, ...) makes the network "not an MLP" (net->why says which).
 * Sizes that are symbols (N_INPUT_1_1) are resolved by the layer chain
 * (n_in of a layer = n_out of the one before), by n_zeros + n_nonzeros =
 * n_in * n_out, and by a hint (outputs of the top function from the report).
 * Per layer: n_in, n_out, reuse factor, n_zeros (exact from weights/w<k>.txt
 * when the file is there, else the config's n_zeros), weight/bias/accum/input/
 * result types as written, strategy, activation.
 *
 * The spec JSON (rpt_net_spec_json) is the spec-file layout of
 * surrogate/surr_specio.h, every precision per layer, sparsity = n_zeros / (n_in
 * n_out), per-layer reuse factors, rf_unchecked (hls4ml synthesized it), the
 * weights/ folder (model.weights, absolute) when every layer's weights were read,
 * and a provenance section (source, notes, disagreements with hls4ml_config.yml).
 *
 * Memory: plain structs with fixed buffers. Workload: one per project.
 */
#ifndef SNAC_VALIDATION_RPT_NET_H
#define SNAC_VALIDATION_RPT_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "surrogate/surr_spec.h"
#include "validation/rpt_hls4ml.h"

#define RPT_OPS_MAX 128
#define RPT_NOTES_MAX 1024

typedef struct rpt_op {
    char op[48];              /* nnet:: function: "dense", "relu", ... */
    char config[48];          /* its config struct ("config2") */
    char input_t[64], output_t[64];
    char n_in[48], n_out[48], n_zeros[24], n_nonzeros[24], reuse_factor[24];
    char strategy[32], io_type[32], table_size[24];
    char weight_t[64], bias_t[64], accum_t[64];
    char weights[48];         /* the weight array argument ("w2"), "" if unknown */
} rpt_op;

typedef struct rpt_net_layer {
    size_t n_in, n_out;
    size_t reuse_factor;      /* 0 = unknown */
    long n_zeros;             /* -1 = unknown */
    bool zeros_exact;         /* counted in a weights file */
    char weight_t[64], bias_t[64], accum_t[64], input_t[64], result_t[64], output_t[64];
    char act[16];             /* surr_act_names spelling */
    bool batch_norm;          /* an nnet::normalize call follows (hls4ml kept the BN: spec key normalize) */
    char strategy[16];        /* "latency" | "resource" | "" */
    char weights[48];         /* "w2" */
    char configs[4][48];      /* config structs of the layer's calls: the dense first, then its batch norm and
                                 activation ("config2", "relu_config3"); they name its csynth instances */
    size_t n_configs;
} rpt_net_layer;

typedef struct rpt_net {
    char source[16];          /* "firmware" | "network.json" */
    size_t n_layers;
    rpt_net_layer layer[SURR_MAX_LAYERS];
    char io_type[16];         /* "io_parallel" | "io_stream" | "" */
    size_t table_size;        /* tanh/sigmoid table entries; 0 = default */
    bool mlp;                 /* false: net->why says why no spec can be built */
    char why[256];
    char notes[RPT_NOTES_MAX];/* what was assumed or resolved, "; "-separated */
    char weights_dir[RPT_PATH_MAX]; /* absolute weights/ folder when every layer's w<k>.txt was read; else "" */
    char multipliers[16];     /* "dsp" | "fabric" | "": build_prj.tcl's `config_op mul -impl` */
} rpt_net;

/* Hints from the reports for symbols nothing else resolves: the number of
 * outputs of the top function (0 = unknown). */
typedef struct rpt_net_hint {
    size_t n_outputs;
    size_t in_bits;           /* bits of the (reshaped) input port: n_in = in_bits / input width */
} rpt_net_hint;

/* Build the layers from ops[0..n); weights_dir (may be NULL) holds w<k>.txt files
 * whose zeros are counted. Returns SNAC_OK even when the network is not an MLP
 * (net->mlp false, net->why set); an error only for a weights file that cannot
 * be read or is malformed (naming the file and the value). */
int rpt_net_build(const rpt_op *ops, size_t n, const char *weights_dir, const rpt_net_hint *hint, rpt_net *net);

/* Compare with what hls4ml_config.yml says (reuse factor, strategy, io_type,
 * precision): each disagreement is appended to buf (";"-separated, "" if none). */
void rpt_net_disagreements(const rpt_net *net, const rpt_hls4ml_config *cfg, char *buf, size_t cap);

/* The spec JSON (malloc'd) of an MLP net; clock_ns <= 0 / part NULL leave them out. When
 * every layer's weights were read (weights_dir), the spec carries their counts per layer
 * (weight_stats) and model.weights_sha256, never the folder's path (issue 23). */
int rpt_net_spec_json(const rpt_net *net, const char *part, double clock_ns, const char *disagreements, char **json);

/* build_prj.tcl / project.tcl in dir: `config_op mul -impl dsp|fabric` -> "dsp" / "fabric"
 * in out ("" when neither is set). */
void rpt_net_read_tcl_multipliers(const char *dir, char *out, size_t cap);

/* Count the zeros of an hls4ml weights text file (values separated by commas
 * and/or white space); *n_values is the number of values. */
int rpt_net_count_zeros(const char *path, size_t *n_values, size_t *n_zeros);

#endif
