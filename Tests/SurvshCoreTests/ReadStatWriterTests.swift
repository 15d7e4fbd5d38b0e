// ReadStatWriterTests.swift — `save PATH.dta|.sav|.zsav` through ReadStat's writer (StataWriter,
// SPSSWriter, SPSSCompressedWriter): what the readers give back is the frame that was written.
//
// CSV -> .dta/.sav/.zsav -> load must give the CSV frame (names fitted to Stata's rules, types,
// missing cells, values, text levels in their order, dates); the labelled fixtures (written by
// haven, Fixtures/readstat/write_fixtures.R) keep their variable labels, value labels, level order
// and codes through a save; factors, booleans, long text and out-of-range integers have their own
// cases; what a format cannot hold is a DataWriteError. R's haven reads survsh's files back
// (Fixtures/readstat/survsh: write.surv wrote the files, read_back.R read them into read_back.json)
// to the CSV's values, with the factor's value labels in level order and the variable labels;
// tagged missings (.dta) and SPSS user-missing values and ranges (.sav, .por) are written back and
// haven sees them (read_back_missing.json); .por (which haven cannot write) holds the CSV frame.

import Foundation
import XCTest
@testable import SurvshCore

final class ReadStatWriterTests: XCTestCase {
    static let writers: [any TableWriter.Type] = [StataWriter.self, SPSSWriter.self, SPSSCompressedWriter.self]

