#!/usr/bin/env bash
# Ctrl-C latency of the interactive shell (issue 14): for load, km, pairwise logrank, cox (with its
# concordance), cox with strata, cox phtest and a PNG plot on a generated ROWS-row CSV, the time
# from ^C to `error: NAME: interrupted` and to the next prompt, with ^C sent at 20, 50, 80 and 95%
# of the command's uninterrupted run time (bench/interrupt.py drives survsh on a pseudo-terminal).
#
#   bench/interrupt.sh [ROWS]        (default 10000000; the CSV is cached in bench/out/)
#
# Environment: SURVSH_BIN=PATH (default: build and use .build/release/survsh), OPS=load,cox,...
# (only those), FRACTIONS=0.2,0.5,0.8,0.95. Not a test: it prints a table and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
mkdir -p bench/out
csv=bench/out/bench_$rows.csv
[ -f "$csv" ] || python3 scripts/gen_bench_csv.py "$rows" "$csv"
if [ -z "${SURVSH_BIN:-}" ]; then
  swift build -c release >/dev/null
  SURVSH_BIN=.build/release/survsh
fi
echo "survsh: $SURVSH_BIN; data: $csv ($rows rows); $(nproc) cores"
python3 bench/interrupt.py "$SURVSH_BIN" "$PWD/$csv" ${OPS:+--ops=$OPS} ${FRACTIONS:+--fractions=$FRACTIONS}
