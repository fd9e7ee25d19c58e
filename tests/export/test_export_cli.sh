#!/usr/bin/env bash
# `snac export` end to end on a model from `snac local`: a tiny search and local run, export
# with --rtl, g++ C simulation == the integer engine's logits, Verilator lint clean, and with
# SNAC_TEST_RTL_SIM=1 (the `full` twin) Verilator simulation == the same logits; the CLI's errors (unknown model, float model, foreign folder, bad options)
# exit non-zero and write nothing.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"

tiny_local "$SNAC" 'local: {warmup_epochs: 1, iterations: 1, prune_rate: 0.5, prune_epochs: 1, bits: [8], batch_size: 64, seed: 9}'
model=$(sqlite3 s.db "SELECT model_id FROM local_iterations WHERE iteration = 1")
float=$(sqlite3 s.db "SELECT min(id) FROM models WHERE qmodel IS NULL")

"$SNAC" export "$model" --db s.db --out p --rtl --stages 2 --vectors 100 > out.txt 2> err.txt
check "export exits 0" test $? -eq 0
check "  reports the RTL latency" grep -q "latency 6 cycles" out.txt
for f in firmware/myproject.cpp firmware/myproject.h firmware/defines.h firmware/parameters.h firmware/weights/w1.h \
         firmware/nnet_utils/nnet_dense_latency.h myproject_test.cpp build_prj.tcl vivado_synth.tcl \
         tb_data/tb_input_features.dat tb_data/tb_output_predictions.dat snac_manifest.json rtl/myproject.v; do
    check "  wrote $f" test -s "p/$f"
done
check "  manifest names the model" grep -q "\"model_id\": $model," p/snac_manifest.json
check "  files open with the model id" grep -q "model $model " p/firmware/myproject.cpp
check "  100 test vectors" test "$(wc -l < p/tb_data/tb_input_features.dat)" -eq 100
(cd p && g++ -std=c++11 -O1 -Wall -Wno-unknown-pragmas -I ap_types_snac -I firmware -o csim myproject_test.cpp \
    firmware/myproject.cpp && ./csim > csim.out)
check "g++ csim == integer engine on every vector" test $? -eq 0
check "  csim_results.log == tb_output_predictions.dat" cmp -s p/tb_data/csim_results.log p/tb_data/tb_output_predictions.dat
(cd p/rtl && verilator --lint-only -Wall -f files.f --top-module myproject)
check "verilator --lint-only -Wall is clean" test $? -eq 0
if [ "${SNAC_TEST_RTL_SIM:-0}" = 1 ]; then # ~10 s of Verilator build: the `full` twin of this test
    (cd p/rtl && verilator --binary --timing -Wno-fatal -f files.f tb_myproject.v --top-module tb_myproject -Mdir obj \
        > vl.log 2>&1 && ./obj/Vtb_myproject > /dev/null)
    check "verilator simulation ran" test $? -eq 0
    check "  RTL logits == integer engine on every vector" cmp -s p/rtl/sim_results.txt p/rtl/tb_expected.txt
fi
# issue 24: parameters.h against the exported weights themselves (an independent count): per dense
# layer, n_in x n_out = the number of values in w<k>.h, n_zeros = how many of them are 0, n_nonzeros
# the rest; and the layer was pruned to round(0.5 x n_in x n_out) at least (masked weights are 0)
for k in 1 2 3; do
    vals=$(awk '/^weight[0-9]+_t w[0-9]+\[/ { on = 1; next } on && /};/ { on = 0 } on' p/firmware/weights/w$k.h | tr ',' '\n' | awk 'NF')
    nv=$(echo "$vals" | wc -l)
    nz=$(echo "$vals" | awk '$1 + 0 == 0' | wc -l)
    blk=$(awk -v k=$k '/^struct config[0-9]+ : nnet::dense_config/ { d++ } d == k' p/firmware/parameters.h | awk '/^};/ { exit } 1')
    get() { echo "$blk" | sed -n "s/.*static const unsigned $1 = \([0-9]*\);.*/\1/p"; }
    check "parameters.h dense $k: n_in x n_out = $nv values in w$k.h" test "$(( $(get n_in) * $(get n_out) ))" -eq "$nv"
    check "  n_zeros = $nz zeros in w$k.h" test "$(get n_zeros)" = "$nz"
    check "  n_nonzeros = $((nv - nz))" test "$(get n_nonzeros)" = "$((nv - nz))"
    check "  at least round(0.5 x $nv) zeros (pruned)" test "$nz" -ge "$(( (nv + 1) / 2 ))"
