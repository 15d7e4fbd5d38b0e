// LoadProgressTests.swift — Ctrl-C and the progress line for every kind of load.
//
// Cancellation is driven programmatically, as in CSVReaderCancellationTests: a Cancellation that
// fires at its k-th poll, for a gzip CSV (Inflate polls between steps, then the CSV chunks) and a
// Stata file (ReadStat's progress handler and every Cancellation.stride values): whichever poll
// fires, DataReaders.read throws CancellationError, never a partial table. The SHA-256 a
// transcript records stops too. The progress line is drawn through a test display (no delay):
// it shows rows, MB and MB/s, redraws in place and erases itself; each reader reports its rows.

import Foundation
import Synchronization
import SurvivalStats
import XCTest
import TestSupport
@testable import SurvshCore

final class LoadProgressTests: XCTestCase {

    func fixture(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(path)").path
    }

    /// Reads `path` once to count the polls, then fires at the first, a middle and the last poll.
    func assertStopsAtAnyPoll(_ path: String, rows: Int, line: UInt = #line) throws {
        let counter = PollCounter(firesAt: nil)
        let whole = try DataReaders.read(path: path, options: ReadOptions(cancel: counter.cancellation))
        XCTAssertEqual(whole.rowCount, rows, line: line)
        let polls = counter.count
        XCTAssertGreaterThanOrEqual(polls, 2, "the reader polls as it goes", line: line)
        for k in Set([1, polls / 2, polls - 1]) where k >= 1 {
            XCTAssertThrowsError(try DataReaders.read(path: path, options: ReadOptions(cancel: PollCounter(firesAt: k).cancellation)),
                                 "fired at poll \(k) of \(polls)", line: line) {
                XCTAssertTrue($0 is CancellationError, "\($0)", line: line)
            }
        }
    }

    func testGzipLoadStopsAtAnyPoll() throws {
        try assertStopsAtAnyPoll(fixture("compressed/lung.csv.gz"), rows: 228)
        try assertStopsAtAnyPoll(fixture("compressed/lung.zip"), rows: 228)
    }

    /// 64 MiB of text in 96 KiB: Inflate polls before each 16 MiB step and stops where it fires.
    func testInflateStopsBetweenSteps() throws {
        let input = try InputBuffer.openFile(path: fixture("compressed/bomb.csv.gz"))
        let raw = UnsafeRawBufferPointer(start: input.bytes, count: input.count)
        let counter = PollCounter(firesAt: nil)
        let all = try Inflate.run(raw, wrapper: .gzip, limit: nil, file: "bomb", format: "gzip", cancel: counter.cancellation)
        XCTAssertGreaterThanOrEqual(all.count, 64 << 20)
        XCTAssertGreaterThanOrEqual(counter.count, 4, "a poll before each step of at most 16 MiB")
        XCTAssertThrowsError(try Inflate.run(raw, wrapper: .gzip, limit: nil, file: "bomb", format: "gzip",
                                             cancel: PollCounter(firesAt: 3).cancellation)) {
            XCTAssertEqual("\($0)", "bomb: gzip: interrupted")
        }
    }

    func testStataLoadStopsAtAnyPoll() throws {
        try assertStopsAtAnyPoll(fixture("readstat/many.dta"), rows: 20_000)
        try assertStopsAtAnyPoll(fixture("compressed/lung.dta.gz"), rows: 228)
    }

    /// The sheet part is polled for each inflated piece (256 KiB) and every Cancellation.stride rows.
    func testXLSXLoadStopsAtAnyPoll() throws {
        let rows = 2 * Cancellation.stride + 100
        let columns = [Column(name: "id", storage: .integer((0..<rows).map { Int64($0) * 1_000_003 })),
                       Column(name: "x", storage: .real((0..<rows).map { Double($0) / 8 }))]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lp-\(UUID().uuidString).xlsx").path
        try XLSXWriter.encode(columns, rows: Array(0..<rows)).data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try assertStopsAtAnyPoll(path, rows: rows)
    }

    func testTranscriptHashStops() throws {
        let path = fixture("readstat/many.dta")
        XCTAssertEqual(try FileHash.sha256(path: path, cancel: .never).count, 64)
        XCTAssertThrowsError(try FileHash.sha256(path: path, cancel: Cancellation { true })) {
            XCTAssertTrue($0 is CancellationError, "\($0)")
        }
    }

