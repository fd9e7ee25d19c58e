#!/usr/bin/env bash
# `snac synth` on a tiny model from `snac local`: a synthesis_results row with Yosys counts and
# the details file; a second run skips it (resume); a timed-out run is a failed row with its log
# and the batch goes on; without yosys on PATH a clear error naming the Debian package, nothing
# written; bad ids fail before anything runs; --split (per-layer runs) gives the whole design's counts
# minus the top-level valid register; another Yosys version than the default's gets a note.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"
q() { sqlite3 "$work/s.db" "$1"; }

tiny_local "$SNAC" 'local: {warmup_epochs: 1, iterations: 3, prune_rate: 0.6, prune_epochs: 1, bits: [6], batch_size: 64, seed: 9}'
m3=$(q "SELECT model_id FROM local_iterations WHERE iteration = 3")
m1=$(q "SELECT model_id FROM local_iterations WHERE iteration = 1")
float=$(q "SELECT min(id) FROM models WHERE qmodel IS NULL")

# no yosys: a clear error, nothing written
before=$(sha256sum s.db)
PATH=/nonexistent "$SNAC" synth "$m3" --db s.db --work w0 > /dev/null 2> e.txt
check "without yosys: exit 1" test $? -eq 1
check "  names the Debian package" grep -q "Debian package .yosys." e.txt
check "  nothing written" test ! -e w0
check "  store untouched" test "$(sha256sum s.db)" = "$before"
# another Yosys than the default was calibrated on: a note naming both (a stand-in yosys that
# only answers -V; model 999 does not exist, so nothing runs)
mkdir -p fakebin
printf '#!/bin/sh\necho "Yosys 0.40+1 (git sha1 0000000)"\n' > fakebin/yosys
chmod +x fakebin/yosys
PATH="$work/fakebin:$PATH" "$SNAC" synth 999 --db s.db --work w0 > /dev/null 2> e.txt
check "Yosys 0.40 installed: a note naming it and the calibrated 0.23" \
    grep -q "note: Yosys 0.40 is installed; the default surrogate default-yosys-0.23-b8 was calibrated on Yosys 0.23" e.txt
printf '#!/bin/sh\necho "Yosys 0.23 (git sha1 7ce5011c24b)"\n' > fakebin/yosys
PATH="$work/fakebin:$PATH" "$SNAC" synth 999 --db s.db --work w0 > /dev/null 2> e.txt
check "Yosys 0.23 installed: no note" test "$(grep -c 'note: Yosys' e.txt)" = 0
"$SNAC" synth 999 --db s.db --work w0 > /dev/null 2> e.txt
check "unknown model: exit 1, nothing written" test $? -eq 1 -a ! -e w0
check "  says so" grep -q "no model 999" e.txt
"$SNAC" synth "$float" --db s.db --work w0 > /dev/null 2> e.txt
check "float model: exit 1, nothing written" test $? -eq 1 -a ! -e w0
"$SNAC" synth --db s.db > /dev/null 2>&1
check "no model: usage, exit 2" test $? -eq 2

cp s.db split.db
"$SNAC" synth "$m1" --db s.db --work w --jobs 2 > out.txt 2> err.txt
check "synth exits 0" test $? -eq 0
check "  prints the counts" grep -q "model $m1: LUT [0-9]* FF [0-9]* DSP 0" out.txt
check "  one row, toolchain yosys + version" \
    test "$(q "SELECT count(*) FROM synthesis_results WHERE model_id = $m1 AND toolchain = 'yosys' AND tool_version LIKE '0.%' AND source_kind = 'yosys'")" -eq 1
check "  LUT and FF counted, latency = stages" \
    test "$(q "SELECT lut > 0 AND ff > 0 AND latency_worst = 3 AND ii_min = 1 FROM synthesis_results WHERE model_id = $m1")" = 1
res="w/model_$m1/synth/yosys_result.json"
check "  details file: LUT by size, carry, depth estimate" grep -q '"lut_by_size":{"LUT1".*"carry":.*"logic_depth_estimate_cells":[0-9]' "$res"
check "  details file: wall time, peak memory" grep -q '"wall_s":[0-9.]*,"peak_rss_mb":[0-9.]*' "$res"
check "  the row references the details file by SHA-256" \
    test "$(q "SELECT source_sha256 FROM synthesis_results WHERE model_id = $m1")" = "$(sha256sum "$res" | cut -d' ' -f1)"
q "SELECT details FROM synthesis_results WHERE model_id = $m1" > details.json
check "  and carries its text in the details column" cmp -s <(tr -d '\n' < details.json) <(tr -d '\n' < "$res")
check "  details: LUT6 count, Yosys version" \
    test "$(q "SELECT json_extract(details, '$.lut_by_size.LUT6') >= 0 AND json_extract(details, '$.toolchain') LIKE 'yosys-%' FROM synthesis_results WHERE model_id = $m1")" = 1

# --split: one run per layer, counts summed; the same FF and carry counts, the LUTs without the
# top-level valid register (one SRL16E) at most
"$SNAC" synth "$m1" --db split.db --work ws --jobs 2 --split > outs.txt 2>&1
check "--split exits 0" test $? -eq 0
whole=$(q "SELECT lut || ' ' || ff || ' ' || dsp FROM synthesis_results WHERE model_id = $m1")
part=$(sqlite3 split.db "SELECT lut || ' ' || ff || ' ' || dsp FROM synthesis_results WHERE model_id = $m1")
check "  same FF and DSP as the whole design, LUT within 1 ($whole vs $part)" \
    awk -v a="$whole" -v b="$part" 'BEGIN { split(a, x, " "); split(b, y, " "); exit !(x[2] == y[2] && x[3] == y[3] && x[1] - y[1] >= 0 && x[1] - y[1] <= 1) }'
