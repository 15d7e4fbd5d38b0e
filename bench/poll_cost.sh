#!/usr/bin/env bash
# The cost of polling for Ctrl-C (issue 14, item 4), two ways, CPU time (user + sys):
#  1. bench/poll_cost.swift, compiled with survsh's own Sources/SurvivalStats/Support/Cancellation.swift
#     (swiftc -O): each hot-loop form (a CancelPoll countdown per row, stops(at:), inBlocks) over
#     10^7 rows with and without the poll, RUNS times (median).
#  2. bench/poll_cost_fit.swift, compiled into SurvivalStats twice (swiftc -O -wmo), with the polls
#     and with -DSURVSH_NO_POLL (every poll compiled out): km, logrank and a Cox fit (10 covariates,
#     with its concordance) on ROWS rows (default 10^7), the two binaries in alternation, RUNS times.
#
#   bench/poll_cost.sh [RUNS] [ROWS]        RUNS default 7
#
# Not a test: it prints tables and exits 0. The numbers are in the README ("Ctrl-C").
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
rows=${2:-10000000}
mkdir -p bench/out
swiftc -O -parse-as-library -module-name PollCost bench/poll_cost.swift Sources/SurvivalStats/Support/Cancellation.swift \
    -o bench/out/poll_cost
stats=$(find Sources/SurvivalStats -name '*.swift' | sort)
swiftc -O -wmo -parse-as-library -I Sources/CPrefetch -I Sources/CKernels -module-name SurvivalStats $stats bench/poll_cost_fit.swift -o bench/out/poll_cost_fit
swiftc -O -wmo -parse-as-library -I Sources/CPrefetch -I Sources/CKernels -module-name SurvivalStats -DSURVSH_NO_POLL $stats bench/poll_cost_fit.swift \
    -o bench/out/poll_cost_fit_nopoll
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
bench/out/poll_cost "$runs"
echo "CPU seconds at $rows rows, with the polls and with them compiled out, in alternation:"
for ((k = 1; k <= runs; k++)); do
    printf 'with    '; bench/out/poll_cost_fit "$rows"
    printf 'without '; bench/out/poll_cost_fit_nopoll "$rows"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
