// LazyLoadTests.swift — `load FILE lazy=on`: everything printed is what an eager load prints (every
// command's examples and scripts on lung, veteran and NET, text and JSON), the load itself reports
// the same errors, types and warnings, a file changed in place is refused with a clear error, and
// Ctrl-C while columns are parsed leaves the session as it was.

import Foundation
import SurvshCommands
import SurvshCore
import XCTest

final class LazyLoadTests: XCTestCase {
    override func tearDown() {
        Interrupt.clear()
        super.tearDown()
    }

    /// Output without the lazy setting, which `set` lists (and its examples change).
    static func unlazy(_ lines: [String]) -> [String] {
        lines.map { $0.replacingOccurrences(of: ", lazy on", with: "").replacingOccurrences(of: "\"lazy\":\"on\"", with: "\"lazy\":\"auto\"") }
    }

    /// Runs `setup` then `lines` in an eager and a lazy shell (`set lazy=on`), in text and in JSON, and
    /// asserts that every line prints the same (output lines, failure, stdout, stderr; the lazy
    /// setting itself, which `set` shows, aside). Returns the lazy shells.
    @discardableResult
    func assertSame(setup: [String], _ lines: [String], file: StaticString = #filePath, line: UInt = #line) -> [TestShell] {
        var lazyShells: [TestShell] = []
        for format in [OutputFormat.text, .json] {
            let eager = TestShell(), lazy = TestShell()
            eager.session.settings.format = format
            lazy.session.settings.format = format
            lazy.session.settings.lazyLoad = .on
            for l in setup + lines {
                let e = eager.session.execute(l, source: .interactive)
                let z = lazy.session.execute(l, source: .interactive)
                XCTAssertEqual(e.failed, z.failed, "\(format): '\(l)'", file: file, line: line)
                XCTAssertEqual(Self.unlazy(e.outputLines), Self.unlazy(z.outputLines), "\(format): '\(l)'", file: file, line: line)
                XCTAssertEqual(Self.unlazy(eager.sink.stdout), Self.unlazy(lazy.sink.stdout), "\(format): '\(l)' (stdout)", file: file, line: line)
                XCTAssertEqual(eager.sink.stderr, lazy.sink.stderr, "\(format): '\(l)' (stderr)", file: file, line: line)
                if Self.unlazy(eager.sink.stdout) != Self.unlazy(lazy.sink.stdout) || eager.sink.stderr != lazy.sink.stderr { return lazyShells }
            }
            lazyShells.append(lazy)
        }
        return lazyShells
    }

    /// Every built-in command's examples, run as CommandExamplesTests runs them, print the same after
    /// a lazy load of lung (their own loads lazy too).
    func testEveryExamplePrintsTheSameLazily() {
        for c in AllCommands.list where c.spec.name != "quit" {
            let examples = c.spec.examples.filter { !$0.hasPrefix("replay") && $0 != "tutorial" }
            assertSame(setup: ["set seed=1", "load data/lung.csv", "survival time status"], examples)
        }
    }

    /// Scripts on veteran and NET (text columns, dates, missing values, errors naming columns), where
    /// km, logrank and cox parse only what their lines name.
    func testScriptsOnVeteranAndNETPrintTheSameLazily() {
        let shells = assertSame(setup: ["load data/veteran.csv"], [
            "km Surv(time, status) ~ celltype", "logrank Surv(time, status) ~ trt", "cox Surv(time, status) ~ karno + celltype",
            "km Surv(time, status) ~ cell", "cox Surv(time, status) ~ .", "survival time status", "km ~ trt", "describe",
            "summarize", "cox ~ age + prior"])
        for sh in shells { XCTAssertNil(sh.session.frame.pending, "describe parsed every column (and released the file)") }
        assertSame(setup: ["load data/net_liver_mets.csv"], [
            "km Surv(months, died) ~ sex", "logrank Surv(months, died) ~ primary_site", "cox Surv(months, died) ~ age + ki67_liver",
            "cox Surv(months, died) ~ age + nonesuch", "tabulate sstr_primary", "describe", "head 3"])
    }

