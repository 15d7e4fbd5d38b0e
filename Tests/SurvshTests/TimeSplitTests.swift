// TimeSplitTests.swift — split (R's survSplit), tvc (tmerge with tdc) and landmark (subset(time > T)
// with the clock reset) against R: each case's commands run here; the reshaped rows are compared
// with R's data set column by column, and the last command's JSON with R's coxph, survfit or
// survdiff (Tests/SurvshTests/Reference/timesplit.json, written by timesplit.R).

import Foundation
import SurvshCore
import XCTest

enum TimeSplitReference {
    static var all: [String: Any] {
        let url = repoRoot.appendingPathComponent("Tests/SurvshTests/Reference/timesplit.json")
        guard let d = try? Data(contentsOf: url), let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return [:] }
        return o
    }

    static func cases(_ list: Any?) -> [[String: Any]] { list as? [[String: Any]] ?? [] }
    static func id(_ c: [String: Any]) -> String { (c["id"] as? [String])?.first ?? c["id"] as? String ?? "?" }
    static func int(_ x: Any?) -> Int? { ((x as? [NSNumber])?.first ?? x as? NSNumber)?.intValue }

    /// Runs every command of the case but the last in a fresh shell.
    static func shell(_ c: [String: Any], file: StaticString = #filePath, line: UInt = #line) -> (TestShell, String) {
        let sh = TestShell()
        let commands = c["commands"] as? [String] ?? []
        for cmd in commands.dropLast() { sh.run(cmd, file: file, at: line) }
        return (sh, commands.last ?? "")
    }

    /// The active rows of survsh's data against R's data set, column by column (NA = missing).
    static func compareFrame(_ sh: TestShell, _ c: [String: Any], label: String, file: StaticString = #filePath, line: UInt = #line) {
        let frame = c["frame"] as? [String: Any] ?? [:]
        XCTAssertFalse(frame.isEmpty, "\(label): no frame in the reference", file: file, line: line)
        let rows = sh.session.activeRows
        if let n = int(c["rows"]) { XCTAssertEqual(rows.count, n, "\(label): rows", file: file, line: line) }
        for (name, values) in frame {
            guard let column = sh.session.frame.column(name) else { XCTFail("\(label): no column \(name)", file: file, line: line); continue }
            let expected = CoxCommandTests.nums(values)
            XCTAssertEqual(rows.count, expected.count, "\(label): \(name) length", file: file, line: line)
            for (k, r) in rows.enumerated() where k < expected.count {
                CoxCommandTests.close(column.number(at: r), expected[k], "\(label): \(name)[\(k)]", file: file, line: line)
            }
        }
    }

    /// Runs a cox case: the reshaped data, then the fit.
    static func cox(_ c: [String: Any], file: StaticString = #filePath, line: UInt = #line) {
        let (sh, last) = shell(c, file: file, line: line)
        compareFrame(sh, c, label: id(c), file: file, line: line)
        CoxCommandTests.compare(sh.json(last, file: file, at: line), toModel: c, id: id(c), file: file, line: line)
    }

    static func km(_ c: [String: Any], file: StaticString = #filePath, line: UInt = #line) {
        let (sh, last) = shell(c, file: file, line: line)
        KMCommandTests.compare(sh.json(last, file: file, at: line), toCase: c, name: id(c), file: file, line: line)
    }
}

final class TimeSplitTests: XCTestCase {
    let ref = TimeSplitReference.all

    func testSplitMatchesSurvSplitAndCoxph() {
        let cases = TimeSplitReference.cases(ref["split"])
        XCTAssertEqual(cases.count, 7)
        for c in cases { TimeSplitReference.cox(c) }
        for c in TimeSplitReference.cases(ref["split_km"]) { TimeSplitReference.km(c) }
    }

    func testFactorsInInteractionsAreCodedAsModelMatrix() {
        let cases = TimeSplitReference.cases(ref["formula"])
        XCTAssertEqual(cases.count, 4)
        for c in cases {
            let (sh, last) = TimeSplitReference.shell(c)
            CoxCommandTests.compare(sh.json(last), toModel: c, id: TimeSplitReference.id(c))
        }
    }

    func testTVCMatchesTmergeAndCoxph() {
        let cases = TimeSplitReference.cases(ref["tvc"])
        XCTAssertEqual(cases.count, 2)
        for c in cases { TimeSplitReference.cox(c) }
        for c in TimeSplitReference.cases(ref["tvc_km"]) { TimeSplitReference.km(c) }
    }

    func testTVCFollowsTmergeRulesOnAHandMadeTable() throws {
        let c = try XCTUnwrap(ref["tvc_fixture"] as? [String: Any])
        let sh = TestShell()
        for cmd in c["commands"] as? [String] ?? [] { sh.run(cmd) }
        TimeSplitReference.compareFrame(sh, c, label: "tvc fixture")
        XCTAssertEqual(sh.session.outcome?.formulaText, "Surv(tstart, futime, st)")
    }

