// FormulaExpressionTests.swift — expressions in formulas: their names as R's deparse() writes them
// (Reference/deparse.json, written by Reference/deparse.R), how Formula.parse splits terms around
// them, and the formula operators R refuses as arithmetic.

import Foundation
@testable import SurvshCore
import XCTest

final class FormulaExpressionTests: XCTestCase {
    struct Case: Decodable { let input: String; let deparsed: String }
    struct Reference: Decodable { let cases: [Case] }

    func testDeparseAsR() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/deparse.json")
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        XCTAssertGreaterThan(ref.cases.count, 30)
        for c in ref.cases {
            XCTAssertEqual(try ExpressionParser.parse(c.input, command: "test").deparsed, c.deparsed, c.input)
        }
    }

    func testExpressionsBecomeNamedDerivedColumns() throws {
        let f = try Formula.parse("Surv(time/365.25, status %in% c(1,2)) ~ log(pgr+1) + I(age^2):sex + factor(grade>2) + strata(nodes > 3) + cluster(pid)",
                                  command: "cox")
        XCTAssertEqual(f.surv, SurvSpec(start: nil, time: "time/365.25", event: "status %in% c(1, 2)"))
        XCTAssertEqual(f.terms.map(\.label), ["log(pgr + 1)", "factor(grade > 2)", "I(age^2):sex"])
        XCTAssertEqual(f.strata, ["nodes > 3"])
        XCTAssertEqual(f.cluster, "pid")
        XCTAssertEqual(f.derived.map(\.name), ["time/365.25", "status %in% c(1, 2)", "log(pgr + 1)", "I(age^2)",
                                               "grade > 2", "nodes > 3"])
        XCTAssertEqual(f.covariateColumns, ["log(pgr + 1)", "grade > 2", "I(age^2)", "sex", "nodes > 3", "pid"])
        // '*' and ':' inside a call are arithmetic, not crossing
        XCTAssertEqual(try Formula.parse("~ I(a*b) + log(x):y", command: "cox").terms.map(\.label), ["I(a * b)", "log(x):y"])
        XCTAssertEqual(try Formula.parse("~ a*log(b)", command: "cox").terms.map(\.label), ["a", "log(b)", "a:log(b)"])
    }

    func testFormulaOperatorsAreNotArithmetic() {
        for (text, op) in [("~ age/10", "/"), ("~ age^2", "^"), ("~ age - 1", "-"), ("~ -age", "-")] {
            XCTAssertThrowsError(try Formula.parse(text, command: "cox"), text) { e in
                let msg = (e as? SurvshError)?.description ?? ""
                XCTAssertTrue(msg.contains("in a formula '\(op)' means"), msg)
                XCTAssertTrue(msg.contains("wrap arithmetic in I()"), msg)
            }
        }
        XCTAssertThrowsError(try Formula.parse("Surv(time, status == ) ~ age", command: "km"))
    }

    func testMaterializedColumnsAreLogicalForComparisons() throws {
        let s = Session(registry: Registry([]), sink: CapturingSink())
        s.replaceData(DataFrame(columns: [Column(name: "age", storage: .real([40, 60, 70])),
                                          Column(name: "status", storage: .integer([0, 2, 1]), missing: MissingMask(words: [4], count: 3))]),
                      file: nil)
        let f = try Formula.parse("Surv(age, status == 2) ~ I(age/10) + I(age > 50)", command: "cox")
        _ = try SurvivalResponse.resolve(f, session: s, command: "cox")
        let event = try s.column("status == 2", for: "cox")
        XCTAssertEqual(event.storage, .boolean([false, true, false]))
        XCTAssertEqual(event.missing[2], true)
        XCTAssertEqual(try s.column("I(age/10)", for: "cox").storage, .real([4, 6, 7]))
        XCTAssertEqual(try s.column("I(age > 50)", for: "cox").storage, .boolean([false, true, true]))
        // model columns last one line
        s.execute("# next line", source: .interactive)
        s.execute("help", source: .interactive)
        XCTAssertThrowsError(try s.column("I(age/10)", for: "cox"))
    }
}
