#!/usr/bin/env bash
# End-to-end `snac train` on a CSV: what lands in the store, and that every kind of
# bad input fails with a located message and leaves the database byte-for-byte as it was.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"
q() { sqlite3 "$work/runs.db" "$1"; }

# Three Gaussian blobs in 4 features, labels a/b/c: easy, so training must beat chance clearly.
awk 'BEGIN { srand(5); print "f0,f1,f2,f3,label";
  for (i = 0; i < 900; i++) { k = i % 3; printf "%.4f,%.4f,%.4f,%.4f,%s\n",
    k + 0.3 * (rand() - 0.5), -k + 0.3 * (rand() - 0.5), rand(), 2 * k + 0.3 * rand(), substr("abc", k + 1, 1) } }' > blobs.csv

cat > cfg.yaml <<YAML
model:
  hidden: [16, 8]
  activation: tanh
  batch_norm: true
training:
  epochs: 4
  batch_size: 32
  learning_rate: 0.01
  seed: 3
data:
  format: csv
  files: blobs.csv
  class_column: label
  val_fraction: 0.2
  test_fraction: 0.2
  seed: 9
output:
  db: runs.db
  run_name: blobs
YAML

out=$("$SNAC" train -c cfg.yaml 2>err.txt); rc=$?
check "train exits 0" test $rc -eq 0
check "train prints test accuracy" grep -q "test accuracy" <<<"$out"
check "quiet without a terminal" test ! -s err.txt
check "one run, done, with config, seed and git revision" \
    test "$(q "SELECT count(*) FROM runs WHERE status='done' AND seed=3 AND config_yaml LIKE '%blobs.csv%' AND git_rev<>'' AND finished_at IS NOT NULL")" = 1
check "one row per epoch" test "$(q "SELECT count(*) FROM epochs")" = 4
check "the model is stored with its test accuracy" test "$(q "SELECT count(*) FROM models WHERE test_acc > 0.9 AND length(weights) > 100")" = 1
check "the normalisation is stored with the run" test "$(q "SELECT length(data_norm) > 0 FROM runs")" = 1

# Same config and seed: the same weights, bit for bit.
"$SNAC" train -c cfg.yaml >/dev/null 2>&1
check "same seed, same weights" test "$(q "SELECT count(DISTINCT hex(weights)) FROM models WHERE run_id <= 2")" = 1
"$SNAC" train -c cfg.yaml --progress --epochs 2 >/dev/null 2>err.txt
check "--progress prints one line per epoch" test "$(grep -c '^epoch ' err.txt)" = 2
"$SNAC" train -c cfg.yaml --progress --quiet --epochs 1 >/dev/null 2>err.txt
check "--quiet wins over --progress" test ! -s err.txt

before=$(sha256sum runs.db | cut -d' ' -f1)
unchanged() { test "$(sha256sum runs.db | cut -d' ' -f1)" = "$before"; }
expect_fail() { # expect_fail DESCRIPTION PATTERN CONFIG
    local what=$1 pattern=$2 cfg=$3
    "$SNAC" train -c "$cfg" >/dev/null 2>err.txt; local rc=$?
    check "$what: exit 1" test $rc -eq 1
    check "$what: message '$pattern'" grep -q -- "$pattern" err.txt
    check "$what: database untouched" unchanged
}
# Let WAL content settle into the main file so the checksum compares the whole store.
sqlite3 runs.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
before=$(sha256sum runs.db | cut -d' ' -f1)

printf 'f0,f1,f2,f3,label\n1,2,3,4,a\n1,2,3,a\n' > ragged.csv
sed 's/blobs.csv/ragged.csv/' cfg.yaml > c1.yaml
expect_fail "ragged CSV row" "ragged.csv:3" c1.yaml
printf 'f0,f1,f2,f3,label\n1,2,x3,4,a\n' > cell.csv
sed 's/blobs.csv/cell.csv/' cfg.yaml > c2.yaml
expect_fail "non-numeric cell" "cell.csv:2" c2.yaml
: > empty.csv
sed 's/blobs.csv/empty.csv/' cfg.yaml > c3.yaml
expect_fail "empty CSV" "empty.csv" c3.yaml
sed 's/class_column: label/class_column: species/' cfg.yaml > c4.yaml
expect_fail "missing class column" "species" c4.yaml
sed 's/epochs: 4/epochs: four/' cfg.yaml > c5.yaml
expect_fail "wrong type in config" "c5.yaml:6:11: training.epochs: expected an integer" c5.yaml
sed 's/  seed: 3/  sed: 3/' cfg.yaml > c6.yaml
expect_fail "unknown key in config" "c6.yaml:9:3: unknown key 'sed'" c6.yaml
sed 's/learning_rate: 0.01/learning_rate: 7/' cfg.yaml > c7.yaml
expect_fail "out-of-range value" "c7.yaml:8:18: training.learning_rate: value 7 out of range" c7.yaml
sed 's/blobs.csv/missing.csv/' cfg.yaml > c8.yaml
expect_fail "missing data file" "missing.csv" c8.yaml

# A database from a newer snac is refused, and not modified.
sqlite3 newer.db "CREATE TABLE t(x); PRAGMA user_version = 42;"
nb=$(sha256sum newer.db | cut -d' ' -f1)
"$SNAC" train -c cfg.yaml --db newer.db >/dev/null 2>err.txt; rc=$?
check "newer schema refused" test $rc -eq 1
check "newer schema message" grep -q "schema version 42 is newer" err.txt
check "newer schema file untouched" test "$(sha256sum newer.db | cut -d' ' -f1)" = "$nb"

check "snac version names the git revision" bash -c "'$SNAC' version | grep -q 'git '"
# the trainer's and GSL's BLAS calls must reach OpenBLAS, not the reference CBLAS GSL ships
check "cblas_sgemm and cblas_dgemm are OpenBLAS's" bash -c "'$SNAC' version | grep -q 'cblas_sgemm from [^;]*openblas[^;]*; cblas_dgemm from [^;]*openblas'"
check "snac help lists train" bash -c "'$SNAC' help | grep -q train"
"$SNAC" frobnicate >/dev/null 2>&1; check "unknown command exits 2" test $? -eq 2
"$SNAC" train >/dev/null 2>&1; check "train without -c exits 2" test $? -eq 2
"$SNAC" train -c cfg.yaml --epochs 0 >/dev/null 2>err.txt; check "--epochs 0 exits 2" test $? -eq 2
check "  naming the option" grep -q "snac train: --epochs expects an integer in \[1, 100000\], got '0'" err.txt
"$SNAC" train -c cfg.yaml --epochs 1000000000 >/dev/null 2>err.txt; check "--epochs past the config's cap exits 2" test $? -eq 2
check "  naming the range" grep -q "snac train: --epochs expects an integer in \[1, 100000\], got '1000000000'" err.txt
"$SNAC" train -c cfg.yaml --epochs >/dev/null 2>err.txt; check "--epochs without a value exits 2" test $? -eq 2
check "  with the usage on stderr" grep -q "^usage: snac train" err.txt
"$SNAC" train --help >out.txt 2>&1; check "train --help exits 0" test $? -eq 0
check "  with the usage" grep -q "^usage: snac train" out.txt

echo "$fails failed"
test $fails -eq 0
