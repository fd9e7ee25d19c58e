#!/bin/bash
# cli_projects — issue 11 end to end: `snac ingest -r` through a tree of hls4ml
# projects (one with a broken report: the rest lands, exit 1, the file named),
# `--spec` on present rows, validate's skip list with row ids, any toolchain
# spelling in validate/refit/predict, an unknown part in predict; and, when
# ../shared/data/hls4ml_projects is there, every report of those real projects.
set -u
SNAC=$1
F=$SNAC_FIXTURES/validation
SHARED=${SNAC_SHARED:-$SNAC_FIXTURES/../../../shared}/data/hls4ml_projects
DB=cli_projects.db
T=cli_projects_tree
rm -rf $DB $DB-wal $DB-shm $T
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }

# a tree: two levels of folders, three projects, one broken
mkdir -p $T/group_a/deeper $T/group_b
cp -r $F/fw_project $T/group_a/deeper/
cp -r $F/hls4ml_project $T/group_a/
cp -r $F/corrupt_project $T/group_b/

out=$($SNAC ingest --db $DB $T 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 1 ]'
check 'grep -q "not an hls4ml project.*use -r" cli_projects_err.txt'

out=$($SNAC ingest -r --db $DB $T 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 1 ]'
check 'grep -q "failed: .*group_b/corrupt_project/vivado_synth.rpt: missing the .DSPs. row" cli_projects_err.txt'
# fw_project's vivado_synth.rpt is a byte copy of hls4ml_project's: one synthesis, one row
check 'echo "$out" | grep -qx "ingested 5, already present 1, skipped 0, failed 1"'
check 'echo "$out" | grep -q "^3 hls4ml projects: spec from firmware 1"'
check 'grep -q "firmware disagrees with hls4ml_config.yml" cli_projects_err.txt'
check '[ "$(sqlite3 $DB "SELECT COUNT(*) FROM synthesis_results WHERE merged_sources IS NOT NULL")" = 1 ]'

