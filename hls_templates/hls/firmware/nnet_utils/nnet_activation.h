{{HEADER_C}}
// Activations, io_parallel, written for snacpack (not hls4ml's file) with hls4ml 1.x's
// interface and semantics: ReLU x > 0 ? x : 0; tanh and sigmoid as look-ups in tables the
// kernel builds itself (static, once), as hls4ml's do, by the same rule:
//   in  = (float)(2 R (i - N/2) / N),  R = 8 (sigmoid) or 4 (tanh), in double as hls4ml writes it
//   sigmoid[i] = (table_t)(float)(1.0 / (1 + expf(-in))),  tanh[i] = (table_t)tanhf(in)
// (snacpack's integer engine builds its tables with the same float calls, src/quant/qtable.c,
// and every exported test bench checks the two agree entry by entry), and the same index,
//   sigmoid (int)(x * N / 16) + N/2,  tanh (int)(x * N / 8) + N/2,
// the int conversion truncating toward zero, clamped to [0, N-1]; x * N / range is formed
// exactly as x * table_scale_t.
#ifndef NNET_ACTIVATION_H_
#define NNET_ACTIVATION_H_

#include <cmath>

#include "ap_fixed.h"
#include "nnet_common.h"

namespace nnet {

struct activ_config {
    static const unsigned n_in = 10;
    static const unsigned table_size = 1024;
    static const unsigned io_type = io_parallel;
    static const unsigned reuse_factor = 1;
    typedef ap_fixed<18, 8> table_t;
};

// N / 16 and N / 8, exact for table_size <= 65536; x * table_scale_t is exact in table_scaled
typedef ap_ufixed<21, 17> table_scale_t;
template <class data_T> struct table_scaled {
    typedef ap_fixed<data_T::width + 22, data_T::iwidth + 18> type;
};

template <class data_T, class res_T, typename CONFIG_T> void linear(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in])
{
    #pragma HLS PIPELINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        res[i] = (res_T)data[i];
    }
}

template <class data_T, class res_T> inline res_T relu_one(const data_T &x)
{
    if (x > 0)
        return (res_T)x;
    return (res_T)0;
}

template <class data_T, class res_T, typename CONFIG_T> void relu(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in])
{
    #pragma HLS PIPELINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        res[i] = relu_one<data_T, res_T>(data[i]);
    }
}

// ---- tables -------------------------------------------------------------------------

inline float table_x(int i, int n, double half_range)
{
    return (float)(2.0 * half_range * ((double)i - (double)(float)n / 2.0) / (double)(float)n);
}

template <typename CONFIG_T, int N_TABLE> void init_sigmoid_table(typename CONFIG_T::table_t table_out[N_TABLE])
{
    for (int i = 0; i < N_TABLE; i++) {
        const float x = table_x(i, N_TABLE, 8.0);
        const float y = (float)(1.0 / (double)(1.0f + std::exp(-x)));
        table_out[i] = (typename CONFIG_T::table_t)y;
    }
}

template <typename CONFIG_T, int N_TABLE> void init_tanh_table(typename CONFIG_T::table_t table_out[N_TABLE])
{
    for (int i = 0; i < N_TABLE; i++) {
        const float y = std::tanh(table_x(i, N_TABLE, 4.0));
        table_out[i] = (typename CONFIG_T::table_t)y;
    }
}

// (int)(x * N / range) + N/2 clamped to [0, N-1], x * N / range given exactly; x is compared
// first, so to_int() never sees a value outside the int range
template <typename CONFIG_T, class scaled_T> inline unsigned table_index(const scaled_T &x)
{
    const int half = (int)(CONFIG_T::table_size / 2);
    if (x >= half)
        return CONFIG_T::table_size - 1;
    if (x <= -half)
        return 0;
    const int index = x.to_int() + half;
    if (index > (int)CONFIG_T::table_size - 1)
        return CONFIG_T::table_size - 1;
    return index < 0 ? 0u : (unsigned)index;
}

template <class data_T, typename CONFIG_T> inline unsigned sigmoid_index(const data_T &x)
{
    const table_scale_t scale = (double)CONFIG_T::table_size / 16.0; // exact
    const typename table_scaled<data_T>::type xs = x * scale;
    return table_index<CONFIG_T>(xs);
}

template <class data_T, typename CONFIG_T> inline unsigned tanh_index(const data_T &x)
{
    const table_scale_t scale = (double)CONFIG_T::table_size / 8.0; // exact
    const typename table_scaled<data_T>::type xs = x * scale;
    return table_index<CONFIG_T>(xs);
}

template <class data_T, class res_T, typename CONFIG_T> void sigmoid(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in])
{
    static bool initialized = false;
    static typename CONFIG_T::table_t table[CONFIG_T::table_size];
    if (!initialized) {
        init_sigmoid_table<CONFIG_T, CONFIG_T::table_size>(table);
        initialized = true;
    }
    #pragma HLS PIPELINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        res[i] = (res_T)table[sigmoid_index<data_T, CONFIG_T>(data[i])];
    }
}

template <class data_T, class res_T, typename CONFIG_T> void tanh(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in])
{
    static bool initialized = false;
    static typename CONFIG_T::table_t table[CONFIG_T::table_size];
    if (!initialized) {
        init_tanh_table<CONFIG_T, CONFIG_T::table_size>(table);
        initialized = true;
    }
    #pragma HLS PIPELINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        res[i] = (res_T)table[tanh_index<data_T, CONFIG_T>(data[i])];
    }
}

} // namespace nnet

#endif
