// IntegerTrapTests.swift — issue 14's class "never a crash, a Swift trap": numbers from arguments or
// data that reached an Int conversion (or an array index) they did not fit. Each test traps the test
// process without its fix: power's events past 2^63 for hr near 1.

import Foundation
import SurvshCore
import XCTest

final class IntegerTrapTests: XCTestCase {
    func testPowerWithHazardRatioNearOneIsAUsageError() {
        let sh = TestShell()
        // theta = 0.5 |log hr| = 5e-10: D = ((1.96 + 0.84) / theta)^2 = 3.1e19 events, past Int.max.
        let events = sh.error("power logrank hr=1.000000001")
        XCTAssertTrue(events.contains("power: hr=1.000000001 needs 3.1") && events.contains("events, more than 10^15"), events)
        // 3.1e9 events are countable, the 3.1e15 subjects at pevent=1e-6 are not.
        let subjects = sh.error("power logrank hr=1.0001 pevent=1e-6")
        XCTAssertTrue(subjects.contains("with pevent=1e-6 needs") && subjects.contains("subjects, more than 10^15"), subjects)
        XCTAssertTrue(subjects.contains("a larger pevent="), subjects)
        sh.run("power logrank hr=1.0001")   // the events alone still print
    }
}
