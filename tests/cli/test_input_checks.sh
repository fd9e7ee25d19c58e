#!/usr/bin/env bash
# Bad inputs refused before anything is written (issue 13, items 6 and 13): devices and
# directories given as files, an empty search_space list, an unknown deploy.part (no
# database created), a duplicate CSV column named in its own file, a NUL inside a YAML
# string; a search with redirected output still prints one line per generation, and
# its summary counts the worker processes that can run.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"
blobs_csv 300 > d.csv
cat > s.yaml <<YAML
training: {batch_size: 32}
data: {format: csv, files: d.csv, class_column: label, val_fraction: 0.25, test_fraction: 0.1, seed: 2}
search: {trials: 8, population: 4, epochs: 1, seed: 3, workers: 1, objectives: [accuracy, bops_mac]}
search_space: {layers: [1], widths: [[8, 16]]}
YAML

# --- item 6: files that are not regular files
"$SNAC" train -c /dev/zero --db x.db > /dev/null 2> e1.txt
check "train -c /dev/zero fails" test $? -eq 1
check "  saying what it is" grep -q "/dev/zero: cannot read: a character device, not a regular file" e1.txt
"$SNAC" predict /dev/zero --no-db > /dev/null 2> e2.txt
check "predict /dev/zero fails at once" grep -q "/dev/zero: cannot read: a character device" e2.txt
mkdir cfgdir
"$SNAC" train -c cfgdir > /dev/null 2> e3.txt
check "train -c DIR says it is a directory" grep -q "cfgdir: cannot read: a directory, not a regular file" e3.txt
check "  and no database was created" test ! -e x.db -a ! -e snac.db

# --- item 13: an empty search_space list is an error, not Table 1
sed 's/layers: \[1\]/layers: []/' s.yaml > empty.yaml
"$SNAC" search -c empty.yaml --db e.db > /dev/null 2> e4.txt
check "layers: [] fails" test $? -eq 1
check "  with file:line and the key" grep -q "empty.yaml:4:.*search_space.layers: an empty list" e4.txt
check "  before the database exists" test ! -e e.db

# --- item 13: the whole config is checked before the database is created
printf 'deploy: {part: xcfoo}\n' | cat s.yaml - > part.yaml
"$SNAC" search -c part.yaml --db p.db > /dev/null 2> e5.txt
check "unknown deploy.part fails" test $? -eq 1
check "  naming the key" grep -q "part.yaml: deploy.part: unknown FPGA part 'xcfoo'" e5.txt
check "  and no database was created" test ! -e p.db

# --- item 13: a duplicate CSV column is reported in the file that has it
{ echo "a,a,c,d,label"; tail -n +2 d.csv; } > dup1.csv
cat > dup.yaml <<YAML
model: {hidden: [8]}
training: {epochs: 1}
data: {format: csv, files: [dup1.csv, d.csv], class_column: label}
YAML
"$SNAC" train -c dup.yaml --db dup.db > /dev/null 2> e6.txt
check "duplicate CSV column named in its own file" grep -q "dup1.csv:1: column 'a' appears twice in the header (columns 1 and 2)" e6.txt

# --- item 13: a NUL inside a YAML string is refused, not truncated
printf 'model: {hidden: [8]}\ntraining: {epochs: 1}\ndata: {format: csv, files: d.csv, class_column: label}\noutput: {run_name: "ab\\0cd"}\n' > nul.yaml
"$SNAC" train -c nul.yaml --db n.db > /dev/null 2> e7.txt
check "NUL in run_name is refused" grep -q "nul.yaml:4:.*a NUL character" e7.txt
check "  before the database exists" test ! -e n.db

# --- item 13: redirected output still shows the generations; the worker count is real
"$SNAC" search -c s.yaml --db g.db --workers 1000 > out8.txt 2> e8.txt
check "search with redirected output exits 0" test $? -eq 0
check "  one line per generation on stderr" test "$(grep -c '^generation [12]/2 done' e8.txt)" -eq 2
check "  no per-trial lines without a terminal" test "$(grep -c '^gen ' e8.txt)" -eq 0
check "  summary counts 4 workers for a population of 4" grep -q "; 4 workers," out8.txt
"$SNAC" search -c s.yaml --db q.db --quiet > /dev/null 2> e9.txt
check "  --quiet prints nothing" test ! -s e9.txt

echo "$fails failed"
test $fails -eq 0
