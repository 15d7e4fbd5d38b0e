// ShellCommandsTests.swift — help, set, history, replay (with step), save session, export.

import Foundation
import SurvshCore
import XCTest

final class ShellCommandsTests: XCTestCase {
    func testHelpAndDidYouMean() {
        let sh = TestShell()
        sh.run("help")
        XCTAssertTrue(sh.sink.stdout.last!.contains("km"))
        sh.run("help km")
        XCTAssertTrue(sh.sink.stdout.last!.contains("conf=log|log-log|plain"))
        XCTAssertTrue(sh.sink.stdout.last!.contains("Examples:"))
        XCTAssertEqual(sh.error("kmm"), "error: unknown command 'kmm'; did you mean 'km'?")
        XCTAssertEqual(sh.error("help lgrank"), "error: help: unknown command 'lgrank'; did you mean 'logrank'?")
    }

    func testSetChangesFormatAndDigits() {
        let sh = TestShell()
        sh.run("set digits 6")
        XCTAssertEqual(sh.session.settings.digits, 6)
        sh.run("set format json")
        XCTAssertEqual(sh.session.settings.format, .json)
        XCTAssertTrue(sh.error("set format xml").contains("expected text or json"))
        XCTAssertTrue(sh.error("set colour 1").contains("unknown setting"))
    }

    /// Every setting takes both spellings, `set NAME VALUE` and `set NAME=VALUE`, one at a time.
    func testEverySettingTakesBothSpellings() {
        let sh = TestShell()
        sh.run("set digits=7")
        XCTAssertEqual(sh.session.settings.digits, 7)
        sh.run("set collation=c")
        XCTAssertEqual(sh.session.settings.collation, .c)
        sh.run("set collation r")
        XCTAssertEqual(sh.session.settings.collation, .r)
        sh.run("set timeunit=years")
        XCTAssertEqual(sh.session.settings.timeUnit, .years)
        sh.run("set format=json")
        XCTAssertEqual(sh.session.settings.format, .json)
        XCTAssertEqual(sh.error("set digits=3 format=text"),
                       "error: set: one setting at a time (expected e.g. set format=text)")
        XCTAssertEqual(sh.error("set digits 4 5"), "error: set: too many words for digits (expected set digits N)")
        XCTAssertTrue(sh.error("set digits=0").contains("digits"))
        XCTAssertEqual(sh.session.settings.digits, 7, "a refused setting changes nothing")
    }

    func testHistoryListsThisSessionsCommands() {
        let sh = TestShell()
        sh.run("load data/aml.csv")
        sh.run("head 1")
        let j = sh.json("history")
        XCTAssertEqual(j["commands"] as? [String], ["load data/aml.csv", "head 1"])
    }

    func testSaveSessionThenCheckReplaysIdentically() throws {
        let sh = TestShell()
        sh.run("load data/aml.csv")
        sh.run("survival time status")
        sh.run("km ~ x")
        _ = sh.error("km ~ nosuch")          // failed commands are recorded with their error
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("s-\(UUID().uuidString).surv").path
        sh.run("save session \(path)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("# data: data/aml.csv sha256="))
        XCTAssertTrue(text.contains("km ~ nosuch\n#> error: km: unknown column 'nosuch'"), text)
        let fresh = TestShell()
        let result = try ScriptRunner.check(path, session: fresh.session)
        XCTAssertNil(result.diff)
        XCTAssertEqual(result.commands, 4)
        XCTAssertEqual(result.dataProblems, [])
    }

    func testReplayStepPausesAndQStops() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("r-\(UUID().uuidString).surv").path
        try "load data/lung.csv\nhead 1\ntabulate sex\n".write(toFile: path, atomically: true, encoding: .utf8)
        let sh = TestShell()
        var asked: [String] = []
        var answers = ["", "", "q"]
        sh.session.prompt = { q in asked.append(q); return answers.removeFirst() }
        let j = sh.json("replay \(path) step")
        XCTAssertEqual(j["ran"] as? Int, 2)
        XCTAssertEqual(asked.count, 3)
        XCTAssertTrue(asked[2].hasPrefix("[3/3] tabulate sex"))
        // the commands that ran are recorded one by one; the replay line and its summary as comments
        XCTAssertEqual(sh.session.records.map(\.line), ["# replay \(path) step", "load data/lung.csv", "head 1",
                                                        "# replayed 2 of 3 commands from \(path), stopped"])
        XCTAssertTrue(sh.error("replay /no/such.surv").contains("no such file"))
    }

