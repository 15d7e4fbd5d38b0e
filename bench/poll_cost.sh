#!/usr/bin/env bash
# The cost of polling for Ctrl-C in a hot loop (issue 14, item 4): bench/poll_cost.swift compiled
# with survsh's own Sources/SurvivalStats/Support/Cancellation.swift (swiftc -O), each loop form
# over 10^7 rows with and without the poll, RUNS times (default 7), CPU time (user + sys).
#
#   bench/poll_cost.sh [RUNS]
#
# Not a test: it prints a table and exits 0. The numbers are in the README ("Ctrl-C").
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
swiftc -O -parse-as-library -module-name PollCost bench/poll_cost.swift Sources/SurvivalStats/Support/Cancellation.swift \
    -o bench/out/poll_cost
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
bench/out/poll_cost "${1:-7}"
