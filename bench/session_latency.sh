#!/usr/bin/env bash
# In-session latency (issue 15, item 3): one survsh session loads a generated ROWS x 15 CSV, then runs
# REPS rounds of km ~ group, logrank ~ group and cox with 10 covariates, with `set timing=on`; the
# `timing:` lines on stderr give each command's elapsed time and peak memory growth. Round 1 is the
# first call after the load (nothing cached), rounds 2.. the same commands again (data unchanged, so
# the session's cache of complete cases, group codes and time order is used), and a last round runs
# after `filter x1 > -4` (drops the few rows with x1 <= -4, about 32 in 10^6: the active rows change, so
# the session's cache is rebuilt; a filter that keeps every row would keep it).
# R does the same in one Rscript session after fread (system.time of each call, printed results).
# RUNS sessions of each; medians are printed. Not a test: it prints a table and exits 0.
#
#   bench/session_latency.sh [ROWS]       (default 1000000; the CSV is cached in bench/out/)
#
# Environment: SURVSH_BIN=PATH (default: build and use .build/release/survsh), BENCH_CSV=PATH,
# RUNS=N sessions (default 5), REPS=N rounds per session (default 4), THREADS=N (adds set threads=N),
# NO_R=1 (skip R).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
runs=${RUNS:-5}
reps=${REPS:-4}
mkdir -p bench/out
csv=${BENCH_CSV:-bench/out/bench_$rows.csv}
[ -f "$csv" ] || python3 scripts/gen_bench_csv.py "$rows" "$csv"
if [ -z "${SURVSH_BIN:-}" ]; then
  swift build -c release >/dev/null
  SURVSH_BIN=.build/release/survsh
fi
covs="x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

{
  echo "set timing=on"
  [ -n "${THREADS:-}" ] && echo "set threads=$THREADS"
  echo "load $csv"
  for _ in $(seq "$reps"); do
    echo "km Surv(time, status) ~ group"
    echo "logrank Surv(time, status) ~ group"
    echo "cox Surv(time, status) ~ $covs"
  done
  echo "filter x1 > -4"
  echo "km Surv(time, status) ~ group"
  echo "logrank Surv(time, status) ~ group"
  echo "cox Surv(time, status) ~ $covs"
} >"$work/session.surv"

for r in $(seq "$runs"); do
  "$SURVSH_BIN" <"$work/session.surv" >/dev/null 2>"$work/survsh-$r.err"
done

have_r=0
if [ -z "${NO_R:-}" ] && command -v Rscript >/dev/null \
   && Rscript -e 'suppressMessages({library(data.table); library(survival)})' >/dev/null 2>&1; then
  have_r=1
  cat >"$work/session.R" <<EOF
suppressMessages({library(data.table); library(survival)})
t <- function(name, expr) {
  s <- system.time(capture.output(expr))[["elapsed"]]
  cat(sprintf("timing: %s %.1f ms\n", name, 1000 * s), file = stderr())
}
t("load", d <- fread("$csv"))
for (i in seq_len($reps)) {
  t("km", print(survfit(Surv(time, status) ~ group, data = d)))
  t("logrank", print(survdiff(Surv(time, status) ~ group, data = d)))
  t("cox", print(summary(coxph(Surv(time, status) ~ $covs, data = d))))
}
d <- d[x1 > -4]
t("km", print(survfit(Surv(time, status) ~ group, data = d)))
t("logrank", print(survdiff(Surv(time, status) ~ group, data = d)))
t("cox", print(summary(coxph(Surv(time, status) ~ $covs, data = d))))
EOF
  for r in $(seq "${R_RUNS:-3}"); do
    Rscript "$work/session.R" >/dev/null 2>"$work/r-$r.err"
  done
fi

python3 - "$work" "$reps" "$have_r" <<'PY'
import glob, re, statistics, sys
work, reps, have_r = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
line = re.compile(r"^timing: (\S+) ([\d.]+) (ms|s)(?:, ([\d.]+) (ms|s) CPU)?(?:, \+([\d.]+) MB peak)?$")

def phases(path):
    """{(command, phase): [ms]} for one session: phase first, repeat or after-filter."""
    seen, out = {}, {}
    for l in open(path):
        m = line.match(l.strip())
        if not m or m.group(1) in ("set", "filter"):
            continue
        cmd, ms = m.group(1), float(m.group(2)) * (1 if m.group(3) == "ms" else 1000)
        cpu = float(m.group(4)) * (1 if m.group(5) == "ms" else 1000) if m.group(4) else None
        mb = float(m.group(6)) if m.group(6) else None
        k = seen.get(cmd, 0)
        seen[cmd] = k + 1
        phase = "load" if cmd == "load" else ("first" if k == 0 else ("after filter" if k == reps else "repeat"))
        out.setdefault((cmd, phase), []).append((ms, mb, cpu))
    return out

def merge(files):
    acc = {}
    for f in files:
        for key, v in phases(f).items():
            acc.setdefault(key, []).extend(v)
    return acc

s = merge(sorted(glob.glob(f"{work}/survsh-*.err")))
r = merge(sorted(glob.glob(f"{work}/r-*.err"))) if have_r else {}
med = lambda xs: statistics.median(xs) if xs else None
fmt = "{:<9} {:<13} {:>10} {:>8} {:>9} {:>10} {:>7}"
print(fmt.format("command", "call", "survsh ms", "CPU ms", "peak MB", "R ms", "R/survsh"))
for cmd in ("load", "km", "logrank", "cox"):
    for phase in ("load", "first", "repeat", "after filter"):
        if (cmd, phase) not in s:
            continue
        ms = med([x for x, _, _ in s[(cmd, phase)]])
        cpu = med([c for _, _, c in s[(cmd, phase)] if c is not None])
        mb = med([y for _, y, _ in s[(cmd, phase)] if y is not None])
        rms = med([x for x, _, _ in r.get((cmd, phase), [])])
        print(fmt.format(cmd, phase if cmd != "load" else "", f"{ms:.1f}", f"{cpu:.1f}" if cpu is not None else "-",
                         f"{mb:.1f}" if mb is not None else "-",
                         f"{rms:.1f}" if rms is not None else "-", f"{rms / ms:.1f}x" if rms else "-"))
PY
echo
echo "survsh: $SURVSH_BIN; data: $csv ($rows rows); $(nproc) cores; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians over $runs sessions (R: ${R_RUNS:-3}); repeat = rounds 2..$reps of the same command; after filter = after 'filter x1 > -4' (a few rows dropped: caches rebuilt)."
echo "survsh ms/CPU ms/peak MB from set timing=on (CPU: user + system of every thread; peak: VmHWM after minus VmRSS before, high-water mark reset per command)."
echo "R: system.time() of the call with its printed result (print(survfit), print(survdiff), print(summary(coxph))) after fread."
