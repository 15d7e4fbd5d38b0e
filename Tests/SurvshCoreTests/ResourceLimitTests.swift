// ResourceLimitTests.swift — loads and models that would not fit in memory fail at once with a
// clear error (before the machine swaps); very wide headers and many text levels are handled.

import Foundation
@testable import SurvshCore
import XCTest
import TestSupport

final class ResourceLimitTests: XCTestCase {
    func testAFileLargerThanTheMemoryBudgetIsRefusedBeforeParsing() {
        let text = "a,b,c\n" + String(repeating: "1,2,3\n", count: 1000)
        var tuning = CSVTuning()
        tuning.memoryBudget = 10_000   // 1000 rows x 3 columns x 8 bytes = 24 000
        XCTAssertThrowsError(try CSVReader.read(bytes: Array(text.utf8), name: "big.csv", options: ReadOptions(), tuning: tuning)) { e in
            let message = (e as? DataReadError)?.message ?? "\(e)"
            XCTAssertTrue(message.hasPrefix("too large to load: about 1000 rows x 3 columns need 24 KB of memory"), message)
            XCTAssertTrue(message.contains("but 10 KB are available"), message)
        }
        tuning.memoryBudget = 24_000
        XCTAssertEqual(try CSVReader.read(bytes: Array(text.utf8), name: "big.csv", options: ReadOptions(), tuning: tuning).rowCount, 1000)
    }

    func testAModelOrVarianceMatrixTooLargeForMemoryIsAnError() {
        XCTAssertThrowsError(try SystemMemory.require(values: (1_000_000, 1_000_000), what: "t with 1000000 levels",
                                                      command: "cox", budget: 16_000_000_000)) { e in
            XCTAssertEqual("\(e)", "error: cox: t with 1000000 levels would need 8000 GB of memory, but 16 GB are available (expected fewer levels or rows)")
        }
        XCTAssertThrowsError(try SystemMemory.require(values: (Int.max, 3), what: "x", command: "cox", budget: 1 << 40)) { e in
            XCTAssertTrue("\(e)".contains("more than 10^19 bytes"), "\(e)")
        }
        XCTAssertNoThrow(try SystemMemory.require(values: (1000, 10), what: "x", command: "cox", budget: 80_000))
        if let available = SystemMemory.available() { XCTAssertGreaterThan(available, 0) }
    }

    func testAHeaderOfManyColumnsAndAColumnOfManyLevelsLoad() throws {
        let columns = 100_000
        let wide = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n" + Array(repeating: "1", count: columns).joined(separator: ",") + "\n"
        let start = Date()
        let r = try CSVReader.read(bytes: Array(wide.utf8), name: "wide.csv")
        XCTAssertEqual(r.columns.count, columns)
        let levels = "t\n" + (0..<200_000).map { "level\($0)" }.joined(separator: "\n") + "\n"
        let t = try CSVReader.read(bytes: Array(levels.utf8), name: "levels.csv")
        guard case .text(_, let lv) = t.columns[0].storage else { return XCTFail("text column") }
        XCTAssertEqual(lv.count, 200_000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 60, "linear, not a hang")
    }

    /// A header of 10^6 columns (issue 14, item 5) is read, one column each, in linear time; and
    /// Ctrl-C stops it while the names are being read (polled every 2^14 names).
    func testAHeaderOfAMillionColumnsLoadsAndCanBeInterrupted() throws {
        let columns = 1_000_000
        let wide = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n" + Array(repeating: "1", count: columns).joined(separator: ",") + "\n"
        let bytes = Array(wide.utf8)
        let start = Date()
        let r = try CSVReader.read(bytes: bytes, name: "wide.csv")
        XCTAssertEqual(r.columns.count, columns)
        XCTAssertEqual(r.columns.last?.name, "c999999")
        XCTAssertEqual(r.rowCount, 1)
        XCTAssertLessThan(Date().timeIntervalSince(start), 300, "linear, not a hang")
        let polls = PollCounter(firesAt: 2)
        XCTAssertThrowsError(try CSVReader.read(bytes: bytes, name: "wide.csv", options: ReadOptions(cancel: polls.cancellation))) { e in
            XCTAssertEqual((e as? DataReadError)?.message, "interrupted")
        }
        XCTAssertEqual(polls.count, 2, "a fired cancellation is not asked again")
        // inside the header: a header whose 40 001st name opens a quote never closed is an error
        // when read to its end, but Ctrl-C at the second poll (after 32 767 names) comes first
        let broken = Array(((0..<40_000).map { "c\($0)" }.joined(separator: ",") + ",\"open\n1\n").utf8)
        XCTAssertThrowsError(try CSVReader.read(bytes: broken, name: "broken.csv")) { e in
            XCTAssertTrue((e as? DataReadError)?.message.hasPrefix("unterminated quoted field") ?? false, "\(e)")
        }
        XCTAssertThrowsError(try CSVReader.read(bytes: broken, name: "broken.csv",
                                                options: ReadOptions(cancel: PollCounter(firesAt: 2).cancellation))) { e in
            XCTAssertEqual((e as? DataReadError)?.message, "interrupted")
        }
    }

    /// Stata, SPSS and SAS files (issue 14, item 5): the header's rows and variables are checked
    /// against the memory available before any cell is stored. lung has 228 rows x 10 variables:
    /// 18 240 bytes at 8 a cell, refused one byte below, read at exactly that.
    func testAStataSPSSOrSASFileLargerThanTheMemoryBudgetIsRefusedBeforeReading() throws {
        let readers: [(String, (String, UInt64?) throws -> TableReadResult)] = [
            ("lung.dta", { try StataReader.read(path: $0, options: ReadOptions(), memoryLimit: $1) }),
            ("lung.sav", { try SPSSReader.read(path: $0, options: ReadOptions(), memoryLimit: $1) }),
            ("lung.zsav", { try SPSSReader.read(path: $0, options: ReadOptions(), memoryLimit: $1) }),
            ("lung.sas7bdat", { try SASReader.read(path: $0, options: ReadOptions(), memoryLimit: $1) }),
        ]
        for (file, read) in readers {
            let path = Self.readstatFixture(file)
            XCTAssertThrowsError(try read(path, 18_239), file) { e in
                XCTAssertEqual((e as? DataReadError)?.message, "too large to load: 228 rows x 10 variables need 18.2 KB of memory "
                               + "(8 bytes a cell), but 18.2 KB are available; save a subset of the rows or variables in the program that wrote it", file)
            }
            XCTAssertEqual(try read(path, 18_240).rowCount, 228, file)
            XCTAssertEqual(try read(path, nil).rowCount, 228, file)
        }
    }

    /// A SAS transport file's header has no row count: the rows are estimated from the file's size
    /// (8 bytes a cell on disk), which for lung.xpt over-counts (its records are padded) but stays
    /// within a factor of a few.
    func testASASTransportFileIsEstimatedFromItsSize() throws {
        let path = Self.readstatFixture("lung.xpt")
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let estimate = UInt64(size / 8 / 10 * 10 * 8)
        XCTAssertThrowsError(try SASReader.read(path: path, options: ReadOptions(), memoryLimit: estimate - 1)) { e in
            XCTAssertTrue((e as? DataReadError)?.message.hasPrefix("too large to load: about \(size / 8 / 10) rows (estimated from the file's size) x 10 variables") ?? false, "\(e)")
        }
        XCTAssertEqual(try SASReader.read(path: path, options: ReadOptions(), memoryLimit: estimate).rowCount, 228)
    }

    static func readstatFixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/readstat/\(name)").path
    }
}
