#!/usr/bin/env bash
# Runs the reliability stress tests ([Trait("Category", "Stress")], left out of the default test run)
# several times in a row (default 3) and prints each run's result, duration and measured figures.
# Usage: bash scripts/stress.sh [runs]        Figures and method: docs/reliability.md
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
runs="${1:-3}"
results=TestResults/stress
rm -rf "$results"
mkdir -p "$results"

echo "ulimit -n: $(ulimit -n) (the 5,000-connection test needs about 10,300 descriptors)"
dotnet build NetServer.sln -c Release >"$results/build.log" 2>&1 || { tail -n 30 "$results/build.log"; echo "stress: build failed"; exit 1; }

failures=0
summary=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  dotnet test NetServer.sln -c Release --no-build --settings tests/stress.runsettings \
    --logger "trx;LogFilePrefix=run$i" --logger "console;verbosity=detailed" --results-directory "$results" \
    >"$results/run$i.log" 2>&1
  status=$?
  seconds=$(( $(date +%s) - start ))
  passed=0; failed=0
  for f in "$results"/run"$i"*.trx; do
    [ -f "$f" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$f" | head -n 1)
    p=$(echo "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')
    x=$(echo "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')
    passed=$((passed + ${p:-0})); failed=$((failed + ${x:-0}))
  done
  if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
    failures=$((failures + 1))
    grep -E "^\s+(Failed|Error Message|Assert)" -A3 "$results/run$i.log" | head -n 40
  fi
  summary+=("run $i: $passed passed, $failed failed, ${seconds} s")
  echo "--- run $i figures"
  grep -E "^\s+(Passed|Failed) |^ [a-z0-9]" "$results/run$i.log" | grep -v "^ *$" | sed 's/^ */  /'
done

echo "=== stress summary ($runs runs, logs in $results)"
printf '%s\n' "${summary[@]}"
if [ "$failures" -eq 0 ]; then
  echo "stress: all $runs runs passed"
else
  echo "stress: $failures of $runs runs failed"
  exit 1
fi
