#!/usr/bin/env bash
# Runs the benchmark set against budgetd and writes bench/RESULTS.md.
#   bench/run.sh                 # full set (BULK=100000), ~10 minutes on 2 cores
#   BULK=20000 DURATION=5 bench/run.sh   # a shorter run
# Each throughput figure is measured beside the bare echo baseline in the same
# budget-loadgen invocation (same payload sizes, same concurrency).
set -euo pipefail
cd "$(dirname "$0")/.."
BULK=${BULK:-100000}
DURATION=${DURATION:-10}
CONCURRENCY=${CONCURRENCY:-8}
BIN=./build/bin
OUT=bench/RESULTS.md

./deploy/build.sh > /dev/null
work=$(mktemp -d)
trap 'kill $(cat "$work/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT

"$BIN/budgetd" --listen=127.0.0.1:0 --data="$work/data" > "$work/out" 2> "$work/log" &
echo $! > "$work/pid"
for _ in $(seq 1 100); do grep -q '^listening on ' "$work/out" && break; sleep 0.1; done
ADDR=$(sed -n 's/^listening on //p' "$work/out")
PID=$(cat "$work/pid")
rss() { awk '/VmHWM/ {print $2 " kB peak, "} /VmRSS/ {print $2 " kB now"}' "/proc/$PID/status" | tr -d '\n'; }

{
  echo "# Benchmark results"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
  echo "- command: \`BULK=$BULK DURATION=$DURATION CONCURRENCY=$CONCURRENCY bench/run.sh\`"
  echo "- server: budgetd (durable writes), client: budget-loadgen, $CONCURRENCY closed-loop workers"
  echo
  echo "## Micro-benchmarks (budget-microbench)"
  echo
  echo '```'
  "$BIN/budget-microbench" --benchmark_min_time=0.2 2>/dev/null | grep -E '^BM_'
  echo '```'
  echo
  echo "## Bulk load through SubmitStream ($BULK packages)"
  echo
  echo '```'
  "$BIN/budget-loadgen" --target="$ADDR" --bulk="$BULK" --streams=4 --departments=100 \
      --org-csv="$work/org.csv"
  echo "budgetd memory after the load: $(rss)"
  echo '```'
  "$BIN/budgetctl" --server="$ADDR" org import "$work/org.csv" > /dev/null
  echo
  echo "## Submit, GetRollup, Drilldown against the echo baseline"
  echo
  echo '```'
  for workload in submit rollup drilldown; do
    "$BIN/budget-loadgen" --target="$ADDR" --workload=$workload --concurrency="$CONCURRENCY" \
        --duration="$DURATION" --echo
  done
  echo '```'
  echo
  echo "## Rollup time against subtree size"
  echo
  echo '```'
  dept=$(awk -F, '$3=="department" {print $1; exit}' "$work/org.csv")
  "$BIN/budget-loadgen" --target="$ADDR" --workload=rollup --node=430602 --concurrency=1 --duration=3
  "$BIN/budget-loadgen" --target="$ADDR" --workload=rollup --node="$dept" --concurrency=1 --duration=3
  echo '```'
  echo
  echo "## The audit over the district"
  echo
  echo '```'
  start=$(date +%s.%N)
  set +e
  "$BIN/budget-audit" --ingestion="$ADDR" --aggregation="$ADDR" --node=430602 --year=2023 > /dev/null
  code=$?
  set -e
  echo "budget-audit over $BULK units: $(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $start}") s (exit $code)"
  echo "budgetd memory at the end: $(rss)"
  echo '```'
} | tee "$OUT"
