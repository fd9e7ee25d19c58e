/* hls_stream.h — snacpack's own stand-in for the vendor's hls::stream, for C simulation of
 * io_stream exports without Vivado/Vitis HLS: a FIFO on std::deque with the calls hls4ml's
 * kernels and test benches use (read, write, empty, size, >>, <<, a name). Reading an empty
 * stream is a design error (a dataflow deadlock in hardware): it says so and aborts.
 * Put the vendor's include folder first on the path to use theirs.
 */
#ifndef SNAC_HLS_STREAM_H_
#define SNAC_HLS_STREAM_H_

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

namespace hls {

template <typename T> class stream {
  public:
    stream() : name_("stream") {}
    explicit stream(const char *name) : name_(name) {}

    T read()
    {
        if (fifo_.empty()) {
            std::fprintf(stderr, "hls::stream %s: read from an empty stream\n", name_.c_str());
            std::abort();
        }
        T v = fifo_.front();
        fifo_.pop_front();
        return v;
    }
    void read(T &v) { v = read(); }
    void write(const T &v) { fifo_.push_back(v); }
    bool empty() const { return fifo_.empty(); }
    bool full() const { return false; }
    std::size_t size() const { return fifo_.size(); }
    stream &operator>>(T &v)
    {
        read(v);
        return *this;
    }
    stream &operator<<(const T &v)
    {
        write(v);
        return *this;
    }

  private:
    stream(const stream &);            /* a FIFO is not copied */
    stream &operator=(const stream &); /* (C++11 stand-in for = delete) */
    std::deque<T> fifo_;
    std::string name_;
};

} // namespace hls

#endif
