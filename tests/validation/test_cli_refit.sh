#!/bin/bash
# cli_refit — `snac validate` and `snac refit` end to end on the in-repo sweeps:
# tables, JSON, validation_stats rows, the new version stored with its parent and
# activated only when better (or forced), usage errors.
set -u
SNAC=$1
F=$SNAC_FIXTURES/validation
DB=cli_refit.db
rm -f $DB $DB-wal $DB-shm
fail=0
check() { if ! eval "$1"; then echo "FAIL: $1"; fail=1; fi; }

$SNAC ingest --db $DB --csv $F/rf_sweeps/*.csv >/dev/null
out=$($SNAC validate --db $DB --bootstrap 100 2>cli_refit_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "^validate vivado-2019.1: 219 results"'
check 'echo "$out" | grep -q "^fresh predictions by default-vivado-2019.1-b8 (id 1)"'
check 'echo "$out" | grep -Eq "^lut +219 "'
check '[ "$(sqlite3 $DB "SELECT COUNT(*) FROM validation_stats WHERE version_id = 1 AND prediction_kind = '"'fresh'"'")" = 6 ]'

out=$($SNAC refit --db $DB --toolchain vivado-2019.1 --kfold 5 2>cli_refit_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "5 folds by architecture, seed 511"'
check 'echo "$out" | grep -q "new is better"'
check 'echo "$out" | grep -q "stored as version 2 \"refit-vivado-2019.1-v2\" (parent 1 \"default-vivado-2019.1-b8\"), activated"'
check '[ "$(sqlite3 $DB "SELECT id, parent_id FROM surrogate_versions WHERE active = 1")" = "2|1" ]'

out=$($SNAC validate --db $DB --compare 1 --bootstrap 50 --json 2>cli_refit_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "\"fresh\":{\"kind\":\"fresh\",\"version_id\":2"'
check 'echo "$out" | grep -q "\"compare\":{\"kind\":\"fresh\",\"version_id\":1"'

# refitting the refit on the same data is not better than itself: stored, not activated
out=$($SNAC refit --db $DB --toolchain vivado-2019.1 --holdout 0.3 2>cli_refit_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "1 hold-out split by architecture"'
active=$(sqlite3 $DB "SELECT id FROM surrogate_versions WHERE active = 1")
if echo "$out" | grep -q "not activated"; then check '[ "$active" = 2 ]'; check 'echo "$out" | grep -q "^  gate: "'; else check '[ "$active" = 3 ]'; fi
# the structural fit refuses ridge methods with a clear message
$SNAC refit --db $DB --toolchain vivado-2019.1 --method ridge-gcv >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 2 ]'
check 'grep -q "use robust or ols" cli_refit_err.txt'
out=$($SNAC refit --db $DB --toolchain vivado-2019.1 --force --no-store --json 2>cli_refit_err.txt); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "\"stored\":false,\"activated\":false"'

$SNAC refit --db $DB >/dev/null 2>&1; rc=$?
check '[ $rc -eq 2 ]'
$SNAC refit --db $DB --toolchain vitis-2023.2 >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 1 ]'
check 'grep -q "no synthesis results with a usable spec for vitis-2023.2" cli_refit_err.txt'
$SNAC refit --db $DB --toolchain quartus >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 2 ]'
$SNAC refit --db $DB --toolchain vivado-2019.1 --kfold 3 --holdout 0.2 >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 2 ]'
$SNAC validate --db $DB --surrogate nosuch >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 1 ]'

# option errors: a bad value names the option (exit 2, a usage error); an unknown option or a missing
# value prints the usage on stderr (exit 2); --help prints it on stdout (exit 0)
$SNAC refit --db $DB --toolchain vivado-2019.1 --kfold 1 >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 2 ]'
check 'grep -q "snac refit: --kfold expects an integer in \[2, 1000\], got '"'1'"'" cli_refit_err.txt'
$SNAC refit --db $DB --toolchain vivado-2019.1 --holdout 1 >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 2 ]'
check 'grep -q "snac refit: --holdout expects a fraction in (0, 1)" cli_refit_err.txt'
$SNAC refit --db $DB --toolchain vivado-2019.1 --seed -1 >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 2 ]'
check 'grep -q "snac refit: --seed expects a non-negative integer" cli_refit_err.txt'
$SNAC refit --db $DB --toolchain vivado-2019.1 --frobnicate >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 2 ]'
check 'grep -q "^usage: snac refit" cli_refit_err.txt'
$SNAC refit --db $DB --toolchain >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 2 ]'
check 'grep -q "^usage: snac refit" cli_refit_err.txt'
out=$($SNAC refit --help 2>/dev/null); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "^usage: snac refit"'
$SNAC validate --db $DB --bootstrap x >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 2 ]'
check 'grep -q "snac validate: --bootstrap expects an integer in \[0, 1000000\], got '"'x'"'" cli_refit_err.txt'
$SNAC validate --db $DB --frobnicate >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 2 ]'
check 'grep -q "^usage: snac validate" cli_refit_err.txt'
$SNAC validate --db $DB --seed >/dev/null 2>cli_refit_err.txt; rc=$?
check '[ $rc -eq 2 ]'
out=$($SNAC validate --help 2>/dev/null); rc=$?
check '[ $rc -eq 0 ]'
check 'echo "$out" | grep -q "^usage: snac validate"'

rm -f $DB $DB-wal $DB-shm cli_refit_err.txt
[ $fail -eq 0 ] && echo "cli_refit ok"
exit $fail