    func testLandmarkMatchesSubsetWithTheClockReset() throws {
        let lm = try XCTUnwrap(ref["landmark"] as? [String: Any])
        for c in TimeSplitReference.cases(lm["cox"]) { TimeSplitReference.cox(c) }
        for c in TimeSplitReference.cases(lm["km"]) { TimeSplitReference.km(c) }
        for c in TimeSplitReference.cases(lm["logrank"]) {
            let (sh, last) = TimeSplitReference.shell(c)
            let j = sh.json(last)
            for key in ["chisq", "df", "p"] {
                CoxCommandTests.close(CoxCommandTests.num(j[key]), CoxCommandTests.nums(c[key]).first ?? nil, abs: 1e-300, "landmark logrank \(key)")
            }
            let groups = j["groups"] as? [[String: Any]] ?? []
            XCTAssertEqual(groups.compactMap { CoxCommandTests.num($0["observed"]) }, CoxCommandTests.nums(c["observed"]).compactMap { $0 })
        }
        // what landmark reports: rows kept, dropped, events dropped (R: nrow(subset(d, time > T)), ...)
        let counts = try XCTUnwrap(lm["counts"] as? [String: [String: Any]])
        for (id, commands) in [("lung_183", ["load data/lung.csv", "survival time status", "landmark 183"]),
                               ("net_12", ["load data/net_liver_mets.csv", "survival months died", "landmark 12"])] {
            let sh = TestShell()
            for cmd in commands.dropLast() { sh.run(cmd) }
            let j = sh.json(commands.last!)
            for key in ["rows", "dropped", "dropped_events"] {
                XCTAssertEqual(j[key] as? Int, TimeSplitReference.int(counts[id]?[key]), "\(id) \(key)")
            }
        }
    }

    func testCutTimesOutsideFollowUpAreIgnoredWithAWarningAsR() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        let r = sh.run("split at=-5,183,5000")
        XCTAssertTrue(sh.sink.stderr.contains { $0.contains("warning: split: 2 cut times outside every row's follow-up made no episode") && $0.contains("-5, 5000") },
                      "\(sh.sink.stderr)")
        XCTAssertTrue(r.outputLines.contains { $0.hasPrefix("split at -5, 183, 5000: 228 rows became") }, "\(r.outputLines)")
        // R: survSplit(..., cut = c(-5, 5000)) returns the data unsplit; survsh refuses a split that cuts nothing
        let sh2 = TestShell()
        sh2.run("load data/lung.csv")
        sh2.run("survival time status")
        XCTAssertEqual(TimeSplitReference.int(ref["outside_rows"]), 228)
        XCTAssertEqual(sh2.error("split at=-5,5000"),
                       "error: split: no cut time lies inside any row's follow-up (-5, 5000) (expected cut times between the start and the end of some row's follow-up)")
        XCTAssertEqual(sh2.session.frame.rowCount, 228, "a refused split changes nothing")
    }

    func testFiltersCarryOverAndBackRestoresTheRows() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        sh.run("filter sex == 1")
        let before = sh.session.snapshot()
        let j = sh.json("split at=183,365")
        XCTAssertEqual(j["rows_before"] as? Int, 228)
        let active = sh.session.activeRows
        let sex = sh.session.frame.column("sex")!
        XCTAssertTrue(active.allSatisfy { sex.number(at: $0) == 1 }, "the filter keeps the episodes of the rows it kept")
        XCTAssertEqual(Set(active.map { sh.session.frame.column("episode")!.number(at: $0)! }), [1, 2, 3])
        sh.run("unfilter")
        XCTAssertEqual(sh.session.activeRows.count, j["rows"] as? Int)
        sh.session.restore(before)
        XCTAssertEqual(sh.session.frame.rowCount, 228)
        XCTAssertEqual(sh.session.outcome?.formulaText, "Surv(time, status)")
        XCTAssertEqual(sh.session.filters.count, 1)
    }

    func testExpressionOutcomesGetSurvSplitsColumnNames() {
        let sh = TestShell()
        sh.run("load data/pbc.csv")
        let j = sh.json("split Surv(time/365.25, status == 2) at=1,5")
        XCTAssertEqual(j["outcome"] as? String, "Surv(tstart, tstop, event)")
        XCTAssertEqual(sh.session.outcome?.formulaText, "Surv(tstart, tstop, event)")
        XCTAssertEqual(j["events"] as? Int, 161)
        XCTAssertNotNil(sh.session.frame.column("status"), "the status column stays as it was")
    }

    func testBadInputIsOneLineErrors() {
        let sh = TestShell()
        XCTAssertTrue(sh.error("split at=5").hasPrefix("error: split: no data loaded"))
        sh.run("load data/lung.csv")
        XCTAssertTrue(sh.error("split at=5").hasPrefix("error: split: no survival outcome declared"))
        XCTAssertTrue(sh.error("landmark 10").hasPrefix("error: landmark: no survival outcome declared"))
        sh.run("survival time status")
        XCTAssertEqual(sh.error("split"), "error: split: missing at= (expected at=T1,T2,... (cut times) or at=events)")
        XCTAssertTrue(sh.error("split at=10,x").hasPrefix("error: split: 'x' in at=10,x is not a number"))
        XCTAssertTrue(sh.error("split at=100 episode=age").hasPrefix("error: split: column 'age' already exists"))
        XCTAssertTrue(sh.error("split at=100 id=sex").hasPrefix("error: split: column 'sex' already exists"))
        XCTAssertTrue(sh.error("split age at=100").hasPrefix("error: split: unexpected 'age'"))
        XCTAssertEqual(sh.error("landmark -1"), "error: landmark: the landmark time -1 is negative (expected a time >= 0)")
        XCTAssertEqual(sh.error("landmark 1022"),
                       "error: landmark: no active row has follow-up beyond 1022 (the longest time is 1022) (expected a landmark time below the longest follow-up)")
        XCTAssertTrue(sh.error("landmark soon").hasPrefix("error: landmark: 'soon' is not a number"))
        XCTAssertTrue(sh.error("tvc data/pbcseq.csv time=day").hasPrefix("error: tvc: missing id="))
        XCTAssertTrue(sh.error("tvc data/pbcseq.csv id=inst time=day").hasPrefix("error: tvc: data/pbcseq.csv has no column 'inst'"))
        sh.run("generate time0 = time * 0")
        XCTAssertTrue(sh.error("split Surv(time0, status) at=5").hasPrefix("error: split: row 1 has time 0, but episodes start at 0"))
        sh.run("split at=183")
        XCTAssertTrue(sh.error("landmark 100").hasPrefix("error: landmark: the outcome Surv(tstart, time, status) is counting-process data"))
        XCTAssertTrue(sh.error("tvc data/pbcseq.csv id=inst time=day").hasPrefix("error: tvc: the outcome Surv(tstart, time, status) is already counting-process data"))

        let pbc = TestShell()
        pbc.run("load data/pbcseq.csv")
        pbc.run("survival Surv(futime, status == 2)")
        XCTAssertEqual(pbc.error("tvc data/pbcseq.csv id=id time=day vars=bili"),
                       "error: tvc: id 1 is in rows 1 and 2 of the data (expected one row per id (tvc makes the episodes; load the one-row-per-id data))")
        pbc.run("load data/pbc.csv")
        pbc.run("survival Surv(time, status == 2)")
        XCTAssertTrue(pbc.error("tvc data/pbcseq.csv id=id time=day").hasPrefix("error: tvc: 'status' is a column of the outcome"))
        XCTAssertTrue(pbc.error("tvc data/pbcseq.csv id=id time=day vars=bili,bili").hasPrefix("error: tvc: 'bili' is listed twice"))
        XCTAssertTrue(pbc.error("tvc data/nosuch.csv id=id time=day vars=bili").hasPrefix("error: tvc: "))
        pbc.run("survival Surv(time/365.25, status == 2)")
        XCTAssertTrue(pbc.error("landmark 1").hasPrefix("error: landmark: the time of Surv(time/365.25, status == 2) is an expression"))
    }
}

