// InterruptTests.swift — Ctrl-C inside long loops: `cox screen` checks before every model fit (in
// CoxCommand.fitModel) and `logrank ... pairwise` between pairs, so a raised interrupt ends the
// command with `interrupted`; the numerics poll Interrupt.cancellation inside their loops (tested
// deterministically in SurvivalStatsTests' CancellationTests), and Session.execute turns their
// CancellationError into the same `interrupted` error, leaving the session as it was.
//
// Session.execute clears the flag at the start of every line, so the first tests call the command's
// `run` directly with the flag already raised, as if Ctrl-C came during the first fit; the others
// run the line through execute while another thread keeps pressing Ctrl-C.

import Foundation
import Synchronization
import SurvshCore
import XCTest

/// A thread that raises Interrupt every 0.2 ms until stopped (Ctrl-C held down).
private final class CtrlCPresser: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    func start() {
        Thread.detachNewThread { [self] in
            while !stopped.load(ordering: .relaxed) { Interrupt.raise(); usleep(200) }
            finished.store(true, ordering: .relaxed)
        }
    }
    func stop() {
        stopped.store(true, ordering: .relaxed)
        while !finished.load(ordering: .relaxed) { usleep(100) }
        Interrupt.clear()
    }
}

final class InterruptTests: XCTestCase {
    override func tearDown() {
        Interrupt.clear()
        super.tearDown()
    }

    private func lungShell() -> TestShell {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        return sh
    }

    /// The error `NAME REST` throws when run with Ctrl-C pressed; nil when it finishes. The
    /// numerics' CancellationError is returned as the `interrupted` error Session.execute makes of it.
    private func interruptedError(_ sh: TestShell, _ name: String, _ rest: String) throws -> SurvshError? {
        let command = try XCTUnwrap(sh.session.registry.lookup(name))
        let args = try Arguments(spec: command.spec, rest: rest)
        Interrupt.raise()
        defer { Interrupt.clear() }
        do {
            _ = try command.run(args, in: sh.session)
            return nil
        } catch let e as SurvshError {
            return e
        } catch is CancellationError {
            return SurvshError(.interrupted, command: name, "interrupted")
        }
    }

    /// `NAME REST` run with Ctrl-C pressed ends with `error: NAME: interrupted`.
    private func assertStops(_ sh: TestShell, _ name: String, _ rest: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let e = try XCTUnwrap(try interruptedError(sh, name, rest), "\(name) \(rest) ran on", file: file, line: line)
        XCTAssertEqual(e.kind, .interrupted, "\(name) \(rest): \(e)", file: file, line: line)
        XCTAssertEqual(e.description, "error: \(name): interrupted", file: file, line: line)
    }

    func testCoxScreenStopsBetweenFits() throws {
        let sh = lungShell()
        let e = try XCTUnwrap(try interruptedError(sh, "cox", "screen ~ age + sex + ph.ecog"), "cox screen ran on")
        XCTAssertEqual(e.kind, .interrupted)
        XCTAssertEqual(e.description, "error: cox: interrupted")
        XCTAssertNil(sh.session.lastHazardRatios, "no model is left behind")
        // Without Ctrl-C the same line runs.
        sh.run("cox screen ~ age + sex + ph.ecog")
    }

    /// Runs `line` through Session.execute with Ctrl-C pressed again and again while it runs.
    private func executePressingCtrlC(_ sh: TestShell, _ line: String) -> ExecutionRecord {
        let presser = CtrlCPresser()
        presser.start()
        defer { presser.stop() }
        return sh.session.execute(line, source: .interactive)
    }

    /// The line failed with `error: NAME: interrupted` and is recorded as a comment only.
    private func assertInterrupted(_ sh: TestShell, _ record: ExecutionRecord, _ name: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(record.failed, "ran to the end", file: file, line: line)
        XCTAssertEqual(record.outputLines, ["error: \(name): interrupted"], file: file, line: line)
        XCTAssertEqual(sh.session.records.last?.line, "# interrupted: " + record.line, file: file, line: line)
    }

