// GzipPipelineTests.swift — the gzip pipeline's ring of buffers (CSVReader+Stream.swift).
//
// The pipeline must give exactly the plain CSV's frame whatever falls on a buffer boundary: the
// tests call `parseGzipPipelined` itself (so a silent fall-back to the whole-text parse cannot pass
// for the pipeline) with buffer sizes chosen so that boundaries split a CRLF, a multibyte UTF-8
// character and a quoted field holding newlines (checked, not hoped for), on data like the
// benchmark's; and the cases it must hand back (nil) are handed back and still read right.

import Foundation
import XCTest
import TestSupport
@testable import SurvshCore

extension CSVReaderTests {
    /// The gzip bytes of `text` (the system's gzip -6).
    func gzipBytes(_ text: String) throws -> [UInt8] {
        let path = try gzipFile(text)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        return try Array(Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The gzip bytes of `text` and its plain parse.
    func gzipped(_ text: String) throws -> (bytes: [UInt8], plain: TableReadResult) {
        (try gzipBytes(text), try CSVReader.read(bytes: Array(text.utf8), name: "data.csv"))
    }

    func pipelined(_ bytes: [UInt8], tuning: CSVTuning, options: ReadOptions = ReadOptions()) throws -> TableReadResult? {
        try bytes.withUnsafeBytes { raw throws(DataReadError) in
            try CSVReader.parseGzipPipelined(raw, name: "data.csv.gz", delimiterName: "data.csv", limit: nil, options: options,
                                             tuning: tuning, isText: { _ throws(DataReadError) in true })
        }
    }

    /// Tuning with `segment`-byte buffers filled in `step`-byte inflate calls.
    func pipelineTuning(segment: Int, step: Int) -> CSVTuning {
        var tuning = CSVTuning.standard
        tuning.streamStartBytes = 8 << 10
        tuning.streamSegmentBytes = segment
        tuning.inflateStepBytes = step
        return tuning
    }

    /// CRLF records with multibyte UTF-8 names and quoted notes holding CRLFs, commas and doubled
    /// quotes: every buffer size gives the plain frame, and the boundaries (the first buffer holds
    /// `max(segment, start)` bytes, every later one `segment`) split each of the three somewhere.
    func testPipelineBoundariesInsideRecords() throws {
        let names = ["Ana", "Zoë", "日本語", "😀x", "Øre", "plain"]
        var text = "id,name,note,x\r\n"
        for i in 0..<20_000 {
            let note = i % 7 == 0 ? "\"two\r\nlines, \"\"q\"\" \(names[i % 6])\"" : "n\(i % 9)"
            text += "\(i),\(names[i % 6]),\(note),\(Double(i) / 16)\r\n"
        }
        let (bytes, plain) = try gzipped(text)
        let utf8 = Array(text.utf8)
        var inQuote = [Bool](repeating: false, count: utf8.count + 1)
        for (k, b) in utf8.enumerated() { inQuote[k + 1] = inQuote[k] != (b == asciiQuote) }
        var split = (crlf: false, utf8: false, quoted: false)
        for segment in [1_031, 4_093, 12_289] {
            let tuning = pipelineTuning(segment: segment, step: 517)
            let got = try XCTUnwrap(try pipelined(bytes, tuning: tuning), "segment \(segment): the pipeline handed it back")
            assertSameResult(got, plain)
            XCTAssertEqual(got.formatDescription, plain.formatDescription)
            let first = max(segment, max(tuning.streamStartBytes, 2 * GzipPipeline.preludeMinimum))
            for b in stride(from: first, to: utf8.count, by: segment) {
                split.crlf = split.crlf || (utf8[b - 1] == asciiCR && utf8[b] == asciiLF)
                split.utf8 = split.utf8 || utf8[b] & 0xC0 == 0x80
                split.quoted = split.quoted || (inQuote[b] && utf8[b - 1] != asciiQuote && utf8[b] != asciiQuote)
            }
        }
        XCTAssertTrue(split.crlf && split.utf8 && split.quoted, "\(split)")
        XCTAssertEqual(plain.formatDescription, "CSV (comma), UTF-8, CRLF line ends")
    }

    /// Data shaped like bench/out/bench_*.csv (scripts/gen_bench_csv.py's columns and number forms):
    /// the pipeline's frame equals the plain CSV's, with small buffers and with the default tuning,
    /// through the reader too (its format description says gzip).
    func testPipelineBenchLikeFrameEqualsCSV() throws {
        var rng = CSVTestRandom(seed: 20_240_601)
        var text = "id,time,status,group,stratum," + (1...10).map { "x\($0)" }.joined(separator: ",") + "\n"
        for i in 1...60_000 {
            let time = max(0.1, (-365 * log(1 - rng.unit()) * 10).rounded() / 10)
            var fields = ["\(i)", String(format: "%.1f", time), rng.unit() < 0.6 ? "1" : "0", ["A", "B", "C"][rng.below(3)],
                          "s\(rng.below(5) + 1)"]
            for k in 0..<10 {
                let v = (rng.unit() - 0.5) * 6
                fields.append(String(format: k % 2 == 0 ? "%.6f" : "%.4e", v))
            }
            text += fields.joined(separator: ",") + "\n"
        }
        let (bytes, plain) = try gzipped(text)
        XCTAssertGreaterThan(text.utf8.count, 5 << 20, "more than the default first buffer")
        for tuning in [pipelineTuning(segment: 96 << 10, step: 40 << 10), CSVTuning.standard] {
            assertSameResult(try XCTUnwrap(try pipelined(bytes, tuning: tuning)), plain)
        }
        let path = try gzipFile(text)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let read = try CompressedTextReader.read(path: path, options: ReadOptions())
        assertSameResult(read, plain)
        XCTAssertEqual(read.formatDescription, "CSV (comma), UTF-8, gzip-compressed")
    }

    /// What the pipeline hands back (nil) for the whole-text parse, which still reads it right: a
    /// column turning to text after earlier chunks held numbers, a record longer than the headroom,
    /// a stray quote, a bad row (whose error is the plain file's), text that fits in the first buffer.
    func testPipelineHandsBackWhatItCannotSettle() throws {
        let body = (0..<30_000).map { "\($0),\($0 % 13),n\($0 % 5)\n" }.joined()
        let cases: [(String, String)] = [
            ("late text", "id,code,note\n" + body + "9,A12,x\n"),
            ("long record", "id,code,note\n" + body + "9,1,\"" + String(repeating: "long\n", count: 30_000) + "\"\n" + body),
            ("stray quote", "id,code,note\n" + body + "9,1,5'11\"\n" + body),
            ("bad row", "id,code,note\n" + body + "1,2\n" + body),
        ]
        let tuning = pipelineTuning(segment: 2_000, step: 700)
        for (what, text) in cases {
            XCTAssertNil(try pipelined(try gzipBytes(text), tuning: tuning), what)
            let path = try gzipFile(text)
            defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
            var plainError: DataReadError?
            var plain: TableReadResult?
            do { plain = try CSVReader.read(bytes: Array(text.utf8), name: path) } catch { plainError = error }
            do {
                let got = try CompressedTextReader.read(path: path, options: ReadOptions(), tuning: tuning)
                XCTAssertNil(plainError, what)
                if let plain { assertSameResult(got, plain) }
            } catch {
                XCTAssertEqual(error, plainError, what)
            }
        }
        XCTAssertNil(try pipelined(try gzipBytes("a,b\n1,2\n"), tuning: .standard), "fits in the first buffer")
    }

    /// The rows are parsed straight into arrays made for the text's size at the first buffer's
    /// bytes per record: rows past a too-small guess (long records first, short ones after), a
    /// trailer that is not the text's size (several members, bytes after the last one) and a
    /// budget too small for the guessed arrays but not for the real ones all give the plain frame,
    /// and a budget too small for the real rows the plain file's error.
    func testPipelineRowsPastTheGuessedArrays() throws {
        let short = (0..<40_000).map { "\($0),\($0 % 13),n\($0 % 5)\n" }.joined()
        let long = (0..<2_000).map { "\($0),\($0 % 13),\(String(repeating: "w", count: 200 + $0 % 7))\n" }.joined()
        let tuning = pipelineTuning(segment: 16 << 10, step: 5 << 10)
        let longFirst = "id,code,note\n" + long + short
        let estimate = try XCTUnwrap(CSVReader.directCapacity(textSize: Double(longFirst.utf8.count), dataBytes: 130_000, records: 620,
                                                              guess: [.integer, .integer, .text], tuning: tuning))
        XCTAssertLessThan(estimate, 42_000, "the long records make the guess too small")
        let twoMembers = try gzipBytes("id,code,note\n" + short) + gzipBytes(long)
        let trailing = try gzipBytes("id,code,note\n" + short + long) + [0, 0, 0, 0, 0, 0, 0, 0]
        let cases: [(String, [UInt8], String)] = [
            ("long first", try gzipBytes(longFirst), longFirst),
            ("two members", twoMembers, "id,code,note\n" + short + long),
            ("bytes after the member", trailing, "id,code,note\n" + short + long),
        ]
        for (what, bytes, text) in cases {
            let plain = try CSVReader.read(bytes: Array(text.utf8), name: "data.csv")
            assertSameResult(try XCTUnwrap(try pipelined(bytes, tuning: tuning), what), plain)
        }
        let head = (0..<2_000).map { "\($0),\($0 % 13),n\($0 % 5)\n" }.joined()
        // 42,000 rows x 3 columns x 8 bytes = 1008 KB: the guess plus an eighth does not fit in 1040 KB
        let (bytes, plain) = try gzipped("id,code,note\n" + short + head)
        var tight = tuning
        tight.memoryBudget = 1_040_000
        XCTAssertNil(CSVReader.directCapacity(textSize: Double(plain.rowCount * 12), dataBytes: 12_000, records: 1_000,
                                              guess: [.integer, .integer, .text], tuning: tight))
        assertSameResult(try XCTUnwrap(try pipelined(bytes, tuning: tight)), plain)
        tight.memoryBudget = 900_000
        let text = "id,code,note\n" + short + head
        var piped: DataReadError?, whole: DataReadError?
        do { _ = try pipelined(bytes, tuning: tight) } catch { piped = error as? DataReadError }
        do { _ = try CSVReader.read(bytes: Array(text.utf8), name: "data.csv.gz", options: ReadOptions(), tuning: tight) } catch { whole = error }
        XCTAssertNotNil(piped)
        XCTAssertEqual(piped, whole)
    }

    /// The text's size: the trailer's ISIZE when it agrees with the compression ratio so far (the
    /// multiple of 2^32 added that a file over 4 GiB lost), the ratio's size when it does not.
    func testPipelineTextSizeFromTheTrailer() {
        func size(total: Int, isize: UInt32, inflated: Int, consumed: Int) -> Double {
            var bytes = [UInt8](repeating: 0, count: total)
            for k in 0..<4 { bytes[total - 4 + k] = UInt8(truncatingIfNeeded: isize >> (8 * UInt32(k))) }
            return bytes.withUnsafeBytes { CSVReader.textSize($0, inflated: inflated, consumed: consumed) }
        }
        XCTAssertEqual(size(total: 1_000, isize: 2_600, inflated: 250, consumed: 100), 2_600)
        XCTAssertEqual(size(total: 1_000, isize: 90, inflated: 250, consumed: 100), 2_500, "another member's ISIZE")
        XCTAssertEqual(size(total: 1_000, isize: 9_000, inflated: 250, consumed: 100), 2_500)
        XCTAssertEqual(size(total: 1 << 31, isize: 1 << 30, inflated: 10 << 20, consumed: 2 << 20), Double(1 << 33) + Double(1 << 30),
                       "a text of 9 GiB")
        XCTAssertEqual(size(total: 10, isize: 0, inflated: 30, consumed: 10), 30, "too short for a trailer")
    }

    /// Ctrl-C at any poll of the pipeline (inflating or parsing, on either thread) stops it with
    /// `interrupted`; a bomb under a small budget is refused with the whole-text inflation's message.
    func testPipelineStopsOnCtrlCAndBombs() throws {
        let body = (0..<30_000).map { "\($0),\($0 % 13),n\($0 % 5)\n" }.joined()
        let (bytes, plain) = try gzipped("id,code,note\n" + body)
        let tuning = pipelineTuning(segment: 8 << 10, step: 3 << 10)
        let counter = PollCounter(firesAt: nil)
        var options = ReadOptions()
        options.cancel = counter.cancellation
        assertSameResult(try XCTUnwrap(try pipelined(bytes, tuning: tuning, options: options)), plain)
        let polls = counter.count
        XCTAssertGreaterThan(polls, 40)
        for k in [1, polls / 4, polls / 2, polls * 3 / 4] {
            options.cancel = PollCounter(firesAt: k).cancellation
            XCTAssertThrowsError(try pipelined(bytes, tuning: tuning, options: options), "poll \(k) of \(polls)") {
                XCTAssertTrue("\($0)".hasSuffix("interrupted"), "\($0)")
            }
        }
        var small = tuning
        small.memoryBudget = 200 << 10
        XCTAssertThrowsError(try bytes.withUnsafeBytes { raw throws(DataReadError) in
            try CompressedTextReader.read(compressed: InputBuffer.copying(raw), path: "b.csv.gz", options: ReadOptions(), tuning: small)
        }) {
            XCTAssertEqual("\($0)", "b.csv.gz: gzip: decompresses to more than 205 KB, more than the memory available; "
                           + "decompress a part of it first (e.g. zcat FILE | head -n)")
        }
    }
}

extension CSVTestRandom {
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
