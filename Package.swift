// swift-tools-version:6.0
// survsh — an interactive shell for survival analysis.
//
// Layout (imports point down only): survsh (executable: flags, line editor, wiring)
//   -> SurvshCommands (the registry list) -> plugins/* (one target per command module)
//   -> SurvshCore (session, data frame, parsing, output, transcripts) -> SurvivalStats (pure numerics).
import PackageDescription

/// Command modules: (target name, folder under plugins/). Adding a command module is one line here
/// and one line in Sources/SurvshCommands/AllCommands.swift.
let plugins: [(name: String, folder: String)] = [
    ("ShellPlugin", "shell"),
    ("DataPlugin", "data"),
    ("FilterPlugin", "filter"),
    ("KMPlugin", "km"),
    ("LogrankPlugin", "logrank"),
    ("CoxPlugin", "cox"),
    ("SurvregPlugin", "survreg"),
    ("CrrPlugin", "crr"),
    ("TTestPlugin", "ttest"),
    ("PlotPlugin", "plot"),
    ("SimulatePlugin", "simulate"),
    ("Table1Plugin", "table1"),
    ("TimeSplitPlugin", "timesplit"),
    ("CumincPlugin", "cuminc"),
    ("ReportPlugin", "report"),
]

let package = Package(
    name: "survsh",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "survsh", targets: ["survsh"]),
        .library(name: "SurvivalStats", targets: ["SurvivalStats"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(name: "CLibEdit", path: "Sources/CLibEdit", pkgConfig: "libedit",
                       providers: [.apt(["libedit-dev"])]),
        // Module CSurvshZlib (not CZlib: ZIPFoundation's own zlib module is called that, and two module
        // maps of one name cannot meet in one build).
        .systemLibrary(name: "CSurvshZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Intel ISA-L's inflate (gzip and zip members: Sources/SurvshCore/Readers/Inflate.swift).
        .systemLibrary(name: "CSurvshISAL", path: "Sources/CISAL", pkgConfig: "libisal", providers: [.apt(["libisal-dev"])]),
        .systemLibrary(name: "CReadStat", path: "Sources/CReadStat", providers: [.apt(["libreadstat-dev"])]),
        // A prefetch hint for the Cox fit's scattered bucket additions (Sources/CPrefetch/shim.h; no library).
        .systemLibrary(name: "CSurvshPrefetch", path: "Sources/CPrefetch"),
        // The classes of 16 bytes as bit masks (SSE2 move masks) for the CSV type scan (Sources/CByteClasses/shim.h).
        .systemLibrary(name: "CSurvshByteClasses", path: "Sources/CByteClasses"),
        // AVX2 kernels (run-time choice) for the Cox fit's outer products and design-row blocks
        // (Sources/CKernels/shim.h; no library).
        .systemLibrary(name: "CSurvshKernels", path: "Sources/CKernels"),
        .target(name: "SurvivalStats", dependencies: ["CSurvshPrefetch", "CSurvshKernels"]),
        .target(name: "SurvshCore", dependencies: [
            "SurvivalStats", "CSurvshZlib", "CSurvshISAL", "CReadStat", "CSurvshByteClasses",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "ZIPFoundation", package: "ZIPFoundation"),
        ]),
    ] + plugins.map { p in
        .target(name: p.name, dependencies: ["SurvshCore", "SurvivalStats"] + (p.name == "PlotPlugin" ? [] : []),
                path: "plugins/\(p.folder)")
    } + [
        .target(name: "SurvshCommands", dependencies: plugins.map { .target(name: $0.name) } + ["SurvshCore"]),
        .executableTarget(name: "survsh", dependencies: [
            "SurvshCore", "SurvshCommands", "ReportPlugin", "CLibEdit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Test helpers shared by the test targets (not a product).
        .target(name: "TestSupport", dependencies: ["SurvivalStats"], path: "Tests/TestSupport"),
        .testTarget(name: "SurvivalStatsTests", dependencies: ["SurvivalStats", "TestSupport"], exclude: ["Reference"]),
        .testTarget(name: "SurvshCoreTests", dependencies: ["SurvshCore", "TestSupport"], exclude: ["Fixtures", "Reference"]),
        .testTarget(name: "PlotPluginTests", dependencies: ["PlotPlugin", "SurvshCore"], exclude: ["Reference"]),
        .testTarget(name: "SurvshTests", dependencies: ["SurvshCommands", "SurvshCore", "SurvivalStats", "ReportPlugin", "TestSupport"],
                    exclude: ["Fixtures", "Reference"]),
    ]
)
