#!/usr/bin/env bash
# Ctrl-C latency of the interactive shell (issue 14): for load, km, pairwise logrank, cox (with its
# concordance), cox with strata, cox phtest, a PNG plot and an expression over every row (replace)
# on a generated ROWS-row CSV, the time
# from ^C to `error: NAME: interrupted` and to the next prompt, with ^C sent at 20, 50, 80 and 95%
# of the command's uninterrupted run time (bench/interrupt.py drives survsh on a pseudo-terminal).
#
#   bench/interrupt.sh [ROWS]        (default 10000000; the CSV is cached in bench/out/)
#
# Since issue 14's last round also survreg, crr, cuminc, ttest, summarize, tabulate, table1, head
# (formatting 2*10^6 rows), split and landmark (each timed once, then interrupted from a fresh set-up).
# Each line ends with the load average (the machine is shared: latencies include scheduling delays).
#
# Environment: SURVSH_BIN=PATH (default: build and use .build/release/survsh), CSV=PATH (a ROWS-row
# file made by scripts/gen_bench_csv.py elsewhere, read in place), OPS=load,cox,...
# (only those, by first word: OPS=survreg,crr,head), FRACTIONS=0.2,0.5,0.8,0.95, WIDE=COLUMNS (also
# load a CSV whose header has that many columns, e.g. WIDE=1000000, made in bench/out/). Not a test:
# it prints a table and exits 0.
#
# The cost of polling: BASE_BIN=PATH (a release survsh built without it, e.g. from the commit before
# the Cancellation hook) first times load, load + km, load + logrank and load + cox with both binaries
# (hyperfine, RUNS=5 runs each) and prints the medians side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
mkdir -p bench/out
csv=$(realpath -m "${CSV:-bench/out/bench_$rows.csv}")
[ -f "$csv" ] || python3 scripts/gen_bench_csv.py "$rows" "$csv"
if [ -z "${SURVSH_BIN:-}" ]; then
  swift build -c release >/dev/null
  SURVSH_BIN=.build/release/survsh
fi
echo "survsh: $SURVSH_BIN; data: $csv ($rows rows); $(nproc) cores"
if [ -n "${BASE_BIN:-}" ]; then
  command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
  covs="x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10"
  json=$(mktemp)
  printf '%-16s %12s %12s %8s\n' task without with change
  for task in "load" "km Surv(time, status) ~ group" "logrank Surv(time, status) ~ group" "cox Surv(time, status) ~ $covs"; do
    line="load $csv"
    [ "$task" = load ] || line="$line; $task"
    hyperfine -N -w 1 -r "${RUNS:-5}" --export-json "$json" \
      "$BASE_BIN -e '$line'" "$SURVSH_BIN -e '$line'" >/dev/null 2>&1
    python3 - "$json" "${task%% *}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
a, b = r[0]["median"], r[1]["median"]
print(f"{sys.argv[2]:16} {a:11.3f}s {b:11.3f}s {100 * (b - a) / a:+7.1f}%")
PY
  done
  rm -f "$json"
fi
wide=
if [ -n "${WIDE:-}" ]; then
  wide=bench/out/wide_$WIDE.csv
  [ -f "$wide" ] || python3 -c 'import sys; n = int(sys.argv[1]); print(",".join(f"c{k}" for k in range(n))); print(",".join("1" for _ in range(n)))' "$WIDE" > "$wide"
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/interrupt.py "$SURVSH_BIN" "$csv" ${OPS:+--ops=$OPS} ${FRACTIONS:+--fractions=$FRACTIONS} ${wide:+--header=$wide}
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