# a tree that starts below the project: the solution's top reports only (a sub-module's
# report beside them is not a synthesis), with the project's firmware spec
SOL=$T/group_a/deeper/fw_project/myproject_prj
cp $SOL/solution1/syn/report/myproject_csynth.rpt $SOL/solution1/syn/report/dense_latency_config2_csynth.rpt
out=$($SNAC ingest -r --db cli_projects_sub.db $SOL 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -qx "ingested 2, already present 0, skipped 0, failed 0"'
check '[ "$(sqlite3 cli_projects_sub.db "SELECT COUNT(*) FROM synthesis_results WHERE spec LIKE '"'%firmware%'"'")" = 2 ]'
rm -f cli_projects_sub.db cli_projects_sub.db-wal cli_projects_sub.db-shm

# firmware that cannot be read: the project's network.json is the fallback, and the reason is said
B=$T/broken_fw
mkdir -p $B/firmware
cp $F/fw_project/hls4ml_config.yml $B/
cp -r $F/fw_project/firmware/weights $B/firmware/
echo "int not_a_config;" > $B/firmware/parameters.h
sed -e 's/N_INPUT_1_1/4/g' -e 's/N_LAYER_2/8/g' -e 's/N_LAYER_4/3/g' $F/fw_netjson/network.json > $B/network.json
out=$($SNAC ingest --db cli_projects_b.db $B 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 1 ]'
check 'grep -q "broken_fw: hls4ml project without reports" cli_projects_err.txt'
out=$($SNAC ingest -r --db cli_projects_b.db $B 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'grep -q "broken_fw: firmware not usable: .*parameters.h: no config struct" cli_projects_err.txt'
check 'echo "$out" | grep -q "^1 hls4ml projects: spec from firmware 0, from network.json 1"'
rm -rf $B cli_projects_b.db cli_projects_b.db-wal cli_projects_b.db-shm

# again: nothing new; --spec attaches to the rows already present
out=$($SNAC ingest -r --db $DB $T/group_a/hls4ml_project 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -qx "ingested 0, already present 2, skipped 0, failed 0"'
printf 'model: {widths: [16, 5]}\nhls: {io_type: io_stream}\n' > cli_projects_spec.yaml
out=$($SNAC ingest --db $DB --spec cli_projects_spec.yaml $T/group_a/hls4ml_project 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -qx "spec/model attached to 2 results already present"'

# validate: the skipped rows are listed with their ids and why
out=$($SNAC validate --db $DB --no-store --bootstrap 0 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "^  skipped 1 result (synthesis_results id: reason):"'
check 'echo "$out" | grep -q "^not validated: 2 post-synthesis results (toolchain vivado: report_utilization, export.rpt)"'
id=$(sqlite3 $DB "SELECT id FROM synthesis_results WHERE source_path LIKE '%corrupt_project%'")
check 'echo "$out" | grep -q "^    $id: spec not usable: no layer widths: no firmware/parameters.h and no network.json"'
out=$($SNAC validate --db $DB --no-store --bootstrap 0 --json 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "\"skipped\":\[{\"id\":$id,\"reason\":\"spec not usable"'

# one vocabulary: tool spellings everywhere, with a note saying which surrogate is used
out=$($SNAC validate --db $DB --no-store --bootstrap 0 --toolchain vivado_hls-2020.1 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'grep -q "note: toolchain .vivado_hls-2020.1. is predicted by the surrogate toolchain vivado-2020.1" cli_projects_err.txt'
check 'echo "$out" | grep -q "^validate vivado-2020.1: 2 results"'
$SNAC refit --db $DB --toolchain vitis_hls-2021.1 >/dev/null 2>cli_projects_err.txt; rc=$?
check 'grep -q "predicted by the surrogate toolchain vitis-2023.2" cli_projects_err.txt'
check 'grep -q "no synthesis results with a usable spec for vitis_hls-2021.1 (vitis_hls results" cli_projects_err.txt'

# predict on a part the table does not know: absolute numbers and a note, no percentages
out=$($SNAC predict --no-db --part xc7k70t-fbg676-1 --toolchain vivado-2019.2 $SNAC_FIXTURES/../../configs/specs/baseline_vu13p.yaml 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "part .xc7k70t-fbg676-1. is not in the part table: absolute predictions only"'
check 'echo "$out" | grep -Eq "^  LUT +[0-9]+ +- +\[[0-9]+, [0-9]+\]$"'
check '! echo "$out" | grep -q "average resources"'
out=$($SNAC predict --no-db --json --part xc7k70t-fbg676-1 $SNAC_FIXTURES/../../configs/specs/baseline_vu13p.yaml 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "\"percent_of_part\":null,\"avg_resource_pct\":null"'

# a solution copied to the project's root (syn/report beside firmware/, no <P>_prj, no config):
# still one project, its top from firmware/<P>.cpp, its spec from the firmware
R=cli_projects_root
rm -rf $R $R.db*
mkdir -p $R/proj/syn
cp -r $F/fw_project/firmware $R/proj/
cp -r $F/fw_project/myproject_prj/solution1/syn/report $R/proj/syn/
out=$($SNAC ingest -r --db $R.db $R 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "1 hls4ml projects: spec from firmware 1"'
check '[ "$(sqlite3 $R.db "SELECT count(*) FROM synthesis_results WHERE spec IS NOT NULL AND lut > 0")" = 1 ]'

# hls4ml before the `strategy` field: `nnet::dense_large` calls are the Resource strategy
L=cli_projects_large
rm -rf $L $L.db*
mkdir -p $L && cp -r $F/fw_project $L/
sed -i 's/nnet::dense</nnet::dense_large</' $L/fw_project/firmware/myproject.cpp
sed -i '/static const unsigned strategy/d' $L/fw_project/firmware/parameters.h
rm $L/fw_project/hls4ml_config.yml
out=$($SNAC ingest -r --db $L.db $L 2>cli_projects_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check '[ "$(sqlite3 $L.db "SELECT count(*) FROM synthesis_results WHERE json_extract(spec, '"'"'$.hls.strategy'"'"') = '"'"'resource'"'"'")" -ge 1 ]'

# the real projects (not in the repository: skipped when absent)
if [ -d "$SHARED" ]; then
    rm -f $DB $DB-wal $DB-shm
    out=$($SNAC ingest -r --db $DB "$SHARED" 2>cli_projects_err.txt); rc=$?
    check '[ $rc -eq 0 ]'
    check 'echo "$out" | grep -qx "ingested 101, already present 0, skipped 0, failed 0"'
    check 'echo "$out" | grep -q "^merged 57 twin reports"'
    check 'echo "$out" | grep -q "^62 hls4ml projects: spec from firmware 0, from network.json 13"'
    check '[ "$(sqlite3 $DB "SELECT COUNT(*) FROM synthesis_results WHERE top_module IS NULL")" = 0 ]'
    n_mlp=$(sqlite3 $DB "SELECT COUNT(*) FROM synthesis_results WHERE toolchain != 'vivado' AND spec LIKE '{\"model\"%'")
    check '[ "$n_mlp" = 13 ]'
else
    echo "cli_projects: $SHARED absent, the shared hls4ml projects part is skipped"
fi

rm -rf $DB $DB-wal $DB-shm $T cli_projects_err.txt cli_projects_spec.yaml
[ $fail -eq 0 ] && echo "cli_projects ok"
exit $fail
