#!/usr/bin/env bash
# Builds fuzz/.build/survsh-fuzz: SurvivalStats and SurvshCore (FileHash swapped for a stub, see
# support/FileHash.swift) instrumented with libFuzzer coverage and AddressSanitizer, and the entry
# point FuzzMain.swift. Kept out of `swift build`: it needs the toolchain's libFuzzer runtime and
# takes a few minutes. Usage: fuzz/build.sh   (scripts/fuzz calls it)
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/.build
mkdir -p "$out"
base=(-sanitize=fuzzer,address -parse-as-library -O -g -module-cache-path "$out/cache")
flags=("${base[@]}" -swift-version 6)
stats=$(find Sources/SurvivalStats -name '*.swift' | sort)
core=$(find Sources/SurvshCore -name '*.swift' ! -name FileHash.swift | sort)
# ZIPFoundation (SurvshCore's one Swift package dependency, for the xlsx reader): compiled here from the
# checkout `swift build` made (scripts/test builds first), in its own Swift 5 language mode.
zipsrc=.build/checkouts/ZIPFoundation/Sources
[[ -d $zipsrc/ZIPFoundation ]] || { echo "fuzz/build.sh: no $zipsrc: run swift build first" >&2; exit 1; }
zipf=$(find "$zipsrc/ZIPFoundation" -name '*.swift' | sort)
# SurvshCore's C libraries (system-library targets): their module maps, and the libraries to link.
# SurvivalStats' header-only shims (a prefetch hint, the AVX2 kernels): needed wherever SurvivalStats' module is imported.
statsmods=(-I Sources/CPrefetch -I Sources/CKernels)
cmods=(-I Sources/CZlib -I Sources/CISAL -I Sources/CReadStat -I Sources/CByteClasses -I "$zipsrc/CZLib" "${statsmods[@]}")
clibs=(-lz -lisal -lreadstat)
# stale OUTPUT INPUT...: true when OUTPUT is missing or older than any input
stale() { local o=$1; shift; [[ ! -e $o ]] || [[ -n $(find "$@" -newer "$o" | head -1) ]]; }
if stale "$out/SurvivalStats.stamp" $stats Sources/CPrefetch Sources/CKernels fuzz/build.sh; then
    echo "fuzz/build.sh: compiling SurvivalStats" >&2
    swiftc "${flags[@]}" "${statsmods[@]}" -wmo -module-name SurvivalStats -emit-module -emit-module-path "$out/SurvivalStats.swiftmodule" \
        -c $stats -o "$out/SurvivalStats.o"
    touch "$out/SurvivalStats.stamp"   # swiftc keeps an unchanged output's time, so stamp instead
fi
if stale "$out/ZIPFoundation.stamp" $zipf fuzz/build.sh; then
    echo "fuzz/build.sh: compiling ZIPFoundation" >&2
    swiftc "${base[@]}" -swift-version 5 -Xcc -D_GNU_SOURCE=1 -I "$zipsrc/CZLib" -wmo -module-name ZIPFoundation \
        -emit-module -emit-module-path "$out/ZIPFoundation.swiftmodule" -c $zipf -o "$out/ZIPFoundation.o"
    touch "$out/ZIPFoundation.stamp"
fi
if stale "$out/SurvshCore.stamp" $core fuzz/support/*.swift "$out/SurvivalStats.stamp" "$out/ZIPFoundation.stamp"; then
    echo "fuzz/build.sh: compiling SurvshCore" >&2
    swiftc "${flags[@]}" "${cmods[@]}" -wmo -module-name SurvshCore -I "$out" -emit-module -emit-module-path "$out/SurvshCore.swiftmodule" \
        -c $core fuzz/support/FileHash.swift -o "$out/SurvshCore.o"
    touch "$out/SurvshCore.stamp"
fi
stale "$out/survsh-fuzz" fuzz/FuzzMain.swift "$out/SurvshCore.stamp" || exit 0
echo "fuzz/build.sh: linking survsh-fuzz" >&2
swiftc "${flags[@]}" "${cmods[@]}" -I "$out" fuzz/FuzzMain.swift "$out/SurvshCore.o" "$out/SurvivalStats.o" "$out/ZIPFoundation.o" "${clibs[@]}" \
    -o "$out/survsh-fuzz"
