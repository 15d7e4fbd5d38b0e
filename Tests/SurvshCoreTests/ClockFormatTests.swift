// ClockFormatTests.swift — times of day and clocks in the files survsh loads (issue 11), against what R
// wrote and read (Fixtures/readstat/clock.json by write_clock_fixtures.R with haven, Fixtures/xlsx/clock.json
// by write_clock_fixtures.R with openxlsx and readxl). survsh's rules, stated in `help load`:
// - a date-time is seconds since 1970 UTC marked `isDateTime`: Stata %tc and %tC (the leap-second clock,
//   leap seconds taken off, where haven keeps them), SAS DATEAMPM (haven reads it as a Date, in days);
// - a time is a plain number of seconds (R's hms): SPSS TIME, DTIME, MTIME; SAS TIME, TOD, HHMM; an
//   Excel clock format (h:mm AM/PM) on a serial under a day (readxl: a POSIXct on 1899-12-31) and an
//   elapsed format ([h]:mm:ss) on any serial;
// - an Excel clock format on a serial of a day or more hides a date: a date-time, as readxl gives it,
//   and so is the whole column when it mixes those with times.

import Foundation
import XCTest
@testable import SurvshCore

final class ClockFormatTests: XCTestCase {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.fixture(name)))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func numbers(_ any: Any?) throws -> [Double?] {
        try XCTUnwrap(any as? [Any]).map { ($0 as? NSNumber)?.doubleValue }
    }

    func load(_ name: String) throws -> TableReadResult {
        let path = Self.fixture(name)
        return try DataReaders.reader(for: path).read(path: path, options: ReadOptions())
    }

    func values(_ r: TableReadResult, _ name: String) throws -> (Column, [Double?]) {
        let c = try XCTUnwrap(r.columns.first { $0.name == name }, name)
        return (c, (0..<c.count).map { c.number(at: $0) })
    }

    /// Stata: %tc and %tC hold the same instants; both read as them. haven's %tC is later by the leap seconds.
    func testStataLeapSecondClockReadsAsUTC() throws {
        let r = try json("readstat/clock.json")
        let when = try numbers(r["when"]), leaps = try numbers(r["leap_seconds"])
        let file = try load("readstat/clock.dta")
        for name in ["tc", "tC"] {
            let (c, got) = try values(file, name)
            XCTAssertTrue(c.isDateTime, name)
            XCTAssertEqual(got, when, name)
        }
        let haven = try XCTUnwrap((r["haven"] as? [String: Any])?["clock.dta"] as? [String: Any])
        let havenTC = try numbers((haven["tC"] as? [String: Any])?["values"])
        XCTAssertEqual(havenTC, zip(when, leaps).map { w, l in w.flatMap { w in l.map { w + $0 } } }) // what survsh takes off
        XCTAssertTrue(file.warnings.contains { $0.hasPrefix("column 'tC' (format %tC) is a date-time on Stata's leap-second clock") },
                      "\(file.warnings)")
        // Inside an inserted second (2016-12-31 23:59:60.5): 23:59:59.5, never the next day.
        let lastLeap = Double(daysFromCivil(year: 2017, month: 1, day: 1)) * 86_400
        XCTAssertEqual(LeapSeconds.utc(fromLeapClock: lastLeap + 26 + 0.5), lastLeap - 0.5)
    }

    /// SPSS TIME, DTIME, MTIME and SAS TIME, TOD, HHMM: seconds, as haven's hms (or number); not date-times.
    func testTimesAreSeconds() throws {
        let r = try json("readstat/clock.json")
        let seconds = try numbers(r["seconds"])
        for (file, names) in [("clock.sav", ["tod", "span", "mmss"]), ("clock.xpt", ["time", "tod", "hhmm"])] {
            let loaded = try load("readstat/\(file)")
            let haven = try XCTUnwrap((r["haven"] as? [String: Any])?[file] as? [String: Any], file)
            for name in names {
                let (c, got) = try values(loaded, name)
                XCTAssertFalse(c.isDateTime, "\(file) \(name)")
                XCTAssertEqual(got, seconds, "\(file) \(name)")
                XCTAssertEqual(got, try numbers((haven[name] as? [String: Any])?["values"]), "\(file) \(name)")
                XCTAssertTrue(loaded.warnings.contains { $0.hasPrefix("column '\(name)'") && $0.contains("is a time: read as seconds") },
                              "\(file) \(name): \(loaded.warnings)")
            }
        }
    }

    /// SAS DATEAMPM is a date-time (seconds since 1960), where haven makes it a Date of those seconds as days.
    func testSASDateAMPMIsADateTime() throws {
        let r = try json("readstat/clock.json")
        let (c, got) = try values(try load("readstat/clock.xpt"), "ampm")
        XCTAssertTrue(c.isDateTime)
        XCTAssertEqual(got, try numbers(r["sas_stamp_since_1970"]))
        let haven = try XCTUnwrap(((r["haven"] as? [String: Any])?["clock.xpt"] as? [String: Any])?["ampm"] as? [String: Any])
        XCTAssertEqual(haven["class"] as? String, "Date") // haven's reading, which survsh does not follow
    }

    /// Excel: clock formats under a day and elapsed formats are seconds; a clock format hiding a date
    /// is a date-time equal to readxl's.
    func testExcelTimeFormats() throws {
        let r = try json("xlsx/clock.json")
        let columns = try XCTUnwrap(r["columns"] as? [String: [String: Any]])
        XCTAssertEqual(Set(columns.keys), ["clock", "shown", "mixed", "elapsed"])
        let file = try load("xlsx/clock.xlsx")
        let dayZero = Double(daysFromCivil(year: 1899, month: 12, day: 31)) * 86_400 // readxl's day of a time
        for (name, column) in columns {
            XCTAssertEqual(column["readxl_class"] as? String, "POSIXct", name)
            let readxl = try numbers(column["readxl_seconds"])
            let (c, got) = try values(file, name)
            if name == "shown" || name == "mixed" {
                XCTAssertTrue(c.isDateTime, name)
                XCTAssertEqual(got, readxl, name)
            } else {
                XCTAssertFalse(c.isDateTime, name)
                XCTAssertEqual(got, readxl.map { $0.map { $0 - dayZero } }, name)
            }
        }
        XCTAssertTrue(file.warnings.contains("column 'mixed' holds date-times: read as seconds since 1970-01-01 00:00 UTC (2 times of day 0, 1899-12-31, as readxl)"),
                      "\(file.warnings)")
    }
}
