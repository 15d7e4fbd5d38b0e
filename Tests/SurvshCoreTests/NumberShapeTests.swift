// NumberShapeTests.swift — the 16-byte classes (SSE2 move masks) against the byte loop, the number
// shape against FastNumber.scanDecimal (what the full parse reads), and the lazy load's type scan,
// which uses the shape, against a full read on files whose columns change type late.

import Foundation
import XCTest
import CSurvshByteClasses
@testable import SurvshCore

final class NumberShapeTests: XCTestCase {
    /// A deterministic stream of small numbers.
    struct Stream {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33) % n
        }
    }

    /// Bytes a number is made of, the stops, and their neighbours in the byte order ('/' and ':'
    /// around the digits, 'D' and 'F' around 'E'), blanks, quotes and bytes above 0x7F.
    static let alphabet: [UInt8] = Array("0123456789.eE+-,;\t\n\r /:DFdf\"xN".utf8) + [0x00, 0x80, 0xB0, 0xBA, 0xFF, 0xC5, 0xA5]

    func testClassesEqualTheByteLoop() {
        var r = Stream(state: 7)
        for trial in 0..<20_000 {
            let bytes = (0..<16).map { _ in r.next(5) == 0 ? UInt8(truncatingIfNeeded: r.next(256)) : Self.alphabet[r.next(Self.alphabet.count)] }
            let delimiter: UInt8 = [UInt8(ascii: ","), UInt8(ascii: ";"), asciiTab][trial % 3]
            bytes.withUnsafeBufferPointer { b in
                let fast = survsh_byte_classes16(b.baseAddress!, delimiter)
                let slow = survsh_byte_classes16_bytewise(b.baseAddress!, delimiter)
                XCTAssertEqual([fast.stop, fast.nondigit, fast.dot, fast.exponent, fast.sign],
                               [slow.stop, slow.nondigit, slow.dot, slow.exponent, slow.sign], "bytes \(bytes)")
            }
        }
    }

    func shape(_ text: String) -> NumberShape {
        var bytes = Array(text.utf8)
        bytes += [asciiLF] + [UInt8](repeating: UInt8(ascii: "7"), count: 20)
        return bytes.withUnsafeBufferPointer { NumberShape.of($0.baseAddress!, delimiter: UInt8(ascii: ",")) }
    }

    func testPlainNumbersAreCertain() {
        let integers = ["0", "-0", "+5", "1234567", "007", "-12345678901234"]
        let reals = ["0.645889", "-3.5594e-01", "2.2746e+00", "45.8", "1e5", "1E-5", "-1.5e99", "12345678901.25"]
        for t in integers { XCTAssertEqual(shape(t), .integer(length: t.utf8.count), t) }
        for t in reals { XCTAssertEqual(shape(t), .real(length: t.utf8.count), t) }
    }

    func testEverythingElseIsUnsure() {
        let unsure = ["", "-", "+", ".5", "5.", "-.5", "1.e5", "1e", "1e+", "e5", "1e100", "1e-100", "1-2", "1.2.3", "1e5e5",
                      "1e5.2", "--1", "1+", " 1", "1 ", "\"1\"", "NaN", "Inf", "-Inf", "NA", "TRUE", "2024-01-05", "1234567890123456",
                      "1.23456789012345", "0x10", "1,5"]
        for t in unsure where t != "1,5" { XCTAssertEqual(shape(t), .unsure, t) }
        // a field that ends at the delimiter: only what comes before it counts
        XCTAssertEqual(shape("1,5"), .integer(length: 1))
    }

    /// Whenever the shape is certain, the full parse reads a finite number of the same kind that ends
    /// at the same byte (so the type scan and the parse agree).
    func testCertainShapesAreWhatTheParserReads() {
        var r = Stream(state: 11)
        let pieces = ["0", "1", "9", "12", "345", ".", "e", "E", "-", "+", "00", "5", "x", " ", "\""]
        var certain = 0
        for _ in 0..<200_000 {
            var text = ""
            for _ in 0..<(1 + r.next(8)) { text += pieces[r.next(pieces.count)] }
            var bytes = Array(text.utf8) + [[UInt8(ascii: ","), asciiLF, asciiCR][r.next(3)]]
            bytes += [UInt8](repeating: asciiLF, count: 20)
            bytes.withUnsafeBufferPointer { b in
                let p = b.baseAddress!
                let s = NumberShape.of(p, delimiter: UInt8(ascii: ","))
                let n = FastNumber.scanDecimal(at: p, powers: FastNumber.powerTables)
                switch s {
                case .unsure: return
                case .integer(let length):
                    XCTAssertEqual(n.kind, .integer, text)
                    XCTAssertEqual(n.end - p, length, text)
                case .real(let length):
                    XCTAssertEqual(n.kind, .real, text)
                    XCTAssertEqual(n.end - p, length, text)
                    XCTAssertTrue(Double(bitPattern: n.bits).isFinite, text)
                }
                certain += 1
            }
        }
        XCTAssertGreaterThan(certain, 10_000, "the random fields include many plain numbers")
    }

    /// The lazy load's scan (shapes, plain records, many small chunks) finds the types, warnings and
    /// errors of a full read, on files whose columns turn real, text, non-finite or missing late and in
    /// some chunks only, with long text, CRLF ends, empty lines and records of the wrong length.
    func testTypeScanEqualsFullRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survsh-shape-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let late = ["1.5", "5.", ".5", "1.e5", "1e400", "-1e-400", "NaN", "Inf", "x", "1-2", "NA", "", " 7", "12345678901234567890",
                    "TRUE", "2024-01-05", "\"3\"", "1e99", "0.1e-05", "1\r2"]
        var r = Stream(state: 3)
        for trial in 0..<40 {
            let rows = 3000
            let crlf = trial % 4 == 1
            var lines = ["a,b,c,d,e,f,g"]
            // per column: its usual cell, and a rare cell at a random row (or none)
            let usual: [(inout Stream) -> String] = [
                { s in "\(s.next(100000))" },
                { s in "\(s.next(2) == 0 ? "-" : "")\(s.next(10)).\(100000 + s.next(900000))" },
                { s in "\(s.next(10)).\(1000 + s.next(9000))e\(s.next(2) == 0 ? "-" : "+")0\(s.next(10))" },
                { s in s.next(3) == 0 ? "\(s.next(50))" : "\(s.next(50)).\(s.next(10))" },
                { s in "\(s.next(7))" },
                { s in "\(s.next(1000))" },
                { s in String(repeating: "t", count: s.next(trial % 3 == 0 ? 40 : 6)) },
            ]
            let rare = (0..<7).map { _ in (row: r.next(rows + rows / 2), cell: late[r.next(late.count)]) }
            let special = r.next(rows) // an empty line, or a record one field short or long
            for row in 0..<rows {
                var cells = (0..<7).map { c in rare[c].row == row ? rare[c].cell : usual[c](&r) }
                if row == special {
                    switch trial % 5 {
                    case 2: cells = []
                    case 3: cells.removeLast()
                    case 4: cells.append("9")
                    default: break
                    }
                }
                lines.append(cells.joined(separator: ","))
            }
            let path = dir.appendingPathComponent("t\(trial).csv").path
            let eol = crlf ? "\r\n" : "\n"
            try (lines.joined(separator: eol) + eol).write(toFile: path, atomically: false, encoding: .utf8)
            var tuning = CSVTuning.standard
            tuning.scanChunkBytes = 4 << 10
            _ = try assertLazyReadReportsAsFullRead(path: path, tuning: tuning, context: "trial \(trial): \(rare), special row \(special)")
        }
    }
}