extension TranscriptCheckTests {
    // split, tvc and landmark change the rows: `replay step`'s back restores them, the result equals
    // a straight replay, and the live transcript (with tvc's table hash) passes --check.
    func testStepBackOverSplitTVCAndLandmark() throws {
        let script = path("reshape.surv")
        try "split at=183,365 id=id\ngenerate late = episode >= 2\nkm ~ late\n".write(toFile: script, atomically: true, encoding: .utf8)
        let straight = TestShell()
        straight.run("load data/lung.csv")
        straight.run("survival time status")
        straight.run("replay \(script)")
        let (sh, _) = terminalShell(answers: ["", "", "back", "", ""])
        let live = path("live.surv")
        sh.session.transcript = try Transcript(path: live)
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        sh.run("replay \(script) step")
        XCTAssertFalse(sh.sink.stderr.contains { $0.hasPrefix("error") }, sh.sink.stderr.joined(separator: "\n"))
        XCTAssertEqual(sh.session.frame.rowCount, straight.session.frame.rowCount)
        XCTAssertEqual(sh.session.frame.names, straight.session.frame.names)
        XCTAssertEqual(sh.session.outcome, straight.session.outcome)
        sh.run("load data/pbc.csv")
        sh.run("survival Surv(time, status == 2)")
        sh.run("tvc data/pbcseq.csv id=id time=day vars=bili")
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        sh.run("landmark 183")
        sh.session.transcript = nil
        let text = try String(contentsOfFile: live, encoding: .utf8)
        XCTAssertTrue(text.contains("# data: data/pbcseq.csv sha256="), "tvc's table is recorded as load's files are")
        let result = try check(live)
        XCTAssertNil(result.diff, result.diff ?? "")
        XCTAssertEqual(result.dataProblems, [])
    }
}
