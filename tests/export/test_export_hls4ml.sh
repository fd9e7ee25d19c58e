#!/usr/bin/env bash
# `snac export` against hls4ml's own kernels: the generated firmware/ (myproject.cpp, myproject.h,
# defines.h, parameters.h, weights/), unchanged, compiles with hls4ml 1.x's nnet_utils in place of
# the bundled one, and its C simulation writes the integer engine's logits on every vector, with
# the kernels' own tanh/sigmoid tables equal to the model's (the test bench checks both), for ReLU
# and tanh models, Latency and Resource, io_parallel and io_stream. Optional: runs only when
# SNAC_HLS4ML_NNET_UTILS names hls4ml's templates/vivado/nnet_utils folder (read from an hls4ml
# checkout or wheel; not part of snacpack), else exits 77 (skipped).
#
# Fixed-point headers: the vendor's when SNAC_VENDOR_AP_TYPES names them (Xilinx
# HLS_arbitrary_Precision_Types include/), else snacpack's ap_types_snac. hls4ml's headers
# expect a few vendor headers the open folders lack; small stand-ins are written here (test
# only): ap_axi_sdata.h (hls::axis, named by nnet_helpers.h), and, with ap_types_snac, the two
# operations hls4ml's tanh/sigmoid index uses that ap_types_snac lacks, with the vendor's
# meaning: x * (unsigned) exact, and (x * N) / k converted to int truncating toward zero.
set -u
SNAC=$1
NNET=${SNAC_HLS4ML_NNET_UTILS:-}
if [ -z "$NNET" ] || [ ! -f "$NNET/nnet_dense.h" ] || [ ! -f "$NNET/nnet_activation.h" ]; then
    echo "skipped: SNAC_HLS4ML_NNET_UTILS does not name hls4ml's nnet_utils folder"
    exit 77
fi
NNET=$(cd "$NNET" && pwd)
VENDOR=${SNAC_VENDOR_AP_TYPES:-}
. "$(dirname "$0")/../lib.sh"

mkdir shim
SHIM=$PWD/shim
cat > shim/ap_axi_sdata.h <<'H'
// Stand-in for Vitis HLS's ap_axi_sdata.h (test only): the hls::axis that nnet_helpers.h names.
#ifndef AP_AXI_SDATA_H_STANDIN
#define AP_AXI_SDATA_H_STANDIN
#include "ap_int.h"
namespace hls {
template <typename T, int U, int TI, int TD> struct axis {
    T data;
    ap_uint<1> last;
};
} // namespace hls
#endif
H
cat > shim/ap_index_ops.h <<'H'
// Test-only additions to ap_types_snac for hls4ml's table index (x * N / range, then int).
#ifndef AP_INDEX_OPS_STANDIN
#define AP_INDEX_OPS_STANDIN
#include "ap_fixed.h"
#include "ap_int.h"
namespace snac_ap {
struct index_quotient {
    double v; // exact: a power-of-two divisor of a value of at most 53 significant bits
    operator int() const { return (int)v; }
};
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
auto operator*(const fixed_base<W, I, S, Q, O> &a, unsigned b) -> decltype(a * ap_uint<32>(b))
{
    return a * ap_uint<32>(b);
}
template <int W, int I, bool S, ap_q_mode Q, ap_o_mode O>
index_quotient operator/(const fixed_base<W, I, S, Q, O> &a, int b)
{
    index_quotient q = {a.to_double() / b};
    return q;
}
} // namespace snac_ap
#endif
H
cat > shim/hls_half.h <<'H'
// Stand-in for Vitis HLS's hls_half.h (test only; snac's code never uses half).
#ifndef __HLS_HALF_H__
#define __HLS_HALF_H__
#include <cstring>
class half {
  unsigned short bits_;
 public:
  half() : bits_(0) {}
  half(float f) { unsigned int u; std::memcpy(&u, &f, 4); bits_ = (unsigned short)(u >> 16); }
  operator float() const { unsigned int u = (unsigned int)bits_ << 16; float f; std::memcpy(&f, &u, 4); return f; }
  unsigned short get_bits() const { return bits_; }
  void set_bits(unsigned short b) { bits_ = b; }
};
#endif
H
if [ -n "$VENDOR" ]; then
    apt=(-include "$SHIM/hls_half.h" -I "$VENDOR")
    what="vendor ap_types"
else
    apt=(-I ap_types_snac -include ap_fixed.h -include "$SHIM/ap_index_ops.h")
    what="ap_types_snac"
fi

# hls4ml DIR LABEL: DIR's firmware with hls4ml's nnet_utils in place of the bundled one, csim
hls4ml() {
    local d=$1 label=$2
    rm -rf "$d/firmware/nnet_utils" "$d/csim" && cp -r "$NNET" "$d/firmware/nnet_utils"
    (cd "$d" && g++ -std=c++14 -O1 -w -include cassert -include sstream "${apt[@]}" -I "$SHIM" -I ap_types_snac \
        -I firmware -o csim myproject_test.cpp firmware/myproject.cpp > build.log 2>&1)
    check "$label: compiles with hls4ml's nnet_utils ($what)" test -x "$d/csim"
    (cd "$d" && ./csim tb_data > csim.out)
    check "  csim == integer engine on every vector, tables equal" test $? -eq 0
    check "  csim_results.log == tb_output_predictions.dat" cmp -s "$d/tb_data/csim_results.log" "$d/tb_data/tb_output_predictions.dat"
}

variants=("latency io_parallel 1" "resource io_parallel 8" "latency io_stream 1" "resource io_stream 48,16,40")
tiny_local "$SNAC" 'local: {warmup_epochs: 1, iterations: 1, prune_rate: 0.5, prune_epochs: 1, bits: [8], batch_size: 64, seed: 9}'
model=$(sqlite3 s.db "SELECT model_id FROM local_iterations WHERE iteration = 1")
for v in "${variants[@]}"; do
    set -- $v
    d="relu_$1_$2_${3//,/_}"
    "$SNAC" export "$model" --db s.db --out "$d" --strategy "$1" --io-type "$2" --reuse "$3" --vectors 200 > /dev/null 2>&1
    check "export of ReLU model $model ($v) exits 0" test $? -eq 0
    hls4ml "$d" "ReLU $v"
done

mkdir th && cd th || exit 1
eval "$(declare -f tiny_local | sed 's/^tiny_local/tiny_local_tanh/; s/activation: \[relu\]/activation: [tanh]/')"
tiny_local_tanh "$SNAC" 'local: {warmup_epochs: 1, iterations: 1, prune_rate: 0.5, prune_epochs: 1, bits: [8], batch_size: 64, seed: 9}'
model=$(sqlite3 s.db "SELECT model_id FROM local_iterations WHERE iteration = 1")
for v in "${variants[@]}"; do
    set -- $v
    d="tanh_$1_$2_${3//,/_}"
    "$SNAC" export "$model" --db s.db --out "$d" --strategy "$1" --io-type "$2" --reuse "$3" --vectors 200 > /dev/null 2>&1
    check "export of tanh model $model ($v) exits 0" test $? -eq 0
    hls4ml "$d" "tanh $v"
    check "  the test bench checked the tanh table" grep -q "tanh table: 0 of 1024 entries differ" "$d/csim.out"
done

echo "$fails failure(s)"
exit $((fails > 0))
