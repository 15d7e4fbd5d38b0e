// PropertyTests.swift — properties of the numerics over many seeded random data sets (issue 14):
// the Kaplan–Meier curve is non-increasing in [0, 1] inside its CI; the log-rank chi-square does not
// change when the groups are relabelled or the times rescaled; Cox coefficients do not change with the
// row order and scale inversely with a covariate; a t-test's one-sided p-values are symmetric; quantile
// rules are monotone in p. Small generators with a fixed seed (SplitMix64), so a failure reproduces;
// the failing case is printed with its seed.

import Foundation
import SurvivalStats
import XCTest

/// A random right-censored data set: times with ties (rounded), censoring, groups, covariates.
struct SurvivalSample {
    var time: [Double], event: [Bool], group: [Int32], groups: Int, x: [[Double]]

    static func make(_ g: inout SplitMix64, n: ClosedRange<Int> = 2...60, groups: ClosedRange<Int> = 1...4,
                     covariates: Int = 0) -> SurvivalSample {
        let count = Int.random(in: n, using: &g)
        let k = Int.random(in: groups, using: &g)
        let roundTo = [0.01, 1, 5][Int.random(in: 0...2, using: &g)]       // 1 and 5 make many ties
        let censorRate = Double.random(in: 0...0.7, using: &g)
        var s = SurvivalSample(time: [], event: [], group: [], groups: k, x: Array(repeating: [], count: covariates))
        for _ in 0..<count {
            let gr = Int32.random(in: 0..<Int32(k), using: &g)
            var covs: [Double] = []
            for _ in 0..<covariates { covs.append(Double.random(in: -2...2, using: &g).rounded(toPlaces: 3)) }
            let rate = 0.05 * exp(0.3 * Double(gr) + 0.5 * covs.reduce(0, +))
            let t = -log(Double.random(in: 1e-9...1, using: &g)) / rate
            s.time.append(max(roundTo, (t / roundTo).rounded() * roundTo))
            s.event.append(Double.random(in: 0...1, using: &g) >= censorRate)
            s.group.append(gr)
            for j in 0..<covariates { s.x[j].append(covs[j]) }
        }
        return s
    }
}

extension Double {
    func rounded(toPlaces p: Int) -> Double { let m = Foundation.pow(10, Double(p)); return (self * m).rounded() / m }
}

final class PropertyTests: XCTestCase {
    let cases = 150

    func assertClose(_ a: Double, _ b: Double, rel: Double, _ message: @autoclosure () -> String,
                     file: StaticString = #filePath, line: UInt = #line) {
        if a.isNaN && b.isNaN { return }
        XCTAssertLessThanOrEqual(abs(a - b), rel * max(1, abs(a), abs(b)), "\(a) vs \(b): \(message())", file: file, line: line)
    }

    func testKaplanMeierIsNonIncreasingWithinZeroAndOne() throws {
        var g = SplitMix64(seed: 1)
        for seed in 0..<cases {
            let s = SurvivalSample.make(&g)
            let curves = try KaplanMeier.fit(time: s.time, event: s.event, group: s.group, groupCount: s.groups)
            for c in curves where c.count > 0 {
                var previous = 1.0
                for i in 0..<c.count {
                    XCTAssertTrue((0...1).contains(c.surv[i]), "case \(seed): S = \(c.surv[i])")
                    XCTAssertLessThanOrEqual(c.surv[i], previous, "case \(seed): S rises at \(c.time[i])")
                    if c.lowerRaw[i].isFinite { XCTAssertLessThanOrEqual(c.lowerRaw[i], c.surv[i] + 1e-12, "case \(seed)") }
                    if c.upperRaw[i].isFinite { XCTAssertGreaterThanOrEqual(c.upperRaw[i] + 1e-12, c.surv[i], "case \(seed)") }
                    previous = c.surv[i]
                }
                XCTAssertEqual(c.time, c.time.sorted(), "case \(seed): times in order")
            }
        }
    }

    func testLogRankIsInvariantToRelabellingAndTimeScale() throws {
        var g = SplitMix64(seed: 2)
        var tested = 0
        for seed in 0..<cases {
            let s = SurvivalSample.make(&g, n: 4...60, groups: 2...4)
            guard let base = try? LogRank.test(time: s.time, event: s.event, group: s.group, groupCount: s.groups),
                  base.chisq.isFinite else { continue }
            tested += 1
            // Relabel: a random permutation of the group codes.
            let perm = (0..<Int32(s.groups)).shuffled(using: &g)
            let relabelled = try LogRank.test(time: s.time, event: s.event, group: s.group.map { perm[Int($0)] },
                                              groupCount: s.groups)
            assertClose(relabelled.chisq, base.chisq, rel: 1e-9, "case \(seed), relabelled \(perm)")
            assertClose(relabelled.p, base.p, rel: 1e-9, "case \(seed)")
            // Rescale time (any unit: days to years, or a power of two and a large factor).
            for c in [1.0 / 365.25, 1024, 1e6] {
                let scaled = try LogRank.test(time: s.time.map { $0 * c }, event: s.event, group: s.group, groupCount: s.groups)
                assertClose(scaled.chisq, base.chisq, rel: 1e-9, "case \(seed), times x \(c)")
            }
        }
        XCTAssertGreaterThan(tested, cases / 2)
    }

