{{HEADER_C}}
// Dense layer, Latency strategy, written for snacpack (not hls4ml's file) with hls4ml 1.x's
// signature and semantics:
//   acc[j] = bias[j];  acc[j] += product(data[i], weights[i * n_out + j]);  res[j] = cast(acc[j])
// Weights input-major (i * n_out + j). Products are full precision and accum_t is lossless
// for the layer (hls4ml's `auto`), so the only rounding/overflow is the final cast with
// res_T's own modes. Constant zero weights are skipped: no multiplier, no adder input.
#ifndef NNET_DENSE_LATENCY_H_
#define NNET_DENSE_LATENCY_H_

#include "nnet_common.h"
#include "nnet_mult.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void dense_latency(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                   typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   typename CONFIG_T::bias_t biases[CONFIG_T::n_out])
{
    #pragma HLS function_instantiate variable=weights,biases
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    #pragma HLS ARRAY_PARTITION variable=biases complete
    #pragma HLS ALLOCATION operation instances=mul limit=CONFIG_T::multiplier_limit
    typename CONFIG_T::accum_t acc[CONFIG_T::n_out];
    #pragma HLS ARRAY_PARTITION variable=acc complete

    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        #pragma HLS UNROLL
        acc[j] = (typename CONFIG_T::accum_t)biases[j];
    }
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
            #pragma HLS UNROLL
            const unsigned k = i * CONFIG_T::n_out + j;
            if (weights[k] == 0)
                continue; // pruned
            acc[j] += CONFIG_T::template product<data_T, typename CONFIG_T::weight_t>::product(data[i], weights[k]);
        }
    }
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
        #pragma HLS UNROLL
        res[j] = cast<data_T, res_T, CONFIG_T>(acc[j]);
    }
}

} // namespace nnet

#endif
