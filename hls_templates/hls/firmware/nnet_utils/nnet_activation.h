{{HEADER_C}}
// Activations, io_parallel, written for snacpack (not hls4ml's file), with hls4ml's
// semantics: ReLU x > 0 ? x : 0; tanh and sigmoid as table look-ups,
//   sigmoid index (int)(x * N / 16) + N/2,  tanh index (int)(x * N / 8) + N/2,
// the int conversion truncating toward zero, the index clamped to [0, N-1]. The table
// contents are the exported model's own codes (weights/table_*.h), not recomputed here, so
// C simulation cannot differ from the model. x * N / range is formed exactly in scaled_t.
#ifndef NNET_ACTIVATION_H_
#define NNET_ACTIVATION_H_

namespace nnet {

struct activ_config {
    static const unsigned reuse_factor = 1;
};

template <class data_T, class res_T, typename CONFIG_T>
void linear(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in])
{
    #pragma HLS PIPELINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        res[i] = (res_T)data[i];
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void relu(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in])
{
    #pragma HLS PIPELINE
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        const data_T x = data[i];
        if (x > 0)
            res[i] = (res_T)x;
        else
            res[i] = (res_T)0;
    }
}

// (int)x + N/2 clamped to [0, N-1]; x is compared first, so to_int() never sees a value
// outside the int range
template <typename CONFIG_T>
inline unsigned table_index(const typename CONFIG_T::scaled_t &x)
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

template <class data_T, class res_T, typename CONFIG_T>
void sigmoid(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
             const typename CONFIG_T::table_t_ table[CONFIG_T::table_size])
{
    #pragma HLS PIPELINE
    const table_scale_t scale = (double)CONFIG_T::table_size / 16.0; // exact
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        const typename CONFIG_T::scaled_t x = data[i] * scale;
        res[i] = (res_T)table[table_index<CONFIG_T>(x)];
    }
}

template <class data_T, class res_T, typename CONFIG_T>
void tanh(const data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
          const typename CONFIG_T::table_t_ table[CONFIG_T::table_size])
{
    #pragma HLS PIPELINE
    const table_scale_t scale = (double)CONFIG_T::table_size / 8.0; // exact
    for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
        #pragma HLS UNROLL
        const typename CONFIG_T::scaled_t x = data[i] * scale;
        res[i] = (res_T)table[table_index<CONFIG_T>(x)];
    }
}

} // namespace nnet

#endif
