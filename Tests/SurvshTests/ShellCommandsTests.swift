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
}
