// CSVReaderTests+Columns.swift — `load FILE cols=...`: the CSV reader skips the other columns while
// parsing (quoted fields with newlines and type changes in skipped columns included), in one piece
// and in parallel chunks, and every kept column equals the same column of a full read.

import XCTest
@testable import SurvshCore

extension CSVReaderTests {
    /// The columns of a full read named `names`, in file order.
    func subset(_ r: TableReadResult, _ names: [String]) -> [Column] { r.columns.filter { names.contains($0.name) } }

    func testSelectedColumnsEqualFullRead() throws {
        let text = generatedFile(rows: 4000, quotes: true)
        let full = try read(text, tuning: CSVTuning(singleChunk: true))
        // note (skipped) holds quoted newlines and doubled quotes; late_text (skipped) turns text late.
        let keep = ["id", "group", "when", "late_real", "sparse"]
        var options = ReadOptions()
        options.columns = ["sparse", "id", "group-when", "late_real"]
        for tuning in [CSVTuning(singleChunk: true), CSVTuning(forcedChunkCount: 2), CSVTuning(forcedChunkCount: 9)] {
            let selected = try read(text, options: options, tuning: tuning)
            XCTAssertEqual(selected.rowCount, full.rowCount)
            XCTAssertEqual(selected.columns.map(\.name), keep) // file order, not the order of cols=
            XCTAssertEqual(selected.columns, subset(full, keep))
        }
        // a skipped column between quoted ones: the kept text keeps its quoted newlines
        options.columns = ["note"]
        XCTAssertEqual(try read(text, options: options, tuning: CSVTuning(forcedChunkCount: 5)).columns, subset(full, ["note"]))
    }

    func testSelectionPatternsAndRanges() throws {
        let text = "id,time,status,x1,x2,x3,x10,y-z,y\n1,2,1,0.5,1,2,3,4,5\n"
        func names(_ items: [String]) throws -> [String] {
            var o = ReadOptions()
            o.columns = items
            return try read(text, options: o).columns.map(\.name)
        }
        XCTAssertEqual(try names(["x10-x2"]), ["x2", "x3", "x10"])      // either order of the ends
        XCTAssertEqual(try names(["x*", "time"]), ["time", "x1", "x2", "x3", "x10"])
        XCTAssertEqual(try names(["x?"]), ["x1", "x2", "x3"])
        XCTAssertEqual(try names(["y-z"]), ["y-z"])                     // a name, not a range
        XCTAssertEqual(try names(["status-x1", "x1", " id "]), ["id", "status", "x1"])
        var o = ReadOptions()
        o.columns = ["time", "x11"]
        XCTAssertThrowsError(try read(text, options: o)) { error in
            XCTAssertEqual("\(error)", "test.csv: cols: no column 'x11' in the file (close: x1, x10, x2, x3)")
        }
        o.columns = ["q*"]
        XCTAssertThrowsError(try read(text, options: o)) { error in
            XCTAssertTrue("\(error)".hasPrefix("test.csv: cols: no column matches 'q*' in the file (the file has 9 columns: id, time"), "\(error)")
        }
    }

    func testSelectionOfAFormatReadWhole() throws {
        // Stata: read whole, then cut by DataReaders.read.
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/readstat/lung.dta").path
        var o = ReadOptions()
        o.columns = ["time-sex"]
        let r = try DataReaders.read(path: path, options: o)
        XCTAssertEqual(r.columns.map(\.name), ["time", "status", "age", "sex"])
        XCTAssertEqual(r.rowCount, 228)
        // compressed: Stata through a temporary file (cut after reading), CSV parsed with the skips
        let compressed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/compressed").path
        XCTAssertEqual(try DataReaders.read(path: compressed + "/lung.dta.gz", options: o).columns.map(\.name), ["time", "status", "age", "sex"])
        let csv = try DataReaders.read(path: compressed + "/lung.csv.gz", options: o)
        XCTAssertEqual(csv.columns, try read(String(contentsOfFile: dataPath("lung.csv"), encoding: .utf8)).columns.filter {
            ["time", "status", "age", "sex"].contains($0.name)
        })
    }

    /// The skipped columns after the last kept one are checked a word at a time (ByteWords.recordEnd):
    /// every record's field count, quotes, CRLF ends and the last record without a newline must give
    /// the full read's columns, or its error, word boundaries anywhere in the tail.
    func testSkippedTailChecksEveryRecordAsAFullRead() throws {
        let good = ["a,b,c,d,e", "1,2,,,", "3,4,x,\"q,q\",e", "5,6,longer-than-eight-bytes,yyyyyyyyyyyyyyyyyy,z", "7,8,c,\"\",e"]
        let bad = ["9,10,c,d", "11,12,c,d,e,f", "13,14,c\rd,e,f", "15,16,c,\"d,e", "17,18,,,,,,,,,,,,,,,,"]
        var options = ReadOptions()
        options.columns = ["k1-k2"]
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33) % n
        }
        var errors = 0
        for trial in 0..<300 {
            let ending = trial % 3 == 0 ? "\r\n" : "\n"
            var records = (0..<(4 + next(30))).map { _ in good[next(good.count)] }
            if trial % 2 == 1 { records[next(records.count)] = bad[next(bad.count)] }
            let text = "k1,k2,s1,s2,s3" + ending + records.joined(separator: ending) + (trial % 5 == 0 ? "" : ending)
            for tuning in [CSVTuning(singleChunk: true), CSVTuning(forcedChunkCount: 3)] {
                let full = Result(catching: { try read(text, tuning: tuning) })
                let selected = Result(catching: { try read(text, options: options, tuning: tuning) })
                switch (full, selected) {
                case let (.success(f), .success(s)):
                    XCTAssertEqual(s.columns, subset(f, ["k1", "k2"]), "trial \(trial)")
                    XCTAssertEqual(s.rowCount, f.rowCount)
                case let (.failure(f), .failure(s)):
                    errors += 1
                    XCTAssertEqual("\(s)", "\(f)", "trial \(trial)")
                default:
                    XCTFail("trial \(trial): full read \(full), cols= read \(selected)")
                }
            }
        }
        XCTAssertGreaterThan(errors, 100) // the bad records do reach the check
    }
}