    func testExportWritesTheLastTable() throws {
        let sh = TestShell()
        XCTAssertTrue(sh.error("export /tmp/x.md").contains("no result table yet"))
        sh.run("load data/lung.csv")
        sh.run("tabulate sex ph.ecog")
        let dir = FileManager.default.temporaryDirectory
        for ext in ["md", "csv", "tex"] {
            let p = dir.appendingPathComponent("t-\(UUID().uuidString).\(ext)").path
            sh.run("export \(p)")
            let text = try String(contentsOfFile: p, encoding: .utf8)
            XCTAssertTrue(text.contains("138"), ext)
        }
        XCTAssertTrue(sh.error("export /tmp/x.docx").contains("unsupported extension"))
        XCTAssertTrue(sh.error("export /nonexistent-dir/x.md").contains("cannot write"))
    }

    /// A fresh temporary path with the extension.
    private func tempPath(_ ext: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).\(ext)").path
    }

    /// Runs `export` to a new file and returns what it wrote.
    private func exported(_ sh: TestShell, _ options: String = "", ext: String = "md", at: UInt = #line) throws -> String {
        let p = tempPath(ext)
        sh.run("export \(p) \(options)", at: at)
        return try String(contentsOfFile: p, encoding: .utf8)
    }

    func testExportFollowsTheLastCommandThatPrinted() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("survival time status")
        sh.run("logrank ~ sex")
        sh.run("ttest age ~ sex")
        let tt = try exported(sh)
        XCTAssertTrue(tt.contains("Welch Two Sample t-test"), tt)
        XCTAssertFalse(tt.contains("Log-rank"), tt)
        XCTAssertTrue(tt.contains("p = "), tt)
        sh.run("wilcoxon age ~ sex")
        XCTAssertTrue(try exported(sh).contains("Wilcoxon rank sum"))
        sh.run("summarize age")
        XCTAssertTrue(try exported(sh, ext: "csv").hasPrefix("variable,n,missing,mean"))
        sh.run("head 3")
        XCTAssertTrue(try exported(sh, ext: "csv").hasPrefix("row,inst,time,status"))
        sh.run("describe")
        XCTAssertTrue(try exported(sh).contains("| ph.ecog | integer | 1 |"))
        sh.run("logrank ~ sex")
        XCTAssertTrue(try exported(sh).contains("Log-rank"))
        // help, set and history keep the tables; a command without a table clears them
        sh.run("help km")
        sh.run("set digits 4")
        XCTAssertTrue(try exported(sh).contains("Log-rank"))
        sh.run("filter age > 50")
        XCTAssertEqual(sh.error("export /tmp/never.md"),
                       "error: export: the last command (filter) printed no table (expected a command that prints a table first, e.g. cox, km, logrank, ttest or tabulate)")
        // a failed command leaves no table either
        sh.run("tabulate sex")
        _ = sh.error("ttest nosuchcolumn")
        XCTAssertTrue(sh.error("export /tmp/never.md").contains("the last command (ttest) printed no table"))
    }

    func testExportChoosesAmongTheTablesOfKM() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("km Surv(time, status) ~ sex times=180,365")
        let p = tempPath("csv")
        sh.run("export \(p)")
        XCTAssertTrue(sh.sink.stdout.last?.contains("km printed 2 tables (1 summary, 2 times)") ?? false, sh.sink.stdout.last ?? "")
        XCTAssertTrue(try String(contentsOfFile: p, encoding: .utf8).hasPrefix(",n,events,median"))
        let times = try exported(sh, "table=times", ext: "csv")
        XCTAssertTrue(times.hasPrefix(",time,n.risk,n.event,survival"), times)
        XCTAssertEqual(times.split(separator: "\n").count, 5)   // header + 2 groups x 2 times
        XCTAssertEqual(try exported(sh, "table=2", ext: "csv"), times)
        XCTAssertEqual(sh.error("export /tmp/never.md table=3"),
                       "error: export: no table '3' from km (expected table= one of 1 summary, 2 times)")
        XCTAssertTrue(sh.error("export /tmp/never.md table=life").contains("one of 1 summary, 2 times"))
    }

    func testExportCountsRowsInTheSingular() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("ttest age")
        sh.run("export \(tempPath("md"))")
        XCTAssertTrue(sh.sink.stdout.last?.contains("(1 row) to") ?? false, sh.sink.stdout.last ?? "")
        sh.run("ttest age ~ sex")
        sh.run("export \(tempPath("md"))")
        XCTAssertTrue(sh.sink.stdout.last?.contains("(2 rows) to") ?? false, sh.sink.stdout.last ?? "")
    }

    func testSaveSessionNeedsASurvPath() {
        let sh = TestShell()
        sh.run("load data/aml.csv")
        let html = tempPath("html")
        XCTAssertEqual(sh.error("save session \(html)"),
                       "error: save: 'save session' writes a transcript (a survsh script), not a .html file: '\(html)' (expected save session PATH.surv)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: html))
        XCTAssertTrue(sh.error("save session /tmp/noext").contains("not a file without extension"))
    }
}