check "  one run per layer" test -s "ws/model_$m1/synth/stat_L3.json"

# resume: the stored model is skipped; a timeout is a failed row
"$SNAC" synth "$m1" "$m3" --db s.db --work w --timeout 1 > out.txt 2>&1
check "timeout: exit 3 (failures), the batch went on" test $? -eq 3
check "  stored model skipped" grep -q "model $m1: already synthesized" out.txt
check "  failed row with its log path" \
    test "$(q "SELECT count(*) FROM synthesis_results WHERE model_id = $m3 AND source_kind = 'yosys-failed' AND lut IS NULL AND source_path LIKE '%yosys%'")" -eq 1
check "  2 rows in all" test "$(q "SELECT count(*) FROM synthesis_results")" -eq 2

# issue 24: a failed row is retried (and replaced), never reported as synthesized
cp s.db kill.db
"$SNAC" synth "$m3" --db s.db --work w > out.txt 2>&1
check "failed model retried: exit 0" test $? -eq 0
check "  says it retries" grep -q "model $m3: the earlier yosys .* run failed or timed out; retrying" out.txt
check "  not called synthesized" test "$(grep -c "model $m3: already synthesized" out.txt)" -eq 0
check "  its synthesized row replaced the failed one" \
    test "$(q "SELECT group_concat(source_kind) FROM synthesis_results WHERE model_id = $m3")" = yosys

# issue 24: snac synth stopped (SIGTERM) or killed (SIGKILL) leaves no Yosys running; a live run
# in the work folder (its lock held) is refused instead of starting a second Yosys there
yosys_of() { pgrep -P "$1" -x yosys; }
for sig in TERM KILL; do
    "$SNAC" synth "$m3" --db kill.db --work wk > out.txt 2> err.txt &
    pid=$!
    ypid=
    for i in $(seq 100); do ypid=$(yosys_of $pid) && [ -n "$ypid" ] && break; sleep 0.05; done
    check "SIG$sig: yosys was started" test -n "$ypid"
    kill -$sig $pid
    wait $pid
    rc=$?
    [ $sig = TERM ] && check "SIGTERM: exit 1" test $rc -eq 1
    [ $sig = TERM ] && check "  says interrupted" grep -q "synth interrupted by SIGTERM" err.txt
    gone=1
    for i in $(seq 40); do kill -0 "$ypid" 2> /dev/null || { gone=0; break; }; sleep 0.05; done
    check "SIG$sig: its yosys (and process group) ended" test $gone -eq 0 -a -z "$(pgrep -g "$ypid")"
    check "  nothing stored for the model in flight" \
        test "$(sqlite3 kill.db "SELECT count(*) FROM synthesis_results WHERE model_id = $m3 AND source_kind = 'yosys'")" -eq 0
done
flock wk/.snac_synth.lock sleep 30 &
holder=$!
sleep 0.2
"$SNAC" synth "$m3" --db kill.db --work wk > out.txt 2> err.txt
check "a live run in the work folder: exit 1" test $? -eq 1
check "  says a synthesis is still running there" grep -q "wk: a synthesis is still running in this work folder" err.txt
kill $holder; wait $holder 2> /dev/null

# issue 24: Yosys result parsing against a recorded stat -json with known counts (a fake yosys on
# PATH writes the fixture where the script asks for it); numbers by hand in fixtures/export/PROVENANCE.md
FX=$(dirname "$0")/../fixtures/export
FX=$(cd "$FX" && pwd)
mkdir -p fakebin
cat > fakebin/yosys <<SH
#!/bin/sh
[ "\$1" = -V ] && { echo "Yosys 0.23 (git sha1 fake)"; exit 0; }
script=\$5
stat=\$(sed -n 's/^tee -q -o \\([^ ]*\\) stat -json.*/\\1/p' "\$script")
ltp=\$(sed -n 's/^tee -q -o \\([^ ]*\\) ltp .*/\\1/p' "\$script")
cp "$FX/yosys_stat_design.json" "\$stat" && cp "$FX/yosys_ltp.txt" "\$ltp" && echo fake > "\$3"
SH
chmod +x fakebin/yosys
cp kill.db fake.db
PATH=$work/fakebin:$PATH "$SNAC" synth "$m3" --db fake.db --work wfake > out.txt 2> err.txt
check "recorded stat -json: synth exits 0" test $? -eq 0
row=$(sqlite3 fake.db "SELECT lut || ' ' || ff || ' ' || dsp || ' ' || bram18 || ' ' || uram FROM synthesis_results WHERE model_id = $m3 AND source_kind = 'yosys'")
check "  LUT 38 (LUT1..6 + SRL16E + SRLC32E), FF 42, DSP 4, BRAM18 7 (1 + 2 x RAMB36E2), URAM 1: $row" \
    test "$row" = "38.0 42.0 4.0 7.0 1.0"
rj=wfake/model_$m3/synth/yosys_result.json
check "  details: LUT by size, SRL 3, carry 17, INV 3, MUXF 2, depth 23" grep -q \
    '"lut_by_size":{"LUT1":3,"LUT2":10,"LUT3":4,"LUT4":5,"LUT5":6,"LUT6":7,"SRL":3},"inv":3,"ff":42,"dsp48e2":4,"carry":17,"muxf":2,"bram18":7,"uram":1,"logic_depth_estimate_cells":23' $rj

echo "$fails failure(s)"
exit $((fails > 0))
