#!/usr/bin/env bash
# Opening one database from several processes and from read-only places (issue 13, items
# 1, 9, 12): a train, a search and two ingests started together on a file that does not
# exist yet all succeed, five times over; commands that only read never create a missing
# database (a mistyped --db); a database in a directory the user cannot write is still
# readable by pareto and runs, and a writing command explains the directory.
set -u
SNAC=$1
FIX=$2
. "$(dirname "$0")/../lib.sh"
blobs_csv 300 > d.csv
cat > t.yaml <<YAML
model: {hidden: [8], activation: relu, batch_norm: false}
training: {epochs: 1, batch_size: 32, learning_rate: 0.01, seed: 1}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.2, test_fraction: 0.2, seed: 1}
YAML
cat > s.yaml <<YAML
training: {batch_size: 32}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.25, test_fraction: 0.1, seed: 2}
search: {trials: 4, population: 4, epochs: 1, seed: 3, workers: 1, objectives: [accuracy, bops_mac]}
search_space: {layers: [1], widths: [[8, 16]]}
YAML
R=$FIX/validation/reports

# --- item 1: four processes race to create and migrate one new file
ok=0
for round in 1 2 3 4 5; do
    rm -f c.db c.db-wal c.db-shm
    "$SNAC" train -c t.yaml --db c.db --quiet > /dev/null 2> e_t$round.txt & a=$!
    "$SNAC" search -c s.yaml --db c.db --quiet > /dev/null 2> e_s$round.txt & b=$!
    "$SNAC" ingest --db c.db "$R/hls4ml_test_vivado_2020.1/myproject_csynth.xml" > /dev/null 2> e_i$round.txt & c=$!
    "$SNAC" ingest --db c.db "$R/nac_tutorial/vivado_synth.rpt" > /dev/null 2> e_j$round.txt & d=$!
    r=0
    for p in $a $b $c $d; do wait $p || r=1; done
    [ $r -eq 0 ] && [ "$(sqlite3 c.db 'PRAGMA integrity_check')" = ok ] &&
        [ "$(sqlite3 c.db 'SELECT count(*) FROM runs')" -eq 2 ] &&
        [ "$(sqlite3 c.db 'SELECT count(*) FROM synthesis_results')" -eq 2 ] && ok=$((ok + 1))
done
check "train + search + 2 ingests on a new file: 5 of 5 rounds succeed" test $ok -eq 5
cat e_*.txt | head -5

# --- item 9: read commands never create a database
"$SNAC" predict --model 1 --db typo1.db > /dev/null 2> e9.txt
check "predict --model on a missing db fails" test $? -eq 1
check "  names the file" grep -q "typo1.db: no such database" e9.txt
"$SNAC" search --resume 1 --db typo2.db > /dev/null 2>&1
check "search --resume on a missing db fails" test $? -eq 1
"$SNAC" pareto 1 --db typo3.db > /dev/null 2>&1
check "pareto on a missing db fails" test $? -eq 1
"$SNAC" runs --db typo4.db > /dev/null 2>&1
check "runs on a missing db fails" test $? -eq 1
check "  and none of them created a file" test -z "$(ls typo* 2>/dev/null)"

# --- item 12: a database in a directory this user cannot write
mkdir ro
"$SNAC" search -c s.yaml --db ro/s.db --quiet > /dev/null 2>&1
check "search into ro/ exits 0" test $? -eq 0
as_user=()
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv > /dev/null; then
        chown -R 65534:65534 ro
        chmod 755 "$work"
        as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    else
        echo "skip read-only directory checks: root without setpriv"
    fi
fi
if [ "$(id -u)" -ne 0 ] || [ ${#as_user[@]} -gt 0 ]; then
    chmod 555 ro
    "${as_user[@]}" "$SNAC" pareto 1 --db ro/s.db > p.txt 2> pe.txt
    check "pareto reads a db in a read-only directory" test $? -eq 0
    check "  and prints the front" grep -q "on the front of" p.txt
    "${as_user[@]}" "$SNAC" runs --db ro/s.db > r.txt 2>&1
    check "runs reads it too" grep -Eq "^ +1 +search .*done" r.txt
    "${as_user[@]}" "$SNAC" train -c t.yaml --db ro/s.db --quiet > /dev/null 2> we.txt
    check "a write into it fails" test $? -eq 1
    check "  explaining the directory" grep -q "ro/s.db: cannot write: the directory ro is not writable" we.txt
    check "  leaving no journal files" test -z "$(ls ro | grep -v '^s.db$')"
fi

echo "$fails failed"
test $fails -eq 0
