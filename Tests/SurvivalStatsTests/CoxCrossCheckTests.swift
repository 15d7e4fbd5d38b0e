// Cross-checks between methods (no R needed):
//  * without tied event times, the Cox score test at beta = 0 equals the log-rank chi-square
//    (computed here by its direct formula, O - E and the hypergeometric variance);
//  * the score test does not depend on the tie method when there are no ties;
//  * score residuals sum to the score vector (zero at the estimate).
import XCTest
@testable import SurvivalStats

final class CoxCrossCheckTests: XCTestCase {
    /// Deterministic data: distinct times, three groups.
    func makeData(n: Int, seed: UInt64) -> (time: [Double], event: [Bool], group: [Int]) {
        var s = seed
        func next() -> Double {
            s = s &* 6364136223846793005 &+ 1442695040888963407
            return Double(s >> 11) / Double(1 << 53)
        }
        var time: [Double] = [], event: [Bool] = [], group: [Int] = []
        for i in 0..<n {
            let g = i % 3
            time.append(-log(next()) / (0.5 + 0.4 * Double(g)) + Double(i) * 1e-9)
            event.append(next() < 0.7)
            group.append(g)
        }
        return (time, event, group)
    }

    /// k-group log-rank chi-square by its definition.
    func logrank(time: [Double], event: [Bool], group: [Int], k: Int) -> Double {
        let n = time.count
        var u = [Double](repeating: 0, count: k)
        var v = [Double](repeating: 0, count: k * k)
        let times = Set(zip(time, event).filter { $0.1 }.map { $0.0 }).sorted()
        for t in times {
            var nk = [Double](repeating: 0, count: k), dk = [Double](repeating: 0, count: k)
            for i in 0..<n where time[i] >= t {
                nk[group[i]] += 1
                if time[i] == t && event[i] { dk[group[i]] += 1 }
            }
            let nt = nk.reduce(0, +), dt = dk.reduce(0, +)
            for a in 0..<k {
                u[a] += dk[a] - dt * nk[a] / nt
                for b in 0..<k {
                    let c = (a == b ? 1.0 : 0.0) - nk[b] / nt
                    v[a * k + b] += dt * (nk[a] / nt) * c * (nt - dt) / max(nt - 1, 1)
                }
            }
        }
        // solve on groups 1..k-1
        let m = k - 1
        var sub = [Double](repeating: 0, count: m * m)
        for a in 0..<m { for b in 0..<m { sub[a * m + b] = v[(a + 1) * k + b + 1] } }
        let ch = CoxCholesky(sub, p: m, toler: 1e-14)
        return ch.quadraticForm(Array(u[1...]))
    }

    func testScoreTestEqualsLogrankWithoutTies() throws {
        for seed in [1, 7, 42] as [UInt64] {
            let d = makeData(n: 120, seed: seed)
            XCTAssertEqual(Set(d.time).count, d.time.count)
            let x1 = d.group.map { $0 == 1 ? 1.0 : 0.0 }, x2 = d.group.map { $0 == 2 ? 1.0 : 0.0 }
            let data = try CoxData(columns: [x1, x2], columnNames: ["g1", "g2"], stop: d.time, event: d.event)
            let lr = logrank(time: d.time, event: d.event, group: d.group, k: 3)
            for ties in CoxTies.allCases {
                let fit = try CoxFit.fit(data, ties: ties)
                assertClose(fit.scoreTest.chisq, lr, rel: 1e-10, abs: 0, "score test vs log-rank (\(ties), seed \(seed))")
            }
        }
    }

    func testScoreResidualsSumToScore() throws {
        let m = try CoxReference.model("heart_efron")
        let data = try m.input.coxData()
        let fit = try CoxFit.fit(data)
        let res = try CoxResiduals.score(data, coefficients: fit.beta)
        for j in 0..<data.p {
            let s = res[j].reduce(0, +)
            assertClose(s, fit.finalScore[j], rel: 1e-8, abs: 1e-8, "sum of score residuals, column \(j)")
        }
        // at beta = 0 they sum to U(0); the score test is U(0)' I(0)^-1 U(0)
        let res0 = try CoxResiduals.score(data, coefficients: [Double](repeating: 0, count: data.p))
        let u0 = (0..<data.p).map { res0[$0].reduce(0, +) }
        let rs = CoxRiskSet(data)
        let ev = rs.evaluate([Double](repeating: 0, count: data.p), ties: .efron)
        for j in 0..<data.p { assertClose(u0[j], ev.score[j] / rs.scale[j], rel: 1e-10, abs: 1e-10, "U(0)[\(j)]") }
    }
}