    func testCoxIsInvariantToRowOrderAndEquivariantToCovariateScale() throws {
        var g = SplitMix64(seed: 3)
        var tested = 0
        let fits = 80   // each case is three fits; the debug build takes ~40 ms a case
        for seed in 0..<fits {
            let s = SurvivalSample.make(&g, n: 15...60, groups: 1...1, covariates: 2)
            guard s.event.filter({ $0 }).count >= 4,
                  let data = try? CoxData(columns: s.x, columnNames: ["a", "b"], stop: s.time, event: s.event),
                  let base = try? CoxFit.fit(data), base.converged,
                  base.coefficients.allSatisfy({ $0.coef != nil && abs($0.coef!) < 5 }) else { continue }
            tested += 1
            let order = Array(s.time.indices).shuffled(using: &g)
            let permuted = try CoxFit.fit(CoxData(columns: s.x.map { col in order.map { col[$0] } }, columnNames: ["a", "b"],
                                                  stop: order.map { s.time[$0] }, event: order.map { s.event[$0] }))
            for (p, b) in zip(permuted.coefficients, base.coefficients) {
                assertClose(p.coef!, b.coef!, rel: 1e-7, "case \(seed): rows permuted")
                assertClose(p.se!, b.se!, rel: 1e-7, "case \(seed)")
            }
            let c = [0.01, 3, 1000][seed % 3]
            let scaled = try CoxFit.fit(CoxData(columns: [s.x[0].map { $0 * c }, s.x[1]], columnNames: ["a", "b"],
                                                stop: s.time, event: s.event))
            assertClose(scaled.coefficients[0].coef! * c, base.coefficients[0].coef!, rel: 1e-6, "case \(seed): a x \(c)")
            assertClose(scaled.coefficients[1].coef!, base.coefficients[1].coef!, rel: 1e-6, "case \(seed): b unchanged")
            assertClose(scaled.coefficients[0].p!, base.coefficients[0].p!, rel: 1e-6, "case \(seed): p of a")
        }
        XCTAssertGreaterThan(tested, fits / 3)
    }

    func testTTestOneSidedPValuesAreSymmetric() throws {
        var g = SplitMix64(seed: 4)
        for seed in 0..<cases {
            let x = (0..<Int.random(in: 2...30, using: &g)).map { _ in Double.random(in: -5...5, using: &g) }
            let y = (0..<Int.random(in: 2...30, using: &g)).map { _ in Double.random(in: -5...5, using: &g) + 1 }
            let mu = Double.random(in: -1...1, using: &g)
            for varEqual in [false, true] {
                let less = try TTest.twoSample(x, y, mu: mu, varEqual: varEqual, alternative: .less)
                let greater = try TTest.twoSample(x, y, mu: mu, varEqual: varEqual, alternative: .greater)
                let two = try TTest.twoSample(x, y, mu: mu, varEqual: varEqual, alternative: .twoSided)
                assertClose(less.p + greater.p, 1, rel: 1e-12, "case \(seed)")
                assertClose(two.p, 2 * min(less.p, greater.p), rel: 1e-12, "case \(seed)")
                // Swapping the samples swaps the sides (and the sign of mu).
                let swapped = try TTest.twoSample(y, x, mu: -mu, varEqual: varEqual, alternative: .greater)
                assertClose(swapped.p, less.p, rel: 1e-12, "case \(seed): swapped")
            }
            let one = try TTest.oneSample(x, mu: mu, alternative: .less)
            let oneG = try TTest.oneSample(x, mu: mu, alternative: .greater)
            assertClose(one.p + oneG.p, 1, rel: 1e-12, "case \(seed): one-sample")
        }
    }

    func testQuantileRulesAreMonotoneInP() throws {
        var g = SplitMix64(seed: 5)
        let probs = (0...20).map { Double($0) / 20 }
        for seed in 0..<cases {
            let x = (0..<Int.random(in: 1...40, using: &g)).map { _ in Double.random(in: -100...100, using: &g).rounded() }
            let q = Quantile.type7(x, probabilities: probs)
            for i in 1..<q.count { XCTAssertLessThanOrEqual(q[i - 1], q[i], "case \(seed): type 7 at p = \(probs[i])") }
            XCTAssertEqual(q.first, x.min())
            XCTAssertEqual(q.last, x.max())
            let s = SurvivalSample.make(&g)
            let curve = try KaplanMeier.fit(time: s.time, event: s.event)
            let kq = curve.quantiles(Array(probs.dropFirst().dropLast()))
            let times = kq.compactMap(\.time)
            XCTAssertEqual(times, times.sorted(), "case \(seed): KM quantiles")
            // A quantile that is reached stays reached for smaller p.
            if let firstMissing = kq.firstIndex(where: { $0.time == nil }) {
                XCTAssertTrue(kq[firstMissing...].allSatisfy { $0.time == nil }, "case \(seed)")
            }
        }
    }
}
