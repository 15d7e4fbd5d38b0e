// ReadStatReaderTests.swift — Stata, SPSS and SAS files through ReadStat (StataReader, SPSSReader,
// SASReader).
//
// Fixtures/readstat/ holds files written by R's haven (write_fixtures.R, versions.txt): lung and the
// NET set in .dta, .sav and .xpt must give the values, missing cells, text and dates the CSV gives
// (names with '.' read as '_'; SPSS and SAS store every number as a double, so compare numbers);
// special.dta/.sav check tagged missings, user-missing values and ranges (kept per column for
// describe), value labels (levels in value order), variable labels and labels=codes; times.*
// date-times, times of day, early dates and SAS special missings; bad input is one error naming the
// format.

import XCTest
@testable import SurvshCore

final class ReadStatReaderTests: XCTestCase {
    func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/readstat/\(name)").path
    }

    func dataPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/\(name)").path
    }

    func read(_ name: String, options: ReadOptions = ReadOptions()) throws -> TableReadResult {
        let path = fixture(name)
        return try DataReaders.reader(for: path).read(path: path, options: options)
    }

    func column(_ r: TableReadResult, _ name: String) -> Column {
        r.columns.first { $0.name == name } ?? Column(name: name, storage: .real([]))
    }

    /// Same rows, names ('.' -> '_'), missing cells, numbers, texts and dates as the CSV.
    func assertMatchesCSV(_ file: String, csv: String, line: UInt = #line) throws {
        let expected = try CSVReader.read(path: dataPath(csv))
        let got = try read(file)
        XCTAssertEqual(got.rowCount, expected.rowCount, file, line: line)
        XCTAssertEqual(got.columns.map(\.name), expected.columns.map { $0.name.replacingOccurrences(of: ".", with: "_") }, file, line: line)
        for (g, e) in zip(got.columns, expected.columns) {
            XCTAssertEqual(g.missing, e.missing, "\(file) \(g.name) missing", line: line)
            switch e.type {
            case .text, .date:
                XCTAssertEqual(g.type, e.type, "\(file) \(g.name)", line: line)
                XCTAssertEqual((0..<g.count).map { g.text(at: $0) }, (0..<e.count).map { e.text(at: $0) }, "\(file) \(g.name)", line: line)
                if case .text(_, let levels) = e.storage, case .text(_, let got) = g.storage {
                    XCTAssertEqual(got, levels, "\(file) \(g.name) levels (first-seen order)", line: line)
                }
                XCTAssertNil(g.levelOrder, "\(file) \(g.name)", line: line)
            default:
                XCTAssertTrue(g.type == .integer || g.type == .real, "\(file) \(g.name) is \(g.type)", line: line)
                XCTAssertEqual((0..<g.count).map { g.number(at: $0) }, (0..<e.count).map { e.number(at: $0) }, "\(file) \(g.name)", line: line)
            }
        }
    }

    func testLungAndNETInEveryFormat() throws {
        for ext in ["dta", "sav", "zsav", "xpt", "sas7bdat"] {
            try assertMatchesCSV("lung.\(ext)", csv: "lung.csv")
            try assertMatchesCSV("net.\(ext)", csv: "net_liver_mets.csv")
        }
        XCTAssertEqual(try read("lung.dta").formatDescription, "Stata .dta")
        XCTAssertEqual(column(try read("lung.dta"), "time").type, .integer) // Stata long
        XCTAssertEqual(try read("lung.sav").formatDescription, "SPSS .sav")
        XCTAssertEqual(try read("lung.xpt").formatDescription, "SAS transport .xpt")
        XCTAssertEqual(try read("lung.sas7bdat").formatDescription, "SAS .sas7bdat")
        XCTAssertEqual(column(try read("net.sav"), "id").type, .integer, "SPSS F8.0 with whole numbers")
        XCTAssertEqual(column(try read("net.sav"), "months").type, .real)
    }

    func testStataTaggedMissingsAndValueLabels() throws {
        let r = try read("special.dta")
        let score = column(r, "score")
        XCTAssertEqual((0..<6).map { score.number(at: $0) }, [1.5, nil, nil, 2.5, 3.5, nil])
        XCTAssertTrue(r.warnings.contains("column 'score': missing values . 1, .a 1, .b 1"), "\(r.warnings)")
        XCTAssertEqual(score.missingKinds, [".": 1, ".a": 1, ".b": 1])
        XCTAssertEqual(score.label, "Score at baseline")
        XCTAssertEqual(column(r, "id").missingKinds, [:])
        XCTAssertNil(column(r, "id").label)
        let sex = column(r, "sex")
        XCTAssertEqual(sex.type, .text)
        if case .text(_, let levels) = sex.storage { XCTAssertEqual(levels, ["male", "female", "3"]) }
        XCTAssertEqual(sex.levelOrder, ["male", "female", "3"], "value order, as haven's as_factor")
        XCTAssertEqual(sex.levelCodes, [1, 2, 3])
        XCTAssertEqual(sex.label, "Sex of patient")
        XCTAssertEqual((0..<6).map { sex.text(at: $0) }, ["male", "female", "male", "3", "female", nil])
        let codes = column(try read("special.dta", options: { var o = ReadOptions(); o.valueLabelCodes = true; return o }()), "sex")
        XCTAssertEqual((0..<6).map { codes.number(at: $0) }, [1, 2, 1, 3, 2, nil])
    }

    func testSPSSUserMissingValuesAndRanges() throws {
        let r = try read("special.sav")
        let answer = column(r, "answer")
        // 9 is a user-missing value, 95 lies in the user-missing range 90-99.
        XCTAssertEqual((0..<6).map { answer.text(at: $0) }, ["yes", "no", nil, nil, "3", nil])
        let weight = column(r, "weight")
        XCTAssertEqual((0..<6).map { weight.number(at: $0) }, [60, 70, nil, 80, 90, 100])
        XCTAssertTrue(r.warnings.contains("column 'answer': missing values . 1, user-missing 2"), "\(r.warnings)")
        XCTAssertTrue(r.warnings.contains("column 'weight': missing values user-missing 1"), "\(r.warnings)")
        XCTAssertEqual(answer.missingKinds, [".": 1, "user-missing": 2])
        XCTAssertEqual(answer.label, "Answer to Q1")
        XCTAssertEqual(weight.label, "Weight (kg)")
        XCTAssertEqual(answer.levelOrder, ["yes", "no", "3", "refused"])
    }

    /// times.{xpt,sav,dta} (write_fixtures.R): date-times as seconds since 1970 UTC, times of day as
    /// seconds since midnight (each with a note), dates from 1582-10-15 on; SAS special missings.
    func testDateTimesTimesDatesAndSASSpecialMissings() throws {
        let iso = ISO8601DateFormatter()
        let when: [Double?] = ["2020-01-02T03:04:05Z", "1960-01-01T00:00:00Z", nil, "1999-12-31T23:59:59Z", "2021-06-01T12:00:00Z"]
            .map { $0.map { iso.date(from: $0)!.timeIntervalSince1970 } }
        let days: [String?] = ["2020-01-02", nil, "1960-01-01", "1582-10-15", "2038-01-19"]
        for (file, format) in [("times.xpt", "DATETIME"), ("times.sav", "DATETIME20"), ("times.dta", "%tc")] {
            let r = try read(file)
            XCTAssertEqual((0..<5).map { column(r, "when").number(at: $0) }, when, file)
            XCTAssertTrue(r.warnings.contains("column 'when' (format \(format)) is a date-time: read as seconds since 1970-01-01 00:00 UTC"),
                          "\(file): \(r.warnings)")
            XCTAssertEqual(column(r, "day").type, .date, file)
            XCTAssertEqual((0..<5).map { column(r, "day").text(at: $0) }, days, file)
            if file != "times.dta" { // Stata has no time-of-day format
                XCTAssertEqual((0..<5).map { column(r, "tod").number(at: $0) }, [0, 3661, nil, 86399, 45296.5], file)
                XCTAssertTrue(r.warnings.contains { $0.hasPrefix("column 'tod' (format TIME") && $0.hasSuffix("is a time: read as seconds (since midnight for a time of day), as R's hms") },
                              "\(file): \(r.warnings)")
            }
        }
        let x = column(try read("times.xpt"), "x")
        XCTAssertEqual((0..<5).map { x.number(at: $0) }, [1.5, nil, nil, nil, nil])
        XCTAssertEqual(x.missingKinds, [".": 1, ".A": 1, "._": 1, ".Z": 1])
        XCTAssertEqual((0..<5).map { x.fileMissing?.value(at: $0) }, [nil, .tag("A"), .tag("_"), .tag("Z"), nil])
    }

    /// nan.{dta,sav} (write_fixtures.R): a NaN stored as a number (not a missing code) is missing, in
    /// a plain and in a value-labelled column, as haven reads it (NA): of kind NaN in a .dta (ReadStat
    /// gives a tagged missing whose tag is no letter), system missing in a .sav (ReadStat cannot tell
    /// them apart). Inf stays Inf, with a warning, and analyses refuse it naming the column and row.
    func testStoredNaNIsMissingAndInfStaysInf() throws {
        for (file, tail) in [("nan.dta", [2.5, -2.5]), ("nan.sav", [Double.infinity, -.infinity])] {
            let r = try read(file)
            let x = column(r, "x")
            XCTAssertEqual(x.type, .real, file)
            XCTAssertEqual((0..<5).map { x.number(at: $0) }, [1.5, nil, nil] + tail, file)
            XCTAssertEqual(x.missingKinds, file == "nan.dta" ? [".": 1, "NaN": 1] : [:], file)
            XCTAssertEqual(r.warnings.contains("column 'x': missing values . 1, NaN 1"), file == "nan.dta", "\(file): \(r.warnings)")
            let lab = column(r, "lab")
            XCTAssertEqual((0..<5).map { lab.text(at: $0) }, ["low", "high", nil, "low", "high"], file)
            XCTAssertEqual(lab.missingKinds, file == "nan.dta" ? ["NaN": 1] : [:], file)
            let codes = column(try read(file, options: { var o = ReadOptions(); o.valueLabelCodes = true; return o }()), "lab")
            XCTAssertEqual((0..<5).map { codes.number(at: $0) }, [1, 2, nil, 1, 2], file)
        }
        let r = try read("nan.sav")
        XCTAssertTrue(r.warnings.contains("column 'x' holds 2 infinite values (Inf or -Inf; the first in row 4), which analyses refuse"), "\(r.warnings)")
        XCTAssertThrowsError(try column(r, "x").requireFinite(rows: nil, command: "km")) { e in
            XCTAssertTrue("\(e)".contains("column 'x' holds Inf in row 4"), "\(e)")
        }
    }

    /// nan.sas7bdat (write_fixtures.R): a NaN stored as a number is missing, as in .dta and .sav (SAS stores
    /// its missing values as NaNs: one whose payload is no SAS tag is system missing `.`, as haven reads
    /// it); Inf and -Inf stay, with a warning. (No .xpt or .por can store a NaN: see write_fixtures.R.)
    func testStoredNaNInSASIsMissingAndInfStaysInf() throws {
        let r = try read("nan.sas7bdat")
        let x = column(r, "x")
        XCTAssertEqual(x.type, .real)
        XCTAssertEqual((0..<5).map { x.number(at: $0) }, [1.5, nil, nil, .infinity, -.infinity])
        XCTAssertEqual(x.missingKinds, [:], "a stored NaN counts as plain .")
        XCTAssertTrue(r.warnings.contains("column 'x' holds 2 infinite values (Inf or -Inf; the first in row 4), which analyses refuse"), "\(r.warnings)")
    }

    /// text_missing.sav (write_fixtures.R): a string column with the SPSS user-missing value "x".
    func testSPSSStringUserMissingValues() throws {
        let r = try read("text_missing.sav")
        let answer = column(r, "answer")
        XCTAssertEqual(answer.type, .text)
        XCTAssertEqual((0..<4).map { answer.text(at: $0) }, ["a", "b", nil, nil]) // "" is missing as an NA token
        XCTAssertEqual(answer.missingKinds, ["user-missing": 1])
        XCTAssertEqual((0..<4).map { answer.fileMissing?.value(at: $0) }, [nil, nil, .text("x"), nil])
        XCTAssertEqual(answer.fileMissing?.declared.texts, ["x"])
        XCTAssertTrue(r.warnings.contains("column 'answer': missing values user-missing 1"), "\(r.warnings)")
        XCTAssertEqual(answer.label, "Answer (x: refused)")
    }

    func testBadFiles() {
        for (name, message) in [("truncated.dta", "cannot read it as Stata .dta: ReadStat says: "),
                                ("text.sav", "cannot read it as SPSS .sav: ReadStat says: ")] {
            XCTAssertThrowsError(try read(name)) { e in
                XCTAssertTrue("\(e)".contains(message), "\(e)")
                XCTAssertTrue("\(e)".contains(name), "\(e)")
            }
        }
    }
}
