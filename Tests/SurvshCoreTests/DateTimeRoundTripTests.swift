// DateTimeRoundTripTests.swift — a date-time column (`Column.isDateTime`: seconds since 1970-01-01
// UTC, read from Stata %tc, SPSS DATETIME, SAS DATETIME or an Excel date-time format) is saved as the
// target format's date-time and loads back as the same frame (issue 11: round trips lossless for what
// the format holds): .dta as %tc (whole milliseconds since 1960), .sav/.zsav/.por as DATETIME20
// (seconds since 1582-10-14), .xlsx as a serial with the date-time style (to the millisecond).
// R reads survsh's files back as POSIXct with the same values: haven for .dta/.sav
// (Fixtures/readstat/survsh/read_back_times.json), readxl for .xlsx (Fixtures/xlsx/survsh/read_back_times.json),
// both written by the read_back.R scripts beside them from the files write.surv saved.

import Foundation
import XCTest
@testable import SurvshCore

final class DateTimeRoundTripTests: XCTestCase {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    func load(_ path: String) throws -> TableReadResult {
        try DataReaders.reader(for: path).read(path: path, options: ReadOptions())
    }

    /// Writes `columns` with `writer` to a temporary file and reads it back.
    func roundTrip(_ columns: [Column], _ writer: any TableWriter.Type) throws -> (TableReadResult, [String]) {
        let rows = Array(0..<(columns.first?.count ?? 0))
        let written = try writer.encode(columns, rows: rows)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dtrt-\(UUID().uuidString).\(writer.fileExtensions[0])").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try written.data.write(to: URL(fileURLWithPath: path))
        return (try load(path), written.warnings)
    }

    /// The seconds since 1970 R gives for `times.*`'s `when` (write_fixtures.R).
    static let when: [Double?] = ["2020-01-02T03:04:05Z", "1960-01-01T00:00:00Z", nil, "1999-12-31T23:59:59Z", "2021-06-01T12:00:00Z"]
        .map { $0.map { ISO8601DateFormatter().date(from: $0)!.timeIntervalSince1970 } }

    /// times.dta and times.sav saved in their own format give the same frame and the same notes.
    func testFixturesRoundTripThroughTheirOwnFormat() throws {
        for (file, writers) in [("times.dta", [StataWriter.self]), ("times.sav", [SPSSWriter.self, SPSSCompressedWriter.self])]
            as [(String, [any TableWriter.Type])] {
            let original = try load(Self.fixture("readstat/\(file)"))
            let when = try XCTUnwrap(original.columns.first { $0.name == "when" })
            XCTAssertTrue(when.isDateTime, file)
            for writer in writers {
                let (back, warnings) = try roundTrip(original.columns, writer)
                XCTAssertEqual(warnings, [], "\(file) -> \(writer.formatName)")
                XCTAssertEqual(back.columns, original.columns, "\(file) -> \(writer.formatName)") // Column's ==: values, masks, isDateTime
                // The same note (the same format); a time of day (tod in the .sav) is saved as a plain number.
                let note = { (w: [String]) in w.filter { $0.hasPrefix("column 'when'") } }
                XCTAssertEqual(note(back.warnings), note(original.warnings), "\(file) -> \(writer.formatName)")
                XCTAssertEqual(note(back.warnings).count, 1, "\(file) -> \(writer.formatName)")
            }
        }
    }

    /// A SAS DATETIME column (times.xpt) is a date-time in .dta, .sav, .por and .xlsx too.
    func testSASDateTimesBecomeEachFormatsDateTime() throws {
        let original = try load(Self.fixture("readstat/times.xpt"))
        let when = try XCTUnwrap(original.columns.first { $0.name == "when" })
        XCTAssertTrue(when.isDateTime)
        for writer in [StataWriter.self, SPSSWriter.self, SPSSPortableWriter.self, XLSXWriter.self] as [any TableWriter.Type] {
            let (back, _) = try roundTrip([when], writer)
            let got = back.columns[0]
            XCTAssertTrue(got.isDateTime, writer.formatName)
            XCTAssertEqual((0..<5).map { got.number(at: $0) }, Self.when, writer.formatName)
        }
    }

