#!/usr/bin/env bash
# Excel benchmark: load time and peak memory of the ROWS x 15-column benchmark data
# (scripts/gen_bench_csv) as .xlsx, release-build survsh beside R's openxlsx::read.xlsx and
# readxl::read_xlsx (each when installed), with the CSV load for reference and the time survsh takes
# to write the workbook (`load CSV; save .xlsx`, minus the CSV load). Not a test: it prints a table.
# Each number is the median of RUNS runs of the whole process (start, work, exit), measured with GNU
# time: wall seconds, CPU seconds (user + sys: the comparable number on a shared, loaded machine) and
# peak resident memory; the load average is printed with them.
#
#   bench/xlsx.sh [ROWS]          (default 1000000; files cached in bench/out/)
#
# Environment: SURVSH_BIN=PATH (default .build/release/survsh, built first when unset), RUNS=N
# (default 3), NO_R=1 to skip R. Run it with `nice` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000} runs=${RUNS:-3} out=bench/out
csv=$out/bench_$rows.csv xlsx=$out/bench_$rows.xlsx
mkdir -p "$out"
[ -f "$csv" ] || scripts/gen_bench_csv "$rows" "$csv"
[ -x /usr/bin/time ] || { echo "install GNU time (apt-get install time)" >&2; exit 1; }
if [ -z "${SURVSH_BIN:-}" ]; then
  swift build -c release --product survsh >/dev/null
  SURVSH_BIN=.build/release/survsh
fi
S=$(printf '%q' "$SURVSH_BIN")

# run LABEL CMD: prints "LABEL wall cpu MB" (medians of $runs runs of CMD)
run() {
  local label=$1 cmd=$2 log=$out/xlsx_times.txt
  : >"$log"
  for _ in $(seq "$runs"); do /usr/bin/time -f '%e %U %S %M' -a -o "$log" bash -c "exec $cmd" >/dev/null 2>&1; done
  python3 -c 'import sys, statistics as st
r = [list(map(float, l.split())) for l in open(sys.argv[2]) if l[:1].isdigit()]
print("%-34s %8.2f %8.2f %8.0f" % (sys.argv[1], st.median(x[0] for x in r), st.median(x[1] + x[2] for x in r), st.median(x[3] for x in r) / 1024))' "$label" "$log"
}

[ -f "$xlsx" ] || "$SURVSH_BIN" -e "load $csv; save $xlsx" >/dev/null
echo "survsh: $SURVSH_BIN; data: $rows rows x 15 columns; workbook $(du -h "$xlsx" | cut -f1), sheet part" \
  "$(unzip -l "$xlsx" xl/worksheets/sheet1.xml | awk 'NR == 4 { printf "%.0f MB", $1 / 1e6 }'); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-34s %8s %8s %8s\n" "" "wall s" "CPU s" "peak MB"
run "survsh load .csv" "$S -e $(printf '%q' "load $csv")"
run "survsh load .xlsx" "$S -e $(printf '%q' "load $xlsx")"
tmp=$out/bench_${rows}_saved.xlsx
run "survsh load .csv, save .xlsx" "$S -e $(printf '%q' "load $csv; save $tmp")"
rm -f "$tmp"
if [ -z "${NO_R:-}" ] && command -v Rscript >/dev/null; then
  echo "R: $(Rscript -e 'cat(R.version.string)')"
  if Rscript -e 'suppressMessages(library(openxlsx))' >/dev/null 2>&1; then
    run "R openxlsx::read.xlsx $(Rscript -e 'cat(format(packageVersion("openxlsx")))')" \
      "Rscript -e $(printf '%q' "suppressMessages(library(openxlsx)); d <- read.xlsx('$xlsx'); stopifnot(nrow(d) == $rows)")"
  fi
  if Rscript -e 'suppressMessages(library(readxl))' >/dev/null 2>&1; then
    run "R readxl::read_xlsx $(Rscript -e 'cat(format(packageVersion("readxl")))')" \
      "Rscript -e $(printf '%q' "suppressMessages(library(readxl)); d <- read_xlsx('$xlsx'); stopifnot(nrow(d) == $rows)")"
  fi
fi
echo "Whole process (start, work, exit), median of $runs runs; CPU = user + sys; MB = peak resident set."
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
