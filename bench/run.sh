#!/usr/bin/env bash
# Benchmarks for the issue targets: whole-process wall time (median of hyperfine runs) and peak
# memory of release-build survsh on a generated 10^6-row x 15-column CSV, with R (data.table +
# survival) beside it when Rscript and data.table are installed. Not a test: it prints numbers.
#
#   bench/run.sh [ROWS]        (default 1000000; files are cached in bench/out/)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
out=bench/out
mkdir -p "$out"
csv="$out/bench_$rows.csv"
[ -f "$csv" ] || python3 scripts/gen_bench_csv.py "$rows" "$csv"
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)"; exit 1; }
[ -x /usr/bin/time ] || { echo "install time (apt-get install time)"; exit 1; }
swift build -c release >/dev/null
S=.build/release/survsh
covs="x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10"

declare -A cmds=(
  [help]="$S -e help"
  [load]="$S -e 'load $csv'"
  [load+km]="$S -e 'load $csv; km Surv(time, status) ~ group'"
  [load+logrank]="$S -e 'load $csv; logrank Surv(time, status) ~ group'"
  [load+cox]="$S -e 'load $csv; cox Surv(time, status) ~ $covs'"
)
echo "survsh on $csv ($(du -h "$csv" | cut -f1)), $(nproc) cores"
printf "%-14s %12s %12s\n" task "median (s)" "peak (MB)"
for k in help load load+km load+logrank load+cox; do
  c=${cmds[$k]}
  med=$(hyperfine -N -w 1 -r 7 --export-json "$out/$k.json" "$c" 2>/dev/null >/dev/null;
        python3 -c "import json;print('%.3f'%json.load(open('$out/$k.json'))['results'][0]['median'])")
  peak=$(/usr/bin/time -v bash -c "$c" 2>&1 >/dev/null | awk '/Maximum resident/ {printf "%.0f", $6/1024}')
  printf "%-14s %12s %12s\n" "$k" "$med" "$peak"
done

if command -v Rscript >/dev/null && Rscript -e 'library(data.table)' >/dev/null 2>&1; then
  echo; echo "R $(Rscript -e 'cat(R.version$major, R.version$minor, sep=".")') with data.table + survival:"
  for k in km logrank cox; do
    case $k in
      km) expr="print(survfit(Surv(time, status) ~ group, data = d))";;
      logrank) expr="print(survdiff(Surv(time, status) ~ group, data = d))";;
      cox) expr="print(summary(coxph(Surv(time, status) ~ $covs, data = d)))";;
    esac
    c="Rscript -e 'suppressMessages({library(data.table); library(survival)}); d <- fread(\"$csv\"); $expr'"
    hyperfine -N -w 1 -r 3 --export-json "$out/R-$k.json" "$c" >/dev/null 2>&1
    med=$(python3 -c "import json;print('%.3f'%json.load(open('$out/R-$k.json'))['results'][0]['median'])")
    peak=$(/usr/bin/time -v bash -c "$c" 2>&1 >/dev/null | awk '/Maximum resident/ {printf "%.0f", $6/1024}')
    printf "%-14s %12s %12s\n" "R load+$k" "$med" "$peak"
  done
else
  echo "(R with data.table not installed: apt-get install r-base-core r-cran-survival r-cran-data.table to compare)"
fi
