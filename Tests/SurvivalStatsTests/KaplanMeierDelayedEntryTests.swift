// KaplanMeierDelayedEntryTests.swift — the product-limit estimate with delayed entry: a hand-derived
// six-row case (R's survfit gives the same: Tests/SurvshTests/Reference/rlang.R has the R cases run
// through the km command), and the cross-check that entry before every time is the ordinary fit.

import SurvivalStats
import XCTest

final class KaplanMeierDelayedEntryTests: XCTestCase {
    func testHandDerivedRiskSets() throws {
        // (start, stop]: (0,4] (2,6] (5,8] (1,3] (0,7] (3,9]; events at 4, 8, 3, 9.
        let start: [Double] = [0, 2, 5, 1, 0, 3], stop: [Double] = [4, 6, 8, 3, 7, 9]
        let event = [true, false, true, true, false, true]
        let c = try XCTUnwrap(KaplanMeier.fit(start: start, stop: stop, event: event, group: [0, 0, 0, 0, 0, 0],
                                              groupCount: 1).first)
        XCTAssertEqual(c.time, [3, 4, 6, 7, 8, 9])
        // at 3: (0,4] (2,6] (1,3] (0,7]; at 4: (3,9] has entered, (1,3] left; (5,8] enters after 5.
        XCTAssertEqual(c.nRisk, [4, 4, 4, 3, 2, 1])
        XCTAssertEqual(c.nEvent, [1, 1, 0, 0, 1, 1])
        XCTAssertEqual(c.nCensor, [0, 0, 1, 1, 0, 0])
        let expected = [3.0 / 4, 9.0 / 16, 9.0 / 16, 9.0 / 16, 9.0 / 32, 0]
        for (a, e) in zip(c.surv, expected) { XCTAssertEqual(a, e, accuracy: 1e-15) }
        // Greenwood: 1/(4*3) + 1/(4*3) at t = 4
        XCTAssertEqual(c.logStdErr[1], (2.0 / 12).squareRoot(), accuracy: 1e-15)
        XCTAssertNil(c.stdErr(at: 5))
        XCTAssertEqual(c.n, 6)
    }

    func testEntryBeforeEveryTimeIsTheOrdinaryFit() throws {
        var state: UInt64 = 7
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / Double(1 << 53) }
        let n = 300
        let time = (0..<n).map { _ in (next() * 50).rounded() + 1 }
        let event = (0..<n).map { _ in next() < 0.7 }
        let group = (0..<n).map { _ in Int32(next() < 0.4 ? 1 : 0) }
        let plain = try KaplanMeier.fit(time: time, event: event, group: group, groupCount: 2)
        let entry = try KaplanMeier.fit(start: [Double](repeating: -1, count: n), stop: time, event: event, group: group,
                                        groupCount: 2)
        for (a, b) in zip(plain, entry) {
            XCTAssertEqual(a.time, b.time)
            XCTAssertEqual(a.nRisk, b.nRisk)
            XCTAssertEqual(a.nEvent, b.nEvent)
            XCTAssertEqual(a.surv, b.surv)
            XCTAssertEqual(a.logStdErr, b.logStdErr)
        }
    }

    func testBadIntervalsAreErrors() {
        XCTAssertThrowsError(try KaplanMeier.fit(start: [2], stop: [2], event: [true], group: [0], groupCount: 1))
        XCTAssertThrowsError(try KaplanMeier.fit(start: [.nan], stop: [2], event: [true], group: [0], groupCount: 1))
        XCTAssertThrowsError(try KaplanMeier.fit(start: [0, 1], stop: [2], event: [true], group: [0], groupCount: 1))
    }
}
