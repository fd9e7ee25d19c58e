{{HEADER_C}}
// Products and the final cast of a dense layer, written for snacpack (not hls4ml's file)
// with hls4ml 1.x's interface: a config names its product as
//   template <class x_T, class y_T> using product = nnet::product::mult<x_T, y_T>;
// and kernels call CONFIG_T::template product<data_T, weight_t>::product(x, w), a full
// precision a * w; cast<data_T, res_T, CONFIG_T>(acc) is (res_T)acc with res_T's own
// rounding and overflow modes.
#ifndef NNET_MULT_H_
#define NNET_MULT_H_

#include "nnet_common.h"

namespace nnet {

namespace product {

class Product {};

template <class x_T, class w_T> class mult : public Product {
  public:
    static auto product(x_T a, w_T w) -> decltype(a * w)
    {
        #pragma HLS INLINE
        return a * w;
    }
};

} // namespace product

template <class data_T, class res_T, typename CONFIG_T> inline res_T cast(typename CONFIG_T::accum_t x)
{
    return (res_T)x;
}

} // namespace nnet

#endif
