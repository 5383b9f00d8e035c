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
      --org-csv="$work/org.csv" | tee "$work/bulk.txt"
  echo "budgetd memory after the load: $(rss)"
  # Delivery to aggregation runs behind the acknowledged Submits: wait until
  # aggregation holds every package, so the queries below measure a quiet
  # server. Before the org import they roll up under the district's
  # "unassigned" node.
  expected=$(sed -n 's/.*(accepted \([0-9]*\).*/\1/p' "$work/bulk.txt")
  start=$(date +%s.%N)
  for _ in $(seq 1 1200); do
    filed=$("$BIN/budgetctl" --server="$ADDR" --json rollup unassigned-430602 2023 2>/dev/null |
            grep -o '"filed": *"[0-9]*"' | head -n 1 | grep -o '[0-9]*' || true)
    [ "${filed:-0}" -ge "$expected" ] && break
    sleep 0.5
  done
  echo "delivered to aggregation: ${filed:-0} of $expected packages, $(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $start}") s after the load ended"
  echo "budgetd memory after delivery: $(rss)"
  echo '```'
  "$BIN/budgetctl" --server="$ADDR" --timeout=600 org import "$work/org.csv" > /dev/null
  org_import_rss=$(rss)
  echo
  echo "## Submit, GetRollup, Drilldown against the echo baseline"
  echo
  echo '```'
  for workload in submit rollup drilldown; do
    "$BIN/budget-loadgen" --target="$ADDR" --workload=$workload --concurrency="$CONCURRENCY" \
        --duration="$DURATION" --echo | tee "$work/$workload.txt"
  done
  echo "budgetd memory after the org import: $org_import_rss"
  echo "budgetd memory after the query runs: $(rss)"
  echo '```'
  echo
  echo "## GetRollup and Drilldown latency at half the echo's rate"
  echo
  echo '```'
  for workload in rollup drilldown; do
    half=$(awk '/^echo/ {for (i = 1; i < NF; i++) if ($(i+1) == "calls/s") printf "%d", $i / 2}' \
           "$work/$workload.txt")
    echo "--rate=$half"
    "$BIN/budget-loadgen" --target="$ADDR" --workload=$workload --concurrency="$CONCURRENCY" \
        --duration="$DURATION" --rate="$half"
  done
  echo '```'
  echo
  echo "## Rollup time against subtree size"
  echo
  echo '```'
  dept=$(awk -F, '$3=="department" {print $1; exit}' "$work/org.csv")
  for node in 430602 "$dept"; do
    units=$("$BIN/budgetctl" --server="$ADDR" --json rollup "$node" 2023 |
            grep -o '"filed": *"[0-9]*"' | head -n 1 | grep -o '[0-9]*')
    echo "node $node, $units units:"
    "$BIN/budget-loadgen" --target="$ADDR" --workload=rollup --node="$node" --concurrency=1 --duration=3
  done
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
  # Exit 1 means error-severity findings: the generator plants anomalies.
  echo "budget-audit over $expected units: $(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $start}") s (exit $code: 0 clean, 1 error findings, 2 failed)"
  echo "budgetd memory after the audit: $(rss)"
  echo '```'
} | tee "$OUT"
