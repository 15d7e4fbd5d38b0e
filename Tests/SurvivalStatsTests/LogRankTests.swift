// LogRank against R's survdiff (Reference/km_logrank.json from Reference/km_logrank.R) and by hand.
// Tolerance: every number within 1e-8 relative (+1e-12 absolute) of R's.
import Foundation
import XCTest
@testable import SurvivalStats

final class LogRankTests: XCTestCase {
    let rel = 1e-8
    let abs = 1e-12
    /// The methods `logrank adjust=` offers (the reference JSON has R's values for these).
    static let pairwiseAdjustMethods: [PAdjust.Method] = [.holm, .hochberg, .bonferroni, .bh, .by, .none]

    func testAllReferenceCasesMatchR() throws {
        let reference = try KMReference.load()
        let cases = reference.objects("logrank")
        XCTAssertGreaterThanOrEqual(cases.count, 25)
        for c in cases { try checkCase(c) }
    }

    private func checkCase(_ c: KMRefObject) throws {
        let name = c.string("name")
        let decoded = EventCoding.decode(c.values("status"))
        let events = decoded.events.map { $0! }
        let labels = c.strings("group_labels")
        let k = labels.count
        let strata: [Int32]? = c.has("strata") ? c.ints("strata") : nil
        let stratumCount = c.strings("strata_labels").count
        let rho = c.double("rho") ?? 0
        let result = try LogRank.test(time: c.values("time"), event: events, group: c.ints("group"),
                                      groupCount: k, strata: strata, stratumCount: max(stratumCount, 1), rho: rho)
        let r = c.object("result")!
        XCTAssertEqual(result.n.map(Double.init), r.values("n"), "\(name) n")
        let obs = r.doubles("observed"), exp = r.doubles("expected")
        for g in 0..<k {
            assertClose(result.observed[g], obs[g], rel: rel, abs: abs, "\(name) observed[\(g)]")
            assertClose(result.expected[g], exp[g], rel: rel, abs: abs, "\(name) expected[\(g)]")
        }
        let v = r.matrix("variance")
        for a in 0..<k {
            for b in 0..<k {
                assertClose(result.variance[a][b], v[a][b], rel: rel, abs: 1e-10, "\(name) var[\(a),\(b)]")
            }
        }
        if r.has("observed_by_stratum") {
            let os = r.matrix("observed_by_stratum"), es = r.matrix("expected_by_stratum")
            XCTAssertEqual(result.observedByStratum.count, os.count, "\(name) strata")
            for s in 0..<min(os.count, result.observedByStratum.count) {
                for g in 0..<k {
                    assertClose(result.observedByStratum[s][g], os[s][g], rel: rel, abs: abs, "\(name) obs[\(s)][\(g)]")
                    assertClose(result.expectedByStratum[s][g], es[s][g], rel: rel, abs: abs, "\(name) exp[\(s)][\(g)]")
                }
            }
        }
        assertClose(result.chisq, r.double("chisq"), rel: rel, abs: abs, "\(name) chisq")
        XCTAssertEqual(result.df, r.int("df"), "\(name) df")
        assertClose(result.p, r.double("p"), rel: rel, abs: abs, "\(name) p")

        let t = c.object("trend")!
        let trend = try LogRank.trend(result, scores: t.values("scores"))
        assertClose(trend.statistic, t.double("u"), rel: rel, abs: 1e-10, "\(name) trend U")
        assertClose(trend.variance, t.double("v"), rel: rel, abs: 1e-10, "\(name) trend V")
        assertClose(trend.chisq, t.double("chisq"), rel: rel, abs: abs, "\(name) trend chisq")
        assertClose(trend.p, t.double("p"), rel: rel, abs: abs, "\(name) trend p")
        if c.values("scores").isEmpty, k > 0, t.values("scores") == (1...k).map(Double.init) {
            let defaultTrend = try LogRank.trend(result)
            assertClose(defaultTrend.chisq, t.double("chisq"), rel: rel, abs: abs, "\(name) default scores")
        }

        if let pw = c.object("pairwise") {
            let a = pw.ints("a"), b = pw.ints("b"), chisq = pw.doubles("chisq"), p = pw.doubles("p")
            let adjusted = pw.object("adjusted")!
            for method in Self.pairwiseAdjustMethods {
                let pairs = try LogRank.pairwise(time: c.values("time"), event: events, group: c.ints("group"),
                                                 groupCount: k, strata: strata,
                                                 stratumCount: max(stratumCount, 1), rho: rho, adjust: method)
                XCTAssertEqual(pairs.count, a.count, "\(name) pairs")
                let expectedAdjusted = adjusted.doubles(method.rawValue)
                for (i, pair) in pairs.enumerated() where i < a.count {
                    XCTAssertEqual(Int32(pair.groupA), a[i], "\(name) pair \(i) a")
                    XCTAssertEqual(Int32(pair.groupB), b[i], "\(name) pair \(i) b")
                    assertClose(pair.chisq, chisq[i], rel: rel, abs: abs, "\(name) pair \(i) chisq")
                    assertClose(pair.p, p[i], rel: rel, abs: abs, "\(name) pair \(i) p")
                    assertClose(pair.pAdjusted, expectedAdjusted[i], rel: rel, abs: abs,
                                "\(name) pair \(i) p \(method.rawValue)")
                }
            }
        }

        // explain rows add up to the totals
        let explained = try LogRank.explain(time: c.values("time"), event: events, group: c.ints("group"),
                                            groupCount: k, strata: strata, stratumCount: max(stratumCount, 1),
                                            rho: rho)
        for g in 0..<k {
            let oe = explained.rows.reduce(0) { $0 + $1.observedMinusExpected[g] }
            let vv = explained.rows.reduce(0) { $0 + $1.variance[g] }
            assertClose(oe, result.observed[g] - result.expected[g], rel: 1e-9, abs: 1e-9, "\(name) explain O-E")
            assertClose(vv, result.variance[g][g], rel: 1e-9, abs: 1e-9, "\(name) explain V")
        }
    }

