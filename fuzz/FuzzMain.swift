// FuzzMain.swift — the libFuzzer entry point of survsh-fuzz (built by fuzz/build.sh, never by
// `swift build`). SURVSH_FUZZ_TARGET picks the harness (FuzzHarness.targets: commandline,
// expression, formula, csv, transcript, gzip, readstat, xlsx); scripts/fuzz sets it.

import Foundation
import SurvshCore

nonisolated(unsafe) var harness: (([UInt8]) -> Void)?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    let name = ProcessInfo.processInfo.environment["SURVSH_FUZZ_TARGET"] ?? ""
    guard let h = FuzzHarness.targets[name] else {
        let names = FuzzHarness.targets.keys.sorted().joined(separator: ", ")
        FileHandle.standardError.write(Data("survsh-fuzz: set SURVSH_FUZZ_TARGET to one of \(names)\n".utf8))
        exit(2)
    }
    harness = h
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { harness?([]); return 0 }
    harness?(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
