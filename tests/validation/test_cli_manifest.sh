#!/usr/bin/env bash
# `snac ingest` of a `snac export` folder: after an HLS run in the folder, its snac_manifest.json
# attaches the reports to the exported model without flags (model_id, the manifest's spec and its
# SHA-256), for the folder, a report file in it and a tree (-r) holding it. A manifest that does not
# match the database (wrong qmodel hash, unknown or another model), a malformed one (bad JSON, a
# missing key, an edited spec) refuses the folder's reports: exit non-zero, the message names the
# manifest, the database is byte-identical. Explicit --model wins, with a note.
set -u
SNAC=$1
FIX=${SNAC_FIXTURES:?}/validation/reports/hls4ml_test_vivado_2020.1
. "$(dirname "$0")/../lib.sh"

# a small quantized model (tests/lib.sh)
tiny_local "$SNAC" 'local: {warmup_epochs: 1, iterations: 1, prune_rate: 0.5, prune_epochs: 1, bits: [8], batch_size: 64, seed: 9}'
model=$(sqlite3 s.db "SELECT model_id FROM local_iterations WHERE iteration = 1")
other=$(sqlite3 s.db "SELECT min(id) FROM models WHERE qmodel IS NOT NULL AND id <> $model")
float=$(sqlite3 s.db "SELECT min(id) FROM models WHERE qmodel IS NULL")
"$SNAC" export "$model" --db s.db --out p --vectors 4 > /dev/null 2>&1 || exit 1
check "setup: a second quantized model and a float model" test -n "$other" -a -n "$float"

# what Vivado HLS 2020.1 leaves in the folder: csynth reports of the solution, vivado_synth.rpt
mkdir -p p/myproject_prj/solution1/syn/report
cp "$FIX/myproject_csynth.xml" "$FIX/myproject_csynth.rpt" p/myproject_prj/solution1/syn/report/
cp "$FIX/vivado_synth.rpt" p/
cp s.db s0.db
spec_sha=$(sed -n 's/.*"spec_sha256": "\([0-9a-f]*\)".*/\1/p' p/snac_manifest.json)
check "manifest has a spec_sha256" test ${#spec_sha} -eq 64

rows() { sqlite3 "$1" "SELECT count(*) FROM synthesis_results"; }
attached() { sqlite3 "$1" "SELECT count(*) FROM synthesis_results WHERE model_id = $2 AND spec_sha256 = '$3'"; }

"$SNAC" ingest --db s.db p > out.txt 2> err.txt
check "ingest of the export folder without flags: exit 0" test $? -eq 0
check "  two syntheses (csynth twins merged, vivado_synth.rpt)" test "$(rows s.db)" -eq 2
check "  every row has the manifest's model and spec_sha256" test "$(attached s.db "$model" "$spec_sha")" -eq 2
check "  the stored spec hashes to spec_sha256" test "$(sqlite3 s.db "SELECT spec FROM synthesis_results LIMIT 1" \
    | tr -d '\n' | sha256sum | cut -c1-64)" = "$spec_sha"
check "  toolchain and part from the reports" test "$(sqlite3 s.db \
    "SELECT toolchain || ' ' || part FROM synthesis_results WHERE source_kind = 'hls_csynth_xml'")" = "vivado_hls xc7z020-clg400-1"
check "  note names the model" grep -q "attached to model $model" err.txt
"$SNAC" ingest --db s.db p > out.txt 2>&1
check "re-ingest: exit 0, nothing new" test $? -eq 0 -a "$(rows s.db)" -eq 2

cp s0.db f.db
"$SNAC" ingest --db f.db p/myproject_prj/solution1/syn/report/myproject_csynth.xml > /dev/null 2>&1
check "one report of the folder named: attached too" test $? -eq 0 -a "$(attached f.db "$model" "$spec_sha")" -eq 1

mkdir -p tree/a && cp -r p tree/a/exp && cp s0.db t.db
"$SNAC" ingest -r --db t.db tree > /dev/null 2>&1
check "ingest -r over a tree holding the folder: attached" test $? -eq 0 -a "$(attached t.db "$model" "$spec_sha")" -eq 2

cp s0.db m.db
"$SNAC" ingest --db m.db --model "$other" p > /dev/null 2> err.txt
check "--model wins over the manifest" test $? -eq 0 -a "$(sqlite3 m.db \
    "SELECT count(*) FROM synthesis_results WHERE model_id = $other")" -eq 2
check "  with a note" grep -q "model $model; --model $other wins" err.txt

refused() { # refused DESCRIPTION MESSAGE SED_EXPR [-r]
    local what=$1 msg=$2 expr=$3; shift 3
    rm -rf q && cp -r p q && sed -i -e "$expr" q/snac_manifest.json && cp s0.db r.db
    if [ "${1:-}" = -r ]; then mkdir -p rt && rm -rf rt/q && mv q rt/q; "$SNAC" ingest -r --db r.db rt > /dev/null 2> e.txt
    else "$SNAC" ingest --db r.db q > /dev/null 2> e.txt; fi
    local got=$?
    check "$what: exit non-zero" test $got -ne 0
    check "  names the manifest" grep -q "snac_manifest.json" e.txt
    check "  says '$msg'" grep -q -e "$msg" e.txt
    check "  database byte-identical" cmp -s r.db s0.db
    rm -rf rt
}
refused "wrong qmodel hash" "qmodel_sha256 is 0000" 's/"qmodel_sha256": "[0-9a-f]*"/"qmodel_sha256": "'"$(printf '0%.0s' $(seq 64))"'"/'
refused "unknown model id" "model 999 does not exist" "s/\"model_id\": $model,/\"model_id\": 999,/"
refused "another quantized model" "model $other in .* is not the exported one" \
    "s/\"model_id\": $model,/\"model_id\": $other,/"
refused "a float model" "model $float in .* has no quantized model" "s/\"model_id\": $model,/\"model_id\": $float,/"
refused "bad JSON" "not valid JSON" 's/"kind": "snac-export",/"kind": "snac-export",,}}/'
refused "missing key" "without \"qmodel_sha256\"" '/"qmodel_sha256"/d'
refused "edited spec" "not to its spec_sha256" 's/"n_in":24/"n_in":25/'
refused "another kind" "must be \"snac-export\"" 's/"snac-export"/"hls4ml"/'
refused "wrong qmodel hash under -r" "is not the exported one" \
    "s/\"model_id\": $model,/\"model_id\": $other,/" -r

rm -rf q && cp -r p q && sed -i "s/\"model_id\": $model,/\"model_id\": $other,/" q/snac_manifest.json && cp s0.db r.db
"$SNAC" ingest --db r.db q/myproject_prj/solution1/syn/report/myproject_csynth.xml > /dev/null 2> e.txt
check "one report of a folder with a foreign manifest: exit non-zero" test $? -ne 0
check "  names the manifest" grep -q "q/snac_manifest.json: model $other" e.txt
check "  database byte-identical" cmp -s r.db s0.db

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
