// DateTimeArithmeticTests.swift — computed columns from date-times and dates keep R's classes
// (issue 11): date-time ± seconds is a date-time (POSIXct), date-time − date-time a number of seconds
// (difftime), pmin/pmax keep the first argument's class, date ± days a date; what R refuses is an error.
// The cases, R's classes and values come from Fixtures/datetime/arithmetic.R (arithmetic.json); survsh's
// own choices where R gives no class or no error (ifelse keeps a date-time, a date mixed with a
// date-time is refused) are checked by hand below.

import Foundation
import XCTest
@testable import SurvshCore

final class DateTimeArithmeticTests: XCTestCase {
    struct Case: Decodable {
        let survsh: String
        let r: String
        let `class`: String
        let units: String?
        let values: [Double?]?
    }
    struct Fixture: Decodable {
        struct Data: Decodable { let t: [Double?], u: [Double?], d: [Double?], a: [Int] }
        let data: Data
        let cases: [Case]
    }

    static func fixture() throws -> Fixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/datetime/arithmetic.json")
        return try JSONDecoder().decode(Fixture.self, from: try Data(contentsOf: url))
    }

    /// R's data as survsh columns: t and u date-times (seconds since 1970 UTC), d a date, a integers.
    static func frame(_ data: Fixture.Data) -> DataFrame {
        func mask(_ v: [Double?]) -> MissingMask {
            var m = MissingMask(count: v.count)
            for (i, x) in v.enumerated() where x == nil { m[i] = true }
            return m
        }
        var t = Column(name: "t", storage: .real(data.t.map { $0 ?? 0 }), missing: mask(data.t))
        var u = Column(name: "u", storage: .real(data.u.map { $0 ?? 0 }), missing: mask(data.u))
        (t.isDateTime, u.isDateTime) = (true, true)
        let d = Column(name: "d", storage: .date(data.d.map { Int32($0 ?? 0) }), missing: mask(data.d))
        return DataFrame(columns: [t, u, d, Column(name: "a", storage: .integer(data.a.map(Int64.init)))])
    }

    func column(_ text: String, in frame: DataFrame) throws -> Column {
        let ev = ExpressionEvaluator(frame: frame, command: "generate", text: text)
        return ev.column(named: "y", from: try ev.evaluate(ExpressionParser.parse(text, command: "generate")))
    }

    func testDateTimeArithmeticFollowsR() throws {
        let fixture = try Self.fixture()
        let frame = Self.frame(fixture.data)
        XCTAssertEqual(fixture.cases.count, 24)
        for c in fixture.cases {
            let what = "\(c.survsh) (R: \(c.r) is \(c.class))"
            if c.class == "error" {
                XCTAssertThrowsError(try column(c.survsh, in: frame), what) { XCTAssertTrue($0 is SurvshError, what) }
                continue
            }
            let y = try column(c.survsh, in: frame)
            XCTAssertEqual(y.isDateTime, c.class == "POSIXct", what)
            XCTAssertEqual(y.type == .date, c.class == "Date", what)
            if c.class == "difftime" { XCTAssertEqual(y.type, c.units == "days" ? .integer : .real, what) } // whole days; seconds
            XCTAssertEqual((0..<y.count).map { y.number(at: $0) }, try XCTUnwrap(c.values, what), what)
        }
    }

    /// Where R has no rule survsh follows: ifelse of two date-times stays one (R's ifelse drops the
    /// class; dplyr's if_else keeps it), and a date with a date-time is refused (R compares days with
    /// seconds, with only a warning).
    func testIfelseKeepsDateTimesAndDatesDoNotMixWithDateTimes() throws {
        let frame = Self.frame(try Self.fixture().data)
        let y = try column("ifelse(a > 2, t, u + 1)", in: frame)
        XCTAssertTrue(y.isDateTime)
        for text in ["t - d", "t > d", "d < t", "min(t, d)", "t > \"2020-13-01\"", "t == \"2020-01-01 25:00\""] {
            XCTAssertThrowsError(try column(text, in: frame), text)
        }
        XCTAssertFalse(try column("a + 1.5", in: frame).isDateTime)
    }

    /// A computed date-time shows as one in head (R prints a POSIXct so), and saves as one (.dta %tc).
    func testComputedDateTimeIsShownAndSavedAsOne() throws {
        let frame = Self.frame(try Self.fixture().data)
        let y = try column("t + 3600", in: frame)
        XCTAssertEqual((0..<4).map { y.displayText(at: $0) }, ["1970-01-01 01:00:00", "1970-01-02 00:59:59", "2020-01-02 04:04:05", nil])
        let written = try StataWriter.encode([y], rows: Array(0..<4))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dtar-\(UUID().uuidString).dta").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try written.data.write(to: URL(fileURLWithPath: path))
        let back = try StataReader.read(path: path, options: ReadOptions())
        XCTAssertTrue(back.columns[0].isDateTime)
        XCTAssertEqual((0..<4).map { back.columns[0].number(at: $0) }, (0..<4).map { y.number(at: $0) })
    }

    /// `head` cuts the fraction of a second off, as R's format() of a POSIXct (89999.5 is 00:59:59 of
    /// the next day; Fixtures/datetime/far_dates.json has R's text): never 24:00:00.
    func testDateTimeTextNeverShowsHour24() {
        XCTAssertEqual(formatISODateTime(secondsSinceEpoch: 86_399.6), "1970-01-01 23:59:59")
        XCTAssertEqual(formatISODateTime(secondsSinceEpoch: -0.4), "1969-12-31 23:59:59")
        XCTAssertEqual(parseISODateTime("2020-01-02 03:04:05.5"), 1_577_934_245.5)
        XCTAssertNil(parseISODateTime("2020-01-02 3:04"))
    }
}
