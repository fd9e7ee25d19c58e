#!/usr/bin/env bash
# `snac export` against the vendor's ap_types (Xilinx HLS_arbitrary_Precision_Types, include/):
# the generated sources, unchanged, compile with the vendor headers first on the include path
# (our ap_types_snac/ not on it) and the C simulation writes the same logits, byte for byte, as
# with our headers and as the integer engine (tb_output_predictions.dat); ReLU and tanh models,
# 6 and 8 bits, g++ -std=c++11 and -std=c++17. Optional: runs only when SNAC_VENDOR_AP_TYPES names
# a folder holding ap_fixed.h, else exits 77 (skipped). The open-source headers include
# <hls_half.h>, which only a Vitis install ships, and need `half` complete before ap_common.h:
# when the folder has no hls_half.h the test force-includes a small stand-in (`half` is never
# used by snac's code), so only the vendor's ap_fixed/ap_int arithmetic is exercised.
set -u
SNAC=$1
VENDOR=${SNAC_VENDOR_AP_TYPES:-}
if [ -z "$VENDOR" ] || [ ! -f "$VENDOR/ap_fixed.h" ]; then
    echo "skipped: SNAC_VENDOR_AP_TYPES does not name a folder with ap_fixed.h"
    exit 77
fi
VENDOR=$(cd "$VENDOR" && pwd)
. "$(dirname "$0")/../lib.sh"

shim=()
if [ ! -f "$VENDOR/hls_half.h" ]; then
    mkdir shim
    cat > shim/hls_half.h <<'EOF'
// Stand-in for Vitis HLS's hls_half.h (not part of HLS_arbitrary_Precision_Types); test only.
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
EOF
    shim=(-include "$PWD/shim/hls_half.h" -I "$PWD/shim")
fi

# compare DIR LABEL: build DIR's C simulation with our headers and with the vendor's, run both
compare() {
    local d=$1 what=$2 std
    for std in c++11 c++17; do
        (cd "$d" && rm -f tb_data/csim_results.log &&
         g++ -std=$std -O1 -Wall -Wno-unknown-pragmas -I ap_types_snac -I firmware -o csim_ours \
             myproject_test.cpp firmware/myproject.cpp > ours.log 2>&1 &&
         ./csim_ours > /dev/null && mv tb_data/csim_results.log ours.txt)
        check "$what $std: builds and runs with our ap_types" test $? -eq 0
        (cd "$d" && g++ -std=$std -O1 -Wall -Wno-unknown-pragmas "${shim[@]}" -I "$VENDOR" -I firmware \
             -o csim_vendor myproject_test.cpp firmware/myproject.cpp > vendor.log 2>&1 &&
         ./csim_vendor > /dev/null && mv tb_data/csim_results.log vendor.txt)
        check "  builds and runs with the vendor's ap_types (ap_types_snac not on the path)" test $? -eq 0
        check "  no warning in the generated sources" \
            test "$(grep -cE '^(firmware/|myproject_test)[^:]*:[0-9]+:[0-9]+: warning' "$d/vendor.log")" -eq 0
        check "  vendor csim == integer engine on every vector" cmp -s "$d/vendor.txt" "$d/tb_data/tb_output_predictions.dat"
        check "  vendor csim == our csim" cmp -s "$d/vendor.txt" "$d/ours.txt"
    done
}

tiny_local "$SNAC" 'local: {warmup_epochs: 1, iterations: 1, prune_rate: 0.5, prune_epochs: 1, bits: [6, 8], batch_size: 64, seed: 9}'
models=$(sqlite3 s.db "SELECT model_id FROM local_iterations WHERE iteration = 1") # one per bit width
check "two ReLU models (6 and 8 bits)" test "$(echo $models | wc -w)" -eq 2
for model in $models; do
    "$SNAC" export "$model" --db s.db --out "relu$model" --vectors 200 > /dev/null 2>&1
    check "export of ReLU model $model exits 0" test $? -eq 0
    compare "relu$model" "ReLU model $model"
done
check "  the two ReLU exports have 6- and 8-bit weights" \
    test "$(grep -ho 'weight1_t\|ap_fixed<[0-9]*,1,AP_RND_CONV' relu*/firmware/defines.h | grep -o '<[0-9]*' | tr -d '<' | sort -u | tr '\n' ' ')" = "6 8 "

# a tanh model: the same tiny search with tanh instead of ReLU (tables in the HLS code)
mkdir th && cd th || exit 1
eval "$(declare -f tiny_local | sed 's/^tiny_local/tiny_local_tanh/; s/activation: \[relu\]/activation: [tanh]/')"
tiny_local_tanh "$SNAC" 'local: {warmup_epochs: 1, iterations: 1, prune_rate: 0.5, prune_epochs: 1, bits: [8], batch_size: 64, seed: 9}'
model=$(sqlite3 s.db "SELECT model_id FROM local_iterations WHERE iteration = 1")
"$SNAC" export "$model" --db s.db --out tanh --vectors 200 > /dev/null 2>&1
check "export of tanh model $model exits 0" test $? -eq 0
check "  it has activation tables" grep -q "typedef ap_fixed<18,8> table_t;" tanh/firmware/parameters.h
compare tanh "tanh model $model"

echo "$fails failure(s)"
exit $((fails > 0))
