# lib.sh — what the shell tests share: a scratch folder they run in (removed on exit, with
# any background job still running), `check`, and `blobs_csv` (a small separable CSV).
# Source it after reading the arguments:  . "$(dirname "$0")/../lib.sh"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
fails=0
check() { # check DESCRIPTION COMMAND...
    local what=$1; shift
    if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi
}
# blobs_csv ROWS [SEED] > FILE: three separable classes x, y, z in columns a, b, c, d, label
blobs_csv() {
    awk -v n="$1" -v seed="${2:-7}" 'BEGIN { srand(seed); print "a,b,c,d,label";
      for (i = 0; i < n; i++) { k = i % 3; printf "%.4f,%.4f,%.4f,%.4f,%s\n",
        k + 0.5 * (rand() - 0.5), -k + 0.5 * (rand() - 0.5), rand(), 2 * k + rand(), substr("xyz", k + 1, 1) } }'
}
# tiny_local SNAC 'local: {...}': tiny simulated jets, a 2-trial search of 24-8-8-5 ReLU nets into
# s.db (run 1), then `snac local --best` with the given local section (run 2); exits on failure.
tiny_local() {
    "$1" data gen --out jets --train 1200 --val 300 --test 300 --seed 5 > /dev/null || exit 1
    cat > s.yaml <<YAML
training: {batch_size: 64, threads: 1}
data: {format: hdf5, files: [jets/train, jets/val], test_files: [jets/test], constituents: 8,
       features: [pt, etarel, phirel], normalisation: robust, val_fraction: 0.2, seed: 1}
output: {db: s.db}
search: {trials: 2, population: 2, epochs: 1, seed: 3, workers: 1, store_models: true,
         objectives: [accuracy, avg_resource_pct]}
search_space: {layers: [2], widths: [[8], [8]], activation: [relu]}
YAML
    "$1" search -c s.yaml --quiet > /dev/null 2>&1 || exit 1
    echo "$2" > l.yaml
    "$1" local -c l.yaml --run 1 --best --db s.db --quiet > /dev/null 2>&1 || exit 1
}
