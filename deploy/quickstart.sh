#!/usr/bin/env bash
# The README's first command: install, build, start budgetd (the whole suite in
# one process) on 127.0.0.1 with ./data, load the sample district 岳阳楼区
# (430602: its departments, 50 generated units and the seed unit), run the
# audit, and show the district's rollup, drilldown and findings.
# A second run reuses the build and the data (the sample is loaded once).
set -euo pipefail
cd "$(dirname "$0")/.."

LISTEN=${BUDGETD_LISTEN:-127.0.0.1:7100}
DATA=${BUDGETD_DATA:-./data}
BIN=./build/bin

./deploy/setup.sh
./deploy/build.sh

mkdir -p "$DATA"
if pid=$(cat "$DATA/budgetd.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null; then
  echo "budgetd is already running (pid $pid) on $(cat "$DATA/budgetd.address")"
else
  rm -f "$DATA/budgetd.out"
  nohup "$BIN/budgetd" --listen="$LISTEN" --data="$DATA" > "$DATA/budgetd.out" 2> "$DATA/budgetd.log" &
  echo $! > "$DATA/budgetd.pid"
  for _ in $(seq 1 100); do
    grep -q '^listening on ' "$DATA/budgetd.out" 2>/dev/null && break
    if ! kill -0 "$(cat "$DATA/budgetd.pid")" 2>/dev/null; then
      echo "budgetd did not start:"; cat "$DATA/budgetd.log"; exit 1
    fi
    sleep 0.1
  done
  sed -n 's/^listening on //p' "$DATA/budgetd.out" > "$DATA/budgetd.address"
  echo "budgetd started (pid $(cat "$DATA/budgetd.pid")) on $(cat "$DATA/budgetd.address"), data in $DATA"
fi
ADDR=$(cat "$DATA/budgetd.address")
CTL=("$BIN/budgetctl" --server="$ADDR")

if [ ! -f "$DATA/sample.loaded" ]; then
  echo
  echo "== Loading the sample: 岳阳楼区 (430602), 6 departments, 50 units, years 2022 and 2023, and the seed unit"
  "$BIN/budget-sample" --out="$DATA/sample" --division=430602 --name=岳阳楼区 \
      --departments=6 --units=50 --years=2022,2023 --seed=1 | tail -n 3
  # The seed unit sits under the district in the tree.
  echo "12430602MB1C04587D,岳阳市住房保障服务中心岳阳楼区分中心,unit,430602,430602" >> "$DATA/sample/org.csv"
  "${CTL[@]}" org import "$DATA/sample/org.csv"
  for year in 2022 2023; do
    count=0
    for f in "$DATA/sample/packages/$year"/*.json; do
      "${CTL[@]}" submit "$f" > /dev/null
      count=$((count + 1))
    done
    echo "filed $count packages for $year"
  done
  "${CTL[@]}" submit tests/data/seed-2023.json > "$DATA/seed-submit.txt" || true
  head -n 9 "$DATA/seed-submit.txt"
  touch "$DATA/sample.loaded"
fi

echo
echo "== The audit (cross-unit and cross-year rules) of 430602 for 2023"
set +e
"$BIN/budget-audit" --ingestion="$ADDR" --aggregation="$ADDR" --node=430602 --year=2023 \
    --csv="$DATA/audit-2023.csv" | tail -n 15
audit_exit=${PIPESTATUS[0]}
set -e
echo "(budget-audit exit code $audit_exit: 0 clean, 1 error-severity findings recorded, 2 failed; CSV in $DATA/audit-2023.csv)"

echo
echo "== Rollup of 岳阳楼区 (430602), 2023"
"${CTL[@]}" rollup 430602 2023
echo
echo "== Drilldown: its departments by amount executed"
"${CTL[@]}" drilldown 430602 2023 --sort funds.executed_fen --desc
echo
echo "== Findings recorded for 430602, 2023: $("${CTL[@]}" findings --node 430602 --year 2023 --csv | tail -n +2 | wc -l) (cross-unit audit)"

cat <<EOF

budgetd is running on $ADDR (pid $(cat "$DATA/budgetd.pid")), data in $DATA.
Try:
  $BIN/budgetctl --server=$ADDR get 12430602MB1C04587D 2023     # the seed unit: versions, findings, scorecard
  $BIN/budgetctl --server=$ADDR coverage 430602 2023           # who has not filed
  $BIN/budgetctl --server=$ADDR compare 430602 2022 2023       # year on year
  $BIN/budgetctl --server=$ADDR findings --node 430602 --year 2023
  $BIN/budgetctl rules                                         # the consistency catalogue
Stop it with:  kill \$(cat $DATA/budgetd.pid)
EOF
