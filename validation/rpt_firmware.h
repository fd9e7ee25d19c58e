/* rpt_firmware — read an hls4ml project's firmware: <dir>/firmware/{<P>.cpp,
 * parameters.h, defines.h, weights/w<k>.txt}, into the nnet:: calls of the top
 * function (rpt_op) and from them the network (rpt_net).
 *
 * What is read (comments stripped; hls4ml 0.5 to 1.x writers):
 *   defines.h      #define NAME <number>                  sizes (N_INPUT_1_1, N_LAYER_2, ...)
 *                  typedef <type> NAME;                   layer types (input_t, layer2_t, weight2_t, ...)
 *   parameters.h   the same typedefs (older writers put weight/bias types here), and
 *                  struct NAME : nnet::..._config { static const <t> KEY = VALUE; typedef <type> KEY; };
 *                  KEY in n_in, n_out, n_zeros, n_nonzeros, reuse_factor, strategy, io_type,
 *                  table_size; typedefs weight_t, bias_t, accum_t
 *   <P>.cpp        every call nnet::NAME<T_in, T_out, CONFIG>(in, out[, w, b]) whose last
 *                  template argument is a config struct of parameters.h, in source order
 *                  (helpers such as nnet::load_weights_from_txt have none and are skipped)
 * Type names are resolved through the typedefs to their ap_* spelling (white space
 * removed); a #define'd size is replaced by its number. The project name <P> is
 * the one hls4ml_config.yml gives ("myproject" by default); when that .cpp is absent
 * the .cpp in firmware/ that calls nnet:: layers is taken.
 *
 * Memory: the files are read whole and released before return.
 * Errors (SNAC_EFORMAT / SNAC_EIO) name the file and the line.
 */
#ifndef SNAC_VALIDATION_RPT_FIRMWARE_H
#define SNAC_VALIDATION_RPT_FIRMWARE_H

#include <stdbool.h>
#include <stddef.h>

#include "validation/rpt_net.h"

/* True when <dir>/firmware/parameters.h exists. */
bool rpt_firmware_present(const char *dir);

/* The ops of <dir>/firmware (project name `project`, NULL = "myproject"). */
int rpt_firmware_ops(const char *dir, const char *project, rpt_op *ops, size_t *n);

/* Ops -> net, zeros counted in <dir>/firmware/weights/w<k>.txt. */
int rpt_firmware_read(const char *dir, const char *project, const rpt_net_hint *hint, rpt_net *net);

#endif
