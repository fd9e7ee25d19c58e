#!/bin/bash
# cli_ingest — `snac ingest` end to end: per-file lines and the summary line,
# exit status 0 on success, 1 when a file failed (with the file named on
# stderr), re-ingest counted as already present, usage errors exit 2.
set -u
SNAC=$1
F=$SNAC_FIXTURES/validation
DB=cli_ingest.db
rm -f $DB $DB-wal $DB-shm
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }

out=$($SNAC ingest --db $DB $F/reports/hls4ml_test_vivado_2020.1/myproject_csynth.xml \
      $F/reports/nac_tutorial/vivado_synth.rpt 2>err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -qx "ingested 2, already present 0, skipped 0, failed 0"'
# a bare report (no spec, no model) is listed by validate as skipped, not dropped silently
out=$($SNAC validate --db $DB --no-store --bootstrap 0 2>err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "0 results.*1 without a usable spec"'
check 'echo "$out" | grep -q "no spec and no model (ingest it with --spec FILE or --model ID)"'

out=$($SNAC ingest --db $DB $F/reports/nac_tutorial/vivado_synth.rpt $F/bad/truncated_csynth.xml 2>err.txt); rc=$?
check '[ $rc -eq 1 ]'
check 'echo "$out" | grep -qx "ingested 0, already present 1, skipped 0, failed 1"'
check 'grep -q "truncated_csynth.xml:45: unexpected end of file" err.txt'

out=$($SNAC ingest --db $DB --csv $F/rf_sweeps/stress_results.csv 2>err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -qx "ingested 44, already present 0, skipped 0, failed 0"'

out=$($SNAC ingest --db $DB $F/bad/unknown_format.txt 2>err.txt); rc=$?
check '[ $rc -eq 1 ]'
check 'grep -q "unknown_format.txt: unknown report format" err.txt'

$SNAC ingest --db $DB >/dev/null 2>&1; rc=$?
check '[ $rc -eq 2 ]'
$SNAC ingest --db $DB --toolchain quartus $F/reports/nac_tutorial/vivado_synth.rpt >/dev/null 2>err.txt; rc=$?
check '[ $rc -eq 2 ]'
check 'grep -q "unknown family" err.txt'
$SNAC ingest --db $DB --model 7 $F/reports/hls4ml_test_vivado_2020.1/myproject_csynth.rpt >/dev/null 2>err.txt; rc=$?
check '[ $rc -eq 1 ]'
check 'grep -q "model 7 does not exist" err.txt'

rm -f $DB $DB-wal $DB-shm err.txt
[ $fail -eq 0 ] && echo "cli_ingest ok"
exit $fail
