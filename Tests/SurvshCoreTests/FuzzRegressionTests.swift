// FuzzRegressionTests.swift — every input a fuzzer found crashing (fuzz/regressions/TARGET/) and
// every seed (fuzz/corpus/TARGET/) replayed through the same harness the libFuzzer targets call
// (FuzzHarness), in the ordinary test build; plus the one-line errors those inputs now give.

import Foundation
@testable import SurvshCore
import XCTest

final class FuzzRegressionTests: XCTestCase {
    let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fuzz")

    func inputs(_ folder: String, _ target: String) throws -> [URL] {
        let dir = fuzzRoot.appendingPathComponent(folder).appendingPathComponent(target)
        guard FileManager.default.fileExists(atPath: dir.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func testEveryTargetHasSeedsAndEveryInputRuns() throws {
        XCTAssertEqual(Set(FuzzHarness.targets.keys), ["commandline", "expression", "formula", "csv", "transcript", "gzip", "readstat", "xlsx"])
        var regressions = 0
        for (name, harness) in FuzzHarness.targets {
            let seeds = try inputs("corpus", name)
            XCTAssertGreaterThan(seeds.count, 5, "seed corpus of \(name)")
            let found = try inputs("regressions", name)
            regressions += found.count
            for url in seeds + found { harness(Array(try Data(contentsOf: url))) }
        }
        XCTAssertGreaterThan(regressions, 0, "the regression inputs are found")
    }

    func testFormulaStarWithoutVariablesIsAnError() {
        // fuzz/regressions/formula/star-without-variables: `~*` trapped on the range 1...0.
        for text in ["~*", "~ a *", "~ * b", "~ a ** b"] {
            XCTAssertThrowsError(try Formula.parse(text, command: "cox"), text) { e in
                XCTAssertTrue("\(e)".contains("empty term"), "\(e)")
            }
        }
    }

    func testCrossingManyVariablesIsRefusedNotExpanded() {
        let text = "~ " + (1...30).map { "x\($0)" }.joined(separator: " * ")
        XCTAssertThrowsError(try Formula.parse(text, command: "cox")) { e in
            XCTAssertTrue("\(e)".contains("crosses 30 variables"), "\(e)")
        }
        XCTAssertEqual(try Formula.parse("~ a * b * c", command: "cox").terms.count, 7)
    }

    /// fuzz/regressions/xlsx/crash-05c5...: a shared-strings part with bytes that are not UTF-8 in an
    /// element name trapped inside FoundationXML's XMLParser; such a part is now refused first.
    func testXLSXPartThatIsNotUTF8IsAnError() throws {
        let bytes = Array(try Data(contentsOf: fuzzRoot.appendingPathComponent("regressions/xlsx/crash-05c5c7bea4a35f2502ef6bc91aea14ce0e48652c")))
        let cut = try XCTUnwrap(bytes.firstIndex(of: 0))
        let parts = XLSXWriter.workbookParts(sheet: Data(bytes[..<cut]), shared: Data(bytes[(cut + 1)...]))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fz-\(UUID().uuidString).xlsx").path
        try XLSXWriter.zipArchive(parts, compressed: false).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try DataReaders.read(path: path, options: ReadOptions())) { e in
            XCTAssertTrue("\(e)".contains("xlsx: the part xl/sharedStrings.xml is not UTF-8 XML (a byte that is not UTF-8 text at byte 11)"), "\(e)")
        }
    }
}

extension FuzzRegressionTests {
    /// fuzz/regressions/xlsx/crash-far-serial-*: a date- or date-time-formatted cell of 1e300 trapped
    /// converting its day number to an Int (CI's xlsx smoke run of 588d0a4 found the class). A serial
    /// whose day number does not fit 32 bits is now a missing cell, as R's format() shows NA there.
    func testXLSXSerialsPastYear2To31AreMissing() throws {
        for (style, kind) in [(1, "date"), (2, "date-time")] {
            for serial in ["1e300", "1e17", "3e12", "-1e300"] {
                let sheet = """
                    <worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>when</t></is></c></row>\
                    <row r="2"><c r="A2" s="\(style)"><v>\(serial)</v></c></row>\
                    <row r="3"><c r="A3" s="\(style)"><v>45000</v></c></row></sheetData></worksheet>
                    """
                let path = try XLSXReaderTests.workbook(sheet: sheet)
                defer { try? FileManager.default.removeItem(atPath: path) }
                let column = try DataReaders.read(path: path, options: ReadOptions()).columns[0]
                XCTAssertNil(column.number(at: 0), "\(kind) \(serial)")
                XCTAssertEqual(column.displayText(at: 1)?.prefix(10), "2023-03-15", "\(kind) \(serial)")
            }
        }
    }

    /// The text of a time cell (a text column, a header) for times no clock shows: no trap, the seconds.
    func testClockTextOfAnyTime() {
        XCTAssertEqual(XLSXColumns.clock(3661), "01:01:01")
        XCTAssertEqual(XLSXColumns.clock(129_600), "36:00:00")
        XCTAssertEqual(XLSXColumns.clock(-3661), "-01:01:01")
        XCTAssertEqual(XLSXColumns.clock(8.64e304), formatReal(8.64e304))
        XCTAssertEqual(XLSXColumns.clock(-.infinity), "-Inf")
        XCTAssertEqual(XLSXColumns.clock(.nan), "NaN")
    }
}
