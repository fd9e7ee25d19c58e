{{HEADER_C}}
// Dense layer, Resource strategy, written for snacpack (not hls4ml's file) with hls4ml 1.x's
// signature, weight layout and schedule:
//   weights output-major, k = j * n_in + i (hls4ml transposes them for Resource);
//   reuse_factor passes, pass r multiplies the block_factor = n_in * n_out / RF weights
//   k = r, r + RF, r + 2 RF, ... (one multiplier each, so a pass is one clock at II = 1);
//   acc[j] = bias[j]; acc[k / n_in] += product(data[k % n_in], weights[k]); res[j] = cast(acc[j]).
// hls4ml accepts an RF for Resource when it divides n_in * n_out and either RF < n_in with
// n_in * n_out / RF a multiple of n_out, or RF a multiple of n_in (_validate_reuse_factor);
// the export checks that rule, and the schedule above is then exactly hls4ml's. accum_t is
// lossless for the layer, so the order of the additions cannot change the result.
#ifndef NNET_DENSE_RESOURCE_H_
#define NNET_DENSE_RESOURCE_H_

#include "nnet_common.h"
#include "nnet_mult.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void dense_resource(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    typename CONFIG_T::bias_t biases[CONFIG_T::n_out])
{
    const unsigned n_weights = CONFIG_T::n_in * CONFIG_T::n_out;
    const unsigned block_factor = DIV_ROUNDUP(n_weights, CONFIG_T::reuse_factor);
    #pragma HLS function_instantiate variable=weights,biases
    #pragma HLS ARRAY_RESHAPE variable=weights block factor=block_factor
    #pragma HLS ARRAY_PARTITION variable=biases complete
    typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
    #pragma HLS ARRAY_PARTITION variable=acc complete

    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        #pragma HLS UNROLL
        acc[j] = (typename CONFIG_T::accum_t)biases[j];
    }
    for (unsigned r = 0; r < CONFIG_T::reuse_factor; r++) {
        #pragma HLS PIPELINE II=1 rewind
        for (unsigned b = 0; b < block_factor; b++) {
            #pragma HLS UNROLL
            const unsigned k = r + b * CONFIG_T::reuse_factor;
            if (k >= n_weights)
                break;
            acc[k / CONFIG_T::n_in] +=
                CONFIG_T::template product<data_T, typename CONFIG_T::weight_t>::product(data[k % CONFIG_T::n_in],
                                                                                          weights[k]);
        }
    }
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        #pragma HLS UNROLL
        res[j] = cast<data_T, res_T, CONFIG_T>(acc[j]);
    }
}

// hls4ml's two entry points for the accepted reuse factors (RF <= n_in, RF a multiple of n_in)
template <class data_T, class res_T, typename CONFIG_T>
void dense_resource_rf_leq_nin(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                               typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                               typename CONFIG_T::bias_t biases[CONFIG_T::n_out])
{
    #pragma HLS INLINE
    dense_resource<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}

template <class data_T, class res_T, typename CONFIG_T>
void dense_resource_rf_gt_nin_rem0(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                                   typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                                   typename CONFIG_T::bias_t biases[CONFIG_T::n_out])
{
    #pragma HLS INLINE
    dense_resource<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}

} // namespace nnet

#endif
