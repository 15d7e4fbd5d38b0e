// CSVReaderCancellationTests.swift — `load` stops when its ReadOptions.cancel fires: every chunk
// polls it every Cancellation.stride records, the reader then gives up before assembling columns,
// and DataReaders.read throws CancellationError (the shell's `interrupted`), whichever poll fires.

import Foundation
import Synchronization
import SurvivalStats
import XCTest
import TestSupport
@testable import SurvshCore

final class CSVReaderCancellationTests: XCTestCase {
    func testReadStopsAtAnyPoll() throws {
        let rows = 200_000
        var text = "time,status,arm\n"
        for i in 0..<rows { text += "\(i % 365 + 1),\(i % 2),\(i % 3 == 0 ? "a" : "b")\n" }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-cancel-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let counter = PollCounter(firesAt: nil)
        let whole = try DataReaders.read(path: path, options: ReadOptions(cancel: counter.cancellation))
        XCTAssertEqual(whole.rowCount, rows)
        let polls = counter.count
        XCTAssertGreaterThanOrEqual(polls, rows / Cancellation.stride, "the chunks poll as they go")
        for k in Set([1, polls / 2, polls - 1]) where k >= 1 {
            XCTAssertThrowsError(try DataReaders.read(path: path, options: ReadOptions(cancel: PollCounter(firesAt: k).cancellation)),
                                 "fired at poll \(k) of \(polls)") {
                XCTAssertTrue($0 is CancellationError, "\($0)")
            }
        }
    }

    /// Counts the polls made once every row is parsed (the progress says so): the assembly of the
    /// columns. Fires at the `firesAt`-th of them (nil: never).
    final class PollsAfterParse: Sendable {
        let progress = LoadProgress()
        let rows: Int
        let firesAt: Int?
        let count = Atomic<Int>(0)
        init(rows: Int, firesAt: Int?) { self.rows = rows; self.firesAt = firesAt }
        var options: ReadOptions {
            var o = ReadOptions(cancel: Cancellation { [self] in
                guard progress.rows >= rows else { return false }
                let k = count.add(1, ordering: .relaxed).newValue
                return firesAt.map { k >= $0 } ?? false
            })
            o.progress = progress
            return o
        }
    }

    /// Issue 14: merging the chunks' dictionaries of a text column of distinct values (10^7 levels:
    /// 1.7 s of CPU) ran without a poll after the last chunk was parsed. Each of its three passes
    /// (levels interned, codes remapped, level strings made) polls every Cancellation.stride, and a
    /// Ctrl-C there ends the load `interrupted`. Fails without the polls (3 polls after the parse).
    func testTextColumnMergePollsAfterTheParse() throws {
        let rows = 100_000
        var text = "id,x\n"
        for i in 0..<rows { text += "p\((i &* 7919) % rows),\(i % 7)\n" }
        var tuning = CSVTuning()
        tuning.forcedChunkCount = 4   // four dictionaries to merge
        let counter = PollsAfterParse(rows: rows, firesAt: nil)
        let r = try CSVReader.read(bytes: Array(text.utf8), name: "ids.csv", options: counter.options, tuning: tuning)
        guard case .text(let codes, let levels)? = r.columns.first?.storage else { return XCTFail("id is not text") }
        XCTAssertEqual(levels.count, rows)
        XCTAssertEqual(levels[Int(codes[12_345])], "p\((12_345 &* 7919) % rows)")
        let polls = counter.count.load(ordering: .relaxed)
        XCTAssertGreaterThanOrEqual(polls, 3 * (rows / Cancellation.stride), "the merge polls in each pass")
        for k in Set([1, polls / 2, polls - 2]) where k >= 1 {
            XCTAssertThrowsError(try CSVReader.read(bytes: Array(text.utf8), name: "ids.csv",
                                                    options: PollsAfterParse(rows: rows, firesAt: k).options, tuning: tuning),
                                 "fired at poll \(k) of \(polls) after the parse") {
                XCTAssertEqual(($0 as? DataReadError)?.message, "interrupted", "\($0)")
            }
        }
    }
}
