// DateFormattingTests.swift — dates and date-times shown as R's format() shows them, out to the years
// where R gives NA (Fixtures/datetime/far_dates.R wrote far_dates.json); HardeningTests runs the
// commands that show them over such values.

import Foundation
@testable import SurvshCore
import XCTest

final class DateFormattingTests: XCTestCase {
    struct Fixture: Decodable {
        struct DateCase: Decodable { let days: Double; let text: String? }
        struct DateTimeCase: Decodable { let seconds: Double; let text: String? }
        let R: String
        let dates: [DateCase]
        let datetimes: [DateTimeCase]
    }

    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/datetime/far_dates.json")
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    /// R does not pad a year below 1000; survsh writes ISO 8601's four digits.
    func unpadded(_ s: String) -> String {
        let negative = s.hasPrefix("-")
        var body = Substring(negative ? String(s.dropFirst()) : s)
        while body.hasPrefix("0"), body.dropFirst().first != "-" { body = body.dropFirst() }
        return (negative ? "-" : "") + body
    }

    func testFarDatesAreFormattedAsR() throws {
        let f = try Self.fixture()
        XCTAssertGreaterThan(f.dates.filter { $0.text == nil }.count, 3)
        for c in f.dates {
            let text = formatISODate(daysSinceEpoch: Int(exactly: c.days) ?? (c.days > 0 ? .max : .min))
            XCTAssertEqual(c.text.map { $0 } ?? "NA", unpadded(text), "days \(c.days)")
        }
        XCTAssertEqual(formatISODate(daysSinceEpoch: .max), "NA")
        XCTAssertEqual(formatISODate(daysSinceEpoch: .min), "NA")
    }

    func testFarDateTimesAreFormattedAsR() throws {
        let f = try Self.fixture()
        XCTAssertGreaterThan(f.datetimes.filter { $0.text == nil }.count, 3)
        for c in f.datetimes {
            // R leaves the time out of a vector of midnights; survsh always shows it
            let r = c.text.map { $0.count <= 11 ? $0 + " 00:00:00" : $0 } ?? "NA"
            XCTAssertEqual(r, unpadded(formatISODateTime(secondsSinceEpoch: c.seconds)), "seconds \(c.seconds)")
        }
        for s in [Double.nan, .infinity, -.infinity, .greatestFiniteMagnitude] {
            XCTAssertEqual(formatISODateTime(secondsSinceEpoch: s), "NA")
        }
    }
}
