// CSVReaderCancellationTests.swift — `load` stops when its ReadOptions.cancel fires: every chunk
// polls it every Cancellation.stride records, the reader then gives up before assembling columns,
// and DataReaders.read throws CancellationError (the shell's `interrupted`), whichever poll fires.

import Foundation
import Synchronization
import SurvivalStats
import XCTest
@testable import SurvshCore

final class CSVReaderCancellationTests: XCTestCase {
    /// Counts polls; fires from poll `firesAt` on (nil: never). Also used by LoadProgressTests.
    final class Polls: Sendable {
        let count = Atomic<Int>(0)
        let firesAt: Int?
        init(firesAt: Int?) { self.firesAt = firesAt }
        var cancellation: Cancellation {
            Cancellation { [self] in
                let k = count.add(1, ordering: .relaxed).newValue
                return firesAt.map { k >= $0 } ?? false
            }
        }
    }

    func testReadStopsAtAnyPoll() throws {
        let rows = 200_000
        var text = "time,status,arm\n"
        for i in 0..<rows { text += "\(i % 365 + 1),\(i % 2),\(i % 3 == 0 ? "a" : "b")\n" }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-cancel-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        let counter = Polls(firesAt: nil)
        let whole = try DataReaders.read(path: path, options: ReadOptions(cancel: counter.cancellation))
        XCTAssertEqual(whole.rowCount, rows)
        let polls = counter.count.load(ordering: .relaxed)
        XCTAssertGreaterThanOrEqual(polls, rows / Cancellation.stride, "the chunks poll as they go")
        for k in Set([1, polls / 2, polls - 1]) where k >= 1 {
            XCTAssertThrowsError(try DataReaders.read(path: path, options: ReadOptions(cancel: Polls(firesAt: k).cancellation)),
                                 "fired at poll \(k) of \(polls)") {
                XCTAssertTrue($0 is CancellationError, "\($0)")
            }
        }
    }
}
