// NelsonAalenTests.swift — the Nelson–Aalen cumulative hazard by hand (exact fractions) and
// across groups. R's values for lung (plot cumhaz) are checked in SurvshTests/PlotCommandTests.
// Tolerance: 1e-14 relative (a few additions of exact fractions).

import XCTest
@testable import SurvivalStats

final class NelsonAalenTests: XCTestCase {
    /// times 1, 2, 2+, 3, 4+, 5: risk sets (n, d) = (6, 1), (5, 1), (3, 1), (2, 0), (1, 1).
    func testSmallCaseByHand() throws {
        let curve = try KaplanMeier.fit(time: [1, 2, 2, 3, 4, 5], event: [true, true, false, true, false, true],
                                        options: KaplanMeierOptions(level: 0.9))
        let na = NelsonAalen.estimate(curve)
        XCTAssertEqual(na.time, [1, 2, 3, 4, 5])
        XCTAssertEqual(na.nRisk, [6, 5, 3, 2, 1])
        XCTAssertEqual(na.nEvent, [1, 1, 1, 0, 1])
        XCTAssertEqual(na.level, 0.9)
        let h: [Double] = [1.0 / 6, 11.0 / 30, 7.0 / 10, 7.0 / 10, 17.0 / 10]
        let v: [Double] = [1.0 / 36, 1.0 / 36 + 1.0 / 25, 1.0 / 36 + 1.0 / 25 + 1.0 / 9,
                           1.0 / 36 + 1.0 / 25 + 1.0 / 9, 1.0 / 36 + 1.0 / 25 + 1.0 / 9 + 1]
        let z = Normal.quantile(0.95)
        for i in 0..<5 {
            assertClose(na.cumhaz[i], h[i], rel: 1e-14, abs: 0, "H[\(i)]")
            assertClose(na.stdErr[i], v[i].squareRoot(), rel: 1e-14, abs: 0, "se[\(i)]")
            assertClose(na.lower[i], max(h[i] - z * v[i].squareRoot(), 0), rel: 1e-14, abs: 1e-15, "lower[\(i)]")
            assertClose(na.upper[i], h[i] + z * v[i].squareRoot(), rel: 1e-14, abs: 0, "upper[\(i)]")
        }
        XCTAssertEqual(na.lower[0], 0, "the lower limit is cut at 0")
    }

    /// `fit` is `estimate` over the Kaplan–Meier curves of the same rows (one risk-set computation).
    func testFitPerGroupMatchesEstimate() throws {
        var rng = SplitMix64(seed: 11)
        let n = 300
        let time = (0..<n).map { _ in Double(rng.next() % 50) }
        let event = (0..<n).map { _ in rng.next() % 3 != 0 }
        let group = (0..<n).map { _ in Int32(rng.next() % 3) - 1 }   // -1 drops the row
        let options = KaplanMeierOptions(level: 0.95)
        let fitted = try NelsonAalen.fit(time: time, event: event, group: group, groupCount: 2, options: options)
        let curves = try KaplanMeier.fit(time: time, event: event, group: group, groupCount: 2, options: options)
        XCTAssertEqual(fitted, curves.map(NelsonAalen.estimate))
        for na in fitted {
            XCTAssertEqual(na.cumhaz, na.cumhaz.sorted(), "H is non-decreasing")
            XCTAssertTrue(zip(na.lower, na.upper).allSatisfy { $0 >= 0 && $0 <= $1 })
        }
        XCTAssertThrowsError(try NelsonAalen.fit(time: [1], event: [true], group: [0], groupCount: 1,
                                                 options: KaplanMeierOptions(level: 1)))
    }
}