    /// The hash on its own thread (load starts it before parsing) gives the same digest, stops when
    /// the cancellation fires or the load gives up on it, and is nil for a file it cannot read.
    func testPendingHashEqualsTheHashAndStops() throws {
        let path = fixture("readstat/many.dta")
        XCTAssertEqual(try PendingFileHash(path: path, cancel: .never).wait(), try FileHash.sha256(path: path))
        XCTAssertThrowsError(try PendingFileHash(path: path, cancel: Cancellation { true }).wait()) {
            XCTAssertTrue($0 is CancellationError, "\($0)")
        }
        // abandoned before its first block (the poll comes first): it ends without reading on
        let gate = DispatchSemaphore(value: 0)
        let abandoned = PendingFileHash(path: path, cancel: Cancellation { gate.wait(); return false })
        abandoned.abandon()
        gate.signal()
        XCTAssertThrowsError(try abandoned.wait()) { XCTAssertTrue($0 is CancellationError, "\($0)") }
        XCTAssertNil(try PendingFileHash(path: path + ".missing", cancel: .never).wait())
    }

    func testEveryReaderReportsItsRows() throws {
        for (path, bytes) in [("readstat/many.dta", 200_000), ("compressed/lung.csv.gz", 2_000), ("compressed/lung.dta.gz", 2_000),
                              ("readstat/lung.sav", 7_000), ("xlsx/lung.xlsx", 9_000)] {
            let progress = LoadProgress()
            var options = ReadOptions()
            options.progress = progress
            let r = try DataReaders.read(path: fixture(path), options: options)
            XCTAssertGreaterThan(progress.rows, 0, path)
            XCTAssertLessThanOrEqual(progress.rows, r.rowCount, path)
            XCTAssertGreaterThanOrEqual(progress.bytes, bytes, path)
        }
        let csv = LoadProgress()
        var options = ReadOptions()
        options.progress = csv
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/lung.csv").path
        _ = try DataReaders.read(path: path, options: options)
        XCTAssertEqual(csv.rows, 228)
        XCTAssertEqual(csv.bytes, try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int - 1 - "inst,time,status,age,sex,ph.ecog,ph.karno,pat.karno,meal.cal,wt.loss".utf8.count)
    }

    func testProgressLineIsDrawnInPlaceAndErased() {
        final class Screen: @unchecked Sendable {
            let lock = NSLock()
            var text = ""
            func write(_ s: String) { lock.lock(); text += s; lock.unlock() }
        }
        let screen = Screen()
        let progress = LoadProgress()
        let display = ProgressLine.Display(delay: 0, interval: 0.01) { screen.write($0) }
        let value = ProgressLine.run(progress, display: display) { () -> Int in
            progress.addParsed(rows: 1_234_567, bytes: 85_200_000)
            Thread.sleep(forTimeInterval: 0.1)
            return 7
        }
        XCTAssertEqual(value, 7)
        XCTAssertTrue(screen.text.hasPrefix("\rload: "), screen.text)
        XCTAssertTrue(screen.text.contains("load: 1,234,567 rows, 85.2 MB, "), screen.text)
        XCTAssertTrue(screen.text.contains(" MB/s"), screen.text)
        XCTAssertFalse(screen.text.contains("\n"), "one line, redrawn with \\r")
        XCTAssertTrue(screen.text.hasSuffix(" MB/s\u{1B}[K\r\u{1B}[K"), "the last drawing erases the line: \(screen.text)")

        // A load shorter than the delay draws nothing; so does a disabled line.
        let quiet = Screen()
        ProgressLine.run(LoadProgress(), display: ProgressLine.Display(delay: 5, interval: 1) { quiet.write($0) }) {}
        ProgressLine.run(LoadProgress(), enabled: false) {}
        XCTAssertEqual(quiet.text, "")
        XCTAssertEqual(ProgressLine.line(rows: 0, bytes: 0, seconds: 0), "load: 0 rows, 0.0 MB, 0.0 MB/s")
        XCTAssertEqual(ProgressLine.line(rows: 1000, bytes: 3_000_000, seconds: 2), "load: 1,000 rows, 3.0 MB, 1.5 MB/s")
    }

    func testOnlyTheInteractiveTextShellShowsProgress() {
        let session = Session(registry: Registry(commands: []))
        XCTAssertFalse(session.showsProgress, "not in scripts, -e or piped input")
        session.interactive = true
        setenv("SURVSH_PROGRESS", "always", 1)
        defer { unsetenv("SURVSH_PROGRESS") }
        XCTAssertTrue(session.showsProgress)
        session.settings.format = .json
        XCTAssertFalse(session.showsProgress, "never with --format json")
        session.settings.format = .text
        setenv("SURVSH_PROGRESS", "never", 1)
        XCTAssertFalse(session.showsProgress)
    }
}