    /// km after a lazy load parses the columns it names and the declared outcome's, and no other.
    func testOnlyTheNamedColumnsAreParsed() throws {
        let sh = TestShell()
        sh.run("load data/veteran.csv lazy=on")
        let pending = try XCTUnwrap(sh.session.frame.pending)
        XCTAssertEqual(pending.order, ["trt", "celltype", "time", "status", "karno", "diagtime", "age", "prior"])
        XCTAssertTrue(sh.session.frame.columns.isEmpty)
        sh.run("km Surv(time, status) ~ trt")
        XCTAssertEqual(sh.session.frame.names, ["trt", "time", "status"])
        sh.run("survival time status")
        sh.run("cox ~ age")
        XCTAssertEqual(sh.session.frame.names, ["trt", "time", "status", "age"], "file order")
        sh.run("help km")
        XCTAssertEqual(sh.session.frame.pending?.names, ["celltype", "karno", "diagtime", "prior"])
        sh.run("head 1")
        XCTAssertNil(sh.session.frame.pending)
        XCTAssertEqual(sh.session.frame.names, pending.order)
    }

    /// lazy=auto (the default) is lazy for a regular file of 256 MiB or more only; lazy=on and lazy=off
    /// decide whatever the size.
    func testAutoIsLazyForLargeFilesOnly() throws {
        let path = try temporaryCSV("a,b\n1,2\n", name: "big.csv")
        XCTAssertEqual(Settings().lazyLoad, .auto)
        XCTAssertFalse(LazyLoad.auto.applies(toFileAt: path))
        XCTAssertTrue(LazyLoad.on.applies(toFileAt: path))
        // a sparse file: the size is what counts, and nothing is written
        XCTAssertEqual(truncate(path, off_t(LazyLoad.autoBytes - 1)), 0)
        XCTAssertFalse(LazyLoad.auto.applies(toFileAt: path))
        XCTAssertEqual(truncate(path, off_t(LazyLoad.autoBytes)), 0)
        XCTAssertTrue(LazyLoad.auto.applies(toFileAt: path))
        XCTAssertFalse(LazyLoad.auto.applies(toFileAt: path, selectingColumns: true), "cols= is read at once")
        XCTAssertTrue(LazyLoad.on.applies(toFileAt: path, selectingColumns: true))
        XCTAssertFalse(LazyLoad.off.applies(toFileAt: path))
        XCTAssertFalse(LazyLoad.auto.applies(toFileAt: (path as NSString).deletingLastPathComponent), "a directory")
        XCTAssertFalse(LazyLoad.auto.applies(toFileAt: path + ".missing"))
        // in a session: the default loads a small file whole, lazy=on and set lazy=on lazily
        let sh = TestShell()
        sh.run("load data/veteran.csv")
        XCTAssertNil(sh.session.frame.pending)
        sh.run("load data/veteran.csv lazy=on")
        XCTAssertNotNil(sh.session.frame.pending)
        sh.run("set lazy=on")
        sh.run("load data/veteran.csv")
        XCTAssertNotNil(sh.session.frame.pending)
        sh.run("load data/veteran.csv lazy=auto")
        XCTAssertNil(sh.session.frame.pending)
        XCTAssertTrue(sh.run("set lazy=sometimes", allowFailure: true).failed)
        XCTAssertTrue(sh.sink.stderr.last?.contains("auto, on or off") == true, "\(sh.sink.stderr.last ?? "")")
        XCTAssertEqual(sh.session.settings.lazyLoad, .on)
    }

