// WilcoxonTests.swift — Wilcoxon signed-rank and rank-sum tests, and their exact null distributions,
// against R's wilcox.test / psignrank / pwilcox (Reference/ttests.json, from ttests.R).
//
// Tolerance: statistic within 1e-10 relative; p-values within 1e-10 relative or 1e-12 absolute.
// R's method text and warnings must match verbatim.

import XCTest
@testable import SurvivalStats

final class WilcoxonTests: XCTestCase {
    private typealias J = StatsReferenceJSON
    private let rel = 1e-10
    private let abs = 1e-12

    private func reference() throws -> [String: Any] {
        try J.load("ttests")
    }

    func testMatchesR() throws {
        let cases = J.rows(try reference(), "wilcoxon")
        XCTAssertGreaterThanOrEqual(cases.count, 8)
        for c in cases {
            let name = J.string(c["name"]) ?? "?"
            let r = c["result"] as! [String: Any]
            let x = J.doubles(c["x"])
            let y = c["y"].flatMap { $0 is NSNull ? nil : J.doubles($0) }
            let mu = J.double(c["mu"]) ?? 0
            let alternative = TestAlternative(rawValue: J.string(c["alternative"]) ?? "")!
            let exact: Bool? = (c["exact"] == nil || c["exact"] is NSNull) ? nil : J.bool(c["exact"])
            let correct = J.bool(c["correct"])
            let result: WilcoxonResult
            if let y {
                if J.bool(c["paired"]) {
                    result = try Wilcoxon.signedRank(paired: x, y, mu: mu, alternative: alternative,
                                                     exact: exact, correct: correct)
                } else {
                    result = try Wilcoxon.rankSum(x, y, mu: mu, alternative: alternative, exact: exact, correct: correct)
                }
            } else {
                result = try Wilcoxon.signedRank(x, mu: mu, alternative: alternative, exact: exact, correct: correct)
            }
            XCTAssertEqual(result.kind.rawValue, J.string(c["kind"]), name)
            XCTAssertEqual(result.method, J.string(r["method"]), name)
            XCTAssertEqual(result.statisticName, J.string(r["statistic_name"]), name)
            assertClose(result.statistic, J.double(r["statistic"]), rel: rel, abs: 0, "\(name): statistic")
            assertClose(result.p, J.double(r["p"]), rel: rel, abs: abs, "\(name): p")
            let warnings = (r["warnings"] as? [Any])?.compactMap { $0 as? String } ?? []
            XCTAssertEqual(result.warnings, warnings, name)
        }
    }

    func testSignedRankDistributionMatchesR() throws {
        let rows = J.rows(try reference(), "psignrank")
        XCTAssertGreaterThan(rows.count, 20)
        for row in rows {
            let q = J.double(row["q"])!, n = Int(J.double(row["n"])!)
            let d = SignedRankDistribution(n: n)
            assertClose(d.cdf(q), J.double(row["lower"]), rel: 1e-12, abs: 1e-300, "psignrank(\(q), \(n))")
            assertClose(d.sf(q), J.double(row["upper"]), rel: 1e-12, abs: 1e-300, "psignrank(\(q), \(n), lower=FALSE)")
        }
    }

    func testRankSumDistributionMatchesR() throws {
        let rows = J.rows(try reference(), "pwilcox")
        XCTAssertGreaterThan(rows.count, 5)
        for row in rows {
            let q = J.double(row["q"])!, m = Int(J.double(row["m"])!), n = Int(J.double(row["n"])!)
            let d = RankSumDistribution(m: m, n: n)
            assertClose(d.cdf(q), J.double(row["lower"]), rel: 1e-12, abs: 1e-300, "pwilcox(\(q), \(m), \(n))")
            assertClose(d.sf(q), J.double(row["upper"]), rel: 1e-12, abs: 1e-300, "pwilcox(\(q), \(m), \(n), lower=FALSE)")
        }
    }

    func testHandCountedDistributions() {
        // n = 3: subset sums of {1,2,3}: 0,1,2,3,3,4,5,6 → P(V ≤ 3) = 5/8.
        XCTAssertEqual(SignedRankDistribution(n: 3).cdf(3), 5.0 / 8)
        // m = n = 2: W ∈ {0,1,2,2,3,4} over C(4,2) = 6 orderings → P(W ≤ 1) = 2/6.
        assertClose(RankSumDistribution(m: 2, n: 2).cdf(1), 2.0 / 6, rel: 1e-15, abs: 0, "pwilcox(1, 2, 2)")
        XCTAssertEqual(RankSumDistribution(m: 2, n: 2).sf(4), 0)
    }

    func testErrors() {
        XCTAssertThrowsError(try Wilcoxon.signedRank([.nan])) { error in
            XCTAssertEqual((error as? WilcoxonError)?.description, "not enough (non-missing) 'x' observations")
        }
        XCTAssertThrowsError(try Wilcoxon.rankSum([1, 2], [.nan])) { error in
            XCTAssertEqual((error as? WilcoxonError)?.description, "not enough 'y' observations")
        }
        XCTAssertThrowsError(try Wilcoxon.signedRank(paired: [1, 2], [1]))
        XCTAssertThrowsError(try Wilcoxon.signedRank([1, 2], mu: .infinity))
    }

    func testAllZeroDifferencesGiveNaNWithRWarnings() throws {
        // R: V = 0, p = NaN, with the zeroes warning.
        let r = try Wilcoxon.signedRank(paired: [1, 2, 3], [1, 2, 3])
        XCTAssertEqual(r.statistic, 0)
        XCTAssertTrue(r.p.isNaN)
        XCTAssertEqual(r.warnings, [Wilcoxon.zeroesWarning])
    }
}
