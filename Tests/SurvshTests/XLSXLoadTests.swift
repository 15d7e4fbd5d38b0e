// XLSXLoadTests.swift — `load PATH.xlsx` in the shell: km, logrank and cox on a workbook written by
// R's openxlsx (Tests/SurvshCoreTests/Fixtures/xlsx/write_fixtures.R) give the results the CSV gives,
// and bad workbooks and options are one-line errors that leave the shell going.

import XCTest

final class XLSXLoadTests: XCTestCase {
    let fixtures = "Tests/SurvshCoreTests/Fixtures/xlsx"

    /// The JSON of each analysis after loading `file`, with the `load` result left out.
    func results(_ file: String, _ commands: [String]) -> [NSDictionary] {
        let sh = TestShell()
        sh.run("load \(file)")
        return commands.map { sh.json($0) as NSDictionary }
    }

    func testAnalysesOnWorkbooksEqualTheCSVs() {
        let lung = ["km Surv(time, status) ~ sex", "logrank Surv(time, status) ~ sex",
                    "cox Surv(time, status) ~ age + sex + ph.ecog + wt.loss"]
        let fromCSV = results("data/lung.csv", lung)
        XCTAssertEqual(results("\(fixtures)/lung.xlsx", lung), fromCSV)
        XCTAssertFalse(fromCSV.isEmpty)
        XCTAssertEqual((fromCSV[2]["n"] as? Int), 213) // rows with every term present: the test compares real fits
        let net = ["km Surv(months, died) ~ primary_site", "cox Surv(months, died) ~ age + sex + primary_site + ki67_primary"]
        XCTAssertEqual(results("\(fixtures)/net.xlsx", net), results("data/net_liver_mets.csv", net))
    }

    /// CSV -> save .xlsx -> load: the same frame (names, types, values, missing cells, levels).
    func testSaveXLSXThenLoadGivesTheSameFrame() {
        for file in ["lung", "net_liver_mets", "veteran"] {
            let sh = TestShell()
            sh.run("load data/\(file).csv")
            let original = sh.session.frame
            let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("rt-\(UUID().uuidString).xlsx").path
            defer { try? FileManager.default.removeItem(atPath: tmp) }
            XCTAssertEqual(sh.json("save \(tmp)")["format"] as? String, "Excel .xlsx")
            sh.run("load \(tmp)")
            XCTAssertEqual(sh.session.frame.columns.map(\.name), original.columns.map(\.name), file)
            for (a, b) in zip(sh.session.frame.columns, original.columns) { XCTAssertTrue(a == b, "\(file).\(a.name)") }
        }
    }

    func testLoadReportsTheSheet() {
        let sh = TestShell()
        let j = sh.json("load \(fixtures)/sheets.xlsx sheet=second range=B3:D7")
        XCTAssertEqual(j["rows"] as? Int, 4)
        XCTAssertEqual(j["format"] as? String, "Excel .xlsx, sheet 'second', cells B3:D7")
        XCTAssertEqual((j["types"] as? [String: String])?["months"], "real")
    }

    func testBadWorkbooksAreOneLineErrors() {
        let sh = TestShell()
        let cases: [(String, String)] = [
            ("load \(fixtures)/sheets.xlsx sheet=third",
             "error: load: \(fixtures)/sheets.xlsx: no sheet 'third'; the workbook's sheets are 'first', 'second'"),
            ("load \(fixtures)/encrypted.xlsx", "a password-protected (encrypted) Excel workbook"),
            ("load \(fixtures)/nosheets.xlsx", "the workbook has no sheets"),
            ("load \(fixtures)/truncated.xlsx", "the zip archive is damaged or truncated (ZIPFoundation says:"),
            ("load \(fixtures)/sheets.xlsx range=A1-B2", "error: load: range=A1-B2 is not a cell range"),
            ("load data/lung.csv sheet=2", "error: load: sheet= and range= apply to Excel workbooks only"),
        ]
        for (line, message) in cases {
            let e = sh.error(line)
            XCTAssertTrue(e.contains(message), "\(line): \(e)")
            XCTAssertFalse(e.contains("\n"), line)
        }
        sh.run("load \(fixtures)/lung.xlsx") // the shell goes on
    }
}
