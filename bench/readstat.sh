#!/usr/bin/env bash
# Load time and peak memory of Stata .dta and SPSS .sav files: release-build survsh's `load` beside
# R's haven::read_dta / read_sav, on the 10^6-row benchmark data (scripts/gen_bench_csv.py) saved as
# .dta and .sav by survsh itself (`save`), with the CSV load for reference; and the same CSV
# gzip-compressed (gzip -6) beside data.table::fread on the .gz (which inflates it with R.utils). Not a test: it prints a
# table. Each cell is the median of RUNS runs of the whole process, measured with GNU time: wall
# seconds, CPU seconds (user + sys: the comparable number on a shared, loaded machine) and peak
# resident memory; the load average at the start is printed with it.
#
#   bench/readstat.sh [ROWS]        (default 1000000; files cached in bench/out/)
#
# Environment: SURVSH_BIN=PATH (default .build/release/survsh, built first when unset), RUNS=N
# (default 3), NO_R=1 to skip R, FORMATS="csv csv.gz" to measure only some of csv csv.gz dta sav. Needs GNU time (apt-get install time); R with haven for R's column.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
runs=${RUNS:-3}
out=bench/out
mkdir -p "$out"
csv=$out/bench_$rows.csv
[ -f "$csv" ] || python3 scripts/gen_bench_csv.py "$rows" "$csv"
[ -x /usr/bin/time ] || { echo "install GNU time (apt-get install time)" >&2; exit 1; }
if [ -z "${SURVSH_BIN:-}" ]; then
  swift build -c release >/dev/null
  SURVSH_BIN=.build/release/survsh
fi
for ext in dta sav; do
  [ -f "$out/bench_$rows.$ext" ] || "$SURVSH_BIN" -e "load $csv; save $out/bench_$rows.$ext" >/dev/null
done
[ -f "$csv.gz" ] || gzip -6 -c "$csv" >"$csv.gz"
have_r=0
if [ -z "${NO_R:-}" ] && command -v Rscript >/dev/null && Rscript -e 'suppressMessages(library(haven))' >/dev/null 2>&1; then have_r=1; fi

# measure CMD: "wall cpu MB", each the median of $runs runs
measure() {
  local f=$out/readstat_times.txt
  : >"$f"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -a -o "$f" bash -c "exec $1" >/dev/null 2>&1
  done
  python3 - "$f" <<'EOF'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip() and l[0].isdigit()]
med = lambda xs: statistics.median(xs)
print("%.2f %.2f %.0f" % (med([r[0] for r in rows]), med([r[1] + r[2] for r in rows]), med([r[3] for r in rows]) / 1024))
EOF
}

S=$(printf '%q' "$SURVSH_BIN")
echo "survsh: $SURVSH_BIN; data: $rows rows x 15 columns; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$have_r" = 1 ] && echo "R: $(Rscript -e 'cat(R.version.string, "haven", format(packageVersion("haven")))')"
fmt="%-6s %8s %10s %8s   %8s %10s %8s  %s\n"
printf "$fmt" file "wall s" "CPU s" "MB" "R wall" "R CPU" "R MB" "(size)"
for ext in ${FORMATS:-csv csv.gz dta sav}; do
  f=$out/bench_$rows.$ext
  read -r w c m <<<"$(measure "$S -e $(printf '%q' "load $f")")"
  rw=-; rc=-; rm=-
  if [ "$have_r" = 1 ]; then
    case $ext in
      csv|csv.gz) rexpr="suppressMessages(library(data.table)); d <- fread('$f')" ;;
      dta) rexpr="suppressMessages(library(haven)); d <- read_dta('$f')" ;;
      sav) rexpr="suppressMessages(library(haven)); d <- read_sav('$f')" ;;
    esac
    read -r rw rc rm <<<"$(measure "Rscript -e $(printf '%q' "$rexpr")")"
  fi
  printf "$fmt" "$ext" "$w" "$c" "$m" "$rw" "$rc" "$rm" "($(du -h "$f" | cut -f1))"
done
echo "Whole process (start, load, exit), median of $runs runs; CPU = user + sys; MB = peak resident set. R: csv with data.table::fread."
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
