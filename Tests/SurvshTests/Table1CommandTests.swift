// Table1CommandTests.swift — `table1` end to end against R: every formatted cell of the table and
// every statistic of its JSON (Reference/table1.R wrote Reference/table1.json with base R's mean, sd,
// quantile, t.test, oneway.test, wilcox.test, kruskal.test, chisq.test, fisher.test and tableone's SMDs).

import Foundation
import SurvshCore
import XCTest

final class Table1CommandTests: XCTestCase {
    private func cases() throws -> [[String: Any]] {
        let url = repoRoot.appendingPathComponent("Tests/SurvshTests/Reference/table1.json")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try XCTUnwrap(object["cases"] as? [[String: Any]])
    }

    /// |a - e| <= 1e-9 |e| + 1e-15 (both absent, or both present).
    private func close(_ a: Any?, _ e: Any?, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let x = (a as? NSNumber)?.doubleValue, y = (e as? NSNumber)?.doubleValue
        guard let y else { return XCTAssertNil(x, "\(label): R gives none", file: file, line: line) }
        guard let x else { return XCTFail("\(label): expected \(y), got none", file: file, line: line) }
        XCTAssertLessThanOrEqual(abs(x - y), 1e-9 * abs(y) + 1e-15, "\(label): \(x) vs R \(y)", file: file, line: line)
    }

    /// Every key of R's object that holds a number, compared; nested objects and arrays recursively.
    private func compare(_ got: Any?, _ ref: Any?, _ label: String) {
        switch ref {
        case let object as [String: Any]:
            guard let g = got as? [String: Any] else { return XCTFail("\(label): expected an object, got \(String(describing: got))") }
            for (k, v) in object where k != "method" { compare(g[k], v, "\(label).\(k)") }
        case let array as [Any]:
            guard let g = got as? [Any], g.count == array.count else {
                return XCTFail("\(label): expected \(array.count) items, got \(String(describing: got))")
            }
            for (i, v) in array.enumerated() { compare(g[i], v, "\(label)[\(i)]") }
        case let s as String:
            XCTAssertEqual(got as? String, s, label)
        case nil, is NSNull:
            if let g = got, !(g is NSNull) { XCTFail("\(label): R gives null, got \(g)") }
        default:
            close(got, ref, label)   // numbers, and booleans as 0/1
        }
    }

    func testEveryCellAndStatisticMatchesR() throws {
        for c in try cases() {
            let sh = TestShell()
            sh.run("load data/\(c["dataset"] as? String ?? "").csv")
            for line in c["setup"] as? [String] ?? [] { sh.run(line) }
            let command = try XCTUnwrap(c["command"] as? String)
            let j = sh.json(command)
            XCTAssertEqual(j["n"] as? Int, c["n"] as? Int, command)
            XCTAssertEqual(j["group"] as? String, c["group"] as? String, command)
            compare(j["groups"], c["groups"], "\(command) groups")
            let variables = j["variables"] as? [[String: Any]] ?? []
            let expected = c["variables"] as? [[String: Any]] ?? []
            XCTAssertEqual(variables.map { $0["name"] as? String }, expected.map { $0["name"] as? String }, command)
            for (v, e) in zip(variables, expected) { compare(v, e, "\(command) \(e["name"] ?? "")") }
            let table = try XCTUnwrap(sh.session.lastTables?.tables.first, command)
            XCTAssertEqual(table.header, c["header"] as? [String], command)
            let rows = c["rows"] as? [[String]] ?? []
            XCTAssertEqual(table.rows.count, rows.count, command)
            for (got, want) in zip(table.rows, rows) { XCTAssertEqual(got, want, command) }
        }
    }
}

extension Table1CommandTests {
    /// The default columns: all but the group, the declared outcome, dates and identifiers.
    func testDefaultColumnsAndRules() {
        let sh = TestShell()
        sh.run("load data/net_liver_mets.csv")
        sh.run("survival months died")
        let j = sh.json("table1 ~ sex")
        XCTAssertEqual((j["variables"] as? [[String: Any]])?.compactMap { $0["name"] as? String },
                       ["age", "primary_site", "primary_size_cm", "mitoses_primary", "mitoses_liver", "ki67_primary",
                        "ki67_liver", "sstr_primary", "sstr_liver", "cea_primary"])
        let notShown = (j["not_shown"] as? [[String: Any]] ?? []).map { ($0["reason"] as? String ?? "", $0["columns"] as? [String] ?? []) }
        XCTAssertEqual(notShown.map(\.0), ["the outcome", "dates", "identifiers"])
        XCTAssertEqual(notShown.map(\.1), [["died", "months"], ["resection_date", "last_followup_date"], ["id"]])
        // cat= and cont= override the rule; nonnormal=all / none replace the skewness rule
        sh.run("generate m7 = (mitoses_primary > 0) + (mitoses_primary > 1) + (mitoses_primary > 2) + (mitoses_primary > 3) + (mitoses_primary > 5) + (mitoses_primary > 8)")
        let forced = sh.json("table1 ~ sex age m7 cat=m7 nonnormal=all")
        let kinds = (forced["variables"] as? [[String: Any]] ?? []).map { ($0["type"] as? String ?? "", $0["nonnormal"] as? Bool) }
        XCTAssertEqual(kinds.map(\.0), ["continuous", "categorical"])
        XCTAssertEqual(kinds.first?.1, true)
        let none = sh.json("table1 ~ sex ki67_liver nonnormal=none")
        XCTAssertEqual(((none["variables"] as? [[String: Any]])?.first?["test"] as? [String: Any])?["name"] as? String, "t-test")
        // no group: the overall column only, no tests
        let text = sh.run("table1 age sex").outputLines.joined(separator: "\n")
        XCTAssertTrue(text.hasPrefix("Table 1: 70 rows\nvariable"), text)
        XCTAssertFalse(text.contains("\np: ") || text.contains("p, categorical"), text)
        XCTAssertEqual(sh.session.lastTables?.tables.first?.header, ["variable", "Overall", "missing"])
        let grouped = sh.run("table1 ~ sex age").outputLines.joined(separator: "\n")
        XCTAssertTrue(grouped.contains("\np: t-test with equal variances") && !grouped.contains("p, categorical"), grouped)
    }

