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

    /// The concordance sweep and the radix sort of 150,000 rows (chunked above CoxParallel.minRows):
    /// the same counts, C, variance and order for 1, 2 and 3 threads; the sort is the stable one.
    func testRankedConcordanceAndRadixSortAreIdenticalForEveryThreadCount() throws {
        var rng = SplitMix64(seed: 15_0304)
        let n = 150_000
        var time: [Double] = [], event: [Bool] = [], x: [Double] = [], strata: [Int32] = []
        for i in 0..<n {
            time.append(Double(rng.next() % 900) / 10)
            event.append(rng.next() % 5 < 3)
            // runs of equal x (ties across chunk boundaries) and continuous values
            x.append(i % 3 == 0 ? Double(rng.next() % 5) : Double(Int64(bitPattern: rng.next() >> 1)) / 1e17)
            strata.append(Int32(rng.next() % 4))
        }
        let r = try XCTUnwrap(try CoxTimeRanks.rankPairs(stop: time, strata: strata, maxRanks: n, cancel: .never))
        func run(_ threads: Int) -> ([Double], [Int32]) {
            Parallelism.$threads.withValue(threads) {
                let c = Concordance.ranked(x: x, event: event, rank: r.rank, rankBounds: r.bounds, reverse: true)
                return ([c.concordant, c.discordant, c.tiedX, c.tiedY, c.tiedXY, c.concordance, c.variance],
                        RadixSort.order(keys: x, groups: strata))
            }
        }
        let one = run(1)
        func before(_ a: Int, _ b: Int) -> Bool {
            if strata[a] != strata[b] { return strata[a] < strata[b] }
            if x[a] != x[b] { return x[a] < x[b] }
            return a < b
        }
        let stable: [Int] = (0..<n).sorted(by: before)
        XCTAssertEqual(one.1.map(Int.init), stable)
        XCTAssertGreaterThan(one.0[4], 0)
        for t in [2, 3] {
            let other = run(t)
            XCTAssertEqual(one.0.map(\.bitPattern), other.0.map(\.bitPattern), "threads=\(t) vs 1")
            XCTAssertEqual(one.1, other.1, "threads=\(t) vs 1")
        }
    }

    /// CoxData's check of the covariates (columns checked on several threads): the first column with
    /// a NaN or an infinity anywhere is named; the largest finite values and subnormals pass.
    func testCoxDataNamesTheFirstNonFiniteColumnForEveryThreadCount() throws {
        let n = 60_000
        let stop = (0..<n).map { Double($0 % 50 + 1) }, event = (0..<n).map { $0 % 3 == 0 }
        let extreme = (0..<n).map { [Double.greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 0][$0 % 4] }
        for threads in [1, 2, 3] {
            try Parallelism.$threads.withValue(threads) {
                XCTAssertNoThrow(try CoxData(columns: [extreme, extreme], columnNames: ["a", "b"], stop: stop, event: event))
                for (bad, at) in [(Double.nan, 0), (.infinity, n - 1), (-.infinity, 31_337)] {
                    var b = extreme, c = extreme
                    b[at] = bad
                    c[n / 2] = .nan
                    XCTAssertThrowsError(try CoxData(columns: [extreme, b, c], columnNames: ["a", "b", "c"], stop: stop, event: event)) {
                        XCTAssertEqual($0 as? CoxError, .nonFinite("b"), "threads=\(threads) \(bad) at \(at)")
                    }
                }
            }
        }
    }

    /// Columns the caller says it has found finite (knownFinite) are not read again: an Inf placed in
    /// one (a wrong fact, only to see that it is not looked at) passes, the first unchecked column
    /// with one is named, an infinite time is refused even when every column is known finite, and a
    /// knownFinite of the wrong length is a dimension error.
    func testCoxDataSkipsTheColumnsKnownFiniteAndStillChecksTheTimes() throws {
        let n = 60_000
        let stop = (0..<n).map { Double($0 % 50 + 1) }, event = (0..<n).map { $0 % 3 == 0 }
        let fine = (0..<n).map { Double($0 % 7) }
        var inf = fine
        inf[n - 1] = .infinity
        for threads in [1, 2] {
            try Parallelism.$threads.withValue(threads) {
                XCTAssertNoThrow(try CoxData(columns: [fine, inf], columnNames: ["a", "b"], stop: stop, event: event,
                                             knownFinite: [false, true]))
                XCTAssertThrowsError(try CoxData(columns: [inf, inf, inf], columnNames: ["a", "b", "c"], stop: stop, event: event,
                                                 knownFinite: [true, false, false])) {
                    XCTAssertEqual($0 as? CoxError, .nonFinite("b"), "threads=\(threads)")
                }
                var badStop = stop
                badStop[n / 2] = -.infinity
                XCTAssertThrowsError(try CoxData(columns: [fine], columnNames: ["a"], stop: badStop, event: event, knownFinite: [true])) {
                    XCTAssertEqual($0 as? CoxError, .nonFinite("time"), "threads=\(threads)")
                }
                // a bad covariate is named before a bad time, as when every column is checked
                XCTAssertThrowsError(try CoxData(columns: [inf], columnNames: ["a"], stop: badStop, event: event, knownFinite: [false])) {
                    XCTAssertEqual($0 as? CoxError, .nonFinite("a"), "threads=\(threads)")
                }
                XCTAssertThrowsError(try CoxData(columns: [fine], columnNames: ["a"], stop: stop, event: event, knownFinite: [true, true])) {
                    XCTAssertEqual($0 as? CoxError, .dimensionMismatch("knownFinite has 2 entries for 1 columns"))
                }
            }
        }
    }
}