    /// Milliseconds, dates before 1970 and before 1900 (the 1900 system's early serials), and missing cells.
    func testMillisecondsAndEarlyDateTimes() throws {
        var missing = MissingMask(count: 6)
        missing[3] = true
        // As each reader makes them: Stata from whole milliseconds since 1960, Excel to the millisecond since 1970.
        let stataMs: [Double] = [1_893_553_445_123, -1, 0, 0, 86_399_999, -11_903_760_000_000 + 43_200_001]
        let stata = stataMs.enumerated().map { missing[$0.offset] ? 0 : $0.element / 1000 - 315_619_200 } // 0 under a missing cell
        let excel: [Double] = [1_577_934_245_123, -1, 0, 0, -2_208_945_600_000 + 1, -2_203_891_200_000 + 43_199_999].map { $0 / 1000 }
        // SPSS from seconds since 1582-10-14 (the reader's difference, which the writer's sum undoes exactly).
        let spss: [Double] = [13_797_313_445.123456, 12_219_379_199.999999, 12_219_379_200, 12_219_379_200, 86_400.5, 13_219_379_200 + 1.0 / 3]
            .map { $0 - 12_219_379_200 }
        for (values, writer) in [(stata, StataWriter.self), (spss, SPSSWriter.self), (excel, XLSXWriter.self)] as [([Double], any TableWriter.Type)] {
            var column = Column(name: "t", storage: .real(values), missing: missing)
            column.isDateTime = true
            let (back, warnings) = try roundTrip([column], writer)
            XCTAssertEqual(warnings, [], writer.formatName)
            XCTAssertEqual((0..<6).map { back.columns[0].number(at: $0) }, (0..<6).map { column.number(at: $0) }, writer.formatName)
            XCTAssertEqual(back.columns[0], column, writer.formatName)
        }
        // Excel's dates start at 1900-01-01: an earlier date-time is text, with a note.
        var early = Column(name: "t", storage: .real([-2_208_988_800 - 3600, 0]))
        early.isDateTime = true
        let (back, warnings) = try roundTrip([early], XLSXWriter.self)
        XCTAssertEqual(warnings, ["1 date before 1900-01-01 written as text: Excel's dates start there"])
        XCTAssertEqual((0..<2).map { back.columns[0].text(at: $0) }, ["1899-12-31 23:00:00", "1970-01-01 00:00:00"])
    }

    /// A real column that was not read as a date-time is saved and loaded back as a plain number.
    func testPlainRealsStayNumbers() throws {
        let column = Column(name: "x", storage: .real([1.5, 1e9]))
        for writer in [StataWriter.self, SPSSWriter.self, XLSXWriter.self] as [any TableWriter.Type] {
            let (back, warnings) = try roundTrip([column], writer)
            XCTAssertEqual(warnings, [], writer.formatName)
            XCTAssertFalse(back.columns[0].isDateTime, writer.formatName)
            XCTAssertFalse(back.warnings.contains { $0.contains("date-time") }, "\(writer.formatName): \(back.warnings)")
        }
    }

    /// What R read back from the files survsh saved (write.surv; read_back.R): POSIXct (UTC) with the
    /// seconds of the saved frame.
    func testRReadsSurvshDateTimesBack() throws {
        let sources = ["times.dta": "readstat/times.dta", "times.sav": "readstat/times.sav", "times.xlsx": "readstat/times.sav"]
        for (json, package) in [("readstat/survsh/read_back_times.json", "haven"), ("xlsx/survsh/read_back_times.json", "readxl")] {
            let data = try Data(contentsOf: URL(fileURLWithPath: Self.fixture(json)))
            let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            XCTAssertNotNil(root["\(package)_version"] as? String, json)
            let files = try XCTUnwrap(root["files"] as? [[String: Any]], json)
            XCTAssertFalse(files.isEmpty, json)
            for file in files {
                let name = try XCTUnwrap(file["file"] as? String)
                let source = try load(Self.fixture(try XCTUnwrap(sources[name], name)))
                let expected = try XCTUnwrap(source.columns.first { $0.name == "when" }, name)
                XCTAssertEqual(file["class"] as? [String], ["POSIXct", "POSIXt"], name)
                XCTAssertEqual(file["tz"] as? String, "UTC", name)
                let values = try XCTUnwrap(file["values"] as? [Any], name).map { ($0 as? NSNumber)?.doubleValue }
                XCTAssertEqual(values, (0..<expected.count).map { expected.number(at: $0) }, name)
                XCTAssertEqual(values, Self.when, name)
                // And survsh loads its own file back to the same column.
                let saved = try load(Self.fixture((json as NSString).deletingLastPathComponent + "/" + name))
                XCTAssertEqual(saved.columns.first { $0.name == "when" }, expected, name)
            }
        }
    }
}
