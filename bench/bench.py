#!/usr/bin/env python3
"""Paired whole-process benchmarks of survsh and R (data.table::fread + survival); run by bench/run.sh.

  bench/bench.py --survsh BIN --rows 10000,1000000,10000000 [--runs 5] [--r-runs 3] [--no-r]
                 [--tasks help,load,load+km,...] [--table OUT.md]

Tasks: help, load, load+km, load+logrank, load+cox, load+cuminc, load+survreg, and cols+km,
cols+logrank, cols+cox: the same analyses after loading only the columns they use (survsh
`load FILE cols=...`, R `fread(select = ...)`), as a registry user would. `load` is survsh's default,
lazy=auto: a file of 256 MB or more (the 10^7-row file, not the 10^6-row one) is checked and typed at
load and each column parsed when a command first needs it (a cols= load reads its columns at once). eager:load, eager:load+km, ... are the same tasks with
`load FILE lazy=off` (every column parsed at load), survsh alone (R's side would be the same run again).

For each row count and task, run i (i = 1..runs) starts survsh and then, while i <= the R runs,
R on the same task: the pairs run back to back, so a busy machine slows both alike. Each run is
timed by this process (wall clock) and measured by wait4() (user + sys CPU seconds, peak resident
set). Prints medians, the median of the per-pair survsh/R wall-time ratios, and the targets of
issue 15 where there are some; writes the same as a Markdown table (with the machine, its load
average and the versions) to --table. Data: bench/out/bench_ROWS.csv, made by scripts/gen_bench_csv.py
up to 10^7 rows (the file bench/reference_1e7.json was computed on) and by the C generator
scripts/gen_bench_csv above (10^8: 12.5 GB; its own random stream).
"""
import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import time

COVS = " + ".join(f"x{k}" for k in range(1, 11))
# 10^8 rows: survsh only, one run. Its load is lazy (lazy=auto), so km holds 3 columns, not the 15
# (11 GB) an eager load would; the cols+ tasks load only the columns used.
BIG = 100_000_000


# The columns each task uses: survsh's cols=, R's fread(select=).
COLS = {"load+km": "time,status,group", "load+logrank": "time,status,group",
        "load+cox": "time,status,x1-x10", "load": "time,status,group,x1-x10"}
# "cols+km" etc.: the task of "load+km" etc. with only the columns it uses loaded, at any size.
SUBSET = {f"cols+{t}": f"load+{t}" for t in ("km", "logrank", "cox")}


def r_select(cols):
    names = []
    for c in cols.split(","):
        names += [f"x{k}" for k in range(1, 11)] if c == "x1-x10" else [c]
    return "c(" + ", ".join(f'"{n}"' for n in names) + ")"


EAGER = "eager:"


def survsh_line(task, csv, rows):
    if task.startswith(EAGER):
        return survsh_line(task[len(EAGER):], csv, rows).replace(f"load {csv}", f"load {csv} lazy=off", 1)
    subset = task in SUBSET
    task = SUBSET.get(task, task)
    load = f"load {csv}" + (f" cols={COLS[task]}" if subset and task in COLS else "")
    return {
        "help": "help",
        "load": load,
        "load+km": f"{load}; km Surv(time, status) ~ group",
        "load+logrank": f"{load}; logrank Surv(time, status) ~ group",
        "load+cox": f"{load}; cox Surv(time, status) ~ {COVS}",
        "load+cuminc": f"{load}; generate cause = status * (1 + (x1 > 0)); cuminc Surv(time, cause) ~ group",
        "load+survreg": f"{load}; survreg Surv(time, status) ~ {COVS}",
    }[task]


def r_expr(task, csv):
    pre = "suppressMessages({library(data.table); library(survival)}); "
    d = f'd <- fread("{csv}"); '
    if task in SUBSET:
        task = SUBSET[task]
        d = f'd <- fread("{csv}", select = {r_select(COLS[task])}); '
    return pre + {
        "help": "",
        "load": d,
        "load+km": d + "print(survfit(Surv(time, status) ~ group, data = d))",
        "load+logrank": d + "print(survdiff(Surv(time, status) ~ group, data = d))",
        "load+cox": d + f"print(summary(coxph(Surv(time, status) ~ {COVS}, data = d)))",
        "load+cuminc": "suppressMessages(library(cmprsk)); " + d
                       + "d[, cause := status * (1 + (x1 > 0))]; print(cuminc(d$time, d$cause, d$group))",
        "load+survreg": d + f"print(summary(survreg(Surv(time, status) ~ {COVS}, data = d)))",
    }[task]


# issue 15's targets: seconds, and MB where there is one (10^6: the earlier issue's).
TARGETS = {
    1_000_000: {"help": (0.020, None), "load": (0.3, 300), "load+km": (0.5, None), "load+logrank": (0.5, None),
                "load+cox": (1.0, 300), "load+cuminc": (0.5, None), "load+survreg": (2.5, None)},
    10_000_000: {"load": (1.0, None), "load+km": (1.4, None), "load+logrank": (1.5, None), "load+cox": (4.0, 1600),
                 "cols+km": (1.4, None), "cols+logrank": (1.5, None), "cols+cox": (4.0, 1600)},
    BIG: {"load+cox": (None, 16000), "cols+cox": (None, 16000)},
}