    func testExportsAndMissingGroup() throws {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        sh.run("generate g = ph.ecog")
        let j = sh.json("table1 ~ g age")
        XCTAssertEqual(j["dropped_missing_group"] as? Int, 1)
        XCTAssertEqual(j["n"] as? Int, 227)
        let text = sh.run("table1 ~ g age").outputLines.joined(separator: "\n")
        XCTAssertTrue(text.contains("1 row with a missing g left out."), text)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("table1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        sh.run("table1 ~ sex age ph.ecog")
        for ext in ["md", "csv", "tex", "html"] {
            sh.run("export \(dir.path)/t.\(ext)")
            let written = try String(contentsOf: dir.appendingPathComponent("t.\(ext)"), encoding: .utf8)
            XCTAssertTrue(written.contains("62.45 (9.07)"), ext)
        }
        let html = try String(contentsOf: dir.appendingPathComponent("t.html"), encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<table>\n<caption>Table 1: 228 rows by sex</caption>\n<thead>\n<tr><th style=\"text-align:left\">variable</th>"), html)
        XCTAssertTrue(html.contains("<td style=\"text-align:right\">62.45 (9.07)</td>"), html)
        XCTAssertTrue(html.contains("<tfoot>\n<tr><td colspan=\"7\">Continuous: mean (SD)"), html)
        sh.run("table1 ~ sex meal.cal")
        sh.run("export \(dir.path)/p.html")
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("p.html"), encoding: .utf8).contains("975.00 [635.00, 1150.00]"))
        let escaped = ResultTable(title: "a<b", header: ["x", "p"], rows: [["y & \"z\"", "<0.001"]]).html()
        XCTAssertTrue(escaped.contains("<caption>a&lt;b</caption>"), escaped)
        XCTAssertTrue(escaped.contains(">y &amp; &quot;z&quot;</td><td style=\"text-align:right\">&lt;0.001</td></tr>"), escaped)
        XCTAssertFalse(escaped.contains("<tfoot>"), escaped)
        let tex = ResultTable(title: "t", header: ["a_b & 50% <x> ~^\\ – {#$}"], rows: []).latex()
        XCTAssertTrue(tex.contains("a\\_b \\& 50\\% $<$x$>$ \\textasciitilde{}\\textasciicircum{}\\textbackslash{} -- \\{\\#\\$\\} \\\\"), tex)
    }

    func testBadInput() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        XCTAssertEqual(sh.error("table1 ~"), "error: table1: missing the grouping column after '~' (expected table1 [~ GROUP] [COLUMNS...])")
        XCTAssertEqual(sh.error("table1 ~ age"), "error: table1: grouping column 'age' has 42 levels among the rows used (expected 2 to 20 levels)")
        XCTAssertEqual(sh.error("table1 ~ sex nonnormal=ph.ecog"),
                       "error: table1: nonnormal=: 'ph.ecog' is categorical here (expected continuous columns (cont=ph.ecog treats it as continuous))")
        XCTAssertEqual(sh.error("table1 ~ sex cat=age cont=age"), "error: table1: 'age' is in both cat= and cont= (expected each column in one of them)")
        XCTAssertEqual(sh.error("table1 age smd"), "error: table1: 'smd' compares groups (expected table1 ~ GROUP ... smd)")
        XCTAssertTrue(sh.error("table1 ~ sex sex").hasPrefix("error: table1: 'sex' is the grouping column"))
        XCTAssertTrue(sh.error("table1 ~ sex age cat=wt.loss").hasPrefix("error: table1: cat=: 'wt.loss' is not one of the table's columns"))
        sh.run("filter sex == 1")
        XCTAssertTrue(sh.error("table1 ~ sex").contains("has 1 level among the rows used"))
        sh.run("filter age > 200")
        XCTAssertTrue(sh.error("table1 age").hasPrefix("error: table1: no rows to summarise"))
        // a group with no values of a variable: no p-value, a warning, no crash
        sh.run("unfilter")
        sh.run("generate w = ifelse(sex == 1, wt.loss, NA)")
        let j = sh.json("table1 ~ sex w")
        XCTAssertTrue(((j["variables"] as? [[String: Any]])?.first?["test"]) is NSNull)
        XCTAssertTrue((j["warnings"] as? [String] ?? []).contains { $0.contains("no p-value: a group has no values") })
    }
}
