#!/usr/bin/env python3
"""bootstrap — an example survsh plugin: the Kaplan-Meier median with a percentile bootstrap CI.

Contract
  Input:   Surv(time, status) from the body or the declared outcome; an optional group (`~ group`);
           reps= (replicates), seed= (else `set seed=N`, else a random seed that is reported).
  Output:  per group: n, events, the KM median (R's print.survfit rule) and the percentile CI.
  Method:  rows with a missing time, status or group are dropped. Groups in level order (text: the
           level order sent by survsh; numbers: ascending). ONE SplitMix64 stream seeded with seed=N;
           for each group in order, for each replicate in order, n_g indices
           floor(u * n_g / 2^64) (u = the next 64-bit output) pick the rows of that group. A replicate's
           median not reached counts as +Inf. The limits are R's quantile(type = 7) of the replicate
           medians at (1 - level)/2 and (1 + level)/2 (NA when +Inf is involved).
  Median:  survmean's minmin (print.survfit): the first time S <= 0.5 (within sqrt(eps)); when S is
           0.5 there and drops later, the midpoint of that time and the next drop.
  Reference: Efron & Tibshirani (1993) ch. 13 (percentile interval); R survival 3.5 survmean.
"""

import math
import os
import sys
import time as clock

# The SDK file sits next to this one (in survsh's repository a link to plugins/sdk/python/, which
# `plugin install` copies as the file itself), so an installed copy stands on its own.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import survsh_plugin as sp  # noqa: E402
except ImportError:
    sys.exit("survsh_plugin.py not found: put it next to bootstrap.py (it is survsh's plugins/sdk/python/survsh_plugin.py)")

MASK = (1 << 64) - 1
TOLERANCE = 2.0 ** -26   # sqrt(.Machine$double.eps), as survmean


class SplitMix64:
    """Steele, Lea & Flood (2014), the same constants as SurvivalStats.SplitMix64 (pure Python, so
    the stream does not depend on the Python version the way `random` may)."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        """An index in 0..<n: floor(u * n / 2^64)."""
        return (self.next() * n) >> 64


def km_median(times, events):
    """The KM median of (time, event) pairs SORTED by time, as print.survfit; None when not reached."""
    surv, s, i, n = [], 1.0, 0, len(times)
    at = []
    while i < n:
        t, d, j = times[i], 0, i
        while j < n and times[j] == t:
            d += events[j]
            j += 1
        if d:
            s *= (n - i - d) / (n - i)
        at.append(t)
        surv.append(s)
        i = j
    first = next((k for k, y in enumerate(surv) if y < 0.5 + TOLERANCE), None)
    if first is None:
        return None
    if abs(surv[first] - 0.5) < TOLERANCE:
        lower = next((k for k in range(first + 1, len(surv)) if surv[k] < surv[first]), None)
        if lower is not None:
            return (at[first] + at[lower]) / 2
    return at[first]


def quantile7(sorted_values, p):
    """R's quantile(type = 7) of sorted values (+Inf allowed), computed as R does (one-based index
    1 + (n - 1) p, then (1 - h) x[lo] + h x[hi]); None when the answer is not finite."""
    index = 1 + (len(sorted_values) - 1) * p
    lo = math.floor(index)
    h = index - lo
    a = sorted_values[lo - 1]
    b = sorted_values[math.ceil(index) - 1]
    q = (1 - h) * a + h * b if index > lo and a != b else a
    return q if math.isfinite(q) else None


def fmt(x):
    return "NA" if x is None else f"{x:.6g}"


def _label(value):
    """A group value as R names a stratum: 1 not 1.0."""
    return f"{value:g}" if isinstance(value, float) else str(value)


@sp.command("bootstrap")
def bootstrap(req):
    reps = int(req.options.get("reps") or 1000)
    if reps < 10:
        sp.error(f"reps must be at least 10, not {reps}")
    terms = req.formula()["terms"]
    if len(terms) > 1:
        sp.error(f"expected at most one group after '~', not {len(terms)} ({' + '.join(terms)})")
    times, events = req.survival()
    group = req.column(terms[0]) if terms else [None] * len(times)
    seed = req.options.get("seed")
    if seed is None:
        seed = req.settings.get("seed")
    if seed is None:
        seed = int.from_bytes(os.urandom(6), "big")
        req.warn(f"no seed was set: this run used seed={seed} (give seed=N or 'set seed=N' to repeat it)")
    seed = int(seed)
    level = float(req.settings.get("level") or 0.95)

    rows = [(t, e, g) for t, e, g in zip(times, events, group) if t is not None and e is not None
            and (g is not None or not terms)]
    dropped = len(times) - len(rows)
    if dropped:
        req.warn(f"{dropped} rows with a missing time, status or group were dropped")
    if not rows:
        sp.error("no rows with a time and a status")
    if terms:
        order = req.levels.get(terms[0]) or sorted({g for _, _, g in rows})
        present = {g for _, _, g in rows}
        labels = [g for g in order if g in present]
    else:
        labels = [None]

    rng = SplitMix64(seed)
    out, last_progress, done = [], clock.monotonic(), 0
    for label in labels:
        data = sorted((t, 1 if e else 0) for t, e, g in rows if not terms or g == label)
        ts = [t for t, _ in data]
        es = [e for _, e in data]
        n = len(data)
        medians = []
        for _ in range(reps):
            picks = sorted(rng.below(n) for _ in range(n))
            m = km_median([ts[k] for k in picks], [es[k] for k in picks])
            medians.append(float("inf") if m is None else m)
            done += 1
            if clock.monotonic() - last_progress > 1:
                req.progress(f"bootstrap {done}/{reps * len(labels)}")
                last_progress = clock.monotonic()
        medians.sort()
        not_reached = sum(1 for m in medians if m == float("inf"))
        name = "all" if label is None else f"{terms[0]}={_label(label)}"
        out.append({"group": name, "n": n, "events": sum(es), "median": km_median(ts, es),
                    "lower": quantile7(medians, (1 - level) / 2), "upper": quantile7(medians, (1 + level) / 2),
                    "not_reached": not_reached})
        if not_reached:
            req.warn(f"{name}: the median was not reached in {not_reached} of {reps} replicates")

    columns = ["group", "n", "events", "median", "lower", "upper"]
    pct = f"{level * 100:g}%"
    lines = [f"Kaplan-Meier median with a {pct} percentile bootstrap CI ({reps} replicates, seed {seed})",
             f"{'':<14}{'n':>6}{'events':>8}{'median':>10}{'lower':>10}{'upper':>10}"]
    for r in out:
        lines.append(f"{r['group']:<14}{r['n']:>6}{r['events']:>8}{fmt(r['median']):>10}"
                     f"{fmt(r['lower']):>10}{fmt(r['upper']):>10}")
    lines.append("median: first time S(t) <= 0.5, midpoint on a flat stretch at 0.5 (R print.survfit); "
                 "CI: quantile type 7 of the replicate medians")
    return sp.result(text="\n".join(lines),
                     tables=[sp.table(f"Bootstrap median ({pct} CI)", columns, [[r[c] for c in columns] for r in out])],
                     json={"reps": reps, "seed": seed, "level": level, "groups": out})


if __name__ == "__main__":
    sys.exit(sp.run())