def measure(argv, log):
    """(wall s, user+sys s, peak MB) of one run, or None when it failed."""
    with open(log, "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    if status != 0:
        return None
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


def med(xs):
    return statistics.median(xs) if xs else None


def fmt_s(x):
    return "-" if x is None else (f"{x:.3f}" if x < 10 else f"{x:.1f}")


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0) / 1024 / 1024
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB, {platform.system()} {platform.release()}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--survsh", required=True)
    ap.add_argument("--rows", default="10000,1000000,10000000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--r-runs", type=int, default=3, help="R runs per task (1 at 10^7 and above)")
    ap.add_argument("--no-r", action="store_true")
    ap.add_argument("--tasks", default="help,load,load+km,load+logrank,load+cox")
    ap.add_argument("--table", default="bench/out/table.md")
    ap.add_argument("--out", default="bench/out")
    a = ap.parse_args()
    tasks = a.tasks.split(",")
    rows_list = [int(r) for r in a.rows.split(",")]
    load_before = open("/proc/loadavg").read().split()[:3]
    md = []
    cpu_of = {}
    print(f"{'rows':>11} {'task':<13} {'survsh s':>9} {'cpu s':>7} {'MB':>6} {'target':<16} {'R s':>7} {'R cpu':>7} {'R MB':>6} {'survsh/R':>8} {'CPU s/R':>8}")
    for rows in rows_list:
        csv = os.path.join(a.out, f"bench_{rows}.csv")
        if not os.path.exists(csv):
            gen = ["python3", "scripts/gen_bench_csv.py"] if rows <= 10_000_000 else ["scripts/gen_bench_csv"]
            subprocess.run(gen + [str(rows), csv], check=True)
        r_runs = 0 if a.no_r or rows >= BIG else (1 if rows >= 10_000_000 else a.r_runs)
        for task in tasks:
            if task == "help" and rows != rows_list[0]:
                continue
            if task.startswith(EAGER) and rows >= BIG:
                continue  # every column of 10^8 rows: 11 GB before any analysis
            s_runs, r_res = [], []
            for i in range(a.runs if rows < BIG else 1):
                s_runs.append(measure([a.survsh, "-e", survsh_line(task, csv, rows)], f"{a.out}/{task}-{rows}.err"))
                if i < r_runs and not task.startswith(EAGER):
                    r_res.append(measure(["Rscript", "-e", r_expr(task, csv)], f"{a.out}/R-{task}-{rows}.err"))
            ok = [x for x in s_runs if x]
            rok = [x for x in r_res if x]
            sw, sc, sm = (med([x[k] for x in ok]) for k in range(3))
            rw, rc, rm = (med([x[k] for x in rok]) for k in range(3))
            cpu_of[(rows, task)] = (sw, sc)
            ratio = med([s[0] / r[0] for s, r in zip(s_runs, r_res) if s and r])
            cpu_ratio = med([s[1] / r[1] for s, r in zip(s_runs, r_res) if s and r and r[1] > 0])
            t_s, t_mb = TARGETS.get(rows, {}).get(task, (None, None))
            target = ", ".join(x for x in [f"<= {t_s} s" if t_s else "", f"<= {t_mb} MB" if t_mb else ""] if x)
            if target and ok:
                over = (t_s and sw > t_s) or (t_mb and sm > t_mb)
                target += " OVER" if over else " ok"
            failed = "FAIL" if len(ok) < len(s_runs) else ""
            print(f"{rows:>11} {task:<13} {fmt_s(sw) + failed:>9} {fmt_s(sc):>7} {sm or 0:>6.0f} {target:<16} "
                  f"{fmt_s(rw):>7} {fmt_s(rc):>7} {rm or 0:>6.0f} {'-' if ratio is None else f'{ratio:.3f}':>8} {'-' if cpu_ratio is None else f'{cpu_ratio:.3f}':>8}", flush=True)
            md.append(f"| {rows:.0e}".replace("e+0", "e") + f" | {task} | {fmt_s(sw)}{failed} | {fmt_s(sc)} | {sm or 0:.0f} MB | "
                      f"{target or '-'} | {fmt_s(rw)} | {fmt_s(rc)} | {'-' if rm is None else f'{rm:.0f} MB'} | "
                      f"{'-' if ratio is None else f'{ratio:.3f}'} | {'-' if cpu_ratio is None else f'{cpu_ratio:.3f}'} |")
    load_after = open("/proc/loadavg").read().split()[:3]
    growth = []
    for task in tasks:
        lo, hi = cpu_of.get((1_000_000, task)), cpu_of.get((10_000_000, task))
        if lo and hi and lo[0] and hi[0]:
            growth.append(f"{task} n^{math.log10(hi[0] / lo[0]):.2f} (CPU n^{math.log10(hi[1] / lo[1]):.2f})")
    head = [f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}; load average "
            f"{' '.join(load_before)} before, {' '.join(load_after)} after (a busy machine inflates wall times; CPU is user + sys).",
            f"survsh: {a.survsh}, median of {a.runs} runs (10^8: one run); R: data.table::fread + survival, "
            f"R runs per task: {a.r_runs} (10^7: one), each paired with a survsh run; survsh/R: medians of the per-pair ratios.",
            "Growth from 10^6 to 10^7 rows (time = c n^k): " + (", ".join(growth) or "-") + ".",
            "", "| rows | task | survsh s | CPU s | peak | target | R s | R CPU s | R peak | survsh/R wall | survsh/R CPU |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    with open(a.table, "w") as f:
        f.write("\n".join(head + md) + "\n")
    print("\n" + "\n".join(head[:3]) + f"\nMarkdown table: {a.table}")


if __name__ == "__main__":
    sys.exit(main())
