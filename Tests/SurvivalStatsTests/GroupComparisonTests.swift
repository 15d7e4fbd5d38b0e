// GroupComparisonTests.swift — OneWayANOVA, KruskalWallis, StandardizedDifference and
// Moments.skewness on cases done by hand, and cross-checks with the two-sample tests
// (F = t² of the pooled t-test; Kruskal–Wallis H = z² of the rank-sum normal approximation without
// continuity correction). R's values on real data: Tests/SurvshTests/Table1CommandTests (table1.R).

import XCTest
@testable import SurvivalStats

final class GroupComparisonTests: XCTestCase {
    let a: [Double] = [1, 2, 3], b: [Double] = [4, 5, 6]

    func testANOVAByHand() throws {
        // means 2 and 5, grand mean 3.5: SSB = 2 · 3 · 1.5² = 13.5 on 1 df, SSW = 4 on 4 df: F = 13.5.
        let r = try OneWayANOVA.test([a, b])
        assertClose(r.f, 13.5, rel: 1e-14, "F")
        XCTAssertEqual([r.df1, r.df2], [1, 4])
        let t = try TTest.twoSample(a, b, varEqual: true)
        assertClose(r.f, t.t * t.t, rel: 1e-13, "F = t²")
        assertClose(r.p, t.p, rel: 1e-12, "p of F = p of pooled t")
    }

    func testKruskalWallisByHand() throws {
        // rank sums 6 and 15: H = 12 (36/3 + 225/3) / 42 − 21 = 27/7.
        let r = try KruskalWallis.test([a, b])
        assertClose(r.statistic, 27.0 / 7.0, rel: 1e-14, "H")
        XCTAssertEqual(r.df, 1)
        XCTAssertEqual(r.meanRanks, [2, 5])
        // With ties: H equals z² of the rank-sum test's normal approximation without correction.
        let x: [Double] = [1, 2, 2, 3, 5, 5], y: [Double] = [2, 4, 5, 6, 6, 7, 8]
        let w = try Wilcoxon.rankSum(x, y, exact: false, correct: false)
        let h = try KruskalWallis.test([x, y])
        assertClose(h.statistic, w.z! * w.z!, rel: 1e-12, "H = z²")
        assertClose(h.p, w.p, rel: 1e-10, "p")
    }

    func testGroupTestErrors() {
        XCTAssertThrowsError(try OneWayANOVA.test([a])) { XCTAssertEqual($0 as? GroupTestError, .tooFewGroups(1)) }
        XCTAssertThrowsError(try KruskalWallis.test([a, []])) { XCTAssertEqual($0 as? GroupTestError, .emptyGroup(1)) }
        XCTAssertThrowsError(try OneWayANOVA.test([[1], [2]])) { XCTAssertEqual($0 as? GroupTestError, .notEnoughObservations) }
        XCTAssertThrowsError(try OneWayANOVA.test([[1, 1], [2, 2]])) { XCTAssertEqual($0 as? GroupTestError, .constantData) }
        XCTAssertThrowsError(try KruskalWallis.test([[3, 3], [3]])) { XCTAssertEqual($0 as? GroupTestError, .constantData) }
    }

    func testStandardizedDifferencesByHand() {
        // |2 − 5| / sqrt((1 + 1) / 2) = 3
        let c = StandardizedDifference.continuous([a, b])
        assertClose(c.mean, 3, rel: 1e-14, "continuous")
        // binary: p = 1/4 and 3/4: 0.5 / sqrt((3/16 + 3/16) / 2)
        let bin = StandardizedDifference.categorical([[3, 1], [1, 3]])
        assertClose(bin.mean, 0.5 / (3.0 / 16).squareRoot(), rel: 1e-13, "binary")
        // a level absent from both groups changes nothing; three groups give three pairs and their mean
        assertClose(StandardizedDifference.categorical([[3, 1], [0, 0], [1, 3]]).mean, bin.mean, rel: 1e-13, "empty level")
        let three = StandardizedDifference.continuous([a, b, [7, 8, 9]])
        XCTAssertEqual(three.pairwise.count, 3)
        assertClose(three.pairwise[1], 6, rel: 1e-14, "groups 1 and 3")
        assertClose(three.mean, 4, rel: 1e-14, "mean of 3, 6, 3")
    }

    func testSkewnessByHand() {
        // 1, 2, 3, 10: deviations −3 −2 −1 6, m2 = 12.5, m3 = 45
        assertClose(Moments.skewness([1, 2, 3, 10]), 45 / pow(12.5, 1.5), rel: 1e-14, "g1")
        XCTAssertTrue(Moments.skewness([4, 4, 4]).isNaN)
        XCTAssertTrue(Moments.skewness([4]).isNaN)
    }
}
