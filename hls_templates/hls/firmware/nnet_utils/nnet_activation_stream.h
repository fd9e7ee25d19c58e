{{HEADER_C}}
// Activations, io_stream, written for snacpack (not hls4ml's file) with hls4ml 1.x's
// interface: data_T and res_T are nnet::array packs, n_in / data_T::size of them per
// inference; each element exactly as the io_parallel kernels of nnet_activation.h (the same
// tables, built the same way, and the same index).
#ifndef NNET_ACTIVATION_STREAM_H_
#define NNET_ACTIVATION_STREAM_H_

#include "hls_stream.h"
#include "nnet_activation.h"
#include "nnet_common.h"
#include "nnet_types.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T> void linear(hls::stream<data_T> &data, hls::stream<res_T> &res)
{
    for (unsigned p = 0; p < CONFIG_T::n_in / data_T::size; p++) {
        #pragma HLS PIPELINE
        const data_T in = data.read();
        res_T out;
        for (unsigned e = 0; e < data_T::size; e++) {
            #pragma HLS UNROLL
            out[e] = (typename res_T::value_type)in[e];
        }
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T> void relu(hls::stream<data_T> &data, hls::stream<res_T> &res)
{
    for (unsigned p = 0; p < CONFIG_T::n_in / data_T::size; p++) {
        #pragma HLS PIPELINE
        const data_T in = data.read();
        res_T out;
        for (unsigned e = 0; e < data_T::size; e++) {
            #pragma HLS UNROLL
            out[e] = relu_one<typename data_T::value_type, typename res_T::value_type>(in[e]);
        }
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T> void sigmoid(hls::stream<data_T> &data, hls::stream<res_T> &res)
{
    static bool initialized = false;
    static typename CONFIG_T::table_t table[CONFIG_T::table_size];
    if (!initialized) {
        init_sigmoid_table<CONFIG_T, CONFIG_T::table_size>(table);
        initialized = true;
    }
    for (unsigned p = 0; p < CONFIG_T::n_in / data_T::size; p++) {
        #pragma HLS PIPELINE
        const data_T in = data.read();
        res_T out;
        for (unsigned e = 0; e < data_T::size; e++) {
            #pragma HLS UNROLL
            out[e] = (typename res_T::value_type)table[sigmoid_index<typename data_T::value_type, CONFIG_T>(in[e])];
        }
        res.write(out);
    }
}

template <class data_T, class res_T, typename CONFIG_T> void tanh(hls::stream<data_T> &data, hls::stream<res_T> &res)
{
    static bool initialized = false;
    static typename CONFIG_T::table_t table[CONFIG_T::table_size];
    if (!initialized) {
        init_tanh_table<CONFIG_T, CONFIG_T::table_size>(table);
        initialized = true;
    }
    for (unsigned p = 0; p < CONFIG_T::n_in / data_T::size; p++) {
        #pragma HLS PIPELINE
        const data_T in = data.read();
        res_T out;
        for (unsigned e = 0; e < data_T::size; e++) {
            #pragma HLS UNROLL
            out[e] = (typename res_T::value_type)table[tanh_index<typename data_T::value_type, CONFIG_T>(in[e])];
        }
        res.write(out);
    }
}

} // namespace nnet

#endif
