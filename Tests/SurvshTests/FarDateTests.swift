// FarDateTests.swift — the commands that show dates and date-times (head, describe, summarize, year and
// month) over values past the years R can show (R's format() gives NA past year 2^31): NA, never a
// trap. CI's xlsx fuzz run of 588d0a4 found the class (Int conversion of a far day number); the
// formatting itself is checked against R in SurvshCoreTests/DateFormattingTests.

import Foundation
import SurvshCore
import XCTest

final class FarDateTests: XCTestCase {
    let workbook = repoRoot.appendingPathComponent("Tests/SurvshCoreTests/Fixtures/xlsx/clock.xlsx").path

    func testDateTimesPastYear2To31ShowAsNA() {
        let sh = TestShell()
        sh.run("load \(workbook)")
        sh.run("generate far = shown + 1e300")
        sh.run("generate past = shown - 1e17")
        let before = sh.sink.stdout.count
        sh.run("head")
        let shown = sh.sink.stdout[before...].joined(separator: "\n")
        XCTAssertTrue(shown.contains("NA"), shown)
        XCTAssertTrue(shown.contains("2023-03-15 06:00:00"), shown)
        sh.run("describe")
        sh.run("summarize far past")
        let described = sh.sink.stdout.suffix(12).joined(separator: "\n")
        XCTAssertTrue(described.contains("far") && described.contains("NA"), described)
    }

    func testYearAndMonthPastYear2To31AreNA() {
        let sh = TestShell()
        sh.run("load \(workbook)")
        sh.run("generate day = date(\"2023-03-15\") + id - 1")
        sh.run("generate far = day + 1e12")
        sh.run("generate y = year(far)", allowFailure: true)
        sh.run("generate y0 = year(day)")
        sh.run("generate m0 = month(day)")
        let frame = sh.session.frame
        XCTAssertEqual(frame.column("y0")?.number(at: 0), 2023)
        XCTAssertEqual(frame.column("m0")?.number(at: 0), 3)
        if let y = frame.column("y") { XCTAssertNil(y.number(at: 0)) }
        let before = sh.sink.stdout.count
        sh.run("head")
        let shown = sh.sink.stdout[before...].joined(separator: "\n")
        XCTAssertTrue(shown.contains("NA"), shown)
    }
}
