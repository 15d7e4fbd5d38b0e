// IntegerTrapTests.swift — issue 14's class "never a crash, a Swift trap": numbers from arguments or
// data that reached an Int conversion (or an array index) they did not fit. Each test traps the test
// process without its fix: power's events past 2^63 for hr near 1, save .xlsx of a date-time past
// year 2^31, and terminal histograms and box plots of values at the ends of the doubles.

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

    func testSaveXLSXOfDateTimePastYear2To31WritesAnEmptyCell() throws {
        let sh = TestShell()
        let workbook = repoRoot.appendingPathComponent("Tests/SurvshCoreTests/Fixtures/xlsx/clock.xlsx").path
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("inttrap-\(UUID().uuidString).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        sh.run("load \(workbook)")
        let rows = sh.session.frame.rowCount
        let shown = sh.session.frame.column("shown")?.number(at: 0)
        sh.run("generate far = shown + 1e300")
        let saved = sh.run("save \(out)")
        XCTAssertTrue(saved.outputLines.contains { $0.contains("date-time\(rows == 1 ? "" : "s") past year 2^31 written as empty cells") },
                      "\(saved.outputLines)")
        sh.run("load \(out)")
        let far = try XCTUnwrap(sh.session.frame.column("far"))
        XCTAssertTrue((0..<rows).allSatisfy { far.missing[$0] })
        XCTAssertEqual(sh.session.frame.column("shown")?.number(at: 0), shown)
    }

    /// Terminal plots (no file=) of values at the ends of the doubles: subnormal values put a tick
    /// left of the axis (index out of range), and ticks past 1.8e308 or a constant 1.7e308 scale to
    /// NaN (Int() trapped). Each draws now.
    func testTerminalPlotsOfExtremeValuesDraw() {
        let sh = TestShell()
        sh.run("load data/lung.csv")
        for (x, plot) in [("age * 1e-310", "hist"), ("ifelse(age > 60, 5e-324, 0)", "hist"), ("ifelse(age > 60, 1.7e308, 0)", "hist"),
                          ("ifelse(age > 60, 1.7e308, 0)", "box"), ("age * 0 + 1.7e308", "box"), ("age * 0 - 1.7e308", "box")] {
            sh.run("generate x = \(x)")
            let before = sh.sink.stdout.count
            sh.run("plot \(plot) x")
            XCTAssertGreaterThan(sh.sink.stdout.count, before, "plot \(plot) of \(x)")
            sh.run("drop x")
        }
    }
}
