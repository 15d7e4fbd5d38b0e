#!/usr/bin/env python3
"""Deterministic benchmark CSV for survsh's `load` (CSVReader).

Usage: python3 scripts/gen_bench_csv.py ROWS OUTPUT.csv [--seed N]

Writes ROWS data rows and a header of 15 columns (about 105 bytes a row):
  id       integer 1..ROWS
  time     real, 1 decimal, with many ties: round(expovariate(1/365), 1), at least 0.1
  status   0/1 integer (about 60% ones)
  group    text A/B/C
  stratum  text s1..s5
  x1..x10  real covariates: odd columns like 0.123456 (6 decimals, some negative),
           even columns in exponent form like -1.2345e-01 (Python's '%.4e')
No quotes, LF line ends, no missing values. Same seed -> byte-identical file.
"""
import random
import sys


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    rows = int(args[0])
    out = args[1]
    seed = 20240601
    if "--seed" in sys.argv:
        seed = int(sys.argv[sys.argv.index("--seed") + 1])
    rng = random.Random(seed)
    header = "id,time,status,group,stratum," + ",".join(f"x{k}" for k in range(1, 11))
    groups = ("A", "B", "C")
    strata = ("s1", "s2", "s3", "s4", "s5")
    with open(out, "w", newline="\n", buffering=1 << 20) as f:
        f.write(header + "\n")
        buf = []
        for i in range(1, rows + 1):
            t = max(0.1, round(rng.expovariate(1 / 365.0), 1))
            status = 1 if rng.random() < 0.6 else 0
            fields = [str(i), f"{t:.1f}", str(status), groups[rng.randrange(3)], strata[rng.randrange(5)]]
            for k in range(10):
                v = rng.gauss(0.0, 1.0)
                fields.append(f"{v:.6f}" if k % 2 == 0 else f"{v:.4e}")
            buf.append(",".join(fields))
            if len(buf) == 10000:
                f.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            f.write("\n".join(buf) + "\n")


if __name__ == "__main__":
    main()
