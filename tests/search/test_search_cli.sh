#!/usr/bin/env bash
# End-to-end `snac search` and `snac pareto` on a tiny CSV: the run finishes and prints its
# front, the store holds every trial, pareto exports CSV/JSON, --resume of a finished run
# is a no-op, and bad usage / bad input fail with a message and a non-zero status.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"
q() { sqlite3 "$work/s.db" "$1"; }

blobs_csv 400 > d.csv
cat > s.yaml <<YAML
training: {batch_size: 32}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.25, test_fraction: 0.1, seed: 2}
output: {db: s.db}
search:
  trials: 8
  population: 4
  epochs: 1
  seed: 3
  workers: 2
  objectives: [accuracy, bops_mac]
search_space:
  layers: [1, 2]
  widths: [[8, 16], [4, 8]]
YAML

"$SNAC" search -c s.yaml --quiet > out.txt 2> err.txt
check "search exits 0" test $? -eq 0
check "search prints the front" grep -q "on the front of" out.txt
check "every asked row is a trial" test "$(q 'SELECT count(*) FROM trials')" -eq 8
check "run is done" test "$(q "SELECT status FROM runs WHERE id = 1")" = done
check "quiet: no progress lines" test ! -s err.txt
"$SNAC" pareto 1 --db s.db --csv front.csv --json front.json > table.txt
check "pareto exits 0" test $? -eq 0
check "pareto table" grep -q "objectives: accuracy (max) bops_mac (min)" table.txt
check "csv header" grep -q "^trial_id,generation,idx,front,accuracy" front.csv
check "json" grep -q '"objectives":\["accuracy","bops_mac"\]' front.json
check "csv to stdout" sh -c "'$SNAC' pareto 1 --db s.db --csv - | head -1 | grep -q ^trial_id"
"$SNAC" search --resume 1 --db s.db --quiet > again.txt
check "resume of a finished run trains nothing" grep -q "0 trials trained here" again.txt
check "still 8 trials" test "$(q 'SELECT count(*) FROM trials')" -eq 8

"$SNAC" search > /dev/null 2>&1
check "no config: usage error" test $? -eq 2
"$SNAC" search --resume 1 > /dev/null 2>&1
check "resume without --db: usage error" test $? -eq 2
"$SNAC" search -c s.yaml --workers 0 > /dev/null 2> e1.txt
check "--workers 0: usage error" test $? -eq 2
check "  naming the option" grep -q "snac search: --workers expects a positive integer, got '0'" e1.txt
"$SNAC" search --resume x --db s.db > /dev/null 2> e1.txt
check "--resume x: usage error" test $? -eq 2
check "  naming the option" grep -q "snac search: --resume expects a positive integer, got 'x'" e1.txt
"$SNAC" pareto 7 --db s.db > /dev/null 2> e2.txt
check "pareto of a missing run fails" test $? -eq 1
check "  and says so" grep -q "no run 7" e2.txt
"$SNAC" pareto 99999999999999999999999 --db s.db > /dev/null 2>&1
check "pareto of a run id past LLONG_MAX: usage error" test $? -eq 2
sed 's/objectives: \[accuracy, bops_mac\]/objectives: [accuracy, speed]/' s.yaml > bad.yaml
"$SNAC" search -c bad.yaml > /dev/null 2> e3.txt
check "unknown objective fails" test $? -eq 1
check "  with file:line:column" grep -q "bad.yaml:10:.*unknown metric 'speed'" e3.txt

echo "$fails failed"
test $fails -eq 0