    /// A big CSV (3 columns) in a temporary file.
    private func bigCSV(rows: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-big-\(UUID().uuidString).csv").path
        var text = "time,status,group\n"
        text.reserveCapacity(rows * 12)
        for i in 0..<rows { text += "\(i % 997 + 1),\(i % 3 == 0 ? 0 : 1),\(i % 5)\n" }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    func testInterruptedLoadKeepsThePreviousData() throws {
        let sh = lungShell()
        let big = try bigCSV(rows: 300_000)
        defer { try? FileManager.default.removeItem(atPath: big) }
        assertInterrupted(sh, executePressingCtrlC(sh, "load \(big)"), "load")
        XCTAssertEqual(sh.session.frame.rowCount, 228, "the previous data are kept")
        XCTAssertEqual(sh.session.frame.names.first, "inst")
        XCTAssertNotNil(sh.session.outcome, "and the outcome")
        sh.run("km")
        // Without Ctrl-C the same file loads.
        sh.run("load \(big)")
        XCTAssertEqual(sh.session.frame.rowCount, 300_000)
    }

    func testInterruptedCoxLogrankAndPlotChangeNothing() throws {
        let sh = TestShell()
        sh.run("simulate n=100000 hr=0.8 groups=4 seed=3")
        let plot = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-int-\(UUID().uuidString).svg").path
        defer { try? FileManager.default.removeItem(atPath: plot) }
        for (line, name) in [("cox ~ factor(group)", "cox"), ("logrank ~ group pairwise", "logrank"),
                             ("km ~ group", "km"), ("plot km ~ group file=\(plot)", "plot")] {
            assertInterrupted(sh, executePressingCtrlC(sh, line), name)
        }
        XCTAssertNil(sh.session.lastCoxFit, "no model is left behind")
        XCTAssertFalse(FileManager.default.fileExists(atPath: plot), "no figure is written")
        XCTAssertEqual(sh.session.frame.rowCount, 100_000)
        sh.run("cox ~ factor(group)")
        XCTAssertNotNil(sh.session.lastCoxFit)
    }

    func testLogrankPairwiseStopsWhenInterrupted() throws {
        let sh = lungShell()
        let e = try XCTUnwrap(try interruptedError(sh, "logrank", "~ ph.ecog pairwise"), "logrank ran on")
        XCTAssertEqual(e.kind, .interrupted)
        XCTAssertEqual(e.description, "error: logrank: interrupted")
        sh.run("logrank ~ ph.ecog pairwise")
    }

    func testExpressionsStopBetweenPassesAndChangeNothing() throws {
        let sh = lungShell()
        sh.run("filter age > 50")
        let active = sh.session.activeRows.count
        try assertStops(sh, "generate", "lt = log(time) + 1")
        try assertStops(sh, "replace", "time = time * 2")
        try assertStops(sh, "filter", "sex == 1")
        XCTAssertNil(sh.session.frame.column("lt"), "no column is added")
        XCTAssertEqual(sh.session.frame.column("time")?.text(at: 0), "306", "no value is replaced")
        XCTAssertEqual(sh.session.activeRows.count, active, "no filter is added")
        sh.run("generate lt = log(time) + 1")
        XCTAssertNotNil(sh.session.frame.column("lt"))
    }

    func testInterruptedSaveAndExportWriteNothing() throws {
        let sh = lungShell()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-int-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = dir + "/lung.csv", md = dir + "/km.md"
        try assertStops(sh, "save", csv)
        sh.run("km ~ sex")
        try "old table\n".write(toFile: md, atomically: false, encoding: .utf8)
        try assertStops(sh, "export", md)
        XCTAssertFalse(FileManager.default.fileExists(atPath: csv), "no CSV is written")
        XCTAssertEqual(try String(contentsOfFile: md, encoding: .utf8), "old table\n", "the old file is kept whole")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["km.md"], "no temporary file is left")
        // without Ctrl-C both write
        sh.run("export \(md)")
        XCTAssertNotEqual(try String(contentsOfFile: md, encoding: .utf8), "old table\n")
        sh.run("save \(csv)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: csv))
    }

    /// Stata, SPSS and Excel files: a save interrupted while it encodes the rows leaves the user's old
    /// file whole and no temporary file; a load interrupted keeps the previous data. (Each writer
    /// polls while encoding: WriterCancellationTests.)
    func testInterruptedSaveAndLoadOfStataSPSSAndExcelFiles() throws {
        let sh = TestShell()
        sh.run("simulate n=100000 hr=0.8 groups=3 seed=5")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-int-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for ext in ["dta", "sav", "xlsx", "csv"] {
            let path = "\(dir)/sim.\(ext)"
            try "old file\n".write(toFile: path, atomically: false, encoding: .utf8)
            assertInterrupted(sh, executePressingCtrlC(sh, "save \(path)"), "save")
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old file\n", "\(ext): the old file is kept whole")
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }, [], "\(ext): no temporary file")
            sh.run("save \(path)")
        }
        sh.run("load data/lung.csv")
        for ext in ["dta", "sav", "xlsx"] {
            assertInterrupted(sh, executePressingCtrlC(sh, "load \(dir)/sim.\(ext)"), "load")
            XCTAssertEqual(sh.session.frame.rowCount, 228, "\(ext): the previous data are kept")
        }
        sh.run("load \(dir)/sim.dta")
        XCTAssertEqual(sh.session.frame.rowCount, 100_000)
    }

    func testInterruptedSimulateKeepsTheDataAndTheRandomStream() throws {
        let sh = lungShell()
        try assertStops(sh, "simulate", "n=100000 hr=0.8")
        XCTAssertEqual(sh.session.frame.rowCount, 228, "the data are kept")
        // through execute: the stream is where it was before the interrupted command (a replay
        // does not run it), though the draws had begun
        sh.run("set seed=7")
        assertInterrupted(sh, executePressingCtrlC(sh, "simulate n=2000000 hr=0.8"), "simulate")
        sh.run("generate u = runif()")
        let fresh = lungShell()
        fresh.run("set seed=7")
        fresh.run("generate u = runif()")
        XCTAssertEqual(sh.session.frame.column("u")?.text(at: 0), fresh.session.frame.column("u")?.text(at: 0))
        XCTAssertEqual(sh.session.frame.column("u")?.text(at: 227), fresh.session.frame.column("u")?.text(at: 227))
    }

    func testCoxExplainCurvesAndFirthStop() throws {
        let sh = lungShell()
        sh.run("cox ~ age + sex")
        let fit = sh.session.lastCoxFit
        try assertStops(sh, "cox", "explain risksets")
        try assertStops(sh, "cox", "curves at sex=1,2")
        try assertStops(sh, "cox", "firth ~ age + sex")
        XCTAssertNil(sh.session.lastCoxCurves, "no curves are kept")
        XCTAssertEqual(sh.session.lastCoxFit?.modelText, fit?.modelText, "the last fit is kept")
        sh.run("cox explain risksets")
        sh.run("cox curves at sex=1,2")
    }

    func testInterruptedLoadKeepsThePreviousDataWithATranscript() throws {
        let sh = lungShell()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-int-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        sh.session.transcript = try Transcript(path: dir + "/session.surv")
        try assertStops(sh, "load", "data/veteran.csv")
        XCTAssertEqual(sh.session.frame.rowCount, 228, "the previous data are kept")
    }

    /// The commands polled in issue 14's last Ctrl-C round (survreg, crr, cuminc, ttest, the
    /// summaries, head's formatting, split, landmark, tvc): each stops with `interrupted` while
    /// Ctrl-C is pressed, and leaves the data, the outcome and the last fits as they were. (Their
    /// numerics are checked to poll inside every pass in SurvivalStatsTests' CancellationTests.)
    func testSurvregCrrCumincTtestSummariesHeadAndSplitsStop() throws {
        let sh = TestShell()
        sh.run("simulate n=100000 hr=0.8 groups=3 seed=4")
        sh.run("generate x = runif()")
        sh.run("generate two = group == 1")
        sh.run("generate cause = status * (1 + (x > 0.5))")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-int-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let long = dir + "/long.csv"
        try ("id,day,z\n" + (1...100_000).map { "\($0),\(Double($0 % 7) / 10),\($0 % 3)" }.joined(separator: "\n") + "\n")
            .write(toFile: long, atomically: false, encoding: .utf8)
        let columns = sh.session.frame.names
        let outcome = sh.session.outcome
        for (line, name) in [("survreg ~ x + factor(group)", "survreg"), ("crr Surv(time, cause) ~ x cause=1", "crr"),
                             ("cuminc Surv(time, cause) ~ group", "cuminc"), ("ttest x ~ two", "ttest"),
                             ("summarize", "summarize"), ("summarize x by=group", "summarize"), ("tabulate group two", "tabulate"),
                             ("table1 ~ two x time group", "table1"), ("head 100000", "head"),
                             ("split at=1,5,10", "split"), ("split at=events", "split"), ("landmark 1", "landmark"),
                             ("tvc \(long) id=id time=day", "tvc")] {
            assertInterrupted(sh, executePressingCtrlC(sh, line), name)
            XCTAssertEqual(sh.session.frame.rowCount, 100_000, "\(line): the rows are kept")
            XCTAssertEqual(sh.session.frame.names, columns, "\(line): the columns are kept")
            XCTAssertEqual(sh.session.outcome, outcome, "\(line): the outcome is kept")
        }
        XCTAssertTrue(sh.run("survreg predict at x=0.5", allowFailure: true).failed, "no survreg model is left behind")
        // without Ctrl-C they run
        for line in ["survreg ~ x + factor(group)", "survreg predict at x=0.5", "ttest x ~ two", "landmark 1"] { sh.run(line) }
        XCTAssertLessThan(sh.session.frame.rowCount, 100_000, "landmark dropped the rows ended by time 1")
    }

    /// Issue 14's unpolled stretches found by bench/poll_gaps.sh: `describe` (a few passes over the
    /// rows per column; it had no poll), the sort of a text column's levels (`levels T sorted`,
    /// `tabulate T`: a comparison sort, now Cancellation.sorted) and wilcoxon's ranks stop with
    /// `interrupted` and leave the data and the level order as they were.
    func testDescribeLevelSortsAndRanksStop() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-levels-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var text = "t,x,g\n"
        for i in 0..<200_000 { text += "L\((i &* 7919) % 200_000),\(Double(i % 1000) / 7),\(i % 2)\n" }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let sh = TestShell()
        sh.run("load \(path)")
        sh.run("levels t L5,L3")
        let before = try XCTUnwrap(sh.session.frame.column("t")).levelOrder
        for (line, name) in [("describe", "describe"), ("levels t sorted", "levels"), ("tabulate t", "tabulate"),
                             ("wilcoxon x ~ g", "wilcoxon")] {
            assertInterrupted(sh, executePressingCtrlC(sh, line), name)
            XCTAssertEqual(sh.session.frame.rowCount, 200_000, line)
            XCTAssertEqual(sh.session.frame.column("t")?.levelOrder, before, "\(line): the level order is kept")
        }
        // without Ctrl-C they run
        let sorted = sh.run("levels t sorted").outputLines.joined()
        XCTAssertTrue(sorted.hasPrefix("t: L0, L1, L10, L100, L1000, L10000, L100000, L100001"), String(sorted.prefix(80)))
        XCTAssertTrue(sorted.hasSuffix("(200000 levels; reference L0)"), String(sorted.suffix(80)))
        XCTAssertNil(sh.session.frame.column("t")?.levelOrder)
    }

    /// `head N` changes nothing, so a Ctrl-C while its rows are printed (pressed as the printing
    /// starts) stops the printing after the first piece of 2^14 lines, with a note, and the line is
    /// recorded as interrupted (bench/poll_gaps.sh: `head 2000000` printed and recorded its 360 MB
    /// for 12 s of CPU after its last poll). Without Ctrl-C every row is printed and recorded.
    func testCtrlCWhileHeadPrintsStopsThePrinting() throws {
        let sh = TestShell()
        sh.run("simulate n=100000 hr=0.8 seed=3")
        let printedBefore = sh.sink.stdout.count
        sh.session.outputObserver = { _ in Interrupt.raise() }
        let stopped = sh.session.execute("head 100000", source: .interactive)
        sh.session.outputObserver = nil
        assertInterrupted(sh, stopped, "head")
        XCTAssertEqual(sh.sink.stdout.count, printedBefore + 1, "one piece printed")
        XCTAssertEqual(sh.sink.stdout.last?.split(separator: "\n").count, 1 << 14)
        XCTAssertTrue(sh.sink.stderr.contains("note: head: Ctrl-C: printing stopped after 16384 lines"), "\(sh.sink.stderr.suffix(2))")
        XCTAssertEqual(sh.session.frame.rowCount, 100_000, "the data are kept")
        // without Ctrl-C: every row, printed in pieces that make the recorded lines
        let whole = sh.run("head 100000")
        XCTAssertEqual(whole.outputLines.count, 100_001)
        XCTAssertEqual(sh.sink.stdout.suffix(7).joined(separator: "\n"), whole.outputLines.joined(separator: "\n"))
        XCTAssertEqual(sh.session.records.last?.line, "head 100000")
        // a short output is never stopped: it is printed whole after the command's last poll
        sh.session.outputObserver = { _ in Interrupt.raise() }
        XCTAssertFalse(sh.run("head 10").failed)
        sh.session.outputObserver = nil
    }

    /// The output of 10^7 levels (a line of 120 MB, a JSON array of 10^7 strings) took 0.3-0.9 s of
    /// CPU after the last poll of `describe`, `levels COL sorted` and `summarize COL`
    /// (bench/poll_gaps.sh CASES=text). Their long text is printed 1 MiB at a time and their JSON
    /// written with polls: a Ctrl-C pressed once the command is done (as the output starts) stops a
    /// long line after its first MiB, with a note, and a long JSON before anything is printed; the
    /// line is recorded as interrupted and the level order stays as it was (`levels COL sorted`
    /// changes it only once printed). Without Ctrl-C the chunks make the recorded line.
    func testCtrlCWhileALongLevelListIsPrintedStopsIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-longlevels-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // 60,000 levels of 24 bytes: a line of 1.5 MB, JSON arrays of more than 2^14 values; byte
        // order (the collation sort of debug builds made the test take minutes)
        var text = "t,x\n"
        for i in 0..<60_000 {
            let k = String((i &* 7919) % 60_000)
            text += "a-long-level-name-" + String(repeating: "0", count: 6 - k.count) + k + ",\(i % 10)\n"
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let sh = TestShell()
        sh.run("set collation=c")
        sh.run("load \(path)")
        sh.run("levels t a-long-level-name-000005,a-long-level-name-000003")
        let before = try XCTUnwrap(sh.session.frame.column("t")).levelOrder
        for format in [OutputFormat.text, .json] {
            sh.session.settings.format = format
            for (line, name) in [("levels t sorted", "levels"), ("summarize t", "summarize")] + (format == .json ? [("describe", "describe")] : []) {
                let printed = sh.sink.stdout.count
                sh.session.outputObserver = { _ in Interrupt.raise() }
                let stopped = sh.session.execute(line, source: .interactive)
                sh.session.outputObserver = nil
                Interrupt.clear()
                assertInterrupted(sh, stopped, name)
                XCTAssertEqual(sh.session.frame.column("t")?.levelOrder, before, "\(format) \(line): the level order is kept")
                if format == .json {
                    XCTAssertEqual(sh.sink.stdout.count, printed, "\(line): no JSON printed")
                } else {
                    XCTAssertEqual(sh.sink.stdout.count, printed + 1, "\(line): the first MiB of the line, ended")
                    XCTAssertTrue((1 << 20)...((1 << 20) + 3) ~= (sh.sink.stdout.last?.utf8.count ?? 0), "\(line): one chunk")
                    XCTAssertTrue(sh.sink.stderr.suffix(2).contains("note: \(name): Ctrl-C: printing stopped after 0 lines"), "\(sh.sink.stderr.suffix(2))")
                }
            }
        }
        // without Ctrl-C: printed whole (in chunks that make the recorded line), and the order changes
        sh.session.settings.format = .text
        let sorted = sh.run("levels t sorted")
        XCTAssertEqual(sorted.outputLines.count, 1)
        XCTAssertEqual(sh.sink.stdout.last, sorted.outputLines[0])
        XCTAssertTrue(sorted.outputLines[0].hasPrefix("t: a-long-level-name-000000, a-long-level-name-000001, "))
        XCTAssertNil(sh.session.frame.column("t")?.levelOrder)
        let levels = sh.json("levels t")["levels"] as? [String]
        XCTAssertEqual(levels?.count, 60_000)
        XCTAssertEqual(levels?.last, "a-long-level-name-059999")
    }

    /// Ctrl-C after a command's last look at it: the command has done its work, which stands
    /// (printed and recorded), and the next command is not interrupted by it.
    func testCtrlCAfterTheLastPollIsForgotten() throws {
        let sh = lungShell()
        sh.session.outputObserver = { _ in Interrupt.raise() }
        let km = sh.run("km ~ sex")
        sh.session.outputObserver = nil
        XCTAssertFalse(km.failed)
        XCTAssertTrue(Interrupt.isRaised, "the test pressed Ctrl-C after the work was done")
        XCTAssertEqual(sh.session.records.last?.line, "km ~ sex", "recorded as a command, not as interrupted")
        XCTAssertFalse(km.outputLines.isEmpty)
        let cox = sh.run("cox ~ age + sex")
        XCTAssertFalse(cox.failed, "the next command runs")
        XCTAssertNotNil(sh.session.lastCoxFit)
    }
}
