#!/usr/bin/env bash
# Checks survsh's numbers on the 10^7-row benchmark file against R's (bench/reference_1e7.json, written
# by bench/reference_1e7.R on the same file): km medians and their limits by group, the log-rank
# chi-square with observed and expected counts, and the Cox fit (10 covariates, Efron): coefficients,
# standard errors, log-likelihoods, score test, concordance and its se (the Wald test to 0.005: R's
# summary rounds it). Every number must
# agree to 1e-6 relative (1e-12 absolute for numbers near 0); exit 1 otherwise.
#
#   bench/check_1e7.sh [CSV]     (default bench/out/bench_10000000.csv = scripts/gen_bench_csv.py 10000000)
# Environment: SURVSH_BIN (default .build/release/survsh).
set -euo pipefail
cd "$(dirname "$0")/.."
csv=${1:-bench/out/bench_10000000.csv}
bin=${SURVSH_BIN:-.build/release/survsh}
[ -f "$csv" ] || { echo "no $csv: python3 scripts/gen_bench_csv.py 10000000 $csv" >&2; exit 1; }
covs="x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$bin" --format json -e "load $csv; km Surv(time, status) ~ group; logrank Surv(time, status) ~ group; cox Surv(time, status) ~ $covs" >"$out"
python3 - "$out" <<'PY'
import json, sys
ref = json.load(open("bench/reference_1e7.json"))
out = {}
for line in open(sys.argv[1]):
    j = json.loads(line)
    out[j["command"]] = j
checks = []
def check(name, ours, theirs):
    checks.append((name, ours, theirs))
km = {s["label"].split("=", 1)[1]: s for s in out["km"]["strata"]}
for k, g in enumerate(ref["km"]["groups"]):
    for key in ("n", "events", "median", "median_lower", "median_upper"):
        check(f"km {g} {key}", km[g][key], ref["km"][key][k])
lr = out["logrank"]
check("logrank chisq", lr["chisq"], ref["logrank"]["chisq"])
for k, g in enumerate(lr["groups"]):
    check(f"logrank {g['label']} observed", g["observed"], ref["logrank"]["observed"][k])
    check(f"logrank {g['label']} expected", g["expected"], ref["logrank"]["expected"][k])
cox, rc = out["cox"], ref["cox"]
terms = {t["name"]: t for t in cox["terms"]}
for k, name in enumerate(rc["terms"]):
    check(f"cox {name} coef", terms[name]["coef"], rc["coef"][k])
    check(f"cox {name} se", terms[name]["se"], rc["se"][k])
for k in range(2):
    check(f"cox loglik[{k}]", cox["loglik"][k], rc["loglik"][k])
check("cox score test", cox["score_test"]["chisq"], rc["score_test"])
check("cox concordance", cox["concordance"], rc["concordance"])
check("cox concordance se", cox["concordance_se"], rc["concordance_se"])
# summary.coxph rounds its Wald statistic to 2 decimals: compared to 0.005, outside the 1e-6 count.
wald = cox["wald_test"]["chisq"]
if abs(wald - rc["wald_test"]) > 0.005:
    print(f"  cox Wald test: survsh {wald!r}, R (rounded) {rc['wald_test']!r}")
    sys.exit(1)
worst, bad = 0.0, []
for name, a, b in checks:
    if a is None or b is None:
        ok, rel = a is None and b is None, 0.0
    else:
        rel = abs(a - b) / max(abs(b), 1e-300)
        ok = abs(a - b) <= max(1e-6 * abs(b), 1e-12)
    worst = max(worst, rel if b else 0)
    if not ok:
        bad.append(f"  {name}: survsh {a!r}, R {b!r} (relative {rel:.2e})")
print(f"check against R (bench/reference_1e7.json, R {ref['r_version']}, survival {ref['survival_version']}): "
      f"{len(checks)} numbers, largest relative difference {worst:.2e}: " + ("all within 1e-6" if not bad else f"{len(bad)} differ"))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
