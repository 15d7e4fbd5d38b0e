// TimeTally (the counting path of KaplanMeier and LogRank) against the sorted path and a naive
// tally, on one thread and on several (blocks counted apart and added).
// Exact comparison: both paths must feed the curves and the test the same (time, events, censored)
// sequence, so every number is bit-identical (NaN where both are NaN).
import XCTest
@testable import SurvivalStats

final class TimeTallyTests: XCTestCase {
    /// A deterministic generator (SplitMix64), so failures reproduce.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    func sameBits(_ a: [Double], _ b: [Double], _ label: String) {
        XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), label)
    }

    func assertSameCurves(_ a: [KaplanMeierCurve], _ b: [KaplanMeierCurve], _ label: String) {
        XCTAssertEqual(a.count, b.count, label)
        for (g, (x, y)) in zip(a, b).enumerated() {
            let l = "\(label) group \(g)"
            XCTAssertEqual(x.n, y.n, l)
            XCTAssertEqual(x.events, y.events, l)
            XCTAssertEqual(x.startTime.bitPattern, y.startTime.bitPattern, l)
            sameBits(x.time, y.time, l + " time")
            XCTAssertEqual(x.nRisk, y.nRisk, l)
            XCTAssertEqual(x.nEvent, y.nEvent, l)
            XCTAssertEqual(x.nCensor, y.nCensor, l)
            sameBits(x.surv, y.surv, l + " surv")
            sameBits(x.logStdErr, y.logStdErr, l + " se")
            sameBits(x.lowerRaw, y.lowerRaw, l + " lower")
            sameBits(x.upperRaw, y.upperRaw, l + " upper")
        }
    }

    /// Times with ties, near-ties that timefix merges (0.1 + 0.2 vs 0.3), -0 and +0, negatives.
    func sample(_ n: Int, groups: Int, seed: UInt64) -> (time: [Double], event: [Bool], group: [Int32]) {
        var r = Rng(state: seed)
        let special: [Double] = [0.1 + 0.2, 0.3, -0.0, 0.0, -2.5, 5, 5.000000000000001, 1e-9, 2e-9, 1, 1.0000000001]
        var time: [Double] = [], event: [Bool] = [], group: [Int32] = []
        for _ in 0..<n {
            let t = r.int(4) == 0 ? special[r.int(special.count)] : (Double(r.int(500)) / 10)
            time.append(t)
            event.append(r.int(3) != 0)
            group.append(r.int(10) == 0 ? -1 : Int32(r.int(groups)))  // some rows not used
        }
        return (time, event, group)
    }

    func testCountingPathMatchesSortedPath() throws {
        for (n, groups) in [(1, 1), (7, 2), (200, 1), (5000, 3), (20000, 7)] {
            for timefix in [true, false] {
                for conf in KaplanMeierConfType.allCases {
                    let s = sample(n, groups: groups, seed: UInt64(n * 31 + groups))
                    let options = KaplanMeierOptions(confType: conf, level: 0.9, timefix: timefix)
                    let counted = try KaplanMeier.fit(time: s.time, event: s.event, group: s.group, groupCount: groups,
                                                      options: options, tallyLimit: TimeTally.defaultMaxDistinct)
                    let sorted = try KaplanMeier.fit(time: s.time, event: s.event, group: s.group, groupCount: groups,
                                                     options: options, tallyLimit: 0)
                    assertSameCurves(counted, sorted, "n=\(n) groups=\(groups) timefix=\(timefix) \(conf)")
                }
            }
        }
    }

    /// Times on a decimal grid (days; 1, 2 or 3 decimals; negatives and -0) are counted by grid
    /// position: the same curves and test as the sorted path; one time off the grid late in the
    /// rows sends the count back to hashing, with the same result.
    func testGridPathMatchesSortedPath() throws {
        for scale in [1.0, 10, 100, 1000] {
            for offGridAt in [nil, 4990] as [Int?] {
                var r = Rng(state: UInt64(scale))
                var time = (0..<5000).map { _ in Double(r.int(3000) - 200) / scale }
                time[17] = -0.0
                time[18] = 0.0
                if let at = offGridAt { time[at] = 0.1 + 0.2 + 1 / scale }
                let event = (0..<5000).map { _ in r.int(3) != 0 }
                let group = (0..<5000).map { _ in r.int(12) == 0 ? Int32(-1) : Int32(r.int(3)) }
                let label = "scale \(scale), off grid at \(offGridAt.map(String.init) ?? "-")"
                let grid = time.withUnsafeBufferPointer { t in
                    group.withUnsafeBufferPointer { g in TimeGrid.find(time: t, cell: g, cells: 3, maxSpan: 1 << 18) }
                }
                XCTAssertEqual(grid?.scale, scale, label)
                for threads in [1, 2] {
                    let counted = try Parallelism.$threads.withValue(threads) {
                        try KaplanMeier.fit(time: time, event: event, group: group, groupCount: 3,
                                            options: KaplanMeierOptions(), tallyLimit: TimeTally.defaultMaxDistinct)
                    }
                    let sorted = try KaplanMeier.fit(time: time, event: event, group: group, groupCount: 3,
                                                     options: KaplanMeierOptions(), tallyLimit: 0)
                    assertSameCurves(counted, sorted, label + ", threads \(threads)")
                    let test = try Parallelism.$threads.withValue(threads) {
                        try LogRank.run(time: time, event: event, group: group, groupCount: 3, strata: nil, stratumCount: 1,
                                        rho: 0, timefix: true, explain: false, tallyLimit: TimeTally.defaultMaxDistinct,
                                        cancel: .never).result
                    }
                    let sortedTest = try LogRank.run(time: time, event: event, group: group, groupCount: 3, strata: nil,
                                                     stratumCount: 1, rho: 0, timefix: true, explain: false, tallyLimit: 0,
                                                     cancel: .never).result
                    assertSameTest(test, sortedTest, label + ", threads \(threads)")
                }
            }
        }
        // a grid wider than the cap is not used
        let wide = [0.0, 1e7, 5]
        let none = wide.withUnsafeBufferPointer { t in
            [Int32](repeating: 0, count: 3).withUnsafeBufferPointer { g in TimeGrid.find(time: t, cell: g, cells: 1, maxSpan: 1 << 18) }
        }
        XCTAssertNil(none)
    }

    /// Over many blocks of rows (on the threads from 0 rows: Parallelism.minBlockRows), the grid is the one found in one pass: the
    /// sample is the first 256 used times in row order (here the 257th, in another block, has a
    /// decimal and must not count; the 256th must), and the range the used times' smallest and largest.
    func testGridOverManyBlocksIsTheOnePassGrid() {
        func onePass(_ time: [Double], _ cell: [Int32], cells k: Int, maxSpan: Int) -> TimeGrid? {
            var lo = Double.infinity, hi = -Double.infinity
            var sample: [Double] = []
            for i in time.indices where cell[i] >= 0 && Int(cell[i]) < k && time[i].isFinite {
                lo = min(lo, time[i]); hi = max(hi, time[i])
                if sample.count < 256 { sample.append(time[i]) }
            }
            guard lo <= hi else { return nil }
            for scale in [1.0, 10, 100, 1000] where sample.allSatisfy({ ($0 * scale).rounded() / scale == $0 }) {
                let qmin = (lo * scale).rounded(), qmax = (hi * scale).rounded()
                guard qmax - qmin < Double(maxSpan) else { return nil }
                return TimeGrid(scale: scale, qmin: qmin, qmax: qmax)
            }
            return nil
        }
        let n = 5 * Cancellation.stride + 77
        for decimalAt in [255, 256] {
            var r = Rng(state: UInt64(decimalAt))
            var time = (0..<n).map { _ in Double(r.int(3000)) }
            // 100 used rows in the first block, the rest of the first 256 in the second
            var cell = (0..<n).map { i in i < Cancellation.stride && i % 100 != 0 ? Int32(-1) : Int32(r.int(3)) }
            let used = cell.indices.filter { cell[$0] >= 0 }
            time[used[decimalAt]] = 12.5
            time[used[300]] = -0.0
            time[used[301]] = 0.0
            cell[n - 1] = 7                         // a bad code: left to the count
            time[n - 2] = .infinity                 // so is a time that is not finite
            let want = onePass(time, cell, cells: 3, maxSpan: 1 << 18)
            XCTAssertEqual(want?.scale, decimalAt < 256 ? 10 : 1)
            for threads in [1, 2] {
                let grid = Parallelism.$minBlockRows.withValue(0) {
                    Parallelism.$threads.withValue(threads) {
                        time.withUnsafeBufferPointer { t in
                            cell.withUnsafeBufferPointer { g in TimeGrid.find(time: t, cell: g, cells: 3, maxSpan: 1 << 18) }
                        }
                    }
                }
                XCTAssertEqual(grid, want, "the decimal at used row \(decimalAt), threads \(threads)")
            }
        }
    }

    func testFallsBackWhenThereAreTooManyDistinctTimes() throws {
        let s = sample(3000, groups: 2, seed: 9)
        XCTAssertNil(try TimeTally.make(time: s.time, event: s.event, group: s.group, groupCount: 2, timefix: true,
                                        maxDistinct: 10))
        // the public entry still gives the sorted path's answer when the tally gives up
        let limited = try KaplanMeier.fit(time: s.time, event: s.event, group: s.group, groupCount: 2,
                                          options: KaplanMeierOptions(), tallyLimit: 10)
        let sorted = try KaplanMeier.fit(time: s.time, event: s.event, group: s.group, groupCount: 2,
                                         options: KaplanMeierOptions(), tallyLimit: 0)
        assertSameCurves(limited, sorted, "fallback")
    }

    func testTallyCountsByHand() throws {
        // times 2, 1, 2, 3, 1 ; events T F T T F ; groups 0 1 1 0 -1 (last row unused)
        let tally = try XCTUnwrap(TimeTally.make(time: [2, 1, 2, 3, 1], event: [true, false, true, true, false],
                                                 group: [0, 1, 1, 0, -1], groupCount: 2, timefix: true))
        XCTAssertEqual(tally.times, [1, 2, 3])
        XCTAssertEqual(tally.groupN, [2, 2])
        // (time, group) -> [events, censored]
        XCTAssertEqual(tally.counts, [0, 0, 0, 1,    // t=1: g0 none, g1 one censored
                                      1, 0, 1, 0,    // t=2: one event in each group
                                      1, 0, 0, 0])   // t=3: g0 one event
    }

    func testErrorsAreTheSortedPathsErrors() {
        XCTAssertThrowsError(try KaplanMeier.fit(time: [1, .nan], event: [true, true], group: [0, 0], groupCount: 1)) {
            XCTAssertEqual($0 as? SurvivalInputError, .nonFiniteTime(index: 1))
        }
        XCTAssertThrowsError(try KaplanMeier.fit(time: [1, .infinity, 2], event: [true, true, true], group: [0, 3, 0],
                                                 groupCount: 2)) {
            XCTAssertEqual($0 as? SurvivalInputError, .invalidGroupCode(index: 1, code: 3, groupCount: 2))
        }
    }

    func assertSameTest(_ a: LogRankResult, _ b: LogRankResult, _ label: String) {
        XCTAssertEqual(a.n, b.n, label)
        XCTAssertEqual(a.events, b.events, label)
        XCTAssertEqual(a.nByStratum, b.nByStratum, label)
        sameBits(a.observed, b.observed, label + " observed")
        sameBits(a.expected, b.expected, label + " expected")
        sameBits(a.variance.flatMap { $0 }, b.variance.flatMap { $0 }, label + " variance")
        sameBits(a.expectedByStratum.flatMap { $0 }, b.expectedByStratum.flatMap { $0 }, label + " expected by stratum")
        XCTAssertEqual(a.chisq.bitPattern, b.chisq.bitPattern, label + " chisq")
        XCTAssertEqual(a.df, b.df, label)
        XCTAssertEqual(a.warnings, b.warnings, label)
    }

    /// The log-rank test from counts equals the sorted path bit for bit: with and without strata
    /// (some rows in no stratum), rho 0, 0.5 and 1, timefix on and off, and the explain rows too.
    func testLogRankCountingPathMatchesSortedPath() throws {
        for (n, groups) in [(7, 2), (200, 3), (5000, 3), (20000, 5)] {
            let s = sample(n, groups: groups, seed: UInt64(n * 7 + groups))
            var r = Rng(state: UInt64(n))
            let strata: [Int32] = (0..<n).map { _ in r.int(15) == 0 ? -1 : Int32(r.int(3)) }
            for st in [nil, strata] {
                for rho in [0.0, 0.5, 1.0] {
                    for timefix in [true, false] {
                        let label = "n=\(n) groups=\(groups) strata=\(st != nil) rho=\(rho) timefix=\(timefix)"
                        func run(_ limit: Int) throws -> (result: LogRankResult, explain: [LogRankExplainRow]) {
                            try LogRank.run(time: s.time, event: s.event, group: s.group, groupCount: groups, strata: st,
                                            stratumCount: 3, rho: rho, timefix: timefix, explain: true,
                                            tallyLimit: limit, cancel: .never)
                        }
                        let counted = try run(TimeTally.defaultMaxDistinct), sorted = try run(0)
                        assertSameTest(counted.result, sorted.result, label)
                        XCTAssertEqual(counted.explain, sorted.explain, label)
                        let counts = try XCTUnwrap(LogRank.counts(time: s.time, event: s.event, group: s.group,
                                                                  groupCount: groups, strata: st, stratumCount: 3,
                                                                  timefix: timefix))
                        assertSameTest(try LogRank.test(counts: counts, groupCount: groups, rho: rho), sorted.result,
                                       label + " (reused counts)")
                    }
                }
            }
        }
    }

    /// km's counts of the groups are the log-rank test's counts without strata.
    func testKaplanMeierCountsServeTheLogRankTest() throws {
        let s = sample(3000, groups: 3, seed: 4)
        let counts = try XCTUnwrap(KaplanMeier.counts(time: s.time, event: s.event, group: s.group, groupCount: 3))
        assertSameTest(try LogRank.test(counts: counts, groupCount: 3),
                       try LogRank.test(time: s.time, event: s.event, group: s.group, groupCount: 3), "km counts")
        XCTAssertThrowsError(try LogRank.test(counts: counts, groupCount: 2), "3 cells are not strata × 2 groups")
    }

    /// Errors of the counting path with strata are the sorted path's, in row order.
    func testLogRankErrorsAreTheSortedPathsErrors() {
        func error(_ time: [Double], _ group: [Int32], _ strata: [Int32], limit: Int) -> SurvivalInputError? {
            do {
                _ = try LogRank.run(time: time, event: time.map { _ in true }, group: group, groupCount: 2, strata: strata,
                                    stratumCount: 2, rho: 0, timefix: true, explain: false, tallyLimit: limit,
                                    cancel: .never)
                return nil
            } catch { return error as? SurvivalInputError }
        }
        let cases: [([Double], [Int32], [Int32])] = [
            ([1, .nan, 2], [0, 1, 5], [0, 0, 0]),          // the non-finite time comes first
            ([1, 2, .nan], [0, 5, 1], [0, 0, 0]),          // the bad group comes first
            ([1, 2, .nan], [0, 1, 1], [0, 7, 0]),          // a bad stratum
            ([.nan, 2, 3], [0, 1, 1], [-1, 9, 0]),         // a row in no stratum is not checked
        ]
        for (time, group, strata) in cases {
            let sorted = error(time, group, strata, limit: 0)
            XCTAssertNotNil(sorted)
            XCTAssertEqual(error(time, group, strata, limit: TimeTally.defaultMaxDistinct), sorted, "\(time) \(group) \(strata)")
        }
    }

    /// Counted on 1, 2 or 3 threads in blocks of 1,000 rows: the same tally, so the same curves and
    /// test; a bad row or too many distinct times give the same outcome as on one thread.
    func testTallyIsIdenticalForEveryThreadCount() throws {
        let s = sample(20000, groups: 3, seed: 77)
        func tally(_ threads: Int, _ time: [Double], maxDistinct: Int = TimeTally.defaultMaxDistinct) throws -> TimeTally? {
            try Parallelism.$threads.withValue(threads) {
                try TimeTally.make(time: time, event: s.event, group: s.group, groupCount: 3, timefix: true,
                                   maxDistinct: maxDistinct, blockRows: 1000)
            }
        }
        // hashed (the sample's odd times) and on a grid (the same times rounded to 0.1)
        for (label, time) in [("hashed", s.time), ("grid", s.time.map { ($0 * 10).rounded() / 10 })] {
            let one = try XCTUnwrap(tally(1, time))
            for threads in [2, 3] {
                let other = try XCTUnwrap(tally(threads, time))
                sameBits(one.times, other.times, "\(label) threads=\(threads)")
                XCTAssertEqual(one.counts, other.counts, "\(label) threads=\(threads)")
                XCTAssertEqual(one.groupN, other.groupN, "\(label) threads=\(threads)")
                XCTAssertNil(try tally(threads, time, maxDistinct: 100), "\(label): too many distinct times")
                var bad = time
                bad[15_500] = .infinity
                bad[18_000] = .nan
                XCTAssertThrowsError(try tally(threads, bad)) {
                    XCTAssertEqual($0 as? SurvivalInputError, .nonFiniteTime(index: s.group[15_500] < 0 ? 18_000 : 15_500), label)
                }
            }
        }
    }

    /// More distinct times than the cap, where the cap is exactly what the count table has grown to
    /// (1024, 2048: its sizes) or just past it: nil (the caller sorts), never a read past the table
    /// (`km ~ group` on 10^6 simulated continuous times trapped with the cap at 2^18 before).
    func testTooManyDistinctTimesAtTheTableSizeGiveNil() throws {
        let n = 5000
        let time = (0..<n).map { Double($0) + 0.123456789 }
        let event = (0..<n).map { $0 % 3 != 0 }
        let group = (0..<n).map { Int32($0 % 2) }
        for cap in [1023, 1024, 1025, 2048, 4096] {
            XCTAssertNil(try TimeTally.make(time: time, event: event, group: group, groupCount: 2, timefix: false,
                                            maxDistinct: cap), "cap \(cap)")
        }
        XCTAssertNotNil(try TimeTally.make(time: time, event: event, group: group, groupCount: 2, timefix: false,
                                           maxDistinct: n))
    }
}