    /// A temporary CSV file with `text`; removed at the end of the test.
    func temporaryCSV(_ text: String, name: String = "lazy.csv") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-lazy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    /// The load reports what an eager load reports: errors late in the file (past the type sample and
    /// across scan chunks), types decided by the last rows, all-missing columns, NaN and Inf cells.
    func testLoadReportsTheSameErrorsTypesAndWarnings() throws {
        // ~3 MB, so the scan runs two chunks
        let rows = (1...100_000).map { "\($0),\(Double($0) / 7),\($0 % 3),x\($0 % 5),,2020-01-0\($0 % 9 + 1)" }
        let header = "id,r,k,t,empty,d"
        var files = [
            "good": header + "\n" + rows.joined(separator: "\n") + "\n",
            "late_text": header + "\n" + rows.joined(separator: "\n") + "\n1,2,abc,x,,2020-01-01\n",
            "late_real": header + "\n" + rows.joined(separator: "\n") + "\n1,2,3.5,x,,2020-01-01\n",
            "nonfinite": header + "\n" + rows.joined(separator: "\n") + "\n1,NaN,3,x,,2020-01-01\n2,Inf,3,x,,2020-01-01\n3,-Inf,3,x,,2020-01-01\n4,1e999,3,x,,2020-01-01\n",
            "fields": header + "\n" + rows.joined(separator: "\n") + "\n1,2,3\n",
            "quote": header + "\n" + rows.joined(separator: "\n") + "\n1,\"2,3,x,,2020-01-01\n",
        ]
        files["middle"] = header + "\n" + rows[..<50_000].joined(separator: "\n") + "\n1,2,3,4,5,6,7\n" + rows[50_000...].joined(separator: "\n")
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let path = try temporaryCSV(text, name: name + ".csv")
            assertSame(setup: [], ["load \(path)", "describe", "summarize r k"])
        }
    }

    func testChangedFileIsRefusedAndRenamedFileIsRead() throws {
        let original = try String(contentsOfFile: "data/lung.csv", encoding: .utf8)
        // appended to in place
        let path = try temporaryCSV(original)
        let sh = TestShell()
        sh.run("load \(path) lazy=on")
        let h = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        h.seekToEndOfFile()
        h.write(Data("1,1,1,1,1,1,1,1,1,1\n".utf8))
        try h.close()
        let r = sh.session.execute("km Surv(time, status) ~ sex", source: .interactive)
        XCTAssertTrue(r.failed)
        XCTAssertTrue(r.outputLines.last?.hasPrefix("error: km: \(path): the file changed since it was loaded") ?? false, "\(r.outputLines)")
        XCTAssertTrue(r.outputLines.last?.hasSuffix("; load it again") ?? false)
        XCTAssertNotNil(sh.session.frame.pending, "nothing parsed")
        sh.run("load \(path) lazy=on")
        XCTAssertEqual(sh.json("km Surv(time, status)")["n"] as? Int, 229, "the new row")

        // truncated in place: refused, never a SIGBUS
        let cut = try temporaryCSV(original)
        let sh2 = TestShell()
        sh2.run("load \(cut) lazy=on")
        XCTAssertEqual(truncate(cut, 100), 0)
        let r2 = sh2.session.execute("describe", source: .interactive)
        XCTAssertTrue(r2.failed)
        XCTAssertTrue(r2.outputLines.last?.contains("the file changed since it was loaded (its size went from") ?? false, "\(r2.outputLines)")

        // replaced by a rename: the loaded file is still read
        let moved = try temporaryCSV(original)
        let eager = TestShell(), lazy = TestShell()
        eager.run("load \(moved)")
        lazy.run("load \(moved) lazy=on")
        let replacement = moved + ".new"
        try "time,status,sex\n1,1,1\n".write(toFile: replacement, atomically: false, encoding: .utf8)
        XCTAssertEqual(rename(replacement, moved), 0)
        let e = eager.session.execute("km Surv(time, status) ~ sex", source: .interactive)
        let z = lazy.session.execute("km Surv(time, status) ~ sex", source: .interactive)
        XCTAssertFalse(z.failed)
        XCTAssertEqual(e.outputLines, z.outputLines)
    }

    /// Ctrl-C while columns are parsed: the command is interrupted and nothing is parsed; the next
    /// command parses them.
    func testCtrlCWhileParsingLeavesTheSessionAsItWas() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv lazy=on")
        let version = sh.session.dataVersion
        Interrupt.raise()
        XCTAssertThrowsError(try sh.session.materialize(nil, command: "km")) { XCTAssertTrue($0 is CancellationError, "\($0)") }
        Interrupt.clear()
        XCTAssertEqual(sh.session.dataVersion, version)
        XCTAssertTrue(sh.session.frame.columns.isEmpty)
        XCTAssertEqual(sh.session.frame.pending?.names.count, 10)
        sh.run("km Surv(time, status) ~ sex")
        XCTAssertEqual(sh.session.frame.names, ["time", "status", "sex"])
    }

    /// Files other than plain CSV/TSV load eagerly whatever lazy= says.
    func testOtherFormatsLoadEagerly() {
        let sh = TestShell()
        sh.run("load Tests/SurvshCoreTests/Fixtures/xlsx/lung.xlsx lazy=on")
        XCTAssertNil(sh.session.frame.pending)
        XCTAssertFalse(sh.session.frame.columns.isEmpty)
    }
}
