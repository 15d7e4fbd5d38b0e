// PreparedRowsTests.swift — the reusable inputs survsh keeps between commands give exactly what the
// one-call APIs give: KaplanMeier.fit(counts:) vs fit(time:event:group:...), LogRank.test(sortedRows)
// vs test(time:event:group:...), with ties, near-ties (timefix), strata and several rho.
import XCTest
@testable import SurvivalStats

final class PreparedRowsTests: XCTestCase {
    /// 5,000 rows, 3 groups, 2 strata, times on a 0.5 grid (ties) with some near-ties.
    func data() -> (time: [Double], event: [Bool], group: [Int32], strata: [Int32]) {
        var rng = SplitMix64(seed: 15)
        var time: [Double] = [], event: [Bool] = [], group: [Int32] = [], strata: [Int32] = []
        for i in 0..<5_000 {
            let t = Double(rng.next() % 400) / 2 + 0.5
            time.append(i % 97 == 0 ? t * (1 + 1e-10) : t)
            event.append(rng.next() % 10 < 6)
            group.append(Int32(rng.next() % 3))
            strata.append(Int32(rng.next() % 2))
        }
        return (time, event, group, strata)
    }

    func testKaplanMeierFromCountsEqualsFit() throws {
        let d = data()
        let counts = try XCTUnwrap(KaplanMeier.counts(time: d.time, event: d.event, group: d.group, groupCount: 3))
        XCTAssertGreaterThan(counts.byteCount, 0)
        for conf in KaplanMeierConfType.allCases {
            let options = KaplanMeierOptions(confType: conf, level: 0.9)
            let direct = try KaplanMeier.fit(time: d.time, event: d.event, group: d.group, groupCount: 3, options: options)
            let reused = try KaplanMeier.fit(counts: counts, options: options)
            XCTAssertEqual(direct.count, reused.count)
            for (a, b) in zip(direct, reused) {
                XCTAssertEqual(a.time, b.time)
                XCTAssertEqual(a.nRisk, b.nRisk)
                XCTAssertEqual(a.surv.map(\.bitPattern), b.surv.map(\.bitPattern))
                XCTAssertEqual(a.lowerRaw.map(\.bitPattern), b.lowerRaw.map(\.bitPattern))
                XCTAssertEqual(a.logStdErr.map(\.bitPattern), b.logStdErr.map(\.bitPattern))
                XCTAssertEqual(a.upperRaw.map(\.bitPattern), b.upperRaw.map(\.bitPattern))
            }
        }
        var noFix = KaplanMeierOptions()
        noFix.timefix = false
        XCTAssertThrowsError(try KaplanMeier.fit(counts: counts, options: noFix), "counts made with timefix")
    }

    func testLogRankOnSortedRowsEqualsTest() throws {
        let d = data()
        for strata in [nil, d.strata] {
            let rows = try LogRank.sortedRows(time: d.time, event: d.event, group: d.group, groupCount: 3,
                                              strata: strata, stratumCount: 2)
            for rho in [0.0, 0.5, 1.0] {
                let direct = try LogRank.test(time: d.time, event: d.event, group: d.group, groupCount: 3,
                                              strata: strata, stratumCount: 2, rho: rho)
                let reused = try LogRank.test(rows, rho: rho)
                XCTAssertEqual(direct.chisq.bitPattern, reused.chisq.bitPattern, "rho \(rho)")
                XCTAssertEqual(direct.expected.map(\.bitPattern), reused.expected.map(\.bitPattern))
                XCTAssertEqual(direct.df, reused.df)
            }
            XCTAssertThrowsError(try LogRank.test(rows, rho: -1))
        }
    }
}
