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
