// ParallelismTests.swift — `set threads=N` (Parallelism.threads): the threaded Cox passes and the
// concordance give bit-identical numbers with 1, 2 and 3 threads (chunks depend on n only and are
// combined in chunk order), and Parallelism.forEach runs every chunk exactly once.
import XCTest
@testable import SurvivalStats

final class ParallelismTests: XCTestCase {
    func testForEachRunsEveryChunkOnce() {
        for threads in [1, 2, 3, 8] {
            var hits = [Int](repeating: 0, count: 11)
            hits.withUnsafeMutableBufferPointer { h in
                let box = UncheckedBox(h.baseAddress!)
                Parallelism.$threads.withValue(threads) {
                    Parallelism.forEach(11) { k in box.value[k] += 1 }
                }
            }
            XCTAssertEqual(hits, [Int](repeating: 1, count: 11), "threads=\(threads)")
        }
    }

    /// 120,000 rows (above CoxParallel.minRows), tied times, strata, 4 covariates: every number of
    /// the fit (coefficients, se, logliks, tests, concordance) is the same bit for bit.
    func testCoxFitIsIdenticalForEveryThreadCount() throws {
        var rng = SplitMix64(seed: 20261206)
        let n = 120_000
        func u() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        var cols = [[Double]](repeating: [], count: 4)
        var time: [Double] = [], event: [Bool] = [], strata: [Int32] = []
        for _ in 0..<n {
            let x = (0..<4).map { _ in u() * 2 - 1 }
            for j in 0..<4 { cols[j].append(j == 3 ? (x[3] > 0 ? 1 : 0) : x[j]) }
            let rate = exp(0.5 * x[0] - 0.3 * x[1] + 0.2 * (x[3] > 0 ? 1 : 0))
            time.append((-log(1 - u()) / rate * 100).rounded() / 10 + 0.1)
            event.append(u() < 0.7)
            strata.append(Int32(rng.next() % 3))
        }
        let data = try CoxData(columns: cols, columnNames: ["a", "b", "c", "d"], start: nil, stop: time, event: event,
                               strata: strata, cluster: nil, termNames: ["a", "b", "c", "d"], termAssign: [0, 1, 2, 3])
        func fit(_ threads: Int) throws -> [Double] {
            let f = try Parallelism.$threads.withValue(threads) { try CoxFit.fit(data, ties: .efron) }
            return f.coefficients.flatMap { [$0.coef ?? .nan, $0.se ?? .nan] } + f.loglik + f.naiveVariance
                + f.linearPredictors + [f.scoreTest.chisq, f.waldTest.chisq, f.lrTest.chisq,
                                        f.concordance?.concordance ?? .nan, f.concordance?.standardError ?? .nan]
        }
        let one = try fit(1)
        XCTAssertTrue(one.allSatisfy { $0.isFinite }, "\(one)")
        for t in [2, 3] {
            let other = try fit(t)
            XCTAssertEqual(one.map(\.bitPattern), other.map(\.bitPattern), "threads=\(t) vs 1")
        }
    }
}
