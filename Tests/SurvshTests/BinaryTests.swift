// BinaryTests.swift — the executable's ways in and its behaviour on bad input, end to end.

import Foundation
import XCTest

final class BinaryTests: XCTestCase {
    func testVersionAndHelp() throws {
        let v = try Binary.run(["--version"])
        XCTAssertEqual(v.status, 0)
        XCTAssertTrue(v.stdout.hasPrefix("0."), v.stdout)
        let h = try Binary.run(["--help"])
        XCTAssertEqual(h.status, 0)
        XCTAssertTrue(h.stdout.contains("--format"))
        XCTAssertTrue(h.stdout.contains("--check"))
    }

    func testDashEAndExitStatus() throws {
        let ok = try Binary.run(["-e", "load data/lung.csv; head 2"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertTrue(ok.stdout.contains("228 rows x 10 columns"))
        let bad = try Binary.run(["-e", "load data/lung.csv; kmx; head 1"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("-e:2: error: unknown command 'kmx'"), bad.stderr)
        // the run went on after the error
        XCTAssertTrue(bad.stdout.contains("inst"), bad.stdout)
        let bail = try Binary.run(["--bail", "-e", "nonsense; load data/lung.csv"])
        XCTAssertEqual(bail.status, 1)
        XCTAssertFalse(bail.stdout.contains("228 rows"), "--bail must stop at the first error")
    }

    func testJSONFormatPrintsOnlyJSONLinesOnStdout() throws {
        let r = try Binary.run(["--format", "json", "-e", "load data/lung.csv; describe; filter age > 1000; head 1"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        for l in lines {
            let obj = try JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any]
            XCTAssertNotNil(obj?["command"], String(l))
        }
        // the filter's warning goes to stderr, never stdout
        XCTAssertTrue(r.stderr.contains("warning: filter: no rows are left"), r.stderr)
    }

    func testPipedStdinWithBadBytes() throws {
        var input = Data("load data/lung.csv\n\n   \n# a comment\n".utf8)
        input += Data([0x68, 0x65, 0xFF, 0xFE, 0x0A])          // invalid UTF-8
        input += Data("he\0ad\n".utf8)                           // NUL byte
        input += Data(("filter " + String(repeating: "x", count: 1 << 20) + "\n").utf8)  // 1 MB line
        input += Data("head 1\n".utf8)
        let r = try Binary.run([], stdin: input)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stdout.contains("228 rows"))
        XCTAssertTrue(r.stdout.contains("inst"), "commands after bad lines still run")
        XCTAssertTrue(r.stderr.contains("<stdin>:5: error: unknown command"), r.stderr)
        XCTAssertTrue(r.stderr.contains("<stdin>:6: error: unknown command"), r.stderr)
        XCTAssertTrue(r.stderr.contains("<stdin>:7: error: filter: unknown column"), String(r.stderr.prefix(300)))
        XCTAssertFalse(r.stdout.contains("survsh>"), "no prompt when stdin is not a terminal")
    }

    func testScriptFileProblems() throws {
        let missing = try Binary.run(["no/such/file.surv"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no such file 'no/such/file.surv'"), missing.stderr)
        let dir = try Binary.run(["sessions"])
        XCTAssertEqual(dir.status, 1)
        XCTAssertTrue(dir.stderr.contains("is a directory"), dir.stderr)
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("bin-\(UUID().uuidString).surv")
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01, 0x02]).write(to: tmp)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let bin = try Binary.run([tmp.path])
        XCTAssertEqual(bin.status, 1)
        XCTAssertTrue(bin.stderr.contains("binary"), bin.stderr)
        let check = try Binary.run(["--check", "no/such.surv"])
        XCTAssertEqual(check.status, 1)
    }

    func testCheckDetectsEditedOutputAndUpdateRepairsIt() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("chk-\(UUID().uuidString).surv")
        let script = """
        # survsh 0.1.0 transcript
        load data/lung.csv
        #> data/lung.csv: 228 rows x 10 columns (CSV (comma))
        #> columns: 10 integer
        filter age > 70
        #> 999 of 228 rows kept (edited by hand)
        """
        try script.write(to: tmp, atomically: true, encoding: .utf8)
        // No '# data:' line for data/lung.csv: a data problem (exit 2) until --update records it.
        let unrecorded = try Binary.run(["--check", tmp.path])
        XCTAssertEqual(unrecorded.status, 2, unrecorded.stderr)
        XCTAssertTrue(unrecorded.stderr.contains("records no SHA-256"), unrecorded.stderr)
        let r = try Binary.run(["--check", "--allow-data-change", tmp.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("-#> 999 of 228 rows kept (edited by hand)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("+#> "), r.stdout)
        XCTAssertTrue(r.stdout.hasPrefix("--- "), r.stdout)
        let u = try Binary.run(["--check", "--update", tmp.path])
        XCTAssertEqual(u.status, 0, u.stderr)
        XCTAssertTrue(try String(contentsOf: tmp, encoding: .utf8).contains("# data: data/lung.csv sha256="))
        let again = try Binary.run(["--check", tmp.path])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
    }

    /// A transcript that replays a plain script: `--check --update` records the hash of the file the
    /// inner script loads in the outer transcript, and that is enough for `--check` to pass.
    func testUpdateRecordsHashesOfNestedReplays() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inner = dir.appendingPathComponent("inner.surv"), outer = dir.appendingPathComponent("outer.surv")
        try "load data/aml.csv\n".write(to: inner, atomically: true, encoding: .utf8)
        try "replay \(inner.path)\nhead 1\n".write(to: outer, atomically: true, encoding: .utf8)
        let u = try Binary.run(["--check", "--update", outer.path])
        XCTAssertEqual(u.status, 0, u.stderr)
        XCTAssertTrue(try String(contentsOf: outer, encoding: .utf8).contains("# data: data/aml.csv sha256="))
        let again = try Binary.run(["--check", outer.path])
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        // A hash that does not match, recorded in the outer transcript, still fails the check.
        let text = try String(contentsOf: outer, encoding: .utf8)
        let wrong = text.replacingOccurrences(of: #"sha256=[0-9a-f]+"#, with: "sha256=" + String(repeating: "0", count: 64),
                                              options: .regularExpression)
        try wrong.write(to: outer, atomically: true, encoding: .utf8)
        let changed = try Binary.run(["--check", outer.path])
        XCTAssertEqual(changed.status, 2, changed.stderr)
        XCTAssertTrue(changed.stderr.contains("data file 'data/aml.csv' has changed since \(outer.path)"), changed.stderr)
    }

    func testChangedDataFileIsReportedBeforeReplay() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("hash-\(UUID().uuidString).surv")
        try """
        # data: data/lung.csv sha256=0000000000000000000000000000000000000000000000000000000000000000
        load data/lung.csv
        #> data/lung.csv: 228 rows x 10 columns (CSV (comma))
        #> columns: 10 integer
        """.write(to: tmp, atomically: true, encoding: .utf8)
        let r = try Binary.run(["--check", tmp.path])
        XCTAssertTrue(r.stderr.contains("data file 'data/lung.csv' has changed"), r.stderr)
        XCTAssertEqual(r.status, 2, "a changed data file fails the check, apart from output differences")
        let allowed = try Binary.run(["--check", "--allow-data-change", tmp.path])
        XCTAssertTrue(allowed.stderr.contains("warning: check: data file 'data/lung.csv' has changed"), allowed.stderr)
        XCTAssertEqual(allowed.status, 1, "then only the output is compared (it differs here)")
    }

    func testEchoShowsCommentsAndCommandsBeforeOutput() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("echo-\(UUID().uuidString).surv")
        try "# survsh 0.1.0 transcript\n# Load the data.\nload data/aml.csv\n#> old output\nhead 1\n".write(to: tmp, atomically: true, encoding: .utf8)
        let r = try Binary.run(["--echo", tmp.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(Array(lines.prefix(2)), ["# Load the data.", "survsh> load data/aml.csv"])
        XCTAssertTrue(lines.contains("survsh> head 1"))
        XCTAssertFalse(r.stdout.contains("old output"))
        let j = try Binary.run(["--echo", "--format", "json", tmp.path])
        XCTAssertTrue(j.stderr.contains("survsh> load data/aml.csv"), "echo goes to stderr under JSON")
        XCTAssertFalse(j.stdout.contains("survsh>"))
    }
}

extension BinaryTests {
    /// `survsh DATA` loads DATA first: then -e commands, or piped lines, run on it; a .surv stays a script.
    func testDataFileArgumentLoadsBeforeTheCommands() throws {
        let dashE = try Binary.run(["Tests/SurvshCoreTests/Fixtures/compressed/lung.csv.gz", "-e", "head 1"])
        XCTAssertEqual(dashE.status, 0, dashE.stderr)
        XCTAssertTrue(dashE.stdout.contains("228 rows x 10 columns (CSV (comma), UTF-8, gzip-compressed)"), dashE.stdout)
        XCTAssertTrue(dashE.stdout.contains("pat.karno"), dashE.stdout)
        let piped = try Binary.run(["Tests/SurvshCoreTests/Fixtures/readstat/lung.sav"], stdin: Data("describe\n".utf8))
        XCTAssertEqual(piped.status, 0, piped.stderr)
        XCTAssertTrue(piped.stdout.contains("228 rows x 10 columns (SPSS .sav)"), piped.stdout)
        XCTAssertTrue(piped.stdout.contains("ph_karno"), piped.stdout)
        let broken = try Binary.run(["Tests/SurvshCoreTests/Fixtures/readstat/truncated.dta"], stdin: Data("help load\n".utf8))
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(broken.stderr.contains("cannot read it as Stata .dta: ReadStat says:"), broken.stderr)
        XCTAssertTrue(broken.stdout.contains("load PATH"), "the shell goes on after the failed load: \(broken.stdout)")
        let notScript = try Binary.run(["--check", "data/lung.csv"])
        XCTAssertNotEqual(notScript.status, 0)
        XCTAssertTrue(notScript.stderr.contains("not a data file") || notScript.stderr.contains("replays a transcript"), notScript.stderr)
    }
}