    func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/readstat/\(name)").path
    }

    func dataPath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/\(name)").path
    }

    /// Writes `columns` with `writer` to a temporary file and reads it back.
    func roundTrip(_ columns: [Column], _ writer: any TableWriter.Type, options: ReadOptions = ReadOptions()) throws -> (TableReadResult, [String]) {
        let rows = columns.first.map { Array(0..<$0.count) } ?? []
        let written = try writer.encode(columns, rows: rows)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rsw-\(UUID().uuidString).\(writer.fileExtensions[0])").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try written.data.write(to: URL(fileURLWithPath: path))
        let reader = DataReaders.reader(for: path)
        return (try reader.read(path: path, options: options), written.warnings)
    }

    /// The level order analyses use: the set order, else the storage order.
    func levelOrder(_ c: Column) -> [String]? {
        guard case .text(_, let levels) = c.storage else { return nil }
        return c.levelOrder ?? levels
    }

    func assertSameColumn(_ got: Column, _ expected: Column, name: String? = nil, orderOnly: Bool = false, _ what: String, line: UInt = #line) {
        XCTAssertEqual(got.name, name ?? expected.name, what, line: line)
        XCTAssertEqual(got.type, expected.type, "\(what) \(expected.name) type", line: line)
        XCTAssertEqual(got.missing, expected.missing, "\(what) \(expected.name) missing", line: line)
        XCTAssertEqual((0..<got.count).map { got.text(at: $0) }, (0..<expected.count).map { expected.text(at: $0) }, "\(what) \(expected.name)", line: line)
        XCTAssertEqual(got.label, expected.label, "\(what) \(expected.name) label", line: line)
        if orderOnly {
            XCTAssertEqual(levelOrder(got), levelOrder(expected), "\(what) \(expected.name) level order", line: line)
        } else if case .text(_, let levels) = expected.storage, case .text(_, let back) = got.storage {
            XCTAssertEqual(back, levels, "\(what) \(expected.name) levels", line: line)
            XCTAssertEqual(got.levelOrder, expected.levelOrder, "\(what) \(expected.name) level order", line: line)
            XCTAssertEqual(got.levelCodes, expected.levelCodes, "\(what) \(expected.name) codes", line: line)
        }
    }

    func testCSVRoundTripsThroughEveryWriter() throws {
        for csv in ["lung.csv", "net_liver_mets.csv", "veteran.csv"] {
            let frame = try CSVReader.read(path: dataPath(csv))
            for writer in Self.writers {
                let (back, warnings) = try roundTrip(frame.columns, writer)
                let what = "\(csv) as \(writer.formatName)"
                XCTAssertEqual(back.rowCount, frame.rowCount, what)
                XCTAssertEqual(back.columns.count, frame.columns.count, what)
                for (g, e) in zip(back.columns, frame.columns) {
                    // Stata names have no '.'; SPSS keeps them.
                    let name = writer == StataWriter.self ? e.name.replacingOccurrences(of: ".", with: "_") : e.name
                    assertSameColumn(g, e, name: name, what)
                }
                let renamed = frame.columns.filter { $0.name.contains(".") }.map(\.name)
                XCTAssertEqual(warnings.count, writer == StataWriter.self ? renamed.count : 0, "\(what): \(warnings)")
            }
        }
    }

    func testLabelledFilesKeepTheirLabelsThroughASave() throws {
        for (file, writer) in [("special.dta", StataWriter.self), ("special.sav", SPSSWriter.self), ("lung_labels.dta", StataWriter.self),
                               ("lung_labels.sav", SPSSWriter.self)] as [(String, any TableWriter.Type)] {
            let original = try DataReaders.reader(for: fixture(file)).read(path: fixture(file), options: ReadOptions())
            XCTAssertTrue(original.columns.contains { $0.label != nil }, file)
            for target in [writer, writer == StataWriter.self ? SPSSWriter.self : StataWriter.self] as [any TableWriter.Type] {
                let (back, warnings) = try roundTrip(original.columns, target)
                let sameFormat = target == writer
                if file == "special.dta" {
                    XCTAssertEqual(warnings.contains("column 'score': missing values .a, .b are written as system missing (.)"), !sameFormat, "\(warnings)")
                }
                if file == "special.sav" {
                    XCTAssertEqual(warnings.contains("column 'weight': missing values user-missing are written as system missing (.)"), !sameFormat,
                                   "\(warnings)")
                }
                for (g, e) in zip(back.columns, original.columns) {
                    // Tagged missings come back from .dta, user-missing values from .sav; across formats they become system missing.
                    XCTAssertEqual(g.missingKinds, sameFormat ? e.missingKinds : [:], "\(file) -> \(target.formatName) \(g.name)")
                    XCTAssertEqual(g.fileMissing, sameFormat ? e.fileMissing : nil, "\(file) -> \(target.formatName) \(g.name)")
                    assertSameColumn(g, e, "\(file) -> \(target.formatName)")
                }
                // labels=codes reads the file's own codes back.
                var codes = ReadOptions()
                codes.valueLabelCodes = true
                let asCodes = try roundTrip(original.columns, target, options: codes).0
                let fromFile = try DataReaders.reader(for: fixture(file)).read(path: fixture(file), options: codes)
                for (g, e) in zip(asCodes.columns, fromFile.columns) where e.type != .text {
                    XCTAssertEqual((0..<g.count).map { g.number(at: $0) }, (0..<e.count).map { e.number(at: $0) }, "\(file) codes \(g.name)")
                }
            }
        }
    }

    func testFactorsBooleansDatesLongTextAndBigIntegers() throws {
        var factor = Column(name: "grade", storage: .text(codes: [0, 1, 2, 0, 1], levels: ["mid", "low", "high"]),
                            missing: { var m = MissingMask(count: 5); m[3] = true; return m }(), label: "Tumour grade")
        factor.levelOrder = ["low", "mid", "high"]
        let flag = Column(name: "flag", storage: .boolean([true, false, true, true, false]),
                          missing: { var m = MissingMask(count: 5); m[1] = true; return m }())
        let date = Column(name: "when", storage: .date([0, -3653, 19_000, 1, -141_427]),
                          missing: { var m = MissingMask(count: 5); m[2] = true; return m }())
        let long = String(repeating: "x", count: 3000)
        let note = Column(name: "note", storage: .text(codes: [0, 1, 0, 1, 0], levels: ["short", long]))
        let big = Column(name: "big", storage: .integer([1, 3_000_000_000, -5, 0, 7]))
        for writer in Self.writers {
            let (back, _) = try roundTrip([factor, flag, date, note, big], writer)
            let what = writer.formatName
            assertSameColumn(back.columns[0], factor, orderOnly: true, what)
            XCTAssertEqual(back.columns[0].levelOrder, ["low", "mid", "high"], what)
            assertSameColumn(back.columns[1], flag, what)
            assertSameColumn(back.columns[2], date, what)
            assertSameColumn(back.columns[3], note, "\(what): text longer than Stata's str2045 (strL)")
            if writer == StataWriter.self {
                XCTAssertEqual(back.columns[4].type, .real, "Stata's long cannot hold 3e9: a double")
                XCTAssertEqual((0..<5).map { back.columns[4].number(at: $0) }, [1, 3e9, -5, 0, 7])
            } else {
                assertSameColumn(back.columns[4], big, what)
            }
        }
    }

    func testAPartialLevelOrderIsCompletedInStorageOrder() throws {
        var factor = Column(name: "grade", storage: .text(codes: [0, 1, 2, 0], levels: ["mid", "low", "high"]))
        factor.levelOrder = ["high"]
        for writer in Self.writers {
            let (back, _) = try roundTrip([factor], writer)
            XCTAssertEqual(back.columns[0].levelOrder, ["high", "mid", "low"], writer.formatName)
            XCTAssertEqual((0..<4).map { back.columns[0].text(at: $0) }, ["mid", "low", "high", "mid"], writer.formatName)
        }
    }

    /// What haven's read_dta/read_sav gave for each file survsh wrote equals the frame survsh saved.
    func testRReadsSurvshFilesBack() throws {
        let json = try Data(contentsOf: URL(fileURLWithPath: fixture("survsh/read_back.json")))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        XCTAssertEqual(root["haven_version"] as? String, "2.5.1")
        let files = try XCTUnwrap(root["files"] as? [[String: Any]])
        XCTAssertEqual(files.count, 6)
        var net = try CSVReader.read(path: dataPath("net_liver_mets.csv")).columns
        let factor = try XCTUnwrap(net.firstIndex { $0.name == "sstr_liver" })
        net[factor].levelOrder = ["strong", "weak"] // write.surv: levels sstr_liver strong,weak
        let frames = ["lung": try CSVReader.read(path: dataPath("lung.csv")).columns, "net": net,
                      "lung_labels": try StataReader.read(path: fixture("lung_labels.dta"), options: ReadOptions()).columns]
        for file in files {
            let name = try XCTUnwrap(file["file"] as? String)
            let expected = try XCTUnwrap(frames[(name as NSString).deletingPathExtension])
            let stata = name.hasSuffix(".dta")
            let columns = try XCTUnwrap(file["columns"] as? [[String: Any]])
            XCTAssertEqual(columns.map { $0["name"] as? String }, ReadStatNames.fitted(expected.map(\.name), stata: stata), name)
            for (r, e) in zip(columns, expected) {
                let what = "\(name) \(e.name)"
                XCTAssertEqual(r["label"] as? String, e.label, what)
                let values = try XCTUnwrap(r["values"] as? [Any], what)
                XCTAssertEqual(values.count, e.count, what)
                var byCode: [Double: String] = [:]
                if let labels = r["labels"] as? [String: Any] {
                    let names = try XCTUnwrap(labels["names"] as? [String], what)
                    let codes = try XCTUnwrap(labels["values"] as? [Double], what)
                    XCTAssertEqual(names, e.levelOrder, "\(what): value labels in level order")
                    byCode = Dictionary(uniqueKeysWithValues: zip(codes, names))
                } else {
                    XCTAssertNil(e.levelOrder, "\(what): a factor has value labels")
                }
                for (i, v) in values.enumerated() {
                    switch (e.type, v) {
                    case (.integer, _), (.real, _), (.boolean, _):
                        XCTAssertEqual((v as? NSNumber)?.doubleValue, e.number(at: i), "\(what) row \(i + 1)")
                    case (_, let code as NSNumber): // a factor's code
                        XCTAssertEqual(byCode[code.doubleValue], e.text(at: i), "\(what) row \(i + 1)")
                    case (_, let text as String): // text and dates; haven reads a missing string as ""
                        XCTAssertEqual(text.isEmpty ? nil : text, e.text(at: i), "\(what) row \(i + 1)")
                    default: // null
                        XCTAssertNil(e.text(at: i), "\(what) row \(i + 1)")
                    }
                }
            }
        }
    }

    /// The committed files survsh wrote load back to the frame they were written from.
    func testCommittedSurvshFilesLoadBack() throws {
        for (file, csv) in [("lung", "lung.csv"), ("net", "net_liver_mets.csv")] {
            let expected = try CSVReader.read(path: dataPath(csv)).columns
            for ext in ["dta", "sav"] {
                let path = fixture("survsh/\(file).\(ext)")
                let got = try DataReaders.reader(for: path).read(path: path, options: ReadOptions()).columns
                for (g, e) in zip(got, expected) {
                    XCTAssertEqual(g.type, e.type, "\(file).\(ext) \(e.name)")
                    XCTAssertEqual((0..<g.count).map { g.text(at: $0) }, (0..<e.count).map { e.text(at: $0) }, "\(file).\(ext) \(e.name)")
                }
            }
        }
    }

    /// The kinds of `column`'s missing cells, row by row (nil: not missing or plain `.`).
    func kinds(_ column: Column) -> [String?] { (0..<column.count).map { column.fileMissing?.value(at: $0)?.kind } }

    func testTaggedMissingsRoundTripThroughDta() throws {
        let original = try StataReader.read(path: fixture("special.dta"), options: ReadOptions())
        let score = try XCTUnwrap(original.columns.first { $0.name == "score" })
        // write_fixtures.R: tagged_na("a", "b") in rows 2 and 3, plain NA in row 6.
        XCTAssertEqual(kinds(score), [nil, ".a", ".b", nil, nil, nil])
        XCTAssertEqual((0..<6).map { score.missing[$0] }, [false, true, true, false, false, true])
        let (back, warnings) = try roundTrip(original.columns, StataWriter.self)
        XCTAssertTrue(warnings.isEmpty, "\(warnings)")
        XCTAssertEqual(kinds(back.columns[1]), [nil, ".a", ".b", nil, nil, nil])
        XCTAssertEqual(back.columns[1].missingKinds, [".": 1, ".a": 1, ".b": 1])
        // A filtered save keeps each row's tag.
        let rows = [2, 0, 1]
        let written = try StataWriter.encode(original.columns, rows: rows)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rsw-\(UUID().uuidString).dta").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try written.data.write(to: URL(fileURLWithPath: path))
        let cut = try StataReader.read(path: path, options: ReadOptions())
        XCTAssertEqual(kinds(cut.columns[1]), [".b", nil, ".a"])
        XCTAssertEqual(kinds(try score.gathering(rows)), [".b", nil, ".a"])
    }

    func testSASMissingsBecomeStataTags() throws {
        var mask = MissingMask(count: 4)
        for r in 1...3 { mask[r] = true }
        var x = Column(name: "x", storage: .real([1, 0, 0, 0]), missing: mask)
        x.fileMissing = FileMissing(codes: [0, 1, 2, 0], values: [.tag("A"), .tag("_")])
        x.missingKinds = [".A": 1, "._": 1, ".": 1]
        let (back, warnings) = try roundTrip([x], StataWriter.self)
        XCTAssertEqual(kinds(back.columns[0]), [nil, ".a", nil, nil], "._ has no Stata counterpart")
        XCTAssertEqual(warnings, ["column 'x': missing values ._ are written as system missing (.)",
                                  "column 'x': SAS missing values .A are written as Stata's .a"])
        let (sav, savWarnings) = try roundTrip([x], SPSSWriter.self)
        XCTAssertNil(sav.columns[0].fileMissing)
        XCTAssertEqual(savWarnings, ["column 'x': missing values .A, ._ are written as system missing (.)"])
    }

    func testUserMissingValuesAndRangesRoundTripThroughSPSS() throws {
        let original = try SPSSReader.read(path: fixture("special.sav"), options: ReadOptions())
        let answer = try XCTUnwrap(original.columns.first { $0.name == "answer" })
        let weight = try XCTUnwrap(original.columns.first { $0.name == "weight" })
        // write_fixtures.R: answer 1, 2, 9, 95, 3, NA with na_values 9 and na_range 90-99; weight -1 is user-missing.
        XCTAssertEqual(answer.fileMissing?.declared, FileMissing.Declared(numbers: [9...9, 90...99]))
        XCTAssertEqual((0..<6).map { answer.fileMissing?.value(at: $0) }, [nil, nil, .number(9), .number(95), nil, nil])
        XCTAssertEqual(weight.fileMissing?.declared, FileMissing.Declared(numbers: [-1...(-1)]))
        for writer in [SPSSWriter.self, SPSSCompressedWriter.self, SPSSPortableWriter.self] as [any TableWriter.Type] {
            let (back, _) = try roundTrip(original.columns, writer)
            for (g, e) in zip(back.columns, original.columns) {
                XCTAssertEqual(g.fileMissing, e.fileMissing, "\(writer.formatName) \(e.name)")
                XCTAssertEqual(g.missingKinds, e.missingKinds, "\(writer.formatName) \(e.name)")
                assertSameColumn(g, e, name: writer == SPSSPortableWriter.self ? e.name.uppercased() : e.name, writer.formatName)
            }
        }
        // A declaration without any user-missing cell in the saved rows is still written.
        let (firstTwo, _) = try roundTrip(original.columns.map { try $0.gathering([0, 1]) }, SPSSWriter.self)
        XCTAssertEqual(firstTwo.columns[1].fileMissing, FileMissing(declared: .init(numbers: [9...9, 90...99])))
    }

    func testPortableFilesHoldTheCSVFrame() throws {
        let frame = try CSVReader.read(path: dataPath("lung.csv"))
        let (back, warnings) = try roundTrip(frame.columns, SPSSPortableWriter.self)
        XCTAssertEqual(back.formatDescription, "SPSS .por")
        XCTAssertEqual(back.columns.map(\.name), ["INST", "TIME", "STATUS", "AGE", "SEX", "PH.ECOG", "PH.KARNO", "PAT.KARN", "MEAL.CAL", "WT.LOSS"])
        XCTAssertEqual(warnings.count, 10)
        for (g, e) in zip(back.columns, frame.columns) { assertSameColumn(g, e, name: g.name, "lung.por") }
        // The committed file (write.surv) too.
        let committed = try SPSSReader.read(path: fixture("survsh/lung.por"), options: ReadOptions())
        for (g, e) in zip(committed.columns, frame.columns) { assertSameColumn(g, e, name: g.name, "survsh/lung.por") }
    }

    /// SPSS portable numbers are base-30 text with no NaN (nor can haven write .por): a NaN value given
    /// to the .por writer is written as system missing and loads back missing, as a stored NaN does from
    /// .dta, .sav and .sas7bdat; Inf stays Inf.
    func testNaNWrittenToPortableLoadsBackMissing() throws {
        let x = Column(name: "x", storage: .real([1.5, .nan, .infinity, -2]))
        let (back, _) = try roundTrip([x], SPSSPortableWriter.self)
        XCTAssertEqual((0..<4).map { back.columns[0].number(at: $0) }, [1.5, nil, .infinity, -2])
    }

    /// haven reads the tags and user-missing values survsh wrote back (read_back_missing.json).
    func testRReadsMissingValuesBack() throws {
        let json = try Data(contentsOf: URL(fileURLWithPath: fixture("survsh/read_back_missing.json")))
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let files = try XCTUnwrap(root["files"] as? [[String: Any]])
        XCTAssertEqual(files.map { $0["file"] as? String }, ["special.dta", "special.sav", "special.por", "lung.por", "text_missing.sav"])
        let lung = try CSVReader.read(path: dataPath("lung.csv")).columns
        for file in files {
            let name = try XCTUnwrap(file["file"] as? String)
            let source = name == "lung.por" ? lung : try DataReaders.reader(for: fixture(name.replacingOccurrences(of: ".por", with: ".sav")))
                .read(path: fixture(name.replacingOccurrences(of: ".por", with: ".sav")), options: ReadOptions()).columns
            let columns = try XCTUnwrap(file["columns"] as? [[String: Any]])
            XCTAssertEqual(columns.map { $0["name"] as? String },
                           ReadStatNames.fitted(source.map(\.name), rules: name.hasSuffix(".por") ? .portable : name.hasSuffix(".dta") ? .stata : .spss), name)
            for (r, e) in zip(columns, source) {
                let what = "\(name) \(e.name)"
                let values = try XCTUnwrap(r["values"] as? [Any], what)
                XCTAssertEqual(values.count, e.count, what)
                if name.hasSuffix(".dta") {
                    let tags = try XCTUnwrap(r["na_tag"] as? [Any], what).map { ($0 as? String).map { "." + $0 } }
                    XCTAssertEqual(tags, kinds(e), what)
                    continue
                }
                // SPSS: haven with user_na = TRUE gives the value under a user-missing cell, and the declaration.
                for (i, v) in values.enumerated() {
                    let number = (v as? NSNumber)?.doubleValue
                    switch e.fileMissing?.value(at: i) {
                    case .number(let x)?: XCTAssertEqual(number, x, "\(what) row \(i + 1): the user-missing value")
                    case .text(let s)?: XCTAssertEqual(v as? String, s, "\(what) row \(i + 1): the user-missing text")
                    default:
                        if e.missing[i] { XCTAssertNil(number, "\(what) row \(i + 1)") }
                        else if e.type != .text { XCTAssertEqual(number, e.number(at: i), "\(what) row \(i + 1)") }
                        else if let text = v as? String { XCTAssertEqual(text, e.text(at: i), "\(what) row \(i + 1)") } // not a labelled number
                    }
                }
                let declared = e.fileMissing?.declared ?? FileMissing.Declared()
                let naTexts = (r["na_values"] as? [String]) ?? (r["na_values"] as? String).map { [$0] } ?? []
                XCTAssertEqual(naTexts, declared.texts, what)
                let naValues = (r["na_values"] as? [Double]) ?? (r["na_values"] as? Double).map { [$0] } ?? []
                let naRange = (r["na_range"] as? [Double]) ?? []
                XCTAssertEqual(naValues.map { $0...$0 } + (naRange.count == 2 ? [naRange[0]...naRange[1]] : []), declared.numbers, what)
            }
        }
    }

    func testWhatAFormatCannotHoldIsAnError() {
        let huge = Column(name: "note", storage: .text(codes: [0], levels: [String(repeating: "y", count: 40_000)]))
        XCTAssertThrowsError(try SPSSWriter.encode([huge], rows: [0])) { e in
            XCTAssertEqual("\(e)", "text in column 'note' is 40000 bytes long; SPSS holds at most 32767")
        }
    }

    func testNamesFitEachFormat() {
        XCTAssertEqual(ReadStatNames.fitted(["ph.ecog", "ph_ecog", "2x", "in", "a b"], stata: true), ["ph_ecog", "ph_ecog_2", "_2x", "_in", "a_b"])
        XCTAssertEqual(ReadStatNames.fitted(["ph.ecog", "x.", ".y", "by", "_z"], stata: false), ["ph.ecog", "x_", "v.y", "by_", "v_z"])
        XCTAssertEqual(ReadStatNames.fitted([String(repeating: "a", count: 40)], stata: true), [String(repeating: "a", count: 32)])
        XCTAssertEqual(ReadStatNames.fitted(["pat.karno", "pat.karnofsky", "by", "é x", "1a"], rules: .portable),
                       ["PAT.KARN", "PAT.KA_2", "BY_", "V__X", "V1A"])
    }

    func testFileCodesAreKeptWhenTheyRunInLevelOrder() {
        XCTAssertEqual(ReadStatWrite.codes(levels: ["male", "female", "3"], order: ["male", "female", "3"], fileCodes: [1, 2, 3], stata: true),
                       [1, 2, 3])
        XCTAssertEqual(ReadStatWrite.codes(levels: ["male", "female"], order: ["female", "male"], fileCodes: [1, 2], stata: true),
                       [2, 1], "releveled: renumbered in the new order")
        XCTAssertEqual(ReadStatWrite.codes(levels: ["a", "b"], order: ["a", "b"], fileCodes: [0.5, 9], stata: true), [1, 2],
                       "Stata labels whole numbers only")
        XCTAssertEqual(ReadStatWrite.codes(levels: ["a", "b"], order: ["a", "b"], fileCodes: [0.5, 9], stata: false), [0.5, 9])
    }
}