    /// Two groups by hand (exact fractions):
    ///   group 1: 1 (event), 3 (event), 5 (censored);   group 2: 2 (event), 3 (censored), 4 (event)
    ///   t  n1 n2  n  d(group)  E1 = d·n1/n   V = d(n−d)/(n−1)·(n1/n)(n2/n)
    ///   1   3  3  6  1 (g1)    1/2           1·5/5·(1/2)(1/2) = 1/4
    ///   2   2  3  5  1 (g2)    2/5           1·4/4·(2/5)(3/5) = 6/25
    ///   3   2  2  4  1 (g1)    1/2           (the censoring at 3 is still at risk) 1/4
    ///   4   1  1  2  1 (g2)    1/2           1/4
    ///   O1 = 2, E1 = 19/10, O1 − E1 = 1/10, V = 99/100, chisq = (1/100)/(99/100) = 1/99.
    ///   rho = 1 (weights S(t−) = 1, 5/6, 2/3, 1/2 from the pooled KM):
    ///   O1 = 1 + 2/3 = 5/3; E1 = 1/2 + (5/6)(2/5) + (2/3)(1/2) + (1/2)(1/2) = 17/12;
    ///   V = 1/4 + (25/36)(6/25) + (4/9)(1/4) + (1/4)(1/4) = 85/144;  chisq = (1/4)²/(85/144) = 9/85.
    func testTwoGroupsByHand() throws {
        let time: [Double] = [1, 2, 3, 3, 4, 5]
        let event = [true, true, true, false, true, false]
        let group: [Int32] = [0, 1, 0, 1, 1, 0]
        let r = try LogRank.test(time: time, event: event, group: group, groupCount: 2)
        assertClose(r.observed[0], 2, rel: 1e-14, "O1")
        assertClose(r.expected[0], 19.0 / 10, rel: 1e-14, "E1")
        assertClose(r.expected[1], 21.0 / 10, rel: 1e-14, "E2")
        assertClose(r.variance[0][0], 99.0 / 100, rel: 1e-14, "V11")
        assertClose(r.variance[0][1], -99.0 / 100, rel: 1e-14, "V12")
        assertClose(r.chisq, 1.0 / 99, rel: 1e-13, "chisq")
        XCTAssertEqual(r.df, 1)
        let peto = try LogRank.test(time: time, event: event, group: group, groupCount: 2, rho: 1)
        assertClose(peto.observed[0], 5.0 / 3, rel: 1e-14, "O1 rho=1")
        assertClose(peto.expected[0], 17.0 / 12, rel: 1e-14, "E1 rho=1")
        assertClose(peto.variance[0][0], 85.0 / 144, rel: 1e-14, "V rho=1")
        assertClose(peto.chisq, 9.0 / 85, rel: 1e-13, "chisq rho=1")
        let ex = try LogRank.explain(time: time, event: event, group: group, groupCount: 2)
        XCTAssertEqual(ex.rows.map(\.time), [1, 2, 3, 4])
        XCTAssertEqual(ex.rows.map(\.nRisk), [6, 5, 4, 2])
        assertClose(ex.rows[1].observedMinusExpected[0], -2.0 / 5, rel: 1e-14, "O-E at 2")
        assertClose(ex.rows[1].variance[0], 6.0 / 25, rel: 1e-14, "V at 2")
        // with two groups the trend test is the log-rank test
        let trend = try LogRank.trend(r)
        assertClose(trend.chisq, r.chisq, rel: 1e-12, "trend = log-rank for k = 2")
    }

    /// Without tied event times the log-rank chi-square equals the Cox score test; here we check
    /// the simpler identity that stratifying by a constant changes nothing.
    func testStratumConstantIsUnstratified() throws {
        var rng = SplitMix64(seed: 5)
        let n = 500
        let time = (0..<n).map { _ in Double(rng.next() % 200) }
        let event = (0..<n).map { _ in rng.next() % 2 == 0 }
        let group = (0..<n).map { _ in Int32(rng.next() % 4) }
        let a = try LogRank.test(time: time, event: event, group: group, groupCount: 4)
        let b = try LogRank.test(time: time, event: event, group: group, groupCount: 4,
                                 strata: [Int32](repeating: 0, count: n), stratumCount: 1)
        let c = try LogRank.test(time: time, event: event, group: group, groupCount: 4,
                                 strata: [Int32](repeating: 1, count: n), stratumCount: 3)
        assertClose(a.chisq, b.chisq, rel: 1e-13, "constant stratum")
        assertClose(a.chisq, c.chisq, rel: 1e-13, "constant stratum, unused codes")
    }

    func testInputErrors() {
        XCTAssertThrowsError(try LogRank.test(time: [1, 2], event: [true, true], group: [0], groupCount: 2))
        XCTAssertThrowsError(try LogRank.test(time: [1, 2], event: [true, true], group: [0, 5], groupCount: 2))
        XCTAssertThrowsError(try LogRank.test(time: [1, 2], event: [true, true], group: [0, 1], groupCount: 2,
                                              rho: -1))
        let r = try? LogRank.test(time: [1, 2], event: [true, true], group: [0, 1], groupCount: 2)
        XCTAssertNotNil(r)
    }
}
