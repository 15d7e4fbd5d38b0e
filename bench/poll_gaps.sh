#!/usr/bin/env bash
# The longest stretch of CPU time between two polls for Ctrl-C, per long command at ROWS rows
# (issue 14, item 4): a measurement that does not depend on how busy the machine is. survsh is built
# in release with -DSURVSH_POLL_TRACE (Sources/SurvivalStats/Support/PollTrace.swift): every poll reads
# its thread's CPU clock, and after each command survsh prints on stderr the CPU time of the
# command, the number of polls and the largest gap on any thread (worker threads included) with
# the place of the poll that ended it. This script runs each case in a fresh survsh (set-up lines
# first), resolves the places with llvm-symbolizer and prints one line per command:
#   command | CPU s | polls | largest gap s | where the gap ended | peak MB of the process
# On an idle machine a Ctrl-C is seen within the largest gap (plus scheduling); "within 0.2 s"
# holds for every command whose gap is well under 0.2 s of CPU.
#
#   bench/poll_gaps.sh [ROWS]     (default 10000000; data made in bench/out/ once)
#
# Environment: SURVSH_BIN=PATH (a trace build; default: build .build/trace/release/survsh),
# CSV=PATH (a ROWS-row file of scripts/gen_bench_csv.py, read in place), CASES=name,name (only
# those cases, by name: see the list below; a case named NAME-json runs with --format json), RAW=1
# (also print survsh's poll-trace lines).
# Not a test: it prints a table and exits 0. Needs about 2.5 GB for the largest cases at 10^7.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
mkdir -p bench/out
out=$(realpath bench/out)
csv=$(realpath -m "${CSV:-bench/out/bench_$rows.csv}")
[ -f "$csv" ] || python3 scripts/gen_bench_csv.py "$rows" "$csv"
if [ -z "${SURVSH_BIN:-}" ]; then
  swift build -c release -Xswiftc -DSURVSH_POLL_TRACE --scratch-path .build/trace >/dev/null
  SURVSH_BIN=.build/trace/release/survsh
fi
bin=$(realpath "$SURVSH_BIN")
# Derived files, made once per ROWS: the data gzipped; the id as a text column of ROWS levels
# (`sid`, with time and status); a long table for tvc (one dated value per id, rows in a scrambled
# id order); the data as .dta and .sav (ReadStat) and its first 10^6 rows as .xlsx (Excel's row limit).
gz=$out/poll_gaps_$rows.csv.gz
[ -f "$gz" ] || gzip -1 -c "$csv" > "$gz"
text=$out/poll_gaps_text_$rows.csv
[ -f "$text" ] || awk -F, 'NR == 1 { print "sid,time,status,x1"; next } { printf "p%09d,%s,%s,%s\n", ($1 * 7919) % '"$rows"', $2, $3, $6 }' "$csv" > "$text"
long=$out/poll_gaps_long_$rows.csv
[ -f "$long" ] || awk 'BEGIN { n = '"$rows"'; print "id,day,z"; for (i = 0; i < n; i++) printf "%d,%d,%d\n", (i * 7919) % n + 1, (i * 31) % 700, i % 3 }' > "$long"
dta=$out/poll_gaps_$rows.dta
sav=$out/poll_gaps_$rows.sav
xlsx=$out/poll_gaps_1e6.xlsx
export SURVSH_TRANSCRIPT_DIR=/proc/survsh-poll-gaps-no-transcript SURVSH_HISTORY=/tmp/survsh-poll-gaps-history
[ -f "$dta" ] || "$bin" -e "load $csv; save $dta" > /dev/null 2>&1
[ -f "$sav" ] || "$bin" -e "load $csv; save $sav" > /dev/null 2>&1
[ -f "$xlsx" ] || "$bin" -e "load $csv cols=id,time,status,group,x1,x2; filter id <= 1000000; save $xlsx" > /dev/null 2>&1

