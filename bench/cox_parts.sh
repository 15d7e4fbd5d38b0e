#!/usr/bin/env bash
# CPU time of the concordance's sort, the time ranks, the concordance and a whole Cox fit
# (bench/cox_parts.swift) for this tree's SurvivalStats and, with BASE=DIR, another checkout's
# (e.g. BASE=/work/main), the two binaries in alternation. swiftc -O -wmo, as bench/poll_cost.sh.
#
#   bench/cox_parts.sh [ROWS] [RUNS] [REPS]      defaults 10^6, 3, 5
#
# Not a test: it prints one line per run and binary (median CPU seconds of REPS repetitions).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
runs=${2:-3}
reps=${3:-5}
mkdir -p bench/out
build() {  # build DIR OUT [flags...]
    local dir=$1 out=$2
    shift 2
    local stats
    stats=$(find "$dir/Sources/SurvivalStats" -name '*.swift' | sort)
    # shellcheck disable=SC2086
    local includes=(-I "$dir/Sources/CPrefetch")
    [ -d "$dir/Sources/CKernels" ] && includes+=(-I "$dir/Sources/CKernels")
    swiftc -O -wmo -parse-as-library "${includes[@]}" -module-name SurvivalStats "$@" $stats bench/cox_parts.swift -o "$out"
}
build . bench/out/cox_parts -DBUCKET_SORT
[ -n "${BASE:-}" ] && build "$BASE" bench/out/cox_parts_base
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((k = 1; k <= runs; k++)); do
    printf 'this '; bench/out/cox_parts "$rows" "$reps"
    [ -n "${BASE:-}" ] && { printf 'base '; bench/out/cox_parts_base "$rows" "$reps"; }
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
