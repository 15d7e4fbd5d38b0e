#!/usr/bin/env bash
# Benchmarks for the performance targets: whole-process wall time (median of hyperfine runs) and
# peak resident memory of release-build survsh on a generated ROWS x 15-column CSV, with R
# (data.table::fread + survival) doing the same tasks beside it when Rscript and data.table are
# installed. Not a test: it prints a table (and exits 0 whether or not targets are met).
#
#   bench/run.sh [ROWS]                      (default 1000000; generated files are cached in bench/out/)
#
# Environment:
#   SURVSH_BIN=PATH   the survsh binary to time (default .build/release/survsh, built first with
#                     `swift build -c release` when SURVSH_BIN is not set)
#   BENCH_CSV=PATH    use this CSV instead of generating bench/out/bench_ROWS.csv
#                     (it must have the columns of scripts/gen_bench_csv.py)
#   RUNS=N            hyperfine runs per survsh task (default 7; R tasks use R_RUNS, default 3)
#   NO_R=1            skip R
#   TASKS="load load+km"  only these tasks (help load load+km load+logrank load+cox load+cuminc load+survreg)
# Needs hyperfine and GNU time (apt-get install hyperfine time).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
runs=${RUNS:-7}
r_runs=${R_RUNS:-3}
out=bench/out
mkdir -p "$out"
csv=${BENCH_CSV:-$out/bench_$rows.csv}
[ -f "$csv" ] || python3 scripts/gen_bench_csv.py "$rows" "$csv"
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "install GNU time (apt-get install time)" >&2; exit 1; }
if [ -z "${SURVSH_BIN:-}" ]; then
  swift build -c release >/dev/null
  SURVSH_BIN=.build/release/survsh
fi
[ -x "$SURVSH_BIN" ] || { echo "no survsh binary at $SURVSH_BIN" >&2; exit 1; }
S=$(printf '%q' "$SURVSH_BIN")
F=$(printf '%q' "$csv")
covs="x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10"

read -r -a tasks <<<"${TASKS:-help load load+km load+logrank load+cox load+cuminc load+survreg}"
declare -A survsh=(
  [help]="$S -e help"
  [load]="$S -e 'load $F'"
  [load+km]="$S -e 'load $F; km Surv(time, status) ~ group'"
  [load+logrank]="$S -e 'load $F; logrank Surv(time, status) ~ group'"
  [load+cox]="$S -e 'load $F; cox Surv(time, status) ~ $covs'"
  [load+cuminc]="$S -e 'load $F; generate cause = status * (1 + (x1 > 0)); cuminc Surv(time, cause) ~ group'"
  [load+survreg]="$S -e 'load $F; survreg Surv(time, status) ~ $covs'"
)
# Targets are for the 10^6-row file: seconds, and peak MB where there is one.
declare -A target_s=([help]=0.020 [load]=0.3 [load+km]=0.5 [load+logrank]=0.5 [load+cox]=1.0 [load+cuminc]=0.5 [load+survreg]=2.5)
declare -A target_mb=([load]=300 [load+cox]=300)
# R: the same work with fread + survival (help: starting R with both packages loaded).
rpre="suppressMessages({library(data.table); library(survival)})"
declare -A rexpr=(
  [help]=""
  [load]="d <- fread(\"$csv\")"
  [load+km]="d <- fread(\"$csv\"); print(survfit(Surv(time, status) ~ group, data = d))"
  [load+logrank]="d <- fread(\"$csv\"); print(survdiff(Surv(time, status) ~ group, data = d))"
  [load+cox]="d <- fread(\"$csv\"); print(summary(coxph(Surv(time, status) ~ $covs, data = d)))"
  [load+cuminc]="suppressMessages(library(cmprsk)); d <- fread(\"$csv\"); d[, cause := status * (1 + (x1 > 0))]; print(cuminc(d\$time, d\$cause, d\$group))"
  [load+survreg]="d <- fread(\"$csv\"); print(summary(survreg(Surv(time, status) ~ $covs, data = d)))"
)
have_r=0
if [ -z "${NO_R:-}" ] && command -v Rscript >/dev/null && Rscript -e "$rpre" >/dev/null 2>&1; then have_r=1; fi

# median: seconds (3 decimals) from hyperfine, or FAIL
median() {  # NAME RUNS CMD
  local json="$out/$1.json"
  if hyperfine -N -w 1 -r "$2" --export-json "$json" "$3" >/dev/null 2>&1; then
    python3 -c "import json,sys;print('%.3f'%json.load(open(sys.argv[1]))['results'][0]['median'])" "$json"
  else
    echo FAIL
  fi
}
# peak: maximum resident set of one run, in MB
peak() {  # CMD
  /usr/bin/time -f '%M' bash -c "exec $1" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1/1024}'
}

echo "survsh: $SURVSH_BIN"
echo "data:   $csv ($(du -h "$csv" | cut -f1), $(($(wc -l <"$csv") - 1)) rows); $(nproc) cores"
[ "$have_r" = 1 ] && echo "R:      $(Rscript -e 'cat(R.version$major, R.version$minor, sep=".")') with data.table $(Rscript -e 'cat(format(packageVersion("data.table")))') and survival $(Rscript -e 'cat(format(packageVersion("survival")))')"
[ "$rows" = 1000000 ] || echo "(targets are for 10^6 rows; shown for reference)"
echo
fmt="%-14s %10s %10s %-16s %6s %10s %10s\n"
printf "$fmt" task "survsh s" "survsh MB" "target" "" "R s" "R MB"
printf "$fmt" -------------- ---------- ---------- ---------------- ------ ---------- ----------
for k in "${tasks[@]}"; do
  [ -n "${survsh[$k]:-}" ] || { echo "unknown task '$k' (tasks: help load load+km load+logrank load+cox load+cuminc load+survreg)" >&2; exit 1; }
  c=${survsh[$k]}
  med=$(median "$k" "$runs" "$c")
  mb=$(peak "$c")
  tgt="<= ${target_s[$k]} s"
  verdict=ok
  if [ "$med" = FAIL ]; then verdict=FAIL
  else
    awk -v m="$med" -v t="${target_s[$k]}" 'BEGIN{exit !(m > t)}' && verdict=OVER
  fi
  if [ -n "${target_mb[$k]:-}" ]; then
    tgt="$tgt, ${target_mb[$k]} MB"
    [ "$mb" -gt "${target_mb[$k]}" ] && verdict=OVER
  fi
  [ "$rows" = 1000000 ] || verdict=""
  rmed=-; rmb=-
  if [ "$have_r" = 1 ]; then
    rc="Rscript -e $(printf '%q' "$rpre; ${rexpr[$k]}")"
    rmed=$(median "R-$k" "$r_runs" "$rc")
    rmb=$(peak "$rc")
  fi
  printf "$fmt" "$k" "$med" "$mb" "$tgt" "$verdict" "$rmed" "$rmb"
done
echo
echo "s: median wall time of the whole process (hyperfine -N, 1 warm-up, $runs runs; R $r_runs runs); MB: peak resident set (GNU time)."
echo "cox: 10 covariates, Efron ties, concordance included. R help row: Rscript loading data.table and survival."
echo "survreg: the same 10 covariates as cox, Weibull (R's default), summary printed."
echo "cuminc: cause = status * (1 + (x1 > 0)) (0 censored, causes 1 and 2), 3 groups, Gray's test; R: cmprsk::cuminc, printed."
[ "$have_r" = 1 ] || echo "(R with data.table not found: apt-get install r-base-core r-cran-survival r-cran-data.table to compare)"
