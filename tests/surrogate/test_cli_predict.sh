#!/bin/bash
# cli_predict — `snac predict` end to end with the structural surrogate: the 95%
# interval of every target, --explain (named coefficients, per-layer breakdown
# whose total is the prediction), --json --explain, the interval stored beside the
# value (schema 2), and the refusal of a ridge method by the structural fit.
set -u
SNAC=$1
SPEC=$2
DB=cli_predict.db
rm -f $DB $DB-wal $DB-shm
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }

out=$($SNAC predict --no-db --explain $SPEC 2>err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "95% interval"'
check 'echo "$out" | grep -Eq "^  LUT +[0-9]+ +[0-9.]+% +\[[0-9]+, [0-9]+\]"'
check 'echo "$out" | grep -Eq "^    dsp_mult +[0-9.e+-]+ \+- "'
check 'echo "$out" | grep -q "per-layer breakdown"'
check 'echo "$out" | grep -q "^  8: 44->5 RF 1 linear"'
total=$(echo "$out" | awk '$1 == "total" {print $2}')
pred=$(echo "$out" | awk '$1 == "prediction" {print $2}')
check '[ -n "$total" ] && [ "$total" = "$pred" ]'

out=$($SNAC predict --no-db --json --explain $SPEC 2>err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "\"interval95\":{\"lut\":\["'
check 'echo "$out" | grep -q "\"coefficients\":{\"lut\":{\"fitted\":true,\"dsp_min_bits\":"'
check 'echo "$out" | grep -q "\"layers\":\[{\"layer\":0,\"lut\":"'
check 'echo "$out" | grep -q "{\"layer\":\"top\","'

out=$($SNAC predict --db $DB $SPEC 2>err.txt); rc=$?
check '[ $rc -eq 0 ]'
check '[ "$(sqlite3 $DB "SELECT count(*) FROM pragma_table_info('"'predictions'"') WHERE name IN ('"'lo'"', '"'hi'"')")" = 2 ]'
check '[ "$(sqlite3 $DB "SELECT count(*) FROM predictions WHERE target = '"'lut'"' AND lo <= value AND value <= hi")" = 1 ]'
check '[ "$(sqlite3 $DB "SELECT count(*) FROM predictions WHERE target = '"'latency_ns'"' AND lo IS NULL")" = 1 ]'
check '[ "$(sqlite3 $DB "SELECT name FROM surrogate_versions WHERE active = 1")" = "default-vivado-2019.1-b8" ]'

$SNAC predict --calibration --no-db --method ridge-gcv >/dev/null 2>err.txt; rc=$?
check '[ $rc -eq 1 ]'
check 'grep -q "non-negative least squares" err.txt'
# usage errors exit 2: a bad option value, two spec files, neither a spec nor --model
$SNAC predict --no-db --bits 0 $SPEC >/dev/null 2>err.txt; rc=$?
check '[ $rc -eq 2 ]'
check 'grep -q "snac predict: --bits" err.txt'
$SNAC predict --no-db $SPEC $SPEC >/dev/null 2>err.txt; rc=$?
check '[ $rc -eq 2 ]'
$SNAC predict --no-db >/dev/null 2>err.txt; rc=$?
check '[ $rc -eq 2 ]'
rm -f $DB $DB-wal $DB-shm err.txt
exit $fail
