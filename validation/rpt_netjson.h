/* rpt_netjson — read the network.json that describes an hls4ml project's
 * firmware (../shared/data/hls4ml_projects/README.md): "layers", one per nnet::
 * call of the top function in order, each with "op", "config", "input_t",
 * "output_t", "params" (n_in, n_out, n_zeros, n_nonzeros, reuse_factor, strategy,
 * io_type, table_size: strings as in parameters.h) and "types" (weight_t, bias_t,
 * accum_t resolved); top-level "io_type" and "dense_only".
 * The weight array of a dense call is w<k> for config<k> (hls4ml's naming).
 *
 * Memory: nothing kept. Errors name the file and, from the JSON reader, line:column.
 */
#ifndef SNAC_VALIDATION_RPT_NETJSON_H
#define SNAC_VALIDATION_RPT_NETJSON_H

#include <stddef.h>

#include "validation/rpt_net.h"

/* Parse network.json text into ops[0..*n) (cap RPT_OPS_MAX) and its io_type. */
int rpt_netjson_ops(const char *buf, size_t len, const char *name, rpt_op *ops, size_t *n, char *io_type,
                    size_t io_cap);

/* Read <path> and build the net (weights_dir may be NULL). */
int rpt_netjson_read(const char *path, const char *weights_dir, const rpt_net_hint *hint, rpt_net *net);

#endif
