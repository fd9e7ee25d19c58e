{{HEADER_C}}
// Dense layer, io_stream, written for snacpack (not hls4ml's file) with hls4ml 1.x's
// interface and stream layout: data_T and res_T are nnet::array packs; n_in / data_T::size
// packs are read into a vector, the config's kernel (Latency or Resource) runs on it, and
// n_out / res_T::size packs are written.
#ifndef NNET_DENSE_STREAM_H_
#define NNET_DENSE_STREAM_H_

#include "hls_stream.h"
#include "nnet_common.h"
#include "nnet_dense.h"
#include "nnet_types.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void dense(hls::stream<data_T> &data_stream, hls::stream<res_T> &res_stream,
           typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
           typename CONFIG_T::bias_t biases[CONFIG_T::n_out])
{
    typename data_T::value_type data[CONFIG_T::n_in];
    #pragma HLS ARRAY_PARTITION variable=data complete
    typename res_T::value_type res[CONFIG_T::n_out];
    #pragma HLS ARRAY_PARTITION variable=res complete

    for (unsigned p = 0; p < CONFIG_T::n_in / data_T::size; p++) {
        #pragma HLS PIPELINE
        const data_T pack = data_stream.read();
        for (unsigned e = 0; e < data_T::size; e++) {
            #pragma HLS UNROLL
            data[p * data_T::size + e] = pack[e];
        }
    }
    if (CONFIG_T::strategy == nnet::latency) {
        #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    }
    CONFIG_T::template kernel<typename data_T::value_type, typename res_T::value_type, CONFIG_T>::dense(
        data, res, weights, biases);
    for (unsigned p = 0; p < CONFIG_T::n_out / res_T::size; p++) {
        #pragma HLS PIPELINE
        res_T pack;
        for (unsigned e = 0; e < res_T::size; e++) {
            #pragma HLS UNROLL
            pack[e] = res[p * res_T::size + e];
        }
        res_stream.write(pack);
    }
}

} // namespace nnet

#endif
