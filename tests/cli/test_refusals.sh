#!/bin/bash
# cli_refusals — issue 24's defects at the command line, each refused the way STYLE.md says:
# usage errors exit 2 (export, synth, ingest, predict), a missing or bad spec creates no store,
# a 0-byte file is "no database" for the commands that only read, `ingest --spec` checks the
# spec schema, sweep-CSV fields are bounded, refit's gate does not rule on absurd scores.
set -u
SNAC=$1
FIX=$2
. "$(dirname "$0")/../lib.sh"

exit_is() { # exit_is CODE COMMAND...: the command exits with CODE
    local want=$1; shift
    "$@" > out.txt 2> err.txt
    local rc=$?
    [ $rc -eq "$want" ] || { echo "  exit $rc, expected $want: $*"; cat err.txt; return 1; }
}

# ---- usage errors exit 2, before any file is touched
for a in "abc --out x" "0 --out x" "1 --out x --stages 0" "1 --out x --csd-width 99" "1 --out x --vectors 0" \
         "1 --out x --clock 0" "1 --out x --reuse 0"; do
    check "export $a exits 2" exit_is 2 $SNAC export $a --db none.db
done
for a in "1 --jobs 0" "1 --timeout 0" "1 --timeout abc" "abc"; do
    check "synth $a exits 2" exit_is 2 $SNAC synth $a --db none.db
done
for a in "--toolchain nosuch x.rpt" "--model abc x.rpt" "--model 1 --spec s.yaml x.rpt"; do
    check "ingest $a exits 2" exit_is 2 $SNAC ingest --db none.db $a
done
check "predict --toolchain nosuch exits 2" exit_is 2 $SNAC predict --toolchain nosuch $FIX/../../configs/specs/baseline_vu13p.yaml
check "no store was created by the usage errors" test ! -e none.db -a ! -e snac.db

# ---- predict with a missing or bad spec: "does not exist", no ./snac.db
check "predict nosuch.yaml exits 1" exit_is 1 $SNAC predict nosuch.yaml
check "  and says it does not exist" grep -q "nosuch.yaml: does not exist" err.txt
printf 'foo: bar\n' > bad.yaml
check "predict bad.yaml exits 1 naming file:line:column" exit_is 1 $SNAC predict bad.yaml
check "  with file:line:column" grep -q "bad.yaml:1:1: unknown section 'foo'" err.txt
check "predict created no ./snac.db" test ! -e snac.db

# ---- a 0-byte file is no database for the reading commands, and stays 0 bytes
: > empty.db
for c in "runs" "pareto 1" "validate" "local --front 1" "synth 1" "export 1 --out ex"; do
    check "$c on a 0-byte file: no database" exit_is 1 $SNAC $c --db empty.db
    check "  says so" grep -q "empty.db: no database (an empty file" err.txt
done
check "the 0-byte file is still 0 bytes" test ! -s empty.db

# ---- ingest --spec checks the spec schema first; a bad one replaces nothing
P=$FIX/validation/hls4ml_project
printf 'model: {widths: [16, 5]}\n' > good.yaml
check "ingest --spec good.yaml" exit_is 0 $SNAC ingest --db s.db --spec good.yaml $P
spec_before=$(sqlite3 s.db "SELECT group_concat(spec, '|') FROM synthesis_results")
check "ingest --spec bad.yaml exits 1" exit_is 1 $SNAC ingest --db s.db --spec bad.yaml $P
check "  naming file:line:column" grep -q 'bad.yaml:1:1: spec has neither "model" nor "layers"' err.txt
printf 'model: {widths: [16, 5]}
foo: bar
' > bad2.yaml
check "ingest --spec with an unknown section exits 1" exit_is 1 $SNAC ingest --db s.db --spec bad2.yaml $P
check "  naming file:line:column" grep -q "bad2.yaml:2:1: unknown section 'foo'" err.txt
printf 'model: {widths: [16, 0]}\n' > zero.yaml
check "ingest --spec with a 0-wide layer exits 1" exit_is 1 $SNAC ingest --db s.db --spec zero.yaml $P
check "the stored specs are unchanged" test "$(sqlite3 s.db "SELECT group_concat(spec, '|') FROM synthesis_results")" = "$spec_before"
check "ingest --spec nosuch.yaml creates no store" exit_is 1 $SNAC ingest --db n.db --spec nosuch.yaml $P
check "  (no n.db)" test ! -e n.db

