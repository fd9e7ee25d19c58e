#!/usr/bin/env bash
# `snac train` on HDF5 jets: a small simulated set trains and lands in the store; a truncated
# file, a non-HDF5 file and a missing directory fail naming the file and leave the store as it was.
set -u
SNAC=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0
check() {
    local what=$1; shift
    if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}

"$SNAC" data gen --out jets --train 3000 --val 0 --test 1000 --seed 8 --constituents 12 >/dev/null 2>&1
cat > cfg.yaml <<YAML
model: {hidden: [32, 16], activation: relu, batch_norm: true}
training: {epochs: 2, batch_size: 128, seed: 4}
data:
  format: hdf5
  files: [jets/train]
  test_files: [jets/test]
  constituents: 8
  val_fraction: 0.2
output: {db: runs.db}
YAML
"$SNAC" train -c cfg.yaml >out.txt 2>err.txt; rc=$?
check "train on simulated HDF5 exits 0" test $rc -eq 0
check "five jet classes in the confusion matrix" grep -q "^ *t " out.txt
check "run and model stored" test "$(sqlite3 runs.db "SELECT count(*) FROM runs r JOIN models m ON m.run_id = r.id WHERE r.status = 'done'")" = 1
sqlite3 runs.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
before=$(sha256sum runs.db | cut -d' ' -f1)

expect_fail() { # DESCRIPTION PATTERN FILES
    local what=$1 pattern=$2 files=$3
    sed "s#files: \[jets/train\]#files: [$files]#" cfg.yaml > bad.yaml
    "$SNAC" train -c bad.yaml >/dev/null 2>err.txt; local rc=$?
    check "$what: exit 1" test $rc -eq 1
    check "$what: message names '$pattern'" grep -q -- "$pattern" err.txt
    check "$what: store untouched" test "$(sha256sum runs.db | cut -d' ' -f1)" = "$before"
}
cp jets/train/jetImage_0_12p_0_3000.h5 whole.h5
head -c 20000 whole.h5 > truncated.h5
expect_fail "truncated HDF5" "truncated.h5" truncated.h5
echo "not hdf5 at all" > text.h5
expect_fail "non-HDF5 file" "text.h5" text.h5
expect_fail "missing directory" "no_such_dir" no_such_dir

echo "$fails failed"
test $fails -eq 0
