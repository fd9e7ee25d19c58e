#!/usr/bin/env bash
# `snac report` on a small real store (report_db.sh): every plot has as many points as the
# store has (counted with sqlite3), the same store gives the same bytes, run selection, the
# ablation section with and without its table, a page with no network reference; a missing
# store exits 1 without writing a file, usage errors exit 2.
set -u
SNAC=$1
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/report_db.sh"
report_db "$SNAC"

"$SNAC" report --db r.db --out a.html > out.txt 2> err.txt
check "report exits 0" test $? -eq 0
check "  says what it wrote" grep -q "wrote a.html" out.txt
check "  one page, closed" grep -q "</html>" a.html
for s in "Global search: run 2" "Local search: run 3" "Surrogate validation" "Runs, configs and provenance" \
         "Fig. 1: average resources vs latency" "Fig. 4: accuracy vs BOPs" "no ablation in this store"; do
    check "  has: $s" grep -q "$s" a.html
done
check "  axis labels with units" grep -q "latency (clock cycles)" a.html
check "  print style" grep -q "@media print" a.html
check "  the baseline is marked (Fig. 4)" grep -q 'class="base"' a.html
check "  no network reference" test "$(grep -cE '(src|href)="(https?:)?//' a.html)" -eq 0
marks_per_plot a.html | awk '$2 > 0' | sort > got.txt
expected_marks r.db | awk '$2 > 0' | sort > want.txt
check "  points per plot = rows in the store ($(tr '\n' ' ' < want.txt))" cmp -s got.txt want.txt
check "  the validation plots have points" grep -q "^v-lut [1-9]" got.txt
check "  error bars from the stored 95% intervals" grep -q 'class="eb ' a.html

"$SNAC" report --db r.db --out a2.html > /dev/null 2>&1
check "same store, same bytes" cmp -s a.html a2.html

"$SNAC" report 2 --db r.db --out b.html > /dev/null 2>&1
check "run 2 only: exit 0" test $? -eq 0
check "  the search is there" grep -q "Global search: run 2" b.html
check "  the local run is not" test "$(grep -c "Local search: run 3" b.html)" -eq 0

cp r.db v7.db
add_ablation v7.db
"$SNAC" report --db v7.db --out v7.html > /dev/null 2>&1
check "with snac ablate's tables (ablation_models, ablation_sets): exit 0" test $? -eq 0
check "  hypervolume per seed, mean and sd: (0.40, 0.50)" grep -q "<td class=\"t\">accuracy+surrogate</td><td>2</td><td>3</td><td>51.00 ± 2.00 \[49.00, 53.00\]</td><td>600 ± 141 \[500, 700\]</td><td>3.0 ± 0.0 \[3.0, 3.0\]</td><td>0.4500 ± 0.0707 \[0.4000, 0.5000\]</td>" v7.html
marks_per_plot v7.html | awk '$2 > 0' | sort > got.txt
expected_marks v7.db | awk '$2 > 0' | sort > want.txt
check "  ablation points = synthesized models ($(grep ab- want.txt | tr '\n' ' '))" cmp -s got.txt want.txt

"$SNAC" report --db missing.db --out m.html > /dev/null 2> err.txt
check "missing store: exit 1" test $? -eq 1
check "  says so" grep -q "missing.db: no such database" err.txt
check "  no report, no store created" test ! -e m.html -a ! -e missing.db
"$SNAC" report 99 --db r.db --out m.html > /dev/null 2> err.txt
check "unknown run: exit 1, no file" test $? -eq 1 -a ! -e m.html
check "  names it" grep -q "no run 99" err.txt
"$SNAC" report --db r.db --out /nonexistent/dir/m.html > /dev/null 2> err.txt
check "unwritable output: exit 1" test $? -eq 1
"$SNAC" report --db r.db > /dev/null 2>&1
check "no --out: usage, exit 2" test $? -eq 2
"$SNAC" report x --db r.db --out m.html > /dev/null 2>&1
check "RUN not a number: usage, exit 2" test $? -eq 2 -a ! -e m.html
"$SNAC" report --db r.db --out m.html --bogus > /dev/null 2>&1
check "unknown option: usage, exit 2" test $? -eq 2 -a ! -e m.html

echo "$fails failure(s)"
exit $((fails > 0))
