// ContingencyTests.swift — chi-square and Fisher's exact tests against R's chisq.test and
// fisher.test (Reference/contingency.R wrote Reference/contingency.json), plus hand cases.

import XCTest
@testable import SurvivalStats

final class ContingencyTests: XCTestCase {
    typealias J = StatsReferenceJSON

    func testChiSquareAndFisherMatchR() throws {
        let cases = J.rows(try J.load("contingency"), "cases")
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        var twoByTwo = 0
        for c in cases {
            let name = J.string(c["name"]) ?? "?"
            let counts = try XCTUnwrap(c["counts"] as? [[Any]]).map { J.doubles($0).map { Int($0) } }
            for (key, correct) in [("chisq_correct", true), ("chisq_plain", false)] {
                let ref = try XCTUnwrap(c[key] as? [String: Any])
                let r = try ContingencyTable.chiSquare(counts, correct: correct)
                assertClose(r.statistic, J.double(ref["statistic"]), rel: 1e-10, "\(name) \(key) statistic")
                XCTAssertEqual(Double(r.df), J.double(ref["df"]), "\(name) df")
                assertClose(r.p, J.double(ref["p"]), rel: 1e-8, "\(name) \(key) p")
                XCTAssertEqual(r.continuityCorrection, J.string(ref["method"])?.contains("Yates") ?? false, "\(name) \(key)")
                XCTAssertEqual(r.smallExpected, J.bool(c["small_expected"]), name)
            }
            let expected = try XCTUnwrap(c["expected"] as? [[Any]]).map { J.doubles($0) }
            let r = try ContingencyTable.chiSquare(counts)
            for (a, e) in zip(r.expected.joined(), expected.joined()) { assertClose(a, e, rel: 1e-12, "\(name) expected") }
            assertClose(try FisherExact.pValue(counts), J.double(c["fisher_p"]), rel: 1e-8, "\(name) Fisher p")
            if let ref = c["fisher_or"] as? [String: Any] {
                twoByTwo += 1
                let or = try FisherExact.oddsRatio(counts)
                let ci = J.doubles(try XCTUnwrap(ref["conf_int"] as? [Any]))
                for (label, ours, r) in [("estimate", or.estimate, J.double(ref["estimate"])), ("lower", or.lower, ci[0]), ("upper", or.upper, ci[1])] {
                    // R's uniroot stops at tol 1.2e-4; Zeroin takes R's steps, so its root is R's root.
                    assertClose(ours, try XCTUnwrap(r), rel: 1e-6, abs: 0, "\(name) odds ratio \(label)")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(twoByTwo, 7)
    }

    /// A 2 x 2 table by hand: margins (3, 3 | 3, 3), observed [[3, 0], [0, 3]] has P = 1/20; the only
    /// table as extreme is [[0, 3], [3, 0]], so p = 2/20.
    func testFisherByHand() throws {
        // The most probable table (uniform margins and counts): every table counts, p = 1 at the first node.
        XCTAssertEqual(try FisherExact.pValue([[Int]](repeating: [Int](repeating: 17, count: 6), count: 6), maxTables: 10), 1, accuracy: 1e-12)
        XCTAssertEqual(try FisherExact.pValue([[3, 0], [0, 3]]), 0.1, accuracy: 1e-15)
        XCTAssertEqual(try FisherExact.pValue([[2, 1], [1, 2]]), 1, accuracy: 1e-15)
    }

    func testBadTables() {
        XCTAssertThrowsError(try ContingencyTable.chiSquare([[1, 2]])) { XCTAssertEqual($0 as? ContingencyError, .tooSmall(rows: 1, columns: 2)) }
        XCTAssertThrowsError(try FisherExact.pValue([[1, 0], [2, 0]])) { XCTAssertEqual($0 as? ContingencyError, .emptyMargin) }
        // A 6 x 6 table of 720 needs far more nodes than a limit of 1000 (the default limit works the same way).
        let big = (0..<6).map { i in (0..<6).map { j in 5 + 6 * ((i + 2 * j) % 6) } }
        XCTAssertThrowsError(try FisherExact.pValue(big, maxTables: 1000)) { XCTAssertEqual($0 as? ContingencyError, .tooManyTables(limit: 1000)) }
    }
}