done

# issue 24: scope: global pools the layers (the local config's scope reaches the pruner): the same
# 50% of all 296 weights, but not 50% of each layer (96, 32, 20)
echo 'local: {warmup_epochs: 1, iterations: 1, prune_rate: 0.5, prune_epochs: 1, bits: [8], batch_size: 64, seed: 9, scope: global}' > g.yaml
"$SNAC" local -c g.yaml --run 1 --best --db s.db --quiet > /dev/null 2>&1
gmodel=$(sqlite3 s.db "SELECT model_id FROM local_iterations WHERE iteration = 1 AND run_id = (SELECT max(run_id) FROM local_iterations)")
"$SNAC" export "$gmodel" --db s.db --out pg > /dev/null 2>&1
gz=$(sed -n 's/.*static const unsigned n_zeros = \([0-9]*\);.*/\1/p' pg/firmware/parameters.h | tr '\n' ' ')
check "scope global: per-layer zeros ($gz) are not 50% of each layer" test "$gz" != "96 32 20 "
check "  but 50% of all the weights at least" test "$(echo $gz | awk '{ print $1 + $2 + $3 }')" -ge 148

"$SNAC" export "$model" --db s.db --out pa --rtl --argmax --vectors 100 > out.txt 2> err.txt
check "export --argmax exits 0" test $? -eq 0
check "  argmax adds a cycle" grep -q "latency 4 cycles" out.txt
check "  expected classes == the engine's argmax of its logits" \
    test "$(awk '{m=1; for (i=2;i<=NF;i++) if ($i>$m) m=i; print m-1}' p/rtl/tb_expected.txt | tr '\n' ' ')" \
         = "$(tr '\n' ' ' < pa/rtl/tb_expected.txt)"
(cd pa/rtl && verilator --lint-only -Wall -f files.f --top-module myproject)
check "  verilator --lint-only -Wall is clean" test $? -eq 0
if [ "${SNAC_TEST_RTL_SIM:-0}" = 1 ]; then
    (cd pa/rtl && verilator --binary --timing -Wno-fatal -f files.f tb_myproject.v --top-module tb_myproject -Mdir obj \
        > vl.log 2>&1 && ./obj/Vtb_myproject > /dev/null)
    check "  verilator simulation ran" test $? -eq 0
    check "  RTL class == integer engine's argmax on every vector" cmp -s pa/rtl/sim_results.txt pa/rtl/tb_expected.txt
fi
# hls4ml's Resource strategy and io_stream (24-8-8-5: RF 8 is <= n_in everywhere, 48,16,40 are
# multiples of n_in above it), each C-simulated against the engine
csim() { # csim DIR: g++ C simulation with the bundled kernels == the engine on every vector
    (cd "$1" && g++ -std=c++11 -O1 -Wall -Wno-unknown-pragmas -Werror -I ap_types_snac -I firmware -o csim \
        myproject_test.cpp firmware/myproject.cpp && ./csim > csim.out)
}
for variant in "resource io_parallel 8" "resource io_parallel 48,16,40" "latency io_stream 1" "resource io_stream 2,4,8"; do
    set -- $variant
    d="v_$1_$2_${3//,/_}"
    "$SNAC" export "$model" --db s.db --out "$d" --strategy "$1" --io-type "$2" --reuse "$3" --vectors 100 > out.txt 2> err.txt
    check "export --strategy $1 --io-type $2 --reuse $3 exits 0" test $? -eq 0
    check "  says so" grep -q "HLS project ($1, $2)" out.txt
    csim "$d"
    check "  g++ csim == integer engine on every vector" test $? -eq 0
    check "  csim_results.log == tb_output_predictions.dat" cmp -s "$d/tb_data/csim_results.log" "$d/tb_data/tb_output_predictions.dat"
    check "  parameters.h names the strategy and io type" \
        test "$(grep -c "strategy = nnet::$1;\|io_type = nnet::$2;" "$d/firmware/parameters.h")" -eq 9
    check "  the manifest records them" grep -q "\"io_type\": \"$2\"" "$d/snac_manifest.json"
    check "  the spec records them" grep -q "\"strategy\":\"$1\",\"io_type\":\"$2\"" "$d/snac_manifest.json"