# ---- sweep CSV: every field bounded (the line is named, nothing of the file stored)
H=VivadoVersion,FpgaPart,TopModule,TargetClk,EstimatedClk,BestLatency,WorstLatency,IIntervalMin,IIntevalMax,ResourceBram,ResourceDsp,ResourceFf,ResourceLut,GitRevision,Arch,Model,ReuseFactor
row() { echo "2018.3,xcku115-flvb2104-2-i,myproject,$1,4.375,$2,43,$3,2,13,216,17027,10440,94c1139,solution1,KERAS_3layer,$4"; }
csv_case() { # NAME TCLK LAT II RF EXPECTED-MESSAGE
    { echo $H; row 5.00 39 2 2; row "$2" "$3" "$4" "$5"; } > "$1.csv"
    check "CSV $1 refused" exit_is 1 $SNAC ingest --db c.db "$1.csv"
    check "  with '$6'" grep -q "$6" err.txt
}
csv_case tclk 1e-300 39 2 2 "target clock period 1e-300 ns is not a plausible"
csv_case tclk0 0 39 2 2 "target clock period 0 ns is not a plausible"
csv_case lat 5.00 1e15 2 2 "best-case latency 1e+15 cycles is not a plausible"
csv_case ii 5.00 39 1e15 2 "interval min 1e+15 cycles is not a plausible"
csv_case rf 5.00 39 2 1000000000 "reuse factor 1000000000 is not a plausible"
check "nothing of the refused files stored" test "$(sqlite3 c.db 'SELECT COUNT(*) FROM synthesis_results')" = 0
{ echo $H; row 5.00 39 2 2; row 10.0 1000000000 1000000000 16777216; } > edge.csv
check "CSV at the bounds (1e9 cycles, RF 2^24) accepted" exit_is 0 $SNAC ingest --db c.db edge.csv

# ---- refit's gate does not decide on absurd scores: 1-LUT results of 100x100 networks
{ echo $H; for rf in 1 2 4 5 10 20 25 50; do for m in KERAS_dense_16x100x100x5 KERAS_dense_16x64x64x5 \
    KERAS_dense_16x32x32x5 KERAS_dense_16x100x5 KERAS_dense_16x200x5 KERAS_dense_16x50x50x50x5; do
    echo "2018.3,xcku115-flvb2104-2-i,myproject,5.00,4.375,39,43,$rf,$rf,1,1,1,1,94c1139,solution1,$m,$rf"; done; done; } > absurd.csv
check "ingest absurd.csv" exit_is 0 $SNAC ingest --db a.db absurd.csv
check "refit on absurd scores exits 0" exit_is 0 $SNAC refit --db a.db --toolchain vivado-2019.1 --kfold 3
check "  and is not activated" grep -q "not activated" out.txt
check "  because the scores are not plausible" grep -q "gate: held-out scores .* are not plausible (above 1e+06%)" out.txt
check "the default stays active" test "$(sqlite3 a.db 'SELECT id FROM surrogate_versions WHERE active = 1')" = 1

# ---- a FIFO (no writer) as HDF5 data or as firmware weights: refused by name, nothing blocks
mkfifo pipe.h5
check "data info on a FIFO: exit 1 within 10 s" exit_is 1 timeout 10 $SNAC data info pipe.h5
check "  names it a pipe" grep -q "HDF5 data file pipe.h5: cannot read: a pipe, not a regular file" err.txt
cat > t.yaml <<YAML
data: {format: hdf5, files: [pipe.h5], constituents: 8, features: [pt, etarel, phirel]}
output: {db: t.db}
YAML
check "train on a FIFO: exit 1 within 10 s" exit_is 1 timeout 10 $SNAC train -c t.yaml --quiet
check "  names it a pipe" grep -q "pipe.h5: cannot read: a pipe" err.txt
cp -r $FIX/validation/fw_project fwp && rm fwp/firmware/weights/w2.txt && mkfifo fwp/firmware/weights/w2.txt
check "ingest of firmware with FIFO weights ends within 10 s" exit_is 0 timeout 10 $SNAC ingest --db f.db fwp
check "  names the weights file a pipe" grep -q "firmware weights fwp/firmware/weights/w2.txt: cannot read: a pipe" err.txt

# ---- ingest -r says so when it does not search a folder too deep down
deep=tree; for i in $(seq 70); do deep=$deep/d; done
mkdir -p $deep && cp -r $FIX/validation/hls4ml_project $deep/
check "ingest -r of a 70-deep tree exits 0" exit_is 0 $SNAC ingest -r --db r.db tree
check "  says what it did not search" grep -q "tree/d/d/.*: more than 64 folders below the path given: not searched" err.txt
check "  stored nothing from below" grep -q "^ingested 0, already present 0" out.txt

[ $fails -eq 0 ] && echo "cli_refusals ok"
exit $fails
