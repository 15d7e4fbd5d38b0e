// SessionTimingTests.swift — `set timing=on`: one `timing:` line per command on stderr, never on
// stdout, in JSON or in the transcript; `set threads=N`: the same numbers for every N.

import Foundation
import SurvivalStats
import SurvshCore
import XCTest

final class SessionTimingTests: XCTestCase {
    func testTimingLinesGoToStderrOnly() throws {
        let sh = TestShell()
        let live = FileManager.default.temporaryDirectory.appendingPathComponent("timing-\(UUID().uuidString).surv").path
        defer { try? FileManager.default.removeItem(atPath: live) }
        sh.session.transcript = try Transcript(path: live)
        sh.run("load data/aml.csv")
        XCTAssertFalse(sh.sink.stderr.contains { $0.hasPrefix("timing:") }, "timing is off by default")
        sh.run("set timing=on")
        XCTAssertTrue(sh.session.settings.timing)
        sh.run("km Surv(time, status) ~ x")
        _ = sh.json("logrank Surv(time, status) ~ x")
        _ = sh.error("km ~ nosuch")
        let lines = sh.sink.stderr.filter { $0.hasPrefix("timing:") }
        XCTAssertEqual(lines.count, 3, sh.sink.stderr.joined(separator: "\n"))
        // `timing: km 1.2 ms, 1.9 ms CPU, +0.0 MB peak`: the canonical name (logrank, not an alias), failures too
        let pattern = try NSRegularExpression(pattern: #"^timing: (km|logrank) \d+\.\d (ms|s), \d+\.\d (ms|s) CPU, \+\d+\.\d MB peak$"#)
        for l in lines {
            XCTAssertNotNil(pattern.firstMatch(in: l, range: NSRange(l.startIndex..., in: l)), l)
        }
        XCTAssertTrue(lines[1].hasPrefix("timing: logrank "))
        XCTAssertFalse(sh.sink.stdout.contains { $0.contains("timing:") }, "nothing on stdout or in JSON")
        sh.run("set timing off")
        sh.run("head 1")
        XCTAssertEqual(sh.sink.stderr.filter { $0.hasPrefix("timing:") }.count, 3, "off again")
        let transcript = try String(contentsOfFile: live, encoding: .utf8)
        XCTAssertFalse(transcript.contains("timing:"), transcript)
        XCTAssertTrue(transcript.contains("set timing=on"))
        XCTAssertTrue(sh.error("set timing=maybe").contains("expected on or off"))
    }

    /// The peak is measured: 64 MB of fresh pages (mmap, so no memory malloc kept from earlier tests
    /// is reused) show at least that much growth, even after they are given back.
    func testPeakGrowthSeesAnAllocation() throws {
        let timer = CommandTimer.start()
        let size = 64 << 20
        let p = try XCTUnwrap(mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        XCTAssertNotEqual(p, MAP_FAILED)
        memset(p, 1, size)
        munmap(p, size)
        if timer.source == .resetHighWaterMark {
            XCTAssertGreaterThan(timer.peakGrowth, 60_000_000, "VmHWM after minus VmRSS before")
        }
        XCTAssertGreaterThan(timer.elapsed, 0)
    }

    /// A Cox model (with its concordance) on 60,000 rows, above the size where the passes run in
    /// chunks on several threads, prints the same JSON (every digit) with 1, 2 and 3 threads.
    func testSetThreadsGivesIdenticalResults() throws {
        var rng = SplitMix64(seed: 6)
        func u() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        var csv = "time,status,x1,x2,g\n"
        for _ in 0..<60_000 {
            let x1 = u() * 2 - 1, x2 = u()
            let t = (-log(1 - u()) / exp(0.4 * x1 - 0.8 * x2) * 50).rounded() + 1
            csv += "\(t),\(u() < 0.6 ? 1 : 0),\(x1),\(x2),\(rng.next() % 3)\n"
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("threads-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let sh = TestShell()
        sh.run("load \(path)")
        var outputs: [String] = []
        for n in [1, 2, 3] {
            sh.run("set threads=\(n)")
            XCTAssertEqual(sh.session.settings.threads, n)
            XCTAssertTrue(sh.sink.stdout.last?.hasSuffix(", threads \(n)") ?? false, sh.sink.stdout.last ?? "")
            _ = sh.json("cox Surv(time, status) ~ x1 + x2 + strata(g)")
            outputs.append(sh.sink.stdout.last ?? "")
        }
        XCTAssertTrue(outputs[0].contains("\"concordance\""), outputs[0])
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertEqual(outputs[0], outputs[2])
        XCTAssertTrue(sh.error("set threads=0").contains("threads"))
    }
}
