{{HEADER_C}}
// The packed element of an io_stream FIFO, written for snacpack (not hls4ml's file) with
// hls4ml's interface: nnet::array<T, N> has value_type, size and operator[]; one array is
// one stream word (a whole layer vector for the dense layers exported here).
#ifndef NNET_TYPES_H_
#define NNET_TYPES_H_

#include <cstddef>

namespace nnet {

template <typename T, unsigned N> struct array {
    typedef T value_type;
    static const unsigned size = N;

    T data[N];

    T &operator[](std::size_t pos) { return data[pos]; }
    const T &operator[](std::size_t pos) const { return data[pos]; }
};

} // namespace nnet

#endif
