// GroupSummaryCommandsTests.swift — `summarize ... by=` and `tabulate A B chi2 exact` end to end
// against R (Reference/output_commands.R wrote Reference/output_commands.json).

import Foundation
import XCTest

final class GroupSummaryCommandsTests: XCTestCase {
    private func reference() throws -> [String: Any] {
        let url = repoRoot.appendingPathComponent("Tests/SurvshTests/Reference/output_commands.json")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// |a - e| <= 1e-10 |e| (or both missing).
    private func close(_ a: Any?, _ e: Any?, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let x = (a as? NSNumber)?.doubleValue, y = (e as? NSNumber)?.doubleValue
        guard let y else { return XCTAssertNil(x, label, file: file, line: line) }
        guard let x else { return XCTFail("\(label): expected \(y), got NA", file: file, line: line) }
        XCTAssertLessThanOrEqual(abs(x - y), 1e-10 * abs(y), "\(label): \(x) vs \(y)", file: file, line: line)
    }

    func testSummarizeByMatchesTapply() throws {
        for c in try XCTUnwrap(reference()["summarize_by"] as? [[String: Any]]) {
            let sh = TestShell()
            sh.run("load data/\(c["dataset"] as? String ?? "").csv")
            let command = c["command"] as? String ?? ""
            let items = sh.json(command)["variables"] as? [[String: Any]] ?? []
            let groups = c["groups"] as? [[String: Any]] ?? []
            XCTAssertEqual(items.map { $0["group"] as? String }, groups.map { $0["level"] as? String }, command)
            for (item, g) in zip(items, groups) {
                XCTAssertEqual(item["n"] as? Int, g["n"] as? Int, command)
                XCTAssertEqual(item["missing"] as? Int, g["missing"] as? Int, command)
                for key in ["mean", "sd", "min", "q1", "median", "q3", "max"] {
                    close(item[key], g[key], "\(command) \(g["level"] ?? "") \(key)")
                }
            }
        }
    }

    func testTabulateTestsMatchChisqTestAndFisherTest() throws {
        for c in try XCTUnwrap(reference()["tabulate"] as? [[String: Any]]) {
            let sh = TestShell()
            sh.run("load data/\(c["dataset"] as? String ?? "").csv")
            let command = c["command"] as? String ?? ""
            let j = sh.json(command)
            for key in ["chi2", "chi2_corrected", "fisher"] {
                guard let ref = c[key] as? [String: Any] else {
                    XCTAssertNil(j[key], "\(command): R gives no \(key) for a table larger than 2 x 2")
                    continue
                }
                let got = j[key] as? [String: Any] ?? [:]
                for k in ref.keys { close(got[k], ref[k], "\(command) \(key).\(k)") }
            }
            let warned = (j["warnings"] as? [String] ?? []).contains { $0.contains("approximation may be incorrect") }
            XCTAssertEqual(warned, c["small_expected"] as? Bool, command)
        }
    }

    func testTabulateTextAndErrors() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        let out = sh.run("tabulate sex ph.ecog chi2 exact").outputLines.joined(separator: "\n")
        XCTAssertTrue(out.contains("Tests on the 227 complete rows (NA left out, as R's table())."), out)
        XCTAssertTrue(out.contains("Fisher's exact test (two-sided)"), out)
        XCTAssertEqual(sh.error("tabulate sex chi2"), "error: tabulate: 'chi2' tests a cross-table (expected tabulate A B chi2)")
        sh.run("filter sex == 1")
        XCTAssertTrue(sh.error("tabulate sex status chi2").contains("at least 2 x 2"))
        sh.run("unfilter")
        sh.run("summarize age by=sex")
        XCTAssertEqual(sh.session.lastTables?.tables.first?.header.prefix(3), ["variable", "sex", "n"])
    }

    func testFilterListAndDropOne() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        XCTAssertTrue(sh.run("filter list").outputLines.joined().contains("no filters: all 228 rows active"))
        sh.run("filter age > 50")
        sh.run("filter sex == 1")
        let listed = sh.json("filter list")["filters"] as? [[String: Any]] ?? []
        XCTAssertEqual(listed.map { $0["expression"] as? String }, ["age > 50", "sex == 1"])
        XCTAssertEqual(listed.map { $0["rows"] as? Int }, [202, 124])
        sh.run("filter drop 1")
        XCTAssertEqual(sh.session.filters.map(\.expression), ["sex == 1"])
        XCTAssertEqual(sh.session.activeRows.count, 138)
        XCTAssertEqual(sh.error("filter drop 2"),
                       "error: filter: no filter '2' to drop (expected filter drop N with N from 1 to 1 (filter list numbers them))")
        sh.run("filter drop 1")
        XCTAssertEqual(sh.session.activeRows.count, 228)
        XCTAssertTrue(sh.error("filter drop 1").contains("there are no filters to drop"))
    }
}