covs="x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10"
small="load $csv cols=id,time,status,group,stratum,x1"
cause="generate cause = status * (1 + (x1 > 0))"
# name | set-up and measured lines, separated by ';' (every line's gap is reported)
# One long session holds most commands (one load of the file for all, as a user would run them);
# the commands that replace the data or read other files get their own session. The saves write every
# column (15), the widest rows between two polls.
session="load $csv; describe; head 2000000; km Surv(time, status); km Surv(time, status) ~ group"
session+="; logrank Surv(time, status) ~ group; logrank Surv(time, status) ~ stratum pairwise"
session+="; cox Surv(time, status) ~ $covs; cox phtest; cox Surv(time, status) ~ $covs + strata(stratum)"
session+="; survreg Surv(time, status) ~ x1 + x2 + x3; $cause; crr Surv(time, cause) ~ x2 + x3 cause=1"
session+="; cuminc Surv(time, cause) ~ group; ttest x1 x3; ttest x1 ~ group; wilcoxon x1 x3; wilcoxon x1 ~ group"
session+="; summarize; tabulate group stratum; table1 ~ group x1 x2 x3 stratum status"
session+="; generate y = log(abs(x1) + 1) * x2 + exp(x3 / 10); replace y = sqrt(abs(x4)); filter x1 > 0; unfilter"
session+="; plot km Surv(time, status) ~ group ci risktable file=$out/poll_gaps_km.png"
cases=(
  "session|$session"
  "tvc|$small; survival time status; tvc $long id=id time=day vars=z"
  "text|load $text; describe; levels sid sorted; tabulate status; summarize sid"
  "text-json|load $text; describe; levels sid sorted; tabulate status; summarize sid"
  "split|$small; split Surv(time, status) at=100,365,730"
  "landmark|$small; survival time status; landmark 100"
  "load-gz|load $gz"
  "load-dta|load $dta"
  "load-sav|load $sav"
  "load-xlsx|load $xlsx"
  "save|load $csv; save $out/poll_gaps_save.csv; save $out/poll_gaps_save.dta; save $out/poll_gaps_save.sav"
  "save-xlsx|load $csv; filter id <= 1000000; save $out/poll_gaps_save.xlsx"
)
raw=$(mktemp)
trap 'rm -f "$raw" "$raw.peak" "$raw.err" "$out"/poll_gaps_save.* "$out"/poll_gaps_km.png' EXIT
echo "survsh: $bin; $rows rows; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for c in "${cases[@]}"; do
  name=${c%%|*}
  if [ -n "${CASES:-}" ] && [[ ",$CASES," != *",$name,"* ]]; then continue; fi
  format=text; [[ $name == *-json ]] && format=json   # a NAME-json case runs under --format json
  /usr/bin/time -f '%M' -o "$raw.peak" "$bin" --format "$format" -e "${c#*|}" > /dev/null 2> "$raw.err" || true
  grep '^poll-trace:\|^error' "$raw.err" >> "$raw" || true
  peak=$(tail -1 "$raw.peak")
  echo "poll-gaps-case: $name ${peak:-0}" >> "$raw"
  echo "  $name done (peak $(( ${peak:-0} / 1024 )) MB)" >&2
done
[ -n "${RAW:-}" ] && cat "$raw"
python3 - "$raw" <<'PY'
import re, subprocess, sys
lines = open(sys.argv[1]).read().splitlines()
# Resolve every frame once: llvm-symbolizer prints, per address, the inlined frames innermost first.
frames = sorted({f for l in lines if " at=" in l for f in l.split(" at=", 1)[1].split(",") if "+0x" in f})
where = {}
skip = ("PollTrace.swift", "Interrupt.swift", "Cancellation.swift", "<compiler-generated>", "<invalid>", "??")
for f in frames:
    obj, off = f.rsplit("+", 1)
    r = subprocess.run(["llvm-symbolizer", "--obj=" + obj, "--inlining", "--demangle", off], capture_output=True, text=True).stdout
    places = [p for p in r.strip().split("\n")[1::2]]
    where[f] = [p for p in places if not any(s in p for s in skip)]
def place(rest):
    if rest.startswith("tag="):
        return rest[4:]
    for f in rest[3:].split(","):
        for p in where.get(f, []):
            p = re.sub(r"^.*/(Sources|plugins)/", r"\1/", p)
            return re.sub(r":\d+$", "", p)  # drop the column
    return "?"
rows, pending = [], []
for l in lines:
    if l.startswith("poll-trace: "):
        m = re.match(r"poll-trace: (.*) cpu=(\S+) polls=(\d+) gap=(\S+) (.*)$", l)
        pending.append((m.group(1), float(m.group(2)), int(m.group(3)), float(m.group(4)), place(m.group(5))))
    elif l.startswith("error"):
        pending.append((l[:70], 0.0, 0, 0.0, "(the command failed)"))
    elif l.startswith("poll-gaps-case: "):
        _, name, peak = l.split()
        for p in pending:
            rows.append((name, p, int(peak) // 1024))
        pending = []
print(f"{'case':11} {'command':58} {'CPU s':>7} {'polls':>7} {'gap s':>7}  {'peak MB':>7}  where the largest gap ended")
for name, (cmd, cpu, polls, gap, where_), peak in rows:
    flag = " <-- over 0.1 s" if gap > 0.1 else ""
    cmd = cmd if len(cmd) <= 58 else cmd[:55] + "..."
    print(f"{name:11} {cmd:58} {cpu:7.2f} {polls:7d} {gap:7.3f}  {peak:7d}  {where_}{flag}")
PY