done
check "  per-layer reuse factors in the configs" \
    test "$(grep -o 'reuse_factor = [0-9]*' v_resource_io_parallel_48_16_40/firmware/parameters.h | sort -u | tr '\n' ' ')" \
         = "reuse_factor = 16 reuse_factor = 40 reuse_factor = 48 "
check "  io_stream top function takes streams" \
    grep -q "void myproject(hls::stream<input_t> &input_1, hls::stream<result_t> &layer3_out)" \
    v_latency_io_stream_1/firmware/myproject.cpp

"$SNAC" export "$model" --db s.db --out p > /dev/null 2>&1
check "re-export into our own folder" test $? -eq 0
# an export that fails before its manifest (here: a template missing) leaves a folder that is still ours
cp -r "$(cd "$(dirname "$0")/../../hls_templates" && pwd)" tpl && rm tpl/manifest.json
SNAC_TEMPLATES=$PWD/tpl "$SNAC" export "$model" --db s.db --out half --rtl > /dev/null 2> e.txt
check "export with a template missing fails" test $? -ne 0
check "  names the template" grep -q "manifest.json" e.txt
check "  no manifest written" test ! -e half/snac_manifest.json
"$SNAC" export "$model" --db s.db --out half --rtl > /dev/null 2> e.txt
check "  exporting again into the half-written folder works" test $? -eq 0
check "  and leaves no partial marker" test ! -e half/.snac_export_partial

bad() { # bad DESCRIPTION EXPECTED_STATUS MESSAGE ARGS...
    local what=$1 status=$2 msg=$3; shift 3
    "$SNAC" export "$@" > /dev/null 2> e.txt
    local got=$?
    check "$what: exit $status" test $got -eq "$status"
    [ -n "$msg" ] && check "  says '$msg'" grep -q -e "$msg" e.txt
    check "  wrote nothing" test ! -e q
}
bad "unknown model" 1 "no model 999" 999 --db s.db --out q
bad "float model" 1 "float model" "$float" --db s.db --out q
bad "missing database" 1 "" "$model" --db nope.db --out q
bad "bad stages" 2 "--stages" "$model" --db s.db --out q --rtl --stages 0
bad "bad vectors" 2 "--vectors" "$model" --db s.db --out q --vectors x
bad "Resource RF hls4ml refuses" 1 "layer 1 (24 x 8): reuse factor 5 is not one hls4ml accepts.*nearest valid: 4 or 6" \
    "$model" --db s.db --out q --strategy resource --reuse 5
bad "unknown strategy" 2 "--strategy expects latency or resource" "$model" --db s.db --out q --strategy fast
bad "unknown io type" 2 "--io-type expects io_parallel or io_stream" "$model" --db s.db --out q --io-type axi
bad "bad reuse list" 2 "--reuse expects" "$model" --db s.db --out q --reuse 2,,3
bad "no --out" 2 "" "$model" --db s.db
mkdir foreign && echo mine > foreign/notes.txt
"$SNAC" export "$model" --db s.db --out foreign > /dev/null 2> e.txt
check "foreign folder: exit 1" test $? -eq 1
check "  says not a snac export" grep -q "not a snac export" e.txt
check "  left untouched" test "$(ls foreign)" = notes.txt
check "db untouched by failures" test ! -e nope.db

echo "$fails failure(s)"
exit $((fails > 0))
